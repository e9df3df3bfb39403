//! The iOS tables that have one source outside the taxonomy file: Info.plist usage-description
//! keys (`data/ios_usage_keys.toml`) and Apple's required-reason APIs
//! (`data/ios_required_reason_apis.toml`). appaudit-ios reads the same two files for purpose
//! strings and required-reason gaps; here they become `detect.ios_plist_keys` of the data types
//! and `ios_required_reason_apis`, so data access and permissions cannot disagree.

use serde::Deserialize;

use crate::{RequiredReasonCategory, Taxonomy, TaxonomyError};

/// `data/ios_usage_keys.toml`, the one table of `NS*UsageDescription` keys.
pub(crate) const USAGE_KEYS_TOML: &str = include_str!("../../../data/ios_usage_keys.toml");
/// `data/ios_required_reason_apis.toml`, the one table of required-reason APIs.
pub(crate) const REQUIRED_REASON_TOML: &str =
    include_str!("../../../data/ios_required_reason_apis.toml");

#[derive(Deserialize)]
pub(crate) struct UsageKeys {
    pub(crate) key: Vec<UsageKey>,
}

#[derive(Deserialize)]
pub(crate) struct UsageKey {
    pub(crate) key: String,
    pub(crate) data_types: Vec<String>,
}

#[derive(Deserialize)]
pub(crate) struct RequiredReasons {
    pub(crate) source: String,
    pub(crate) category: Vec<RequiredReasonRow>,
}

#[derive(Deserialize)]
pub(crate) struct RequiredReasonRow {
    pub(crate) id: String,
    pub(crate) symbols: Vec<String>,
    pub(crate) classes: Vec<String>,
    pub(crate) selectors: Vec<String>,
    pub(crate) reasons: Vec<String>,
}

pub(crate) fn usage_keys() -> Result<UsageKeys, TaxonomyError> {
    toml::from_str(USAGE_KEYS_TOML).map_err(|source| TaxonomyError::Table {
        file: "data/ios_usage_keys.toml",
        source,
    })
}

pub(crate) fn required_reasons() -> Result<RequiredReasons, TaxonomyError> {
    toml::from_str(REQUIRED_REASON_TOML).map_err(|source| TaxonomyError::Table {
        file: "data/ios_required_reason_apis.toml",
        source,
    })
}

/// Adds each usage key to the data types it reveals (ids the taxonomy lacks are left to
/// `validate`'s sibling test on the built-in file), and the required-reason categories when the
/// taxonomy file gives none.
pub(crate) fn merge_into(taxonomy: &mut Taxonomy) -> Result<(), TaxonomyError> {
    for row in usage_keys()?.key {
        for id in &row.data_types {
            if let Some(dt) = taxonomy.data_types.iter_mut().find(|t| &t.id == id)
                && !dt.detect.ios_plist_keys.contains(&row.key)
            {
                dt.detect.ios_plist_keys.push(row.key.clone());
            }
        }
    }
    if taxonomy.ios_required_reason_apis.is_empty() {
        let table = required_reasons()?;
        taxonomy.ios_required_reason_apis = table
            .category
            .into_iter()
            .map(|row| RequiredReasonCategory {
                // Importing an Objective-C class shows in a Mach-O file as this symbol.
                symbols: row
                    .symbols
                    .into_iter()
                    .chain(row.classes.iter().map(|c| format!("_OBJC_CLASS_$_{c}")))
                    .collect(),
                category: row.id,
                selectors: row.selectors,
                reasons: row.reasons,
                source: Some(table.source.clone()),
            })
            .collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BUILTIN_JSON, IosRules};

    /// Issue #14: the usage keys and required-reason APIs existed twice (here and in
    /// appaudit-ios) and disagreed on 19 usage keys. The taxonomy file must hold neither table,
    /// and what the taxonomy answers must be exactly what the one table says.
    #[test]
    fn ios_usage_keys_and_required_reasons_have_one_table() {
        let raw: serde_json::Value = serde_json::from_str(BUILTIN_JSON).expect("taxonomy JSON");
        for dt in raw["data_types"].as_array().expect("data_types") {
            for key in dt["detect"]["ios_plist_keys"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let key = key.as_str().unwrap_or_default();
                assert!(
                    !key.contains("UsageDescription"),
                    "{}: usage key {key} belongs in data/ios_usage_keys.toml",
                    dt["id"]
                );
            }
        }
        assert!(raw["ios_required_reason_apis"].is_null());
        assert!(raw["apple"]["required_reason_apis"].is_null());
        assert!(raw["apple"]["usage_description_keys"].is_null());

        let t = Taxonomy::builtin().expect("builtin");
        let rules = IosRules::new(&t);
        let usage = usage_keys().expect("usage table");
        assert!(usage.key.len() >= 36, "{} keys", usage.key.len());
        for row in &usage.key {
            for id in &row.data_types {
                assert!(t.get(id).is_some(), "{}: unknown data type {id}", row.key);
            }
            let mut theirs: Vec<&str> = rules
                .plist_key(&row.key)
                .map(|r| {
                    r.data_types
                        .iter()
                        .map(|i| t.data_types[i.index()].id.as_str())
                        .collect()
                })
                .unwrap_or_default();
            theirs.sort_unstable();
            let mut ours: Vec<&str> = row.data_types.iter().map(String::as_str).collect();
            ours.sort_unstable();
            assert_eq!(theirs, ours, "{}", row.key);
        }

        let reasons = required_reasons().expect("required-reason table");
        assert_eq!(t.ios_required_reason_apis.len(), reasons.category.len());
        for row in &reasons.category {
            for s in &row.symbols {
                assert!(
                    rules.required_reason_symbol(s).contains(&row.id),
                    "{}: {s}",
                    row.id
                );
            }
            for c in &row.classes {
                let symbol = format!("_OBJC_CLASS_$_{c}");
                assert!(rules.required_reason_symbol(&symbol).contains(&row.id));
            }
            for s in &row.selectors {
                assert!(rules.required_reason_selector(s).contains(&row.id));
            }
            assert!(!row.reasons.is_empty(), "{} has no reason codes", row.id);
        }
    }

    #[test]
    fn a_taxonomy_file_with_its_own_required_reasons_keeps_them() {
        let json = r#"{"schema_version":"1","data_types":[],
            "ios_required_reason_apis":[{"category":"NSPrivacyAccessedAPICategoryX","symbols":["_x"]}]}"#;
        let t = Taxonomy::from_json(json).expect("loads");
        assert_eq!(t.ios_required_reason_apis.len(), 1);
        assert_eq!(t.ios_required_reason_apis[0].symbols, ["_x"]);
    }
}
