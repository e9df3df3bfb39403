//! `--format junit`: JUnit XML, which most CI dashboards (GitLab, Jenkins, Azure, CircleCI) show.
//!
//! One `<testcase>` per rule (every rule, so a rule that found nothing shows as passed); a rule
//! with findings at or above `--fail-on` gets one `<failure>` listing them, findings below the
//! gate are listed in the test case's `<system-out>`. The suite's `<properties>` carry the app,
//! the policy, the gate, the verdict and, with `--baseline`, how many findings the baseline hid;
//! the notes go to the suite's `<system-out>`. Element and attribute set follow the Jenkins /
//! Ant JUnit XSD (`testsuites` > `testsuite` > `properties`, `testcase` > `failure`, `system-out`).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::Reporter;
use appaudit_audit::rules::{Profile, RuleId};
use appaudit_audit::{AuditReport, Finding, Verdict};

/// JUnit XML reporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct JunitReporter;

/// Escapes text for XML 1.0 content and attribute values; drops the characters XML 1.0 cannot hold.
fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(c),
            c if (c as u32) < 0x20 => s.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => s.push('\u{FFFD}'),
            c => s.push(c),
        }
    }
    s
}

fn finding_text(f: &Finding) -> String {
    let mut text = format!("[{}] {}\n", f.severity.as_str(), f.message);
    for e in &f.app_evidence {
        let _ = writeln!(text, "  app: {}", super::app_line(e));
    }
    for e in &f.policy_evidence {
        let _ = writeln!(text, "  policy: {}", super::policy_line(e));
    }
    let _ = writeln!(text, "  clauses: {}", super::clause_line(f));
    text
}

/// Renders the JUnit XML document.
pub fn to_junit(report: &AuditReport) -> String {
    let title = super::app_title(report);
    let classname = format!(
        "appaudit.{}",
        report
            .inventory
            .app
            .package
            .as_deref()
            .unwrap_or(&report.inventory.source.path)
    );
    let mut cases = String::new();
    let mut failures = 0usize;
    // A rule that needs `--app-type` (AA117) was not checked without one: no test case claims it passed.
    let listed: Vec<RuleId> = RuleId::in_profile(Profile::parse(&report.profile))
        .filter(|r| report.app_type.is_some() || !r.needs_app_type())
        .collect();
    for id in &listed {
        let info = id.info();
        let mine: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == *id).collect();
        let (gated, below): (Vec<&Finding>, Vec<&Finding>) =
            mine.into_iter().partition(|f| f.severity >= report.fail_on);
        let _ = write!(
            cases,
            "    <testcase classname=\"{}\" name=\"{} {}\" time=\"0\"",
            esc(&classname),
            esc(&info.id),
            esc(&info.name)
        );
        if gated.is_empty() && below.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        cases.push_str(">\n");
        if let Some(first) = gated.first() {
            failures += 1;
            let message = format!(
                "{} finding{} at or above {}: {}{}",
                gated.len(),
                if gated.len() == 1 { "" } else { "s" },
                report.fail_on.as_str(),
                super::shorten(&first.message, 200),
                if gated.len() > 1 { " (and more)" } else { "" }
            );
            let body: String = gated.iter().map(|f| finding_text(f)).collect();
            let _ = writeln!(
                cases,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                esc(&info.id),
                esc(&message),
                esc(&body)
            );
        }
        if !below.is_empty() {
            let mut body = format!(
                "{} finding{} below the gate ({}):\n",
                below.len(),
                if below.len() == 1 { "" } else { "s" },
                report.fail_on.as_str()
            );
            body.extend(below.iter().map(|f| finding_text(f)));
            let _ = writeln!(cases, "      <system-out>{}</system-out>", esc(&body));
        }
        cases.push_str("    </testcase>\n");
    }

    let mut properties = vec![
        ("app", report.inventory.source.path.clone()),
        ("policy", report.policy_path.clone()),
        ("fail_on", report.fail_on.as_str().to_owned()),
        (
            "verdict",
            match report.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
            }
            .to_owned(),
        ),
        ("findings.high", report.summary.high.to_string()),
        ("findings.medium", report.summary.medium.to_string()),
        ("findings.low", report.summary.low.to_string()),
        ("findings.info", report.summary.info.to_string()),
        ("findings.waived", report.summary.waived.to_string()),
        ("tool.version", report.tool.version.clone()),
    ];
    if let Some(b) = &report.baseline {
        properties.push(("baseline.file", b.file.clone()));
        properties.push(("baseline.hidden", b.hidden.to_string()));
        properties.push(("baseline.resolved", b.resolved.to_string()));
    }

    let tests = listed.len();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"appaudit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"appaudit audit {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        esc(&title)
    );
    xml.push_str("    <properties>\n");
    for (name, value) in &properties {
        let _ = writeln!(
            xml,
            "      <property name=\"{}\" value=\"{}\"/>",
            esc(name),
            esc(value)
        );
    }
    xml.push_str("    </properties>\n");
    xml.push_str(&cases);
    if !report.notes.is_empty() {
        let notes: String = report
            .notes
            .iter()
            .map(|n| format!("note: {n}\n"))
            .collect();
        let _ = writeln!(xml, "    <system-out>{}</system-out>", esc(&notes));
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

impl Reporter<AuditReport> for JunitReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        out.write_all(to_junit(report).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn xml_special_and_forbidden_characters_are_escaped() {
        assert_eq!(esc("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(esc("x\u{1}y\tz"), "x\u{FFFD}y\tz");
        assert_eq!(esc("政策"), "政策");
    }
}
