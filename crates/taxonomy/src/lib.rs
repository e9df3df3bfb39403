//! The personal-data taxonomy of appaudit.
//!
//! The taxonomy is data (`data/taxonomy.json` at the repository root, embedded
//! into the binary at compile time); this crate loads and validates it. Every
//! other part of appaudit names data types by the stable ids defined there.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The taxonomy shipped with appaudit, embedded at compile time.
pub const BUILTIN_JSON: &str = include_str!("../../../data/taxonomy.json");

/// Why a taxonomy could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TaxonomyError {
    /// The JSON does not match the schema.
    #[error("taxonomy is not valid JSON for the schema: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON parsed but breaks an invariant (duplicate id, dangling reference …).
    #[error("taxonomy is inconsistent: {0}")]
    Invalid(String),
}

/// English and Chinese text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Bilingual<T> {
    /// English.
    #[serde(default)]
    pub en: T,
    /// Chinese.
    #[serde(default)]
    pub zh: T,
}

/// Android facts about a data type.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AndroidFacts {
    /// Permissions that grant the data type (free text as in the source, first word is the permission).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Framework APIs that reveal it (`package.Class#method(args)` plus free-text notes).
    #[serde(default)]
    pub apis: Vec<String>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// iOS facts about a data type.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IosFacts {
    /// Whether iOS exposes this data type to apps at all.
    #[serde(default)]
    pub available: bool,
    /// Info.plist keys that gate access.
    #[serde(default)]
    pub plist_keys: Vec<String>,
    /// APIs that reveal it.
    #[serde(default)]
    pub apis: Vec<String>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One personal-data type.
#[derive(Debug, Clone, Deserialize)]
pub struct DataType {
    /// Stable id (`imei`, `android_id`, `installed_apps` …).
    pub id: String,
    /// Display names.
    pub name: Bilingual<String>,
    /// The group (hypernym) it belongs to.
    #[serde(default)]
    pub group: Option<String>,
    /// All hypernyms that cover it.
    #[serde(default)]
    pub parents: Vec<String>,
    /// Whether the user can reset it.
    #[serde(default)]
    pub persistence: Option<String>,
    /// Sensitive personal information under PIPL art. 28 / GB/T 35273 Annex B.
    #[serde(default)]
    pub cn_sensitive_pi: bool,
    /// Android facts.
    #[serde(default)]
    pub android: AndroidFacts,
    /// iOS facts.
    #[serde(default)]
    pub ios: IosFacts,
    /// Apple privacy-manifest collected-data types that correspond.
    #[serde(default)]
    pub apple_privacy_manifest_types: Vec<String>,
    /// Phrases a policy uses to name it.
    #[serde(default)]
    pub phrases: Bilingual<Vec<String>>,
    /// Short or polysemous phrases that need context before they count.
    #[serde(default)]
    pub ambiguous_phrases: Vec<String>,
    /// Chinese rules and standards that mention it.
    #[serde(default)]
    pub cn_rule_refs: Vec<String>,
    /// GB/T 35273 annex reference.
    #[serde(default)]
    pub gbt35273_annex: Option<String>,
}

/// A broad category ("device information") that covers several data types.
#[derive(Debug, Clone, Deserialize)]
pub struct Hypernym {
    /// Display names.
    pub name: Bilingual<String>,
    /// Ids of the data types (or other hypernyms) it covers.
    #[serde(default)]
    pub children: Vec<String>,
    /// Phrases a policy uses for the category.
    #[serde(default)]
    pub phrases: Bilingual<Vec<String>>,
}

/// The whole taxonomy.
#[derive(Debug, Clone, Deserialize)]
pub struct Taxonomy {
    /// Schema version of the file.
    pub schema_version: String,
    /// Every data type.
    pub data_types: Vec<DataType>,
    /// Broad categories, by id.
    #[serde(default)]
    pub hypernyms: BTreeMap<String, Hypernym>,
    /// Phrases that negate a statement ("do not collect", 不会收集).
    #[serde(default)]
    pub negation_cues: Bilingual<Vec<String>>,
}

impl Taxonomy {
    /// The taxonomy embedded in the binary.
    pub fn builtin() -> Result<Self, TaxonomyError> {
        Self::from_json(BUILTIN_JSON)
    }

    /// Parses and validates a taxonomy from JSON text.
    pub fn from_json(text: &str) -> Result<Self, TaxonomyError> {
        let taxonomy: Taxonomy = serde_json::from_str(text)?;
        taxonomy.validate()?;
        Ok(taxonomy)
    }

    /// The data type with this id.
    pub fn get(&self, id: &str) -> Option<&DataType> {
        self.data_types.iter().find(|t| t.id == id)
    }

    fn validate(&self) -> Result<(), TaxonomyError> {
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.data_types {
            if !seen.insert(t.id.as_str()) {
                return Err(TaxonomyError::Invalid(format!("duplicate data type id `{}`", t.id)));
            }
        }
        for (hid, h) in &self.hypernyms {
            for child in &h.children {
                if !seen.contains(child.as_str()) && !self.hypernyms.contains_key(child) {
                    return Err(TaxonomyError::Invalid(format!(
                        "hypernym `{hid}` names unknown child `{child}`"
                    )));
                }
            }
        }
        for t in &self.data_types {
            for p in &t.parents {
                if !self.hypernyms.contains_key(p) {
                    return Err(TaxonomyError::Invalid(format!(
                        "data type `{}` names unknown parent `{p}`",
                        t.id
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_taxonomy_loads_and_validates() {
        let t = Taxonomy::builtin().expect("builtin taxonomy");
        assert!(t.data_types.len() >= 35, "{} types", t.data_types.len());
        assert!(t.get("imei").is_some());
        assert!(t.get("installed_apps").is_some());
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let json = r#"{"schema_version":"1","data_types":[
            {"id":"a","name":{"en":"A","zh":"甲"}},{"id":"a","name":{"en":"A","zh":"甲"}}]}"#;
        let err = Taxonomy::from_json(json).unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn unknown_parent_is_rejected() {
        let json = r#"{"schema_version":"1","data_types":[
            {"id":"a","name":{"en":"A","zh":"甲"},"parents":["nope"]}]}"#;
        assert!(Taxonomy::from_json(json).is_err());
    }
}
