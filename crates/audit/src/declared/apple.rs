//! An Apple privacy manifest (`PrivacyInfo.xcprivacy`) compared with an iOS app (rules AA301
//! to AA304).

use std::collections::{BTreeMap, BTreeSet};

use appaudit_model::Inventory;
use appaudit_taxonomy::Taxonomy;
use quick_xml::events::Event;

use super::{DeclaredError, absent, line_column, quote};
use crate::declare::{DeclareEvidence, draft_apple, tracking_categories};
use crate::model::{AppEvidence, Finding};
use crate::rules::RuleId;
use crate::rules::{Knowledge, SeverityOf};

/// How many pieces of evidence of one kind a finding lists.
const SAMPLES: usize = 3;

/// Deepest element nesting of a privacy manifest read (real ones nest 6 deep).
const MAX_DEPTH: usize = 64;

/// A privacy manifest read from a file, each entry with where it is written.
#[derive(Debug, Clone)]
pub struct DeclaredManifest {
    /// `NSPrivacyTracking`, when present.
    pub tracking: Option<bool>,
    /// `NSPrivacyTrackingDomains`, each with its line.
    pub tracking_domains: Vec<(String, Option<usize>)>,
    /// `NSPrivacyCollectedDataTypes`.
    pub collected_data_types: Vec<DeclaredType>,
    /// `NSPrivacyAccessedAPITypes`.
    pub accessed_api_types: Vec<DeclaredApi>,
}

/// One `NSPrivacyCollectedDataTypes` entry.
#[derive(Debug, Clone)]
pub struct DeclaredType {
    /// Apple's key (`NSPrivacyCollectedDataTypeDeviceID`).
    pub data_type: String,
    /// Its key path (`NSPrivacyCollectedDataTypes[0]`).
    pub key: String,
    /// The line of its `<string>`, in XML.
    pub line: Option<usize>,
}

/// One `NSPrivacyAccessedAPITypes` entry.
#[derive(Debug, Clone)]
pub struct DeclaredApi {
    /// The category (`NSPrivacyAccessedAPICategoryDiskSpace`).
    pub category: String,
    /// Its reason codes.
    pub reasons: Vec<String>,
    /// Its key path (`NSPrivacyAccessedAPITypes[1]`).
    pub key: String,
    /// The line of its `<string>`, in XML.
    pub line: Option<usize>,
}

/// Checks that plist XML is well-formed: every element closed, in order, before the end.
fn check_xml(path: &str, text: &str) -> Result<(), DeclaredError> {
    let error = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        DeclaredError::Xml {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<(String, usize)> = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match reader.read_event() {
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(before);
                return Err(error(at, e.to_string()));
            }
            Ok(Event::Start(s)) => {
                if open.len() >= MAX_DEPTH {
                    return Err(error(
                        before,
                        format!("elements nest deeper than {MAX_DEPTH}"),
                    ));
                }
                open.push((s.name().as_ref().to_owned(), before));
            }
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
    }
    match open.last() {
        Some((name, at)) => {
            let (line, column) = line_column(text, *at);
            Err(error(
                text.len(),
                format!(
                    "the file ends inside <{name}> opened at line {line}, column {column} (truncated?)"
                ),
            ))
        }
        None => Ok(()),
    }
}

/// The line of the first `<string>value</string>` in XML text.
fn line_of(text: Option<&str>, value: &str) -> Option<usize> {
    let text = text?;
    let at = text.find(&format!("<string>{value}</string>"))?;
    Some(line_column(text, at).0)
}

/// Reads a privacy manifest (XML or binary plist); every collected-data key and API category
/// must be one of Apple's.
pub(crate) fn parse(
    path: &str,
    bytes: &[u8],
    taxonomy: &Taxonomy,
) -> Result<DeclaredManifest, DeclaredError> {
    let text = if bytes.starts_with(b"bplist") {
        None
    } else {
        let text = super::utf8(path, bytes)?;
        check_xml(path, text)?;
        Some(text)
    };
    let plist_error = |key: &str, message: String| DeclaredError::Plist {
        path: path.to_owned(),
        key: key.to_owned(),
        message,
    };
    let manifest = appaudit_ios::PrivacyManifest::from_bytes(bytes).map_err(|e| match e {
        appaudit_ios::IosError::Plist { detail, .. }
        | appaudit_ios::IosError::PlistShape { detail, .. } => plist_error("root", detail),
        other => plist_error("root", other.to_string()),
    })?;
    // A wrong shape is a parse error of the declaration; an API type without a reason is a
    // finding (AA302), not an error.
    if let Some(w) = manifest
        .warnings
        .iter()
        .find(|w| !w.ends_with("declares no reason"))
    {
        let (key, message) = w
            .split_once([' ', ':'])
            .map_or((w.as_str(), ""), |(k, m)| (k, m.trim()));
        return Err(plist_error(key, message.to_owned()));
    }
    let apple_keys: BTreeSet<&str> = taxonomy
        .apple
        .collected_data_types
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut collected_data_types = Vec::new();
    for (i, c) in manifest.collected_data_types.iter().enumerate() {
        let key = format!("NSPrivacyCollectedDataTypes[{i}]");
        if !apple_keys.contains(c.data_type.as_str()) {
            return Err(plist_error(
                &format!("{key}.NSPrivacyCollectedDataType"),
                format!(
                    "{:?} is not one of Apple's collected data types",
                    c.data_type
                ),
            ));
        }
        collected_data_types.push(DeclaredType {
            data_type: c.data_type.clone(),
            line: line_of(text, &c.data_type),
            key,
        });
    }
    let mut accessed_api_types = Vec::new();
    for (i, a) in manifest.accessed_api_types.iter().enumerate() {
        let key = format!("NSPrivacyAccessedAPITypes[{i}]");
        if !taxonomy
            .ios_required_reason_apis
            .iter()
            .any(|c| c.category == a.category)
        {
            return Err(plist_error(
                &format!("{key}.NSPrivacyAccessedAPIType"),
                format!(
                    "{:?} is not one of Apple's required-reason API categories",
                    a.category
                ),
            ));
        }
        accessed_api_types.push(DeclaredApi {
            category: a.category.clone(),
            reasons: a.reasons.clone(),
            line: line_of(text, &a.category),
            key,
        });
    }
    Ok(DeclaredManifest {
        tracking: manifest.tracking,
        tracking_domains: manifest
            .tracking_domains
            .iter()
            .map(|d| (d.clone(), line_of(text, d)))
            .collect(),
        collected_data_types,
        accessed_api_types,
    })
}

fn evidence_of(evidence: &[DeclareEvidence]) -> Vec<AppEvidence> {
    let mut out = Vec::new();
    for kind in ["call_site", "api", "permission"] {
        for e in evidence.iter().filter(|e| e.kind == kind).take(SAMPLES) {
            out.push(AppEvidence {
                kind: kind.into(),
                location: e.file.clone(),
                value: e.value.clone(),
                sdk: e.sdk.clone(),
            });
        }
    }
    out
}

/// Whether a declared tracking domain covers a host (the host is it or one of its subdomains).
fn covers(domain: &str, host: &str) -> bool {
    let (domain, host) = (domain.to_ascii_lowercase(), host.to_ascii_lowercase());
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The findings of a privacy manifest against the app.
pub(crate) fn compare(
    inv: &Inventory,
    path: &str,
    m: &DeclaredManifest,
    know: Knowledge<'_>,
    severity: SeverityOf<'_>,
) -> Result<Vec<Finding>, DeclaredError> {
    let draft = draft_apple(inv, know.taxonomy, know.signatures)?;
    let mut findings = Vec::new();
    let finding = |rule: RuleId, lowered: bool, message: String| {
        let s = severity(rule);
        Finding::new(rule, if lowered { s.lowered() } else { s }, message)
    };

    // Collected data types: read by code (the draft's entries with evidence), or only asked for
    // with a usage description.
    let declared_types: BTreeMap<&str, &DeclaredType> = m
        .collected_data_types
        .iter()
        .map(|t| (t.data_type.as_str(), t))
        .collect();
    let mut shown_types = BTreeSet::new();
    for c in draft
        .collected_data_types
        .iter()
        .filter(|c| !c.sources.is_empty())
    {
        shown_types.insert(c.data_type.as_str());
        if declared_types.contains_key(c.data_type.as_str()) {
            continue;
        }
        let mut who = c.sdks.clone();
        let own = inv.data_access.iter().any(|a| {
            c.sources.contains(&a.data_type) && a.accessors.iter().any(|r| r.sdk.is_none())
        });
        if own {
            who.insert(0, "the app's own code".to_owned());
        }
        let mut f = finding(
            RuleId::DeclaredDataMissing,
            false,
            format!(
                "{} ({}) is read by {}, but the manifest's NSPrivacyCollectedDataTypes does not declare it",
                c.data_type,
                c.sources.join(", "),
                who.join(", ")
            ),
        );
        f.data_type = Some(c.data_type.clone());
        f.app_evidence = evidence_of(&c.evidence);
        f.policy_evidence.push(absent(
            path,
            format!("no NSPrivacyCollectedDataTypes entry is {}", c.data_type),
        ));
        findings.push(f);
    }
    let mut asked: BTreeMap<&str, Vec<&appaudit_taxonomy::DataAccess>> = BTreeMap::new();
    for a in inv
        .data_access
        .iter()
        .filter(|a| draft.permission_only.contains(&a.data_type))
    {
        for key in know
            .taxonomy
            .get(&a.data_type)
            .map(|t| t.apple_privacy_manifest_types.as_slice())
            .unwrap_or_default()
        {
            asked.entry(key.as_str()).or_default().push(a);
        }
    }
    for (key, accesses) in &asked {
        if shown_types.contains(key) {
            continue;
        }
        shown_types.insert(key);
        if declared_types.contains_key(key) {
            continue;
        }
        let usage: BTreeSet<&str> = accesses
            .iter()
            .flat_map(|a| a.permissions.iter().map(String::as_str))
            .collect();
        let types: Vec<&str> = accesses.iter().map(|a| a.data_type.as_str()).collect();
        let mut f = finding(
            RuleId::DeclaredDataMissing,
            true,
            format!(
                "{key} ({}): the app asks for it ({}) though no read was seen, and the manifest does not declare it",
                types.join(", "),
                usage.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        );
        f.data_type = Some((*key).to_owned());
        f.permission = usage.iter().next().map(|u| (*u).to_owned());
        f.app_evidence = usage
            .iter()
            .map(|u| AppEvidence {
                kind: "permission".into(),
                location: inv
                    .permissions
                    .iter()
                    .find(|p| p.name == *u)
                    .map(|p| p.declared_in.clone())
                    .filter(|d| !d.is_empty()),
                value: (*u).to_owned(),
                sdk: None,
            })
            .collect();
        f.policy_evidence.push(absent(
            path,
            format!("no NSPrivacyCollectedDataTypes entry is {key}"),
        ));
        findings.push(f);
    }
    for t in &m.collected_data_types {
        if shown_types.contains(t.data_type.as_str()) {
            continue;
        }
        let mut f = finding(
            RuleId::DeclaredWithoutEvidence,
            false,
            format!(
                "{} is declared collected, but no code of the app reads a data type of it and no usage description asks for one",
                t.data_type
            ),
        );
        f.data_type = Some(t.data_type.clone());
        f.policy_evidence
            .push(quote(path, &t.data_type, t.line, t.key.clone()));
        findings.push(f);
    }

    // Required-reason APIs: the app's own binaries must be declared; an SDK's, unless a
    // manifest the SDK ships declares them (Apple's upload check: any manifest covers).
    let declared_apis: BTreeMap<&str, &DeclaredApi> = m
        .accessed_api_types
        .iter()
        .map(|a| (a.category.as_str(), a))
        .collect();
    let sdk_declared: BTreeSet<&str> = inv
        .privacy_manifests
        .iter()
        .filter(|p| p.sdk.is_some())
        .flat_map(|p| &p.accessed_api_types)
        .filter(|a| !a.reasons.is_empty())
        .map(|a| a.category.as_str())
        .collect();
    let mut used: BTreeMap<
        &str,
        (
            Vec<&appaudit_model::RequiredReasonUse>,
            Vec<&appaudit_model::RequiredReasonUse>,
        ),
    > = BTreeMap::new();
    for u in &inv.required_reason_uses {
        let entry = used.entry(u.category.as_str()).or_default();
        if u.sdk.is_none() {
            entry.0.push(u);
        } else {
            entry.1.push(u);
        }
    }
    for (category, (own, sdks)) in &used {
        let declared = declared_apis.get(category);
        let has_reason = declared.is_some_and(|a| !a.reasons.is_empty());
        if has_reason || (own.is_empty() && sdk_declared.contains(category)) {
            continue;
        }
        let lowered = own.is_empty();
        let shown: &[&appaudit_model::RequiredReasonUse] = if lowered { sdks } else { own };
        let binaries: Vec<String> = shown
            .iter()
            .map(|u| match &u.sdk {
                Some(s) => format!("{} ({s})", u.binary),
                None => u.binary.clone(),
            })
            .collect();
        let what = match declared {
            Some(_) => "the manifest declares it with no reason",
            None => "the manifest does not declare it",
        };
        let message = if lowered {
            format!(
                "{category} is used inside SDK binaries ({}) that ship no manifest declaring it, and {what}",
                binaries.join(", ")
            )
        } else {
            format!(
                "{category} is used by the app's own binary ({}), but {what}",
                binaries.join(", ")
            )
        };
        let mut f = finding(RuleId::DeclaredApiMissing, lowered, message);
        f.sdk = if lowered {
            shown.iter().find_map(|u| u.sdk.clone())
        } else {
            None
        };
        f.data_type = Some((*category).to_owned());
        for u in shown.iter().take(SAMPLES) {
            for e in u.evidence.iter().take(SAMPLES) {
                f.app_evidence.push(AppEvidence {
                    kind: "api".into(),
                    location: Some(u.binary.clone()),
                    value: e.clone(),
                    sdk: u.sdk.clone(),
                });
            }
        }
        f.policy_evidence.push(match declared {
            Some(a) => quote(
                path,
                &a.category,
                a.line,
                format!("{} has no reason", a.key),
            ),
            None => absent(
                path,
                format!("no NSPrivacyAccessedAPITypes entry is {category}"),
            ),
        });
        findings.push(f);
    }
    for a in &m.accessed_api_types {
        if used.contains_key(a.category.as_str()) {
            continue;
        }
        let mut f = finding(
            RuleId::DeclaredWithoutEvidence,
            false,
            format!(
                "{} is declared, but no binary of the app uses an API of that category",
                a.category
            ),
        );
        f.data_type = Some(a.category.clone());
        f.policy_evidence
            .push(quote(path, &a.category, a.line, a.key.clone()));
        findings.push(f);
    }

    // Tracking: hosts of bundled ads, attribution and analytics SDKs; the IDFA read.
    let tracking = tracking_categories()?;
    let mut all_hosts: Vec<(&str, &str)> = Vec::new();
    for sdk in &inv.sdks {
        let Some(entry) = know.signatures.get(&sdk.id) else {
            continue;
        };
        for host in entry.rules.hosts.iter().map(|r| r.pattern.as_str()) {
            if host.contains(['*', '?']) {
                continue;
            }
            all_hosts.push((sdk.id.as_str(), host));
            if !tracking.contains(&sdk.category)
                || m.tracking_domains.iter().any(|(d, _)| covers(d, host))
            {
                continue;
            }
            let mut f = finding(
                RuleId::DeclaredTrackingMissing,
                false,
                format!(
                    "{} ({}) is bundled and contacts {host}, which is not in NSPrivacyTrackingDomains",
                    sdk.name, sdk.category
                ),
            );
            f.sdk = Some(sdk.id.clone());
            f.app_evidence.push(AppEvidence {
                kind: "sdk_usage".into(),
                location: None,
                value: format!("{} ({}, {})", sdk.name, sdk.category, sdk.usage.status),
                sdk: Some(sdk.id.clone()),
            });
            f.policy_evidence.push(absent(
                path,
                format!("NSPrivacyTrackingDomains does not list {host}"),
            ));
            findings.push(f);
        }
    }
    if m.tracking != Some(true)
        && let Some(idfa) = inv.data_access.iter().find(|a| a.data_type == "idfa")
        && idfa
            .accessors
            .iter()
            .any(|a| !a.apis.is_empty() || !a.call_sites.is_empty())
    {
        let mut f = finding(
            RuleId::DeclaredTrackingMissing,
            false,
            format!(
                "the code reads the advertising identifier (IDFA), but NSPrivacyTracking is {}",
                if m.tracking.is_some() {
                    "false"
                } else {
                    "absent"
                }
            ),
        );
        f.data_type = Some("idfa".to_owned());
        for a in &idfa.accessors {
            for api in a.apis.iter().take(SAMPLES) {
                f.app_evidence.push(AppEvidence {
                    kind: "api".into(),
                    location: a.call_sites.first().cloned(),
                    value: api.clone(),
                    sdk: a.sdk.clone(),
                });
            }
        }
        f.policy_evidence
            .push(absent(path, "NSPrivacyTracking is not true".to_owned()));
        findings.push(f);
    }
    for (domain, line) in &m.tracking_domains {
        if all_hosts
            .iter()
            .any(|(_, h)| covers(domain, h) || covers(h, domain))
        {
            continue;
        }
        let mut f = finding(
            RuleId::DeclaredWithoutEvidence,
            false,
            format!(
                "{domain} is declared a tracking domain, but no bundled SDK is known to contact it"
            ),
        );
        f.policy_evidence.push(quote(
            path,
            domain,
            *line,
            "NSPrivacyTrackingDomains".to_owned(),
        ));
        findings.push(f);
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<DeclaredManifest, DeclaredError> {
        parse(
            "P.xcprivacy",
            text.as_bytes(),
            &Taxonomy::builtin().unwrap(),
        )
    }

    const GOOD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>NSPrivacyTracking</key><false/>
	<key>NSPrivacyTrackingDomains</key><array><string>t.example.com</string></array>
	<key>NSPrivacyCollectedDataTypes</key>
	<array>
		<dict>
			<key>NSPrivacyCollectedDataType</key><string>NSPrivacyCollectedDataTypeDeviceID</string>
		</dict>
	</array>
	<key>NSPrivacyAccessedAPITypes</key>
	<array>
		<dict>
			<key>NSPrivacyAccessedAPIType</key>
			<string>NSPrivacyAccessedAPICategoryDiskSpace</string>
			<key>NSPrivacyAccessedAPITypeReasons</key><array/>
		</dict>
	</array>
</dict>
</plist>
"#;

    #[test]
    fn reads_entries_with_their_lines() {
        let m = parse_text(GOOD).unwrap();
        assert_eq!(m.tracking, Some(false));
        assert_eq!(m.tracking_domains, [("t.example.com".to_owned(), Some(6))]);
        assert_eq!(m.collected_data_types[0].line, Some(10));
        let api = &m.accessed_api_types[0];
        assert_eq!((api.line, api.reasons.len()), (Some(17), 0));
        assert_eq!(api.key, "NSPrivacyAccessedAPITypes[0]");
    }

    #[test]
    fn a_truncated_file_names_the_open_element() {
        let cut = &GOOD[..GOOD.find("<key>NSPrivacyAccessedAPITypes").unwrap()];
        let err = parse_text(cut).unwrap_err().to_string();
        assert!(
            err.starts_with("P.xcprivacy: line 13, column 2: the file ends inside <dict> opened at line 4, column 1"),
            "{err}"
        );
    }

    #[test]
    fn a_mismatched_tag_has_its_line_and_column() {
        let bad = GOOD.replace("<false/>", "<false></true>");
        let err = parse_text(&bad).unwrap_err().to_string();
        assert!(err.starts_with("P.xcprivacy: line 5, column "), "{err}");
    }

    #[test]
    fn shape_errors_name_the_key_path() {
        let bad = GOOD.replace(
            "<string>NSPrivacyCollectedDataTypeDeviceID</string>",
            "<integer>3</integer>",
        );
        let err = parse_text(&bad).unwrap_err().to_string();
        assert_eq!(
            err,
            "P.xcprivacy: at NSPrivacyCollectedDataTypes[0]: has no NSPrivacyCollectedDataType string"
        );
        let bad = GOOD.replace(
            "NSPrivacyAccessedAPICategoryDiskSpace",
            "NSPrivacyAccessedAPICategoryDisk",
        );
        let err = parse_text(&bad).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "P.xcprivacy: at NSPrivacyAccessedAPITypes[0].NSPrivacyAccessedAPIType: "
            ),
            "{err}"
        );
        let err = parse_text("<plist version=\"1.0\"><array/></plist>")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("P.xcprivacy: at root: "), "{err}");
    }

    #[test]
    fn a_binary_plist_reads_like_its_xml() {
        let value: plist::Value = plist::from_bytes(GOOD.as_bytes()).unwrap();
        let mut binary = Vec::new();
        value.to_writer_binary(&mut binary).unwrap();
        assert!(binary.starts_with(b"bplist"));
        let m = parse("P.xcprivacy", &binary, &Taxonomy::builtin().unwrap()).unwrap();
        assert_eq!(m.tracking_domains, [("t.example.com".to_owned(), None)]);
        assert_eq!(
            m.accessed_api_types[0].category,
            "NSPrivacyAccessedAPICategoryDiskSpace"
        );
        // A cut binary plist is refused by the plist decoder, at the root.
        let err = parse(
            "P.xcprivacy",
            &binary[..binary.len() / 2],
            &Taxonomy::builtin().unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("P.xcprivacy: at root: "), "{err}");
    }

    #[test]
    fn domains_cover_their_subdomains_only() {
        assert!(covers("jpush.cn", "stats.jpush.cn"));
        assert!(covers("JPush.cn", "jpush.cn"));
        assert!(!covers("jpush.cn", "notjpush.cn"));
    }
}
