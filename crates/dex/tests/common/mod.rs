//! Shared helpers for the corpus tests: locating the corpus, pulling DEX and class files
//! out of archives, and running the independent oracles (`dexdump`, `javap`).
#![allow(dead_code)] // each test binary uses a subset

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn skip_corpus() -> bool {
    std::env::var_os("APPAUDIT_SKIP_CORPUS").is_some_and(|v| v == "1")
}

/// The corpus directory, or `None` when `APPAUDIT_SKIP_CORPUS=1`. Panics with a clear
/// message when the corpus is missing and skipping was not requested.
pub fn corpus() -> Option<PathBuf> {
    if skip_corpus() {
        eprintln!("APPAUDIT_SKIP_CORPUS=1: skipping corpus test");
        return None;
    }
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/appaudit-corpus")
        });
    assert!(
        dir.join("appium-uiautomator2-server@10.6.6").is_dir(),
        "corpus not found at {} (fetch it with /work/shared/corpus/fetch.sh, point APPAUDIT_CORPUS at it, \
         or set APPAUDIT_SKIP_CORPUS=1 to skip corpus tests)",
        dir.display()
    );
    Some(dir)
}

/// Checks that an oracle tool is installed; panics with a clear message if not.
pub fn require_tool(tool: &str) {
    let found = Command::new(tool).arg("-h").output().is_ok();
    assert!(
        found,
        "`{tool}` is needed as an independent oracle for this test (Debian: apt-get install dexdump / openjdk-17-jdk-headless), or set APPAUDIT_SKIP_CORPUS=1"
    );
}

/// Entries of a zip archive whose names satisfy `keep`, as (name, bytes), in archive order.
pub fn zip_entries(path: &Path, keep: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut archive =
        zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("read zip {}: {e}", path.display()));
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("zip entry");
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if keep(&name) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("inflate entry");
            out.push((name, bytes));
        }
    }
    out
}

pub fn dex_entries(apk: &Path) -> Vec<(String, Vec<u8>)> {
    zip_entries(apk, |n| n.starts_with("classes") && n.ends_with(".dex"))
}

/// Runs `tool args...` and returns stdout as (lossy) text.
pub fn run(tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
