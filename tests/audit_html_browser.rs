//! The HTML report in a real headless browser (Debian's `chromium`): it loads from a file with
//! the network off, and every finding and the who-reads-what matrix are in the rendered DOM.
//! Needs `chromium` (`apt-get install -y chromium`); set `APPAUDIT_SKIP_BROWSER=1` to skip knowingly.

mod common;

use std::process::Command;

use common::*;

fn chromium() -> Option<&'static str> {
    for candidate in ["chromium", "chromium-browser"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(candidate);
        }
    }
    if std::env::var("APPAUDIT_SKIP_BROWSER").as_deref() == Ok("1") {
        return None;
    }
    panic!(
        "chromium is not installed: `apt-get install -y chromium` (or set APPAUDIT_SKIP_BROWSER=1)"
    );
}

#[test]
fn html_report_renders_every_finding_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let json = dir.path().join("report.json");
    let apk = "samples/appaudit-demo.apk";
    let policy = "samples/appaudit-demo-privacy.txt";
    for (format, out) in [("html", &html), ("json", &json)] {
        let (code, _, stderr) = appaudit(&[
            "audit",
            apk,
            "--policy",
            policy,
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{stderr}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && dom.contains("</html>"),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    // One rendered section per finding, in order, with its rule id.
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for (i, f) in findings.iter().enumerate() {
        let rule = f["rule"].as_str().unwrap();
        let section = format!("id=\"finding-{}\" data-rule=\"{rule}\"", i + 1);
        assert!(
            dom.contains(&section),
            "finding {} ({rule}) not rendered",
            i + 1
        );
    }
    assert!(!dom.contains(&format!("id=\"finding-{}\"", findings.len() + 1)));
    // Both sides of the evidence for the contradiction, as the policy wrote it.
    assert!(dom.contains("<q>We do not collect your contacts.</q>"));
    assert!(dom.contains("In the app") && dom.contains("In the policy"));
    // The matrix: one row per classified data type, a column for the app and each reading SDK.
    let rows = dom.matches("<tr><td>").count();
    assert_eq!(rows, report["disclosures"].as_array().unwrap().len());
    assert!(dom.contains("<th>umeng-common</th>") && dom.contains("<th>app</th>"));
    assert!(dom.contains("id=\"verdict\">FAIL<"));
    // Self-contained: nothing to fetch.
    let source = std::fs::read_to_string(&html).unwrap();
    for needle in ["<script", "<link", "src=", "http://", "https://", "url("] {
        assert!(
            !source.contains(needle),
            "external or active content: {needle}"
        );
    }
}
