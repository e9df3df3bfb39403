//! The inputs of `scan DIR`: which files and bundle directories under a folder are scanned.

use std::path::{Path, PathBuf};

use crate::kind::ios_bundle_kind;

/// File names `scan DIR` treats as inputs.
pub fn is_scannable_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    const EXTENSIONS: &[&str] = &[
        ".apk", ".xapk", ".apks", ".apkm", ".jar", ".aar", ".dex", ".so", ".ipa", ".aab", ".a",
    ];
    EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

/// Every scannable file under `dir`, sorted, without following symlinked directories. iOS
/// bundle directories (`.app`, `.framework`, `.xcframework`) are inputs themselves and are not
/// descended into; `dir` itself being one is the only input.
pub fn collect_inputs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if ios_bundle_kind(dir).is_some() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let ty = entry.file_type()?;
            let path = entry.path();
            if ty.is_dir() && ios_bundle_kind(&path).is_some() {
                out.push(path);
            } else if ty.is_dir() {
                stack.push(path);
            } else if ty.is_file() && is_scannable_name(&entry.file_name().to_string_lossy()) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
