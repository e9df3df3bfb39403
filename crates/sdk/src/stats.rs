//! Counts over a signature database, for `appaudit signatures stats`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::SignatureDb;
use crate::schema::RuleKind;

/// How many entries and rules a database holds, by market, category, rule kind and source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Entries (SDKs and libraries).
    pub entries: usize,
    /// Match rules of every kind.
    pub rules: usize,
    /// Entries by market (`cn`, `global`).
    pub by_market: BTreeMap<String, usize>,
    /// Entries by category (`push`, `ads` …).
    pub by_category: BTreeMap<String, usize>,
    /// Rules by kind (`java_packages` …).
    pub rules_by_kind: BTreeMap<String, usize>,
    /// Rules by the list or observation they come from (the part of `source` before `:`).
    pub rules_by_source: BTreeMap<String, usize>,
    /// Entries that say what data the vendor states the SDK collects.
    pub with_data_types: usize,
    /// Entries loaded from generated (imported) files.
    pub generated_entries: usize,
}

/// The serialized snake_case name of a serde enum value.
fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

impl SignatureDb {
    /// Counts of this database.
    pub fn stats(&self) -> Stats {
        let mut stats = Stats {
            entries: self.sdks().len(),
            ..Stats::default()
        };
        for (i, sdk) in self.sdks().iter().enumerate() {
            *stats.by_market.entry(name_of(&sdk.market)).or_default() += 1;
            *stats.by_category.entry(name_of(&sdk.category)).or_default() += 1;
            if !sdk.data_types.is_empty() {
                stats.with_data_types += 1;
            }
            if self.is_generated(i) {
                stats.generated_entries += 1;
            }
            for kind in RuleKind::ALL {
                for rule in sdk.rules.of(kind) {
                    stats.rules += 1;
                    *stats
                        .rules_by_kind
                        .entry(kind.key().to_owned())
                        .or_default() += 1;
                    let source = sdk.rule_source(rule).unwrap_or("?");
                    let list = source.split([':', '@']).next().unwrap_or(source);
                    *stats.rules_by_source.entry(list.to_owned()).or_default() += 1;
                }
            }
        }
        stats
    }
}
