//! Markdown for a pull-request comment: verdict, a findings table, evidence in collapsible blocks.

use std::io::{self, Write};

use super::{Reporter, app_line, app_title, policy_line};
use crate::model::{AuditReport, Verdict};

/// Findings whose evidence is listed in the collapsible block (keeps a PR comment under GitHub's size limit).
const MAX_EVIDENCE_FINDINGS: usize = 40;

/// GitHub-flavoured Markdown.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownReporter;

/// Escapes text for a Markdown table cell or paragraph (no raw HTML, no table breaks).
fn md(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                s.push('\\');
                s.push(c);
            }
            '\n' | '\r' => s.push(' '),
            _ => s.push(c),
        }
    }
    s
}

impl Reporter for MarkdownReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let verdict = match report.verdict {
            Verdict::Pass => "✅ pass",
            Verdict::Fail => "❌ fail",
        };
        let s = &report.summary;
        writeln!(out, "## appaudit: {}\n", md(&app_title(report)))?;
        writeln!(
            out,
            "**Verdict: {verdict}** (fails on {} and above) — {} high, {} medium, {} low, {} info, {} waived. Policy: `{}`.\n",
            report.fail_on.as_str(),
            s.high,
            s.medium,
            s.low,
            s.info,
            s.waived,
            report.policy_path.replace('`', "'")
        )?;
        if !report.findings.is_empty() {
            writeln!(out, "| Severity | Rule | Finding | Disclosure |")?;
            writeln!(out, "| --- | --- | --- | --- |")?;
            for f in &report.findings {
                writeln!(
                    out,
                    "| {} | {} {} | {} | {} |",
                    f.severity.as_str(),
                    f.rule.code(),
                    f.rule_name,
                    md(&f.message),
                    f.disclosure.map_or("", |d| d.as_str())
                )?;
            }
            writeln!(out, "\n<details><summary>Evidence</summary>\n")?;
            // GitHub caps a comment at 65,536 characters; the table above already lists every finding.
            for f in report.findings.iter().take(MAX_EVIDENCE_FINDINGS) {
                writeln!(
                    out,
                    "- **{} {}** {}",
                    f.rule.code(),
                    f.rule_name,
                    md(&f.message)
                )?;
                for e in &f.app_evidence {
                    writeln!(out, "  - app: {}", md(&app_line(e)))?;
                }
                for e in &f.policy_evidence {
                    writeln!(out, "  - policy: {}", md(&policy_line(e)))?;
                }
            }
            if report.findings.len() > MAX_EVIDENCE_FINDINGS {
                writeln!(
                    out,
                    "- … evidence for {} more findings in the JSON, SARIF or HTML report",
                    report.findings.len() - MAX_EVIDENCE_FINDINGS
                )?;
            }
            writeln!(out, "\n</details>\n")?;
        }
        if !report.disclosures.is_empty() {
            writeln!(
                out,
                "<details><summary>Data types ({})</summary>\n",
                report.disclosures.len()
            )?;
            writeln!(out, "| Data type | Disclosure | Read by |")?;
            writeln!(out, "| --- | --- | --- |")?;
            for d in &report.disclosures {
                let readers: Vec<String> = d
                    .readers
                    .iter()
                    .map(|r| {
                        format!(
                            "{} ({}, {})",
                            r.sdk.as_deref().unwrap_or("app"),
                            r.via,
                            r.disclosure.as_str()
                        )
                    })
                    .collect();
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&d.name_en),
                    d.disclosure.as_str(),
                    md(&readers.join(", "))
                )?;
            }
            writeln!(out, "\n</details>\n")?;
        }
        for note in &report.notes {
            writeln!(out, "> note: {}", md(note))?;
        }
        Ok(())
    }
}
