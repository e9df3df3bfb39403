//! The policy reading for a terminal: each item with what, line, section and quote, so a
//! person can check it against the text in seconds.

use std::fmt::Write as _;
use std::io;

use appaudit_policy::PolicyReading;

use crate::Reporter;

/// Plain-text reporter of a policy reading.
pub struct TextReporter;

impl Reporter<PolicyReading> for TextReporter {
    fn write(&self, out: &mut dyn io::Write, reading: &PolicyReading) -> io::Result<()> {
        out.write_all(render_human(reading).as_bytes())
    }
}

fn section_suffix(section: Option<&String>) -> String {
    section.map(|s| format!("  [§ {s}]")).unwrap_or_default()
}

/// Renders a reading for a terminal.
fn render_human(reading: &PolicyReading) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Policy: {} lines, language {}, encoding {}, format {:?}",
        reading.lines.len(),
        reading.language,
        reading.encoding,
        reading.format
    );

    let _ = writeln!(out, "\nSections ({}):", reading.sections.len());
    for s in &reading.sections {
        let origin = if s.from_heading { "" } else { " (body text)" };
        let _ = writeln!(
            out,
            "  L{:<5} {:<22} {}{origin}",
            s.line,
            s.kind.as_str(),
            s.title
        );
    }
    if !reading.missing_sections.is_empty() {
        let missing: Vec<&str> = reading
            .missing_sections
            .iter()
            .map(|k| k.as_str())
            .collect();
        let _ = writeln!(out, "  missing: {}", missing.join(", "));
    }

    let declared: Vec<_> = reading.data_types.iter().filter(|d| !d.negated).collect();
    let denied: Vec<_> = reading.data_types.iter().filter(|d| d.negated).collect();
    let _ = writeln!(out, "\nData types declared ({}):", declared.len());
    for d in declared {
        let kind = if d.category { " (category)" } else { "" };
        let _ = writeln!(
            out,
            "  {}{kind}  L{}:{}  by {}{}\n      “{}”",
            d.id,
            d.line,
            d.column,
            d.collector,
            section_suffix(d.section.as_ref()),
            d.quote
        );
    }
    if !denied.is_empty() {
        let _ = writeln!(out, "\nData types denied ({}):", denied.len());
        for d in denied {
            let _ = writeln!(
                out,
                "  NOT {}  L{}:{}{}\n      “{}”",
                d.id,
                d.line,
                d.column,
                section_suffix(d.section.as_ref()),
                d.quote
            );
        }
    }

    let _ = writeln!(out, "\nSDKs ({}):", reading.sdks.len());
    for s in &reading.sdks {
        let id = s.sdk_id.as_deref().unwrap_or("(unknown)");
        let _ = writeln!(
            out,
            "  {id}  as “{}”  {} {:.2}  L{}{}",
            s.name_in_text,
            s.match_kind,
            s.confidence,
            s.line,
            section_suffix(s.section.as_ref())
        );
        if let Some(p) = &s.purpose {
            let _ = writeln!(out, "      purpose: {p}");
        }
        if !s.data_types.is_empty() {
            let _ = writeln!(out, "      data: {}", s.data_types.join(", "));
        }
        if !s.packages_in_text.is_empty() {
            let _ = writeln!(
                out,
                "      packages in text: {}",
                s.packages_in_text.join(", ")
            );
        }
        if !s.related_sdk_ids.is_empty() {
            let _ = writeln!(out, "      related: {}", s.related_sdk_ids.join(", "));
        }
        if !s.other_lines.is_empty() {
            let lines: Vec<String> = s.other_lines.iter().map(|l| format!("L{l}")).collect();
            let _ = writeln!(out, "      also: {}", lines.join(" "));
        }
        let _ = writeln!(out, "      “{}”", s.quote);
    }

    let _ = writeln!(out, "\nPermissions ({}):", reading.permissions.len());
    for p in &reading.permissions {
        let neg = if p.negated { "NOT " } else { "" };
        let _ = writeln!(
            out,
            "  {neg}{}  L{}{}",
            p.name,
            p.line,
            section_suffix(p.section.as_ref())
        );
        if let Some(purpose) = &p.purpose {
            let _ = writeln!(out, "      purpose: {purpose}");
        }
        let _ = writeln!(out, "      “{}”", p.quote);
    }
    out
}
