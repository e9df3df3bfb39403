//! End-to-end: `appaudit audit` on the demo app against its policy. Expected findings come from
//! reading `samples/appaudit-demo-privacy.txt` and from aapt / dexdump on the APK, not from our output.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;

const APK: &str = "samples/appaudit-demo.apk";
const POLICY: &str = "samples/appaudit-demo-privacy.txt";

fn audit_json(extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["audit", APK, "--policy", POLICY, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = appaudit(&args);
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    (code, json)
}

fn findings<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn keyed(report: &serde_json::Value, rule: &str, key: &str) -> BTreeSet<String> {
    findings(report, rule)
        .iter()
        .filter_map(|f| f[key].as_str().map(str::to_owned))
        .collect()
}

fn disclosure(report: &serde_json::Value, data_type: &str) -> String {
    report["disclosures"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["data_type"] == data_type))
        .and_then(|d| d["disclosure"].as_str())
        .unwrap_or_else(|| panic!("{data_type} not classified"))
        .to_owned()
}

/// The demo's dexdump, for the app-side facts.
fn dexdump_text() -> String {
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-o",
            "-q",
            repo().join(APK).to_str().unwrap(),
            "classes.dex",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    tool(
        "dexdump",
        &["-d", dir.path().join("classes.dex").to_str().unwrap()],
    )
}

#[test]
fn demo_audit_finds_what_the_policy_text_and_the_apk_say() {
    let (code, report) = audit_json(&[]);
    assert_eq!(code, 1, "high findings fail the default gate");
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["schema_version"], 1);
    assert!(
        report["inventory"]["permissions"].is_array() && report["policy"]["sections"].is_array()
    );
    let dump = dexdump_text();

    // §4 of the policy lists only JPush and AMap; dexdump shows Umeng and Bugly classes.
    assert!(dump.contains("Class descriptor  : 'Lcom/umeng/commonsdk/UMConfigure;'"));
    assert!(dump.contains("Class descriptor  : 'Lcom/tencent/bugly/crashreport/CrashReport;'"));
    let undisclosed = keyed(&report, "AA101", "sdk");
    assert!(
        undisclosed.contains("umeng-common") && undisclosed.contains("tencent-bugly"),
        "{undisclosed:?}"
    );
    assert!(
        !undisclosed.contains("jpush") && !undisclosed.contains("amap-location"),
        "{undisclosed:?}"
    );
    let aa101 = findings(&report, "AA101");
    let umeng = aa101.iter().find(|f| f["sdk"] == "umeng-common").unwrap();
    let bugly = aa101.iter().find(|f| f["sdk"] == "tencent-bugly").unwrap();
    // Umeng is called from MainActivity, Bugly only bundled: Bugly weighs less.
    assert_eq!(umeng["severity"], "high");
    assert_eq!(bugly["severity"], "medium");
    assert_eq!(umeng["policy_evidence"][0]["kind"], "not_mentioned");
    assert!(
        umeng["app_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["location"] == "classes.dex")
    );

    // The clipboard (getPrimaryClip) and android_id (Settings.Secure) are read; the policy names neither, and its
    // "device information (device model, operating system version)" is a closed list → omitted.
    assert!(dump.contains("Landroid/content/ClipboardManager;.getPrimaryClip"));
    assert!(dump.contains("const-string v1, \"android_id\""));
    let omitted = keyed(&report, "AA102", "data_type");
    assert!(
        omitted.contains("clipboard") && omitted.contains("android_id"),
        "{omitted:?}"
    );
    assert_eq!(disclosure(&report, "clipboard"), "omitted");
    assert_eq!(disclosure(&report, "android_id"), "omitted");
    let clip = findings(&report, "AA102")
        .into_iter()
        .find(|f| f["data_type"] == "clipboard")
        .unwrap();
    assert!(clip["message"].as_str().unwrap().contains("app's own code"));
    assert!(
        clip["app_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["value"] == "Lcom/example/appauditdemo/PasteHelper;->lastCopied")
    );

    // "We do not collect your contacts." (line 12) while READ_CONTACTS is requested and contacts are queried.
    assert!(
        aapt_permissions(&repo().join(APK))
            .iter()
            .any(|p| p == "android.permission.READ_CONTACTS")
    );
    assert!(dump.contains("content://com.android.contacts/contacts"));
    let contradicted = findings(&report, "AA106");
    let contacts = contradicted
        .iter()
        .find(|f| f["data_type"] == "contacts")
        .expect("contacts contradicted");
    assert_eq!(contacts["disclosure"], "incorrect");
    assert_eq!(contacts["policy_evidence"][0]["line"], 12);
    assert_eq!(
        contacts["policy_evidence"][0]["quote"],
        "We do not collect your contacts."
    );
    assert_eq!(disclosure(&report, "contacts"), "incorrect");

    // Precise location and the camera are in the policy by name; IMEI is in JPush's row: clear.
    for clear in ["precise_location", "imei", "installed_apps"] {
        assert_eq!(disclosure(&report, clear), "clear", "{clear}");
    }
    // Approximate location: requested (ACCESS_COARSE_LOCATION) and only covered by the broad "Location" row → vague.
    assert_eq!(disclosure(&report, "coarse_location"), "vague");
    assert!(keyed(&report, "AA103", "data_type").contains("coarse_location"));

    // §3 gives purposes for location, camera and phone state only.
    let no_purpose = keyed(&report, "AA105", "permission");
    // QUERY_ALL_PACKAGES is a special permission (CN-N08): AA112 reports it, one severity lower because the JPush
    // row names the "installed application list" it gives.
    let expected: BTreeSet<String> = ["READ_CONTACTS", "WRITE_EXTERNAL_STORAGE"]
        .iter()
        .map(|p| format!("android.permission.{p}"))
        .collect();
    assert_eq!(no_purpose, expected);
    assert!(
        keyed(&report, "AA112", "permission").contains("android.permission.QUERY_ALL_PACKAGES")
    );

    // The policy has a date, contact, rights with account cancellation, children and an SDK table.
    for rule in ["AA201", "AA202", "AA203", "AA204", "AA205", "AA206"] {
        assert!(findings(&report, rule).is_empty(), "{rule}");
    }
    // Every finding carries both sides of the evidence and a regulation.
    for f in report["findings"].as_array().unwrap() {
        assert!(!f["app_evidence"].as_array().unwrap().is_empty(), "{f}");
        assert!(!f["policy_evidence"].as_array().unwrap().is_empty(), "{f}");
        assert!(!f["regulations"].as_array().unwrap().is_empty(), "{f}");
    }
}

#[test]
fn gate_and_exit_codes() {
    // High findings exist (Umeng undisclosed, contacts contradicted): any gate fails.
    assert_eq!(audit_json(&["--fail-on", "high"]).0, 1);
    let (code, _) = audit_json(&["--fail-on", "info"]);
    assert_eq!(code, 1);
    // Unreadable inputs: exit 2 and a message naming the file.
    let (code, _, stderr) = appaudit(&["audit", "no/such.apk", "--policy", POLICY]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such.apk"), "{stderr}");
    let (code, _, stderr) = appaudit(&["audit", APK, "--policy", "no/such-policy.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such-policy.txt"), "{stderr}");
    let (code, _, stderr) = appaudit(&["audit", POLICY, "--policy", POLICY]);
    assert_eq!(code, 2, "a text file is not an app: {stderr}");
    let (code, _, _) = appaudit(&["explain", "AA999"]);
    assert_eq!(code, 2);
}

#[test]
fn waivers_from_a_config_file_silence_findings_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("appaudit.toml");
    // Waive every high finding except AA106 (which gets an expired waiver): the gate must still fail on it.
    std::fs::write(
        &config,
        r#"
fail_on = "high"
[[waiver]]
rule = "AA101"
reason = "SDK list published separately"
[[waiver]]
rule = "data-undisclosed"
reason = "policy update in review"
expires = "2999-01-01"
[[waiver]]
rule = "non-resettable-id"
reason = "SDK configured to skip hardware ids"
[[waiver]]
rule = "AA106"
data_type = "contacts"
reason = "old"
expires = "2000-01-01"
"#,
    )
    .unwrap();
    let (code, report) = audit_json(&["--config", config.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(findings(&report, "AA101").is_empty() && findings(&report, "AA102").is_empty());
    assert!(!findings(&report, "AA106").is_empty());
    let waived = report["waived"].as_array().unwrap();
    assert!(
        waived.iter().any(|w| w["finding"]["sdk"] == "umeng-common"
            && w["reason"] == "SDK list published separately")
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("AA106") && n.contains("expired on 2000-01-01")),
        "{notes:?}"
    );

    // The same file found in the working directory; adding an AA106 waiver makes the gate pass.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("2000-01-01", "2999-12-31");
    std::fs::write(&config, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args([
            "audit",
            repo().join(APK).to_str().unwrap(),
            "--policy",
            repo().join(POLICY).to_str().unwrap(),
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Verdict: PASS"), "{stdout}");

    // Extra signature folders are resolved against the config file; a missing one is an error, not a silent skip.
    std::fs::write(&config, "signatures = [\"no-such-signatures\"]\n").unwrap();
    let (code, _, stderr) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-signatures"), "{stderr}");

    // A broken config is exit 2 with the file and the problem named.
    std::fs::write(&config, "fail_on = \"severe\"\n").unwrap();
    let (code, _, stderr) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("appaudit.toml") && stderr.contains("severe"),
        "{stderr}"
    );
}

#[test]
fn rules_and_explain() {
    let (code, stdout, _) = appaudit(&["rules"]);
    assert_eq!(code, 0);
    for id in [
        "AA101", "AA102", "AA103", "AA104", "AA105", "AA106", "AA107", "AA108", "AA201", "AA206",
    ] {
        assert!(stdout.contains(id), "{id}");
    }
    let (code, stdout, _) = appaudit(&["rules", "--json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(rules.as_array().unwrap().len() >= 14);
    let (code, stdout, _) = appaudit(&["explain", "sdk-undisclosed"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("AA101") && stdout.contains("GB/T 35273") && stdout.contains("Example")
    );
}

#[test]
fn written_report_goes_to_the_file_and_the_verdict_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("fail"), "{stderr}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

/// Replaces the tool version so snapshots survive releases.
fn redact(text: &str) -> String {
    text.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[version]\"",
    )
    .replace(
        &format!("appaudit {}</p>", env!("CARGO_PKG_VERSION")),
        "appaudit [version]</p>",
    )
}

fn render(format: &str) -> String {
    let (code, stdout, stderr) = appaudit(&["audit", APK, "--policy", POLICY, "--format", format]);
    assert_eq!(code, 1, "{stderr}");
    redact(&stdout)
}

#[test]
fn snapshot_terminal() {
    insta::assert_snapshot!("demo_terminal", render("terminal"));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("demo_markdown", render("markdown"));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("demo_html", render("html"));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!("demo_sarif", render("sarif"));
}

#[test]
fn snapshot_json_findings() {
    // The inventory and policy reading have their own tests; the snapshot pins what the audit adds.
    let report: serde_json::Value = serde_json::from_str(&render("json")).unwrap();
    let added = serde_json::json!({
        "schema_version": report["schema_version"],
        "verdict": report["verdict"],
        "fail_on": report["fail_on"],
        "summary": report["summary"],
        "findings": report["findings"],
        "disclosures": report["disclosures"],
    });
    insta::assert_json_snapshot!("demo_json_findings", added);
}

#[test]
fn committed_samples_are_current() {
    // samples/appaudit-demo.{sarif,html} are what the README links to; they must match today's output.
    for (format, file) in [
        ("sarif", "samples/appaudit-demo.sarif"),
        ("html", "samples/appaudit-demo.html"),
    ] {
        let current = render(format);
        let path = repo().join(file);
        if std::env::var("APPAUDIT_UPDATE_SAMPLES").as_deref() == Ok("1") {
            std::fs::write(&path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "{file} is stale: rerun with APPAUDIT_UPDATE_SAMPLES=1"
        );
    }
}

#[test]
fn diff_between_the_demo_and_a_corpus_app() {
    let Some(other) = corpus_file("io.appium.settings@8.0.10/apks/settings_apk-debug.apk") else {
        return;
    };
    let (code, stdout, stderr) = appaudit(&["diff", APK, other.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let d: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let list = |k: &str, side: &str| -> BTreeSet<String> {
        d[k][side]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // aapt on both files: permissions only in the new one are "added", only in the old "removed".
    let old: BTreeSet<String> = aapt_permissions(&repo().join(APK)).into_iter().collect();
    let new: BTreeSet<String> = aapt_permissions(&other).into_iter().collect();
    assert_eq!(
        list("permissions", "added"),
        new.difference(&old).cloned().collect()
    );
    assert_eq!(
        list("permissions", "removed"),
        old.difference(&new).cloned().collect()
    );
    assert!(list("sdks", "removed").contains("umeng-common"));
    let (code, text, _) = appaudit(&["diff", APK, APK]);
    assert_eq!(code, 0);
    assert!(
        text.contains("No SDK, permission or data-type changes"),
        "{text}"
    );
}
