//! Reporters: one per output format, all behind [`Reporter`].
//!
//! Analysis never prints; the CLI picks a reporter and hands it plain data.

pub mod json;
pub mod text;

use std::io::{self, Write};

use crate::model::Inventory;

/// Something that renders inventories in one output format.
pub trait Reporter {
    /// Writes the report for `inventories` (one per scanned input; failures were
    /// reported separately) to `out`.
    fn inventories(&self, out: &mut dyn Write, inventories: &[Inventory]) -> io::Result<()>;
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// Human summary for a terminal.
    Text,
    /// One JSON object (or an array for a folder).
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// The reporter for a format.
pub fn scan_reporter(format: ScanFormat, color: bool) -> Box<dyn Reporter> {
    match format {
        ScanFormat::Text => Box::new(text::TextReporter { color }),
        ScanFormat::Json => Box::new(json::JsonReporter { lines: false }),
        ScanFormat::Jsonl => Box::new(json::JsonReporter { lines: true }),
    }
}
