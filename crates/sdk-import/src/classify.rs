//! Market, category and vendor for an imported entry, from `data/classify.toml`.

use std::collections::BTreeMap;

use appaudit_sdk::{Category, Market};
use serde::Deserialize;

const CLASSIFY_TOML: &str = include_str!("../data/classify.toml");
const VENDORS_TOML: &str = include_str!("../data/vendors.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    #[serde(default)]
    generic_hosts: Vec<String>,
    category: Vec<CategoryKeywords>,
    source_categories: BTreeMap<String, Category>,
    market: MarketData,
    vendors: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryKeywords {
    category: Category,
    keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketData {
    cn_vendors: Vec<String>,
    cn_package_roots: Vec<String>,
}

/// `data/vendors.toml`: sourced vendor -> market facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorFile {
    vendor: Vec<VendorRow>,
}

/// One row of `data/vendors.toml`: who a vendor is, its market, and where that is stated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorRow {
    /// Vendor names as the lists write them (compared case-insensitively, whole).
    #[serde(default)]
    pub vendors: Vec<String>,
    /// Package roots only this vendor's code uses.
    #[serde(default)]
    pub packages: Vec<String>,
    /// The vendor's market.
    pub market: Market,
    /// Who the vendor is.
    pub company: String,
    /// Where that is stated.
    pub source: String,
}

/// How an entry's market was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketDecision {
    /// The market.
    pub market: Market,
    /// What the general rules of `classify.toml` alone say.
    pub by_rules: Market,
    /// Whether a row of `vendors.toml` decided it.
    pub by_vendor_table: bool,
    /// Which row (index in [`Classifier::vendor_rows`]).
    pub row: Option<usize>,
}

/// The compiled classification tables.
#[derive(Debug)]
pub struct Classifier {
    data: Data,
    vendor_rows: Vec<VendorRow>,
}

/// Whether a dotted package or class lies under a package root (at a segment boundary).
fn under(package: &str, root: &str) -> bool {
    let root = root.trim_end_matches('.');
    package == root
        || package
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('.'))
}

impl Classifier {
    /// The tables shipped in `data/classify.toml`.
    pub fn builtin() -> Result<Self, crate::ImportError> {
        let mut data: Data = toml::from_str(CLASSIFY_TOML).map_err(crate::ImportError::Classify)?;
        for group in &mut data.category {
            for k in &mut group.keywords {
                *k = k.to_lowercase();
            }
        }
        let vendors: VendorFile =
            toml::from_str(VENDORS_TOML).map_err(crate::ImportError::Vendors)?;
        Ok(Self {
            data,
            vendor_rows: vendors.vendor,
        })
    }

    /// The rows of `data/vendors.toml`.
    pub fn vendor_rows(&self) -> &[VendorRow] {
        &self.vendor_rows
    }

    /// The `vendors.toml` row naming this vendor, or owning one of these packages (a vendor
    /// name match first, then the first row owning a package, in file order).
    pub fn vendor_row(&self, vendor: &str, packages: &[&str]) -> Option<(usize, &VendorRow)> {
        let mut rows = self.vendor_rows.iter().enumerate();
        rows.clone()
            .find(|(_, row)| row.vendors.iter().any(|v| v.eq_ignore_ascii_case(vendor)))
            .or_else(|| {
                rows.find(|(_, row)| {
                    row.packages
                        .iter()
                        .any(|root| packages.iter().any(|p| under(p, root)))
                })
            })
    }

    /// The market of an entry: a sourced row of `vendors.toml` (by vendor name or by any of
    /// the entry's packages) wins; else the general rules ([`Classifier::market`]) on its
    /// first package.
    pub fn decide_market<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        vendor: &'a str,
        packages: &[&'a str],
    ) -> MarketDecision {
        let by_rules = self.market(names, vendor, packages.first().copied());
        match self.vendor_row(vendor, packages) {
            Some((i, row)) => MarketDecision {
                market: row.market,
                by_rules,
                by_vendor_table: true,
                row: Some(i),
            },
            None => MarketDecision {
                market: by_rules,
                by_rules,
                by_vendor_table: false,
                row: None,
            },
        }
    }

    /// Whether a host (as appaudit writes host rules) is too generic to name one SDK.
    pub fn is_generic_host(&self, host: &str) -> bool {
        self.data.generic_hosts.iter().any(|h| h == host)
    }

    /// The category: the first keyword group matching one of `names` (in order), else the
    /// first source category the tables know, else `utility`.
    pub fn category<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str> + Clone,
        source_categories: impl IntoIterator<Item = &'a str>,
    ) -> Category {
        for name in names {
            let name = name.to_lowercase();
            for group in &self.data.category {
                if group.keywords.iter().any(|k| contains_keyword(&name, k)) {
                    return group.category;
                }
            }
        }
        source_categories
            .into_iter()
            .find_map(|c| self.data.source_categories.get(c.trim()).copied())
            .unwrap_or(Category::Utility)
    }

    /// The market by the general rules: Chinese characters in a name or the vendor, a
    /// Chinese vendor (the vendor's name is one of `cn_vendors` or starts with one followed
    /// by a non-alphanumeric character: "Qihoo 360 Qcoinpay", not "360Dialog" nor "JDOM"),
    /// or a Chinese package root.
    pub fn market<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        vendor: &'a str,
        first_package: Option<&str>,
    ) -> Market {
        let vendor_lower = vendor.to_lowercase();
        let cn = names.into_iter().chain([vendor]).any(has_cjk)
            || self.data.market.cn_vendors.iter().any(|v| {
                vendor_lower
                    .strip_prefix(&v.to_lowercase())
                    .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
            })
            || first_package.is_some_and(|p| {
                let dotted = format!("{p}.");
                self.data.market.cn_package_roots.iter().any(|root| {
                    let root = root.trim_end_matches('.');
                    dotted.starts_with(&format!("{root}."))
                })
            });
        if cn { Market::Cn } else { Market::Global }
    }

    /// The vendor owning a package root, for lists that name none (longest root wins).
    pub fn vendor_of_package(&self, package: &str) -> Option<&str> {
        self.data
            .vendors
            .iter()
            .filter(|(root, _)| {
                package == root.as_str() || package.starts_with(&format!("{root}."))
            })
            .max_by_key(|(root, _)| root.len())
            .map(|(_, vendor)| vendor.as_str())
    }
}

/// Whether the text has a CJK ideograph.
pub fn has_cjk(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
}

/// Substring match; a Latin keyword of 4 characters or fewer must be a whole word
/// (`ads` in "Unity Ads", not in "downloads").
fn contains_keyword(name: &str, keyword: &str) -> bool {
    let short_latin = keyword.len() <= 4 && keyword.is_ascii();
    if !short_latin {
        return name.contains(keyword);
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    name.match_indices(keyword).any(|(i, m)| {
        !word(name[..i].chars().next_back()) && !word(name[i + m.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_come_from_names_then_the_source() {
        let c = Classifier::builtin().expect("classify.toml parses");
        assert_eq!(c.category(["极光推送"], []), Category::Push);
        assert_eq!(c.category(["Unity Ads"], []), Category::Ads);
        assert_eq!(c.category(["Downloads helper"], []), Category::Utility);
        assert_eq!(c.category(["Teemo"], ["Location"]), Category::MapsLocation);
        assert_eq!(
            c.category(["OkHttp3"], ["Development Aid"]),
            Category::Utility
        );
    }

    #[test]
    fn markets_come_from_names_vendors_and_packages() {
        let c = Classifier::builtin().expect("classify.toml parses");
        assert_eq!(c.market(["智齿客服 SDK"], "智齿科技", None), Market::Cn);
        assert_eq!(c.market(["Bugly"], "Tencent", None), Market::Cn);
        assert_eq!(
            c.market(["Foo"], "Foo", Some("com.tencent.foo")),
            Market::Cn
        );
        assert_eq!(
            c.market(["Foo"], "Foo", Some("com.tencentx")),
            Market::Global
        );
        assert_eq!(
            c.market(["AppsFlyer"], "AppsFlyer", Some("com.appsflyer")),
            Market::Global
        );
        assert_eq!(c.vendor_of_package("com.tencent.bugly"), Some("Tencent"));
    }

    #[test]
    fn a_vendor_prefix_ends_at_a_word_boundary() {
        // Regression: "360" made 360Dialog (Berlin) and "JD" made JDOM Chinese.
        let c = Classifier::builtin().expect("classify.toml parses");
        assert_eq!(c.market(["360Dialog"], "360Dialog", None), Market::Global);
        assert_eq!(
            c.market(["JDOM2"], "JDOM2", Some("org.jdom2")),
            Market::Global
        );
        assert_eq!(
            c.market(["Qcoinpay"], "Qihoo 360 Qcoinpay", None),
            Market::Cn
        );
        assert_eq!(
            c.market(["MindSpore"], "Huawei, MindSpore Community", None),
            Market::Cn
        );
    }

    #[test]
    fn the_vendor_table_decides_with_a_source() {
        let c = Classifier::builtin().expect("vendors.toml parses");
        // A package of the entry other than the first one names the vendor.
        let d = c.decide_market(["Alimama"], "Alimama", &["com.adsmogo", "com.alimama"]);
        assert_eq!(d.market, Market::Cn);
        assert!(d.by_vendor_table);
        // A Chinese list label does not make Coil Chinese.
        let d = c.decide_market(["Coil 图片加载"], "open-source", &["coil"]);
        assert_eq!((d.market, d.by_rules), (Market::Global, Market::Cn));
        // No row: the general rules.
        let d = c.decide_market(["AppsFlyer"], "AppsFlyer", &["com.appsflyer"]);
        assert_eq!((d.market, d.by_vendor_table), (Market::Global, false));
        for row in c.vendor_rows() {
            assert!(
                row.source.starts_with("http") && !row.company.is_empty(),
                "every vendor fact names who and where: {row:?}"
            );
            assert!(
                !row.vendors.is_empty() || !row.packages.is_empty(),
                "{row:?}"
            );
        }
    }
}
