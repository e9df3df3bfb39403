//! The audit report: one reporter per output format, each a
//! [`Reporter<AuditReport>`](crate::Reporter).

mod gitlab;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
mod terminal;

use std::io;

use appaudit_audit::{AppEvidence, AuditReport, PolicyEvidence};

use crate::Reporter;

pub use gitlab::GitlabReporter;
pub use html::HtmlReporter;
pub use json::JsonReporter;
pub use junit::JunitReporter;
pub use markdown::MarkdownReporter;
pub use sarif::SarifReporter;
pub use terminal::TerminalReporter;

/// Output formats of `appaudit audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped, coloured text for a terminal.
    Terminal,
    /// The versioned JSON contract.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// GitLab Code Quality JSON (merge-request widget).
    Gitlab,
    /// JUnit XML, one test case per rule.
    Junit,
}

/// The reporter for a format; `color` only affects the terminal format.
pub fn reporter(format: Format, color: bool) -> Box<dyn Reporter<AuditReport>> {
    match format {
        Format::Terminal => Box::new(TerminalReporter { color }),
        Format::Json => Box::new(JsonReporter),
        Format::Sarif => Box::new(SarifReporter),
        Format::Markdown => Box::new(MarkdownReporter),
        Format::Html => Box::new(HtmlReporter),
        Format::Gitlab => Box::new(GitlabReporter),
        Format::Junit => Box::new(JunitReporter),
    }
}

/// Renders a report to a string.
pub fn render(format: Format, color: bool, report: &AuditReport) -> io::Result<String> {
    crate::render(reporter(format, color).as_ref(), report)
}

/// One line for an app evidence item: `classes.dex: Lcom/foo/Bar; (umeng-common)`.
pub(crate) fn app_line(e: &AppEvidence) -> String {
    let mut text = String::new();
    text.push_str(&e.kind);
    text.push_str(": ");
    if let Some(loc) = &e.location {
        text.push_str(loc);
        text.push(' ');
    }
    text.push_str(&e.value);
    if let Some(sdk) = &e.sdk {
        text.push_str(" [");
        text.push_str(sdk);
        text.push(']');
    }
    text
}

/// One line for a policy evidence item: `line 12: "We do not collect your contacts." (denies …)`.
pub(crate) fn policy_line(e: &PolicyEvidence) -> String {
    match (&e.quote, e.line) {
        (Some(q), Some(line)) => match &e.document {
            Some(doc) => format!("{doc} line {line}: \"{q}\" — {}", e.note),
            None => format!("line {line}: \"{q}\" — {}", e.note),
        },
        _ => format!("{}: {}", e.kind.replace('_', " "), e.note),
    }
}

/// Shortens text to `max` characters on a character boundary.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The app's display name: package and version, or the file.
pub(crate) fn app_title(report: &AuditReport) -> String {
    let app = &report.inventory.app;
    match (&app.package, &app.version_name) {
        (Some(p), Some(v)) => format!("{p} {v}"),
        (Some(p), None) => p.clone(),
        _ => report.inventory.source.path.clone(),
    }
}

/// The finding's rule coverage and clauses on one line: `CN-S01 · 认定方法 二.1 · GB/T 35273-2020 9.7 c)`.
pub(crate) fn clause_line(f: &appaudit_audit::Finding) -> String {
    f.cn_rules
        .iter()
        .chain(f.regulations.iter())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests;
