//! One self-contained HTML dashboard: a summary (verdict, severities, SDKs by category, data
//! types by disclosure class), navigation, inline SVG charts, filters in a few lines of plain
//! JavaScript, every finding linkable by id, the who-reads-what matrix with SDK names, print
//! styles. No network: the CSP allows nothing but this page's own style and script, by hash.
//! Every input-derived string is HTML-escaped; the script reads only `data-` attributes.

mod svg;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use sha2::{Digest, Sha256};

use super::{app_line, app_title};
use crate::Reporter;
use appaudit_audit::{AuditReport, Disclosure, Finding, Severity, Verdict};

/// The dashboard's style sheet and filter script, inlined verbatim.
const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("filter.js");

/// The HTML dashboard reporter.
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

/// Standard base64 (RFC 4648 §4, with padding).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                s.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A CSP source expression for an inline element's exact text.
fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// The page's Content-Security-Policy: nothing may load; only our own style and script run.
pub(crate) fn csp() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

const SEVERITIES: [Severity; 4] = [
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];
const DISCLOSURES: [Disclosure; 4] = [
    Disclosure::Incorrect,
    Disclosure::Omitted,
    Disclosure::Vague,
    Disclosure::Clear,
];

/// SDK id → display name (`Umeng Common`), from the inventory; unknown ids show as themselves.
struct Names<'a>(BTreeMap<&'a str, &'a str>);

impl<'a> Names<'a> {
    fn new(report: &'a AuditReport) -> Self {
        Names(
            report
                .inventory
                .sdks
                .iter()
                .map(|s| (s.id.as_str(), s.name.as_str()))
                .collect(),
        )
    }

    fn of(&self, id: Option<&'a str>) -> &'a str {
        match id {
            None => "app",
            Some(id) => self.0.get(id).copied().unwrap_or(id),
        }
    }
}

/// Every SDK a finding concerns: its own and those in its evidence.
fn finding_sdks(f: &Finding) -> BTreeSet<&str> {
    f.sdk
        .as_deref()
        .into_iter()
        .chain(f.app_evidence.iter().filter_map(|e| e.sdk.as_deref()))
        .collect()
}

/// A token safe inside a space-separated attribute list.
fn token(id: &str) -> String {
    esc(&id.replace(char::is_whitespace, "_"))
}

impl Reporter<AuditReport> for HtmlReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let names = Names::new(report);
        let title = format!("appaudit: {}", app_title(report));
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
<title>{}</title><style>{STYLE}</style></head><body>",
            csp(),
            esc(&title)
        )?;
        writeln!(
            out,
            "<nav id=\"nav\"><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#findings\">Findings ({})</a><a href=\"#matrix\">Who reads what</a><a href=\"#sdks\">SDKs ({})</a>{}</nav>",
            report.findings.len(),
            report.inventory.sdks.len(),
            if report.waived.is_empty() {
                String::new()
            } else {
                format!("<a href=\"#waived\">Waived ({})</a>", report.waived.len())
            }
        )?;
        self.summary(out, report, &title)?;
        self.charts(out, report, &names)?;
        self.findings(out, report, &names)?;
        self.matrix(out, report, &names)?;
        self.sdks(out, report)?;
        self.waived(out, report)?;
        writeln!(out, "</main><script>{SCRIPT}</script></body></html>")
    }
}

impl HtmlReporter {
    fn summary(&self, out: &mut dyn Write, report: &AuditReport, title: &str) -> io::Result<()> {
        let (class, word) = match report.verdict {
            Verdict::Pass => ("pass", "PASS"),
            Verdict::Fail => ("fail", "FAIL"),
        };
        let s = &report.summary;
        writeln!(out, "<header id=\"summary\"><h1>{}</h1>", esc(title))?;
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
            "<p class=\"meta\">App: <code>{}</code> — policy: <code>{}</code> ({}, {} lines) — {} {}</p>",
            esc(&report.inventory.source.path),
            esc(&report.policy_path),
            esc(&report.policy.language),
            report.policy.lines.len(),
            esc(&report.tool.name),
            esc(&report.tool.version)
        )?;
        for note in &report.notes {
            writeln!(out, "<p class=\"meta\">Note: {}</p>", esc(note))?;
        }
        writeln!(out, "</header><main>")?;
        writeln!(out, "<div class=\"cards\">")?;
        // Findings by severity.
        writeln!(
            out,
            "<div class=\"card\" id=\"card-severity\"><h3>Findings by severity</h3><ul>"
        )?;
        for (sev, n) in severity_counts(report) {
            writeln!(
                out,
                "<li data-severity=\"{0}\"><span><span class=\"dot {0}\"></span><a href=\"#findings\">{0}</a></span><b>{n}</b></li>",
                sev.as_str()
            )?;
        }
        writeln!(out, "</ul></div>")?;
        // SDKs by category (used = called from outside its own code).
        writeln!(
            out,
            "<div class=\"card\" id=\"card-sdks\"><h3>SDKs by category ({})</h3><ul>",
            report.inventory.sdks.len()
        )?;
        for (category, (n, used)) in sdk_categories(report) {
            writeln!(
                out,
                "<li data-category=\"{}\"><span>{}</span><b>{n}<span class=\"muted\"> ({used} used)</span></b></li>",
                esc(category),
                esc(category)
            )?;
        }
        if report.inventory.sdks.is_empty() {
            writeln!(out, "<li class=\"muted\">none detected</li>")?;
        }
        writeln!(out, "</ul></div>")?;
        // Data types by disclosure class.
        writeln!(
            out,
            "<div class=\"card\" id=\"card-data\"><h3>Data types by disclosure ({})</h3><ul>",
            report.disclosures.len()
        )?;
        for (d, n) in disclosure_counts(report) {
            writeln!(
                out,
                "<li data-disclosure=\"{0}\"><span><span class=\"dot {0}\"></span>{0}</span><b>{n}</b></li>",
                d.as_str()
            )?;
        }
        writeln!(out, "</ul></div>")?;
        // The worst findings, linked: what is wrong and where, on the first screen.
        writeln!(
            out,
            "<div class=\"card\" id=\"card-top\"><h3>Most severe</h3><ul>"
        )?;
        for (i, f) in report.findings.iter().enumerate().take(5) {
            writeln!(
                out,
                "<li><span><span class=\"dot {}\"></span><a href=\"#finding-{}\">{}</a> {}</span></li>",
                f.severity.as_str(),
                i + 1,
                f.rule.code(),
                esc(&super::shorten(&f.message, 70))
            )?;
        }
        if report.findings.is_empty() {
            writeln!(out, "<li class=\"muted\">no findings</li>")?;
        }
        writeln!(out, "</ul></div></div>")
    }

    fn charts(&self, out: &mut dyn Write, report: &AuditReport, names: &Names) -> io::Result<()> {
        writeln!(out, "<h2 id=\"charts\">Charts</h2><div class=\"charts\">")?;
        let sev: Vec<(Severity, usize)> = severity_counts(report);
        let bars: Vec<svg::Bar> = sev
            .iter()
            .map(|(s, n)| svg::Bar {
                label: s.as_str(),
                value: *n,
                class: s.as_str(),
            })
            .collect();
        writeln!(
            out,
            "<div class=\"chart\"><h3>Findings by severity</h3>{}</div>",
            svg::bars("chart-severity", "Findings by severity", &bars)
        )?;
        let cats = sdk_categories(report);
        let bars: Vec<svg::Bar> = cats
            .iter()
            .map(|(c, (n, _))| svg::Bar {
                label: c,
                value: *n,
                class: "info",
            })
            .collect();
        writeln!(
            out,
            "<div class=\"chart\"><h3>SDKs by category</h3>{}</div>",
            svg::bars("chart-sdks", "SDKs by category", &bars)
        )?;
        let disc = disclosure_counts(report);
        let bars: Vec<svg::Bar> = disc
            .iter()
            .map(|(d, n)| svg::Bar {
                label: d.as_str(),
                value: *n,
                class: d.as_str(),
            })
            .collect();
        writeln!(
            out,
            "<div class=\"chart\"><h3>Data types by disclosure</h3>{}</div>",
            svg::bars("chart-disclosure", "Data types by disclosure", &bars)
        )?;
        let columns = readers(report);
        let column_names: Vec<String> = columns.iter().map(|c| names.of(*c).to_owned()).collect();
        let rows: Vec<(String, Vec<Option<svg::Cell>>)> = report
            .disclosures
            .iter()
            .map(|d| {
                let cells = columns
                    .iter()
                    .map(|c| {
                        d.readers
                            .iter()
                            .find(|r| r.sdk.as_deref() == *c)
                            .map(|r| svg::Cell {
                                class: r.disclosure.as_str(),
                                via: r.via,
                            })
                    })
                    .collect();
                (d.name_en.clone(), cells)
            })
            .collect();
        writeln!(
            out,
            "<div class=\"chart wide\"><h3>Who reads what <span class=\"muted\">(filled: read in code; hollow: permission only; colour: how the policy covers that reader)</span></h3><div class=\"scroll\">{}</div></div></div>",
            svg::heat_map(&column_names, &rows)
        )
    }

    fn findings(&self, out: &mut dyn Write, report: &AuditReport, names: &Names) -> io::Result<()> {
        writeln!(
            out,
            "<h2 id=\"findings\">Findings ({})</h2>",
            report.findings.len()
        )?;
        // Filters: hidden until the script runs, so a page without scripts shows no dead controls.
        let rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.code()).collect();
        let sdks: BTreeSet<&str> = report.findings.iter().flat_map(finding_sdks).collect();
        writeln!(
            out,
            "<div id=\"filters\" hidden><label>Severity <select name=\"severity\"><option value=\"\">all</option>"
        )?;
        for (s, n) in severity_counts(report) {
            if n > 0 {
                writeln!(out, "<option>{}</option>", s.as_str())?;
            }
        }
        writeln!(
            out,
            "</select></label><label>Rule <select name=\"rule\"><option value=\"\">all</option>"
        )?;
        for r in &rules {
            writeln!(out, "<option>{r}</option>")?;
        }
        writeln!(
            out,
            "</select></label><label>SDK <select name=\"sdk\"><option value=\"\">all</option>"
        )?;
        for id in &sdks {
            writeln!(
                out,
                "<option value=\"{}\">{}</option>",
                token(id),
                esc(names.of(Some(id)))
            )?;
        }
        writeln!(
            out,
            "</select></label><span><b id=\"shown\">{}</b> of {} shown</span></div>",
            report.findings.len(),
            report.findings.len()
        )?;
        for (i, f) in report.findings.iter().enumerate() {
            let sdk_tokens: Vec<String> = finding_sdks(f).into_iter().map(token).collect();
            writeln!(
                out,
                "<section class=\"finding sev-{sev}\" id=\"finding-{n}\" data-rule=\"{code}\" data-severity=\"{sev}\" data-sdk=\"{sdks}\"><p><span class=\"sev {sev}\">{sev}</span> <b>{code} {name}</b>{disc} — {msg}<a class=\"permalink\" href=\"#finding-{n}\" title=\"link to this finding\">#{n}</a></p>",
                sev = f.severity.as_str(),
                n = i + 1,
                code = f.rule.code(),
                name = f.rule_name,
                sdks = sdk_tokens.join(" "),
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
                        "<li>{}line {line}: <q>{}</q> <span class=\"muted\">{}</span></li>",
                        e.document
                            .as_deref()
                            .map(|d| format!("{} ", esc(d)))
                            .unwrap_or_default(),
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
                esc(&super::clause_line(f))
            )?;
        }
        Ok(())
    }

    /// The who-reads-what matrix as a table: one row per data type, one column per reader.
    fn matrix(&self, out: &mut dyn Write, report: &AuditReport, names: &Names) -> io::Result<()> {
        let columns = readers(report);
        writeln!(
            out,
            "<h2>Who reads what</h2><div class=\"scroll\"><table id=\"matrix\"><thead><tr><th>Data type</th><th>Policy overall</th>"
        )?;
        for c in &columns {
            writeln!(
                out,
                "<th data-sdk=\"{}\">{}</th>",
                esc(c.unwrap_or("")),
                esc(names.of(*c))
            )?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for d in &report.disclosures {
            write!(
                out,
                "<tr data-type=\"{}\"><td>{} <span class=\"muted\" lang=\"zh-Hans\">{}</span></td><td class=\"{3}\">{3}</td>",
                esc(&d.data_type),
                esc(&d.name_en),
                esc(&d.name_zh),
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
        writeln!(out, "</tbody></table></div>")
    }

    fn sdks(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        let sdks = &report.inventory.sdks;
        writeln!(
            out,
            "<h2 id=\"sdks\">SDKs ({})</h2><div class=\"scroll\"><table id=\"sdk-table\"><thead><tr><th>SDK</th><th>Category</th><th>Vendor</th><th>Usage</th><th>Classes</th></tr></thead><tbody>",
            sdks.len()
        )?;
        for s in sdks {
            writeln!(
                out,
                "<tr data-sdk=\"{}\"><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.id),
                esc(&s.name),
                s.name_zh
                    .as_deref()
                    .map(|z| format!(" <span lang=\"zh-Hans\">{}</span>", esc(z)))
                    .unwrap_or_default(),
                esc(&s.category),
                esc(&s.vendor),
                esc(s.usage.status),
                s.class_count
            )?;
        }
        writeln!(out, "</tbody></table></div>")
    }

    fn waived(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        if report.waived.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "<h2 id=\"waived\">Waived ({})</h2><ul>",
            report.waived.len()
        )?;
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
        writeln!(out, "</ul>")
    }
}

fn severity_counts(report: &AuditReport) -> Vec<(Severity, usize)> {
    SEVERITIES
        .iter()
        .map(|s| {
            (
                *s,
                report.findings.iter().filter(|f| f.severity == *s).count(),
            )
        })
        .collect()
}

fn disclosure_counts(report: &AuditReport) -> Vec<(Disclosure, usize)> {
    DISCLOSURES
        .iter()
        .map(|d| {
            (
                *d,
                report
                    .disclosures
                    .iter()
                    .filter(|x| x.disclosure == *d)
                    .count(),
            )
        })
        .collect()
}

/// Category → (SDKs, of which used), most SDKs first, then by name.
fn sdk_categories(report: &AuditReport) -> Vec<(&str, (usize, usize))> {
    let mut map: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in &report.inventory.sdks {
        let e = map.entry(s.category.as_str()).or_default();
        e.0 += 1;
        if s.usage.status == "used" {
            e.1 += 1;
        }
    }
    let mut v: Vec<_> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    v
}

/// The matrix columns: the app first, then every reading SDK by id.
fn readers(report: &AuditReport) -> Vec<Option<&str>> {
    let mut columns: BTreeSet<Option<&str>> = BTreeSet::new();
    for d in &report.disclosures {
        for r in &d.readers {
            columns.insert(r.sdk.as_deref());
        }
    }
    columns.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn csp_hash_matches_the_fips_180_vector() {
        // SHA-256("abc") = ba7816bf…15ad (FIPS 180-2 appendix B.1), in base64.
        assert_eq!(
            csp_hash("abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='"
        );
    }
}
