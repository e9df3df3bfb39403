//! LibChecker-Rules V36: `rules_table_v36.csv` (one rule per row) and the per-rule metadata
//! (`rule_metadata_by_dir.json`: label, team, URL).

use std::collections::HashMap;
use std::path::Path;

use appaudit_sdk::RuleKind;
use serde::Deserialize;

use super::{Read, component, java_package, native_lib, regex_to_glob};
use crate::ImportError;
use crate::fact::{Fact, Source};

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "_id")]
    id: u32,
    name: String,
    label: String,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(rename = "isRegexRule")]
    is_regex: u8,
    #[serde(rename = "regexName")]
    regex_name: String,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    team: String,
    #[serde(default, rename = "relativeUrl")]
    url: String,
}

/// The package a component regex stands for: all of `a.b.c.(.*)`, else the package its
/// literal start lies in (`com.bytedance.mira.stub.p[0-9]*.StubService[0-9]*$` ->
/// `com.bytedance.mira.stub`), when that has 4 segments or more; `None` when that would be
/// broader (`com.yxcorp.gifshow.ad(.*)` would claim the whole `com.yxcorp.gifshow` app).
pub(crate) fn component_regex_package(regex: &str) -> Option<String> {
    let regex = regex.trim_start_matches('^');
    if let Some(prefix) = regex.strip_suffix(".(.*)")
        && super::is_java_name(prefix)
        && prefix.contains('.')
    {
        return Some(prefix.to_owned());
    }
    let literal_end = regex
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(regex.len());
    let (package, _) = regex.get(..literal_end)?.rsplit_once('.')?;
    (super::is_java_name(package) && package.split('.').count() >= 4).then(|| package.to_owned())
}

/// Reads both files of `dir` (`reference/libchecker`).
pub fn read(dir: &Path) -> Result<Read, ImportError> {
    let table = dir.join("rules_table_v36.csv");
    let meta_path = dir.join("rule_metadata_by_dir.json");
    let meta_text = crate::read_text(&meta_path)?;
    let meta: HashMap<String, HashMap<String, Meta>> =
        serde_json::from_str(&meta_text).map_err(|e| ImportError::format(&meta_path, e))?;
    let mut reader = csv::Reader::from_path(&table).map_err(|e| ImportError::format(&table, e))?;
    let mut rows = Vec::new();
    for row in reader.deserialize::<Row>() {
        rows.push(row.map_err(|e| ImportError::format(&table, e))?);
    }
    // A team named by any rule of a label serves the label's other rules (DEX rules have no
    // metadata directory of their own).
    let mut team_of_label: HashMap<&str, &str> = HashMap::new();
    let mut url_of_label: HashMap<&str, &str> = HashMap::new();
    let dir_of = |kind: u8| match kind {
        0 => Some("native-libs"),
        1 => Some("services-libs"),
        2 => Some("activities-libs"),
        3 => Some("receivers-libs"),
        4 => Some("providers-libs"),
        6 => Some("static-libs"),
        _ => None,
    };
    let meta_of = |row: &Row| {
        let key = if row.is_regex == 1 {
            &row.regex_name
        } else {
            &row.name
        };
        dir_of(row.kind)
            .and_then(|d| meta.get(d))
            .and_then(|m| m.get(key))
    };
    for row in &rows {
        if let Some(m) = meta_of(row) {
            if !m.team.trim().is_empty() {
                team_of_label.entry(&row.label).or_insert(m.team.trim());
            }
            if !m.url.trim().is_empty() {
                url_of_label.entry(&row.label).or_insert(m.url.trim());
            }
        }
    }
    let mut out = Read {
        items: rows.len(),
        item_kind: "rules",
        ..Read::default()
    };
    for row in &rows {
        let (kind, pattern) = match row.kind {
            0 if row.is_regex == 1 => match regex_to_glob(&row.name) {
                Some(glob) => (RuleKind::NativeLib, native_lib(&glob)),
                None => {
                    out.skip("libchecker: .so regex not expressible as a glob");
                    continue;
                }
            },
            0 => (RuleKind::NativeLib, native_lib(&row.name)),
            // LibChecker files a few `.so` names under a component type.
            1..=4 if row.name.ends_with(".so") && row.is_regex == 0 => {
                (RuleKind::NativeLib, native_lib(&row.name))
            }
            // A component regex `com.baidu.swan.(.*)` is every component of the package; one
            // that varies inside a class or package name (`….mira.stub.p[0-9]*.StubService`)
            // becomes the package its literal start names.
            1..=4 if row.is_regex == 1 => match component_regex_package(&row.name) {
                Some(prefix) => (RuleKind::Component, Ok(format!("{prefix}.*"))),
                None => {
                    out.skip(
                        "libchecker: component regex whose literal package has under 4 segments (too broad as a package rule)",
                    );
                    continue;
                }
            },
            1..=4 => (RuleKind::Component, component(&row.name)),
            // A package regex `com.alipay.(.*)` is the package prefix.
            5 if row.is_regex == 1 => match row.name.strip_suffix(".(.*)") {
                Some(prefix) => (RuleKind::JavaPackage, java_package(prefix)),
                None => {
                    out.skip("libchecker: package regex that is not a prefix");
                    continue;
                }
            },
            5 => (RuleKind::JavaPackage, java_package(&row.name)),
            _ => {
                out.skip("libchecker: shared system library (uses-library), not bundled code");
                continue;
            }
        };
        let pattern = match pattern {
            Ok(p) => p,
            Err(why) => {
                out.skip(why);
                continue;
            }
        };
        let label = row.label.trim();
        if label.is_empty() {
            out.skip("libchecker: rule without a label");
            continue;
        }
        out.facts.push(Fact {
            source: Source::LibChecker,
            origin: format!("libchecker:rules_table_v36#{}", row.id),
            label: label.to_owned(),
            vendor: team_of_label
                .get(row.label.as_str())
                .map(|t| (*t).to_owned()),
            source_category: None,
            homepage: url_of_label
                .get(row.label.as_str())
                .filter(|u| u.starts_with("http"))
                .map(|u| (*u).to_owned()),
            kind,
            pattern,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::component_regex_package;

    #[test]
    fn component_regexes_become_packages_unless_too_broad() {
        assert_eq!(
            component_regex_package("com.baidu.swan.(.*)").as_deref(),
            Some("com.baidu.swan")
        );
        assert_eq!(
            component_regex_package("com.bytedance.mira.stub.p[0-9]*.StubService[0-9]*$")
                .as_deref(),
            Some("com.bytedance.mira.stub")
        );
        assert_eq!(
            component_regex_package("com.tencent.tinker.loader.hotplug.ActivityStubs(.*)")
                .as_deref(),
            Some("com.tencent.tinker.loader.hotplug")
        );
        assert_eq!(component_regex_package("com.yxcorp.gifshow.ad(.*)"), None);
    }
}
