//! AA117 collection-beyond-necessary-scope (CN-N01): with the app's service type given
//! (`audit --app-type`), each data type the app's or an SDK's code reads that the type's
//! necessary personal information (常见类型App必要个人信息范围规定 第五条) does not include is one
//! finding: the data may be collected for an extended function, but refusing it must not cost the
//! user the basic service (第四条). The table is data (`crates/audit/data/necessary_pi.toml`),
//! loaded once. Data types granted only by a permission, with no read seen in code, are not
//! reported here (AA105 and AA114 judge the permissions themselves).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES, quote_of};
use crate::model::{Finding, PolicyEvidence};

/// One service type of 第五条 and its necessary personal information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceType {
    /// The item of 第五条 (1–39).
    pub number: u8,
    /// English slug (`map_navigation`), accepted by `--app-type`.
    pub id: String,
    /// Chinese name without the trailing 类 (`地图导航`), accepted by `--app-type` with or without 类.
    pub zh: String,
    /// English name.
    pub en: String,
    /// The basic function service the article names.
    pub service: String,
    /// Taxonomy ids of the necessary personal information (empty: none needed).
    pub necessary: Vec<String>,
    /// The article's items that have no taxonomy id (entered by the user, not read from the device).
    pub unmapped: Vec<String>,
    /// Article and item (`第五条（三十八）`).
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    /// The regulation's full title.
    source: String,
    #[serde(rename = "type")]
    types: Vec<ServiceType>,
}

const NECESSARY_TOML: &str = include_str!("../../data/necessary_pi.toml");

/// The table, loaded once. It is compiled in and parsed by the unit test `table_parses_with_the_39_items`,
/// so a broken file fails the tests, never a tested build.
static TABLE: LazyLock<Table> = LazyLock::new(|| match toml::from_str(NECESSARY_TOML) {
    Ok(t) => t,
    Err(e) => panic!("crates/audit/data/necessary_pi.toml: {e}"),
});

/// Every service type of 第五条, in article order.
pub fn service_types() -> &'static [ServiceType] {
    &TABLE.types
}

impl ServiceType {
    /// Finds a type by slug (case-insensitive) or Chinese name, with or without the trailing 类.
    pub fn lookup(text: &str) -> Option<&'static ServiceType> {
        let text = text.trim();
        let zh = text.strip_suffix('类').unwrap_or(text);
        service_types()
            .iter()
            .find(|t| t.id.eq_ignore_ascii_case(text) || t.zh == zh)
    }

    /// Whether `data_type` is necessary personal information of this type.
    pub fn is_necessary(&self, data_type: &str) -> bool {
        self.necessary.iter().any(|n| n == data_type)
    }

    /// `实用工具类 (utility_tools)`.
    pub fn label(&self) -> String {
        format!("{}类 ({})", self.zh, self.id)
    }

    /// The regulation's title and the type's item (`…规定 第五条（三十八）`).
    pub fn citation(&self) -> String {
        format!("{} {}", TABLE.source, self.source)
    }
}

impl Ctx<'_> {
    /// AA117: one finding per data type read in code beyond the declared type's necessary scope.
    pub(super) fn beyond_necessary(&self, out: &mut Vec<Finding>) {
        let Some(app_type) = self.app_type else {
            return;
        };
        let rule = RuleId::BeyondNecessaryScope;
        let scope = if app_type.necessary.is_empty() {
            "none".to_owned()
        } else {
            let names: Vec<String> = app_type
                .necessary
                .iter()
                .map(|id| self.type_names(id).0)
                .collect();
            names.join(", ")
        };
        for access in &self.inv.data_access {
            if access.accessors.is_empty() || app_type.is_necessary(&access.data_type) {
                continue;
            }
            let mut readers: Vec<String> = Vec::new();
            for a in &access.accessors {
                let name = match a.sdk.as_deref() {
                    Some(s) => self.sdk_name(s),
                    None => "the app's own code".to_owned(),
                };
                if !readers.contains(&name) {
                    readers.push(name);
                }
            }
            let mut f = self.finding(
                rule,
                (self.severity)(rule),
                format!(
                    "{} is read by {}, beyond the necessary PI of a {} app ({}: {}); refusing it must not cost the basic service (第四条)",
                    access.name_en,
                    readers.join(", "),
                    app_type.label(),
                    app_type.source,
                    scope,
                ),
            );
            f.data_type = Some(access.data_type.clone());
            f.app_evidence = self.data_evidence(access, None);
            let (_, mentions) = self.classify(&access.data_type, self.policy.data_types.iter());
            if mentions.is_empty() {
                f.policy_evidence.push(PolicyEvidence::not_mentioned(format!(
                    "the policy does not mention {}; if collected, it must be optional and the basic service must work without it",
                    access.name_en
                )));
            } else {
                f.policy_evidence
                    .extend(mentions.into_iter().take(EVIDENCE_SAMPLES).map(quote_of));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn table_parses_with_the_39_items() {
        let table: Table = toml::from_str(NECESSARY_TOML).expect("necessary_pi.toml parses");
        let numbers: Vec<u8> = table.types.iter().map(|t| t.number).collect();
        assert_eq!(
            numbers,
            (1..=39).collect::<Vec<u8>>(),
            "the 39 items, in order"
        );
        let ids: BTreeSet<&str> = table.types.iter().map(|t| t.id.as_str()).collect();
        let zh: BTreeSet<&str> = table.types.iter().map(|t| t.zh.as_str()).collect();
        assert_eq!(ids.len(), 39);
        assert_eq!(zh.len(), 39);
        for t in &table.types {
            assert!(
                t.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                t.id
            );
            assert!(!t.zh.ends_with('类'), "{}: name without 类", t.zh);
            assert!(t.source.starts_with("第五条（"), "{}", t.source);
        }
    }

    #[test]
    fn every_necessary_id_is_a_taxonomy_data_type() {
        let taxonomy: serde_json::Value =
            serde_json::from_str(include_str!("../../../../data/taxonomy.json")).unwrap();
        let known: BTreeSet<&str> = taxonomy["data_types"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["id"].as_str())
            .collect();
        assert!(known.len() > 40);
        for t in service_types() {
            for id in &t.necessary {
                assert!(
                    known.contains(id.as_str()),
                    "{}: {id} not in taxonomy",
                    t.id
                );
            }
        }
    }

    /// 第五条 (二十一) and (二十七)–(三十八): "无须个人信息，即可使用基本功能服务"; every other item names the
    /// registered user's phone number or, for 地图导航 and 邮件快件寄递 (which have none), location / the sender's phone.
    #[test]
    fn the_no_pi_types_are_exactly_21_and_27_to_38() {
        let empty: Vec<u8> = service_types()
            .iter()
            .filter(|t| t.necessary.is_empty() && t.unmapped.is_empty())
            .map(|t| t.number)
            .collect();
        let want: Vec<u8> = std::iter::once(21).chain(27..=38).collect();
        assert_eq!(empty, want);
        let map = ServiceType::lookup("map_navigation").unwrap();
        assert!(map.is_necessary("precise_location"));
        assert!(!map.is_necessary("phone_number"));
        for t in service_types().iter().filter(|t| !want.contains(&t.number)) {
            assert!(
                t.number == 1 || t.is_necessary("phone_number"),
                "{}: the article names a phone number",
                t.id
            );
        }
    }

    #[test]
    fn lookup_accepts_slug_and_chinese_name() {
        assert_eq!(ServiceType::lookup("实用工具").map(|t| t.number), Some(38));
        assert_eq!(
            ServiceType::lookup("实用工具类").map(|t| t.number),
            Some(38)
        );
        assert_eq!(
            ServiceType::lookup(" Utility_Tools ").map(|t| t.number),
            Some(38)
        );
        assert_eq!(ServiceType::lookup("地图导航").map(|t| t.number), Some(1));
        assert_eq!(ServiceType::lookup("calculator"), None);
        assert_eq!(ServiceType::lookup("类"), None);
        assert_eq!(ServiceType::lookup(""), None);
        assert!(
            ServiceType::lookup("utility_tools")
                .unwrap()
                .citation()
                .contains("第五条（三十八）")
        );
    }
}
