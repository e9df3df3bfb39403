//! The apk-analyzer 1.32.0 wheel (MIT): `apk_analyzer/sdk_signatures/**/*.yaml`, its 52
//! hand-written signatures and about 2,400 rules it imported from a newer LibChecker-Rules.
//! Read straight from the `.whl` (a zip), in path order.

use std::io::Read as _;
use std::path::Path;

use appaudit_sdk::RuleKind;
use serde_yaml::Value;

use super::{Read, component, java_package, native_lib};
use crate::ImportError;
use crate::fact::{Fact, Source};

/// The wheel this importer was written against; another version is refused, so that the
/// committed files can always be regenerated from the same input.
pub const WHEEL_NAME: &str = "apk_analyzer-1.32.0-py3-none-any.whl";
const PREFIX: &str = "apk_analyzer/sdk_signatures/";
/// Each YAML file is a few hundred bytes; a larger one is not what this reader expects.
const MAX_FILE: u64 = 1 << 20;

/// Reads every signature file of the wheel at `path`.
pub fn read(path: &Path) -> Result<Read, ImportError> {
    let file = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| ImportError::format(path, e))?;
    let metadata = read_entry(&mut zip, path, "apk_analyzer-1.32.0.dist-info/METADATA")?;
    if !metadata.lines().any(|l| l.trim() == "Version: 1.32.0") {
        return Err(ImportError::Input {
            path: path.to_owned(),
            message: "not the apk-analyzer 1.32.0 wheel".to_owned(),
        });
    }
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(".yaml"))
        .map(|n| n.into_owned())
        .collect();
    names.sort();
    let mut out = Read {
        items: names.len(),
        item_kind: "signature files",
        ..Read::default()
    };
    for name in names {
        let text = read_entry(&mut zip, path, &name)?;
        let doc: Value = serde_yaml::from_str(&text).map_err(|e| ImportError::Input {
            path: path.to_owned(),
            message: format!("{name}: {e}"),
        })?;
        let relative = name.strip_prefix(PREFIX).unwrap_or(&name);
        read_signature(&doc, relative, &mut out);
    }
    Ok(out)
}

/// The wheel's native-library list (`apk_analyzer/so_database/so_files.yaml`, also in
/// `reference/apk-analyzer/`): `.so` file names, each with a free-text note or none. The
/// names alone say no library's name, so they make no rules; the import counts how many of
/// them the database already recognises.
pub fn so_database(path: &Path) -> Result<Vec<String>, ImportError> {
    let file = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| ImportError::format(path, e))?;
    let name = "apk_analyzer/so_database/so_files.yaml";
    let text = read_entry(&mut zip, path, name)?;
    let doc: Value = serde_yaml::from_str(&text).map_err(|e| ImportError::Input {
        path: path.to_owned(),
        message: format!("{name}: {e}"),
    })?;
    let mut names: Vec<String> = doc
        .as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

fn read_entry(
    zip: &mut zip::ZipArchive<std::fs::File>,
    path: &Path,
    name: &str,
) -> Result<String, ImportError> {
    let entry = zip
        .by_name(name)
        .map_err(|e| ImportError::format(path, format!("{name}: {e}")))?;
    let mut text = String::new();
    entry
        .take(MAX_FILE)
        .read_to_string(&mut text)
        .map_err(|e| ImportError::format(path, format!("{name}: {e}")))?;
    Ok(text)
}

fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn read_signature(doc: &Value, relative: &str, out: &mut Read) {
    let text = |key: &str| doc.get(key).and_then(Value::as_str).map(str::trim);
    let Some(label) = text("name").filter(|n| !n.is_empty()) else {
        out.skip("apk-analyzer: signature without a name");
        return;
    };
    let vendor = text("vendor")
        .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("unknown"))
        .map(|v| v.trim_end_matches(" / open-source").to_owned());
    let category = text("category").map(str::to_owned);
    let detection = doc.get("detection");
    let list = |key: &str| strings(detection.and_then(|d| d.get(key)));
    let mut candidates: Vec<(RuleKind, Result<String, &'static str>)> = Vec::new();
    candidates.extend(list("package_prefixes").map(|p| (RuleKind::JavaPackage, java_package(p))));
    candidates.extend(list("native_libs").map(|p| (RuleKind::NativeLib, native_lib(p))));
    for key in [
        "manifest_activities",
        "manifest_services",
        "manifest_receivers",
        "manifest_providers",
    ] {
        candidates.extend(list(key).map(|p| (RuleKind::Component, component(p))));
    }
    if let Some(marker) = doc
        .get("version_extraction")
        .and_then(|v| v.get("metainf_file"))
        .and_then(Value::as_str)
    {
        candidates.push((
            RuleKind::LibraryMarker,
            Ok(format!("META-INF/{}.version", marker.trim())),
        ));
    }
    for _ in list("manifest_actions") {
        out.skip("apk-analyzer: intent action (no rule kind for actions)");
    }
    for _ in list("string_patterns") {
        out.skip("apk-analyzer: free-text string pattern");
    }
    for (kind, pattern) in candidates {
        match pattern {
            Ok(pattern) => out.facts.push(Fact {
                source: Source::ApkAnalyzer,
                origin: format!("apk-analyzer@1.32.0:{relative}"),
                label: label.to_owned(),
                vendor: vendor.clone(),
                source_category: category.clone(),
                homepage: None,
                kind,
                pattern,
            }),
            Err(why) => out.skip(why),
        }
    }
}
