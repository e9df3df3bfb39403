//! The rules: stable ids, names, default severities, profiles and their documentation.
//!
//! Rule texts are data (`crates/audit/data/rules.toml`), loaded once, so `appaudit rules`,
//! `appaudit explain`, SARIF `rules[]` and the reports all say the same thing. Clause
//! references are those of `shared/reference/cn_rules.json` (CN-xx ids) and
//! `shared/research/policy_compliance.md`. A rule marked `dynamic` needs a running app:
//! it is listed and explained, never reported.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// A checkable rule's stable identifier. The numeric id never changes meaning; new rules get new numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RuleId {
    /// AA101: an SDK in the app that the policy does not name.
    SdkUndisclosed,
    /// AA102: a data type the app or an SDK reads that the policy does not declare at all.
    DataUndisclosed,
    /// AA103: a data type covered only by a broad term ("device information").
    DataVague,
    /// AA104: an SDK reads a data type its row in the policy does not list.
    SdkDataUnlisted,
    /// AA105: a dangerous or special permission with no stated purpose.
    PermissionNoPurpose,
    /// AA106: a policy statement the app contradicts.
    StatementContradicted,
    /// AA107: a policy names an SDK the app shows no sign of.
    SdkNotFound,
    /// AA108: a policy declares a data type the app shows no sign of.
    DataNotFound,
    /// AA109: hot update / dynamic code loading not disclosed.
    HotUpdate,
    /// AA110: self-start receivers not explained.
    SelfStart,
    /// AA111: non-resettable identifiers not limited to security / risk control.
    NonResettableId,
    /// AA112: special permissions.
    SpecialPermission,
    /// AA113: targetSdkVersion too low.
    TargetSdkLow,
    /// AA114: permissions restricted to a few service types.
    SensitivePermissionScope,
    /// AA115: sensitive personal information without separate consent wording.
    SensitiveNoSeparateConsent,
    /// AA116: an SDK init or sensitive read reachable from start-up code (CN-C01, static).
    StartupCollectionUnguarded,
    /// AA201: the app bundles SDKs and the policy has no SDK list.
    PolicyNoSdkList,
    /// AA202: no contact details.
    PolicyNoContact,
    /// AA203: no user-rights section.
    PolicyNoUserRights,
    /// AA204: no account-cancellation procedure.
    PolicyNoAccountCancellation,
    /// AA205: no children's section.
    PolicyNoChildrenSection,
    /// AA206: no update or effective date.
    PolicyNoUpdateDate,
    /// AA207: an open-ended data list in a collection statement.
    PolicyOpenDataList,
    /// AA208: no retention period.
    PolicyNoRetention,
    /// AA209: no storage region / cross-border statement.
    PolicyNoStorageRegion,
    /// AA210: no complaint channel or response time.
    PolicyNoComplaintChannel,
    /// AA211: no personalised ads / recommendation opt-out.
    PolicyNoAdsOptOut,
    /// AA212: no under-14 rules.
    PolicyNoUnder14Rules,
    /// AA213: no operator identity or address.
    PolicyNoOperatorIdentity,
    /// AA214: not titled as a privacy policy.
    PolicyNotStandalone,
    /// AA215: no simplified-Chinese text.
    PolicyNotChinese,
    /// AA216: an SDK row without purpose or data types.
    PolicySdkRowIncomplete,
    /// AA301: an empty or whitespace-only iOS purpose string (`NS*UsageDescription`).
    IosPurposeStringEmpty,
}

/// Each variant's id in `rules.toml`; the unit tests keep this table and the file in step.
const VARIANTS: &[(RuleId, &str)] = &[
    (RuleId::SdkUndisclosed, "AA101"),
    (RuleId::DataUndisclosed, "AA102"),
    (RuleId::DataVague, "AA103"),
    (RuleId::SdkDataUnlisted, "AA104"),
    (RuleId::PermissionNoPurpose, "AA105"),
    (RuleId::StatementContradicted, "AA106"),
    (RuleId::SdkNotFound, "AA107"),
    (RuleId::DataNotFound, "AA108"),
    (RuleId::HotUpdate, "AA109"),
    (RuleId::SelfStart, "AA110"),
    (RuleId::NonResettableId, "AA111"),
    (RuleId::SpecialPermission, "AA112"),
    (RuleId::TargetSdkLow, "AA113"),
    (RuleId::SensitivePermissionScope, "AA114"),
    (RuleId::SensitiveNoSeparateConsent, "AA115"),
    (RuleId::StartupCollectionUnguarded, "AA116"),
    (RuleId::PolicyNoSdkList, "AA201"),
    (RuleId::PolicyNoContact, "AA202"),
    (RuleId::PolicyNoUserRights, "AA203"),
    (RuleId::PolicyNoAccountCancellation, "AA204"),
    (RuleId::PolicyNoChildrenSection, "AA205"),
    (RuleId::PolicyNoUpdateDate, "AA206"),
    (RuleId::PolicyOpenDataList, "AA207"),
    (RuleId::PolicyNoRetention, "AA208"),
    (RuleId::PolicyNoStorageRegion, "AA209"),
    (RuleId::PolicyNoComplaintChannel, "AA210"),
    (RuleId::PolicyNoAdsOptOut, "AA211"),
    (RuleId::PolicyNoUnder14Rules, "AA212"),
    (RuleId::PolicyNoOperatorIdentity, "AA213"),
    (RuleId::PolicyNotStandalone, "AA214"),
    (RuleId::PolicyNotChinese, "AA215"),
    (RuleId::PolicySdkRowIncomplete, "AA216"),
    (RuleId::IosPurposeStringEmpty, "AA301"),
];

/// A rule pack: the rules one audience checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Chinese regulators (认定方法, GB/T 35273, GB/T 41391, TC260 guides).
    Cn,
    /// Apple App Store review.
    Apple,
    /// Google Play policies and Data safety.
    Play,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::Cn, Profile::Apple, Profile::Play];

    /// Parses `cn`, `apple` or `play`; `all` and anything else is `None`.
    pub fn parse(text: &str) -> Option<Profile> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Cn => "cn",
            Profile::Apple => "apple",
            Profile::Play => "play",
        }
    }
}

/// Everything documented about one rule (one `[[rule]]` of `rules.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    /// Stable id (`AA101`).
    pub id: String,
    /// Kebab-case name (`sdk-undisclosed`).
    pub name: String,
    /// Severity when the configuration does not change it.
    #[serde(rename = "severity")]
    pub default_severity: Severity,
    /// The rule packs it belongs to.
    pub profiles: Vec<Profile>,
    /// One line: what the rule finds.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// A concrete example of a finding.
    pub example: String,
    /// The clauses it serves (`认定方法 三.2`, `GB/T 35273-2020 9.2 b)`).
    pub clauses: Vec<String>,
    /// The `cn_rules.json` ids it covers (`CN-S04`).
    pub cn_rules: Vec<String>,
    /// Needs a running app: listed, never reported.
    #[serde(default)]
    pub dynamic: bool,
    /// What a static scan cannot see (for dynamic rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_dynamic: Option<String>,
}

impl RuleInfo {
    /// Whether the rule is in `profile` (`None`: every profile).
    pub fn in_profile(&self, profile: Option<Profile>) -> bool {
        profile.is_none_or(|p| self.profiles.contains(&p))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RuleInfo>,
}

const RULES_TOML: &str = include_str!("../data/rules.toml");

/// Every rule of `rules.toml`, in file order, checkable and dynamic.
static CATALOGUE: LazyLock<Vec<RuleInfo>> = LazyLock::new(|| {
    // The file is compiled in; the unit test `catalogue_parses` fails the build's tests when it does not parse,
    // so this never runs on a broken file in a tested build.
    match toml::from_str::<RuleFile>(RULES_TOML) {
        Ok(file) => file.rule,
        Err(e) => panic!("crates/audit/data/rules.toml: {e}"),
    }
});

/// Placeholder for a variant without an entry (the unit tests rule that out).
static MISSING: LazyLock<RuleInfo> = LazyLock::new(|| RuleInfo {
    id: "AA000".into(),
    name: "unknown".into(),
    default_severity: Severity::Info,
    profiles: Vec::new(),
    what: String::new(),
    why: String::new(),
    example: String::new(),
    clauses: Vec::new(),
    cn_rules: Vec::new(),
    dynamic: false,
    why_dynamic: None,
});

/// Every documented rule, checkable and dynamic, in id order.
pub fn catalogue() -> &'static [RuleInfo] {
    &CATALOGUE
}

/// Finds a documented rule (checkable or dynamic) by id or name, case-insensitive.
pub fn lookup(text: &str) -> Option<&'static RuleInfo> {
    let text = text.trim();
    catalogue()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(text) || r.name.eq_ignore_ascii_case(text))
}

impl RuleId {
    /// Every checkable rule, in id order.
    pub fn all() -> impl Iterator<Item = RuleId> {
        VARIANTS.iter().map(|(id, _)| *id)
    }

    /// The checkable rules of a profile (`None`: all), in id order.
    pub fn in_profile(profile: Option<Profile>) -> impl Iterator<Item = RuleId> {
        Self::all().filter(move |r| r.info().in_profile(profile))
    }

    /// The rule's documentation.
    pub fn info(self) -> &'static RuleInfo {
        let code = self.code();
        catalogue()
            .iter()
            .find(|r| r.id == code)
            .unwrap_or(&MISSING)
    }

    /// Stable id (`AA101`).
    pub fn code(self) -> &'static str {
        VARIANTS
            .iter()
            .find(|(id, _)| *id == self)
            .map_or("AA000", |(_, code)| code)
    }

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        &self.info().name
    }

    /// Finds a checkable rule by id (`AA101`, case-insensitive) or name (`sdk-undisclosed`).
    pub fn parse(text: &str) -> Option<RuleId> {
        let info = lookup(text)?;
        VARIANTS
            .iter()
            .find(|(_, code)| *code == info.id)
            .map(|(id, _)| *id)
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}

/// The long explanation printed by `appaudit explain`.
pub fn explain(info: &RuleInfo) -> String {
    let profiles: Vec<&str> = info.profiles.iter().map(|p| p.as_str()).collect();
    let mut text = format!(
        "{} {} (default severity: {}; profiles: {})\n\n{}\n\nWhy: {}\n\nExample: {}\n",
        info.id,
        info.name,
        info.default_severity.as_str(),
        profiles.join(", "),
        info.what,
        info.why,
        info.example
    );
    if info.dynamic {
        text.push_str("\nNeeds dynamic analysis (not reported by `appaudit audit`): ");
        text.push_str(info.why_dynamic.as_deref().unwrap_or(""));
        text.push('\n');
    }
    if !info.cn_rules.is_empty() {
        text.push_str("\nCovers: ");
        text.push_str(&info.cn_rules.join(", "));
        text.push('\n');
    }
    text.push_str("\nClauses:\n");
    for clause in &info.clauses {
        text.push_str("  - ");
        text.push_str(clause);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn catalogue_parses() {
        let file: RuleFile = toml::from_str(RULES_TOML).expect("rules.toml parses");
        assert!(file.rule.len() >= VARIANTS.len());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = "[[rule]]\nid='AA1'\nname='x'\nseverity='low'\nprofiles=[]\nwhat=''\nwhy=''\nexample=''\nclauses=[]\ncn_rules=[]\ncolour='red'\n";
        let err = toml::from_str::<RuleFile>(text).err().expect("refused");
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn every_variant_has_an_entry_and_every_checkable_entry_a_variant() {
        for (variant, code) in VARIANTS {
            let entries: Vec<_> = catalogue().iter().filter(|r| r.id == *code).collect();
            assert_eq!(entries.len(), 1, "{variant:?} {code}");
            assert!(!entries[0].dynamic, "{code} is checked but marked dynamic");
        }
        for r in catalogue().iter().filter(|r| !r.dynamic) {
            assert!(
                VARIANTS.iter().any(|(_, code)| *code == r.id),
                "{} has no RuleId variant",
                r.id
            );
        }
        let variants: BTreeSet<_> = VARIANTS.iter().map(|(v, _)| *v).collect();
        assert_eq!(variants.len(), VARIANTS.len());
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let ids: BTreeSet<_> = catalogue().iter().map(|i| i.id.as_str()).collect();
        let names: BTreeSet<_> = catalogue().iter().map(|i| i.name.as_str()).collect();
        assert_eq!(ids.len(), catalogue().len());
        assert_eq!(names.len(), catalogue().len());
        let mut previous = "";
        for info in catalogue() {
            assert!(
                info.id.len() == 5
                    && info.id.starts_with("AA")
                    && info.id[2..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                info.id
            );
            assert!(info.id.as_str() > previous, "{} out of order", info.id);
            previous = &info.id;
            assert!(
                info.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for info in catalogue() {
            assert!(info.what.len() > 20, "{}", info.id);
            assert!(info.why.len() > 20, "{}", info.id);
            assert!(info.example.len() > 10, "{}", info.id);
            assert!(!info.clauses.is_empty(), "{}", info.id);
            assert!(!info.profiles.is_empty(), "{}", info.id);
            assert_eq!(
                info.dynamic,
                info.why_dynamic.as_deref().is_some_and(|w| w.len() > 20),
                "{}: dynamic and why_dynamic go together",
                info.id
            );
        }
    }

    /// Every CN id named is one of the 31 of cn_rules.json, and each of those is covered by a rule or listed
    /// as dynamic, except the two the scan cannot check (app category, HTML emphasis).
    #[test]
    fn cn_rule_ids_are_real() {
        let known: BTreeSet<String> = (1..=12)
            .map(|i| format!("CN-P{i:02}"))
            .chain((1..=5).map(|i| format!("CN-S{i:02}")))
            .chain((1..=4).map(|i| format!("CN-C{i:02}")))
            .chain((1..=10).map(|i| format!("CN-N{i:02}")))
            .collect();
        assert_eq!(known.len(), 31);
        let covered: BTreeSet<&str> = catalogue()
            .iter()
            .flat_map(|r| r.cn_rules.iter().map(String::as_str))
            .collect();
        for id in &covered {
            assert!(known.contains(*id), "{id} is not a cn_rules.json id");
        }
        let missing: Vec<&String> = known
            .iter()
            .filter(|k| !covered.contains(k.as_str()))
            .collect();
        assert_eq!(missing, ["CN-N01", "CN-P06"]);
    }

    #[test]
    fn parse_accepts_id_and_name() {
        assert_eq!(RuleId::parse("aa101"), Some(RuleId::SdkUndisclosed));
        assert_eq!(
            RuleId::parse("statement-contradicted"),
            Some(RuleId::StatementContradicted)
        );
        assert_eq!(RuleId::parse("AA999"), None);
        // A dynamic rule is documented but not a checkable RuleId.
        assert!(lookup("AA501").is_some_and(|r| r.dynamic));
        assert_eq!(RuleId::parse("AA501"), None);
        for variant in RuleId::all() {
            assert_eq!(RuleId::parse(variant.code()), Some(variant));
            assert!(explain(variant.info()).contains(variant.name()));
        }
    }

    #[test]
    fn profiles_filter() {
        let cn = RuleId::PolicyNotChinese.info();
        assert!(cn.in_profile(Some(Profile::Cn)));
        assert!(!cn.in_profile(Some(Profile::Apple)));
        assert!(cn.in_profile(None));
    }
}
