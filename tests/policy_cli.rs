//! End-to-end: `appaudit policy` on real and sample policies.

mod common;

use common::*;

fn policy_json(path: &std::path::Path) -> serde_json::Value {
    let (code, stdout, stderr) = appaudit(&["policy", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn shared_policy(name: &str) -> std::path::PathBuf {
    repo().join("../shared/policies").join(name)
}

/// Every quote is on the line it claims, in the file as a person opens it.
fn assert_quotes_on_their_lines(path: &std::path::Path, reading: &serde_json::Value) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for list in ["data_types", "sdks", "permissions"] {
        for item in reading[list].as_array().unwrap() {
            let line = item["line"].as_u64().unwrap() as usize;
            let quote = item["quote"].as_str().unwrap();
            let on_line = lines.get(line - 1).copied().unwrap_or("");
            assert!(
                on_line.contains(quote.trim()),
                "{list}: {quote:?} is not on line {line}: {on_line:?}"
            );
        }
    }
}

#[test]
fn sloppy_sdk_names_in_a_real_policy_are_matched_with_their_confidence() {
    // 002 lists "Jigaung Push" (sic), "Umen statistics" (sic), Tencent Bugly, Amap,
    // "Google map" in its SDK section (read the file: lines 190–246).
    let path = shared_policy("002_15b5bc9b73d89d32.txt");
    let reading = policy_json(&path);
    let sdk = |id: &str| {
        reading["sdks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sdk_id"] == id)
            .unwrap_or_else(|| panic!("{id}: {}", reading["sdks"]))
    };
    assert_eq!(sdk("jpush")["name_in_text"], "Jigaung Push");
    assert!(sdk("jpush")["confidence"].as_f64().unwrap() < 1.0);
    assert_eq!(sdk("umeng-common")["name_in_text"], "Umen");
    assert_eq!(sdk("tencent-bugly")["confidence"], 1.0);
    sdk("amap");
    sdk("google-maps");
    assert_quotes_on_their_lines(&path, &reading);
}

#[test]
fn regression_fuzzy_names_need_sdk_context() {
    // Caught on 002: capitalised words in running text ("Android", "Shared",
    // "HTTPS", "Posting") were fuzzy-matched to androidx, ShareSDK, HTTPDNS, PostHog.
    let reading = policy_json(&shared_policy("002_15b5bc9b73d89d32.txt"));
    let ids: Vec<&str> = reading["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["sdk_id"].as_str())
        .collect();
    for wrong in ["androidx", "mob-sharesdk", "aliyun-httpdns", "posthog"] {
        assert!(!ids.contains(&wrong), "{wrong} in {ids:?}");
    }
}

#[test]
fn demo_policy_denies_contacts_and_declares_location() {
    let path = repo().join("samples/appaudit-demo-privacy.txt");
    let reading = policy_json(&path);
    let types = reading["data_types"].as_array().unwrap();
    // "We do not collect your contacts." (line 12)
    let contacts: Vec<_> = types.iter().filter(|t| t["id"] == "contacts").collect();
    assert!(
        !contacts.is_empty() && contacts.iter().all(|t| t["negated"] == true),
        "{contacts:?}"
    );
    assert!(
        types
            .iter()
            .any(|t| t["id"] == "precise_location" && t["negated"] == false)
    );
    // The JPush row lists IMEI and the installed application list.
    assert!(
        types
            .iter()
            .any(|t| t["id"] == "imei" && t["collector"] == "jpush")
    );
    assert!(
        types
            .iter()
            .any(|t| t["id"] == "installed_apps" && t["collector"] == "jpush")
    );
    assert_quotes_on_their_lines(&path, &reading);
}

#[test]
fn pdf_policy_is_read_in_a_child_process() {
    let reading = policy_json(&repo().join("tests/policies/samples/en_pdf_policy.pdf"));
    assert_eq!(reading["format"], "pdf");
    assert!(
        reading["data_types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "precise_location")
    );
}

#[test]
fn broken_pdf_is_a_clear_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("broken.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF").unwrap();
    let (code, stdout, stderr) = appaudit(&["policy", pdf.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("broken.pdf") && stderr.contains("PDF"),
        "{stderr}"
    );
}

#[test]
fn chinese_html_policy_names_umeng() {
    let reading = policy_json(&shared_policy("zh/umeng_plus_privacy.html"));
    assert_eq!(reading["language"], "zh");
    assert!(reading["sdks"].as_array().unwrap().iter().any(|s| {
        s["sdk_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("umeng"))
    }));
}

/// Regression (issue #11): random bytes or an empty file given as the policy were decoded as
/// windows-1252 and audited into "13 high" findings. Now nothing is audited: exit 2 and a
/// message naming the file and why.
#[test]
fn regression_input_that_is_not_a_policy_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let random = dir.path().join("policy.txt");
    // A fixed pseudo-random sequence (xorshift): binary data, not text.
    let mut x: u32 = 0x2545_f491;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&random, bytes).unwrap();
    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "").unwrap();
    let app = repo().join("samples/appaudit-demo.apk");
    for (path, why) in [(&random, "binary data"), (&empty, "empty")] {
        let (code, stdout, stderr) = appaudit(&[
            "audit",
            app.to_str().unwrap(),
            "--policy",
            path.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty(), "nothing is audited: {stdout}");
        assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
        assert!(
            stderr.contains("not a privacy policy") && stderr.contains(why),
            "{stderr}"
        );
    }
}

/// Text as a reader sees it: without tags, Markdown emphasis and whitespace.
fn visible_text(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag || c.is_whitespace() || c == '*' || c == '`' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A Chinese app publishes its SDK list apart from its policy: both are read as one policy,
/// and each quote names the file it is in, at the line a person sees there.
#[test]
fn a_policy_and_its_separate_sdk_list_are_audited_together() {
    let main = shared_policy("zh/jiamai_hope_privacy_personal.md");
    let list = shared_policy("zh/jiamai_hope_sdk_list.md");
    let app = repo().join("samples/appaudit-demo.apk");
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        main.to_str().unwrap(),
        "--policy",
        list.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(code <= 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // JPush is declared in the SDK list only (its row: "极光推送SDK").
    let jpush = report["policy"]["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sdk_id"] == "jpush")
        .expect("JPush declared by the SDK list");
    assert!(
        jpush["line"].as_u64().unwrap() > 700,
        "numbered after the policy's 700 lines"
    );
    let texts: Vec<(String, Vec<String>)> = [&main, &list]
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            (
                p.display().to_string(),
                text.lines().map(str::to_owned).collect(),
            )
        })
        .collect();
    let mut cited = std::collections::BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        for e in f["policy_evidence"].as_array().unwrap() {
            let (Some(doc), Some(line), Some(quote)) = (
                e["document"].as_str(),
                e["line"].as_u64(),
                e["quote"].as_str(),
            ) else {
                continue;
            };
            let (_, lines) = texts
                .iter()
                .find(|(name, _)| name == doc)
                .expect("a given file");
            // Markdown emphasis and inline HTML are markup, not text: the reader numbers the
            // lines of the text it shows (an HTML table row is one line), so check that the
            // quote is in the file it names, and near the line for plain Markdown.
            let plain = |s: &str| visible_text(s);
            let whole = plain(&lines.join("\n"));
            // A table row is quoted with its cells joined by " | ": each cell is in the file.
            for cell in quote.split('|').map(str::trim).filter(|c| !c.is_empty()) {
                assert!(
                    whole.contains(&plain(cell)),
                    "{doc}:{line}: {cell:?} not in the file"
                );
            }
            assert!(
                line as usize <= lines.len(),
                "{doc}:{line}: beyond the file's end"
            );
            cited.insert(doc.to_owned());
        }
    }
    assert_eq!(cited.len(), 2, "findings quote both files: {cited:?}");
}
