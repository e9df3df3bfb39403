//! The Chinese rule pack's checks: app-side rules AA109–AA115 in `app.rs` (manifest and bytecode
//! results), policy-text rules AA207–AA216 in `policy_text.rs`. Texts: `data/rules.toml`.
//! Their word lists and manifest names are data (`crates/audit/data/cn_checks.toml`), loaded once.

use std::sync::LazyLock;

mod app;
mod policy_text;

use serde::Deserialize;

use super::context::{Ctx, EVIDENCE_SAMPLES};
use crate::model::{Finding, PolicyEvidence};
use crate::rules::RuleId;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tables {
    hot_update: HotUpdate,
    self_start: SelfStart,
    non_resettable: NonResettable,
    pub(super) special: Vec<Special>,
    target_sdk: TargetSdk,
    scoped: Vec<Scoped>,
    sensitive: Sensitive,
    policy: PolicyTerms,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HotUpdate {
    sdks: Vec<String>,
    disclosure: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SelfStart {
    actions: Vec<String>,
    disclosure: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NonResettable {
    data_types: Vec<String>,
    purposes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Special {
    label: String,
    pub(super) permissions: Vec<String>,
    actions: Vec<String>,
    terms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSdk {
    runtime_permissions: u32,
    play_minimum: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scoped {
    permission: String,
    for_services: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sensitive {
    data_types: Vec<String>,
    consent: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyTerms {
    open_list: Vec<String>,
    open_list_window: usize,
    open_list_suffix: Vec<String>,
    collection: Vec<String>,
    retention: Vec<String>,
    storage_region: Vec<String>,
    complaint: Vec<String>,
    response_time: Vec<String>,
    ads_sdk_categories: Vec<String>,
    ads_topic: Vec<String>,
    ads_action: Vec<String>,
    under_14: Vec<String>,
    operator: Vec<String>,
    address: Vec<String>,
    title: Vec<String>,
    title_lines: usize,
    min_cjk_chars: usize,
}

const TABLES_TOML: &str = include_str!("../../../data/cn_checks.toml");

pub(crate) static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    // Compiled in; the unit test `tables_parse` fails on a broken file before any release does.
    match toml::from_str(TABLES_TOML) {
        Ok(t) => t,
        Err(e) => panic!("crates/audit/data/cn_checks.toml: {e}"),
    }
});

/// Whether `line` contains one of `terms` (case-insensitive for ASCII).
fn has_term(line: &str, terms: &[String]) -> bool {
    let lower = line.to_lowercase();
    terms.iter().any(|t| lower.contains(&t.to_lowercase()))
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl Ctx<'_> {
    /// The first policy lines (1-based number, text) that contain one of `terms`.
    fn lines_with(&self, terms: &[String]) -> Vec<(usize, &str)> {
        self.policy
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| has_term(l, terms))
            .map(|(i, l)| (i + 1, l.as_str()))
            .take(EVIDENCE_SAMPLES)
            .collect()
    }

    fn new_finding(&self, rule: RuleId, lowered: bool, message: String) -> Finding {
        let base = (self.severity)(rule);
        self.finding(rule, if lowered { base.lowered() } else { base }, message)
    }

    fn quotes(found: &[(usize, &str)], note: &str) -> Vec<PolicyEvidence> {
        found
            .iter()
            .map(|(line, text)| PolicyEvidence::quote(text.trim(), *line, note))
            .collect()
    }

    /// Runs every check of the pack.
    pub(super) fn cn_pack(&self, out: &mut Vec<Finding>) {
        let t = &*TABLES;
        self.hot_update(t, out);
        self.self_start(t, out);
        self.non_resettable(t, out);
        self.special_permissions(t, out);
        self.target_sdk(t, out);
        self.scoped_permissions(t, out);
        self.separate_consent(t, out);
        self.policy_checks(&t.policy, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        let t: Tables = toml::from_str(TABLES_TOML).expect("cn_checks.toml parses");
        assert!(
            t.self_start
                .actions
                .iter()
                .any(|a| a.ends_with("BOOT_COMPLETED"))
        );
        assert!(t.target_sdk.runtime_permissions == 23);
        for s in &t.special {
            assert!(
                !s.permissions.is_empty() && !s.terms.is_empty(),
                "{}",
                s.label
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = TABLES_TOML.replace("[target_sdk]", "[target_sdk]\nfoo = 1");
        assert!(toml::from_str::<Tables>(&text).is_err());
    }

    #[test]
    fn terms_match_case_insensitively() {
        assert!(has_term("We RETAIN data", &["retain".to_owned()]));
        assert!(has_term("保存期限为一年", &["保存期限".to_owned()]));
        assert!(!has_term("nothing", &["retain".to_owned()]));
    }
}
