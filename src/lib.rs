//! appaudit: does what a mobile app collects match what its privacy policy says?
//!
//! The pipeline reads left to right: archive → extract (manifest, DEX, class
//! files, native libraries) → inventory ([`model::Inventory`]) → policy →
//! compare → report. Each step takes and returns plain data; nothing here
//! prints except the reporters, which the CLI calls.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub use appaudit_model as model;
pub mod native;
pub mod policy;
pub mod report;
pub mod scan;

/// The name serde gives a unit enum variant (`Protection::Dangerous` → `dangerous`),
/// so reports use exactly the spelling of the data files.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
