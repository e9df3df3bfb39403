//! JSON and JSON Lines output of the inventory (the documented contract).

use std::io::{self, Write};

use super::ScanOutcome;
use crate::Reporter;
use appaudit_model::Inventory;

/// Writes inventories as JSON: one object for one input, an array for several,
/// or one object per line when `lines` is set. In JSON Lines a file that failed gets a
/// record of its own (`{"path": …, "error": …}`); one JSON document holds inventories only.
pub struct JsonReporter {
    /// JSON Lines instead of one document.
    pub lines: bool,
}

impl Reporter<[ScanOutcome]> for JsonReporter {
    fn write(&self, out: &mut dyn Write, outcomes: &[ScanOutcome]) -> io::Result<()> {
        if self.lines {
            for outcome in outcomes {
                match outcome {
                    ScanOutcome::Scanned(inv) => serde_json::to_writer(&mut *out, inv)?,
                    ScanOutcome::Failed(failure) => serde_json::to_writer(&mut *out, failure)?,
                }
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        let inventories: Vec<&Inventory> =
            outcomes.iter().filter_map(ScanOutcome::inventory).collect();
        match inventories.as_slice() {
            [one] => serde_json::to_writer_pretty(&mut *out, one)?,
            many => serde_json::to_writer_pretty(&mut *out, many)?,
        }
        out.write_all(b"\n")
    }
}
