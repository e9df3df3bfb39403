//! AA116 (CN-C01, static): SDK initialisations and sensitive reads the scan's start-up walk
//! reached (`Inventory::startup_calls`). One finding per SDK initialised and per data type read,
//! with the call paths as evidence. Whether a consent check guards the path is not provable
//! statically; AA501 (dynamic) confirms it on a first launch.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use appaudit_model::StartupCall;
use serde::Deserialize;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Terms {
    consent_first: Vec<String>,
}

/// `crates/audit/data/startup.toml`, loaded once; `terms_parse` tests it.
static TERMS: LazyLock<Terms> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/startup.toml")).unwrap_or(Terms {
        consent_first: Vec::new(),
    })
});

impl Ctx<'_> {
    pub(super) fn startup_calls(&self, out: &mut Vec<Finding>) {
        let mut groups: BTreeMap<(&str, &str), Vec<&StartupCall>> = BTreeMap::new();
        for c in &self.inv.startup_calls {
            match (c.kind, c.sdk.as_deref()) {
                ("sdk_init", Some(sdk)) => groups.entry(("sdk", sdk)).or_default().push(c),
                _ => {
                    for t in &c.data_types {
                        groups.entry(("data", t)).or_default().push(c);
                    }
                }
            }
        }
        if groups.is_empty() {
            return;
        }
        let promise: Vec<(usize, &str)> = self
            .policy
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let lower = l.to_lowercase();
                TERMS
                    .consent_first
                    .iter()
                    .any(|t| lower.contains(&t.to_lowercase()))
            })
            .map(|(i, l)| (i + 1, l.as_str()))
            .take(EVIDENCE_SAMPLES)
            .collect();
        let rule = RuleId::StartupCollectionUnguarded;
        for ((what, id), calls) in groups {
            let Some(first) = calls.first() else { continue };
            let subject = if what == "sdk" {
                let name = self
                    .inv
                    .sdks
                    .iter()
                    .find(|s| s.id == id)
                    .map_or(id, |s| s.name.as_str());
                format!("{name} is initialised")
            } else {
                let name = self
                    .know
                    .taxonomy
                    .get(id)
                    .map_or(id, |t| t.name.en.as_str());
                format!("{name} is read")
            };
            let mut f = self.finding(
                rule,
                (self.severity)(rule),
                format!(
                    "{subject} ({}) reachable from {}; consent guard not provable statically",
                    first.call, first.entry
                ),
            );
            if what == "sdk" {
                f.sdk = Some(id.to_owned());
            } else {
                f.data_type = Some(id.to_owned());
            }
            for c in calls.iter().take(EVIDENCE_SAMPLES) {
                let caller = c.path.iter().rev().nth(1).cloned().unwrap_or_default();
                f.app_evidence.push(AppEvidence {
                    kind: "call_site".into(),
                    location: c.file.clone(),
                    value: caller,
                    sdk: c.sdk.clone(),
                });
                f.app_evidence.push(AppEvidence {
                    kind: "call_path".into(),
                    location: c.file.clone(),
                    value: c.path.join(" → "),
                    sdk: c.sdk.clone(),
                });
            }
            if promise.is_empty() {
                f.policy_evidence.push(PolicyEvidence::not_mentioned(
                    "no line says collection waits for consent; the code starts it at launch",
                ));
            } else {
                f.policy_evidence.extend(promise.iter().map(|(line, text)| {
                    PolicyEvidence::quote(
                        text.trim(),
                        *line,
                        "promises consent first; the start-up path shows no check",
                    )
                }));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn terms_parse() {
        let t: super::Terms =
            toml::from_str(include_str!("../../data/startup.toml")).expect("startup.toml");
        assert!(t.consent_first.iter().any(|x| x == "同意后"));
    }
}
