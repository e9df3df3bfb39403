//! AA106 `statement-contradicted`: the policy denies collecting a data type the app reads, or
//! denies requesting a permission the app requests. Produced here only. Texts: `data/rules.toml`.

use std::collections::BTreeSet;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES, manifest_evidence, short_permission};
use crate::model::{DataDisclosure, Disclosure, Finding, PolicyEvidence};

impl Ctx<'_> {
    // AA106
    pub(super) fn statement_contradicted(
        &self,
        disclosures: &[DataDisclosure],
        out: &mut Vec<Finding>,
    ) {
        for d in disclosures
            .iter()
            .filter(|d| d.disclosure == Disclosure::Incorrect)
        {
            let Some(access) = self.access(&d.data_type) else {
                continue;
            };
            let who = self.reader_list(&d.readers);
            let weak = self.weak_readers(&d.readers);
            let base = (self.severity)(RuleId::StatementContradicted);
            let mut f = self.finding(
                RuleId::StatementContradicted,
                if weak { base.lowered() } else { base },
                format!(
                    "The policy says {} is not collected, but {} reads it",
                    d.name_en, who
                ),
            );
            f.data_type = Some(d.data_type.clone());
            f.disclosure = Some(Disclosure::Incorrect);
            f.app_evidence = self.data_evidence(access, None);
            for m in self
                .denials(&access.data_type)
                .into_iter()
                .take(EVIDENCE_SAMPLES)
            {
                f.policy_evidence.push(PolicyEvidence::quote(
                    &m.quote,
                    m.line,
                    format!("denies collecting \"{}\"", m.matched),
                ));
            }
            out.push(f);
        }
        // Negated permission statements: one finding per denied kind.
        let mut seen_kinds = BTreeSet::new();
        for perm in self.purpose_permissions() {
            let short = short_permission(&perm.name);
            let mentions = self.permission_mentions(&perm.name);
            if let Some(denial) = mentions.iter().find(|m| m.negated)
                && seen_kinds.insert(denial.name.clone())
            {
                let mut f = self.finding(
                    RuleId::StatementContradicted,
                    (self.severity)(RuleId::StatementContradicted),
                    format!("The policy says the {} permission is not requested, but the app requests {}", denial.name, short),
                );
                f.permission = Some(perm.name.clone());
                f.disclosure = Some(Disclosure::Incorrect);
                f.app_evidence.push(manifest_evidence(self.inv, &perm.name));
                f.policy_evidence.push(PolicyEvidence::quote(
                    &denial.quote,
                    denial.line,
                    "denies requesting it",
                ));
                out.push(f);
            }
        }
    }
}
