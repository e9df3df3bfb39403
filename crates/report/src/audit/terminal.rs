//! Terminal output: findings grouped by severity, one screen for a typical app, a verdict line.

use std::io::{self, Write};

use super::{app_line, app_title, policy_line, shorten};
use crate::Reporter;
use appaudit_audit::{AuditReport, Disclosure, Severity, Verdict};

/// Grouped text; ANSI colours when `color`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalReporter {
    /// Use ANSI colours (only when writing to a terminal).
    pub color: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

impl TerminalReporter {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

impl Reporter<AuditReport> for TerminalReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        writeln!(
            out,
            "{} {} vs {}",
            self.paint(BOLD, "appaudit audit:"),
            app_title(report),
            match (&report.declared_path, report.policy_path.is_empty()) {
                (Some(d), true) => format!("declared {d}"),
                (Some(d), false) => format!("{} and declared {d}", report.policy_path),
                (None, true) => "the policy".to_owned(),
                (None, false) => report.policy_path.clone(),
            }
        )?;
        let inv = &report.inventory;
        // Without a policy (`--declared` alone) there is no policy side to count.
        let with_policy = !report.policy_path.is_empty() || report.declared_path.is_none();
        let policy_counts = if with_policy {
            format!(
                "; policy: {} SDKs named, {} data-type mentions",
                report.policy.sdks.len(),
                report.policy.data_types.len()
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}",
            self.paint(
                DIM,
                &format!(
                    "{} permissions, {} SDKs, {} data types touched{policy_counts}",
                    inv.permissions.len(),
                    inv.sdks.len(),
                    report.disclosures.len(),
                )
            )
        )?;
        for severity in [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ] {
            let group: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .collect();
            if group.is_empty() {
                continue;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.paint(
                    severity_color(severity),
                    &format!("{} ({})", severity.as_str().to_uppercase(), group.len())
                )
            )?;
            for f in group {
                let class = f
                    .disclosure
                    .map(|d| format!(" [{}]", d.as_str()))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {} {}{}",
                    self.paint(BOLD, f.rule.code()),
                    shorten(&f.message, 150),
                    class
                )?;
                // Only high findings show their evidence here, so a typical app fits one screen;
                // JSON, HTML and Markdown carry all of it.
                if severity != Severity::High {
                    continue;
                }
                if let Some(e) = f.app_evidence.first() {
                    let more = f.app_evidence.len().saturating_sub(1);
                    let more = if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "        app:    {}{}",
                        shorten(&app_line(e), 110),
                        self.paint(DIM, &more)
                    )?;
                }
                if let Some(e) = f.policy_evidence.first() {
                    let side = if e.document.is_some() && e.document == report.declared_path {
                        "declared: "
                    } else {
                        "policy: "
                    };
                    writeln!(out, "        {side}{}", shorten(&policy_line(e), 110))?;
                }
                writeln!(
                    out,
                    "        {}",
                    self.paint(
                        DIM,
                        &shorten(&format!("rules:  {}", super::clause_line(f)), 118)
                    )
                )?;
            }
        }
        if report.findings.iter().any(|f| f.severity != Severity::High) {
            writeln!(
                out,
                "{}",
                self.paint(
                    DIM,
                    "  (evidence for every finding: --format html, json or markdown)"
                )
            )?;
        }
        let count = |d: Disclosure| {
            report
                .disclosures
                .iter()
                .filter(|x| x.disclosure == d)
                .count()
        };
        writeln!(out)?;
        if with_policy {
            writeln!(
                out,
                "Data types: {} touched — clear {}, vague {}, omitted {}, incorrect {}",
                report.disclosures.len(),
                count(Disclosure::Clear),
                count(Disclosure::Vague),
                count(Disclosure::Omitted),
                count(Disclosure::Incorrect)
            )?;
        }
        for note in &report.notes {
            writeln!(
                out,
                "{}",
                self.paint(severity_color(Severity::Medium), &format!("note: {note}"))
            )?;
        }
        let s = &report.summary;
        let verdict = match report.verdict {
            Verdict::Pass => self.paint("\x1b[1;32m", "PASS"),
            Verdict::Fail => self.paint("\x1b[1;31m", "FAIL"),
        };
        writeln!(
            out,
            "Verdict: {verdict} — {} high, {} medium, {} low, {} info, {} waived (fails on {} and above)",
            s.high,
            s.medium,
            s.low,
            s.info,
            s.waived,
            report.fail_on.as_str()
        )
    }
}
