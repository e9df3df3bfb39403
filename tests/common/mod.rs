//! Helpers shared by the end-to-end tests: where the corpus is, how to run the
//! binary, and how to ask the independent tools (aapt, dexdump, readelf, unzip).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The real-input corpus (fetched by `scripts/fetch-corpus.sh`).
///
/// Tests need it: a missing corpus fails loudly, unless `APPAUDIT_SKIP_CORPUS=1`
/// says the run knowingly has none (then the caller skips).
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/appaudit-corpus"))
        })
        .expect("APPAUDIT_CORPUS or HOME must be set");
    if dir.join("io.appium.settings@8.0.10").is_dir() {
        return Some(dir);
    }
    if std::env::var("APPAUDIT_SKIP_CORPUS").as_deref() == Ok("1") {
        return None;
    }
    panic!(
        "the real-input corpus is missing at {}: run scripts/fetch-corpus.sh (or set APPAUDIT_SKIP_CORPUS=1)",
        dir.display()
    );
}

/// A file inside the corpus.
pub fn corpus_file(rel: &str) -> Option<PathBuf> {
    let path = corpus()?.join(rel);
    assert!(path.is_file(), "corpus file missing: {}", path.display());
    Some(path)
}

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `appaudit` with `args`; returns (exit code, stdout, stderr).
pub fn appaudit(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args(args)
        .output()
        .expect("run appaudit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `appaudit scan PATH --format json`, parsed.
pub fn scan_json(path: &Path) -> serde_json::Value {
    let (code, stdout, stderr) = appaudit(&[
        "scan",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "scan {} failed: {stderr}", path.display());
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("scan output is not JSON ({e}): {stdout}"))
}

/// Runs an external tool and returns its stdout; panics with its stderr if it fails.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Permission names `aapt dump permissions` lists for an APK.
pub fn aapt_permissions(apk: &Path) -> Vec<String> {
    let text = tool(
        "aapt",
        &["dump", "permissions", apk.to_str().expect("utf-8 path")],
    );
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("uses-permission: name='")
                .or_else(|| l.strip_prefix("uses-permission-sdk-23: name='"))
        })
        .filter_map(|rest| rest.split('\'').next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Class descriptors `dexdump` lists for a DEX or APK.
pub fn dexdump_classes(path: &Path) -> Vec<String> {
    let text = tool("dexdump", &[path.to_str().expect("utf-8 path")]);
    let mut classes: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Class descriptor  : '"))
        .filter_map(|rest| rest.strip_suffix('\''))
        .map(str::to_owned)
        .collect();
    classes.sort();
    classes
}

/// Sorted strings of a JSON array of objects' `key` field.
pub fn field_list(value: &serde_json::Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.get(key)?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The SDK ids of an inventory.
pub fn sdk_ids(inventory: &serde_json::Value) -> Vec<String> {
    field_list(&inventory["sdks"], "id")
}

/// `target/ios-samples` (the Demo app and IPA of the iOS tests), built by
/// `scripts/build-ios-samples.sh` when missing. Needs the corpus: `None` only when
/// `APPAUDIT_SKIP_CORPUS=1` says the run has none.
pub fn ios_samples() -> Option<PathBuf> {
    corpus()?;
    // Tests run on several threads: one builds, the others wait for it rather
    // than writing into the same directory at once (a race CI caught).
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = BUILD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = repo().join("target/ios-samples");
    if !out.join("Demo.ipa").is_file() || !out.join("Payload/Demo.app/Demo").is_file() {
        let status = Command::new("bash")
            .arg(repo().join("scripts/build-ios-samples.sh"))
            .arg(&out)
            .status()
            .expect("run scripts/build-ios-samples.sh");
        assert!(
            status.success(),
            "scripts/build-ios-samples.sh failed (needs clang, lld, python3)"
        );
    }
    Some(out)
}
