//! Store declarations drafted from an app's inventory (`appaudit declare`).
//!
//! - [`draft_play`]: the Google Play Data safety form, one row per Google data type, with
//!   collected/shared, the SDKs behind it and the evidence (permission, API, call site).
//! - [`draft_apple`]: a `PrivacyInfo.xcprivacy` draft for an iOS app, rendered by
//!   [`render_xcprivacy`] as plist XML.
//!
//! The mapping of taxonomy data types to Google's and Apple's keys is data
//! (`data/taxonomy.json`: `play_data_safety`, `apple_privacy_manifest_types`); the few
//! settings of the drafts are in `data/declare.toml`.

mod apple;
mod play;

pub use apple::{
    AppleAccessedApi, AppleCollected, AppleDeclaration, SdkApiUse, draft_apple, render_xcprivacy,
};
pub use play::{PLAY_CSV_COLUMNS, PlayDataType, PlayDeclaration, draft_play, render_play_csv};

use appaudit_model::{InputKind, Inventory};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::DataAccess;
use serde::{Deserialize, Serialize};

/// Version of the declaration JSON.
pub const DECLARE_SCHEMA_VERSION: u32 = 1;

const SETTINGS_TOML: &str = include_str!("../../data/declare.toml");

/// Why a declaration could not be drafted.
#[derive(Debug, thiserror::Error)]
pub enum DeclareError {
    /// The input is not an app of the store's platform (an SDK file, or the other platform).
    #[error("{path}: not {expected} (it is {found}); `declare --store {store}` needs one")]
    WrongInput {
        /// The input file.
        path: String,
        /// What the store needs.
        expected: &'static str,
        /// What the input is.
        found: String,
        /// The store.
        store: &'static str,
    },
    /// A taxonomy mapping names a Google type that is not in Google's catalogue.
    #[error(
        "taxonomy: data type {data_type} maps to Play type {value:?}, not in category {category:?}"
    )]
    BadPlayMapping {
        /// Taxonomy id.
        data_type: String,
        /// Google's category.
        category: String,
        /// The unknown type.
        value: String,
    },
    /// A taxonomy mapping names an Apple key that is not in Apple's catalogue.
    #[error("taxonomy: data type {data_type} maps to unknown Apple key {key:?}")]
    BadAppleKey {
        /// Taxonomy id.
        data_type: String,
        /// The unknown key.
        key: String,
    },
    /// `data/declare.toml` does not parse.
    #[error("data/declare.toml: {0}")]
    Settings(#[from] toml::de::Error),
}

#[derive(Debug, Deserialize)]
pub(super) struct Settings {
    pub(super) tracking_categories: Vec<String>,
    pub(super) draft_note: String,
    #[serde(default)]
    pub(super) play_sdk_categories: Vec<SdkCategoryType>,
}

/// An SDK category whose purpose is one Google type (a crash reporter collects crash logs).
#[derive(Debug, Deserialize)]
pub(super) struct SdkCategoryType {
    pub(super) sdk_category: String,
    pub(super) category: String,
    pub(super) data_type: String,
}

pub(super) fn settings() -> Result<Settings, DeclareError> {
    Ok(toml::from_str(SETTINGS_TOML)?)
}

/// The SDK categories whose hosts are tracking domains (`data/declare.toml`).
pub(crate) fn tracking_categories() -> Result<Vec<String>, DeclareError> {
    Ok(settings()?.tracking_categories)
}

/// The app a declaration is for.
#[derive(Debug, Clone, Serialize)]
pub struct DeclaredApp {
    /// The input file.
    pub path: String,
    /// Package name or bundle id.
    pub package: Option<String>,
    /// Version name.
    pub version: Option<String>,
}

/// One SDK behind a declared data type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredSdk {
    /// SDK id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// SDK category (`analytics`, `push` …).
    pub category: String,
}

/// One piece of evidence for a declared type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclareEvidence {
    /// `permission`, `api`, `call_site` or `sdk` (an SDK whose category is the type's purpose;
    /// value `name (category, usage)`).
    pub kind: &'static str,
    /// Taxonomy data type it shows.
    pub data_type: String,
    /// SDK id of the reader; `None` for the app's own code (or a permission).
    pub sdk: Option<String>,
    /// The permission, API or call site.
    pub value: String,
    /// The code file of a call site (`classes.dex`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

pub(super) fn declared_app(inv: &Inventory) -> DeclaredApp {
    DeclaredApp {
        path: inv.source.path.clone(),
        package: inv.app.package.clone(),
        version: inv.app.version_name.clone(),
    }
}

pub(super) fn kind_name(kind: InputKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

pub(super) fn evidence_of(access: &DataAccess) -> Vec<DeclareEvidence> {
    let mut out = Vec::new();
    for p in &access.permissions {
        out.push(DeclareEvidence {
            kind: "permission",
            data_type: access.data_type.clone(),
            sdk: None,
            value: p.clone(),
            file: None,
        });
    }
    for a in &access.accessors {
        for api in a.apis.iter().chain(&a.markers) {
            out.push(DeclareEvidence {
                kind: "api",
                data_type: access.data_type.clone(),
                sdk: a.sdk.clone(),
                value: api.clone(),
                file: None,
            });
        }
        for (i, site) in a.call_sites.iter().enumerate() {
            out.push(DeclareEvidence {
                kind: "call_site",
                data_type: access.data_type.clone(),
                sdk: a.sdk.clone(),
                value: site.clone(),
                file: a.call_site_files.get(i).filter(|f| !f.is_empty()).cloned(),
            });
        }
    }
    out
}

pub(super) fn sdk_of(inv: &Inventory, db: &SignatureDb, id: &str) -> DeclaredSdk {
    if let Some(s) = inv.sdks.iter().find(|s| s.id == id) {
        return DeclaredSdk {
            id: s.id.clone(),
            name: s.name.clone(),
            vendor: s.vendor.clone(),
            category: s.category.clone(),
        };
    }
    match db.get(id) {
        Some(s) => DeclaredSdk {
            id: s.id.clone(),
            name: s.name.clone(),
            vendor: s.vendor.clone(),
            category: serde_json::to_value(s.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        },
        None => DeclaredSdk {
            id: id.to_owned(),
            name: id.to_owned(),
            vendor: String::new(),
            category: String::new(),
        },
    }
}

pub(super) fn readers(access: &DataAccess) -> impl Iterator<Item = &appaudit_taxonomy::Accessor> {
    // An accessor with neither APIs, markers nor call sites shows nothing.
    access
        .accessors
        .iter()
        .filter(|a| !(a.apis.is_empty() && a.markers.is_empty() && a.call_sites.is_empty()))
}

#[cfg(test)]
mod tests;
