//! Inline SVG charts: horizontal bars and the who-reads-what heat map. Plain presentation
//! attributes only (no `style=""`), so the page's CSP needs no `'unsafe-inline'` for styles;
//! every label is escaped and shortened, with the full text in a `<title>` tooltip.

use std::fmt::Write as _;

use super::esc;
use crate::audit::shorten;

/// Fill colour per severity or disclosure class (the same palette as `style.css`).
pub(super) fn color(class: &str) -> &'static str {
    match class {
        "high" => "#c62828",
        "medium" => "#ef8f00",
        "low" => "#1e88c8",
        "clear" => "#2e7d32",
        "vague" => "#f9a825",
        "omitted" => "#e57373",
        "incorrect" => "#b71c1c",
        _ => "#9e9e9e",
    }
}

/// One bar: label, value, fill class (see [`color`]).
pub(super) struct Bar<'a> {
    pub label: &'a str,
    pub value: usize,
    pub class: &'a str,
}

const LABEL_W: usize = 150;
const BAR_W: usize = 250;
const ROW_H: usize = 22;

/// A horizontal bar chart; `id` names the `<svg>`, `title` is its accessible name.
pub(super) fn bars(id: &str, title: &str, bars: &[Bar<'_>]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let width = LABEL_W + BAR_W + 50;
    let height = (bars.len().max(1)) * ROW_H + 6;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{t}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>{t}</title>",
        t = esc(title)
    );
    if bars.is_empty() {
        let _ = write!(s, "<text x=\"4\" y=\"16\" fill=\"#6e7781\">none</text>");
    }
    for (i, b) in bars.iter().enumerate() {
        let y = i * ROW_H + 3;
        let w = if b.value == 0 {
            0
        } else {
            (b.value * BAR_W / max).max(2)
        };
        let _ = write!(
            s,
            "<g class=\"bar\" data-label=\"{full}\" data-value=\"{v}\"><title>{full}: {v}</title>\
<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
<rect x=\"{bx}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"2\" fill=\"{fill}\"/>\
<text x=\"{vx}\" y=\"{ty}\">{v}</text></g>",
            full = esc(b.label),
            short = esc(&shorten(b.label, 22)),
            v = b.value,
            lx = LABEL_W - 6,
            ty = y + 13,
            bx = LABEL_W,
            h = ROW_H - 6,
            fill = color(b.class),
            vx = LABEL_W + w + 5,
        );
    }
    s.push_str("</svg>");
    s
}

/// One cell of the heat map: the reader's disclosure class and how it reads (`code`/`permission`).
pub(super) struct Cell<'a> {
    pub class: &'a str,
    pub via: &'a str,
}

const HM_LABEL_W: usize = 190;
const HM_CELL: usize = 26;
const HM_TOP: usize = 130;

/// Rows are data types, columns readers (the app, then SDKs by name); a cell is coloured by how
/// the policy covers that reader's access, hollow when only a permission grants it.
pub(super) fn heat_map(columns: &[String], rows: &[(String, Vec<Option<Cell<'_>>>)]) -> String {
    let width = HM_LABEL_W + columns.len().max(1) * HM_CELL + HM_TOP;
    let height = HM_TOP + rows.len().max(1) * HM_CELL + 4;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"heatmap\" role=\"img\" aria-label=\"Who reads what\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>Who reads what</title>"
    );
    for (c, name) in columns.iter().enumerate() {
        let x = HM_LABEL_W + c * HM_CELL + HM_CELL / 2;
        let _ = write!(
            s,
            "<text class=\"col\" x=\"{x}\" y=\"{y}\" transform=\"rotate(-45 {x} {y})\"><title>{full}</title>{short}</text>",
            y = HM_TOP - 6,
            full = esc(name),
            short = esc(&shorten(name, 20)),
        );
    }
    for (r, (label, cells)) in rows.iter().enumerate() {
        let y = HM_TOP + r * HM_CELL;
        let _ = write!(
            s,
            "<text class=\"row\" x=\"{x}\" y=\"{ty}\" text-anchor=\"end\"><title>{full}</title>{short}</text>",
            x = HM_LABEL_W - 6,
            ty = y + HM_CELL / 2 + 4,
            full = esc(label),
            short = esc(&shorten(label, 26)),
        );
        for (c, cell) in cells.iter().enumerate() {
            let x = HM_LABEL_W + c * HM_CELL;
            match cell {
                Some(cell) => {
                    let fill = color(cell.class);
                    let (fill_attr, stroke) = if cell.via == "permission" {
                        ("#ffffff", fill)
                    } else {
                        (fill, "#ffffff")
                    };
                    let _ = write!(
                        s,
                        "<rect class=\"cell\" data-class=\"{class}\" x=\"{x1}\" y=\"{y1}\" width=\"{w}\" height=\"{w}\" rx=\"3\" fill=\"{fill_attr}\" stroke=\"{stroke}\" stroke-width=\"3\"><title>{row} · {col}: {class} ({via})</title></rect>",
                        class = cell.class,
                        x1 = x + 1,
                        y1 = y + 1,
                        w = HM_CELL - 2,
                        row = esc(label),
                        col = esc(columns.get(c).map(String::as_str).unwrap_or("")),
                        via = esc(cell.via),
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        "<rect x=\"{x1}\" y=\"{y1}\" width=\"{w}\" height=\"{w}\" fill=\"#f0f2f4\"/>",
                        x1 = x + 1,
                        y1 = y + 1,
                        w = HM_CELL - 2,
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    s
}
