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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use appaudit_model::{InputKind, Inventory};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{DataAccess, Taxonomy};
use serde::{Deserialize, Serialize};

/// Version of the declaration JSON.
pub const DECLARE_SCHEMA_VERSION: u32 = 1;

const SETTINGS_TOML: &str = include_str!("../data/declare.toml");

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
struct Settings {
    tracking_categories: Vec<String>,
    draft_note: String,
    #[serde(default)]
    play_sdk_categories: Vec<SdkCategoryType>,
}

/// An SDK category whose purpose is one Google type (a crash reporter collects crash logs).
#[derive(Debug, Deserialize)]
struct SdkCategoryType {
    sdk_category: String,
    category: String,
    data_type: String,
}

fn settings() -> Result<Settings, DeclareError> {
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

/// One row of the Data safety form.
#[derive(Debug, Clone, Serialize)]
pub struct PlayDataType {
    /// Google's category (`Device or other IDs`).
    pub category: String,
    /// Google's data type (`Device or other IDs`, `Approximate location`).
    pub data_type: String,
    /// Read by code (the app's or an SDK's), or collected by the purpose of an SDK the app
    /// calls: a candidate for "collected".
    pub collected: bool,
    /// Read by a third-party SDK, or collected by the purpose of an SDK the app calls: a
    /// candidate for "shared".
    pub shared: bool,
    /// Read by the app's own code.
    pub app_code: bool,
    /// `code` (a read was seen), `sdk_category` (no read seen, but a bundled SDK exists to
    /// collect it: a crash reporter, crash logs) or `permission_only` (a granting permission
    /// is requested, no read seen): review the last two.
    pub basis: &'static str,
    /// Taxonomy ids behind the row (`imei`, `android_id`).
    pub sources: Vec<String>,
    /// The taxonomy maps a source to several Google types (`Photos / Videos`): pick.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub choose_among_alternatives: bool,
    /// Third-party SDKs that read it (or collect it by purpose): the sharing candidates.
    pub sdks: Vec<DeclaredSdk>,
    /// Libraries that read it on the device without processing it on their own behalf
    /// (AndroidX, OkHttp: SDK categories `framework` and `utility`): collected at most, never
    /// shared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<DeclaredSdk>,
    /// Permissions, APIs and call sites.
    pub evidence: Vec<DeclareEvidence>,
}

/// The Google Play Data safety draft.
#[derive(Debug, Clone, Serialize)]
pub struct PlayDeclaration {
    /// [`DECLARE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `play`.
    pub store: &'static str,
    /// The app.
    pub app: DeclaredApp,
    /// What the draft is and is not.
    pub note: String,
    /// One row per Google data type, in Google's category order of the taxonomy (sorted).
    pub data_types: Vec<PlayDataType>,
    /// Taxonomy types the app touches that have no Data safety type (IP address, carrier).
    pub unmapped: Vec<String>,
}

fn declared_app(inv: &Inventory) -> DeclaredApp {
    DeclaredApp {
        path: inv.source.path.clone(),
        package: inv.app.package.clone(),
        version: inv.app.version_name.clone(),
    }
}

fn kind_name(kind: InputKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

/// The Google types a taxonomy mapping names: ` / `-separated alternatives, a parenthesised
/// remark dropped, each checked against Google's catalogue.
fn play_types<'t>(
    taxonomy: &'t Taxonomy,
    data_type: &str,
) -> Result<Option<(&'t str, Vec<&'t str>)>, DeclareError> {
    let Some(entry) = taxonomy.get(data_type) else {
        return Ok(None);
    };
    let Some(play) = &entry.play_data_safety else {
        return Ok(None);
    };
    let known = taxonomy
        .google_play_data_safety
        .categories
        .get(&play.category);
    let text = play
        .data_type
        .split_once(" (")
        .map_or(play.data_type.as_str(), |(head, _)| head);
    let mut out = Vec::new();
    for alt in text.split(" / ").map(str::trim) {
        match known.and_then(|k| k.iter().find(|t| t.as_str() == alt)) {
            Some(t) => out.push(t.as_str()),
            None => {
                return Err(DeclareError::BadPlayMapping {
                    data_type: data_type.to_owned(),
                    category: play.category.clone(),
                    value: alt.to_owned(),
                });
            }
        }
    }
    Ok(Some((play.category.as_str(), out)))
}

fn evidence_of(access: &DataAccess) -> Vec<DeclareEvidence> {
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

fn sdk_of(inv: &Inventory, db: &SignatureDb, id: &str) -> DeclaredSdk {
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

fn readers(access: &DataAccess) -> impl Iterator<Item = &appaudit_taxonomy::Accessor> {
    // An accessor with neither APIs, markers nor call sites shows nothing.
    access
        .accessors
        .iter()
        .filter(|a| !(a.apis.is_empty() && a.markers.is_empty() && a.call_sites.is_empty()))
}

/// Drafts the Data safety form of an Android app.
pub fn draft_play(
    inv: &Inventory,
    taxonomy: &Taxonomy,
    db: &SignatureDb,
) -> Result<PlayDeclaration, DeclareError> {
    if !matches!(
        inv.source.kind,
        InputKind::Apk | InputKind::SplitApks | InputKind::Aab
    ) {
        return Err(DeclareError::WrongInput {
            path: inv.source.path.clone(),
            expected: "an Android app (APK, XAPK/APKS/APKM, AAB)",
            found: kind_name(inv.source.kind),
            store: "play",
        });
    }
    let settings = settings()?;
    struct Acc {
        sources: BTreeSet<String>,
        alternatives: bool,
        app_code: bool,
        read: bool,
        sdks: BTreeSet<String>,
        libraries: BTreeSet<String>,
        by_purpose: bool,
        evidence: BTreeSet<DeclareEvidence>,
    }
    let new_acc = || Acc {
        sources: BTreeSet::new(),
        alternatives: false,
        app_code: false,
        read: false,
        sdks: BTreeSet::new(),
        libraries: BTreeSet::new(),
        by_purpose: false,
        evidence: BTreeSet::new(),
    };
    let mut rows: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for access in &inv.data_access {
        let Some((category, types)) = play_types(taxonomy, &access.data_type)? else {
            unmapped.push(access.data_type.clone());
            continue;
        };
        let evidence = evidence_of(access);
        for t in &types {
            let acc = rows
                .entry((category.to_owned(), (*t).to_owned()))
                .or_insert_with(new_acc);
            acc.sources.insert(access.data_type.clone());
            acc.alternatives |= types.len() > 1;
            for a in readers(access) {
                acc.read = true;
                match &a.sdk {
                    // An SDK missing from the database counts as processing data.
                    Some(id) if db.get(id).is_some_and(|s| !s.category.is_data_processing()) => {
                        acc.libraries.insert(id.clone());
                    }
                    Some(id) => {
                        acc.sdks.insert(id.clone());
                    }
                    None => acc.app_code = true,
                }
            }
            acc.evidence.extend(evidence.iter().cloned());
        }
    }
    // SDKs whose purpose is a type: a crash reporter the app calls collects crash logs.
    for rule in &settings.play_sdk_categories {
        let known = taxonomy
            .google_play_data_safety
            .categories
            .get(&rule.category)
            .is_some_and(|types| types.contains(&rule.data_type));
        if !known {
            return Err(DeclareError::BadPlayMapping {
                data_type: format!("declare.toml sdk_category {}", rule.sdk_category),
                category: rule.category.clone(),
                value: rule.data_type.clone(),
            });
        }
        for sdk in inv.sdks.iter().filter(|s| s.category == rule.sdk_category) {
            let acc = rows
                .entry((rule.category.clone(), rule.data_type.clone()))
                .or_insert_with(new_acc);
            acc.by_purpose = true;
            if sdk.usage.status == "used" {
                acc.read = true;
                acc.sdks.insert(sdk.id.clone());
            }
            acc.evidence.insert(DeclareEvidence {
                kind: "sdk",
                data_type: rule.sdk_category.clone(),
                sdk: Some(sdk.id.clone()),
                value: format!("{} ({}, {})", sdk.name, sdk.category, sdk.usage.status),
                file: None,
            });
        }
    }
    let data_types = rows
        .into_iter()
        .map(|((category, data_type), acc)| PlayDataType {
            category,
            data_type,
            collected: acc.read,
            shared: !acc.sdks.is_empty(),
            app_code: acc.app_code,
            basis: if acc.app_code
                || acc
                    .evidence
                    .iter()
                    .any(|e| e.kind == "call_site" || e.kind == "api")
            {
                "code"
            } else if acc.by_purpose {
                "sdk_category"
            } else {
                "permission_only"
            },
            sources: acc.sources.into_iter().collect(),
            choose_among_alternatives: acc.alternatives,
            sdks: acc.sdks.iter().map(|id| sdk_of(inv, db, id)).collect(),
            libraries: acc.libraries.iter().map(|id| sdk_of(inv, db, id)).collect(),
            evidence: acc.evidence.into_iter().collect(),
        })
        .collect();
    Ok(PlayDeclaration {
        schema_version: DECLARE_SCHEMA_VERSION,
        store: "play",
        app: declared_app(inv),
        note: settings.draft_note,
        data_types,
        unmapped,
    })
}

/// The CSV columns of [`render_play_csv`], in order.
pub const PLAY_CSV_COLUMNS: [&str; 13] = [
    "category",
    "data_type",
    "collected",
    "shared",
    "basis",
    "app_code",
    "sdks",
    "libraries",
    "purpose_sdks",
    "sources",
    "permissions",
    "apis",
    "call_sites",
];

fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The draft as CSV: a header of [`PLAY_CSV_COLUMNS`], then one row per Google data type.
/// List cells are joined with `; `; APIs and call sites of an SDK are prefixed `sdk-id: `.
pub fn render_play_csv(decl: &PlayDeclaration) -> String {
    let mut out = PLAY_CSV_COLUMNS.join(",");
    out.push('\n');
    for row in &decl.data_types {
        let of_kind = |kind: &str| -> String {
            let mut seen = BTreeSet::new();
            for e in row.evidence.iter().filter(|e| e.kind == kind) {
                seen.insert(match &e.sdk {
                    Some(s) => format!("{s}: {}", e.value),
                    None => e.value.clone(),
                });
            }
            seen.into_iter().collect::<Vec<_>>().join("; ")
        };
        let cells = [
            row.category.clone(),
            row.data_type.clone(),
            row.collected.to_string(),
            row.shared.to_string(),
            row.basis.to_owned(),
            row.app_code.to_string(),
            row.sdks
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            row.libraries
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            row.evidence
                .iter()
                .filter(|e| e.kind == "sdk")
                .map(|e| e.value.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            row.sources.join("; "),
            of_kind("permission"),
            of_kind("api"),
            of_kind("call_site"),
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, cell);
        }
        out.push('\n');
    }
    out
}

/// One `NSPrivacyCollectedDataTypes` entry of the draft.
#[derive(Debug, Clone, Serialize)]
pub struct AppleCollected {
    /// Apple's key (`NSPrivacyCollectedDataTypeDeviceID`).
    pub data_type: String,
    /// `NSPrivacyCollectedDataTypeLinked`: from the app's own manifest, else `false` (review).
    pub linked: bool,
    /// `NSPrivacyCollectedDataTypeTracking`: from the app's own manifest, else `false` (review).
    pub tracking: bool,
    /// Purposes: from the app's own manifest, else empty (choose).
    pub purposes: Vec<String>,
    /// Whether the app's own manifest already declares it.
    pub already_declared: bool,
    /// Taxonomy ids behind it.
    pub sources: Vec<String>,
    /// SDKs that read it.
    pub sdks: Vec<String>,
    /// Permissions (usage descriptions), APIs and call sites.
    pub evidence: Vec<DeclareEvidence>,
}

/// One `NSPrivacyAccessedAPITypes` entry of the draft.
#[derive(Debug, Clone, Serialize)]
pub struct AppleAccessedApi {
    /// `NSPrivacyAccessedAPICategoryDiskSpace` …
    pub category: String,
    /// Reasons the app's own manifest declares; empty when none (choose from `allowed_reasons`).
    pub reasons: Vec<String>,
    /// The reason codes Apple allows for the category (placeholders to choose from).
    pub allowed_reasons: Vec<String>,
    /// Binaries and what shows the use (`Payload/Demo.app/Demo: symbol _stat`).
    pub evidence: Vec<String>,
}

/// A required-reason use in an SDK's own binary: that SDK's manifest must declare it.
#[derive(Debug, Clone, Serialize)]
pub struct SdkApiUse {
    /// SDK id.
    pub sdk: String,
    /// The binary.
    pub binary: String,
    /// The category.
    pub category: String,
    /// What shows the use.
    pub evidence: Vec<String>,
}

/// A `PrivacyInfo.xcprivacy` draft.
#[derive(Debug, Clone, Serialize)]
pub struct AppleDeclaration {
    /// [`DECLARE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always `apple`.
    pub store: &'static str,
    /// The app.
    pub app: DeclaredApp,
    /// What the draft is and is not.
    pub note: String,
    /// `NSPrivacyTracking`: the app's manifest says so, a tracking domain is proposed, or the
    /// code reads the IDFA.
    pub tracking: bool,
    /// `NSPrivacyTrackingDomains`: the app's own, then hosts of bundled ads/attribution/analytics SDKs.
    pub tracking_domains: Vec<String>,
    /// Hosts of other bundled SDKs, for review (not proposed).
    pub other_sdk_hosts: Vec<String>,
    /// `NSPrivacyCollectedDataTypes`.
    pub collected_data_types: Vec<AppleCollected>,
    /// Taxonomy types with a usage description but no read seen (review).
    pub permission_only: Vec<String>,
    /// Taxonomy types read that have no Apple key.
    pub unmapped: Vec<String>,
    /// `NSPrivacyAccessedAPITypes` of the app's own binaries.
    pub accessed_api_types: Vec<AppleAccessedApi>,
    /// Required-reason uses inside SDK binaries that no manifest declares.
    pub sdk_api_uses: Vec<SdkApiUse>,
}

/// Drafts the privacy manifest of an iOS app.
pub fn draft_apple(
    inv: &Inventory,
    taxonomy: &Taxonomy,
    db: &SignatureDb,
) -> Result<AppleDeclaration, DeclareError> {
    if !matches!(inv.source.kind, InputKind::Ipa | InputKind::AppBundle) {
        return Err(DeclareError::WrongInput {
            path: inv.source.path.clone(),
            expected: "an iOS app (IPA or .app)",
            found: kind_name(inv.source.kind),
            store: "apple",
        });
    }
    let settings = settings()?;
    let apple_keys: BTreeSet<&str> = taxonomy
        .apple
        .collected_data_types
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    // The app's own manifest: the one whose bundle is not an SDK's.
    let own = inv.privacy_manifests.iter().find(|m| m.sdk.is_none());

    struct Acc {
        sources: BTreeSet<String>,
        sdks: BTreeSet<String>,
        evidence: BTreeSet<DeclareEvidence>,
    }
    let mut collected: BTreeMap<String, Acc> = BTreeMap::new();
    let mut permission_only = Vec::new();
    let mut unmapped = Vec::new();
    let mut reads_idfa = false;
    for access in &inv.data_access {
        let read: Vec<_> = readers(access).collect();
        if read.is_empty() {
            permission_only.push(access.data_type.clone());
            continue;
        }
        reads_idfa |= access.data_type == "idfa";
        let keys = taxonomy
            .get(&access.data_type)
            .map(|t| t.apple_privacy_manifest_types.as_slice())
            .unwrap_or_default();
        if keys.is_empty() {
            unmapped.push(access.data_type.clone());
            continue;
        }
        let evidence = evidence_of(access);
        for key in keys {
            if !apple_keys.contains(key.as_str()) {
                return Err(DeclareError::BadAppleKey {
                    data_type: access.data_type.clone(),
                    key: key.clone(),
                });
            }
            let acc = collected.entry(key.clone()).or_insert_with(|| Acc {
                sources: BTreeSet::new(),
                sdks: BTreeSet::new(),
                evidence: BTreeSet::new(),
            });
            acc.sources.insert(access.data_type.clone());
            acc.sdks.extend(read.iter().filter_map(|a| a.sdk.clone()));
            acc.evidence.extend(evidence.iter().cloned());
        }
    }
    // Types the app's manifest declares stay, even without a read seen.
    if let Some(m) = own {
        for c in &m.collected_data_types {
            collected.entry(c.data_type.clone()).or_insert_with(|| Acc {
                sources: BTreeSet::new(),
                sdks: BTreeSet::new(),
                evidence: BTreeSet::new(),
            });
        }
    }
    let collected_data_types = collected
        .into_iter()
        .map(|(key, acc)| {
            let declared =
                own.and_then(|m| m.collected_data_types.iter().find(|c| c.data_type == key));
            AppleCollected {
                linked: declared.and_then(|d| d.linked).unwrap_or(false),
                tracking: declared.and_then(|d| d.tracking).unwrap_or(false),
                purposes: declared.map(|d| d.purposes.clone()).unwrap_or_default(),
                already_declared: declared.is_some(),
                data_type: key,
                sources: acc.sources.into_iter().collect(),
                sdks: acc.sdks.into_iter().collect(),
                evidence: acc.evidence.into_iter().collect(),
            }
        })
        .collect();

    // Required-reason APIs: the app's own binaries (no SDK) plus what its manifest declares.
    let mut apis: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    if let Some(m) = own {
        for a in &m.accessed_api_types {
            apis.entry(a.category.clone())
                .or_default()
                .0
                .extend(a.reasons.iter().cloned());
        }
    }
    let mut sdk_api_uses = Vec::new();
    for gap in &inv.required_reason_gaps {
        match &gap.sdk {
            None => {
                let entry = apis.entry(gap.category.clone()).or_default();
                for e in &gap.evidence {
                    entry.1.insert(format!("{}: {e}", gap.binary));
                }
            }
            Some(sdk) => sdk_api_uses.push(SdkApiUse {
                sdk: sdk.clone(),
                binary: gap.binary.clone(),
                category: gap.category.clone(),
                evidence: gap.evidence.clone(),
            }),
        }
    }
    let accessed_api_types = apis
        .into_iter()
        .map(|(category, (reasons, evidence))| AppleAccessedApi {
            allowed_reasons: taxonomy
                .ios_required_reason_apis
                .iter()
                .find(|c| c.category == category)
                .map(|c| c.reasons.clone())
                .unwrap_or_default(),
            category,
            reasons: reasons.into_iter().collect(),
            evidence: evidence.into_iter().collect(),
        })
        .collect();

    // Tracking domains: the app's own, then hosts of tracking-category SDKs it bundles.
    let mut tracking_domains: Vec<String> =
        own.map(|m| m.tracking_domains.clone()).unwrap_or_default();
    let mut other_sdk_hosts = BTreeSet::new();
    for sdk in &inv.sdks {
        let Some(entry) = db.get(&sdk.id) else {
            continue;
        };
        let tracking_sdk = settings.tracking_categories.contains(&sdk.category);
        for host in entry.rules.hosts.iter().map(|r| r.pattern.as_str()) {
            // Globs (`mst*.is.autonavi.com`) are not domains.
            if host.contains(['*', '?']) {
                continue;
            }
            if tracking_sdk {
                if !tracking_domains.iter().any(|d| d == host) {
                    tracking_domains.push(host.to_owned());
                }
            } else {
                other_sdk_hosts.insert(host.to_owned());
            }
        }
    }
    other_sdk_hosts.retain(|h| !tracking_domains.contains(h));
    let tracking =
        own.and_then(|m| m.tracking).unwrap_or(false) || !tracking_domains.is_empty() || reads_idfa;
    Ok(AppleDeclaration {
        schema_version: DECLARE_SCHEMA_VERSION,
        store: "apple",
        app: declared_app(inv),
        note: settings.draft_note,
        tracking,
        tracking_domains,
        other_sdk_hosts: other_sdk_hosts.into_iter().collect(),
        collected_data_types,
        permission_only,
        unmapped,
        accessed_api_types,
        sdk_api_uses,
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for inside an XML comment (`--` is not allowed there).
fn comment_text(s: &str) -> String {
    let mut out = s.to_owned();
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    out
}

fn string_el(out: &mut String, indent: &str, s: &str) {
    let _ = writeln!(out, "{indent}<string>{}</string>", xml_escape(s));
}

fn bool_el(out: &mut String, indent: &str, b: bool) {
    let _ = writeln!(out, "{indent}<{b}/>");
}

/// The draft as a `PrivacyInfo.xcprivacy` (plist XML), with review notes in XML comments.
pub fn render_xcprivacy(decl: &AppleDeclaration) -> String {
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
    let _ = writeln!(
        o,
        "<!-- appaudit declare draft for {} {}: {} -->",
        comment_text(decl.app.package.as_deref().unwrap_or("?")),
        comment_text(decl.app.version.as_deref().unwrap_or("")),
        comment_text(&decl.note)
    );
    o.push_str("<plist version=\"1.0\">\n<dict>\n");
    o.push_str("\t<key>NSPrivacyTracking</key>\n");
    bool_el(&mut o, "\t", decl.tracking);
    o.push_str("\t<key>NSPrivacyTrackingDomains</key>\n\t<array>\n");
    for d in &decl.tracking_domains {
        string_el(&mut o, "\t\t", d);
    }
    if !decl.other_sdk_hosts.is_empty() {
        let _ = writeln!(
            o,
            "\t\t<!-- hosts of other bundled SDKs (add those that track): {} -->",
            comment_text(&decl.other_sdk_hosts.join(", "))
        );
    }
    o.push_str("\t</array>\n");
    o.push_str("\t<key>NSPrivacyCollectedDataTypes</key>\n\t<array>\n");
    for c in &decl.collected_data_types {
        let mut why: Vec<String> = c.sources.clone();
        if !c.sdks.is_empty() {
            why.push(format!("read by {}", c.sdks.join(", ")));
        }
        if c.already_declared {
            why.push("already in the app's manifest".to_owned());
        }
        let _ = writeln!(o, "\t\t<!-- {} -->", comment_text(&why.join("; ")));
        o.push_str("\t\t<dict>\n");
        o.push_str("\t\t\t<key>NSPrivacyCollectedDataType</key>\n");
        string_el(&mut o, "\t\t\t", &c.data_type);
        o.push_str("\t\t\t<key>NSPrivacyCollectedDataTypeLinked</key>\n");
        bool_el(&mut o, "\t\t\t", c.linked);
        o.push_str("\t\t\t<key>NSPrivacyCollectedDataTypeTracking</key>\n");
        bool_el(&mut o, "\t\t\t", c.tracking);
        o.push_str("\t\t\t<key>NSPrivacyCollectedDataTypePurposes</key>\n\t\t\t<array>\n");
        if c.purposes.is_empty() {
            o.push_str("\t\t\t\t<!-- choose: NSPrivacyCollectedDataTypePurpose… (not visible in the binary) -->\n");
        }
        for p in &c.purposes {
            string_el(&mut o, "\t\t\t\t", p);
        }
        o.push_str("\t\t\t</array>\n\t\t</dict>\n");
    }
    if !decl.permission_only.is_empty() {
        let _ = writeln!(
            o,
            "\t\t<!-- usage description but no read seen (review): {} -->",
            comment_text(&decl.permission_only.join(", "))
        );
    }
    o.push_str("\t</array>\n");
    o.push_str("\t<key>NSPrivacyAccessedAPITypes</key>\n\t<array>\n");
    for a in &decl.accessed_api_types {
        if !a.evidence.is_empty() {
            let _ = writeln!(o, "\t\t<!-- {} -->", comment_text(&a.evidence.join("; ")));
        }
        o.push_str("\t\t<dict>\n\t\t\t<key>NSPrivacyAccessedAPIType</key>\n");
        string_el(&mut o, "\t\t\t", &a.category);
        o.push_str("\t\t\t<key>NSPrivacyAccessedAPITypeReasons</key>\n\t\t\t<array>\n");
        if a.reasons.is_empty() {
            let _ = writeln!(
                o,
                "\t\t\t\t<!-- choose the reasons that apply: {} -->",
                comment_text(&a.allowed_reasons.join(", "))
            );
        }
        for r in &a.reasons {
            string_el(&mut o, "\t\t\t\t", r);
        }
        o.push_str("\t\t\t</array>\n\t\t</dict>\n");
    }
    for u in &decl.sdk_api_uses {
        let _ = writeln!(
            o,
            "\t\t<!-- {} ({}) uses {} with no manifest declaring it: the SDK's own PrivacyInfo.xcprivacy must ({}) -->",
            comment_text(&u.sdk),
            comment_text(&u.binary),
            comment_text(&u.category),
            comment_text(&u.evidence.join("; "))
        );
    }
    o.push_str("\t</array>\n</dict>\n</plist>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_taxonomy_play_mapping_names_a_google_type() {
        let t = Taxonomy::builtin().unwrap();
        let mut mapped = 0;
        for dt in &t.data_types {
            if let Some((_, types)) = play_types(&t, &dt.id).unwrap() {
                assert!(!types.is_empty(), "{}", dt.id);
                mapped += 1;
            }
        }
        assert!(mapped > 30, "only {mapped} types mapped");
    }

    #[test]
    fn compound_play_mapping_splits_and_drops_the_remark() {
        let t = Taxonomy::builtin().unwrap();
        let (cat, types) = play_types(&t, "crash_diagnostics").unwrap().unwrap();
        assert_eq!(cat, "App info and performance");
        assert_eq!(
            types,
            ["Crash logs", "Diagnostics", "Other app performance data"]
        );
        let (_, types) = play_types(&t, "call_log").unwrap().unwrap();
        assert_eq!(types, ["Phone number"]);
    }

    #[test]
    fn every_taxonomy_apple_key_is_in_apples_catalogue() {
        let t = Taxonomy::builtin().unwrap();
        let keys: BTreeSet<&str> = t
            .apple
            .collected_data_types
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        assert!(keys.contains("NSPrivacyCollectedDataTypeDeviceID"));
        for dt in &t.data_types {
            for k in &dt.apple_privacy_manifest_types {
                assert!(keys.contains(k.as_str()), "{}: {k}", dt.id);
            }
        }
    }

    fn inventory(kind: InputKind, access: Vec<DataAccess>) -> Inventory {
        Inventory {
            schema_version: appaudit_model::INVENTORY_SCHEMA_VERSION,
            source: appaudit_model::Source {
                path: "x.apk".to_owned(),
                kind,
                size: 1,
            },
            app: appaudit_model::AppInfo::default(),
            permissions: Vec::new(),
            sdks: Vec::new(),
            configured_sdks: Vec::new(),
            native_libs: Vec::new(),
            components: Vec::new(),
            meta_data: Vec::new(),
            library_markers: Vec::new(),
            data_access: access,
            code_loading: Vec::new(),
            privacy_manifests: Vec::new(),
            required_reason_gaps: Vec::new(),
            startup_calls: Vec::new(),
            bundles: Vec::new(),
            required_reason_uses: Vec::new(),
            stats: appaudit_model::Stats::default(),
            warnings: Vec::new(),
        }
    }

    fn reader(sdk: Option<&str>, api: &str) -> appaudit_taxonomy::Accessor {
        appaudit_taxonomy::Accessor {
            sdk: sdk.map(str::to_owned),
            apis: vec![api.to_owned()],
            markers: Vec::new(),
            call_sites: vec!["Lx/Y;->z".to_owned()],
            call_site_files: vec!["classes.dex".to_owned()],
            call_site_count: 1,
        }
    }

    fn access(
        id: &str,
        permissions: &[&str],
        accessors: Vec<appaudit_taxonomy::Accessor>,
    ) -> DataAccess {
        DataAccess {
            data_type: id.to_owned(),
            name_en: id.to_owned(),
            name_zh: id.to_owned(),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            accessors,
        }
    }

    #[test]
    fn play_rows_merge_types_and_tell_sharing_sdks_from_libraries() {
        let t = Taxonomy::builtin().unwrap();
        let db = SignatureDb::builtin().unwrap();
        let inv = inventory(
            InputKind::Apk,
            vec![
                access(
                    "imei",
                    &["android.permission.READ_PHONE_STATE"],
                    vec![reader(Some("jpush"), "TelephonyManager.getImei")],
                ),
                access(
                    "android_id",
                    &[],
                    vec![reader(None, "Settings$Secure.getString")],
                ),
                access(
                    "files_storage",
                    &[],
                    vec![reader(
                        Some("androidx"),
                        "Environment.getExternalStorageDirectory",
                    )],
                ),
                access(
                    "coarse_location",
                    &["android.permission.ACCESS_COARSE_LOCATION"],
                    Vec::new(),
                ),
                access(
                    "ip_address",
                    &[],
                    vec![reader(None, "NetworkInterface.getNetworkInterfaces")],
                ),
            ],
        );
        let d = draft_play(&inv, &t, &db).unwrap();
        let row = |ty: &str| d.data_types.iter().find(|r| r.data_type == ty).unwrap();
        let ids = row("Device or other IDs");
        assert_eq!(ids.sources, ["android_id", "imei"]);
        assert!(ids.collected && ids.shared && ids.app_code);
        assert_eq!(ids.sdks.len(), 1);
        assert_eq!(ids.sdks[0].id, "jpush");
        let files = row("Files and docs");
        assert!(files.collected && !files.shared);
        assert_eq!(files.libraries[0].id, "androidx");
        let coarse = row("Approximate location");
        assert!(!coarse.collected && !coarse.shared);
        assert_eq!(coarse.basis, "permission_only");
        assert_eq!(d.unmapped, ["ip_address"]);
        let csv = render_play_csv(&d);
        assert_eq!(csv.lines().count(), d.data_types.len() + 1);
        assert!(csv.starts_with(&PLAY_CSV_COLUMNS.join(",")));
    }

    #[test]
    fn each_store_refuses_the_other_platform() {
        let t = Taxonomy::builtin().unwrap();
        let db = SignatureDb::builtin().unwrap();
        let ipa = inventory(InputKind::Ipa, Vec::new());
        let err = draft_play(&ipa, &t, &db).unwrap_err().to_string();
        assert!(
            err.contains("x.apk") && err.contains("Android app"),
            "{err}"
        );
        let jar = inventory(InputKind::Jar, Vec::new());
        assert!(draft_play(&jar, &t, &db).is_err());
        let apk = inventory(InputKind::Apk, Vec::new());
        let err = draft_apple(&apk, &t, &db).unwrap_err().to_string();
        assert!(err.contains("iOS app"), "{err}");
    }

    #[test]
    fn apple_draft_renders_a_plist_the_plist_crate_reads() {
        let t = Taxonomy::builtin().unwrap();
        let db = SignatureDb::builtin().unwrap();
        let mut inv = inventory(
            InputKind::Ipa,
            vec![access(
                "idfa",
                &["NSUserTrackingUsageDescription"],
                vec![reader(None, "ASIdentifierManager.advertisingIdentifier")],
            )],
        );
        inv.required_reason_gaps
            .push(appaudit_model::RequiredReasonGap {
                category: "NSPrivacyAccessedAPICategorySystemBootTime".to_owned(),
                binary: "Payload/A.app/A".to_owned(),
                sdk: None,
                evidence: vec!["symbol _mach_absolute_time -- <&>".to_owned()],
            });
        let d = draft_apple(&inv, &t, &db).unwrap();
        assert!(d.tracking, "IDFA read");
        let xml = render_xcprivacy(&d);
        let v: plist::Value = plist::from_bytes(xml.as_bytes()).unwrap();
        let dict = v.as_dictionary().unwrap();
        assert_eq!(dict["NSPrivacyTracking"].as_boolean(), Some(true));
        let apis = dict["NSPrivacyAccessedAPITypes"].as_array().unwrap();
        assert_eq!(
            apis[0].as_dictionary().unwrap()["NSPrivacyAccessedAPIType"].as_string(),
            Some("NSPrivacyAccessedAPICategorySystemBootTime")
        );
        let collected = dict["NSPrivacyCollectedDataTypes"].as_array().unwrap();
        assert_eq!(
            collected[0].as_dictionary().unwrap()["NSPrivacyCollectedDataType"].as_string(),
            Some("NSPrivacyCollectedDataTypeDeviceID")
        );
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let mut s = String::new();
        csv_field(&mut s, "a, \"b\"");
        assert_eq!(s, "\"a, \"\"b\"\"\"");
        let mut s = String::new();
        csv_field(&mut s, "plain");
        assert_eq!(s, "plain");
    }

    #[test]
    fn comment_text_never_holds_a_double_hyphen() {
        assert!(!comment_text("a -- b --- c").contains("--"));
    }

    #[test]
    fn settings_parse() {
        let s = settings().unwrap();
        assert!(s.tracking_categories.iter().any(|c| c == "ads"));
        let t = Taxonomy::builtin().unwrap();
        assert!(!s.play_sdk_categories.is_empty());
        for rule in &s.play_sdk_categories {
            let types = &t.google_play_data_safety.categories[&rule.category];
            assert!(types.contains(&rule.data_type), "{rule:?}");
        }
    }
}
