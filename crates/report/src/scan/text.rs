//! The human summary for a terminal: one screen for a typical app.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::ScanOutcome;
use crate::Reporter;
use appaudit_model::{InputKind, Inventory, Protection};

/// Plain-text reporter; colours only when asked (a TTY without `NO_COLOR`).
pub struct TextReporter {
    /// Emit ANSI colours.
    pub color: bool,
}

/// ANSI styling that disappears when colour is off.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
}

impl Reporter<[ScanOutcome]> for TextReporter {
    fn write(&self, out: &mut dyn Write, outcomes: &[ScanOutcome]) -> io::Result<()> {
        let style = Style { color: self.color };
        for (i, inv) in outcomes
            .iter()
            .filter_map(ScanOutcome::inventory)
            .enumerate()
        {
            if i > 0 {
                writeln!(out)?;
            }
            write_inventory(out, inv, &style)?;
        }
        if outcomes.len() > 1 {
            write_folder_summary(out, outcomes, &style)?;
        }
        Ok(())
    }
}

/// The closing table of a scan of several files: what was read, what failed, and the SDKs
/// found across all of them by category (each SDK counted once per file).
fn write_folder_summary(
    out: &mut dyn Write,
    outcomes: &[ScanOutcome],
    s: &Style,
) -> io::Result<()> {
    let inventories: Vec<&Inventory> = outcomes.iter().filter_map(ScanOutcome::inventory).collect();
    let apps = inventories
        .iter()
        .filter(|inv| {
            matches!(
                inv.source.kind,
                InputKind::Apk
                    | InputKind::SplitApks
                    | InputKind::Aab
                    | InputKind::Ipa
                    | InputKind::AppBundle
            )
        })
        .count();
    let failed: Vec<&super::ScanFailure> = outcomes
        .iter()
        .filter_map(|o| match o {
            ScanOutcome::Failed(f) => Some(f),
            ScanOutcome::Scanned(_) => None,
        })
        .collect();
    let mut by_category: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for inv in &inventories {
        let categories: BTreeSet<&str> = inv.sdks.iter().map(|sdk| sdk.category.as_str()).collect();
        for category in categories {
            by_category.entry(category).or_default().0 += 1;
        }
        for sdk in &inv.sdks {
            by_category
                .entry(sdk.category.as_str())
                .or_default()
                .1
                .insert(sdk.name.as_str());
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", s.bold("Summary"))?;
    writeln!(
        out,
        "  {} files: {} scanned ({} apps, {} SDK or library files), {} failed",
        outcomes.len(),
        inventories.len(),
        apps,
        inventories.len() - apps,
        if failed.is_empty() {
            "0".to_owned()
        } else {
            s.red(&failed.len().to_string())
        }
    )?;
    if !by_category.is_empty() {
        writeln!(
            out,
            "  SDKs by category (files carrying one · distinct SDKs):"
        )?;
        let width = by_category.keys().map(|c| c.len()).max().unwrap_or(0);
        for (category, (files, names)) in &by_category {
            writeln!(out, "    {category:<width$}  {files:>4} · {}", names.len())?;
        }
    }
    for failure in failed {
        // The error names the file already.
        writeln!(out, "  {} {}", s.red("failed:"), failure.error)?;
    }
    Ok(())
}

fn write_inventory(out: &mut dyn Write, inv: &Inventory, s: &Style) -> io::Result<()> {
    let app = &inv.app;
    let ident = app.package.as_deref().unwrap_or("(no manifest)");
    let version = match (&app.version_name, &app.version_code) {
        (Some(n), Some(c)) => format!(" {n} ({c})"),
        (Some(n), None) => format!(" {n}"),
        (None, Some(c)) => format!(" ({c})"),
        (None, None) => String::new(),
    };
    writeln!(
        out,
        "{} {}{}",
        s.bold(&inv.source.path),
        s.bold(ident),
        version
    )?;
    let mut facts = vec![format!("{} {:?}", app.platform, inv.source.kind).to_lowercase()];
    if let Some(v) = &app.min_sdk {
        facts.push(format!("min {v}"));
    }
    if let Some(v) = &app.target_sdk {
        facts.push(format!("target {v}"));
    }
    let st = &inv.stats;
    facts.push(format!(
        "{} entries, {} dex, {} class files, {} classes, {} native libs",
        st.entries, st.dex_files, st.class_files, st.classes, st.native_libs
    ));
    writeln!(out, "  {}", s.dim(&facts.join(" · ")))?;
    let flags: Vec<String> = app.flags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if !flags.is_empty() {
        writeln!(out, "  flags: {}", flags.join(", "))?;
    }

    writeln!(
        out,
        "\n{} ({})",
        s.bold("Permissions"),
        inv.permissions.len()
    )?;
    let mut shown = 0;
    for p in &inv.permissions {
        let marker = match p.protection {
            Protection::Dangerous => s.red("dangerous"),
            Protection::Special => s.yellow("special  "),
            other => s.dim(&format!("{:<9}", other.as_str())),
        };
        if p.protection.is_flagged() || inv.permissions.len() <= 12 {
            let types = if p.data_types.is_empty() {
                String::new()
            } else {
                format!("  → {}", p.data_types.join(", "))
            };
            writeln!(
                out,
                "  {marker} {}{}",
                short_permission(&p.name),
                s.dim(&types)
            )?;
            shown += 1;
        }
    }
    if shown < inv.permissions.len() {
        writeln!(
            out,
            "  {}",
            s.dim(&format!(
                "… and {} normal/signature permissions (see --format json)",
                inv.permissions.len() - shown
            ))
        )?;
    }

    writeln!(out, "\n{} ({})", s.bold("SDKs"), inv.sdks.len())?;
    for sdk in &inv.sdks {
        let name = match &sdk.name_zh {
            Some(zh) => format!("{} {}", sdk.name, zh),
            None => sdk.name.clone(),
        };
        let usage = match sdk.usage.status {
            "used" => s.bold("used   "),
            "present" => s.yellow("present"),
            other => s.dim(&format!("{other:<7}")),
        };
        let kinds: BTreeSet<&str> = sdk.matched_rules.iter().map(|r| r.kind.as_str()).collect();
        writeln!(
            out,
            "  {usage} {} {:<16} {} classes; {}",
            pad_to(&name, 34),
            sdk.category,
            sdk.class_count,
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        )?;
        if let Some(ev) = sdk.evidence.first() {
            writeln!(
                out,
                "          {}",
                s.dim(&format!("e.g. {} in {}", ev.value, ev.location))
            )?;
        }
    }

    if !inv.data_access.is_empty() {
        write_who_reads_what(out, inv, s)?;
    }

    if !inv.privacy_manifests.is_empty() {
        writeln!(
            out,
            "\n{} ({})",
            s.bold("Privacy manifests"),
            inv.privacy_manifests.len()
        )?;
        for m in &inv.privacy_manifests {
            let apis: Vec<&str> = m
                .accessed_api_types
                .iter()
                .map(|a| a.category.as_str())
                .collect();
            let tracking = if m.tracking == Some(true) {
                "tracking; "
            } else {
                ""
            };
            writeln!(
                out,
                "  {}  {}",
                m.path,
                s.dim(&format!(
                    "{tracking}{} data types; APIs: {}",
                    m.collected_data_types.len(),
                    apis.join(", ")
                ))
            )?;
        }
    }
    for gap in &inv.required_reason_gaps {
        writeln!(
            out,
            "  {} {} uses {} with no declared reason ({})",
            s.red("required-reason gap:"),
            gap.binary,
            gap.category,
            gap.evidence.join(", ")
        )?;
    }

    if !inv.native_libs.is_empty() {
        let title = if app.platform == "ios" {
            "Binaries"
        } else {
            "Native libraries"
        };
        writeln!(out, "\n{} ({})", s.bold(title), inv.native_libs.len())?;
        for lib in inv.native_libs.iter().take(15) {
            let sdk = lib
                .sdk
                .as_deref()
                .map(|id| format!("  [{id}]"))
                .unwrap_or_default();
            writeln!(out, "  {}{}", lib.path, s.dim(&sdk))?;
        }
        if inv.native_libs.len() > 15 {
            writeln!(
                out,
                "  {}",
                s.dim(&format!("… and {} more", inv.native_libs.len() - 15))
            )?;
        }
    }

    if !inv.warnings.is_empty() {
        writeln!(out, "\n{} ({})", s.yellow("Warnings"), inv.warnings.len())?;
        for w in inv.warnings.iter().take(10) {
            writeln!(out, "  {}: {}", w.location, w.message)?;
        }
        if inv.warnings.len() > 10 {
            writeln!(
                out,
                "  {}",
                s.dim(&format!(
                    "… and {} more (see --format json)",
                    inv.warnings.len() - 10
                ))
            )?;
        }
    }
    Ok(())
}

/// Columns a terminal gives `c`: two for East Asian wide characters (CJK,
/// Hangul, full-width forms), one otherwise — enough to align Chinese SDK names.
fn char_width(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

/// `text` padded with spaces to `width` terminal columns.
fn pad_to(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(char_width).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// Most reader columns the matrix shows before falling back to one line per data type.
const MATRIX_MAX_COLUMNS: usize = 8;

/// The "who reads what" table: data types down, readers (the app, then each
/// SDK) across, `●` where code reads it; `perm` rows are granted by a requested
/// permission but no code was seen reading them.
fn write_who_reads_what(out: &mut dyn Write, inv: &Inventory, s: &Style) -> io::Result<()> {
    let reader = |sdk: &Option<String>| sdk.clone().unwrap_or_else(|| "app".to_owned());
    let mut readers: Vec<String> = inv
        .data_access
        .iter()
        .flat_map(|d| d.accessors.iter().map(|a| reader(&a.sdk)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // The app first, then SDKs by id.
    readers.sort_by_key(|r| (r != "app", r.clone()));
    let type_width = inv
        .data_access
        .iter()
        .map(|d| d.data_type.len())
        .max()
        .unwrap_or(0)
        .max(9);
    if readers.len() > MATRIX_MAX_COLUMNS {
        writeln!(out, "\n{}", s.bold("Who reads what"))?;
        for access in &inv.data_access {
            let who: Vec<String> = access.accessors.iter().map(|a| reader(&a.sdk)).collect();
            let who = if who.is_empty() {
                "(permission only)".to_owned()
            } else {
                who.join(", ")
            };
            writeln!(out, "  {:<type_width$} {who}", access.data_type)?;
        }
        return Ok(());
    }
    let mut header = format!("  {:<type_width$}", "");
    for r in &readers {
        header.push_str(&format!(" {r}"));
    }
    writeln!(out, "\n{}", s.bold("Who reads what"))?;
    writeln!(out, "{}", s.dim(&header))?;
    for access in &inv.data_access {
        let mut line = format!("  {:<type_width$}", access.data_type);
        for r in &readers {
            let reads = access.accessors.iter().any(|a| &reader(&a.sdk) == r);
            let cell = if reads { "●" } else { "·" };
            // Centre the mark under its column name.
            let pad = r.chars().count().saturating_sub(1);
            let left = pad / 2;
            line.push_str(&format!(
                " {}{}{}",
                " ".repeat(left),
                if reads { s.bold(cell) } else { s.dim(cell) },
                " ".repeat(pad - left)
            ));
        }
        let via: BTreeSet<&str> = access
            .accessors
            .iter()
            .flat_map(|a| a.apis.iter().chain(a.markers.iter()).map(String::as_str))
            .collect();
        if !via.is_empty() {
            let via: Vec<&str> = via.into_iter().take(2).collect();
            line.push_str(&s.dim(&format!("  {}", via.join(", "))));
        } else if !access.permissions.is_empty() {
            let perms: Vec<&str> = access
                .permissions
                .iter()
                .map(|p| short_permission(p))
                .collect();
            line.push_str(&s.dim(&format!("  perm {}", perms.join(", "))));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn short_permission(name: &str) -> &str {
    name.strip_prefix("android.permission.").unwrap_or(name)
}
