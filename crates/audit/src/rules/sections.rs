//! Policy-structure rules: AA201 `policy-no-sdk-list`, AA202 `policy-no-contact`, AA203
//! `policy-no-user-rights`, AA204 `policy-no-account-cancellation`, AA205
//! `policy-no-children-section`, AA206 `policy-no-update-date`. Texts: `data/rules.toml`.

use appaudit_model::DetectedSdk;
use appaudit_policy::SectionKind;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES, MIN_SDK_CONFIDENCE};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

impl Ctx<'_> {
    // AA201–AA206
    pub(super) fn structure(&self, out: &mut Vec<Finding>) {
        let data_sdks: Vec<&DetectedSdk> = self
            .inv
            .sdks
            .iter()
            .filter(|s| !self.acts_for_app(&s.id))
            .collect();
        // A bulleted list of services counts as a list too: two SDKs named on consecutive lines.
        let mut named_lines: Vec<usize> = self
            .policy
            .sdks
            .iter()
            .filter(|m| m.confidence >= MIN_SDK_CONFIDENCE)
            .map(|m| m.line)
            .collect();
        named_lines.sort_unstable();
        let listed_together = named_lines
            .windows(2)
            .any(|w| matches!(w, [a, b] if b.saturating_sub(*a) == 1));
        if !data_sdks.is_empty()
            && !self.has_section(SectionKind::SdkList)
            && !self.policy.sdks.iter().any(|s| s.in_sdk_list)
            && !listed_together
        {
            let mut f = self.finding(
                RuleId::PolicyNoSdkList,
                (self.severity)(RuleId::PolicyNoSdkList),
                format!("The app bundles {} third-party SDKs but the policy has no third-party SDK list", data_sdks.len()),
            );
            for s in data_sdks.iter().take(EVIDENCE_SAMPLES * 2) {
                f.app_evidence.push(AppEvidence {
                    kind: "sdk".into(),
                    location: None,
                    value: s.name.clone(),
                    sdk: Some(s.id.clone()),
                });
            }
            f.policy_evidence.push(PolicyEvidence::section_missing(
                "no SDK list heading or table",
            ));
            out.push(f);
        }
        let checks = [
            (
                RuleId::PolicyNoContact,
                SectionKind::Contact,
                "The policy gives no contact details",
                "no email, phone or address for privacy questions",
            ),
            (
                RuleId::PolicyNoUserRights,
                SectionKind::UserRights,
                "The policy does not describe users' rights",
                "no section on access, correction, deletion or consent withdrawal",
            ),
            (
                RuleId::PolicyNoAccountCancellation,
                SectionKind::AccountCancellation,
                "The policy does not say how to cancel the account",
                "no text about account cancellation / 注销账号",
            ),
            (
                RuleId::PolicyNoChildrenSection,
                SectionKind::Children,
                "The policy has no section on children",
                "no text about children or minors",
            ),
            (
                RuleId::PolicyNoUpdateDate,
                SectionKind::UpdateDate,
                "The policy states no update or effective date",
                "no update / effective date",
            ),
        ];
        for (rule, kind, message, note) in checks {
            if !self.has_section(kind) {
                let mut f = self.finding(rule, (self.severity)(rule), message.to_owned());
                f.policy_evidence
                    .push(PolicyEvidence::section_missing(note));
                out.push(f);
            }
        }
    }
}
