//! Shared helpers for the integration tests: where the corpus is, independent oracles (LLVM's
//! Mach-O tools, python's plistlib), and the sample IPA built by `scripts/build-ios-samples.sh`.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real-input corpus, or `None` when `APPAUDIT_SKIP_CORPUS=1` and it is missing.
/// Panics with instructions when it is missing otherwise.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/appaudit-corpus")
        });
    if dir.join("cordova-plugin-jcore@1.4.4").is_dir() {
        return Some(dir);
    }
    if std::env::var("APPAUDIT_SKIP_CORPUS").as_deref() == Ok("1") {
        eprintln!(
            "SKIPPED: corpus missing at {} and APPAUDIT_SKIP_CORPUS=1",
            dir.display()
        );
        return None;
    }
    panic!(
        "real-input corpus missing at {}: run /work/shared/corpus/fetch.sh (or set APPAUDIT_CORPUS), \
         or set APPAUDIT_SKIP_CORPUS=1 to skip these tests",
        dir.display()
    );
}

/// Runs an oracle tool and returns its stdout; panics when the tool is missing or fails.
pub fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (apt-get install -y llvm): {e}"));
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Symbol names printed by `llvm-nm -j` (member headers and blank lines dropped).
pub fn nm(flags: &[&str], file: &Path) -> BTreeSet<String> {
    let mut args = vec!["-j", "--arch=all"];
    args.extend_from_slice(flags);
    let file = file.to_str().unwrap();
    args.push(file);
    run("llvm-nm", &args)
        .lines()
        .filter(|l| !l.is_empty() && !l.ends_with(':'))
        .map(str::to_owned)
        .collect()
}

/// `X` for every `_OBJC_CLASS_$_X` in `symbols`.
pub fn objc_classes(symbols: &BTreeSet<String>) -> BTreeSet<String> {
    symbols
        .iter()
        .filter_map(|s| s.strip_prefix("_OBJC_CLASS_$_"))
        .map(str::to_owned)
        .collect()
}

/// The C strings of a `__TEXT` section as `llvm-otool -v -s` prints them.
pub fn otool_strings(section: &str, file: &Path) -> BTreeSet<String> {
    run(
        "llvm-otool-14",
        &["-v", "-s", "__TEXT", section, file.to_str().unwrap()],
    )
    .lines()
    .filter_map(|l| {
        let (addr, rest) = l.split_once("  ")?;
        (!addr.is_empty() && addr.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| rest.replace("\\\"", "\"").replace("\\\\", "\\"))
    })
    .filter(|s| !s.is_empty())
    // otool escapes control and non-ASCII bytes as octal (`\\001`): not names.
    .filter(|s| {
        !s.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\\' && w[1].is_ascii_digit())
    })
    .collect()
}

/// Libraries `llvm-objdump --macho --dylibs-used` lists (without the version suffix).
pub fn dylibs_used(file: &Path) -> BTreeSet<String> {
    run(
        "llvm-objdump",
        &["--macho", "--dylibs-used", file.to_str().unwrap()],
    )
    .lines()
    .filter_map(|l| l.strip_prefix('\t'))
    .map(|l| l.split(" (compatibility").next().unwrap_or(l).to_owned())
    .collect()
}

/// A plist decoded by python's plistlib, as JSON.
pub fn plistlib(file: &Path) -> serde_json::Value {
    let script = "import json,plistlib,sys\n\
        print(json.dumps(plistlib.load(open(sys.argv[1],'rb')), default=str))";
    serde_json::from_str(&run("python3", &["-c", script, file.to_str().unwrap()])).unwrap()
}

pub fn set<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> BTreeSet<String> {
    items.into_iter().map(Into::into).collect()
}

/// The sample app built from the corpus by `scripts/build-ios-samples.sh`: builds it when
/// missing. `None` only when clang/lld are absent and `APPAUDIT_SKIP_CORPUS=1`.
pub fn samples() -> Option<PathBuf> {
    // Tests of one binary run in parallel: build once.
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let corpus = corpus()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("target/ios-samples");
    if out.join("Demo.ipa").is_file() && out.join("Payload/Demo.app/Demo").is_file() {
        return Some(out);
    }
    let have_tools = Command::new("clang").arg("--version").output().is_ok();
    if !have_tools && std::env::var("APPAUDIT_SKIP_CORPUS").as_deref() == Ok("1") {
        eprintln!("SKIPPED: clang/lld missing and APPAUDIT_SKIP_CORPUS=1");
        return None;
    }
    let status = Command::new("bash")
        .arg(root.join("scripts/build-ios-samples.sh"))
        .arg(&out)
        .env("APPAUDIT_CORPUS", corpus)
        .status()
        .expect("cannot run scripts/build-ios-samples.sh");
    assert!(
        status.success(),
        "scripts/build-ios-samples.sh failed (needs clang and lld)"
    );
    Some(out)
}

/// (defined, undefined) symbol names from `llvm-objdump --macho --syms --arch=all`.
/// (`llvm-nm` 14 omits some undefined symbols of object files, e.g. ARC's `_objc_release`.)
pub fn objdump_syms(file: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let out = run(
        "llvm-objdump",
        &["--macho", "--syms", "--arch=all", file.to_str().unwrap()],
    );
    let mut defined = BTreeSet::new();
    let mut undefined = BTreeSet::new();
    for line in out.lines() {
        let Some((addr, _)) = line.split_once(' ') else {
            continue;
        };
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        if let Some((flags, name)) = line.split_once("*UND* ") {
            // `d` marks debugging (stab) entries, which are not symbols.
            if !flags.split_whitespace().skip(1).any(|f| f == "d") {
                undefined.insert(name.trim().to_owned());
            }
        } else if let Some(name) = line.split_whitespace().last() {
            defined.insert(name.to_owned());
        }
    }
    (defined, undefined)
}

/// Items in one set and not the other, for short assertion messages.
pub fn diff(ours: &BTreeSet<String>, theirs: &BTreeSet<String>) -> String {
    let only_ours: Vec<_> = ours.difference(theirs).take(20).collect();
    let only_theirs: Vec<_> = theirs.difference(ours).take(20).collect();
    format!("only ours: {only_ours:?}; only the oracle's: {only_theirs:?}")
}

/// Selector names `llvm-otool -v` resolves from `__DATA,__objc_selrefs`.
pub fn otool_selrefs(file: &Path) -> BTreeSet<String> {
    run(
        "llvm-otool-14",
        &[
            "-v",
            "-s",
            "__DATA",
            "__objc_selrefs",
            file.to_str().unwrap(),
        ],
    )
    .lines()
    .filter_map(|l| {
        l.split_once("__TEXT:__cstring:")
            .map(|(_, name)| name.to_owned())
    })
    .collect()
}
