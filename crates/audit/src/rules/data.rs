//! Data-type rules: AA102 `data-undisclosed` (omitted), AA103 `data-vague`, AA104
//! `sdk-data-unlisted` (an SDK's own policy entry does not list what it reads) and AA108
//! `data-not-found`. Texts: `data/rules.toml`.

use std::collections::BTreeSet;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES, quote_of};
use crate::model::{AppEvidence, DataDisclosure, Disclosure, Finding, PolicyEvidence};

impl Ctx<'_> {
    // AA102, AA103, AA104 (data types)
    pub(super) fn data_findings(&self, disclosures: &[DataDisclosure], out: &mut Vec<Finding>) {
        for d in disclosures {
            let Some(access) = self.access(&d.data_type) else {
                continue;
            };
            let who = self.reader_list(&d.readers);
            let weak = self.weak_readers(&d.readers);
            match d.disclosure {
                // AA106, with the contradicted permission statements (contradicted.rs).
                Disclosure::Incorrect => {}
                // A permission grants several types (READ_PHONE_STATE: IMEI, ICCID, serial …); when the code reads
                // none of them, one that the policy declares is enough to show the permission is accounted for.
                Disclosure::Omitted
                    if d.readers.iter().all(|r| r.via == "permission")
                        && self.permission_accounted_for(access) => {}
                Disclosure::Omitted => {
                    let base = (self.severity)(RuleId::DataUndisclosed);
                    let mut f = self.finding(
                        RuleId::DataUndisclosed,
                        if weak { base.lowered() } else { base },
                        format!(
                            "{} is read by {} but the policy never declares it",
                            d.name_en, who
                        ),
                    );
                    f.data_type = Some(d.data_type.clone());
                    f.disclosure = Some(Disclosure::Omitted);
                    f.app_evidence = self.data_evidence(access, None);
                    f.policy_evidence
                        .push(PolicyEvidence::not_mentioned(format!(
                            "no mention of {} / {} or of a category that covers it",
                            d.name_en, d.name_zh
                        )));
                    out.push(f);
                }
                Disclosure::Vague => {
                    let base = (self.severity)(RuleId::DataVague);
                    let (_, quotes) =
                        self.classify(&access.data_type, self.policy.data_types.iter());
                    let terms: BTreeSet<&str> = quotes.iter().map(|m| m.matched.as_str()).collect();
                    let mut f = self.finding(
                        RuleId::DataVague,
                        if weak { base.lowered() } else { base },
                        format!(
                            "{} is read by {} but the policy covers it only as \"{}\"",
                            d.name_en,
                            who,
                            terms.into_iter().collect::<Vec<_>>().join("\", \"")
                        ),
                    );
                    f.data_type = Some(d.data_type.clone());
                    f.disclosure = Some(Disclosure::Vague);
                    f.app_evidence = self.data_evidence(access, None);
                    for m in quotes.iter().take(EVIDENCE_SAMPLES) {
                        f.policy_evidence.push(quote_of(m));
                    }
                    out.push(f);
                }
                Disclosure::Clear => {}
            }
            // AA104: entity-sensitive, only where the type is declared somewhere (else AA102/AA106 already say so).
            if matches!(d.disclosure, Disclosure::Omitted | Disclosure::Incorrect) {
                continue;
            }
            for r in &d.readers {
                let Some(sdk) = r.sdk.as_deref() else {
                    continue;
                };
                if r.disclosure == Disclosure::Clear
                    || self.acts_for_app(sdk)
                    || self.own_rows(sdk).is_empty()
                {
                    continue;
                }
                let base = (self.severity)(RuleId::SdkDataUnlisted);
                let weaker = r.disclosure == Disclosure::Vague || r.usage != Some("used");
                let (_, evidence) = self.classify_reader(&access.data_type, Some(sdk));
                let name = self.sdk_name(sdk);
                let mut f = self.finding(
                    RuleId::SdkDataUnlisted,
                    if weaker { base.lowered() } else { base },
                    if r.disclosure == Disclosure::Vague {
                        format!("{name} reads {} but its entry in the policy covers it only by a broad term", d.name_en)
                    } else {
                        format!("{name} reads {} but its entry in the policy does not list it", d.name_en)
                    },
                );
                f.sdk = Some(sdk.to_owned());
                f.data_type = Some(d.data_type.clone());
                f.disclosure = Some(r.disclosure);
                f.app_evidence = self.data_evidence(access, Some(Some(sdk)));
                f.policy_evidence = evidence;
                out.push(f);
            }
        }
    }

    // AA108
    pub(super) fn data_not_found(&self, out: &mut Vec<Finding>) {
        let mut reported = BTreeSet::new();
        for m in self
            .policy
            .data_types
            .iter()
            .filter(|m| !m.negated && !m.category)
        {
            if self.know.taxonomy.get(&m.id).is_none() || reported.contains(m.id.as_str()) {
                continue;
            }
            let touched = self.access(&m.id).is_some();
            let granted = self
                .inv
                .permissions
                .iter()
                .any(|p| p.data_types.contains(&m.id));
            let documented = self
                .inv
                .sdks
                .iter()
                .any(|s| s.documented_data_types.contains(&m.id));
            if touched || granted || documented {
                continue;
            }
            reported.insert(m.id.as_str());
            let (en, zh) = self.type_names(&m.id);
            let mut f = self.finding(
                RuleId::DataNotFound,
                (self.severity)(RuleId::DataNotFound),
                format!("The policy declares {en} ({zh}) but the app shows no sign of reading it"),
            );
            f.data_type = Some(m.id.clone());
            f.app_evidence.push(AppEvidence {
                kind: "not_found".into(),
                location: None,
                value: format!("no permission, API call or bundled SDK that reads {en}"),
                sdk: None,
            });
            f.policy_evidence.push(quote_of(m));
            out.push(f);
        }
    }
}
