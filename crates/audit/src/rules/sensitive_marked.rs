//! AA217 `sensitive-pi-not-marked` (CN-P06): a policy whose format can show emphasis (HTML,
//! Markdown) declares a sensitive data type (`cn_sensitive_pi` in `data/taxonomy.json`: PIPL
//! art. 28 / GB/T 35273-2020 Annex B) but none of the phrases declaring it is bold, underlined
//! or coloured. Plain text and PDF cannot show the marking (a PDF's text layer loses it, a DOCX
//! is read without its run properties), so lines of such documents are never judged.

use std::collections::BTreeMap;

use appaudit_policy::DataTypeMention;

use super::RuleId;
use super::context::{Ctx, EVIDENCE_SAMPLES};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

/// Byte range of a mention's phrase in its line (its 1-based character column), or of its
/// quote when the column does not point at the phrase.
fn phrase_range(line: &str, m: &DataTypeMention) -> Option<std::ops::Range<usize>> {
    let at = line
        .char_indices()
        .nth(m.column.saturating_sub(1))
        .map(|(i, _)| i)
        .filter(|&i| line.get(i..).is_some_and(|rest| rest.starts_with(&m.matched)));
    match at {
        Some(i) => Some(i..i + m.matched.len()),
        None => line.find(&m.quote).map(|i| i..i + m.quote.len()),
    }
}

impl Ctx<'_> {
    pub(super) fn sensitive_not_marked(&self, out: &mut Vec<Finding>) {
        let rule = RuleId::SensitivePiNotMarked;
        // Sensitive type → (declaring mentions on lines that can show emphasis, any of them marked).
        let mut by_type: BTreeMap<&str, (Vec<&DataTypeMention>, bool)> = BTreeMap::new();
        for m in &self.policy.data_types {
            if m.negated || m.category {
                continue;
            }
            if !self
                .know
                .taxonomy
                .get(&m.id)
                .is_some_and(|t| t.cn_sensitive_pi)
            {
                continue;
            }
            let Some(line) = m.line.checked_sub(1).and_then(|i| self.policy.lines.get(i)) else {
                continue;
            };
            let Some(range) = phrase_range(line, m) else {
                continue;
            };
            let Some(marked) = self.policy.emphasised(m.line, range) else {
                continue;
            };
            let entry = by_type.entry(m.id.as_str()).or_default();
            entry.0.push(m);
            entry.1 |= marked;
        }
        for (id, (mentions, marked)) in by_type {
            if marked {
                continue;
            }
            let (en, zh) = self.type_names(id);
            let mut f = self.finding(
                rule,
                (self.severity)(rule),
                format!(
                    "the policy declares {en} ({zh}), sensitive personal information, in {} place(s) and marks none of them (bold, underline or colour)",
                    mentions.len()
                ),
            );
            f.data_type = Some(id.to_owned());
            for m in mentions.iter().take(EVIDENCE_SAMPLES) {
                f.policy_evidence.push(PolicyEvidence::quote(
                    &m.quote,
                    m.line,
                    format!("\"{}\" is shown as ordinary text", m.matched),
                ));
            }
            f.app_evidence.push(AppEvidence {
                kind: "policy_format".into(),
                location: None,
                value: "the policy's format can show emphasis (HTML or Markdown)".into(),
                sdk: None,
            });
            out.push(f);
        }
    }
}
