//! What apps' SDK tables say each SDK collects, and the unknown SDKs they name with a package.
//!
//! Reads the real policies of `shared/policies` (`zh/*.md`, `*.mdx`, `*.html` and the root
//! `*.txt`) with the project's own policy reader (`appaudit-policy`), keeps the declared SDKs
//! (`reading.sdks`) and writes `imported/sdk_lists.toml`:
//!
//! * for a known SDK that states no `data_types` of its own, an `[[extend]]` with the union of
//!   the taxonomy data types its rows list, and the rows cited (`sdk-list:<file>#L<line>`).
//!   Only rows matched by an exact name, alias or package (confidence 1) count; category ids
//!   (`device_information`, `location` …) are dropped: the database records data types, and a
//!   category does not say which. An SDK with the vendor's own list keeps it.
//! * for an SDK no entry knows whose row writes a package name, a new Chinese-market entry
//!   (name as written, the package as its rule, category from the row's purpose words, the
//!   row's data types), when that package is a well-formed package of its own: not inside a
//!   database rule (already known), not enclosing one (too broad, `com.baidu`), not a cut-off
//!   spelling of one (`com.faceboo`), not a platform package (`android.permission.…`), and
//!   not listed in `data/sdk_lists.toml` as another library the row bundles.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use appaudit_policy::{Lexicon, SdkMention, read_policy_file};
use appaudit_sdk::{Category, Matcher, SignatureDb};
use appaudit_taxonomy::Taxonomy;
use serde::Deserialize;

use crate::ImportError;

/// The importer's table for this step (`data/sdk_lists.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    purpose: Vec<PurposeWords>,
    company_suffixes: Vec<String>,
    #[serde(default)]
    not_the_rows_sdk: Vec<NotTheRowsSdk>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PurposeWords {
    words: Vec<String>,
    category: Category,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotTheRowsSdk {
    package: String,
    /// The reason, for the reviewer (required, never used by the code).
    #[serde(rename = "why")]
    _why: String,
}

impl Table {
    /// The table shipped with the importer.
    pub fn builtin() -> Result<Self, toml::de::Error> {
        toml::from_str(include_str!("../data/sdk_lists.toml"))
    }

    /// The category whose word comes first in `purpose` (case-insensitive).
    pub fn category(&self, purpose: &str) -> Option<Category> {
        let purpose = purpose.to_lowercase();
        self.purpose
            .iter()
            .flat_map(|p| {
                p.words
                    .iter()
                    .filter_map(|w| purpose.find(&w.to_lowercase()))
                    .map(move |at| (at, p.category))
            })
            .min_by_key(|(at, _)| *at)
            .map(|(_, c)| c)
    }
}

/// One declared SDK row of a policy.
#[derive(Debug, Clone)]
pub struct Row {
    /// The policy file, relative to the policies directory (`zh/coolapk_privacy.md`).
    pub file: String,
    /// What the reader made of the row.
    pub sdk: SdkMention,
}

impl Row {
    /// `sdk-list:<file>#L<line>`.
    pub fn source(&self) -> String {
        format!("sdk-list:{}#L{}", self.file, self.sdk.line)
    }
}

/// The policy files this step reads, relative to `dir`, sorted.
pub fn policy_files(dir: &Path) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for (sub, exts) in [("", &["txt"][..]), ("zh", &["md", "mdx", "html"][..])] {
        let at = dir.join(sub);
        for entry in std::fs::read_dir(&at).map_err(|e| ImportError::io(&at, e))? {
            let path = entry.map_err(|e| ImportError::io(&at, e))?.path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_file() && exts.contains(&ext) && name != "README.md" {
                out.push(if sub.is_empty() {
                    name.to_owned()
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads every declared SDK row of the policies.
pub fn read_rows(dir: &Path, lexicon: &Lexicon) -> Result<Vec<Row>, ImportError> {
    let mut rows = Vec::new();
    for file in policy_files(dir)? {
        let path: PathBuf = dir.join(&file);
        let reading =
            read_policy_file(&path, lexicon).map_err(|e| ImportError::format(&path, e))?;
        // The reader numbers the lines of its normalized text; in HTML/MDX tables a row spans
        // several file lines, so the citation is moved to the file line naming the row.
        let raw = std::fs::read_to_string(&path).unwrap_or_default();
        let raw: Vec<&str> = raw.lines().collect();
        rows.extend(rows_of(&file, reading.sdks, &raw));
    }
    Ok(rows)
}

/// The SDK table rows and list items of one file's reading (sentences naming several SDKs
/// are no list of one), cited at the file line naming the row (`raw`: the file's lines).
pub fn rows_of(file: &str, sdks: Vec<SdkMention>, raw: &[&str]) -> Vec<Row> {
    sdks.into_iter()
        .filter(|sdk| matches!(sdk.reason.as_str(), "sdk_table_row" | "sdk_list_item"))
        .map(|mut sdk| {
            sdk.line = file_line(raw, sdk.line, &sdk.name_in_text);
            Row {
                file: file.to_owned(),
                sdk,
            }
        })
        .collect()
}

/// The 1-based file line naming `name`: the reader's `line` when it does, else the nearest
/// line that does (the earlier on a tie), else `line`.
pub fn file_line(raw: &[&str], line: usize, name: &str) -> usize {
    let names = |l: &usize| {
        l.checked_sub(1)
            .and_then(|i| raw.get(i))
            .is_some_and(|t| t.contains(name))
    };
    if name.is_empty() || names(&line) {
        return line;
    }
    (1..=raw.len())
        .filter(names)
        .min_by_key(|l| (l.abs_diff(line), *l))
        .unwrap_or(line)
}

/// What this step produced.
#[derive(Debug, Default)]
pub struct SdkLists {
    /// `imported/sdk_lists.toml`.
    pub text: String,
    /// Known SDKs given a list, Chinese-market.
    pub lists_cn: usize,
    /// Known SDKs given a list, other markets.
    pub lists_global: usize,
    /// Known SDKs whose rows list data types but which keep the vendor's own list.
    pub kept_vendor_list: usize,
    /// Known SDKs whose own list lacks types their apps' tables state: (id, those types).
    pub vendor_list_gaps: Vec<(String, Vec<String>)>,
    /// New entries (unknown SDKs with a package in their row).
    pub new_entries: usize,
    /// Rows or packages left out, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
}

/// Whether `p` is a dotted Java package a rule can hold: two or more lower-case segments.
fn is_package(p: &str) -> bool {
    let segments: Vec<&str> = p.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            let mut chars = s.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

const PLATFORM_PACKAGES: [&str; 4] = ["android.", "androidx.", "java.", "javax."];

/// A kebab-case id from a package (`com.atlas.statistic` → `com-atlas-statistic`).
fn id_of(package: &str) -> String {
    package.replace(['.', '_'], "-")
}

/// The row's name as written, without a trailing `（package）` / `(package)`.
fn name_of(sdk: &SdkMention, package: &str) -> String {
    let name = sdk.name_in_text.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = name.strip_suffix(close).and_then(|n| n.rsplit_once(open))
            && inner.1.trim() == package
            && !inner.0.trim().is_empty()
        {
            return inner.0.trim().to_owned();
        }
    }
    name.to_owned()
}

/// A name without a trailing parenthesized remark (`bilibili游戏SDK（com.base.commonlib）`).
fn base_name(name: &str) -> &str {
    let name = name.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some((head, _)) = name.strip_suffix(close).and_then(|n| n.rsplit_once(open))
            && !head.trim().is_empty()
        {
            return head.trim();
        }
    }
    name
}

/// The first cell of the row that ends with a company suffix.
fn vendor_of(sdk: &SdkMention, table: &Table) -> Option<String> {
    sdk.quote
        .split(['|', '｜'])
        .map(str::trim)
        .find(|cell| {
            table
                .company_suffixes
                .iter()
                .any(|s| cell.ends_with(s.as_str()) && cell.chars().count() > s.chars().count())
        })
        .map(str::to_owned)
}

fn quote(s: &str) -> String {
    crate::emit::quote(s)
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds `sdk_lists.toml` from the rows; `db` is the database the reader matched against
/// (hand-written plus the public lists' entries, never this file's own).
pub fn build(rows: &[Row], db: &SignatureDb, taxonomy: &Taxonomy, table: &Table) -> SdkLists {
    let mut out = SdkLists::default();
    let leaf = |id: &String| taxonomy.get(id).is_some();
    // Known SDKs: id -> (data types, sources).
    let mut lists: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for row in rows {
        let Some(id) = &row.sdk.sdk_id else {
            continue;
        };
        if row.sdk.data_types.is_empty() {
            continue;
        }
        if row.sdk.confidence < 1.0 {
            *out.skipped
                .entry("rows matched by a fuzzy name or a cut-off package")
                .or_default() += 1;
            continue;
        }
        let (types, categories): (Vec<&String>, Vec<&String>) =
            row.sdk.data_types.iter().partition(|t| leaf(t));
        *out.skipped
            .entry("category ids dropped from rows")
            .or_default() += categories.len();
        if types.is_empty() {
            *out.skipped
                .entry("rows listing categories only")
                .or_default() += 1;
            continue;
        }
        let slot = lists.entry(id.clone()).or_default();
        slot.0.extend(types.into_iter().cloned());
        slot.1.insert(row.source());
    }
    let mut text = String::from(
        "# GENERATED by `cargo run -p appaudit-sdk-import` from the apps' SDK tables in\n\
         # ../shared/policies, read by appaudit's policy reader. Do not edit: see\n\
         # crates/sdk-import/src/sdk_lists.rs and crates/sdk-import/data/sdk_lists.toml.\n\
         # What an app's SDK table says an SDK collects (taxonomy ids), for entries without the\n\
         # vendor's own list, and the Chinese-market SDKs those tables name with a package.\n\
         generated = true\n",
    );
    for (id, (types, sources)) in &lists {
        let Some(sdk) = db.get(id) else {
            continue;
        };
        if !sdk.data_types.is_empty() {
            out.kept_vendor_list += 1;
            let missing: Vec<String> = types
                .iter()
                .filter(|t| !sdk.data_types.contains(t))
                .cloned()
                .collect();
            if !missing.is_empty() {
                out.vendor_list_gaps.push((id.clone(), missing));
            }
            continue;
        }
        match sdk.market {
            appaudit_sdk::Market::Cn => out.lists_cn += 1,
            _ => out.lists_global += 1,
        }
        let types: Vec<String> = types.iter().cloned().collect();
        let sources: Vec<String> = sources.iter().cloned().collect();
        let _ = write!(
            text,
            "\n[[extend]]\nid = {}\ndata_types = [{}]\ndata_types_source = {}\n",
            quote(id),
            list(&types),
            quote(&sources.join(", "))
        );
    }
    out.new_entries = new_entries(rows, db, taxonomy, table, &mut text, &mut out.skipped);
    out.text = text;
    out
}

/// Writes the new entries; returns how many.
fn new_entries(
    rows: &[Row],
    db: &SignatureDb,
    taxonomy: &Taxonomy,
    table: &Table,
    text: &mut String,
    skipped: &mut BTreeMap<&'static str, usize>,
) -> usize {
    let matcher = Matcher::new(db);
    let db_packages: Vec<&str> = db.sdks().iter().flat_map(|s| s.java_packages()).collect();
    let all_names: BTreeSet<String> = rows
        .iter()
        .map(|r| base_name(&r.sdk.name_in_text).to_lowercase())
        .collect();
    let mut seen = BTreeSet::new();
    let mut new_packages: Vec<String> = Vec::new();
    let mut written = 0;
    for row in rows.iter().filter(|r| r.sdk.sdk_id.is_none()) {
        let mut packages = Vec::new();
        for p in &row.sdk.packages_in_text {
            let reason = if PLATFORM_PACKAGES.iter().any(|x| p.starts_with(x)) {
                Some("platform packages (android.permission.…) in rows")
            } else if !is_package(p) {
                Some("malformed packages in rows")
            } else if matcher.match_class(&format!("{p}.X")).is_some() {
                Some("row packages already in the database")
            } else if db_packages
                .iter()
                .copied()
                .chain(new_packages.iter().map(String::as_str))
                .any(|d| d.starts_with(p.as_str()) && d.len() > p.len())
            {
                Some("row packages enclosing or cut off from a database rule")
            } else if new_packages
                .iter()
                .any(|d| p.starts_with(&format!("{d}.")) || p == d)
            {
                Some("row packages of an SDK already added from an earlier row")
            } else if table.not_the_rows_sdk.iter().any(|x| x.package == *p) {
                Some("row packages of another library the row bundles")
            } else {
                None
            };
            match reason {
                Some(why) => *skipped.entry(why).or_default() += 1,
                None => packages.push(p.clone()),
            }
        }
        let Some(first) = packages.first() else {
            continue;
        };
        let Some(category) = row.sdk.purpose.as_deref().and_then(|p| table.category(p)) else {
            *skipped
                .entry("new SDKs without a purpose word for a category")
                .or_default() += 1;
            continue;
        };
        let vendor = vendor_of(&row.sdk, table);
        let mut name = name_of(&row.sdk, first);
        // A name other rows' names contain (`游戏联运SDK` in `小米游戏联运SDK`) is no name of
        // one product: the policy reader would give those rows to this entry. It is kept only
        // qualified by the vendor its row names.
        let lower = name.to_lowercase();
        if all_names
            .iter()
            .any(|n| n.len() > lower.len() && n.contains(&lower))
        {
            let Some(v) = &vendor else {
                *skipped
                    .entry("new SDKs whose name is generic and whose row names no vendor")
                    .or_default() += 1;
                continue;
            };
            name = format!("{name}（{v}）");
        }
        if db.get(&id_of(first)).is_some() {
            *skipped
                .entry("new SDKs whose id an entry already has")
                .or_default() += 1;
            continue;
        }
        if !seen.insert(first.clone()) {
            continue;
        }
        new_packages.extend(packages.iter().cloned());
        let types: Vec<String> = row
            .sdk
            .data_types
            .iter()
            .filter(|t| taxonomy.get(t).is_some())
            .cloned()
            .collect();
        let category = serde_json::to_value(category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = write!(
            text,
            "\n[[sdk]]\nid = {}\nname = {}\nvendor = {}\n",
            quote(&id_of(first)),
            quote(&name),
            quote(vendor.as_deref().unwrap_or(&name))
        );
        if let Some(v) = &vendor {
            let _ = writeln!(text, "vendor_zh = {}", quote(v));
        }
        let _ = write!(
            text,
            "market = \"cn\"\ncategory = {}\nplatforms = [\"android\"]\n",
            quote(&category)
        );
        if !types.is_empty() {
            let _ = writeln!(
                text,
                "data_types = [{}]\ndata_types_source = {}",
                list(&types),
                quote(&row.source())
            );
        }
        let _ = write!(
            text,
            "source = {}\nnotes = \"imported from an app's SDK table\"\n[sdk.rules]\njava_packages = [{}]\n",
            quote(&row.source()),
            list(&packages)
        );
        written += 1;
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = r#"
[[sdk]]
id = "alpha"
name = "Alpha推送"
vendor = "Alpha"
market = "cn"
category = "push"
platforms = ["android"]
source = "test"
[sdk.rules]
java_packages = ["com.alpha.push"]

[[sdk]]
id = "beta"
name = "Beta统计"
vendor = "Beta"
market = "cn"
category = "analytics"
platforms = ["android"]
data_types = ["oaid"]
data_types_source = "https://beta.example/privacy"
source = "test"
[sdk.rules]
java_packages = ["com.beta.stat"]
"#;

    const POLICY: &str = "# 第三方SDK目录\n\n\
| SDK名称 | 包名 | 使用目的 | 收集的个人信息 |\n\
| --- | --- | --- | --- |\n\
| Alpha推送 | com.alpha.push | 消息推送 | IMEI、设备信息 |\n\
| Beta统计 | com.beta.stat | 统计分析 | IMEI |\n\
| Gamma统计SDK | com.gamma.stat | 统计分析 | Android ID |\n\
| Delta广告SDK | android.permission.READ_PHONE_STATE | 广告投放 | IMEI |\n\
| Epsilon SDK | com.alpha | 推送 | IMEI |\n";

    fn small_table() -> SdkLists {
        read_small(POLICY)
    }

    fn read_small(policy: &str) -> SdkLists {
        let db = SignatureDb::from_toml("t.toml", DB).expect("db");
        let taxonomy = Taxonomy::builtin().expect("taxonomy");
        let lexicon = Lexicon::new(&taxonomy, &db).expect("lexicon");
        let reading = appaudit_policy::read_policy_text(
            policy,
            appaudit_policy::FormatHint::Markdown,
            &lexicon,
        )
        .expect("reads");
        let raw: Vec<&str> = policy.lines().collect();
        let rows = rows_of("zh/t.md", reading.sdks, &raw);
        build(&rows, &db, &taxonomy, &Table::builtin().expect("table"))
    }

    #[test]
    fn a_small_table_gives_lists_and_new_entries() {
        let out = small_table();
        let text = &out.text;
        // Alpha: its row's IMEI, the category 设备信息 dropped, cited at its line (5).
        assert!(
            text.contains(
                "[[extend]]\nid = \"alpha\"\ndata_types = [\"imei\"]\ndata_types_source = \"sdk-list:zh/t.md#L5\"\n"
            ),
            "{text}"
        );
        // Beta keeps the vendor's own list.
        assert!(!text.contains("id = \"beta\""), "{text}");
        assert_eq!(out.kept_vendor_list, 1);
        // Gamma is new, an analytics SDK with its package; Delta has only a permission,
        // Epsilon's `com.alpha` encloses Alpha's rule: neither is added.
        assert_eq!(out.new_entries, 1, "{text}");
        assert!(
            text.contains("id = \"com-gamma-stat\"\nname = \"Gamma统计SDK\""),
            "{text}"
        );
        assert!(text.contains("category = \"analytics\""), "{text}");
        assert!(
            text.contains("java_packages = [\"com.gamma.stat\"]"),
            "{text}"
        );
        assert!(
            text.contains(
                "data_types = [\"android_id\"]\ndata_types_source = \"sdk-list:zh/t.md#L7\""
            ),
            "{text}"
        );
        assert!(!text.contains("com.alpha\""), "{text}");
        assert!(!text.contains("android.permission"), "{text}");
        // What was written loads with the database it was read against.
        SignatureDb::from_named_files([
            ("t.toml".to_owned(), DB),
            ("sdk_lists.toml".to_owned(), text.as_str()),
        ])
        .expect("loads");
    }

    /// Caught by the policy reader's labelled evaluation: an entry named `游戏联运SDK` (OPPO's
    /// row) took the rows of 小米/百度/联想游戏联运SDK, and the held-out SDK recall fell below its bar.
    #[test]
    fn a_generic_row_name_is_qualified_by_its_vendor() {
        let policy = "# 第三方SDK目录\n\n\
| SDK名称 | 包名 | 公司 | 使用目的 | 收集的个人信息 |\n\
| --- | --- | --- | --- | --- |\n\
| 游戏联运SDK | com.union.game | 甲乙科技有限公司 | 登录、支付 | IMEI |\n\
| 丙丁游戏联运SDK | com.bingding.game | 丙丁网络有限公司 | 登录、支付 | IMEI |\n";
        let out = read_small(policy);
        assert!(
            out.text
                .contains("name = \"游戏联运SDK（甲乙科技有限公司）\""),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("name = \"丙丁游戏联运SDK\""),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("vendor_zh = \"丙丁网络有限公司\""),
            "{}",
            out.text
        );
    }

    #[test]
    fn a_citation_moves_to_the_file_line_naming_the_row() {
        let raw = [
            "<tr>",
            "<td>Alpha推送</td>",
            "<td>IMEI</td>",
            "<td>Alpha推送</td>",
        ];
        assert_eq!(file_line(&raw, 3, "Alpha推送"), 2);
        assert_eq!(file_line(&raw, 4, "Alpha推送"), 4);
        assert_eq!(file_line(&raw, 3, "Nowhere"), 3);
    }

    #[test]
    fn purpose_words_pick_the_first_named_category() {
        let table = Table::builtin().expect("table");
        assert_eq!(
            table.category("登录、支付、推送"),
            Some(Category::LoginShare)
        );
        assert_eq!(
            table.category("精准统计分析用户数据"),
            Some(Category::Analytics)
        );
        assert_eq!(table.category("用于渲染页面"), None);
    }

    #[test]
    fn packages_are_checked_for_shape() {
        assert!(is_package("com.atlas.statistic"));
        assert!(!is_package("READ_EXTERNAL_STORAG"));
        assert!(!is_package("com"));
        assert!(!is_package("com.Foo"));
    }
}
