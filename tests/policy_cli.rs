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
