//! Permission rules: AA105 `permission-no-purpose` (a dangerous or special permission with no
//! stated purpose). Texts: `data/rules.toml`.

use std::collections::BTreeSet;

use super::RuleId;
use super::cn;
use super::context::{
    Ctx, EVIDENCE_SAMPLES, is_flagged_protection, manifest_evidence, permission_kind,
    short_permission,
};
use appaudit_model::Permission;
use appaudit_policy::PermissionMention;

use crate::model::{Finding, PolicyEvidence};

impl<'a> Ctx<'a> {
    /// The dangerous and special permissions whose purpose the policy must state (AA105) and
    /// whose denial it must not make (AA106): those of the CN-N08 table are AA112's, with their
    /// own clauses.
    pub(super) fn purpose_permissions(&self) -> Vec<&'a Permission> {
        let special: BTreeSet<&str> = cn::TABLES
            .special
            .iter()
            .flat_map(|s| s.permissions.iter().map(String::as_str))
            .collect();
        self.inv
            .permissions
            .iter()
            .filter(|p| is_flagged_protection(p.protection) && !special.contains(p.name.as_str()))
            .collect()
    }

    /// The policy's statements about a permission's kind.
    pub(super) fn permission_mentions(&self, name: &str) -> Vec<&'a PermissionMention> {
        let kind = permission_kind(name);
        self.policy
            .permissions
            .iter()
            .filter(|m| Some(m.name.as_str()) == kind)
            .collect()
    }

    // AA105
    pub(super) fn permission_findings(&self, out: &mut Vec<Finding>) {
        for perm in self.purpose_permissions() {
            let short = short_permission(&perm.name);
            let kind = permission_kind(&perm.name);
            let mentions = self.permission_mentions(&perm.name);
            if mentions
                .iter()
                .any(|m| !m.negated && m.purpose.as_deref().is_some_and(|p| !p.trim().is_empty()))
            {
                continue;
            }
            // A permission the lexicon has no kind for counts as explained when the policy names it literally.
            if kind.is_none() && self.policy.lines.iter().any(|l| l.contains(short)) {
                continue;
            }
            let mut f = self.finding(
                RuleId::PermissionNoPurpose,
                (self.severity)(RuleId::PermissionNoPurpose),
                format!(
                    "{} ({}) is requested but the policy states no purpose for it",
                    short,
                    perm.protection.as_str()
                ),
            );
            f.permission = Some(perm.name.clone());
            f.app_evidence.push(manifest_evidence(self.inv, &perm.name));
            let positive: Vec<_> = mentions.iter().filter(|m| !m.negated).collect();
            if positive.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::not_mentioned(format!(
                        "no permission statement about {}",
                        kind.unwrap_or(short)
                    )));
            } else {
                for m in positive.into_iter().take(EVIDENCE_SAMPLES) {
                    f.policy_evidence.push(PolicyEvidence::quote(
                        &m.quote,
                        m.line,
                        "mentioned without a purpose",
                    ));
                }
            }
            out.push(f);
        }
    }
}
