//! AA305 (Apple): an `NS*UsageDescription` purpose string that is empty or whitespace only.
//! The scan keeps every purpose string of the app's and its extensions' `Info.plist` as a
//! permission with its text (`Permission::purpose`), the empty ones included.

use super::RuleId;
use super::context::Ctx;
use crate::model::{AppEvidence, Finding, PolicyEvidence};

impl Ctx<'_> {
    pub(super) fn empty_purpose_strings(&self, out: &mut Vec<Finding>) {
        if self.inv.app.platform != "ios" {
            return;
        }
        let rule = RuleId::IosPurposeStringEmpty;
        for p in &self.inv.permissions {
            let is_usage_key = p.name.starts_with("NS") && p.name.contains("UsageDescription");
            let Some(text) = p.purpose.as_deref() else {
                continue;
            };
            if !is_usage_key || !text.trim().is_empty() {
                continue;
            }
            let mut f = self.finding(
                rule,
                (self.severity)(rule),
                format!(
                    "{} in {} is {}: iOS would ask for the resource without saying why",
                    p.name,
                    p.declared_in,
                    if text.is_empty() {
                        "empty"
                    } else {
                        "only whitespace"
                    }
                ),
            );
            f.permission = Some(p.name.clone());
            f.app_evidence.push(AppEvidence {
                kind: "plist_key".into(),
                location: Some(p.declared_in.clone()),
                value: format!("{} = {text:?}", p.name),
                sdk: None,
            });
            f.policy_evidence.push(PolicyEvidence::not_mentioned(
                "an Info.plist setting: the policy cannot stand in for the purpose string",
            ));
            out.push(f);
        }
    }
}
