//! The policy reading: a terminal listing ([`text`]) and JSON ([`json`]).

pub mod json;
pub mod text;

use appaudit_policy::PolicyReading;

use crate::Reporter;

/// Output formats of `policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyFormat {
    /// Human-readable, with quote, section and line for each item.
    Text,
    /// The documented JSON contract.
    Json,
}

/// The reporter for a format.
pub fn policy_reporter(format: PolicyFormat) -> Box<dyn Reporter<PolicyReading>> {
    match format {
        PolicyFormat::Text => Box::new(text::TextReporter),
        PolicyFormat::Json => Box::new(json::JsonReporter),
    }
}
