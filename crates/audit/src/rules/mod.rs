//! The rules: stable ids, names, default severities, profiles and their documentation.
//!
//! Rule texts are data (`crates/audit/data/rules.toml`), loaded once, so `appaudit rules`,
//! `appaudit explain`, SARIF `rules[]` and the reports all say the same thing. Clause
//! references are those of `shared/reference/cn_rules.json` (CN-xx ids) and
//! `shared/research/policy_compliance.md`. A rule marked `dynamic` needs a running app:
//! it is listed and explained, never reported.
//!
//! Each check lives in the file of its group and names its rule ids at the top; the texts stay
//! in `rules.toml` (one source), reachable from a check by [`RuleId::info`]:
//!
//! | Rules | File |
//! |---|---|
//! | AA101 sdk-undisclosed, AA107 sdk-not-found | `rules/sdk.rs` |
//! | AA102 data-undisclosed, AA103 data-vague, AA104 sdk-data-unlisted, AA108 data-not-found | `rules/data.rs` |
//! | AA105 permission-no-purpose | `rules/permissions.rs` |
//! | AA106 statement-contradicted | `rules/contradicted.rs` |
//! | AA109–AA115 (Chinese pack, app side) | `rules/cn/app.rs` |
//! | AA116 startup-collection-unguarded (CN-C01, static) | `rules/startup.rs` |
//! | AA117 collection-beyond-necessary-scope (CN-N01, `audit --app-type`) | `rules/necessary.rs` |
//! | AA201–AA206 (policy structure) | `rules/sections.rs` |
//! | AA207–AA216 (Chinese pack, policy text) | `rules/cn/policy_text.rs` |
//! | AA217 sensitive-pi-not-marked (CN-P06) | `rules/sensitive_marked.rs` |
//! | AA301–AA304 (`audit --declared`) | `declared/play.rs`, `declared/apple.rs` |
//! | AA305 ios-purpose-string-empty | `rules/ios_purpose.rs` |
//!
//! `rules/context.rs` holds what they share: the joined inventory and policy ([`Knowledge`],
//! the comparison context), disclosure classes and evidence helpers.

use std::sync::LazyLock;

mod cn;
pub(crate) mod context;
mod contradicted;
mod data;
mod ios_purpose;
mod necessary;
mod permissions;
mod sdk;
mod sections;
mod sensitive_marked;
mod startup;

pub use context::Knowledge;
pub(crate) use context::{Comparison, SeverityOf, compare, sort_findings};
pub use necessary::{ServiceType, service_types};

use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// Declares [`RuleId`] with its stable ids: the enum, [`RuleId::ALL`] (in id order) and the
/// exhaustive [`RuleId::code`] come from one list, so a variant cannot lack an id.
macro_rules! rule_ids {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// A checkable rule's stable identifier. The numeric id never changes meaning; new rules get new numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $( $(#[$doc])* $variant, )*
        }

        impl RuleId {
            /// Every checkable rule, in id order (the declaration order).
            pub const ALL: &'static [RuleId] = &[ $( RuleId::$variant, )* ];

            /// Stable id (`AA101`).
            pub fn code(self) -> &'static str {
                match self {
                    $( RuleId::$variant => $code, )*
                }
            }
        }
    };
}

rule_ids! {
    /// AA101: an SDK in the app that the policy does not name.
    SdkUndisclosed = "AA101",
    /// AA102: a data type the app or an SDK reads that the policy does not declare at all.
    DataUndisclosed = "AA102",
    /// AA103: a data type covered only by a broad term ("device information").
    DataVague = "AA103",
    /// AA104: an SDK reads a data type its row in the policy does not list.
    SdkDataUnlisted = "AA104",
    /// AA105: a dangerous or special permission with no stated purpose.
    PermissionNoPurpose = "AA105",
    /// AA106: a policy statement the app contradicts.
    StatementContradicted = "AA106",
    /// AA107: a policy names an SDK the app shows no sign of.
    SdkNotFound = "AA107",
    /// AA108: a policy declares a data type the app shows no sign of.
    DataNotFound = "AA108",
    /// AA109: hot update / dynamic code loading not disclosed.
    HotUpdate = "AA109",
    /// AA110: self-start receivers not explained.
    SelfStart = "AA110",
    /// AA111: non-resettable identifiers not limited to security / risk control.
    NonResettableId = "AA111",
    /// AA112: special permissions.
    SpecialPermission = "AA112",
    /// AA113: targetSdkVersion too low.
    TargetSdkLow = "AA113",
    /// AA114: permissions restricted to a few service types.
    SensitivePermissionScope = "AA114",
    /// AA115: sensitive personal information without separate consent wording.
    SensitiveNoSeparateConsent = "AA115",
    /// AA116: an SDK init or sensitive read reachable from start-up code (CN-C01, static).
    StartupCollectionUnguarded = "AA116",
    /// AA117: a data type read beyond the necessary scope of the app's service type (CN-N01, `--app-type`).
    BeyondNecessaryScope = "AA117",
    /// AA201: the app bundles SDKs and the policy has no SDK list.
    PolicyNoSdkList = "AA201",
    /// AA202: no contact details.
    PolicyNoContact = "AA202",
    /// AA203: no user-rights section.
    PolicyNoUserRights = "AA203",
    /// AA204: no account-cancellation procedure.
    PolicyNoAccountCancellation = "AA204",
    /// AA205: no children's section.
    PolicyNoChildrenSection = "AA205",
    /// AA206: no update or effective date.
    PolicyNoUpdateDate = "AA206",
    /// AA207: an open-ended data list in a collection statement.
    PolicyOpenDataList = "AA207",
    /// AA208: no retention period.
    PolicyNoRetention = "AA208",
    /// AA209: no storage region / cross-border statement.
    PolicyNoStorageRegion = "AA209",
    /// AA210: no complaint channel or response time.
    PolicyNoComplaintChannel = "AA210",
    /// AA211: no personalised ads / recommendation opt-out.
    PolicyNoAdsOptOut = "AA211",
    /// AA212: no under-14 rules.
    PolicyNoUnder14Rules = "AA212",
    /// AA213: no operator identity or address.
    PolicyNoOperatorIdentity = "AA213",
    /// AA214: not titled as a privacy policy.
    PolicyNotStandalone = "AA214",
    /// AA215: no simplified-Chinese text.
    PolicyNotChinese = "AA215",
    /// AA216: an SDK row without purpose or data types.
    PolicySdkRowIncomplete = "AA216",
    /// AA217: a sensitive data type the policy declares without marking it (CN-P06).
    SensitivePiNotMarked = "AA217",
    /// AA301: a data type the app shows that the store declaration (`--declared`) omits.
    DeclaredDataMissing = "AA301",
    /// AA302: a required-reason API category the app uses that the privacy manifest omits.
    DeclaredApiMissing = "AA302",
    /// AA303: a tracking domain or the IDFA read that the privacy manifest does not declare.
    DeclaredTrackingMissing = "AA303",
    /// AA304: a declared data type, API category or tracking domain without evidence in the app.
    DeclaredWithoutEvidence = "AA304",
    /// AA305: an empty or whitespace-only iOS purpose string (`NS*UsageDescription`).
    IosPurposeStringEmpty = "AA305",
}

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
    /// The `appaudit audit` flag without which the rule does not run (`--app-type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_flag: Option<String>,
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

const RULES_TOML: &str = include_str!("../../data/rules.toml");

/// Every rule of `rules.toml`, in file order, checkable and dynamic.
static CATALOGUE: LazyLock<Vec<RuleInfo>> = LazyLock::new(|| {
    // The file is compiled in; the unit test `catalogue_parses` fails the build's tests when it does not parse,
    // so this never runs on a broken file in a tested build.
    match toml::from_str::<RuleFile>(RULES_TOML) {
        Ok(file) => file.rule,
        Err(e) => panic!("crates/audit/data/rules.toml: {e}"),
    }
});

/// Each checkable rule's entry, in [`RuleId::ALL`] order. A variant without an entry is a broken
/// build (the compiled-in file is checked by `every_variant_has_an_entry_and_every_checkable_entry_a_variant`),
/// never a silent fallback to another rule.
static INFOS: LazyLock<Vec<&'static RuleInfo>> = LazyLock::new(|| {
    RuleId::ALL
        .iter()
        .map(|rule| {
            let code = rule.code();
            match catalogue().iter().find(|r| r.id == code) {
                Some(info) => info,
                None => panic!("crates/audit/data/rules.toml has no entry for {code}"),
            }
        })
        .collect()
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
        Self::ALL.iter().copied()
    }

    /// The checkable rules of a profile (`None`: all), in id order.
    pub fn in_profile(profile: Option<Profile>) -> impl Iterator<Item = RuleId> {
        Self::all().filter(move |r| r.info().in_profile(profile))
    }

    /// Whether the rule compares a store declaration (`audit --declared`), so runs only with one.
    pub fn needs_declaration(self) -> bool {
        matches!(
            self,
            RuleId::DeclaredDataMissing
                | RuleId::DeclaredApiMissing
                | RuleId::DeclaredTrackingMissing
                | RuleId::DeclaredWithoutEvidence
        )
    }

    /// Whether the rule needs the app's service type (`audit --app-type`), so runs only with one.
    pub fn needs_app_type(self) -> bool {
        self.info().needs_flag.as_deref() == Some("--app-type")
    }

    /// The rules a run checked: those of its profile, the declaration's only with one.
    pub fn checked_in(profile: Option<Profile>, declared: bool) -> impl Iterator<Item = RuleId> {
        Self::in_profile(profile).filter(move |r| declared || !r.needs_declaration())
    }

    /// The rule's documentation.
    pub fn info(self) -> &'static RuleInfo {
        // Discriminants run 0.. in declaration order, which is the order of ALL and of INFOS.
        INFOS[self as usize]
    }

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        &self.info().name
    }

    /// Finds a checkable rule by id (`AA101`, case-insensitive) or name (`sdk-undisclosed`).
    pub fn parse(text: &str) -> Option<RuleId> {
        let info = lookup(text)?;
        Self::all().find(|r| r.code() == info.id)
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
    if let Some(flag) = &info.needs_flag {
        text.push_str(&format!(
            "\nNeeds `appaudit audit ... {flag}`: without it the rule is not checked.\n"
        ));
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
        assert!(file.rule.len() >= RuleId::ALL.len());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = "[[rule]]\nid='AA1'\nname='x'\nseverity='low'\nprofiles=[]\nwhat=''\nwhy=''\nexample=''\nclauses=[]\ncn_rules=[]\ncolour='red'\n";
        let err = toml::from_str::<RuleFile>(text).err().expect("refused");
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn every_variant_has_an_entry_and_every_checkable_entry_a_variant() {
        for variant in RuleId::all() {
            let code = variant.code();
            let entries: Vec<_> = catalogue().iter().filter(|r| r.id == code).collect();
            assert_eq!(entries.len(), 1, "{variant:?} {code}");
            assert!(!entries[0].dynamic, "{code} is checked but marked dynamic");
        }
        for r in catalogue().iter().filter(|r| !r.dynamic) {
            assert!(
                RuleId::all().any(|v| v.code() == r.id),
                "{} has no RuleId variant",
                r.id
            );
        }
        let codes: BTreeSet<_> = RuleId::all().map(RuleId::code).collect();
        assert_eq!(codes.len(), RuleId::ALL.len());
        for (i, rule) in RuleId::all().enumerate() {
            assert_eq!(rule as usize, i, "ALL is in declaration order");
            assert_eq!(rule.info().id, rule.code());
        }
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
    /// as dynamic (CN-N01 with `--app-type`, CN-P06 for HTML and Markdown policies).
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
        assert!(missing.is_empty(), "{missing:?}");
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
