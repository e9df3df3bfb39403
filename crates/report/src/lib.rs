//! Reporters: every document appaudit writes, one file per format, all behind one
//! [`Reporter`] trait.
//!
//! - [`scan`]: the inventory of `appaudit scan` (text, JSON, JSON Lines);
//! - [`policy`]: the reading of `appaudit policy` (text, JSON).
//!
//! Analysis never prints; the CLI picks a reporter and hands it plain data. A new format is
//! one file in the folder of the document it renders, a variant of that folder's format enum
//! and its arm in the folder's reporter function.
#![deny(missing_docs)]

pub mod policy;
pub mod scan;

use std::io::{self, Write};

pub use scan::{ScanFailure, ScanFormat, ScanOutcome, scan_reporter};

/// Something that renders a document `D` (a scan's outcomes, a policy reading …) in one
/// output format.
pub trait Reporter<D: ?Sized> {
    /// Writes the whole document to `out`.
    fn write(&self, out: &mut dyn Write, document: &D) -> io::Result<()>;
}

/// Renders `document` with `reporter` to a string.
pub fn render<D: ?Sized>(reporter: &dyn Reporter<D>, document: &D) -> io::Result<String> {
    let mut buf = Vec::new();
    reporter.write(&mut buf, document)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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
