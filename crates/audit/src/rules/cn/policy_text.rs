//! Policy-text rules of the Chinese pack: AA207 `policy-open-data-list` to AA216
//! `policy-sdk-row-incomplete` (retention, storage region, complaint channel, ads opt-out,
//! under-14 rules, operator identity, title, Chinese text, incomplete SDK rows). Texts:
//! `data/rules.toml`.

use std::collections::BTreeSet;

use appaudit_policy::SectionKind;

use super::super::RuleId;
use super::super::context::{Ctx, EVIDENCE_SAMPLES};
use super::{PolicyTerms, has_term};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

impl Ctx<'_> {
    /// App-side evidence of a policy-text finding: the app the policy is for.
    pub(super) fn app_context(&self) -> AppEvidence {
        AppEvidence {
            kind: "app".into(),
            location: None,
            value: format!(
                "{}: the policy of this app (a policy-text rule)",
                self.inv
                    .app
                    .package
                    .as_deref()
                    .unwrap_or(&self.inv.source.path)
            ),
            sdk: None,
        }
    }

    pub(super) fn missing(
        &self,
        rule: RuleId,
        message: &str,
        note: String,
        out: &mut Vec<Finding>,
    ) {
        let mut f = self.new_finding(rule, false, message.to_owned());
        f.app_evidence.push(self.app_context());
        f.policy_evidence
            .push(PolicyEvidence::section_missing(note));
        out.push(f);
    }

    // AA207–AA216
    pub(super) fn policy_checks(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        self.open_lists(p, out);
        if self.lines_with(&p.retention).is_empty() {
            self.missing(
                RuleId::PolicyNoRetention,
                "The policy states no retention period",
                format!(
                    "no line with {}",
                    p.retention[..3.min(p.retention.len())].join(" / ")
                ),
                out,
            );
        }
        if self.lines_with(&p.storage_region).is_empty() {
            self.missing(
                RuleId::PolicyNoStorageRegion,
                "The policy does not say where data is stored or whether it leaves the country",
                "no line about 境内 / 境外 / 存储地点 / cross-border transfer".into(),
                out,
            );
        }
        let complaint = self.lines_with(&p.complaint);
        let response = self.lines_with(&p.response_time);
        if complaint.is_empty() || response.is_empty() {
            let mut f = self.new_finding(
                RuleId::PolicyNoComplaintChannel,
                false,
                match (complaint.is_empty(), response.is_empty()) {
                    (true, true) => "The policy gives no complaint channel and no response time",
                    (true, false) => "The policy gives no complaint or report channel",
                    _ => "The policy gives a complaint channel but no response time",
                }
                .to_owned(),
            );
            f.app_evidence.push(self.app_context());
            f.policy_evidence
                .extend(Self::quotes(&complaint, "complaint channel"));
            f.policy_evidence
                .extend(Self::quotes(&response, "a time limit"));
            if complaint.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no 投诉 / 举报 / complaint channel",
                ));
            }
            if response.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no response time (15个工作日 / within 15 working days)",
                ));
            }
            out.push(f);
        }
        self.ads_opt_out(p, out);
        if self.has_section(SectionKind::Children) && self.lines_with(&p.under_14).is_empty() {
            self.missing(
                RuleId::PolicyNoUnder14Rules,
                "The policy has a children's section but no rules for those under 14 (guardian consent)",
                "no line about 14周岁 / 监护人 / guardian consent".into(),
                out,
            );
        }
        // The SDK list's rows name the SDK vendors ("… Co., Ltd."), not the operator.
        let sdk_lines: BTreeSet<usize> = self.policy.sdks.iter().map(|m| m.line).collect();
        let operator: Vec<(usize, &str)> = self
            .policy
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_str()))
            .filter(|(n, l)| !sdk_lines.contains(n) && has_term(l, &p.operator))
            .take(EVIDENCE_SAMPLES)
            .collect();
        let address = self.lines_with(&p.address);
        if operator.is_empty() || address.is_empty() {
            let mut f = self.new_finding(
                RuleId::PolicyNoOperatorIdentity,
                false,
                match (operator.is_empty(), address.is_empty()) {
                    (true, true) => "The policy names no operator and gives no address",
                    (true, false) => "The policy names no operator (company or organisation)",
                    _ => "The policy names the operator but gives no registered or office address",
                }
                .to_owned(),
            );
            f.app_evidence.push(self.app_context());
            f.policy_evidence
                .extend(Self::quotes(&operator, "operator"));
            f.policy_evidence.extend(Self::quotes(&address, "address"));
            if operator.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no company or organisation name (有限公司 / Ltd. / Inc.)",
                ));
            }
            if address.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::section_missing("no 地址 / address"));
            }
            out.push(f);
        }
        let titled = self
            .policy
            .sections
            .iter()
            .any(|s| has_term(&s.title, &p.title))
            || self
                .policy
                .lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .take(p.title_lines)
                .any(|l| has_term(l, &p.title));
        if !titled {
            self.missing(
                RuleId::PolicyNotStandalone,
                "The text is not titled as a privacy policy",
                format!(
                    "no heading or opening line says {}",
                    p.title[..3.min(p.title.len())].join(" / ")
                ),
                out,
            );
        }
        let cjk = self
            .policy
            .lines
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        if cjk < p.min_cjk_chars {
            self.missing(
                RuleId::PolicyNotChinese,
                "The policy has no simplified-Chinese text",
                format!(
                    "{cjk} Chinese characters in the policy (fewer than {})",
                    p.min_cjk_chars
                ),
                out,
            );
        }
        self.sdk_rows(out);
    }

    // AA207: one finding, the open statements as evidence.
    pub(super) fn open_lists(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        let mut hits: Vec<(usize, &str, String)> = Vec::new();
        let mut lines: BTreeSet<usize> = BTreeSet::new();
        for m in self.policy.data_types.iter().filter(|m| !m.negated) {
            if lines.contains(&m.line) {
                continue;
            }
            let Some(text) = m.line.checked_sub(1).and_then(|i| self.policy.lines.get(i)) else {
                continue;
            };
            if !has_term(text, &p.collection) {
                continue;
            }
            let lower: Vec<char> = text.to_lowercase().chars().collect();
            let on_line: Vec<usize> = self
                .policy
                .data_types
                .iter()
                .filter(|o| o.line == m.line)
                .map(|o| o.column.saturating_sub(1))
                .collect();
            // An open-list word followed closely by a data type ("例如硬件型号、IMEI"), not "例如追番".
            let marker = p
                .open_list
                .iter()
                .find(|w| {
                    let w: Vec<char> = w.to_lowercase().chars().collect();
                    lower.windows(w.len().max(1)).enumerate().any(|(i, win)| {
                        win == w.as_slice()
                            && on_line.iter().any(|c| {
                                *c >= i + w.len() && *c <= i + w.len() + p.open_list_window
                            })
                    })
                })
                .cloned()
                .or_else(|| {
                    // "等" right after a data-type mention on the line (up to one closing bracket between).
                    self.policy
                        .data_types
                        .iter()
                        .filter(|o| o.line == m.line)
                        .find_map(|o| {
                            let end = o.column.saturating_sub(1) + o.matched.chars().count();
                            let after: String = text.chars().skip(end).take(2).collect();
                            p.open_list_suffix
                                .iter()
                                .find(|s| {
                                    after.starts_with(s.as_str())
                                        || after
                                            .strip_prefix([')', '）'])
                                            .is_some_and(|r| r.starts_with(s.as_str()))
                                })
                                .cloned()
                        })
                });
            if let Some(marker) = marker {
                lines.insert(m.line);
                hits.push((m.line, text.as_str(), marker));
            }
        }
        if hits.is_empty() {
            return;
        }
        let mut f = self.new_finding(
            RuleId::PolicyOpenDataList,
            false,
            format!(
                "{} collection statement{} list personal information with an open end (\"{}\")",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" },
                hits.iter()
                    .map(|h| h.2.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join("\", \"")
            ),
        );
        for (line, text, marker) in hits.iter().take(EVIDENCE_SAMPLES * 2) {
            f.policy_evidence.push(PolicyEvidence::quote(
                text.trim(),
                *line,
                format!("open list: \"{marker}\""),
            ));
        }
        f.app_evidence.push(self.app_context());
        out.push(f);
    }

    // AA211
    pub(super) fn ads_opt_out(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        let ads: Vec<_> = self
            .inv
            .sdks
            .iter()
            .filter(|s| p.ads_sdk_categories.contains(&s.category))
            .collect();
        if ads.is_empty() {
            return;
        }
        let offered = self
            .policy
            .lines
            .iter()
            .any(|l| has_term(l, &p.ads_topic) && has_term(l, &p.ads_action));
        if offered {
            return;
        }
        let names: Vec<&str> = ads.iter().map(|s| s.name.as_str()).collect();
        let mut f = self.new_finding(
            RuleId::PolicyNoAdsOptOut,
            ads.iter().all(|s| s.usage.status != "used"),
            format!(
                "Advertising SDKs are bundled ({}) and the policy offers no way to turn off personalised ads",
                names.join(", ")
            ),
        );
        for s in ads.iter().take(EVIDENCE_SAMPLES) {
            f.app_evidence.push(AppEvidence {
                kind: "sdk".into(),
                location: None,
                value: format!("{} ({})", s.name, s.usage.status),
                sdk: Some(s.id.clone()),
            });
        }
        let topic = self.lines_with(&p.ads_topic);
        f.policy_evidence.extend(Self::quotes(
            &topic,
            "mentions personalisation without a way to turn it off",
        ));
        if topic.is_empty() {
            f.policy_evidence.push(PolicyEvidence::not_mentioned(
                "no line about 个性化推荐 / personalised ads with 关闭 / opt out",
            ));
        }
        out.push(f);
    }

    // AA216
    pub(super) fn sdk_rows(&self, out: &mut Vec<Finding>) {
        let mut seen = BTreeSet::new();
        for sdk in self.inv.sdks.iter().filter(|s| !self.acts_for_app(&s.id)) {
            for row in self.own_rows(&sdk.id).into_iter().filter(|r| r.in_sdk_list) {
                let no_purpose = row.purpose.as_deref().is_none_or(|p| p.trim().is_empty());
                let no_types = row.data_types.is_empty();
                if !(no_purpose || no_types) || !seen.insert(sdk.id.as_str()) {
                    continue;
                }
                let missing = match (no_purpose, no_types) {
                    (true, true) => "no purpose and no data types",
                    (true, false) => "no purpose",
                    _ => "no data types",
                };
                let mut f = self.new_finding(
                    RuleId::PolicySdkRowIncomplete,
                    sdk.usage.status != "used",
                    format!("The policy's entry for {} gives {missing}", sdk.name),
                );
                f.sdk = Some(sdk.id.clone());
                f.app_evidence.push(AppEvidence {
                    kind: "sdk".into(),
                    location: None,
                    value: format!("{} ({})", sdk.name, sdk.usage.status),
                    sdk: Some(sdk.id.clone()),
                });
                f.policy_evidence.push(PolicyEvidence::quote(
                    &row.quote,
                    row.line,
                    format!("entry for \"{}\": {missing}", row.name_in_text),
                ));
                out.push(f);
            }
        }
    }
}
