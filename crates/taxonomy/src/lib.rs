//! The personal-data taxonomy of appaudit.
//!
//! The taxonomy is data (`data/taxonomy.json` at the repository root, embedded
//! into the binary at compile time); this crate loads and validates it. Every
//! other part of appaudit names data types by the stable ids defined there.
//!
//! Besides the loader, the crate compiles the machine-readable `detect` rules
//! of the file into fast lookup tables:
//!
//! * [`AndroidRules`]: framework API / field / superclass / string-marker /
//!   permission lookups, called for every instruction of an app;
//! * [`MethodScan`]: the per-method glue that pairs a call with the argument
//!   string it needs (`Settings$Secure.getString` + `"android_id"`) and a
//!   reflective class-name string with a method-name string;
//! * [`DataAccessCollector`]: aggregates evidence into per-data-type
//!   [`DataAccess`] records (who reads what, through which API, where);
//! * [`IosRules`]: Info.plist key, symbol, selector and required-reason lookups.
#![deny(missing_docs)]

mod android;
mod collector;
mod fast_hash;
mod ios;
mod ios_tables;
mod reflective;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use android::{
    AndroidRules, ApiRule, ClassHandle, DataTypeId, DataTypeMeta, MarkerCondition, MarkerRule,
    MethodScan, PermissionInfo, RuleKind,
};
pub use collector::{Accessor, DataAccess, DataAccessCollector, SAMPLE_CALL_SITES};
pub use ios::{IosApiRule, IosRule, IosRules};

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
    /// A built-in iOS table (`data/ios_*.toml`) does not match its schema.
    #[error("built-in table {file} is not valid: {source}")]
    Table {
        /// The table's file name.
        file: &'static str,
        /// What is wrong.
        source: toml::de::Error,
    },
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
    /// The Google Play Data safety category and type(s) it is declared under.
    #[serde(default)]
    pub play_data_safety: Option<PlayDataSafety>,
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
    /// Machine-readable detection rules.
    #[serde(default)]
    pub detect: Detect,
    /// Public documents the mappings of this type come from (URLs).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Machine-readable rules that reveal a data type (see `field_notes.detect` in the file).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Detect {
    /// Android permissions (full names) that grant it.
    #[serde(default)]
    pub android_permissions: Vec<String>,
    /// Framework or SDK methods that reveal it.
    #[serde(default)]
    pub android_apis: Vec<AndroidApi>,
    /// Calls that make a marker-conditioned call targeted (`Intent.setPackage`: a query for one
    /// package, not the list): in the same method they cancel the types that need a marker.
    #[serde(default)]
    pub android_targeting_apis: Vec<AndroidApi>,
    /// Static fields whose read reveals it.
    #[serde(default)]
    pub android_fields: Vec<AndroidField>,
    /// Constant strings that reveal it.
    #[serde(default)]
    pub android_markers: Vec<AndroidMarker>,
    /// A class extending one of these (Java binary names) reveals it.
    #[serde(default)]
    pub android_superclasses: Vec<String>,
    /// Info.plist keys that gate it: the purpose-string keys come from
    /// `data/ios_usage_keys.toml` (added on load), other keys from the taxonomy file.
    #[serde(default)]
    pub ios_plist_keys: Vec<String>,
    /// Objective-C classes and selectors that reveal it.
    #[serde(default)]
    pub ios_apis: Vec<IosApi>,
    /// Mach-O symbols (as imported, leading underscore) that reveal it.
    #[serde(default)]
    pub ios_symbols: Vec<String>,
}

/// An Android method rule as written in the file.
#[derive(Debug, Clone, Deserialize)]
pub struct AndroidApi {
    /// Java binary name (`android.provider.Settings$Secure`).
    pub class: String,
    /// Method name as in bytecode (`<init>` for constructors).
    pub method: String,
    /// The call only counts when this argument string occurs in the same method.
    #[serde(default)]
    pub requires_marker: Option<String>,
}

/// An Android static-field rule as written in the file.
#[derive(Debug, Clone, Deserialize)]
pub struct AndroidField {
    /// Java binary name.
    pub class: String,
    /// Field name.
    pub field: String,
}

/// How a marker string is compared with a constant string of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerMatch {
    /// The whole constant equals the marker.
    Exact,
    /// The constant starts with the marker.
    Prefix,
    /// The constant contains the marker.
    Contains,
}

/// What a marker proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerKind {
    /// Evidence by itself (`content://sms`).
    Standalone,
    /// Only an argument of a call that names it in `requires_marker` (`android_id`).
    Argument,
}

/// An Android string marker as written in the file.
#[derive(Debug, Clone, Deserialize)]
pub struct AndroidMarker {
    /// The marker text.
    pub string: String,
    /// How it is compared.
    #[serde(rename = "match")]
    pub match_kind: MarkerMatch,
    /// What it proves.
    pub kind: MarkerKind,
}

/// An iOS class + selector rule as written in the file.
#[derive(Debug, Clone, Deserialize)]
pub struct IosApi {
    /// Objective-C class name.
    pub class: String,
    /// Selector (`requestAccessForEntityType:completionHandler:`).
    pub selector: String,
}

/// How an Android permission is granted, for flagging requested permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Protection {
    /// Runtime permission the user grants in a prompt.
    Dangerous,
    /// App-op / special-access / Play-restricted permission (Settings toggle, e.g.
    /// `SYSTEM_ALERT_WINDOW`, `QUERY_ALL_PACKAGES`, `BIND_ACCESSIBILITY_SERVICE`).
    Special,
    /// Granted at install.
    Normal,
    /// Only for system, privileged or same-signature apps.
    Signature,
    /// Not in the catalogue (vendor or custom permission).
    Unknown,
}

impl Protection {
    /// Whether a requested permission of this level deserves a flag in the report.
    pub fn is_flagged(self) -> bool {
        matches!(self, Protection::Dangerous | Protection::Special)
    }

    /// The level's JSON name (`dangerous`, `special`, `normal`, `signature`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Protection::Dangerous => "dangerous",
            Protection::Special => "special",
            Protection::Normal => "normal",
            Protection::Signature => "signature",
            Protection::Unknown => "unknown",
        }
    }
}

/// One entry of the top-level Android permission catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct PermissionEntry {
    /// Full permission name.
    pub name: String,
    /// How it is granted.
    pub protection: Protection,
    /// Raw AOSP protection level (`signature|appop`), where known.
    #[serde(default)]
    pub aosp_protection_level: Option<String>,
    /// API level that added it, where known.
    #[serde(default)]
    pub added_in_api: Option<u32>,
    /// Why it is classified the way it is.
    #[serde(default)]
    pub note: Option<String>,
}

/// One Apple required-reason API category.
#[derive(Debug, Clone, Deserialize)]
pub struct RequiredReasonCategory {
    /// `NSPrivacyAccessedAPICategory…`.
    pub category: String,
    /// Symbols that fall under it (as imported, leading underscore).
    #[serde(default)]
    pub symbols: Vec<String>,
    /// Selectors that fall under it.
    #[serde(default)]
    pub selectors: Vec<String>,
    /// Approved reason codes.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Where the category is defined.
    #[serde(default)]
    pub source: Option<String>,
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

/// Where a data type goes in the Google Play Data safety form.
#[derive(Debug, Clone, Deserialize)]
pub struct PlayDataSafety {
    /// Google's category (`Device or other IDs`, `Location`).
    pub category: String,
    /// Google's data type; several alternatives are separated by ` / `, and a parenthesised
    /// remark may follow (`Photos / Videos`).
    #[serde(rename = "type")]
    pub data_type: String,
}

/// Google Play's Data safety catalogue.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlayCatalogue {
    /// Google's data types, by category.
    #[serde(default)]
    pub categories: BTreeMap<String, Vec<String>>,
    /// Google's purposes of collection.
    #[serde(default)]
    pub purposes: Vec<String>,
}

/// Apple's privacy-manifest catalogue.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AppleCatalogue {
    /// Apple's collected-data type keys, by Apple's category.
    #[serde(default)]
    pub collected_data_types: BTreeMap<String, Vec<String>>,
    /// Apple's purpose keys (`NSPrivacyCollectedDataTypePurposeAnalytics`).
    #[serde(default)]
    pub purposes: Vec<String>,
}

/// A method named by its class (Java binary name) and name.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct MethodRef {
    /// Java binary name (`java.lang.Class`).
    pub class: String,
    /// Method name (`getDeclaredMethod`).
    pub method: String,
}

/// A getter name that a reflective lookup reaches, and the API rule it stands for.
#[derive(Debug, Clone, Deserialize)]
pub struct ReflectiveName {
    /// The constant string the code loads (`getImei`).
    pub string: String,
    /// Java binary name of the API's class; with `method` it must name an `android_apis` rule.
    pub class: String,
    /// The API's method.
    pub method: String,
}

/// Reflective method lookups (`data/android_reflective_lookups.toml`): a method calling one of
/// `lookup` and loading one of the `name` strings reads what that name's API reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReflectiveLookups {
    /// Where the table's facts come from.
    #[serde(default)]
    pub source: String,
    /// Methods that look a method up by its name (`Class.getDeclaredMethod`).
    #[serde(default)]
    pub lookup: Vec<MethodRef>,
    /// Getter names, each standing for one API rule.
    #[serde(default)]
    pub name: Vec<ReflectiveName>,
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
    /// Every Android permission the taxonomy knows, with its protection level.
    #[serde(default)]
    pub android_permissions: Vec<PermissionEntry>,
    /// Apple required-reason API categories, from `data/ios_required_reason_apis.toml` unless
    /// the taxonomy file gives its own.
    #[serde(default)]
    pub ios_required_reason_apis: Vec<RequiredReasonCategory>,
    /// Google Play Data safety categories and types.
    #[serde(default)]
    pub google_play_data_safety: PlayCatalogue,
    /// Apple privacy-manifest keys.
    #[serde(default)]
    pub apple: AppleCatalogue,
    /// Reflective lookups, from `data/android_reflective_lookups.toml` unless the taxonomy file
    /// gives its own.
    #[serde(default)]
    pub android_reflective_lookups: ReflectiveLookups,
}

impl Taxonomy {
    /// The taxonomy embedded in the binary.
    pub fn builtin() -> Result<Self, TaxonomyError> {
        Self::from_json(BUILTIN_JSON)
    }

    /// Parses and validates a taxonomy from JSON text, and adds the built-in iOS tables
    /// (usage-description keys, required-reason APIs; see `data/ios_*.toml`).
    pub fn from_json(text: &str) -> Result<Self, TaxonomyError> {
        let mut taxonomy: Taxonomy = serde_json::from_str(text)?;
        ios_tables::merge_into(&mut taxonomy)?;
        reflective::merge_into(&mut taxonomy)?;
        taxonomy.validate()?;
        Ok(taxonomy)
    }

    /// The data type with this id.
    pub fn get(&self, id: &str) -> Option<&DataType> {
        self.data_types.iter().find(|t| t.id == id)
    }

    fn validate(&self) -> Result<(), TaxonomyError> {
        validate::validate(self).map_err(TaxonomyError::Invalid)
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

    #[test]
    fn every_data_type_is_complete() {
        let t = Taxonomy::builtin().expect("builtin taxonomy");
        assert!(t.data_types.len() >= 45, "{} types", t.data_types.len());
        for dt in &t.data_types {
            assert!(
                !dt.name.en.trim().is_empty() && !dt.name.zh.trim().is_empty(),
                "{} names",
                dt.id
            );
            assert!(
                dt.name.zh.chars().any(|c| c as u32 >= 0x4e00),
                "{} zh name is not Chinese",
                dt.id
            );
            assert!(
                !dt.phrases.en.is_empty() && !dt.phrases.zh.is_empty(),
                "{} phrases",
                dt.id
            );
            assert!(
                dt.sources.iter().any(|s| s.starts_with("http")),
                "{} has no source URL",
                dt.id
            );
            let d = &dt.detect;
            let android = d.android_permissions.len()
                + d.android_apis.len()
                + d.android_fields.len()
                + d.android_markers.len()
                + d.android_superclasses.len();
            let ios = d.ios_plist_keys.len() + d.ios_apis.len() + d.ios_symbols.len();
            assert!(android + ios > 0, "{} has no detection rule", dt.id);
            assert!(!dt.parents.is_empty(), "{} has no parent", dt.id);
        }
    }

    #[test]
    fn the_issue_list_of_data_types_is_covered() {
        let t = Taxonomy::builtin().expect("builtin taxonomy");
        for id in [
            "imei",
            "meid",
            "imsi",
            "iccid",
            "device_serial",
            "android_id",
            "oaid",
            "gaid",
            "wifi_mac",
            "phone_number",
            "precise_location",
            "coarse_location",
            "background_location",
            "wifi_info",
            "bluetooth_mac",
            "bluetooth_nearby",
            "cell_info",
            "installed_apps",
            "running_apps",
            "clipboard",
            "contacts",
            "call_log",
            "sms",
            "calendar",
            "camera",
            "photos_media",
            "microphone",
            "sensors",
            "health_body",
            "account_info",
            "notifications",
            "accessibility",
            "device_hardware_info",
            "network_state",
            "ip_address",
            "screen_capture",
            "biometrics",
        ] {
            assert!(t.get(id).is_some(), "missing data type {id}");
        }
        // Every new type is reachable from a hypernym, so vague policy wording covers it.
        for dt in &t.data_types {
            assert!(
                t.hypernyms.values().any(|h| h.children.contains(&dt.id)),
                "{} is no hypernym's child",
                dt.id
            );
        }
    }

    #[test]
    fn permission_catalogue_covers_every_flagged_permission_of_the_issue() {
        let t = Taxonomy::builtin().expect("builtin taxonomy");
        let level = |n: &str| {
            t.android_permissions
                .iter()
                .find(|p| p.name == n)
                .map(|p| p.protection)
        };
        for n in [
            "QUERY_ALL_PACKAGES",
            "ACCESS_BACKGROUND_LOCATION",
            "READ_PHONE_STATE",
            "SYSTEM_ALERT_WINDOW",
            "REQUEST_INSTALL_PACKAGES",
            "MANAGE_EXTERNAL_STORAGE",
        ] {
            let name = format!("android.permission.{n}");
            assert!(level(&name).is_some_and(Protection::is_flagged), "{name}");
        }
        assert!(t.android_permissions.len() > 100);
        assert!(t.ios_required_reason_apis.len() == 5);
    }

    fn with_detect(detect: &str) -> String {
        format!(
            r#"{{"schema_version":"1","android_permissions":[{{"name":"android.permission.CAMERA","protection":"dangerous"}}],
            "data_types":[{{"id":"a","name":{{"en":"A","zh":"甲"}},"detect":{detect}}}]}}"#
        )
    }

    #[test]
    fn malformed_detect_rules_are_rejected_with_the_culprit_named() {
        let ok = with_detect(r#"{"android_permissions":["android.permission.CAMERA"]}"#);
        assert!(Taxonomy::from_json(&ok).is_ok());
        let cases = [
            (
                r#"{"android_permissions":["android.permission.NOPE"]}"#,
                "android.permission.NOPE",
            ),
            (
                r#"{"android_apis":[{"class":"TelephonyManager","method":"getDeviceId"}]}"#,
                "TelephonyManager",
            ),
            (
                r#"{"android_apis":[{"class":"a.B","method":"get()"}]}"#,
                "get()",
            ),
            (
                r#"{"android_apis":[{"class":"a.B","method":"m","requires_marker":"zzz"}]}"#,
                "zzz",
            ),
            (r#"{"android_fields":[{"class":"a/B","field":"F"}]}"#, "a/B"),
            (
                r#"{"android_markers":[{"string":"","match":"exact","kind":"standalone"}]}"#,
                "empty marker",
            ),
            (r#"{"ios_symbols":["OBJC_CLASS_$_X"]}"#, "OBJC_CLASS_$_X"),
        ];
        for (detect, culprit) in cases {
            let err = Taxonomy::from_json(&with_detect(detect)).expect_err(detect);
            assert!(err.to_string().contains(culprit), "{err}");
        }
        let bad_enum = with_detect(
            r#"{"android_markers":[{"string":"x","match":"regex","kind":"standalone"}]}"#,
        );
        assert!(matches!(
            Taxonomy::from_json(&bad_enum),
            Err(TaxonomyError::Json(_))
        ));
    }

    #[test]
    fn truncated_taxonomy_is_an_error_not_a_panic() {
        let text = BUILTIN_JSON;
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                assert!(Taxonomy::from_json(&text[..cut]).is_err());
            }
            cut += 997;
        }
    }
}
