//! End-to-end: the CI gate. `--format gitlab` and `--format junit`, baselines (`--baseline`,
//! `--write-baseline`, SARIF as baseline), and `appaudit diff` on the shared real bundles.
//!
//! Oracles: the JSON report's findings for counts and severities; the policy file itself
//! (read here, line by line) for the GitLab locations; `xmllint` (libxml2) for the JUnit XML
//! (well-formedness and XPath counts); the SARIF log's own fingerprints for the baseline;
//! `protoc --decode` with aapt2's schema (`tests/aab/aapt2-xml.proto`) for the bundles'
//! permissions in `diff`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

const APK: &str = "samples/appaudit-demo.apk";
const POLICY: &str = "samples/appaudit-demo-privacy.txt";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run appaudit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn audit(app: &str, format: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["audit", app, "--policy", POLICY, "--format", format];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(text: &str, stderr: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"))
}

fn sarif_fingerprints(sarif: &serde_json::Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["appauditFinding/v1"]
                .as_str()
                .expect("fingerprint")
                .to_owned()
        })
        .collect()
}

fn xmllint(args: &[&str]) -> String {
    let out = Command::new("xmllint")
        .args(args)
        .output()
        .expect("xmllint is needed for this test (.ci/run installs libxml2-utils)");
    assert!(
        out.status.success(),
        "xmllint {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn gitlab_code_quality_issues_match_the_findings_and_point_at_the_policy_lines() {
    let (jcode, jtext, jerr) = audit(APK, "json", &[]);
    let report = json(&jtext, &jerr);
    let (code, text, stderr) = audit(APK, "gitlab", &[]);
    assert_eq!(code, jcode, "same gate as the JSON run");
    let issues = json(&text, &stderr);
    let issues = issues.as_array().expect("a JSON array of issues");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    assert!(!issues.is_empty());

    let policy_lines: Vec<String> = std::fs::read_to_string(repo().join(POLICY))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let (_, sarif, _) = audit(APK, "sarif", &[]);
    let sarif_fps: BTreeSet<String> = sarif_fingerprints(&json(&sarif, "")).into_iter().collect();
    let mut fps = BTreeSet::new();
    let mut at_policy = 0;
    for (issue, finding) in issues.iter().zip(findings) {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} missing in {issue}");
        }
        let rule = finding["rule"].as_str().unwrap();
        assert!(issue["check_name"].as_str().unwrap().starts_with(rule));
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .contains(finding["message"].as_str().unwrap())
        );
        // GitLab's five severities; ours map one to one, in order.
        let want = match finding["severity"].as_str().unwrap() {
            "high" => "critical",
            "medium" => "major",
            "low" => "minor",
            "info" => "info",
            other => panic!("severity {other}"),
        };
        assert_eq!(issue["severity"], want);
        assert!(fps.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
        let path = issue["location"]["path"].as_str().unwrap();
        let begin = issue["location"]["lines"]["begin"].as_u64().unwrap() as usize;
        assert!(begin >= 1);
        if path == POLICY {
            // The line GitLab will show holds the quote the finding cites.
            at_policy += 1;
            let quote = finding["policy_evidence"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["line"].as_u64() == Some(begin as u64))
                .and_then(|e| e["quote"].as_str())
                .expect("a quote at that line");
            let line = &policy_lines[begin - 1];
            assert!(
                line.contains(quote) || quote.contains(line.trim()),
                "line {begin} of the policy is {line:?}, the finding quotes {quote:?}"
            );
        } else {
            assert_eq!(path, APK);
            assert_eq!(begin, 1);
        }
    }
    // The demo's AA106 quotes "We do not collect your contacts." (policy line 12).
    assert!(at_policy >= 1);
    assert!(
        issues
            .iter()
            .any(|i| i["location"]["path"] == POLICY && i["location"]["lines"]["begin"] == 12)
    );
    // Same identity as in code scanning.
    assert_eq!(fps, sarif_fps);
}

#[test]
fn junit_has_one_case_per_rule_and_failures_for_rules_at_or_above_the_gate() {
    let (_, rules, _) = run(&["rules", "--json"]);
    let rules = json(&rules, "");
    // One test case per checkable rule; rules that need a running app are listed but never checked,
    // and AA117 (needs `--app-type`, not given here) is not checked either.
    let n_rules = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["dynamic"] == false && r.get("needs_flag").is_none())
        .count();
    let dir = tempfile::tempdir().unwrap();
    for gate in ["high", "medium", "info"] {
        let (_, jtext, jerr) = audit(APK, "json", &["--fail-on", gate]);
        let report = json(&jtext, &jerr);
        let order = ["info", "low", "medium", "high"];
        let at = |s: &str| order.iter().position(|o| *o == s).unwrap();
        let failing_rules: BTreeSet<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| at(f["severity"].as_str().unwrap()) >= at(gate))
            .map(|f| f["rule"].as_str().unwrap())
            .collect();

        let (code, xml, stderr) = audit(APK, "junit", &["--fail-on", gate]);
        assert_eq!(code, 1, "{stderr}");
        let file = dir.path().join(format!("junit-{gate}.xml"));
        std::fs::write(&file, &xml).unwrap();
        let f = file.to_str().unwrap();
        xmllint(&["--noout", f]);
        let count =
            |xpath: &str| -> usize { xmllint(&["--xpath", xpath, f]).trim().parse().unwrap() };
        assert_eq!(count("count(/testsuites/testsuite/testcase)"), n_rules);
        assert_eq!(
            count("count(//testcase/failure)"),
            failing_rules.len(),
            "{gate}"
        );
        assert_eq!(
            count("number(/testsuites/testsuite/@failures)"),
            failing_rules.len()
        );
        assert_eq!(count("number(/testsuites/testsuite/@tests)"), n_rules);
        for rule in &failing_rules {
            assert_eq!(
                count(&format!("count(//testcase[failure/@type='{rule}'])")),
                1,
                "{rule} at {gate}"
            );
        }
        let gate_prop = xmllint(&["--xpath", "string(//property[@name='fail_on']/@value)", f]);
        assert_eq!(gate_prop.trim(), gate);
    }
}

#[test]
fn a_written_baseline_hides_every_finding_and_only_new_ones_fail() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let base_s = base.to_str().unwrap();
    let (code, _, stderr) = audit(APK, "json", &["--write-baseline", base_s]);
    assert_eq!(code, 0, "writing a baseline passes: {stderr}");
    assert!(
        stderr.contains("baseline of 21 findings written"),
        "{stderr}"
    );

    let (_, jtext, _) = audit(APK, "json", &[]);
    let report = json(&jtext, "");
    let (_, sarif, _) = audit(APK, "sarif", &[]);
    let sarif_fps = sarif_fingerprints(&json(&sarif, ""));
    let file = json(&std::fs::read_to_string(&base).unwrap(), "");
    assert_eq!(file["appaudit_baseline"], 1);
    assert_eq!(file["app"], APK);
    let base_fps: BTreeSet<&str> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        base_fps,
        sarif_fps.iter().map(String::as_str).collect(),
        "the baseline holds the SARIF fingerprints"
    );
    let total = report["findings"].as_array().unwrap().len();
    // 21 since getDeviceId is IMEI once (issue #12 §4): the MEID AA102/AA111 pair is gone.
    assert_eq!(total, 21, "the demo's 21 findings (see audit_demo.rs)");

    // With the baseline: nothing new, the gate passes, every format says what was hidden.
    let (code, jtext, stderr) = audit(APK, "json", &["--baseline", base_s]);
    assert_eq!(code, 0, "{stderr}");
    let r = json(&jtext, &stderr);
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["findings"].as_array().unwrap().len(), 0);
    assert_eq!(r["baseline"]["hidden"], total);
    assert_eq!(r["baseline"]["resolved"], 0);
    assert_eq!(r["summary"]["high"], 0);
    let said = format!("hid {total} findings");
    for format in ["terminal", "markdown", "html"] {
        let (code, text, _) = audit(APK, format, &["--baseline", base_s]);
        assert_eq!(code, 0);
        assert!(text.contains(&said), "{format} does not say {said}");
    }
    let (_, s, _) = audit(APK, "sarif", &["--baseline", base_s]);
    let s = json(&s, "");
    assert_eq!(s["runs"][0]["properties"]["baselineHidden"], total);
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 0);
    let (_, g, _) = audit(APK, "gitlab", &["--baseline", base_s]);
    let g = json(&g, "");
    let g = g.as_array().unwrap();
    assert_eq!(g.len(), 1);
    assert_eq!(g[0]["check_name"], "appaudit-baseline");
    assert_eq!(g[0]["severity"], "info");
    assert!(g[0]["description"].as_str().unwrap().contains(&said));
    let (_, x, _) = audit(APK, "junit", &["--baseline", base_s]);
    let xf = dir.path().join("b.xml");
    std::fs::write(&xf, x).unwrap();
    let hidden = xmllint(&[
        "--xpath",
        "string(//property[@name='baseline.hidden']/@value)",
        xf.to_str().unwrap(),
    ]);
    assert_eq!(hidden.trim(), total.to_string());

    // Drop one high finding from the baseline: exactly that one is new and fails the gate.
    let mut edited = file.clone();
    let entries = edited["findings"].as_array_mut().unwrap();
    let i = entries
        .iter()
        .position(|e| e["severity"] == "high")
        .unwrap();
    let removed = entries.remove(i);
    let smaller = dir.path().join("smaller.json");
    std::fs::write(&smaller, serde_json::to_string(&edited).unwrap()).unwrap();
    let (code, jtext, _) = audit(APK, "json", &["--baseline", smaller.to_str().unwrap()]);
    assert_eq!(code, 1);
    let r = json(&jtext, "");
    let left = r["findings"].as_array().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["rule"], removed["rule"]);
    assert_eq!(left[0]["message"], removed["message"]);
    assert_eq!(r["baseline"]["hidden"], total - 1);

    // An entry for a finding that is gone counts as resolved.
    let mut extra = file.clone();
    extra["findings"].as_array_mut().unwrap().push(serde_json::json!({
        "fingerprint": "0000000000000000", "rule": "AA101", "severity": "high", "message": "fixed"
    }));
    let bigger = dir.path().join("bigger.json");
    std::fs::write(&bigger, serde_json::to_string(&extra).unwrap()).unwrap();
    let (code, jtext, _) = audit(APK, "json", &["--baseline", bigger.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json(&jtext, "")["baseline"]["resolved"], 1);
}

#[test]
fn a_sarif_log_is_a_baseline_too_and_a_moved_app_still_matches() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("old.sarif");
    let (code, _, _) = audit(APK, "sarif", &["-o", sarif.to_str().unwrap()]);
    assert_eq!(code, 1);
    let (code, jtext, stderr) = audit(APK, "json", &["--baseline", sarif.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let r = json(&jtext, &stderr);
    assert_eq!(r["baseline"]["kind"], "sarif");
    assert_eq!(r["baseline"]["hidden"], 21);
    assert!(r["baseline"].get("app_path_differs").is_none());

    // Same app under another path (with a space, which SARIF percent-encodes).
    let moved = dir.path().join("moved app.apk");
    std::fs::copy(repo().join(APK), &moved).unwrap();
    let (code, jtext, stderr) = audit(
        moved.to_str().unwrap(),
        "json",
        &["--baseline", sarif.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let r = json(&jtext, &stderr);
    assert_eq!(r["baseline"]["hidden"], 21);
    assert_eq!(r["baseline"]["app_path_differs"], APK);
    assert!(
        r["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("fingerprints include the path")),
        "{}",
        r["notes"]
    );
}

#[test]
fn a_file_that_is_not_a_baseline_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("garbage.json", "PK\u{3}\u{4} not json", "is not JSON"),
        ("array.json", "[]", "is not a baseline"),
        (
            "config.json",
            "{\"fail_on\": \"high\"}",
            "is not a baseline",
        ),
        (
            "other.sarif",
            "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"CodeQL\"}}, \"results\": []}]}",
            "no run whose tool.driver.name is \"appaudit\"",
        ),
        (
            "future.json",
            "{\"appaudit_baseline\": 99}",
            "has version 99",
        ),
    ];
    for (name, content, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let (code, stdout, stderr) = audit(APK, "gitlab", &["--baseline", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: no report on bad input");
        assert!(stderr.contains(path.to_str().unwrap()), "{name}: {stderr}");
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
    let missing = dir.path().join("missing.json");
    let (code, _, stderr) = audit(APK, "json", &["--baseline", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read baseline") && stderr.contains("missing.json"));
}

// ---- the shared real bundles -------------------------------------------------------------

fn bundles() -> Vec<PathBuf> {
    let dir = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join("corpus/aab");
    assert!(dir.is_dir(), "bundles missing at {}", dir.display());
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "aab"))
        .collect();
    out.sort();
    assert_eq!(out.len(), 5, "the README lists five bundles");
    out
}

#[test]
fn gated_gitlab_report_with_a_baseline_on_every_real_bundle() {
    // The issue's "done when": audit app-release.aab --policy P --baseline base.json --format gitlab.
    for bundle in bundles() {
        let b = bundle.to_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.json");
        let (jcode, jtext, jerr) = audit(b, "json", &["--fail-on", "info"]);
        assert!(jcode == 0 || jcode == 1, "{b}: {jerr}");
        let report = json(&jtext, &jerr);
        assert_eq!(report["inventory"]["source"]["kind"], "aab", "{b}");
        let n = report["findings"].as_array().unwrap().len();

        let (code, text, stderr) = audit(b, "gitlab", &["--fail-on", "info"]);
        assert_eq!(code, jcode, "{b}");
        assert_eq!(json(&text, &stderr).as_array().unwrap().len(), n, "{b}");

        let (code, _, stderr) = audit(b, "json", &["--write-baseline", base.to_str().unwrap()]);
        assert_eq!(code, 0, "{b}: {stderr}");
        let (code, text, stderr) = audit(
            b,
            "gitlab",
            &["--fail-on", "info", "--baseline", base.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{b}: everything is in the baseline: {stderr}");
        let issues = json(&text, &stderr);
        let issues = issues.as_array().unwrap();
        assert_eq!(issues.len(), 1, "{b}: only the baseline note");
        assert!(
            issues[0]["description"]
                .as_str()
                .unwrap()
                .contains(&format!("hid {n} finding")),
            "{b}: {}",
            issues[0]
        );
    }
}

/// `protoc --decode` of a bundle's base manifest → its `uses-permission` names.
fn protoc_permissions(bundle: &Path) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-q",
            "-o",
            bundle.to_str().unwrap(),
            "base/manifest/AndroidManifest.xml",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let out = Command::new("protoc")
        .arg(format!(
            "--proto_path={}",
            repo().join("tests/aab").display()
        ))
        .arg("--decode=aapt.pb.XmlNode")
        .arg("aapt2-xml.proto")
        .stdin(std::fs::File::open(dir.path().join("base/manifest/AndroidManifest.xml")).unwrap())
        .stderr(Stdio::piped())
        .output()
        .expect("protoc (protobuf-compiler) is needed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // Text format, one field or brace per line. Track, per open message, the element name
    // (`name:` directly in an `element {`) and collect `attribute { name: "name" value: … }`
    // of `uses-permission` elements that are children of the root.
    let mut stack: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut perms = BTreeSet::new();
    let mut element_names: Vec<Option<String>> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(name) = line.strip_suffix(" {") {
            stack.push((name.to_owned(), BTreeMap::new()));
            element_names.push(None);
        } else if line == "}" {
            let (kind, fields) = stack.pop().unwrap();
            element_names.pop();
            if kind == "attribute" && fields.get("name").map(String::as_str) == Some("name") {
                // The enclosing message is the element this attribute belongs to.
                let owner = element_names.last().cloned().flatten();
                if matches!(
                    owner.as_deref(),
                    Some("uses-permission" | "uses-permission-sdk-23")
                ) && let Some(v) = fields.get("value")
                {
                    perms.insert(v.clone());
                }
            }
        } else if let Some((k, v)) = line.split_once(": ") {
            let v = v.trim_matches('"').to_owned();
            if let Some((kind, fields)) = stack.last_mut() {
                if kind == "element"
                    && k == "name"
                    && let Some(slot) = element_names.last_mut()
                {
                    *slot = Some(v.clone());
                }
                fields.insert(k.to_owned(), v);
            }
        }
    }
    perms
}

#[test]
fn diff_works_on_bundles_and_matches_their_manifests() {
    let all = bundles();
    let perms: Vec<BTreeSet<String>> = all.iter().map(|b| protoc_permissions(b)).collect();
    assert!(perms.iter().all(|p| !p.is_empty()));
    for (i, j) in [(0usize, 1usize), (1, 2), (2, 3), (3, 4), (4, 0)] {
        let (old, new) = (&all[i], &all[j]);
        let (code, text, stderr) = run(&[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let d = json(&text, &stderr);
        let set = |k: &str| -> BTreeSet<String> {
            d["permissions"][k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        let added: BTreeSet<String> = perms[j].difference(&perms[i]).cloned().collect();
        let removed: BTreeSet<String> = perms[i].difference(&perms[j]).cloned().collect();
        assert_eq!(set("added"), added, "{} → {}", old.display(), new.display());
        assert_eq!(
            set("removed"),
            removed,
            "{} → {}",
            old.display(),
            new.display()
        );
    }
    // A bundle against itself: no change.
    let b = all[0].to_str().unwrap();
    let (code, text, _) = run(&["diff", b, b]);
    assert_eq!(code, 0);
    assert!(
        text.contains("No SDK, permission or data-type changes."),
        "{text}"
    );
}
