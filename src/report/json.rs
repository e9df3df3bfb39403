//! JSON and JSON Lines output of the inventory (the documented contract).

use std::io::{self, Write};

use super::Reporter;
use crate::model::Inventory;

/// Writes inventories as JSON: one object for one input, an array for several,
/// or one object per line when `lines` is set.
pub struct JsonReporter {
    /// JSON Lines instead of one document.
    pub lines: bool,
}

impl Reporter for JsonReporter {
    fn inventories(&self, out: &mut dyn Write, inventories: &[Inventory]) -> io::Result<()> {
        if self.lines {
            for inv in inventories {
                serde_json::to_writer(&mut *out, inv)?;
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        match inventories {
            [one] => serde_json::to_writer_pretty(&mut *out, one)?,
            many => serde_json::to_writer_pretty(&mut *out, many)?,
        }
        out.write_all(b"\n")
    }
}
