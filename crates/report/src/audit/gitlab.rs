//! `--format gitlab`: a GitLab Code Quality report (the `codequality` artifact of a job).
//!
//! GitLab reads a JSON array of issues, each with `description`, `check_name`, `fingerprint`
//! (unique per issue; GitLab compares the merge request's issues with the target branch's by it),
//! `severity` (`info`, `minor`, `major`, `critical` or `blocker`) and `location.path` with
//! `location.lines.begin`. The fingerprint is the SARIF one (`appauditFinding/v1`), so the
//! same finding has the same identity in both reports and in a baseline.
//!
//! Location: a finding whose policy evidence quotes a line points at the policy file and that
//! line (where the fix usually goes); any other finding points at the app file, line 1.
//! When a baseline was applied, one extra `info` issue (`check_name` `appaudit-baseline`) says how
//! many findings it hid, because the format has no other place for that count.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde::Serialize;

use crate::Reporter;
use appaudit_audit::fingerprint::{fingerprint, fnv1a};
use appaudit_audit::{AuditReport, Finding, Severity};

/// GitLab Code Quality reporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitlabReporter;

/// One Code Quality issue.
#[derive(Debug, Serialize)]
pub struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
    categories: Vec<&'static str>,
    content: Content,
}

#[derive(Debug, Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Debug, Serialize)]
struct Lines {
    begin: usize,
}

#[derive(Debug, Serialize)]
struct Content {
    body: String,
}

/// GitLab's severity for ours (`blocker` is not used: no finding stops more than a `high`).
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

fn body(f: &Finding) -> String {
    let mut text = String::new();
    for e in f.app_evidence.iter().take(10) {
        text.push_str("- app: ");
        text.push_str(&super::app_line(e));
        text.push('\n');
    }
    for e in f.policy_evidence.iter().take(5) {
        text.push_str("- policy: ");
        text.push_str(&super::policy_line(e));
        text.push('\n');
    }
    if !f.regulations.is_empty() {
        text.push_str("- clauses: ");
        text.push_str(&super::clause_line(f));
        text.push('\n');
    }
    text
}

/// The Code Quality issues for a report.
pub fn to_gitlab(report: &AuditReport) -> Vec<Issue> {
    let app = &report.inventory.source.path;
    let mut seen = BTreeSet::new();
    let mut issues: Vec<Issue> = report
        .findings
        .iter()
        .map(|f| {
            let mut fp = fingerprint(f, app);
            // GitLab needs unique fingerprints; two findings with one key get distinct ones.
            let mut n = 1;
            while !seen.insert(fp.clone()) {
                fp = fnv1a(&format!("{}#{n}", fingerprint(f, app)));
                n += 1;
            }
            let quoted = f.policy_evidence.iter().find_map(|e| {
                e.line
                    .filter(|l| *l > 0)
                    .map(|l| (l, e.document.as_deref()))
            });
            let (path, begin) = match quoted {
                Some((line, Some(document))) => (document.to_owned(), line),
                Some((line, None)) if !report.policy_path.is_empty() => {
                    (report.policy_path.clone(), line)
                }
                _ => (app.clone(), 1),
            };
            Issue {
                description: format!("{} {}: {}", f.rule.code(), f.rule_name, f.message),
                check_name: format!("{} {}", f.rule.code(), f.rule_name),
                fingerprint: fp,
                severity: severity(f.severity),
                location: IssueLocation {
                    path,
                    lines: Lines { begin },
                },
                categories: vec!["Security", "Compliance"],
                content: Content { body: body(f) },
            }
        })
        .collect();
    if let Some(b) = &report.baseline {
        issues.push(Issue {
            description: format!(
                "baseline {} hid {} finding{} already accepted ({} fixed since)",
                b.file,
                b.hidden,
                if b.hidden == 1 { "" } else { "s" },
                b.resolved
            ),
            check_name: "appaudit-baseline".into(),
            fingerprint: fnv1a(&format!("appaudit-baseline|{}|{app}", b.file)),
            severity: "info",
            location: IssueLocation {
                path: b.file.clone(),
                lines: Lines { begin: 1 },
            },
            categories: vec!["Compliance"],
            content: Content {
                body: b
                    .findings
                    .iter()
                    .map(|h| {
                        format!(
                            "- {} {} ({}): {}\n",
                            h.finding.rule.code(),
                            h.fingerprint,
                            h.finding.severity.as_str(),
                            h.finding.message
                        )
                    })
                    .collect(),
            },
        });
    }
    issues
}

impl Reporter<AuditReport> for GitlabReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_gitlab(report))?;
        out.write_all(b"\n")
    }
}
