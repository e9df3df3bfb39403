//! The rules: stable ids, names, default severities and their documentation.
//!
//! Rule texts live in one table ([`RULES`]) so `appaudit rules`, `appaudit
//! explain`, SARIF `rules[]` and the reports all say the same thing.
//! Clause references are those of `shared/reference/cn_rules.json` (CN-xx ids)
//! and `shared/research/policy_compliance.md`.

use serde::Serialize;

use crate::model::Severity;

/// A rule's stable identifier. The numeric id never changes meaning; new rules get new numbers.
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
}

/// Everything documented about one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Stable id (`AA101`).
    pub id: &'static str,
    /// Kebab-case name (`sdk-undisclosed`).
    pub name: &'static str,
    /// Severity when the configuration does not change it.
    pub default_severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// A concrete example of a finding.
    pub example: &'static str,
    /// Regulations and store rules it serves (clause references).
    pub regulations: &'static [&'static str],
}

/// Every rule, in id order. Documentation is data so it can be listed, explained and exported.
pub const RULES: &[(RuleId, RuleInfo)] = &[
    (
        RuleId::SdkUndisclosed,
        RuleInfo {
            id: "AA101",
            name: "sdk-undisclosed",
            default_severity: Severity::High,
            summary: "An SDK bundled in the app is not named in the privacy policy or its third-party SDK list.",
            rationale: "Chinese rules require every embedded third-party SDK that processes personal information to be listed \
                        by name (or type) with its purpose, data types and method; an unnamed SDK is undisclosed collection. \
                        An SDK that is bundled but never called from outside its own code is reported one severity lower.",
            example: "Umeng Common (com.umeng.commonsdk) is in classes.dex and called from MainActivity, but the policy's SDK table lists only JPush and AMap.",
            regulations: &[
                "CN-S01: 认定方法 二.1; TC260-PG-20202A 2.1 c); TC260-PG-20205A 5.2 g); GB/T 35273-2020 9.7 c)",
                "Google Play Data safety: data collected by third-party SDKs must be declared",
            ],
        },
    ),
    (
        RuleId::DataUndisclosed,
        RuleInfo {
            id: "AA102",
            name: "data-undisclosed",
            default_severity: Severity::High,
            summary: "The app or an SDK reads a data type (through an API or a permission) that the policy never declares (omitted).",
            rationale: "Collection must be disclosed type by type; PoliCheck calls a flow the policy does not mention 'omitted'. \
                        Reads that only a requested permission makes possible, or that only a bundled-but-uncalled SDK makes, weigh one severity less.",
            example: "PasteHelper.lastCopied calls ClipboardManager.getPrimaryClip; the policy never mentions the clipboard.",
            regulations: &[
                "CN-P05: 认定方法 二.1; GB/T 35273-2020 5.5 a)2); TC260-PG-20202A 2.1 a)",
                "CN-N05 (clipboard), CN-N06 (installed-app list): TC260-PG-20203A 2.5, 2.8",
                "PoliCheck (Andow et al., USENIX Security 2020): omitted disclosure",
                "Google Play Data safety; Apple App Store Review Guideline 5.1.1",
            ],
        },
    ),
    (
        RuleId::DataVague,
        RuleInfo {
            id: "AA103",
            name: "data-vague",
            default_severity: Severity::Low,
            summary: "A data type the app reads is covered only by a broad term such as \"device information\" (vague).",
            rationale: "Regulators expect personal information to be listed one by one, without open categories; a hypernym \
                        tells the user little. PoliCheck classifies such a match as 'vague', not 'clear'.",
            example: "The code reads IMSI; the policy only says it collects \"device information\".",
            regulations: &[
                "CN-P05: 认定方法 二.1 (逐一列出); GB/T 35273-2020 5.5 a)2)",
                "PoliCheck: vague disclosure",
            ],
        },
    ),
    (
        RuleId::SdkDataUnlisted,
        RuleInfo {
            id: "AA104",
            name: "sdk-data-unlisted",
            default_severity: Severity::Medium,
            summary: "An SDK reads a data type that the policy's row for that SDK does not list (entity-sensitive check).",
            rationale: "A policy that says the app collects a data type does not tell the user that a given SDK collects it; \
                        the SDK's own row must list it. Only types the policy declares somewhere are reported here (AA102 covers the rest).",
            example: "JPush calls TelephonyManager.getDeviceId (MEID on CDMA phones); its row lists IMEI and \"device identifiers\" only.",
            regulations: &[
                "CN-S03: 认定方法 三.9; TC260-PG-20205A 4.3 b)-c); 自评估指南(2019) 评估点25",
                "PoliCheck: entity-sensitive flow consistency",
            ],
        },
    ),
    (
        RuleId::PermissionNoPurpose,
        RuleInfo {
            id: "AA105",
            name: "permission-no-purpose",
            default_severity: Severity::Medium,
            summary: "A dangerous or special permission is requested and the policy states no purpose for it.",
            rationale: "Each sensitive permission must be explained with the function that needs it, including those requested by SDKs.",
            example: "READ_CONTACTS is in the manifest; the policy's permission table has no contacts row.",
            regulations: &[
                "CN-C02: 认定方法 二.3; TC260-PG-20202A 2.3 a)",
                "CN-S02: TC260-PG-20205A 5.2 g); TC260-PG-20204A 3 k)-l)",
                "CN-N08 (special permissions): TC260-PG-20204A 5.11, Annex B",
            ],
        },
    ),
    (
        RuleId::StatementContradicted,
        RuleInfo {
            id: "AA106",
            name: "statement-contradicted",
            default_severity: Severity::High,
            summary: "The policy says a data type is not collected (or a permission not requested) and the app does it (incorrect).",
            rationale: "A false statement in the policy is worse than silence: users rely on it. PoliCheck and PPChecker call it 'incorrect'.",
            example: "\"We do not collect your contacts.\" while READ_CONTACTS is requested and content://com.android.contacts is queried.",
            regulations: &[
                "CN-S03: 认定方法 三.9 (违反其所声明的收集使用规则)",
                "PIPL 第七条 (公开透明); GB/T 35273-2020 5.5",
                "PoliCheck / PPChecker: incorrect disclosure",
            ],
        },
    ),
    (
        RuleId::SdkNotFound,
        RuleInfo {
            id: "AA107",
            name: "sdk-not-found",
            default_severity: Severity::Info,
            summary: "The policy names an SDK that the app shows no sign of (the policy may be stale).",
            rationale: "Not a violation, but a stale SDK list hides real changes and erodes trust in the list.",
            example: "The policy lists Tencent Bugly; no com.tencent.bugly class, library or manifest entry is in the build.",
            regulations: &[
                "CN-S01: TC260-PG-20202A 2.1 c) (the list must describe the SDKs actually embedded)",
            ],
        },
    ),
    (
        RuleId::DataNotFound,
        RuleInfo {
            id: "AA108",
            name: "data-not-found",
            default_severity: Severity::Info,
            summary: "The policy declares a specific data type that neither the app nor its SDKs show any sign of reading.",
            rationale: "Informational: over-declaration is not a violation, but it often means the policy is stale or copied.",
            example: "The policy says it collects call logs; no call-log permission, API or SDK that documents it is present.",
            regulations: &["GB/T 35273-2020 5.2 (最小必要): declare what is actually collected"],
        },
    ),
    (
        RuleId::PolicyNoSdkList,
        RuleInfo {
            id: "AA201",
            name: "policy-no-sdk-list",
            default_severity: Severity::Medium,
            summary: "The app bundles third-party SDKs but the policy has no third-party SDK list.",
            rationale: "Chinese rules expect a third-party SDK list (name, company, purpose, data types, link), in the policy or linked from it.",
            example: "An app with JPush and Umeng whose policy only says \"we work with partners\".",
            regulations: &["CN-S01: 认定方法 二.1; TC260-PG-20202A 2.1 c); GB/T 35273-2020 9.7 c)"],
        },
    ),
    (
        RuleId::PolicyNoContact,
        RuleInfo {
            id: "AA202",
            name: "policy-no-contact",
            default_severity: Severity::Medium,
            summary: "The policy gives no way to contact the operator (email, phone, address).",
            rationale: "The operator's identity and a personal-information contact must be stated.",
            example: "A policy with no email address, phone number or postal address.",
            regulations: &[
                "CN-P03: PIPL 第十七条(一); GB/T 35273-2020 5.5 a)1); TC260-PG-20202A 1.5 a)",
                "CN-P10: 认定方法 六.5",
            ],
        },
    ),
    (
        RuleId::PolicyNoUserRights,
        RuleInfo {
            id: "AA203",
            name: "policy-no-user-rights",
            default_severity: Severity::Medium,
            summary: "The policy does not explain how users access, correct or delete their data or withdraw consent.",
            rationale: "Users' rights and how to exercise them must be described.",
            example: "A policy with no section on access, correction, deletion or consent withdrawal.",
            regulations: &[
                "CN-P09: PIPL 第十七条(三); GB/T 35273-2020 5.5 a)5); TC260-PG-20202A 1.5 i); 认定方法 六.1-4",
            ],
        },
    ),
    (
        RuleId::PolicyNoAccountCancellation,
        RuleInfo {
            id: "AA204",
            name: "policy-no-account-cancellation",
            default_severity: Severity::Medium,
            summary: "The policy does not say how to cancel (delete) the account.",
            rationale: "An account-cancellation path is required wherever accounts exist; missing it is a listed violation.",
            example: "The rights section covers access and correction but never 注销账号 / account deletion.",
            regulations: &[
                "CN-P09: 认定方法 六.1-4; GB/T 35273-2020 8.5; Apple App Store Review Guideline 5.1.1(v)",
            ],
        },
    ),
    (
        RuleId::PolicyNoChildrenSection,
        RuleInfo {
            id: "AA205",
            name: "policy-no-children-section",
            default_severity: Severity::Low,
            summary: "The policy has no section on children / minors under 14.",
            rationale: "Processing minors' data needs guardian consent and dedicated rules; the policy should say how it is handled.",
            example: "No mention of children, minors or 未成年人 anywhere in the policy.",
            regulations: &[
                "CN-P12: PIPL 第三十一条; GB/T 35273-2020 5.4 d); 儿童个人信息网络保护规定",
            ],
        },
    ),
    (
        RuleId::PolicyNoUpdateDate,
        RuleInfo {
            id: "AA206",
            name: "policy-no-update-date",
            default_severity: Severity::Low,
            summary: "The policy states no update, effective or publication date.",
            rationale: "Users and auditors need to know which version of the policy applies.",
            example: "No \"Last updated\" / 更新日期 / 生效日期 line.",
            regulations: &["CN-P04: TC260-PG-20202A 1.5 b); 自评估指南(2019) 评估点17"],
        },
    ),
];

impl RuleId {
    /// Every rule, in id order.
    pub fn all() -> impl Iterator<Item = RuleId> {
        RULES.iter().map(|(id, _)| *id)
    }

    /// The rule's documentation.
    pub fn info(self) -> &'static RuleInfo {
        // Every variant has a row; the unit test `every_variant_has_a_row` keeps it so.
        RULES
            .iter()
            .find(|(id, _)| *id == self)
            .map(|(_, info)| info)
            .unwrap_or(&RULES[0].1)
    }

    /// Stable id (`AA101`).
    pub fn code(self) -> &'static str {
        self.info().id
    }

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Finds a rule by id (`AA101`, case-insensitive) or name (`sdk-undisclosed`).
    pub fn parse(text: &str) -> Option<RuleId> {
        let text = text.trim();
        RULES
            .iter()
            .find(|(_, info)| {
                info.id.eq_ignore_ascii_case(text) || info.name.eq_ignore_ascii_case(text)
            })
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
pub fn explain(rule: RuleId) -> String {
    let info = rule.info();
    let mut text = format!(
        "{} {} (default severity: {})\n\n{}\n\nWhy: {}\n\nExample: {}\n\nRegulations:\n",
        info.id,
        info.name,
        info.default_severity.as_str(),
        info.summary,
        info.rationale,
        info.example
    );
    for reg in info.regulations {
        text.push_str("  - ");
        text.push_str(reg);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const EVERY_VARIANT: [RuleId; 14] = [
        RuleId::SdkUndisclosed,
        RuleId::DataUndisclosed,
        RuleId::DataVague,
        RuleId::SdkDataUnlisted,
        RuleId::PermissionNoPurpose,
        RuleId::StatementContradicted,
        RuleId::SdkNotFound,
        RuleId::DataNotFound,
        RuleId::PolicyNoSdkList,
        RuleId::PolicyNoContact,
        RuleId::PolicyNoUserRights,
        RuleId::PolicyNoAccountCancellation,
        RuleId::PolicyNoChildrenSection,
        RuleId::PolicyNoUpdateDate,
    ];

    #[test]
    fn every_variant_has_a_row() {
        for variant in EVERY_VARIANT {
            assert_eq!(
                RULES.iter().filter(|(id, _)| *id == variant).count(),
                1,
                "{variant:?}"
            );
        }
        assert_eq!(RULES.len(), EVERY_VARIANT.len());
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let ids: BTreeSet<_> = RULES.iter().map(|(_, i)| i.id).collect();
        let names: BTreeSet<_> = RULES.iter().map(|(_, i)| i.name).collect();
        assert_eq!(ids.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
        for (_, info) in RULES {
            assert!(
                info.id.len() == 5
                    && info.id.starts_with("AA")
                    && info.id[2..].chars().all(|c| c.is_ascii_digit())
            );
            assert!(
                info.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for (_, info) in RULES {
            assert!(info.summary.len() > 20, "{}", info.id);
            assert!(info.rationale.len() > 20, "{}", info.id);
            assert!(info.example.len() > 10, "{}", info.id);
            assert!(!info.regulations.is_empty(), "{}", info.id);
        }
    }

    #[test]
    fn parse_accepts_id_and_name() {
        assert_eq!(RuleId::parse("aa101"), Some(RuleId::SdkUndisclosed));
        assert_eq!(
            RuleId::parse("statement-contradicted"),
            Some(RuleId::StatementContradicted)
        );
        assert_eq!(RuleId::parse("AA999"), None);
        for variant in EVERY_VARIANT {
            assert_eq!(RuleId::parse(variant.code()), Some(variant));
            assert!(explain(variant).contains(variant.name()));
        }
    }
}
