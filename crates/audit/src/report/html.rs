//! One self-contained HTML page: inline CSS, no scripts, no external assets; every text HTML-escaped.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::{Reporter, app_line, app_title};
use crate::model::{AuditReport, Verdict};

/// A static HTML report with the who-reads-what matrix and two-sided evidence.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlReporter;

/// Escapes text for element content and double-quoted attributes.
pub(crate) fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}\
.verdict{font-weight:bold;padding:.4em .8em;display:inline-block;border-radius:4px}\
.pass{background:#dfd;color:#060}.fail{background:#fdd;color:#900}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}\
th{background:#f4f4f4}.finding{border:1px solid #ddd;border-left:5px solid #999;margin:1em 0;padding:.5em 1em}\
.sev-high{border-left-color:#c00}.sev-medium{border-left-color:#e90}.sev-low{border-left-color:#09c}.sev-info{border-left-color:#aaa}\
.evidence{display:grid;grid-template-columns:1fr 1fr;gap:1em}.evidence ul{margin:.2em 0;padding-left:1.2em}\
code,q{font-family:ui-monospace,monospace;font-size:.92em;word-break:break-all}\
.clear{background:#dfd}.vague{background:#ffd}.omitted{background:#fdd}.incorrect{background:#f99;font-weight:bold}\
.muted{color:#777}.regs{color:#555;font-size:.9em}";

impl Reporter for HtmlReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let title = format!("appaudit: {}", app_title(report));
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        )?;
        // No network: a CSP that forbids every external load, in case a viewer ignores the absence of links.
        writeln!(
            out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        )?;
        writeln!(
            out,
            "<title>{}</title><style>{STYLE}</style></head><body>",
            esc(&title)
        )?;
        writeln!(out, "<h1>{}</h1>", esc(&title))?;
        let (class, word) = match report.verdict {
            Verdict::Pass => ("pass", "PASS"),
            Verdict::Fail => ("fail", "FAIL"),
        };
        let s = &report.summary;
        writeln!(
            out,
            "<p><span class=\"verdict {class}\" id=\"verdict\">{word}</span> {} high, {} medium, {} low, {} info, {} waived — fails on {} and above.</p>",
            s.high,
            s.medium,
            s.low,
            s.info,
            s.waived,
            report.fail_on.as_str()
        )?;
        writeln!(
            out,
            "<p class=\"muted\">App: <code>{}</code> — policy: <code>{}</code> ({}, {} lines) — {} {}</p>",
            esc(&report.inventory.source.path),
            esc(&report.policy_path),
            esc(&report.policy.language),
            report.policy.lines.len(),
            esc(&report.tool.name),
            esc(&report.tool.version)
        )?;
        for note in &report.notes {
            writeln!(out, "<p class=\"muted\">Note: {}</p>", esc(note))?;
        }

        writeln!(out, "<h2>Findings ({})</h2>", report.findings.len())?;
        for (i, f) in report.findings.iter().enumerate() {
            writeln!(
                out,
                "<section class=\"finding sev-{sev}\" id=\"finding-{n}\" data-rule=\"{code}\"><p><b>{code} {name}</b> · {sev}{disc} — {msg}</p>",
                sev = f.severity.as_str(),
                n = i + 1,
                code = f.rule.code(),
                name = f.rule_name,
                disc = f
                    .disclosure
                    .map(|d| format!(" · <span class=\"{0}\">{0}</span>", d.as_str()))
                    .unwrap_or_default(),
                msg = esc(&f.message)
            )?;
            writeln!(out, "<div class=\"evidence\"><div><b>In the app</b><ul>")?;
            if f.app_evidence.is_empty() {
                writeln!(out, "<li class=\"muted\">—</li>")?;
            }
            for e in &f.app_evidence {
                writeln!(out, "<li><code>{}</code></li>", esc(&app_line(e)))?;
            }
            writeln!(out, "</ul></div><div><b>In the policy</b><ul>")?;
            for e in &f.policy_evidence {
                match (&e.quote, e.line) {
                    (Some(q), Some(line)) => writeln!(
                        out,
                        "<li>line {line}: <q>{}</q> <span class=\"muted\">{}</span></li>",
                        esc(q),
                        esc(&e.note)
                    )?,
                    _ => writeln!(
                        out,
                        "<li class=\"muted\">{}: {}</li>",
                        esc(&e.kind.replace('_', " ")),
                        esc(&e.note)
                    )?,
                }
            }
            writeln!(
                out,
                "</ul></div></div><p class=\"regs\">{}</p></section>",
                esc(&f.regulations.join(" · "))
            )?;
        }

        // The who-reads-what matrix: one row per data type, one column per reader.
        let mut columns: BTreeSet<Option<&str>> = BTreeSet::new();
        for d in &report.disclosures {
            for r in &d.readers {
                columns.insert(r.sdk.as_deref());
            }
        }
        writeln!(
            out,
            "<h2>Who reads what</h2><table id=\"matrix\"><thead><tr><th>Data type</th><th>Policy overall</th>"
        )?;
        for c in &columns {
            writeln!(out, "<th>{}</th>", esc(c.unwrap_or("app")))?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for d in &report.disclosures {
            write!(
                out,
                "<tr><td>{} <span class=\"muted\">{}</span></td><td class=\"{1}\">{1}</td>",
                esc(&d.name_en),
                d.disclosure.as_str()
            )?;
            for c in &columns {
                match d.readers.iter().find(|r| r.sdk.as_deref() == *c) {
                    Some(r) => write!(
                        out,
                        "<td class=\"{0}\">{0} <span class=\"muted\">({1})</span></td>",
                        r.disclosure.as_str(),
                        r.via
                    )?,
                    None => write!(out, "<td></td>")?,
                }
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody></table>")?;

        if !report.waived.is_empty() {
            writeln!(out, "<h2>Waived ({})</h2><ul>", report.waived.len())?;
            for w in &report.waived {
                writeln!(
                    out,
                    "<li>{} — {} <span class=\"muted\">(reason: {}{})</span></li>",
                    w.finding.rule.code(),
                    esc(&w.finding.message),
                    esc(&w.reason),
                    w.expires
                        .as_deref()
                        .map(|e| format!(", expires {}", esc(e)))
                        .unwrap_or_default()
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "</body></html>")
    }
}
