//! What is gathered about each detected SDK while an input is read, on any
//! platform, and how it becomes a [`model::DetectedSdk`].

use std::collections::{BTreeMap, BTreeSet};

use appaudit_sdk::{Hit, RuleKind};

use super::Engine;
use crate::model::{self, Evidence};

/// How many evidence samples (per evidence kind) and call sites each SDK keeps.
pub(super) const EVIDENCE_SAMPLES: usize = 5;

/// Facts gathered about one SDK across the whole input.
#[derive(Default)]
pub(super) struct SdkAcc {
    /// Defined classes attributed to the SDK.
    pub classes: usize,
    rules: BTreeMap<(RuleKind, String), usize>,
    evidence: BTreeSet<Evidence>,
    evidence_kinds: BTreeMap<String, usize>,
    /// Sample call sites with the code file each is in (`""` when unknown).
    call_sites: Vec<(String, String)>,
    call_count: usize,
}

impl SdkAcc {
    /// Records that `hit` matched; keeps `value` as evidence of `kind` found at
    /// `location` while that kind has fewer than [`EVIDENCE_SAMPLES`] samples (so a
    /// flood of classes does not hide the manifest or native evidence).
    pub fn hit(
        &mut self,
        hit: &Hit<'_>,
        kind: &str,
        location: &str,
        value: impl FnOnce() -> String,
    ) {
        *self
            .rules
            .entry((hit.kind, hit.pattern.to_owned()))
            .or_insert(0) += 1;
        self.sample(Evidence {
            kind: kind.to_owned(),
            location: location.to_owned(),
            value: value(),
        });
    }

    fn sample(&mut self, evidence: Evidence) {
        let seen = self
            .evidence_kinds
            .entry(evidence.kind.clone())
            .or_insert(0);
        if *seen < EVIDENCE_SAMPLES {
            *seen += 1;
            self.evidence.insert(evidence);
        }
    }

    /// Records `count` calls into the SDK from outside it, keeping distinct sample sites,
    /// each with the code file it is in (`classes2.dex`).
    pub fn calls(&mut self, count: usize, sites: impl IntoIterator<Item = (String, String)>) {
        self.call_count += count;
        for (site, file) in sites {
            if self.call_sites.len() < EVIDENCE_SAMPLES
                && !self.call_sites.iter().any(|(s, _)| *s == site)
            {
                self.call_sites.push((site, file));
            }
        }
    }

    /// Whether any signature rule matched: an SDK that is only called (a reflective
    /// probe, an optional dependency) is referenced, not present.
    pub fn is_present(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Adds what `other` gathered about the same SDK.
    pub fn merge(&mut self, other: SdkAcc) {
        self.classes += other.classes;
        for (k, n) in other.rules {
            *self.rules.entry(k).or_insert(0) += n;
        }
        for ev in other.evidence {
            self.sample(ev);
        }
        self.calls(other.call_count, other.call_sites);
    }

    /// The report entry for SDK `index` of the engine's database. `code_read` says
    /// whether the input had code whose calls were followed: without it an SDK that
    /// nobody was seen calling is `unknown`, not `present`.
    pub fn into_detected(
        self,
        engine: &Engine,
        index: usize,
        code_read: bool,
    ) -> Option<model::DetectedSdk> {
        let sdk = engine.db.sdks().get(index)?;
        let status = if self.call_count > 0 {
            "used"
        } else if code_read {
            "present"
        } else {
            "unknown"
        };
        let packages = self
            .rules
            .keys()
            .filter(|(kind, _)| *kind == RuleKind::JavaPackage)
            .map(|(_, p)| p.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Some(model::DetectedSdk {
            id: sdk.id.clone(),
            name: sdk.name.clone(),
            name_zh: sdk.name_zh.clone(),
            vendor: sdk.vendor.clone(),
            category: crate::serde_name(&sdk.category),
            packages,
            class_count: self.classes,
            matched_rules: self
                .rules
                .into_iter()
                .map(|((kind, pattern), count)| model::RuleHit {
                    kind: kind.key().to_owned(),
                    pattern,
                    count,
                })
                .collect(),
            evidence: self.evidence.into_iter().collect(),
            usage: model::SdkUsage {
                status,
                call_site_files: if self.call_sites.iter().all(|(_, f)| f.is_empty()) {
                    Vec::new()
                } else {
                    self.call_sites.iter().map(|(_, f)| f.clone()).collect()
                },
                call_sites: self.call_sites.into_iter().map(|(s, _)| s).collect(),
                call_count: self.call_count,
            },
            documented_data_types: sdk.data_types.clone(),
        })
    }
}

/// The report entries of every present SDK, sorted by id.
pub(super) fn detected_sdks(
    engine: &Engine,
    sdks: BTreeMap<usize, SdkAcc>,
    code_read: bool,
) -> Vec<model::DetectedSdk> {
    let mut out: Vec<model::DetectedSdk> = sdks
        .into_iter()
        .filter(|(_, acc)| acc.is_present())
        .filter_map(|(index, acc)| acc.into_detected(engine, index, code_read))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}
