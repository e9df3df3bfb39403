//! The Exodus Privacy tracker list (ODbL 1.0): `code_signature` alternatives become Java
//! package rules; descriptions are not read.

use std::path::Path;

use appaudit_sdk::RuleKind;
use serde::Deserialize;

use super::{Read, java_package};
use crate::ImportError;
use crate::fact::{Fact, Source};

#[derive(Deserialize)]
struct File {
    trackers: std::collections::BTreeMap<String, Tracker>,
}

#[derive(Deserialize)]
struct Tracker {
    id: u32,
    name: String,
    #[serde(default)]
    code_signature: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    categories: Vec<String>,
}

/// Reads `reference/exodus/exodus_trackers.json`.
pub fn read(path: &Path) -> Result<Read, ImportError> {
    let text = crate::read_text(path)?;
    let file: File = serde_json::from_str(&text).map_err(|e| ImportError::format(path, e))?;
    let mut trackers: Vec<Tracker> = file.trackers.into_values().collect();
    trackers.sort_by_key(|t| t.id);
    let mut out = Read::default();
    for tracker in trackers {
        if tracker.code_signature.trim().is_empty() {
            out.skip("exodus: tracker without a code signature (network only)");
            continue;
        }
        for alternative in tracker.code_signature.split('|').filter(|a| !a.is_empty()) {
            let pattern = match java_package(alternative) {
                Ok(p) => p,
                Err(why) => {
                    out.skip(why);
                    continue;
                }
            };
            out.facts.push(Fact {
                source: Source::Exodus,
                origin: format!("exodus:tracker/{}", tracker.id),
                label: tracker.name.trim().to_owned(),
                vendor: None,
                source_category: tracker.categories.first().cloned(),
                homepage: tracker
                    .website
                    .starts_with("http")
                    .then(|| tracker.website.trim().to_owned()),
                kind: RuleKind::JavaPackage,
                pattern,
            });
        }
    }
    Ok(out)
}
