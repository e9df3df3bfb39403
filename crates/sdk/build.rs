//! Embeds every `sdk-signatures/*.toml` file of the repository into the crate.
//!
//! A generated list (rather than one hand-written `include_str!` per file) means
//! adding a signature file needs no code change.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest_dir.join("../../sdk-signatures");
    // Hand-written files at the top, the importer's output in `imported/`.
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (prefix, sub) in [("", dir.clone()), ("imported/", dir.join("imported"))] {
        println!("cargo:rerun-if-changed={}", sub.display());
        let Ok(entries) = fs::read_dir(&sub) else {
            assert!(!prefix.is_empty(), "cannot read {}", sub.display());
            continue;
        };
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            if path.extension().is_some_and(|ext| ext == "toml") {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("UTF-8 file name");
                files.push((format!("{prefix}{name}"), path));
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// Every built-in signature file: (file name, contents).\npub(crate) const BUILTIN_FILES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let canonical = path
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            canonical.display().to_string()
        ));
    }
    out.push_str("];\n");
    let out_path = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_signatures.rs");
    fs::write(&out_path, out)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out_path.display()));
}
