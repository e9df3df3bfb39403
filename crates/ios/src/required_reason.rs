//! Apple's required-reason API check: APIs a binary uses whose category no privacy manifest
//! declares with a reason.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Serialize;

use crate::{IosBundleFacts, MachOFacts};

/// The one table of required-reason APIs, shared with appaudit-taxonomy.
const TABLE_TOML: &str = include_str!("../../../data/ios_required_reason_apis.toml");

#[derive(serde::Deserialize)]
struct Table {
    category: Vec<CategoryRow>,
    #[serde(default)]
    apple_runtime: Vec<RuntimeRow>,
}

/// Files that are Apple's own runtime embedded in the app (`Frameworks/libswiftCore.dylib`).
#[derive(serde::Deserialize)]
struct RuntimeRow {
    label: String,
    directory: String,
    file_prefix: String,
    file_suffix: String,
}

#[derive(serde::Deserialize)]
struct CategoryRow {
    id: String,
    symbols: Vec<String>,
    classes: Vec<String>,
    selectors: Vec<String>,
}

fn parsed() -> &'static (Vec<CategoryRow>, Vec<RuntimeRow>) {
    static TABLE: OnceLock<(Vec<CategoryRow>, Vec<RuntimeRow>)> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file ships inside the crate and a unit test parses it; never panic at run time.
        toml::from_str::<Table>(TABLE_TOML)
            .map(|t| (t.category, t.apple_runtime))
            .unwrap_or_default()
    })
}

fn table() -> &'static [CategoryRow] {
    &parsed().0
}

/// The label (`Swift runtime`) when the binary at `path` is Apple's runtime embedded in the
/// app (`Payload/X.app/Frameworks/libswiftCore.dylib`), not the app's code.
pub fn apple_runtime(path: &str) -> Option<&'static str> {
    let (dir, file) = path.rsplit_once('/')?;
    let dir_name = dir.rsplit('/').next().unwrap_or(dir);
    parsed()
        .1
        .iter()
        .find(|r| {
            dir_name == r.directory
                && file.starts_with(&r.file_prefix)
                && file.ends_with(&r.file_suffix)
        })
        .map(|r| r.label.as_str())
}

/// A required-reason API category one binary uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredReasonUse {
    /// e.g. `NSPrivacyAccessedAPICategoryFileTimestamp`.
    pub category: String,
    /// What shows the use: `symbol _stat`, `class NSUserDefaults`, `selector systemUptime`.
    pub evidence: Vec<String>,
}

/// A category used by a binary but declared with a reason in no privacy manifest of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredReasonGap {
    /// e.g. `NSPrivacyAccessedAPICategoryDiskSpace`.
    pub category: String,
    /// Path of the binary that uses it.
    pub binary: String,
    /// What shows the use (see [`RequiredReasonUse::evidence`]).
    pub evidence: Vec<String>,
}

/// `_stat$INODE64` → `_stat`: macOS symbol variants name the same API.
fn base_symbol(symbol: &str) -> &str {
    symbol.split_once('$').map_or(symbol, |(base, _)| base)
}

/// Required-reason categories one binary uses, from its imported symbols, imported classes and
/// selectors. Categories come in the order of Apple's documentation.
pub fn required_reason_uses(facts: &MachOFacts) -> Vec<RequiredReasonUse> {
    let imported: BTreeSet<&str> = facts
        .imported_symbols
        .iter()
        .map(|s| base_symbol(s))
        .collect();
    let mut out = Vec::new();
    for row in table() {
        let mut evidence = Vec::new();
        for symbol in &row.symbols {
            if imported.contains(symbol.as_str()) {
                evidence.push(format!("symbol {symbol}"));
            }
        }
        for class in &row.classes {
            if facts.imported_classes.binary_search(class).is_ok() {
                evidence.push(format!("class {class}"));
            }
        }
        for selector in &row.selectors {
            if facts.selectors.binary_search(selector).is_ok() {
                evidence.push(format!("selector {selector}"));
            }
        }
        if !evidence.is_empty() {
            out.push(RequiredReasonUse {
                category: row.id.clone(),
                evidence,
            });
        }
    }
    out
}

/// Categories used by a binary of the input that no privacy manifest in the input declares with
/// at least one reason. Like Apple's upload check, a declaration in any manifest (the app's or
/// any SDK's) covers the whole input. Apple's own embedded runtime ([`apple_runtime`]) is not
/// the app's and never has a gap.
pub fn required_reason_gaps(facts: &IosBundleFacts) -> Vec<RequiredReasonGap> {
    let declared: BTreeSet<&str> = facts
        .privacy_manifests
        .iter()
        .flat_map(|m| &m.manifest.accessed_api_types)
        .filter(|a| !a.reasons.is_empty())
        .map(|a| a.category.as_str())
        .collect();
    let mut gaps = Vec::new();
    for binary in facts
        .binaries
        .iter()
        .filter(|b| apple_runtime(&b.path).is_none())
    {
        for used in required_reason_uses(&binary.facts) {
            if !declared.contains(used.category.as_str()) {
                gaps.push(RequiredReasonGap {
                    category: used.category,
                    binary: binary.path.clone(),
                    evidence: used.evidence,
                });
            }
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_covers_apples_five_categories() {
        let ids: Vec<&str> = table().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "NSPrivacyAccessedAPICategoryFileTimestamp",
                "NSPrivacyAccessedAPICategorySystemBootTime",
                "NSPrivacyAccessedAPICategoryDiskSpace",
                "NSPrivacyAccessedAPICategoryActiveKeyboards",
                "NSPrivacyAccessedAPICategoryUserDefaults"
            ]
        );
        for row in table() {
            assert!(row.symbols.iter().all(|s| s.starts_with('_')), "{}", row.id);
        }
    }

    #[test]
    fn every_c_function_apple_names_has_its_symbol() {
        // `apple_names` are the APIs as Apple's page spells them (copied by another hand than
        // `symbols`, once in data/taxonomy.json): every C function there must be in `symbols`.
        #[derive(serde::Deserialize)]
        struct Names {
            category: Vec<NamesRow>,
        }
        #[derive(serde::Deserialize)]
        struct NamesRow {
            id: String,
            apple_names: Vec<String>,
        }
        let names: Names = toml::from_str(TABLE_TOML).unwrap();
        assert_eq!(names.category.len(), table().len());
        let mut functions = 0;
        for (row, theirs) in table().iter().zip(&names.category) {
            assert_eq!(row.id, theirs.id);
            assert!(!theirs.apple_names.is_empty(), "{}", row.id);
            for name in &theirs.apple_names {
                let is_c_function = name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if is_c_function {
                    functions += 1;
                    let ours = format!("_{name}");
                    assert!(row.symbols.contains(&ours), "{}: {ours} missing", row.id);
                }
            }
        }
        assert!(functions >= 15, "{functions} C functions named");
    }

    #[test]
    fn apple_runtime_is_the_embedded_swift_runtime_only() {
        for path in [
            "Payload/Demo.app/Frameworks/libswiftCore.dylib",
            "Payload/Demo.app/Frameworks/libswiftFoundation.dylib",
            "Demo.app/Frameworks/libswift_Concurrency.dylib",
        ] {
            assert_eq!(apple_runtime(path), Some("Swift runtime"), "{path}");
        }
        for path in [
            "Payload/Demo.app/Frameworks/Bugly.framework/Bugly",
            "Payload/Demo.app/libswiftCore.dylib",
            "Payload/Demo.app/Frameworks/libswiftCore.dylib.bak",
            "Payload/Demo.app/Frameworks/libSwiftyJSON.dylib",
            "libswiftCore.dylib",
        ] {
            assert_eq!(apple_runtime(path), None, "{path}");
        }
    }

    #[test]
    fn base_symbol_strips_variants() {
        assert_eq!(base_symbol("_stat$INODE64"), "_stat");
        assert_eq!(base_symbol("_statfs"), "_statfs");
    }
}
