//! Snapshot tests of the `scan` reporters (text, JSON, JSON Lines) on the demo APK.
//!
//! What the values mean is checked against aapt/dexdump/readelf in
//! `scan_android.rs`; these snapshots pin the presentation.

mod common;

use common::*;

fn run(format: &str) -> String {
    let apk = repo().join("samples/appaudit-demo.apk");
    let (code, stdout, stderr) = appaudit(&["scan", apk.to_str().unwrap(), "--format", format]);
    assert_eq!(code, 0, "{stderr}");
    // The path is the only thing that depends on where the repository is.
    stdout.replace(apk.to_str().unwrap(), "[DEMO_APK]")
}

#[test]
fn scan_text_report() {
    insta::assert_snapshot!(run("text"));
}

#[test]
fn scan_json_report() {
    let value: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    insta::assert_json_snapshot!(value, {".source.size" => "[SIZE]", ".stats.inflated_bytes" => "[BYTES]"});
}

#[test]
fn scan_jsonl_is_one_compact_object_per_line() {
    let out = run("jsonl");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let json: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let pretty: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json, pretty);
}
