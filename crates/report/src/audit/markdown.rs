//! Markdown for a pull-request comment: verdict, a findings table, evidence in collapsible blocks.

use std::io::{self, Write};

use super::{app_line, app_title, policy_line};
use crate::Reporter;
use appaudit_audit::{AuditReport, Verdict};

/// Findings whose evidence is listed in the collapsible block (keeps a PR comment under GitHub's size limit).
const MAX_EVIDENCE_FINDINGS: usize = 40;

/// GitHub refuses a pull-request comment longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Room kept for the truncation note and the closing tags it may need.
const TRUNCATION_RESERVE: usize = 400;

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

impl Reporter<AuditReport> for MarkdownReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let mut full = Vec::new();
        write_full(&mut full, report)?;
        let full = String::from_utf8(full).map_err(io::Error::other)?;
        out.write_all(fit_comment_limit(&full, GITHUB_COMMENT_LIMIT).as_bytes())
    }
}

/// `text` whole when it fits in `limit` characters; else cut at the last line that fits,
/// with any open `<details>` closed and a note saying how much was left out and where the
/// rest is, so a pull-request comment is never refused for its size.
fn fit_comment_limit(text: &str, limit: usize) -> String {
    let total = text.chars().count();
    if total <= limit {
        return text.to_owned();
    }
    let budget = limit.saturating_sub(TRUNCATION_RESERVE);
    let mut kept = String::new();
    let mut kept_chars = 0;
    for line in text.split_inclusive('\n') {
        let n = line.chars().count();
        if kept_chars + n > budget {
            break;
        }
        kept.push_str(line);
        kept_chars += n;
    }
    let open = kept.matches("<details>").count();
    let closed = kept.matches("</details>").count();
    for _ in closed..open {
        kept.push_str("\n</details>\n");
    }
    kept.push_str(&format!(
        "\n> **Truncated**: this report is {total} characters, more than the {limit} a GitHub comment holds; \
         {} characters are shown. The full report: `--format html`, `json` or `sarif`.\n",
        kept_chars
    ));
    kept
}

fn write_full(out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
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
                let side = if e.document.is_some() && e.document == report.declared_path {
                    "declared"
                } else {
                    "policy"
                };
                writeln!(out, "  - {side}: {}", md(&policy_line(e)))?;
            }
            writeln!(out, "  - clauses: {}", md(&super::clause_line(f)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reports_are_left_whole() {
        assert_eq!(fit_comment_limit("a\nb\n", 100), "a\nb\n");
    }

    #[test]
    fn long_reports_are_cut_at_a_line_with_open_details_closed_and_a_note() {
        let mut text = String::from("## head\n<details><summary>Evidence</summary>\n");
        for i in 0..5_000 {
            text.push_str(&format!("- finding {i} with some evidence text 中文\n"));
        }
        text.push_str("</details>\n");
        let fitted = fit_comment_limit(&text, GITHUB_COMMENT_LIMIT);
        assert!(fitted.chars().count() <= GITHUB_COMMENT_LIMIT);
        assert!(fitted.starts_with("## head\n"));
        assert_eq!(
            fitted.matches("<details>").count(),
            fitted.matches("</details>").count()
        );
        assert!(
            fitted.contains("**Truncated**"),
            "{}",
            fitted.chars().rev().take(300).collect::<String>()
        );
        // Cut between lines, never inside one.
        let before_note = fitted.split("\n</details>").next().unwrap();
        assert!(
            before_note.ends_with("中文\n"),
            "{}",
            before_note.chars().rev().take(40).collect::<String>()
        );
    }
}
