//! The policy reading as JSON (the documented contract).

use std::io::{self, Write};

use appaudit_policy::PolicyReading;

use crate::Reporter;

/// Writes the reading as one pretty-printed JSON object.
pub struct JsonReporter;

impl Reporter<PolicyReading> for JsonReporter {
    fn write(&self, out: &mut dyn Write, reading: &PolicyReading) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, reading)?;
        out.write_all(b"\n")
    }
}
