//! The Apple privacy manifest draft (`declare --store apple`): a `PrivacyInfo.xcprivacy` with
//! review notes in XML comments, or JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use appaudit_model::{InputKind, Inventory};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::Taxonomy;
use serde::Serialize;

use super::{
    DECLARE_SCHEMA_VERSION, DeclareError, DeclareEvidence, DeclaredApp, declared_app, evidence_of,
    kind_name, readers, settings,
};

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

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for inside an XML comment (`--` is not allowed there).
pub(super) fn comment_text(s: &str) -> String {
    let mut out = s.to_owned();
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    out
}

pub(super) fn string_el(out: &mut String, indent: &str, s: &str) {
    let _ = writeln!(out, "{indent}<string>{}</string>", xml_escape(s));
}

pub(super) fn bool_el(out: &mut String, indent: &str, b: bool) {
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
