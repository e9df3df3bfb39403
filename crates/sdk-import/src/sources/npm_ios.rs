//! iOS sources shipped in npm packages (React Native modules, Cordova and Capacitor plugins,
//! and the open-source libraries they vendor): the Objective-C classes their `.m`/`.mm` files
//! implement, the Swift classes they export under an explicit `@objc(Name)`, and the
//! framework / Swift module names their `.podspec` files declare.
//!
//! The packages are pinned in `data/npm_ios.toml` (name, version, the tarball's npm
//! `integrity`); `scripts/fetch-ios-sources.sh` fetches them with `npm pack`, checks the
//! integrity and unpacks each into `DIR/<name>@<version>/`. Every rule's source is
//! `npm:<name>@<version>/<path in the package>`.
//!
//! Class prefixes are derived, not guessed: a class is covered by the shortest prefix that
//! ends at a camel-case word boundary, is at least [`MIN_SHARED_PREFIX`] characters long, is
//! shared by two or more classes of the same library, and starts no class of any other
//! library read here nor a platform prefix of `reserved_prefixes`; a class with no such prefix
//! is its own rule (its full name).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use appaudit_sdk::RuleKind;
use serde::Deserialize;

use super::Read;
use crate::fact::{Fact, Source};
use crate::{ImportError, read_text};

/// The package table, shipped with the importer.
pub const NPM_IOS_TOML: &str = include_str!("../../data/npm_ios.toml");

/// Shortest shared class prefix used as a rule.
pub const MIN_SHARED_PREFIX: usize = 5;

/// Source files larger than this are not read (generated amalgamations, not library code).
const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// `data/npm_ios.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Class names every app template or sample defines (`AppDelegate`): never a rule.
    pub generic_classes: Vec<String>,
    /// Apple's (and the Objective-C runtime's) class prefixes: never a rule's start.
    pub reserved_prefixes: Vec<String>,
    /// Path segments whose files are examples, tests or templates, not the library.
    pub skip_dirs: Vec<String>,
    /// The packages.
    pub package: Vec<Package>,
}

/// One pinned npm package.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// npm name (`react-native-code-push`, `@capacitor/ios`).
    pub name: String,
    /// Exact version.
    pub version: String,
    /// The tarball's npm `integrity` (`sha512-…`), checked by the fetch script.
    pub integrity: String,
    /// The library's name when it is not the npm name (a vendor SDK's bridge is named after
    /// the SDK it bridges, so its classes count for that SDK).
    #[serde(default)]
    pub label: Option<String>,
    /// A source category (`Development Framework`) for the classifier, when the name says none.
    #[serde(default)]
    pub category: Option<String>,
    /// Libraries the package vendors in a directory of their own.
    #[serde(default)]
    pub vendored: Vec<Vendored>,
}

/// An open-source library copied into a package (`ios/CodePush/SSZipArchive`), or described
/// by a podspec file of its own that the package ships (`third-party-podspecs/glog.podspec`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendored {
    /// Directory (or podspec file) inside the package.
    pub dir: String,
    /// The library's own name.
    pub label: String,
    /// Its vendor or author, as its LICENSE names it.
    pub vendor: String,
    /// Its home page.
    #[serde(default)]
    pub homepage: Option<String>,
}

impl Table {
    /// The shipped table.
    pub fn builtin() -> Result<Self, toml::de::Error> {
        toml::from_str(NPM_IOS_TOML)
    }
}

impl Package {
    /// `name@version`, the directory the fetch script unpacks it into.
    pub fn dir_name(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

/// What one library of a package yields before prefixes are chosen.
#[derive(Debug, Default)]
struct Library {
    label: String,
    vendor: Option<String>,
    homepage: Option<String>,
    category: Option<String>,
    /// Implemented class -> the file (package-relative) implementing it first.
    classes: BTreeMap<String, String>,
    /// Framework / module name -> the file declaring it.
    frameworks: BTreeMap<String, String>,
    /// `name@version`.
    package: String,
}

/// Reads every package of `table` from `dir` (see the module docs). A package missing from
/// `dir` is an error: the import would silently lose its rules.
pub fn read(dir: &Path, table: &Table) -> Result<Read, ImportError> {
    let mut out = Read {
        items: table.package.len(),
        item_kind: "npm packages",
        ..Read::default()
    };
    let mut libraries: Vec<Library> = Vec::new();
    for package in &table.package {
        let root = dir.join(package.dir_name()).join("package");
        if !root.join("package.json").is_file() {
            return Err(ImportError::Input {
                path: root,
                message: format!(
                    "{} is not unpacked here: run scripts/fetch-ios-sources.sh",
                    package.dir_name()
                ),
            });
        }
        let libs = read_package(&root, package, table, &mut out)?;
        libraries.extend(libs);
    }
    emit_facts(&libraries, table, &mut out);
    Ok(out)
}

/// package.json's author (a string `Name <mail> (url)` or `{ name }`), else the repository's
/// owner on its forge, else the npm scope.
fn vendor_of(json: &serde_json::Value, npm_name: &str) -> Option<String> {
    let author = match json.get("author") {
        Some(serde_json::Value::String(s)) => Some(s.as_str()),
        Some(serde_json::Value::Object(o)) => o.get("name").and_then(|v| v.as_str()),
        _ => None,
    }
    .map(|s| s.split(['<', '(']).next().unwrap_or(s).trim().to_owned())
    .filter(|s| !s.is_empty());
    if author.is_some() {
        return author;
    }
    let repo = match json.get("repository") {
        Some(serde_json::Value::String(s)) => Some(s.as_str()),
        Some(serde_json::Value::Object(o)) => o.get("url").and_then(|v| v.as_str()),
        _ => None,
    };
    if let Some(url) = repo {
        let path = url
            .trim_end_matches(".git")
            .rsplit_once(['/', ':'])
            .map(|(head, _)| head)
            .unwrap_or("");
        let owner = path.rsplit(['/', ':']).next().unwrap_or("");
        if !owner.is_empty() && !owner.contains('.') {
            return Some(owner.to_owned());
        }
    }
    npm_name
        .strip_prefix('@')
        .and_then(|s| s.split_once('/'))
        .map(|(scope, _)| scope.to_owned())
}

fn homepage_of(json: &serde_json::Value) -> Option<String> {
    json.get("homepage")
        .and_then(|v| v.as_str())
        .filter(|h| h.starts_with("https://") || h.starts_with("http://"))
        .map(|h| h.split('#').next().unwrap_or(h).to_owned())
}

/// Every file under `root`, package-relative with `/`, sorted; example, test and template
/// directories and `node_modules` left out.
fn files(root: &Path, skip_dirs: &[String]) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| ImportError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ImportError::io(&dir, e))?;
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                if name != "node_modules" && !skip_dirs.iter().any(|s| s == &name) {
                    stack.push(path);
                }
            } else if kind.is_file()
                && let Ok(rel) = path.strip_prefix(root)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_package(
    root: &Path,
    package: &Package,
    table: &Table,
    out: &mut Read,
) -> Result<Vec<Library>, ImportError> {
    let json_path = root.join("package.json");
    let json: serde_json::Value = serde_json::from_str(&read_text(&json_path)?)
        .map_err(|e| ImportError::format(&json_path, e))?;
    let id = package.dir_name();
    let mut main = Library {
        label: package
            .label
            .clone()
            .unwrap_or_else(|| package.name.clone()),
        vendor: vendor_of(&json, &package.name),
        homepage: homepage_of(&json),
        category: package.category.clone(),
        package: id.clone(),
        ..Library::default()
    };
    let mut vendored: Vec<(String, Library)> = package
        .vendored
        .iter()
        .map(|v| {
            (
                v.dir.trim_end_matches('/').to_owned(),
                Library {
                    label: v.label.clone(),
                    vendor: Some(v.vendor.clone()),
                    homepage: v.homepage.clone(),
                    package: id.clone(),
                    ..Library::default()
                },
            )
        })
        .collect();
    let generic: BTreeSet<&str> = table.generic_classes.iter().map(String::as_str).collect();
    for rel in files(root, &table.skip_dirs)? {
        let lib = match vendored
            .iter_mut()
            .filter(|(dir, _)| {
                rel == *dir
                    || rel
                        .strip_prefix(dir.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|(dir, _)| dir.len())
        {
            Some((_, lib)) => lib,
            None => &mut main,
        };
        let path = root.join(&rel);
        let ext = rel.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        // Shipped binaries: `X.framework/…`, `X.xcframework/…` directories name themselves.
        for segment in rel.split('/') {
            if let Some(stem) = segment
                .strip_suffix(".xcframework")
                .or_else(|| segment.strip_suffix(".framework"))
            {
                lib.frameworks
                    .entry(stem.to_owned())
                    .or_insert_with(|| rel.clone());
                break;
            }
        }
        if !matches!(ext, "m" | "mm" | "swift" | "podspec") {
            continue;
        }
        let size = std::fs::metadata(&path)
            .map_err(|e| ImportError::io(&path, e))?
            .len();
        if size > MAX_SOURCE_BYTES {
            out.skip("npm-ios: source file over 4 MiB (generated, not read)");
            continue;
        }
        // Vendored code is not always UTF-8 (Latin-1 comments): lossy is fine for names.
        let bytes = std::fs::read(&path).map_err(|e| ImportError::io(&path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        match ext {
            "podspec" => {
                for name in podspec_names(&text, &package.name) {
                    lib.frameworks.entry(name).or_insert_with(|| rel.clone());
                }
            }
            "swift" => {
                for class in swift_objc_names(&text) {
                    if !generic.contains(class.as_str()) {
                        lib.classes.entry(class).or_insert_with(|| rel.clone());
                    }
                }
            }
            _ => {
                for class in implemented_classes(&text) {
                    if !generic.contains(class.as_str()) {
                        lib.classes.entry(class).or_insert_with(|| rel.clone());
                    }
                }
            }
        }
    }
    // A vendored library is also a framework of its own name when built as a pod.
    for (_, lib) in &mut vendored {
        if is_identifier(&lib.label) {
            let dir = package
                .vendored
                .iter()
                .find(|v| v.label == lib.label)
                .map(|v| v.dir.clone())
                .unwrap_or_default();
            lib.frameworks.entry(lib.label.clone()).or_insert(dir);
        }
    }
    let mut libs = vec![main];
    libs.extend(vendored.into_iter().map(|(_, l)| l));
    for lib in &libs {
        if lib.classes.is_empty() && lib.frameworks.is_empty() {
            out.skip("npm-ios: package or vendored directory without iOS sources");
        }
    }
    Ok(libs)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Text with `//` and `/* */` comments and string literals blanked (so commented-out or
/// quoted `@implementation` does not count).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                out.push(' ');
            }
            '"' => {
                let mut escaped = false;
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                    if !escaped && n == '"' {
                        break;
                    }
                    escaped = !escaped && n == '\\';
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// The identifier at the start of `s` (after spaces).
fn leading_identifier(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(s.len(), |(i, _)| i);
    let id = s.get(..end)?;
    is_identifier(id).then_some(id)
}

/// Classes an Objective-C file implements: `@implementation Name` not followed by `(`
/// (a category adds methods to a class defined elsewhere).
pub fn implemented_classes(text: &str) -> Vec<String> {
    let clean = strip_comments(text);
    let mut out = Vec::new();
    for (i, _) in clean.match_indices("@implementation") {
        let rest = clean.get(i + "@implementation".len()..).unwrap_or("");
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let Some(name) = leading_identifier(rest) else {
            continue;
        };
        let after = rest.trim_start().get(name.len()..).unwrap_or("");
        if after.trim_start().starts_with('(') {
            continue;
        }
        out.push(name.to_owned());
    }
    out
}

/// Swift classes exported to Objective-C under an explicit name: `@objc(Name)` directly
/// before a `class` declaration (modifiers and other attributes may stand between).
pub fn swift_objc_names(text: &str) -> Vec<String> {
    let clean = strip_comments(text);
    let mut out = Vec::new();
    for (i, _) in clean.match_indices("@objc(") {
        let rest = clean.get(i + "@objc(".len()..).unwrap_or("");
        let Some(name) = leading_identifier(rest) else {
            continue;
        };
        let after = rest.get(name.len()..).unwrap_or("");
        let Some(after) = after.strip_prefix(')') else {
            continue; // a selector `@objc(do:with:)`
        };
        // The declaration this attribute belongs to: up to its `{`, `(` or end of line group.
        let decl: String = after
            .chars()
            .take_while(|c| *c != '{' && *c != '(')
            .collect();
        let words: Vec<&str> = decl.split_whitespace().take(8).collect();
        if words.contains(&"class") && !words.contains(&"func") && !words.contains(&"var") {
            out.push(name.to_owned());
        }
    }
    out
}

/// Names a podspec declares: `s.name = "X"` and `s.module_name = "Y"` (any variable), the
/// npm name when the name is read from package.json; a name with `-` is also given in the
/// C99 form CocoaPods uses for the module (`react-native-webview` -> `react_native_webview`).
pub fn podspec_names(text: &str, npm_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        let key = lhs.trim();
        let is_name = key.ends_with(".name") && key.matches('.').count() == 1;
        let is_module = key.ends_with(".module_name") && key.matches('.').count() == 1;
        if !(is_name || is_module) || rhs.starts_with('=') {
            continue;
        }
        let rhs = rhs.trim();
        let value = rhs
            .strip_prefix(['"', '\''])
            .and_then(|r| r.split_once(['"', '\'']).map(|(v, _)| v.to_owned()))
            .or_else(|| {
                // `package['name']`, `pkg["name"]`, `package_json[:name]`: package.json's name.
                let (var, key) = rhs.split_once('[')?;
                let key = key.trim_end().strip_suffix(']')?.trim();
                (is_identifier(var.trim()) && ["'name'", "\"name\"", ":name"].contains(&key))
                    .then(|| npm_name.rsplit('/').next().unwrap_or(npm_name).to_owned())
            });
        let Some(value) = value else { continue };
        if value.is_empty() || value.contains(['#', '{', ' ', '/']) {
            continue;
        }
        if value.contains('-') {
            out.push(value.replace('-', "_"));
        }
        out.push(value);
    }
    out
}

/// Positions where a camel-case word starts inside `s` (`SDWebImageManager` -> 2, 5, 10):
/// an upper-case letter after a lower-case letter or digit, the last capital of a capital run
/// followed by a lower-case letter, a digit run after a letter, and after `_`.
fn word_starts(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for i in 1..b.len() {
        let (p, c) = (b[i - 1], b[i]);
        let next = b.get(i + 1).copied();
        let start = (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
            || (c.is_ascii_uppercase()
                && p.is_ascii_uppercase()
                && next.is_some_and(|n| n.is_ascii_lowercase()))
            || (c.is_ascii_digit() && p.is_ascii_alphabetic())
            || (p == b'_' && c != b'_');
        if start {
            out.push(i);
        }
    }
    out
}

/// Whether a class name (or prefix) lies in a platform namespace: its first camel-case word
/// starts right after one of `reserved` (`NSString`, `UIView`; not `CAPBridge`, whose
/// namespace is `CAP`).
fn is_reserved(name: &str, reserved: &[String]) -> bool {
    let first = word_starts(name).first().copied();
    reserved
        .iter()
        .any(|r| name.starts_with(r.as_str()) && first == Some(r.len()))
}

/// Whether a prefix names more than common words: a namespaced name of two words or more
/// (`SSZip`, `RCTBridge`: a capital run before the first word), an unprefixed name of three
/// words or more (`ImagePickerManager`), one of two words whose first word is the library's
/// own name (`CodePush` in react-native-code-push, `BugsnagClient` in Bugsnag), or a
/// long single word (`Mixpanel`). `Image`, `Branch` or `CircleLayer` alone would start
/// unrelated classes of any app. `label_key`: the library's name, lower-case alphanumerics.
fn distinctive(prefix: &str, label_key: &str) -> bool {
    let starts = word_starts(prefix);
    let namespaced = starts.first().is_some_and(|&i| i >= 2)
        && prefix
            .as_bytes()
            .get(..2)
            .is_some_and(|b| b.iter().all(u8::is_ascii_uppercase));
    let own_first_word = starts
        .first()
        .and_then(|&i| prefix.get(..i))
        .is_some_and(|w| w.len() >= 3 && label_key.contains(&w.to_ascii_lowercase()));
    match starts.len() {
        0 => prefix.len() >= 8,
        1 => namespaced || own_first_word,
        _ => true,
    }
}

/// Chooses the prefix rules covering `classes` (see the module docs): prefix -> the classes
/// it covers. `foreign` holds every other library's classes, sorted.
pub fn choose_prefixes(
    classes: &BTreeSet<&str>,
    foreign: &BTreeSet<&str>,
    reserved: &[String],
    label: &str,
) -> BTreeMap<String, Vec<String>> {
    let label_key: String = label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let starts_foreign = |prefix: &str| {
        foreign
            .range(prefix..)
            .next()
            .is_some_and(|f| f.starts_with(prefix))
    };
    let reserved_start = |prefix: &str| is_reserved(prefix, reserved);
    let shared = |prefix: &str| {
        classes
            .range(prefix..)
            .take_while(|c| c.starts_with(prefix))
            .nth(1)
            .is_some()
    };
    let mut chosen: BTreeSet<String> = BTreeSet::new();
    for class in classes {
        let pick = word_starts(class)
            .into_iter()
            .map(|i| &class[..i])
            .filter(|p| p.len() >= MIN_SHARED_PREFIX && distinctive(p, &label_key))
            .find(|p| shared(p) && !starts_foreign(p) && !reserved_start(p));
        match pick {
            Some(p) => chosen.insert(p.to_owned()),
            // A class name is a prefix rule too: one that starts another library's class
            // (`RNShare`, `RNSharedUtils`) cannot be told apart from it, so it is no rule.
            None if distinctive(class, &label_key) && !starts_foreign(class) => {
                chosen.insert((*class).to_owned())
            }
            None => false,
        };
    }
    // A rule inside a shorter chosen rule adds nothing.
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut kept: Vec<String> = Vec::new();
    for p in chosen {
        if kept.iter().any(|k| p.starts_with(k.as_str())) {
            continue;
        }
        kept.push(p);
    }
    for class in classes {
        if let Some(p) = kept
            .iter()
            .filter(|k| class.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
        {
            out.entry(p.clone()).or_default().push((*class).to_owned());
        }
    }
    out
}

fn emit_facts(libraries: &[Library], table: &Table, out: &mut Read) {
    // A class two libraries implement (a vendored copy of a library read elsewhere too) is
    // evidence of neither alone.
    let mut implementers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for lib in libraries {
        for class in lib.classes.keys() {
            implementers
                .entry(class.as_str())
                .or_default()
                .insert(lib.label.as_str());
        }
    }
    for lib in libraries {
        let own: BTreeSet<&str> = lib
            .classes
            .keys()
            .map(String::as_str)
            .filter(|c| {
                implementers.get(c).is_some_and(|s| s.len() == 1)
                    && c.len() >= 3
                    && !is_reserved(c, &table.reserved_prefixes)
            })
            .collect();
        let skipped = lib.classes.len() - own.len();
        for _ in 0..skipped {
            out.skip("npm-ios: class implemented by two libraries, or under a platform prefix");
        }
        let foreign: BTreeSet<&str> = libraries
            .iter()
            .filter(|l| l.label != lib.label)
            .flat_map(|l| l.classes.keys().map(String::as_str))
            .collect();
        let fact = |kind: RuleKind, pattern: String, file: &str| Fact {
            source: Source::Npm,
            origin: format!("npm:{}/{}", lib.package, file),
            label: lib.label.clone(),
            vendor: lib.vendor.clone(),
            source_category: lib.category.clone(),
            homepage: lib.homepage.clone(),
            kind,
            pattern,
        };
        for (prefix, covered) in
            choose_prefixes(&own, &foreign, &table.reserved_prefixes, &lib.label)
        {
            let file = covered
                .first()
                .and_then(|c| lib.classes.get(c))
                .cloned()
                .unwrap_or_default();
            out.facts.push(fact(RuleKind::ObjcClass, prefix, &file));
        }
        for (name, file) in &lib.frameworks {
            if name.chars().filter(|c| *c != '*' && *c != '?').count() < 4 {
                out.skip("npm-ios: framework name too short to be specific");
                continue;
            }
            out.facts
                .push(fact(RuleKind::IosFramework, name.clone(), file));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implementations_but_not_categories_comments_or_strings() {
        let text = r#"
            @implementation SSZipArchive
            @end
            @implementation NSString (SSZip) @end
            // @implementation Commented
            /* @implementation Blocked */
            NSString *s = @"@implementation Quoted";
            @implementation   JWTBuilder : NSObject
        "#;
        assert_eq!(implemented_classes(text), ["SSZipArchive", "JWTBuilder"]);
    }

    #[test]
    fn swift_objc_class_names() {
        let text = r#"
            @objc(RNCSafeAreaProvider)
            public class SafeAreaProvider: UIView {
            @objc(doThing:with:) func f() {}
            @objc(RNCValue) var x: Int
            @objc(CAPHapticsPlugin) public final class HapticsPlugin: CAPPlugin {}
        "#;
        assert_eq!(
            swift_objc_names(text),
            ["RNCSafeAreaProvider", "CAPHapticsPlugin"]
        );
    }

    #[test]
    fn podspec_name_and_module_name() {
        let text = r#"
            Pod::Spec.new do |s|
              s.name         = "react-native-webview"
              s.module_name = 'RNCWebView'
              s.source_files = "ios/**/*.{h,m}"
              s.dependency "React-Core"
        "#;
        assert_eq!(
            podspec_names(text, "react-native-webview"),
            ["react_native_webview", "react-native-webview", "RNCWebView"]
        );
        assert_eq!(
            podspec_names("  s.name = package['name']", "@scope/pkg"),
            ["pkg"]
        );
        assert_eq!(podspec_names(r#"s.name = pkg["name"]"#, "abcd"), ["abcd"]);
        assert_eq!(
            podspec_names("s.name = package_json[:name]", "abcd"),
            ["abcd"]
        );
        assert!(podspec_names("s.name = pkg[\"version\"]", "abcd").is_empty());
    }

    #[test]
    fn camel_case_word_starts() {
        assert_eq!(word_starts("SDWebImageManager"), [2, 5, 10]);
        assert_eq!(word_starts("SBJson4Parser"), [2, 6, 7]);
        assert_eq!(
            word_starts("AFHTTPSessionManager"),
            [6, 13],
            "one capital run"
        );
        assert_eq!(word_starts("RCT_Foo"), [4]);
    }

    #[test]
    fn prefixes_are_shared_word_prefixes_not_touching_other_libraries() {
        let classes: BTreeSet<&str> = [
            "JWTClaim",
            "JWTClaimsSet",
            "JWTBuilder",
            "SSZipArchive",
            "SSZipCommonHelper",
        ]
        .into_iter()
        .collect();
        let foreign: BTreeSet<&str> = ["SSZipOther"].into_iter().collect();
        let got = choose_prefixes(&classes, &foreign, &["NS".to_owned()], "test");
        let generic: BTreeSet<&str> = [
            "ImageUtils",
            "ImageManager",
            "Branch",
            "CircleLayer",
            "ImagePickerManager",
        ]
        .into_iter()
        .collect();
        let words: Vec<String> =
            choose_prefixes(&generic, &BTreeSet::new(), &[], "react-native-branch")
                .into_keys()
                .collect();
        assert_eq!(
            words,
            ["ImagePickerManager"],
            "two common words (`ImageUtils`, `CircleLayer`) or one (`Branch`) are no rule"
        );
        assert!(
            distinctive("SSZip", "") && distinctive("RCTBridge", "") && distinctive("Mixpanel", "")
        );
        assert!(distinctive("CodePush", "reactnativecodepush"));
        assert!(!distinctive("CodePush", "somethingelse"));
        let keys: Vec<&str> = got.keys().map(String::as_str).collect();
        // JWTClaim covers two classes; JWTBuilder shares no 5+ prefix; SSZip* would also
        // start a foreign class, so each SSZip class is its own rule.
        assert_eq!(
            keys,
            [
                "JWTBuilder",
                "JWTClaim",
                "SSZipArchive",
                "SSZipCommonHelper"
            ]
        );
        assert_eq!(got["JWTClaim"], ["JWTClaim", "JWTClaimsSet"]);
    }

    #[test]
    fn platform_namespaces_are_whole_words() {
        let reserved = ["NS".to_owned(), "CA".to_owned(), "UI".to_owned()];
        assert!(is_reserved("NSString", &reserved));
        assert!(is_reserved("CALayer", &reserved));
        assert!(
            !is_reserved("CAPBridge", &reserved),
            "Capacitor's namespace is CAP"
        );
        assert!(!is_reserved(
            "UIAlertControllerHelper2X",
            &["UIA".to_owned()]
        ));
    }
}
