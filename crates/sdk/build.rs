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
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out = String::from(
        "/// Every built-in signature file: (file name, TOML text, the same as JSON).\npub(crate) const BUILTIN_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for (n, (name, path)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let canonical = path
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // The same data as JSON: parsing it at start-up takes a fraction of TOML's time.
        // A file that is not valid TOML is left for the loader to report (empty JSON).
        let text = fs::read_to_string(&canonical)
            .unwrap_or_else(|e| panic!("{}: {e}", canonical.display()));
        let json = toml::from_str::<toml::Value>(&text)
            .ok()
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_default();
        let json_path = out_dir.join(format!("signatures_{n}.json"));
        fs::write(&json_path, json)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", json_path.display()));
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?}), include_str!({:?})),\n",
            canonical.display().to_string(),
            json_path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let out_path = out_dir.join("builtin_signatures.rs");
    fs::write(&out_path, out)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out_path.display()));
}
