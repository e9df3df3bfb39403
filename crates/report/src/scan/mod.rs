//! The scan inventory: a terminal summary ([`text`]), JSON and JSON Lines ([`json`]).

pub mod json;
pub mod text;

use serde::Serialize;

use crate::Reporter;
use appaudit_model::Inventory;

/// What scanning one input gave: its inventory, or why it could not be scanned.
#[derive(Debug)]
pub enum ScanOutcome {
    /// The input was scanned.
    Scanned(Box<Inventory>),
    /// The input could not be scanned.
    Failed(ScanFailure),
}

/// An input that could not be scanned: the JSON Lines record written in its place, so a
/// batch consumer never loses an input.
#[derive(Debug, Clone, Serialize)]
pub struct ScanFailure {
    /// The file, as given or found in a folder.
    pub path: String,
    /// What is wrong with it, in one line (the same words the CLI prints).
    pub error: String,
}

impl ScanOutcome {
    /// The inventory, when the input was scanned.
    pub fn inventory(&self) -> Option<&Inventory> {
        match self {
            ScanOutcome::Scanned(inv) => Some(inv),
            ScanOutcome::Failed(_) => None,
        }
    }
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// Human summary for a terminal.
    Text,
    /// One JSON object (or an array for a folder).
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// The reporter for a format. Its input is one outcome per input, in input order; formats
/// that cannot carry a failure (one JSON document) leave failures to the caller's stderr.
pub fn scan_reporter(format: ScanFormat, color: bool) -> Box<dyn Reporter<[ScanOutcome]>> {
    match format {
        ScanFormat::Text => Box::new(text::TextReporter { color }),
        ScanFormat::Json => Box::new(json::JsonReporter { lines: false }),
        ScanFormat::Jsonl => Box::new(json::JsonReporter { lines: true }),
    }
}
