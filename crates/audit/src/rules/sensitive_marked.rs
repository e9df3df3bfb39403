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
        .filter(|&i| {
            line.get(i..)
                .is_some_and(|rest| rest.starts_with(&m.matched))
        });
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

#[cfg(test)]
mod tests {
    use appaudit_policy::{FormatHint, Lexicon, read_policy_text};
    use appaudit_sdk::SignatureDb;
    use appaudit_taxonomy::Taxonomy;

    use crate::{AuditOptions, Knowledge, audit};

    /// AA217 findings (data type, first quoted line) of a policy read in `format`.
    fn unmarked(text: &str, format: FormatHint) -> Vec<(String, usize)> {
        let taxonomy = Taxonomy::builtin().unwrap();
        let db = SignatureDb::builtin().unwrap();
        let lexicon = Lexicon::new(&taxonomy, &db).unwrap();
        let policy = read_policy_text(text, format, &lexicon).unwrap();
        let report = audit(
            &crate::tests::empty_inventory(),
            &policy,
            Knowledge {
                taxonomy: &taxonomy,
                signatures: &db,
            },
            &AuditOptions::default(),
        );
        report
            .findings
            .iter()
            .filter(|f| f.rule == super::RuleId::SensitivePiNotMarked)
            .map(|f| {
                (
                    f.data_type.clone().unwrap_or_default(),
                    f.policy_evidence.first().and_then(|e| e.line).unwrap_or(0),
                )
            })
            .collect()
    }

    const BODY: &str = "我们会收集您的精准定位信息，用于为您推荐附近的门店，并依照本政策保护您的个人信息安全。\n我们会读取您的通讯录，用于添加好友。\n";

    #[test]
    fn markdown_bold_marks_one_type_and_leaves_the_other_reported() {
        let md = "# 隐私政策\n\n我们会收集您的**精准定位信息**，用于为您推荐附近的门店，并依照本政策保护您的个人信息安全。\n我们会读取您的通讯录，用于添加好友。\n";
        assert_eq!(unmarked(md, FormatHint::Markdown), [("contacts".into(), 4)]);
    }

    #[test]
    fn html_strong_and_bold_style_mark_both_types() {
        let html = "<h1>隐私政策</h1><p>我们会收集您的<strong>精准定位信息</strong>，用于为您推荐附近的门店，并依照本政策保护您的个人信息安全。</p>\
            <p>我们会读取您的<span style=\"font-weight:700\">通讯录</span>，用于添加好友。</p>";
        assert_eq!(unmarked(html, FormatHint::Html), []);
        let plain_html = format!("<h1>隐私政策</h1><p>{}</p>", BODY.replace('\n', "</p><p>"));
        let got = unmarked(&plain_html, FormatHint::Html);
        let types: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(types, ["contacts", "precise_location"]);
    }

    #[test]
    fn plain_text_is_never_judged() {
        assert_eq!(unmarked(BODY, FormatHint::Text), []);
    }
}
