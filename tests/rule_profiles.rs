//! `appaudit rules`, `explain` and `audit --profile`: the rule catalogue as data and profiles as filters.
//! The CN-* coverage is checked against `../shared/reference/cn_rules.json`, not against appaudit's own list.

mod common;

use std::collections::BTreeSet;

use common::*;

const APK: &str = "samples/appaudit-demo.apk";
const POLICY: &str = "samples/appaudit-demo-privacy.txt";

fn catalogue() -> Vec<serde_json::Value> {
    let (code, stdout, stderr) = appaudit(&["rules", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<serde_json::Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_cn_rule_of_the_reference_is_covered_or_listed_as_dynamic() {
    let reference_path = std::env::var_os("APPAUDIT_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join("reference/cn_rules.json");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&reference_path).unwrap()).unwrap();
    let reference: Vec<(String, String)> = reference["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["check"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(reference.len(), 31);
    let rules = catalogue();
    let mut covered = BTreeSet::new();
    let mut dynamic = BTreeSet::new();
    for r in &rules {
        for id in strings(&r["cn_rules"]) {
            assert!(
                reference.iter().any(|(rid, _)| *rid == id),
                "{id} ({}) is not in cn_rules.json",
                r["id"]
            );
            if r["dynamic"] == true {
                dynamic.insert(id);
            } else {
                covered.insert(id);
            }
        }
        assert!(!strings(&r["clauses"]).is_empty(), "{}", r["id"]);
        assert!(!strings(&r["profiles"]).is_empty(), "{}", r["id"]);
        assert_eq!(
            r["dynamic"] == true,
            r["why_dynamic"].as_str().is_some(),
            "{}",
            r["id"]
        );
    }
    // Every rule the reference marks as needing a running app only is listed as dynamic.
    for (id, check) in &reference {
        if check == "dynamic" {
            assert!(
                dynamic.contains(id),
                "{id} is dynamic-only in the reference"
            );
        }
    }
    let not_done: Vec<&str> = reference
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !covered.contains(*id) && !dynamic.contains(*id))
        .collect();
    // CN-N01 is AA117 (checked with `--app-type`), CN-P06 is AA217 (HTML and Markdown policies).
    assert!(not_done.is_empty(), "{not_done:?}");
    assert!(covered.len() >= 24, "{} CN rules checked", covered.len());
}

#[test]
fn explain_names_an_unknown_id_and_exits_2() {
    let (code, stdout, stderr) = appaudit(&["explain", "AA999"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("AA999"), "{stderr}");
    let (code, stdout, _) = appaudit(&["explain", "hot-update"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("AA109")
            && stdout.contains("CN-S04")
            && stdout.contains("TC260-PG-20205A 5.3 g)")
    );
    let (code, stdout, _) = appaudit(&["explain", "aa501"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Needs dynamic analysis"), "{stdout}");
}

#[test]
fn rules_text_lists_profiles_and_the_dynamic_flag() {
    let (code, stdout, _) = appaudit(&["rules", "--profile", "apple"]);
    assert_eq!(code, 0);
    let apple: Vec<String> = catalogue()
        .iter()
        .filter(|r| strings(&r["profiles"]).iter().any(|p| p == "apple"))
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stdout.lines().count(), apple.len());
    assert!(!stdout.contains("AA201"), "AA201 is cn-only");
    let (_, stdout, _) = appaudit(&["rules"]);
    let line = stdout.lines().find(|l| l.starts_with("AA502")).unwrap();
    assert!(
        line.contains("[needs dynamic analysis]") && line.contains("CN-C03"),
        "{line}"
    );
}

fn audit_rules(profile: &str) -> (serde_json::Value, BTreeSet<String>) {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "json",
        "--profile",
        profile,
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    (report, rules)
}

#[test]
fn a_profile_keeps_exactly_the_findings_of_its_rules() {
    let catalogue = catalogue();
    let (all_report, all) = audit_rules("all");
    assert_eq!(all_report["profile"], "all");
    for profile in ["cn", "apple", "play"] {
        let members: BTreeSet<String> = catalogue
            .iter()
            .filter(|r| strings(&r["profiles"]).iter().any(|p| p == profile))
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        let (report, got) = audit_rules(profile);
        assert_eq!(report["profile"], profile);
        let want: BTreeSet<String> = all.intersection(&members).cloned().collect();
        assert_eq!(got, want, "{profile}");
    }
    // The demo requests READ_CONTACTS with no stated purpose (AA105: cn and play only): the apple profile drops it.
    assert!(all.contains("AA105"));
    assert!(!audit_rules("apple").1.contains("AA105"));
    assert!(audit_rules("play").1.contains("AA105"));
}

#[test]
fn sarif_lists_the_profile_rules_with_clauses_and_cn_ids() {
    let (_, stdout, _) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "sarif",
        "--profile",
        "cn",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    // Without `--app-type` the rules that need it (AA117) were not checked, so are not listed.
    let cn = catalogue()
        .iter()
        .filter(|r| {
            r["dynamic"] == false
                && r.get("needs_flag").is_none()
                && strings(&r["profiles"]).iter().any(|p| p == "cn")
        })
        .count();
    assert_eq!(rules.len(), cn);
    assert!(rules.iter().all(|r| r["id"] != "AA117"));
    let s04 = rules.iter().find(|r| r["id"] == "AA109").unwrap();
    assert_eq!(strings(&s04["properties"]["cnRules"]), ["CN-S04"]);
    assert!(
        s04["help"]["text"]
            .as_str()
            .unwrap()
            .contains("TC260-PG-20205A 5.3 g)")
    );
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn every_reporter_names_the_cn_ids_and_clauses_of_a_finding() {
    // The demo's AA111 (IMEI read by JPush and Umeng; policy line 22 gives IMEI for push only) covers CN-N03.
    for format in [
        "terminal", "json", "sarif", "markdown", "html", "gitlab", "junit",
    ] {
        let (code, stdout, stderr) =
            appaudit(&["audit", APK, "--policy", POLICY, "--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(stdout.contains("CN-N03"), "{format}");
        assert!(stdout.contains("TC260-PG-20204A 5.7 a)1)"), "{format}");
    }
}
