//! End-to-end: `appaudit signatures` shows the database and validates a user's directory.

mod common;

use common::*;

#[test]
fn stats_json_counts_what_the_database_files_hold() {
    let (code, stdout, stderr) = appaudit(&["signatures", "stats", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let stats: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    // Count `[[sdk]]` tables in the files with a plain text scan, independently of the loader.
    let mut tables = 0;
    for dir in ["sdk-signatures", "sdk-signatures/imported"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                tables += text.lines().filter(|l| l.trim() == "[[sdk]]").count();
            }
        }
    }
    assert_eq!(stats["entries"].as_u64(), Some(tables as u64));
    let by_market: u64 = stats["by_market"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let by_category: u64 = stats["by_category"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_market, tables as u64);
    assert_eq!(by_category, tables as u64);
    assert!(stats["rules"].as_u64().unwrap() > stats["entries"].as_u64().unwrap());
}

#[test]
fn show_prints_an_entry_with_its_rules_and_sources() {
    let (code, stdout, stderr) = appaudit(&["signatures", "show", "jpush"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("cn.jpush.android"), "{stdout}");
    assert!(
        stdout.contains("corpus:jpush-phonegap-plugin@3.8.6"),
        "{stdout}"
    );
    let (code, _, stderr) = appaudit(&["signatures", "show", "no-such-sdk"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no SDK with id `no-such-sdk`"), "{stderr}");
}

#[test]
fn list_filters_by_market_and_category() {
    let (code, stdout, _) =
        appaudit(&["signatures", "list", "--market", "cn", "--category", "push"]);
    assert_eq!(code, 0);
    assert!(stdout.lines().any(|l| l.starts_with("jpush ")), "{stdout}");
    assert!(
        stdout
            .lines()
            .all(|l| l.contains(" cn ") && l.contains(" push ")),
        "{stdout}"
    );
}

#[test]
fn check_names_the_file_line_and_key_of_a_broken_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "# my SDKs\n\n[[sdk]]\nid = \"my-sdk\"\nname = \"Mine\"\nvendr = \"typo\"\n",
    )
    .unwrap();
    let (code, _, stderr) = appaudit(&["signatures", "check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("mine.toml:4"),
        "names the file and the entry's line: {stderr}"
    );
    assert!(stderr.contains("vendr"), "names the key: {stderr}");

    std::fs::write(
        dir.path().join("mine.toml"),
        "[[sdk]]\nid = \"my-sdk\"\nname = \"Mine\"\nvendor = \"Me\"\nmarket = \"global\"\ncategory = \"analytics\"\nplatforms = [\"android\"]\nsource = \"me\"\n[sdk.rules]\njava_packages = [\"com.example.mine\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = appaudit(&["signatures", "check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 entries, 1 rules, valid"), "{stdout}");
}
