//! End-to-end: `appaudit audit APP --declared FILE` compares a store declaration with the app.
//! The Data safety CSV of the demo APK is hand-written (tests/declared/) and checked against
//! `aapt dump permissions`; the privacy manifest is react-native-device-info's real one with one
//! entry dropped by hand, checked against python's `plistlib` (what the file declares) and
//! `llvm-nm` (what the sample IPA's binary imports). Broken files must exit 2 naming the file
//! and where in it.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const DEMO: &str = "samples/appaudit-demo.apk";
const NO_CONTACTS: &str = "tests/declared/demo-data-safety-no-contacts.csv";
const NO_DISK_SPACE: &str = "tests/declared/PrivacyInfo-device-info-no-disk-space.xcprivacy";
/// Where the manifest of NO_DISK_SPACE comes from, in the corpus.
const DEVICE_INFO: &str =
    "npm-ios/react-native-device-info@15.0.2/package/ios/PrivacyInfo.xcprivacy";

fn path(rel: &str) -> PathBuf {
    repo().join(rel)
}

/// `audit APP --declared FILE --format json`: exit code and the report.
fn audit_declared(app: &Path, declared: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--declared",
        declared.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(code == 0 || code == 1, "audit failed ({code}): {stderr}");
    let report =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (code, report)
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn evidence_values(f: &Value, kind: &str) -> Vec<String> {
    f["app_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| e["value"].as_str().unwrap().to_owned())
        .collect()
}

/// Undefined symbols of a Mach-O, per `llvm-nm`.
fn imported(binary: &Path) -> BTreeSet<String> {
    tool("llvm-nm", &["--arch=all", "-u", binary.to_str().unwrap()])
        .lines()
        .filter(|l| !l.is_empty() && !l.ends_with(':'))
        .map(|l| l.split_whitespace().last().unwrap_or_default().to_owned())
        .collect()
}

/// `plistlib`: the manifest's API categories with their reasons, and NSPrivacyTracking.
fn plist_apis(file: &Path) -> Value {
    let script = "import json, plistlib, sys\n\
        m = plistlib.load(open(sys.argv[1], 'rb'))\n\
        print(json.dumps({'apis': {a['NSPrivacyAccessedAPIType']: a.get('NSPrivacyAccessedAPITypeReasons', []) for a in m.get('NSPrivacyAccessedAPITypes', [])},\n\
        'collected': [c['NSPrivacyCollectedDataType'] for c in m.get('NSPrivacyCollectedDataTypes', [])],\n\
        'tracking': m.get('NSPrivacyTracking')}))";
    let out = tool("python3", &["-c", script, file.to_str().unwrap()]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn play_form_missing_a_type_the_manifest_grants_and_claiming_one_the_app_lacks() {
    let permissions = aapt_permissions(&path(DEMO));
    // The hand-written form leaves out Contacts; aapt says the app requests READ_CONTACTS.
    assert!(
        permissions
            .iter()
            .any(|p| p == "android.permission.READ_CONTACTS")
    );
    let form = std::fs::read_to_string(path(NO_CONTACTS)).unwrap();
    assert!(!form.contains("Contacts,"));
    let (code, report) = audit_declared(&path(DEMO), &path(NO_CONTACTS));
    assert_eq!(code, 1, "a high finding fails the gate");
    assert_eq!(report["declared_path"], path(NO_CONTACTS).to_str().unwrap());
    assert_eq!(report["policy_path"], "");

    let missing = findings(&report, "AA301");
    let contacts: Vec<_> = missing
        .iter()
        .filter(|f| f["data_type"] == "Contacts")
        .collect();
    assert_eq!(contacts.len(), 1, "{missing:#?}");
    let f = contacts[0];
    assert_eq!(f["severity"], "high", "the app's code reads contacts");
    assert!(
        evidence_values(f, "permission").contains(&"android.permission.READ_CONTACTS".to_owned()),
        "{f}"
    );
    assert_eq!(f["policy_evidence"][0]["kind"], "not_mentioned");
    assert_eq!(
        f["policy_evidence"][0]["document"],
        path(NO_CONTACTS).to_str().unwrap()
    );
    // No type the form declares collected is reported missing.
    for line in form.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[2] == "true" {
            assert!(
                !missing
                    .iter()
                    .any(|f| f["data_type"] == cells[1] && f["severity"] == "high"),
                "{} is declared collected: {missing:#?}",
                cells[1]
            );
        }
    }

    // Purchase history is declared, but the app requests no billing permission (aapt) and the
    // taxonomy maps no read of the demo to it.
    assert!(!permissions.iter().any(|p| p.contains("BILLING")));
    let claimed = findings(&report, "AA304");
    assert_eq!(claimed.len(), 1, "{claimed:#?}");
    assert_eq!(claimed[0]["data_type"], "Purchase history");
    assert_eq!(claimed[0]["severity"], "low");
    let quote = &claimed[0]["policy_evidence"][0];
    assert_eq!(quote["quote"], "Financial info,Purchase history,true,false");
    assert_eq!(quote["line"], 12);
}

#[test]
fn regression_a_draft_fed_back_unchanged_reports_nothing_missing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("draft.csv");
    let (code, _, stderr) = appaudit(&[
        "declare",
        DEMO,
        "--store",
        "play",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, report) = audit_declared(&path(DEMO), &csv);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn privacy_manifest_missing_an_api_category_the_binary_imports() {
    let Some(out) = ios_samples() else { return };
    let ipa = out.join("Demo.ipa");
    let fixture = path(NO_DISK_SPACE);
    let declared = plist_apis(&fixture);
    // The fixture is the corpus manifest minus its disk-space entry (plistlib on both).
    if let Some(original) = corpus_file(DEVICE_INFO) {
        let original = plist_apis(&original);
        let mut dropped: Vec<&String> = original["apis"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| declared["apis"].get(k.as_str()).is_none())
            .collect();
        dropped.sort();
        assert_eq!(dropped, ["NSPrivacyAccessedAPICategoryDiskSpace"]);
    }
    let (code, report) = audit_declared(&ipa, &fixture);
    assert_eq!(code, 1);
    let api = findings(&report, "AA302");
    let own: Vec<_> = api.iter().filter(|f| f["sdk"].is_null()).collect();
    assert_eq!(own.len(), 1, "{api:#?}");
    let f = own[0];
    assert_eq!(f["data_type"], "NSPrivacyAccessedAPICategoryDiskSpace");
    assert_eq!(f["severity"], "high");
    // Every symbol named as evidence is imported by the app's binary (llvm-nm).
    let imports = imported(&out.join("Payload/Demo.app/Demo"));
    let symbols: Vec<String> = evidence_values(f, "api")
        .into_iter()
        .filter_map(|e| e.strip_prefix("symbol ").map(str::to_owned))
        .collect();
    assert!(!symbols.is_empty(), "{f}");
    for s in &symbols {
        assert!(imports.contains(s), "Demo does not import {s}");
    }
    // The categories the file declares with a reason are not reported.
    for (category, reasons) in declared["apis"].as_object().unwrap() {
        assert!(!reasons.as_array().unwrap().is_empty());
        assert!(
            !api.iter().any(|f| f["data_type"] == category.as_str()),
            "{category} is declared"
        );
    }
    // The binary references ASIdentifierManager (the IDFA) and the file has no NSPrivacyTracking.
    assert!(imports.contains("_OBJC_CLASS_$_ASIdentifierManager"));
    assert!(declared["tracking"].is_null());
    let tracking = findings(&report, "AA303");
    assert!(
        tracking.iter().any(|f| f["data_type"] == "idfa"),
        "{tracking:#?}"
    );
    // The file declares no collected type, so the IDFA's Apple type is missing.
    assert_eq!(declared["collected"], serde_json::json!([]));
    assert!(
        findings(&report, "AA301")
            .iter()
            .any(|f| f["data_type"] == "NSPrivacyCollectedDataTypeDeviceID")
    );
}

/// `audit --declared` on a broken file: exit 2, nothing on stdout, stderr as asked.
fn refused(app: &str, declared: &Path) -> String {
    let (code, stdout, stderr) =
        appaudit(&["audit", app, "--declared", declared.to_str().unwrap()]);
    assert_eq!(code, 2, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(declared.to_str().unwrap()), "{stderr}");
    stderr
}

#[test]
fn broken_declarations_exit_2_naming_the_file_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let form = std::fs::read_to_string(path(NO_CONTACTS)).unwrap();

    // A bad boolean in the 5th row (the header is row 1).
    let bad = dir.path().join("bad-cell.csv");
    let text = form.replacen("Crash logs,false,false", "Crash logs,maybe,false", 1);
    assert_eq!(
        text.lines().position(|l| l.contains("maybe")),
        Some(4),
        "row 5"
    );
    std::fs::write(&bad, text).unwrap();
    let err = refused(DEMO, &bad);
    assert!(err.contains("row 5, column collected"), "{err}");

    // A quoted cell never closed, in the data_type column of row 6.
    let open = dir.path().join("open-quote.csv");
    std::fs::write(
        &open,
        form.replacen(
            "Device or other IDs,Device",
            "Device or other IDs,\"Device",
            1,
        ),
    )
    .unwrap();
    let err = refused(DEMO, &open);
    assert!(err.contains("row 6, column data_type"), "{err}");

    // A row short of the header's columns.
    let short = dir.path().join("short.csv");
    std::fs::write(
        &short,
        form.replacen("Photos,false,false", "Photos,false", 1),
    )
    .unwrap();
    let err = refused(DEMO, &short);
    assert!(err.contains("row 11, column shared"), "{err}");

    // A privacy manifest cut in the middle: the error names the line and column of the end.
    let manifest = std::fs::read_to_string(path(NO_DISK_SPACE)).unwrap();
    let cut_at = manifest.find("<key>NSPrivacyCollectedDataTypes").unwrap();
    let cut = &manifest[..cut_at];
    let truncated = dir.path().join("PrivacyInfo.xcprivacy");
    std::fs::write(&truncated, cut).unwrap();
    let line = cut.lines().count();
    let column = cut.rsplit('\n').next().unwrap().chars().count() + 1;
    let err = refused(DEMO, &truncated);
    assert!(
        err.contains(&format!(
            "line {line}, column {column}: the file ends inside <dict>"
        )),
        "{err}"
    );

    // A well-formed plist whose entry is not a manifest's: named by its key path.
    let shape = dir.path().join("shape.xcprivacy");
    std::fs::write(
        &shape,
        manifest.replacen(
            "<string>NSPrivacyAccessedAPICategorySystemBootTime</string>",
            "<integer>1</integer>",
            1,
        ),
    )
    .unwrap();
    let err = refused(DEMO, &shape);
    assert!(
        err.contains("at NSPrivacyAccessedAPITypes[0]: has no NSPrivacyAccessedAPIType string"),
        "{err}"
    );

    // A Data safety form against an iOS app, or a manifest against an Android app.
    let err = refused(DEMO, &path(NO_DISK_SPACE));
    assert!(err.contains("not an iOS app"), "{err}");
}

#[test]
fn required_reason_uses_are_imported_and_cover_every_gap() {
    let Some(out) = ios_samples() else { return };
    let inv = scan_json(&out.join("Demo.ipa"));
    let uses = inv["required_reason_uses"].as_array().expect("uses");
    let mut used = BTreeSet::new();
    for u in uses {
        let binary = u["binary"].as_str().unwrap();
        let imports = imported(&out.join(binary));
        for e in u["evidence"].as_array().unwrap() {
            if let Some(symbol) = e.as_str().unwrap().strip_prefix("symbol ") {
                assert!(
                    imports.contains(symbol),
                    "{binary} does not import {symbol}"
                );
            }
        }
        used.insert((
            binary.to_owned(),
            u["category"].as_str().unwrap().to_owned(),
        ));
    }
    // The app's own manifest declares UserDefaults (so it is no gap) and its binary uses it.
    assert!(used.contains(&(
        "Payload/Demo.app/Demo".to_owned(),
        "NSPrivacyAccessedAPICategoryUserDefaults".to_owned()
    )));
    for gap in inv["required_reason_gaps"].as_array().unwrap() {
        let key = (
            gap["binary"].as_str().unwrap().to_owned(),
            gap["category"].as_str().unwrap().to_owned(),
        );
        assert!(used.contains(&key), "gap {key:?} is not a use");
    }
}

#[test]
fn sarif_locates_a_declared_row_in_the_declaration_file() {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        DEMO,
        "--declared",
        NO_CONTACTS,
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let run = &sarif["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"AA301") && ids.contains(&"AA304"), "{ids:?}");
    let claimed = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "AA304")
        .expect("AA304 result");
    let at = &claimed["locations"][1]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], NO_CONTACTS);
    let line = at["region"]["startLine"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(path(NO_CONTACTS)).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("Purchase history")
    );
}

#[test]
fn with_a_policy_both_the_policy_rules_and_the_declaration_rules_run() {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        DEMO,
        "--policy",
        "samples/appaudit-demo-privacy.txt",
        "--declared",
        NO_CONTACTS,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["policy_path"], "samples/appaudit-demo-privacy.txt");
    assert_eq!(report["declared_path"], NO_CONTACTS);
    // The demo policy never names Umeng (nor 友盟), which the demo bundles (dexdump: com/umeng
    // classes); the form has no Contacts row.
    let policy = std::fs::read_to_string(path("samples/appaudit-demo-privacy.txt")).unwrap();
    assert!(!policy.to_lowercase().contains("umeng") && !policy.contains("友盟"));
    assert!(
        dexdump_classes(&path(DEMO))
            .iter()
            .any(|c| c.starts_with("Lcom/umeng/"))
    );
    assert!(
        findings(&report, "AA101")
            .iter()
            .any(|f| f["sdk"] == "umeng-common")
    );
    assert!(
        findings(&report, "AA301")
            .iter()
            .any(|f| f["data_type"] == "Contacts")
    );
    assert!(!report["disclosures"].as_array().unwrap().is_empty());
}
