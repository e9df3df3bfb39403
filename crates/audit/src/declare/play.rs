//! The Google Play Data safety draft (`declare --store play`): one row per Google data type,
//! as JSON or CSV.

use std::collections::{BTreeMap, BTreeSet};

use appaudit_model::{InputKind, Inventory};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::Taxonomy;
use serde::Serialize;

use super::{
    DECLARE_SCHEMA_VERSION, DeclareError, DeclareEvidence, DeclaredApp, DeclaredSdk, declared_app,
    evidence_of, kind_name, readers, sdk_of, settings,
};

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

/// The Google types a taxonomy mapping names: ` / `-separated alternatives, a parenthesised
/// remark dropped, each checked against Google's catalogue.
pub(super) fn play_types<'t>(
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

pub(super) fn csv_field(out: &mut String, value: &str) {
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
