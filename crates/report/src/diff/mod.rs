//! The diff of two builds (`appaudit diff`): plain text ([`text`]) and JSON ([`json`]).

pub mod json;
pub mod text;

use appaudit_audit::diff::InventoryDiff;

use crate::Reporter;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// One `+`/`-` line per change.
    Text,
    /// The diff as JSON.
    Json,
}

/// The reporter for a format.
pub fn diff_reporter(format: DiffFormat) -> Box<dyn Reporter<InventoryDiff>> {
    match format {
        DiffFormat::Text => Box::new(text::TextReporter),
        DiffFormat::Json => Box::new(json::JsonReporter),
    }
}
