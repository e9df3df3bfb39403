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
    /// One of the SDK's marker classes is defined in the input.
    pub marker: bool,
}

/// Evidence kinds that only say an SDK is configured (its keys and components declared in the
/// manifest), not that its code is in the app.
const MANIFEST_KINDS: [&str; 2] = ["component", "meta_data"];

/// The evidence kind of a network host found in a string of the code or a native library.
pub(super) const NETWORK_HOST: &str = "network_host";

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

    /// Whether anything but manifest declarations matched: classes, native libraries, JNI
    /// exports, assets, library markers, iOS binaries.
    pub fn has_code_evidence(&self) -> bool {
        self.evidence_kinds
            .keys()
            .any(|k| !MANIFEST_KINDS.contains(&k.as_str()))
    }

    /// Whether anything but weak signals (network hosts in strings, manifest declarations)
    /// matched.
    fn has_strong_evidence(&self) -> bool {
        self.evidence_kinds
            .keys()
            .any(|k| !MANIFEST_KINDS.contains(&k.as_str()) && k != NETWORK_HOST)
    }

    /// Records `count` matches of a rule, keeping `values` as evidence samples.
    pub fn hits(
        &mut self,
        hit: &Hit<'_>,
        kind: &str,
        location: &str,
        count: usize,
        values: impl IntoIterator<Item = String>,
    ) {
        *self
            .rules
            .entry((hit.kind, hit.pattern.to_owned()))
            .or_insert(0) += count;
        for value in values {
            self.sample(Evidence {
                kind: kind.to_owned(),
                location: location.to_owned(),
                value,
            });
        }
    }

    /// Whether evidence other than class names says the SDK's own artifact is in the input
    /// (a library marker, a native library, a JNI export, an asset): enough for a product
    /// whose packages a base library shares.
    fn has_artifact_evidence(&self) -> bool {
        self.evidence_kinds
            .keys()
            .any(|k| !MANIFEST_KINDS.contains(&k.as_str()) && k != "class" && k != NETWORK_HOST)
    }

    /// Adds what `other` gathered about the same SDK.
    pub fn merge(&mut self, other: SdkAcc) {
        self.marker |= other.marker;
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
        self.into_detected_as(engine, index, code_read, None)
    }

    /// [`Self::into_detected`] with a fixed status (`configured`).
    fn into_detected_as(
        self,
        engine: &Engine,
        index: usize,
        code_read: bool,
        fixed: Option<&'static str>,
    ) -> Option<model::DetectedSdk> {
        let sdk = engine.db.sdks().get(index)?;
        let status = if let Some(fixed) = fixed {
            fixed
        } else if self.call_count > 0 {
            "used"
        } else if code_read {
            "present"
        } else {
            "unknown"
        };
        let confidence = (!self.has_strong_evidence()).then_some("low");
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
            confidence,
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

/// What [`resolve`] decided about the SDKs an Android input matched.
#[derive(Default)]
pub(super) struct Resolved {
    /// SDKs whose code (or own artifact) is in the input.
    pub bundled: BTreeMap<usize, SdkAcc>,
    /// SDKs only declared in the manifest (meta-data keys, components) while none of their
    /// family's code is in the input: configured, code absent.
    pub configured: BTreeMap<usize, SdkAcc>,
    /// Products without a marker class whose classes now count for an ancestor: id -> the
    /// ancestor's id (`None`: nobody's).
    pub moved: BTreeMap<String, Option<String>>,
}

/// The precision rules of the SDK inventory (issue #10 item 4), applied once every fact of
/// an input is in:
/// * a product with marker classes (`marker_classes`) is named only when one is defined (or
///   its own library marker, native library or asset is there); otherwise its classes are
///   the shared base library's and count for its parent;
/// * an SDK seen only by network hosts, while another member of its family has code in the
///   input, is folded into that member;
/// * when the input's code was read (`code_read`), an SDK matched only by manifest
///   declarations, with no code of its family anywhere, is configured, not bundled.
pub(super) fn resolve(
    engine: &Engine,
    mut sdks: BTreeMap<usize, SdkAcc>,
    code_read: bool,
) -> Resolved {
    let db = &engine.db;
    let depth = |i: usize| {
        let mut d = 0usize;
        let mut cur = i;
        while let Some(p) = db
            .sdks()
            .get(cur)
            .and_then(|s| s.parent.as_deref())
            .and_then(|p| db.index_of(p))
        {
            d += 1;
            cur = p;
            if d > db.sdks().len() {
                break;
            }
        }
        d
    };
    let parent_of = |i: usize| {
        db.sdks()
            .get(i)
            .and_then(|s| s.parent.as_deref())
            .and_then(|p| db.index_of(p))
    };
    let mut resolved = Resolved::default();
    // Deepest first, so a demoted product's classes reach its parent before the parent's
    // own marker rule is judged.
    let mut order: Vec<usize> = sdks.keys().copied().collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(depth(i)), i));
    let mut moved_to: BTreeMap<usize, Option<usize>> = BTreeMap::new();
    let mut queue = order;
    while let Some(i) = queue.first().copied() {
        queue.remove(0);
        let demote = engine.matcher.needs_marker(i)
            && sdks
                .get(&i)
                .is_some_and(|a| a.is_present() && !a.marker && !a.has_artifact_evidence());
        if !demote {
            continue;
        }
        let Some(acc) = sdks.remove(&i) else { continue };
        let parent = parent_of(i);
        moved_to.insert(i, parent);
        if let Some(p) = parent {
            if !sdks.contains_key(&p) {
                // The parent is judged after its children: keep the queue's depth order.
                let at = queue
                    .iter()
                    .position(|&q| depth(q) < depth(p))
                    .unwrap_or(queue.len());
                queue.insert(at, p);
            }
            sdks.entry(p).or_default().merge(acc);
        }
    }
    for &from in moved_to.keys() {
        let mut to = moved_to.get(&from).copied().flatten();
        let mut hops = 0;
        while let Some(t) = to
            && let Some(next) = moved_to.get(&t)
            && hops <= db.sdks().len()
        {
            to = *next;
            hops += 1;
        }
        if let Some(id) = db.sdks().get(from).map(|s| s.id.clone()) {
            resolved
                .moved
                .insert(id, to.and_then(|t| db.sdks().get(t)).map(|s| s.id.clone()));
        }
    }
    // A family member seen only by hosts while another member of its family has code here:
    // the hosts are that family's endpoints (AMap Location's classes naming amap.com hosts
    // of the `amap` entry), not a second SDK.
    let mut strong_by_root: BTreeMap<usize, usize> = BTreeMap::new();
    for (&i, acc) in &sdks {
        if acc.has_strong_evidence() {
            strong_by_root.entry(db.family_root(i)).or_insert(i);
        }
    }
    let weak: Vec<(usize, usize)> = sdks
        .iter()
        .filter(|(_, a)| !a.has_strong_evidence() && a.has_code_evidence())
        .filter_map(|(&i, _)| {
            strong_by_root
                .get(&db.family_root(i))
                .filter(|&&m| m != i)
                .map(|&m| (i, m))
        })
        .collect();
    for (from, into) in weak {
        if let Some(acc) = sdks.remove(&from) {
            sdks.entry(into).or_default().merge(acc);
        }
    }
    if code_read {
        let code_roots: BTreeSet<usize> = sdks
            .iter()
            .filter(|(_, a)| a.has_code_evidence())
            .map(|(&i, _)| db.family_root(i))
            .collect();
        let (configured, bundled): (BTreeMap<_, _>, BTreeMap<_, _>) =
            sdks.into_iter().partition(|(i, a)| {
                a.is_present()
                    && !a.has_code_evidence()
                    && !code_roots.contains(&db.family_root(*i))
            });
        resolved.bundled = bundled;
        resolved.configured = configured;
    } else {
        resolved.bundled = sdks;
    }
    resolved
}

/// The report entries of SDKs configured in the manifest whose code is absent, by id.
pub(super) fn configured_sdks(
    engine: &Engine,
    sdks: BTreeMap<usize, SdkAcc>,
) -> Vec<model::DetectedSdk> {
    let mut out: Vec<model::DetectedSdk> = sdks
        .into_iter()
        .filter_map(|(index, acc)| acc.into_detected_as(engine, index, true, Some("configured")))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Re-attributes data-access records of demoted products (see [`Resolved::moved`]) to the
/// SDK their classes now count for, merging with that SDK's own record.
pub(super) fn reattribute(
    access: &mut [appaudit_taxonomy::DataAccess],
    moved: &BTreeMap<String, Option<String>>,
) {
    if moved.is_empty() {
        return;
    }
    for record in access.iter_mut() {
        let mut merged: Vec<appaudit_taxonomy::Accessor> = Vec::new();
        for mut accessor in std::mem::take(&mut record.accessors) {
            if let Some(id) = accessor.sdk.as_deref()
                && let Some(to) = moved.get(id)
            {
                accessor.sdk.clone_from(to);
            }
            match merged.iter_mut().find(|a| a.sdk == accessor.sdk) {
                Some(into) => {
                    for api in accessor.apis {
                        if !into.apis.contains(&api) {
                            into.apis.push(api);
                        }
                    }
                    for m in accessor.markers {
                        if !into.markers.contains(&m) {
                            into.markers.push(m);
                        }
                    }
                    let keep = into.call_sites.len().max(accessor.call_sites.len());
                    into.call_sites.extend(accessor.call_sites);
                    into.call_sites.sort();
                    into.call_sites.dedup();
                    into.call_sites.truncate(keep);
                    into.call_site_count += accessor.call_site_count;
                    into.apis.sort();
                    into.markers.sort();
                }
                None => merged.push(accessor),
            }
        }
        // The app first, then SDKs by id (the collector's order).
        merged.sort_by(|a, b| a.sdk.cmp(&b.sdk));
        record.accessors = merged;
    }
}
