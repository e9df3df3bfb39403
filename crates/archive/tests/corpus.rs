//! Opens every APK/JAR/AAR/ZIP in the real corpus and checks the entry list against
//! `unzip -Zl` (Info-ZIP's zipinfo), then reads every entry and checks its CRC-32 (the CRC was
//! written by the tool that built the archive, so it is an independent check of the bytes).

use std::path::{Path, PathBuf};
use std::process::Command;

use appaudit_archive::{Archive, Backend, Limits};

/// The corpus directory, or `None` when the caller opted out with `APPAUDIT_SKIP_CORPUS=1`.
fn corpus_dir() -> Option<PathBuf> {
    if std::env::var_os("APPAUDIT_SKIP_CORPUS").is_some_and(|v| v == "1") {
        return None;
    }
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/appaudit-corpus")))
        .expect("neither APPAUDIT_CORPUS nor HOME is set");
    assert!(
        dir.is_dir(),
        "corpus directory {} is missing: fetch the corpus (see /work/shared/corpus/README.md), \
         point APPAUDIT_CORPUS at it, or set APPAUDIT_SKIP_CORPUS=1 to skip",
        dir.display()
    );
    Some(dir)
}

fn archives_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        // `npm-ios/` holds unpacked npm packages fetched for their iOS sources
        // (scripts/fetch-ios-sources.sh), not corpus archives: a package may ship a file
        // named `.jar` that is a web page (bugsnag's `-sources.jar` download stub).
        if path.is_dir() && path.file_name().is_some_and(|n| n == "npm-ios") {
            continue;
        }
        if path.is_dir() {
            archives_under(&path, found);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["apk", "jar", "aar", "zip", "ipa", "xapk"].contains(&e))
        {
            found.push(path);
        }
    }
}

/// One line of `unzip -Zl`: perms, version, os, size, text/extra flags, compressed size,
/// method, date, time, name (the name is the rest of the line and may contain spaces).
#[derive(Debug, PartialEq)]
struct Listed {
    name: String,
    uncompressed_size: u64,
    compressed_size: u64,
    method: Option<u16>,
}

fn zipinfo(path: &Path) -> Vec<Listed> {
    let output = Command::new("unzip")
        .arg("-Zl")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("running `unzip -Zl` (install Info-ZIP unzip): {e}"));
    assert!(
        output.status.success(),
        "unzip -Zl {} failed",
        path.display()
    );
    let text = String::from_utf8(output.stdout).expect("zipinfo output is UTF-8");
    let mut listed = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        let mut fields = Vec::new();
        for _ in 0..9 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        // Entry lines start with a permission string such as `-rw-r--r--`, `-rw----` (FAT)
        // or `drwxr-xr-x`; header and summary lines do not have numbers in these columns.
        let is_entry = fields[0].starts_with(['-', 'd', 'l'])
            && fields[3].parse::<u64>().is_ok()
            && fields[5].parse::<u64>().is_ok();
        if !is_entry {
            continue;
        }
        let method = match fields[6] {
            "stor" => Some(0),
            m if m.starts_with("def") => Some(8),
            _ => None,
        };
        listed.push(Listed {
            name: rest.strip_prefix(' ').unwrap_or(rest).to_string(),
            uncompressed_size: fields[3].parse().expect("size"),
            compressed_size: fields[5].parse().expect("csize"),
            method,
        });
    }
    listed
}

fn check_archive(path: &Path) -> usize {
    let data = std::fs::read(path).expect("read archive");
    let archive = Archive::open(&data, Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ours: Vec<Listed> = archive
        .entries()
        .iter()
        .map(|e| Listed {
            name: e.name.clone(),
            uncompressed_size: e.uncompressed_size,
            compressed_size: e.compressed_size,
            method: Some(e.method),
        })
        .collect();
    let theirs = zipinfo(path);
    assert_eq!(ours.len(), theirs.len(), "{}: entry count", path.display());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a, b, "{}", path.display());
    }
    // Untampered archives must go through the zip crate, not the fallback.
    assert_eq!(archive.backend(), &Backend::ZipCrate, "{}", path.display());
    assert!(
        archive.anomalies().is_empty(),
        "{}: {:?}",
        path.display(),
        archive.anomalies()
    );
    for entry in archive.entries() {
        let bytes = archive
            .read(entry)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(bytes.len() as u64, entry.uncompressed_size);
    }
    assert!(
        archive.read_anomalies().is_empty(),
        "{}: {:?}",
        path.display(),
        archive.read_anomalies()
    );
    archive.entries().len()
}

#[test]
fn required_apks_match_zipinfo() {
    let Some(dir) = corpus_dir() else { return };
    let apks = [
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk",
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-debug-androidTest.apk",
        "io.appium.settings@8.0.10/apks/settings_apk-debug.apk",
    ];
    let counts: Vec<usize> = apks
        .iter()
        .map(|apk| check_archive(&dir.join(apk)))
        .collect();
    // Entry counts from `unzip -Zl`'s summary lines, read when writing this test.
    assert_eq!(counts, [3841, 9, 121]);
}

#[test]
fn every_corpus_archive_matches_zipinfo() {
    let Some(dir) = corpus_dir() else { return };
    let mut archives = Vec::new();
    archives_under(&dir, &mut archives);
    archives.sort();
    assert!(!archives.is_empty(), "no archives under {}", dir.display());
    for path in &archives {
        check_archive(path);
    }
}
