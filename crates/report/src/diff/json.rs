//! The diff of two builds as JSON.

use std::io::{self, Write};

use appaudit_audit::diff::InventoryDiff;

use crate::Reporter;

/// Writes the diff as one pretty-printed JSON object.
pub struct JsonReporter;

impl Reporter<InventoryDiff> for JsonReporter {
    fn write(&self, out: &mut dyn Write, diff: &InventoryDiff) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, diff)?;
        out.write_all(b"\n")
    }
}
