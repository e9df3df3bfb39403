//! Reporters: every document appaudit writes, one file per format, all behind one
//! [`Reporter`] trait.
//!
//! - [`scan`]: the inventory of `appaudit scan` (text, JSON, JSON Lines);
//! - [`policy`]: the reading of `appaudit policy` (text, JSON);
//! - [`audit`]: the report of `appaudit audit` (terminal, JSON, SARIF, Markdown, HTML, GitLab
//!   Code Quality, JUnit);
//! - [`diff`]: the changes `appaudit diff` finds between two builds (text, JSON).
//!
//! Analysis never prints; the CLI picks a reporter and hands it plain data. A new format is
//! one file in the folder of the document it renders, a variant of that folder's format enum
//! and its arm in the folder's reporter function.
#![deny(missing_docs)]

pub mod audit;
pub mod diff;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An error whose text may or may not repeat its cause's, as thiserror's `{source}` does.
    #[derive(Debug)]
    struct Outer {
        text: &'static str,
        source: io::Error,
    }

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.text)
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn a_cause_already_in_its_errors_text_is_said_once() {
        let err = Outer {
            text: "a.apk: cannot read: gone",
            source: io::Error::other("gone"),
        };
        assert_eq!(error_lines(&err), ["a.apk: cannot read: gone"]);
        let err = Outer {
            text: "a.apk: cannot read",
            source: io::Error::other("gone"),
        };
        assert_eq!(error_lines(&err), ["a.apk: cannot read", "gone"]);
    }

    #[test]
    fn json_lines_keep_a_record_for_a_failed_input_and_one_document_does_not() {
        let outcomes = [ScanOutcome::Failed(ScanFailure {
            path: "a.apk".to_owned(),
            error: "a.apk: not a zip".to_owned(),
        })];
        let lines = render(
            scan_reporter(ScanFormat::Jsonl, false).as_ref(),
            &outcomes[..],
        )
        .expect("renders");
        assert_eq!(
            lines,
            "{\"path\":\"a.apk\",\"error\":\"a.apk: not a zip\"}\n"
        );
        let document = render(
            scan_reporter(ScanFormat::Json, false).as_ref(),
            &outcomes[..],
        )
        .expect("renders");
        assert_eq!(document, "[]\n");
    }
}
