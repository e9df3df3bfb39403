//! SDK rules: AA101 `sdk-undisclosed` (an SDK in the app the policy does not name) and AA107
//! `sdk-not-found` (an SDK the policy names that the app shows no sign of). Texts: `data/rules.toml`.

use std::collections::BTreeSet;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES, MIN_SDK_CONFIDENCE, code_file};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

impl Ctx<'_> {
    // AA101
    pub(super) fn sdk_undisclosed(&self, out: &mut Vec<Finding>) {
        for sdk in &self.inv.sdks {
            if !self.rows_for(&sdk.id).is_empty() {
                continue;
            }
            let reads: Vec<&str> = self
                .inv
                .data_access
                .iter()
                .filter(|a| {
                    a.accessors
                        .iter()
                        .any(|x| x.sdk.as_deref() == Some(sdk.id.as_str()))
                })
                .map(|a| a.data_type.as_str())
                .collect();
            // Frameworks and utility libraries do not process personal data on their own behalf (CN-S01 is about SDKs
            // that collect); what they read is reported as the app's reads.
            if self.acts_for_app(&sdk.id) {
                continue;
            }
            let used = sdk.usage.status == "used";
            let base = (self.severity)(RuleId::SdkUndisclosed);
            let severity = if used { base } else { base.lowered() };
            let how = match sdk.usage.status {
                "used" => format!(
                    "called from outside its code ({} call{})",
                    sdk.usage.call_count,
                    if sdk.usage.call_count == 1 { "" } else { "s" }
                ),
                "present" => "bundled but never called from outside its code".to_owned(),
                _ => "bundled (calls could not be checked)".to_owned(),
            };
            let reads_text = if reads.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = reads.iter().map(|t| self.type_names(t).0).collect();
                format!("; it reads {}", names.join(", "))
            };
            let mut f = self.finding(
                RuleId::SdkUndisclosed,
                severity,
                format!(
                    "{} ({}, {}) is not named in the policy; it is {}{}",
                    sdk.name, sdk.category, sdk.vendor, how, reads_text
                ),
            );
            f.sdk = Some(sdk.id.clone());
            for e in sdk.evidence.iter().take(EVIDENCE_SAMPLES) {
                f.app_evidence.push(AppEvidence {
                    kind: e.kind.clone(),
                    location: Some(e.location.clone()).filter(|l| !l.is_empty()),
                    value: e.value.clone(),
                    sdk: Some(sdk.id.clone()),
                });
            }
            for (i, site) in sdk
                .usage
                .call_sites
                .iter()
                .enumerate()
                .take(EVIDENCE_SAMPLES)
            {
                f.app_evidence.push(AppEvidence {
                    kind: "sdk_call".into(),
                    location: code_file(&sdk.usage.call_site_files, i),
                    value: site.clone(),
                    sdk: Some(sdk.id.clone()),
                });
            }
            f.policy_evidence
                .push(PolicyEvidence::not_mentioned(format!(
                    "no SDK list entry or sentence names {} or its packages ({})",
                    sdk.name,
                    sdk.packages.join(", ")
                )));
            out.push(f);
        }
    }

    // AA107
    pub(super) fn sdk_not_found(&self, out: &mut Vec<Finding>) {
        let mut reported = BTreeSet::new();
        for m in &self.policy.sdks {
            let Some(id) = m.sdk_id.as_deref() else {
                continue;
            };
            if m.confidence < MIN_SDK_CONFIDENCE {
                continue;
            }
            // Present when the SDK or one of its sub-SDKs is in the app; a shared base library alone (Play services
            // base for AdMob) does not show that the named SDK is bundled.
            let found = Self::mention_ids(m)
                .any(|mid| self.inv.sdks.iter().any(|s| self.within(&s.id, mid)));
            if found || !reported.insert(id.to_owned()) {
                continue;
            }
            let mut f = self.finding(
                RuleId::SdkNotFound,
                (self.severity)(RuleId::SdkNotFound),
                format!(
                    "The policy names {} but the app shows no sign of it",
                    self.sdk_name(id)
                ),
            );
            f.sdk = Some(id.to_owned());
            f.app_evidence.push(AppEvidence {
                kind: "not_found".into(),
                location: None,
                value: format!(
                    "no class, library, component or manifest entry of {} ({})",
                    id,
                    m.packages.join(", ")
                ),
                sdk: Some(id.to_owned()),
            });
            f.policy_evidence.push(PolicyEvidence::quote(
                &m.quote,
                m.line,
                format!("names \"{}\"", m.name_in_text),
            ));
            out.push(f);
        }
    }
}
