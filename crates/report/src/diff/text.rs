//! The diff of two builds as plain text (also valid Markdown): one `+`/`-` line per change.

use std::fmt::Write as _;
use std::io;

use appaudit_audit::diff::InventoryDiff;

use crate::Reporter;

/// Plain-text reporter of a diff.
pub struct TextReporter;

impl Reporter<InventoryDiff> for TextReporter {
    fn write(&self, out: &mut dyn io::Write, diff: &InventoryDiff) -> io::Result<()> {
        out.write_all(render_text(diff).as_bytes())
    }
}

/// Plain text (also valid Markdown): one `+`/`-` line per change.
fn render_text(d: &InventoryDiff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "appaudit diff: {} → {}", d.old, d.new);
    if d.is_empty() {
        s.push_str("No SDK, permission or data-type changes.\n");
        return s;
    }
    for (title, change) in [
        ("SDKs", &d.sdks),
        ("Permissions", &d.permissions),
        ("Data types read", &d.data_types),
        ("Who reads what", &d.readers),
    ] {
        if change.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}:");
        for a in &change.added {
            let _ = writeln!(s, "  + {a}");
        }
        for r in &change.removed {
            let _ = writeln!(s, "  - {r}");
        }
    }
    s
}
