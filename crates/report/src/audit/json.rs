//! `--format json`: the [`AuditReport`] as documented in `crates/audit/README.md`.

use std::io::{self, Write};

use crate::Reporter;
use appaudit_audit::AuditReport;

/// Pretty-printed JSON of the whole report (inventory, policy reading, verdict, findings).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonReporter;

impl Reporter<AuditReport> for JsonReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n")
    }
}
