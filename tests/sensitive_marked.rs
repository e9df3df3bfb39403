//! AA217 `sensitive-pi-not-marked` (CN-P06) on real policies of `../shared/policies`. Each
//! expectation comes from the policy file itself (the line is quoted, as `grep -n` shows it),
//! not from appaudit's output. The app is the demo APK: the rule is about the policy alone.

mod common;

use std::path::PathBuf;

use common::*;

fn shared(rel: &str) -> PathBuf {
    let path = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join(rel);
    assert!(path.is_file(), "missing: {}", path.display());
    path
}

/// The AA217 findings of the demo app against `policy`: (data type, evidence lines, quotes).
fn unmarked(policy: &std::path::Path) -> Vec<(String, Vec<u64>, Vec<String>)> {
    let apk = repo().join("samples/appaudit-demo.apk");
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        apk.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--profile",
        "cn",
        "--format",
        "json",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AA217")
        .map(|f| {
            let evidence = f["policy_evidence"].as_array().unwrap();
            (
                f["data_type"].as_str().unwrap().to_owned(),
                evidence.iter().filter_map(|e| e["line"].as_u64()).collect(),
                evidence
                    .iter()
                    .filter_map(|e| e["quote"].as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn call_records_outside_the_bold_text_are_reported() {
    // jiamai_hope_privacy_children.md, the only line naming 通话记录 (`grep -n 通话记录`):
    // 101:**为便于与儿童联系、尽快帮助其解决问题或记录相关问题的处理方案及结果**，我们可能会保存儿童与我们的通信/通话记录及相关内容（…
    // The bold run closes before "通信/通话记录".
    let found = unmarked(&shared("policies/zh/jiamai_hope_privacy_children.md"));
    let call_log = found
        .iter()
        .find(|(t, _, _)| t == "call_log")
        .expect("call_log is reported");
    assert_eq!(call_log.1, [101]);
    assert!(call_log.2[0].contains("通话记录"), "{:?}", call_log.2);
}

#[test]
fn biometrics_in_bold_are_not_reported() {
    // bilibili_privacy_2021-10-08.md (`grep -n 生物识别`), the bold run holds the type:
    // 126:a) 您可以选择人脸识别方式完成实名认证程序，**为了完成实名认证服务，我们将依据相关法律法规获取您的个人身份信息、个人生物识别信息，包括如下：姓名、身份证件号码（个人敏感信息）、面部识别特征（个人敏感信息）。**
    let found = unmarked(&shared("policies/zh/bilibili_privacy_2021-10-08.md"));
    assert!(
        !found.iter().any(|(t, _, _)| t == "biometrics"),
        "{found:?}"
    );
}

#[test]
fn plain_text_policies_are_not_judged() {
    // samples/appaudit-demo-privacy.txt declares a sensitive type in plain text, which cannot
    // show emphasis: line 10 "precise location, which is used to show nearby places."
    let text = std::fs::read_to_string(repo().join("samples/appaudit-demo-privacy.txt")).unwrap();
    assert!(text.lines().nth(9).unwrap().contains("precise location"));
    assert_eq!(
        unmarked(&repo().join("samples/appaudit-demo-privacy.txt")),
        []
    );
}

#[test]
fn the_policy_json_lists_the_bold_text_of_a_markdown_policy() {
    // bilibili_privacy_2021-10-08.md line 126 (quoted above) has one bold run, from
    // "为了完成实名认证服务" to the end of the line.
    let policy = shared("policies/zh/bilibili_privacy_2021-10-08.md");
    let (code, stdout, stderr) =
        appaudit(&["policy", policy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let reading: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let on_126: Vec<&str> = reading["emphasis"]
        .as_array()
        .expect("a Markdown policy can show emphasis")
        .iter()
        .filter(|s| s["line"] == 126)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(on_126.len(), 1, "{on_126:?}");
    assert!(on_126[0].starts_with("为了完成实名认证服务"), "{on_126:?}");
    assert!(
        on_126[0].ends_with("面部识别特征（个人敏感信息）。"),
        "{on_126:?}"
    );
    // A plain-text policy has no `emphasis` at all.
    let (_, stdout, _) = appaudit(&[
        "policy",
        repo()
            .join("samples/appaudit-demo-privacy.txt")
            .to_str()
            .unwrap(),
        "--format",
        "json",
    ]);
    let reading: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(reading.get("emphasis").is_none());
}
