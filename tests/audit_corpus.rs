//! End-to-end audits pairing real apps with real published policies (`../shared/policies/`).
//! Expectations come from reading the policy text (quoted in comments) and from dexdump/aapt on the APK.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

const APPIUM: &str = "io.appium.settings@8.0.10/apks/settings_apk-debug.apk";

fn policy(rel: &str) -> PathBuf {
    let path = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")).to_path_buf()
        })
        .join("policies")
        .join(rel);
    assert!(
        path.is_file(),
        "policy missing: {} (CI clones shared/ beside the repo)",
        path.display()
    );
    path
}

fn audit(app: &Path, policy: &Path) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    (code, report)
}

fn rules(report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

fn find<'a>(
    report: &'a serde_json::Value,
    rule: &str,
    sdk: Option<&str>,
    data_type: Option<&str>,
) -> Option<&'a serde_json::Value> {
    report["findings"].as_array().unwrap().iter().find(|f| {
        f["rule"] == rule
            && sdk.is_none_or(|s| f["sdk"] == s)
            && data_type.is_none_or(|d| f["data_type"] == d)
    })
}

/// Class descriptors of every `classes*.dex` of an APK, per dexdump.
fn dex_classes(apk: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-q",
            "-o",
            apk.to_str().unwrap(),
            "classes*.dex",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let mut classes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        classes.extend(dexdump_classes(&entry.unwrap().path()));
    }
    classes
}

#[test]
fn appium_settings_against_a_short_english_policy_with_structure_gaps() {
    let Some(apk) = corpus_file(APPIUM) else {
        return;
    };
    // gpsstatus_mobiwia_privacy.md is 20 lines: a bulleted list of AdMob, Firebase Analytics/Remote Config and
    // Crashlytics, no e-mail or address, nothing on rights, account deletion, children, or a date.
    let (code, report) = audit(&apk, &policy("en/gpsstatus_mobiwia_privacy.md"));
    assert_eq!(code, 1);
    let found = rules(&report);
    for rule in ["AA202", "AA203", "AA204", "AA205", "AA206"] {
        assert!(found.contains(rule), "{rule} missing: {found:?}");
    }
    // "Currently the following 3rd party services are used …" followed by a bulleted list is an SDK list.
    assert!(!found.contains("AA201"));

    let classes = dex_classes(&apk);
    let has = |prefix: &str| classes.iter().any(|c| c.starts_with(prefix));
    // Named in the list but not in the build: stale (informational).
    assert!(!has("Lcom/google/android/gms/ads/") && !has("Lcom/google/firebase/crashlytics/"));
    for sdk in ["google-admob", "firebase-crashlytics"] {
        let f = find(&report, "AA107", Some(sdk), None).unwrap_or_else(|| panic!("AA107 {sdk}"));
        assert_eq!(f["severity"], "info");
        assert!(
            f["policy_evidence"][0]["line"]
                .as_u64()
                .is_some_and(|l| (10..=14).contains(&l)),
            "{f}"
        );
    }
    // In the build and called, never named: Play services Location (99 classes in dexdump).
    assert!(has("Lcom/google/android/gms/location/"));
    let location =
        find(&report, "AA101", Some("google-location"), None).expect("AA101 google-location");
    assert_eq!(location["severity"], "high");
    // Firebase is named ("Google Firebase Analytics"), so the bundled Firebase Core is not undisclosed.
    assert!(find(&report, "AA101", Some("firebase-core"), None).is_none());
    // The policy names no data type the app reads by code; READ_SMS has no purpose anywhere.
    assert!(
        aapt_permissions(&apk)
            .iter()
            .any(|p| p == "android.permission.READ_SMS")
    );
    // Line 5, "We are using advertising identifiers …", declares the Google advertising ID; dexdump shows no
    // AdvertisingIdClient and no ads SDK, so the declaration has no counterpart in the build (informational).
    assert!(!has(
        "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient"
    ));
    let gaid = find(&report, "AA108", None, Some("gaid")).expect("AA108 gaid");
    assert_eq!(gaid["severity"], "info");
    assert_eq!(gaid["policy_evidence"][0]["line"], 5);
    let no_purpose = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "AA105" && f["permission"] == "android.permission.READ_SMS");
    assert!(no_purpose);
}

#[test]
fn appium_settings_against_a_policy_without_sdk_list_or_date() {
    let Some(apk) = corpus_file(APPIUM) else {
        return;
    };
    // 000 (BabyTag): no SDK list; line 24 "We may update this Privacy Policy from time to time" (no date);
    // line 25 gives privacy@BabyTag.com; line 23 is about children under 14.
    let (_, report) = audit(&apk, &policy("000_00fa4eb983b23db6.txt"));
    let found = rules(&report);
    assert!(
        found.contains("AA201") && found.contains("AA206"),
        "{found:?}"
    );
    assert!(
        !found.contains("AA202") && !found.contains("AA205"),
        "{found:?}"
    );
    let list = find(&report, "AA201", None, None).unwrap();
    assert_eq!(list["policy_evidence"][0]["kind"], "section_missing");
}

#[test]
fn demo_app_against_a_real_sdk_table_gets_entity_sensitive_findings() {
    let apk = repo().join("samples/appaudit-demo.apk");
    // 002 (BabyN) lists "Jigaung Push … device identifier, network information and location information,
    // application list information" (line 196), "Umen statistics … device information (IMEI, ANDROID_ID,
    // DEVICE_ID, IMSI), application installed list, network information …" (line 206) and "Tencent Bugly …
    // Storage information permission" (lines 220–224).
    let (_, report) = audit(&apk, &policy("002_15b5bc9b73d89d32.txt"));
    // All three SDKs are named (with the typos), so none is undisclosed.
    for sdk in ["jpush", "umeng-common", "tencent-bugly"] {
        assert!(
            find(&report, "AA101", Some(sdk), None).is_none(),
            "{sdk} counted as undisclosed"
        );
    }
    // JPush reads IMEI (getDeviceId, per dexdump); its row only says "device identifier" → vague.
    let jpush = find(&report, "AA104", Some("jpush"), Some("imei")).expect("AA104 jpush imei");
    assert_eq!(jpush["disclosure"], "vague");
    assert_eq!(jpush["policy_evidence"][0]["line"], 196);
    assert!(
        jpush["policy_evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("device identifier")
    );
    // Umeng reads the Wi-Fi MAC (WifiInfo.getMacAddress); its row has only "network information" → vague.
    let umeng = find(&report, "AA104", Some("umeng-common"), Some("wifi_mac"))
        .expect("AA104 umeng wifi_mac");
    assert_eq!(umeng["disclosure"], "vague");
    assert_eq!(umeng["policy_evidence"][0]["line"], 206);
    // Bugly reads running processes (getRunningAppProcesses); its row lists storage only → omitted for the row.
    let bugly = find(
        &report,
        "AA104",
        Some("tencent-bugly"),
        Some("running_apps"),
    )
    .expect("AA104 bugly");
    assert_eq!(bugly["disclosure"], "omitted");
    // The demo reads contacts and 002 never mentions contact lists ("contact" there is "contact us").
    let contacts = find(&report, "AA102", None, Some("contacts")).expect("AA102 contacts");
    assert_eq!(contacts["disclosure"], "omitted");
}

#[test]
fn sarif_of_a_corpus_audit_points_into_the_apk_and_the_policy() {
    let Some(apk) = corpus_file(APPIUM) else {
        return;
    };
    let policy = policy("en/gpsstatus_mobiwia_privacy.md");
    let (code, stdout, _) = appaudit(&[
        "audit",
        apk.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let rule_ids: BTreeSet<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut fingerprints = BTreeSet::new();
    for r in results {
        assert!(rule_ids.contains(r["ruleId"].as_str().unwrap()));
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("settings_apk-debug.apk")
        );
        assert!(
            r["locations"][1]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("gpsstatus_mobiwia_privacy.md")
        );
        assert!(
            fingerprints.insert(
                r["partialFingerprints"]["appauditFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            )
        );
    }
    // An SDK finding names the dex and class it was seen in.
    let location = results
        .iter()
        .find(|r| r["ruleId"] == "AA101" && r["properties"]["sdk"] == "google-location")
        .unwrap();
    let logical = location["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        .as_str()
        .unwrap();
    assert!(
        logical.starts_with("classes")
            && logical.contains(".dex!Lcom/google/android/gms/location/"),
        "{logical}"
    );
}
