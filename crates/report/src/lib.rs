//! Reporters: one per output format, all behind [`Reporter`].
//!
//! Analysis never prints; the CLI picks a reporter and hands it plain data.
#![deny(missing_docs)]

pub mod json;
pub mod text;

use std::io::{self, Write};

use serde::Serialize;

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

/// Something that renders scan results in one output format.
pub trait Reporter {
    /// Writes the report for `outcomes` (one per input, in input order) to `out`. Formats
    /// that cannot carry a failure (one JSON document) leave failures to the caller's stderr.
    fn outcomes(&self, out: &mut dyn Write, outcomes: &[ScanOutcome]) -> io::Result<()>;
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

/// The reporter for a format.
pub fn scan_reporter(format: ScanFormat, color: bool) -> Box<dyn Reporter> {
    match format {
        ScanFormat::Text => Box::new(text::TextReporter { color }),
        ScanFormat::Json => Box::new(json::JsonReporter { lines: false }),
        ScanFormat::Jsonl => Box::new(json::JsonReporter { lines: true }),
    }
}

/// An error and its causes, each said once: error types that print their source inside their
/// own text (thiserror's `{source}`) would otherwise show every cause twice.
pub fn error_lines(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        let text = cause.to_string();
        if !lines.iter().any(|said| said.contains(&text)) {
            lines.push(text);
        }
        next = cause.source();
    }
    lines
}
