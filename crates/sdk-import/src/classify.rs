//! Market, category and vendor for an imported entry, from `data/classify.toml`.

use std::collections::BTreeMap;

use appaudit_sdk::{Category, Market};
use serde::Deserialize;

const CLASSIFY_TOML: &str = include_str!("../data/classify.toml");

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

/// The compiled classification tables.
#[derive(Debug)]
pub struct Classifier {
    data: Data,
}

impl Classifier {
    /// The tables shipped in `data/classify.toml`.
    pub fn builtin() -> Result<Self, toml::de::Error> {
        let mut data: Data = toml::from_str(CLASSIFY_TOML)?;
        for group in &mut data.category {
            for k in &mut group.keywords {
                *k = k.to_lowercase();
            }
        }
        Ok(Self { data })
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

    /// The market: Chinese characters in a name or the vendor, a Chinese vendor, or a
    /// Chinese package root.
    pub fn market<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        vendor: &'a str,
        first_package: Option<&str>,
    ) -> Market {
        let vendor_lower = vendor.to_lowercase();
        let cn = names.into_iter().chain([vendor]).any(has_cjk)
            || self
                .data
                .market
                .cn_vendors
                .iter()
                .any(|v| vendor_lower.starts_with(&v.to_lowercase()))
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
}
