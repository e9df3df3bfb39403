//! The Exodus Privacy tracker list (ODbL 1.0): `code_signature` alternatives become Java
//! package rules, `network_signature` alternatives host rules; descriptions are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use appaudit_sdk::RuleKind;
use serde::Deserialize;

use super::{Read, java_package};
use crate::ImportError;
use crate::classify::Classifier;
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
    network_signature: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    categories: Vec<String>,
}

/// A host rule from one `network_signature` alternative (an unanchored host regex in
/// exodus-core), or why not: `\.` is a dot, a leading `.*\.` or `\.` is implied by
/// appaudit's suffix matching, `[0-9]*` and a trailing `.*` become the glob `*`; anything
/// else regex-like (paths, ports, groups) is not a host. A trailing `\\.` (any top-level
/// domain) becomes `.*`.
pub(crate) fn host(raw: &str) -> Result<String, &'static str> {
    let mut p = raw.trim();
    for lead in [".*\\.", "\\.", ".*"] {
        if let Some(rest) = p.strip_prefix(lead) {
            p = rest;
        }
    }
    let p = p
        .replace("[0-9]*", "*")
        .replace("[0-9]+", "*")
        .replace(".*", "*")
        .replace("\\.", ".")
        .to_ascii_lowercase();
    // An unescaped leading `.` is a regex wildcard standing for the dot; a trailing dot
    // (`\.alimama\.`) means any top-level domain.
    let p = p.trim_start_matches('.');
    let p = match p.strip_suffix('.') {
        Some(stem) => format!("{stem}.*"),
        None => p.to_owned(),
    };
    if p.contains([
        '\\', '/', ':', '(', ')', '[', ']', '|', '+', '?', '^', '$', '{',
    ]) {
        return Err("exodus: network signature not a host name (path, port or regex)");
    }
    let labels: Vec<&str> = p.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err("exodus: network signature without a domain (no dot)");
    }
    if p.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err("exodus: network signature is an IP address");
    }
    if !p
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'*'))
    {
        return Err("exodus: network signature not a host name (path, port or regex)");
    }
    Ok(p)
}

/// Reads `reference/exodus/exodus_trackers.json`.
pub fn read(path: &Path, classifier: &Classifier) -> Result<Read, ImportError> {
    let text = crate::read_text(path)?;
    let file: File = serde_json::from_str(&text).map_err(|e| ImportError::format(path, e))?;
    let mut trackers: Vec<Tracker> = file.trackers.into_values().collect();
    trackers.sort_by_key(|t| t.id);
    let mut out = Read {
        items: trackers.len(),
        item_kind: "trackers",
        ..Read::default()
    };
    // How many trackers give each host: one given by several names none of them.
    let mut host_owners: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for tracker in &trackers {
        for alternative in tracker
            .network_signature
            .split('|')
            .filter(|a| !a.is_empty())
        {
            if let Ok(h) = host(alternative) {
                host_owners.entry(h).or_default().insert(tracker.id);
            }
        }
    }
    for tracker in trackers {
        let mut seen = BTreeSet::new();
        for alternative in tracker
            .network_signature
            .split('|')
            .filter(|a| !a.is_empty())
        {
            let pattern = match host(alternative) {
                Ok(p) => p,
                Err(why) => {
                    out.skip(why);
                    continue;
                }
            };
            if !seen.insert(pattern.clone()) {
                continue;
            }
            if host_owners.get(&pattern).is_some_and(|o| o.len() > 1) {
                out.skip("exodus: host several trackers give (not evidence of one)");
                continue;
            }
            if classifier.is_generic_host(&pattern) {
                out.skip("exodus: host too generic (crates/sdk-import/data/classify.toml)");
                continue;
            }
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
                kind: RuleKind::Host,
                pattern,
            });
        }
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

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn network_signatures_become_host_rules() {
        // Alternatives as they appear in exodus_trackers.json (trackers 1, 361, 312, 198, 338).
        for (raw, want) in [
            (r"databerries\.com", "databerries.com"),
            (r"mst[0-9]*\.is\.autonavi\.com", "mst*.is.autonavi.com"),
            (r"adservice\.google\..*", "adservice.google.*"),
            (r".*\.jiguang\.cn", "jiguang.cn"),
            (r".target\.my\.com", "target.my.com"),
            (r"\.alimama\.", "alimama.*"),
            (r"Acrcloud.com", "acrcloud.com"),
        ] {
            assert_eq!(host(raw).as_deref(), Ok(want), "{raw}");
        }
        for raw in [
            r"54\.243\.73\.253:8080/SilverPush/",
            "fidzup",
            r"10\.0\.0\.1",
            r"(a|b)\.com",
            "",
        ] {
            assert!(host(raw).is_err(), "{raw}");
        }
    }
}
