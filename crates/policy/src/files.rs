//! Reading a policy from its files: one file, or one policy published as several documents
//! (`--policy main.html --policy sdks.md`), with PDFs read the way the caller chooses.
//!
//! PDF text extraction (`pdf-extract`) panics, and can overflow its stack, on hostile files
//! by its maintainer's design. A program that reads untrusted PDFs passes an extractor that
//! isolates it ([`PdfText::External`]: the CLI runs itself in a child process under a time
//! limit); a library user such as the Python module reads them in its own process
//! ([`PdfText::InProcess`]: panics are caught, a stack overflow is not).

use std::path::{Path, PathBuf};

use crate::{FormatHint, Lexicon, PolicyDocument, PolicyError, PolicyReading};

/// An error from a caller-supplied PDF extractor, its causes kept.
pub type ExtractError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How the text layer of a PDF policy is extracted.
#[derive(Clone, Copy)]
pub enum PdfText<'a> {
    /// In this process, by [`extract_pdf_text`](crate::extract_pdf_text).
    InProcess,
    /// By the caller's extractor: the file's path in, its text layer out.
    External(&'a (dyn Fn(&Path) -> Result<String, ExtractError> + Sync)),
}

impl std::fmt::Debug for PdfText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PdfText::InProcess => "InProcess",
            PdfText::External(_) => "External",
        })
    }
}

/// Why a policy could not be read from its files; each names the file it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FilesError {
    /// No file was given.
    #[error("no policy given")]
    NoPolicy,
    /// The PDF extractor failed on a file.
    #[error("{path}: cannot read the PDF's text")]
    Pdf {
        /// The file, as given.
        path: String,
        /// What the extractor said.
        source: ExtractError,
    },
    /// A file could not be read or is not a policy.
    #[error("{path}: cannot read the policy")]
    Read {
        /// The file, as given.
        path: String,
        /// Why.
        source: PolicyError,
    },
    /// A file of several could not be opened.
    #[error("{path}: cannot read the policy")]
    Io {
        /// The file, as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file of several is larger than the reader accepts.
    #[error("{path}: the policy is {len} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// The file, as given.
        path: String,
        /// Its size.
        len: u64,
        /// The limit ([`MAX_INPUT_BYTES`](crate::MAX_INPUT_BYTES)).
        limit: usize,
    },
    /// The documents, each readable, could not be read as one policy.
    #[error("cannot read the policy")]
    Documents(#[source] PolicyError),
}

/// Reads the policy at `path`; a PDF's text comes from `pdf`.
pub fn read_file(
    path: &Path,
    lexicon: &Lexicon,
    pdf: PdfText<'_>,
) -> Result<PolicyReading, FilesError> {
    let shown = path.display().to_string();
    if let (FormatHint::Pdf, PdfText::External(extract)) = (FormatHint::from_path(path), pdf) {
        let text = extract(path).map_err(|source| FilesError::Pdf {
            path: shown.clone(),
            source,
        })?;
        return crate::read_policy_text(&text, FormatHint::Pdf, lexicon).map_err(|source| {
            FilesError::Read {
                path: shown,
                source,
            }
        });
    }
    crate::read_policy_file(path, lexicon).map_err(|source| FilesError::Read {
        path: shown,
        source,
    })
}

/// Reads one policy published as several documents: one document is read as [`read_file`]
/// reads it; several are read as one policy whose quotes each name their file
/// ([`read_policy_documents`](crate::read_policy_documents)).
pub fn read_files(
    paths: &[PathBuf],
    lexicon: &Lexicon,
    pdf: PdfText<'_>,
) -> Result<PolicyReading, FilesError> {
    let many = match paths {
        [] => return Err(FilesError::NoPolicy),
        [one] => return read_file(one, lexicon, pdf),
        many => many,
    };
    let mut texts: Vec<(String, Vec<u8>, Option<String>, FormatHint)> = Vec::new();
    for path in many {
        let shown = path.display().to_string();
        let hint = FormatHint::from_path(path);
        if let (FormatHint::Pdf, PdfText::External(extract)) = (hint, pdf) {
            let text = extract(path).map_err(|source| FilesError::Pdf {
                path: shown.clone(),
                source,
            })?;
            texts.push((shown, Vec::new(), Some(text), hint));
            continue;
        }
        let io = |source| FilesError::Io {
            path: shown.clone(),
            source,
        };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > crate::MAX_INPUT_BYTES as u64 {
            return Err(FilesError::TooLarge {
                path: shown,
                len,
                limit: crate::MAX_INPUT_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        texts.push((shown, bytes, None, hint));
    }
    let documents: Vec<PolicyDocument<'_>> = texts
        .iter()
        .map(|(name, bytes, text, hint)| match text {
            Some(text) => PolicyDocument::Text {
                name: name.clone(),
                text,
                hint: *hint,
            },
            None => PolicyDocument::Bytes {
                name: name.clone(),
                bytes,
                hint: *hint,
            },
        })
        .collect();
    crate::read_policy_documents(&documents, lexicon).map_err(FilesError::Documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        crate::analyze::test_support::lexicon()
    }

    const POLICY: &str = "We collect your location and your phone number to deliver orders.\n";

    #[test]
    fn no_file_is_an_error() {
        let err = read_files(&[], &lexicon(), PdfText::InProcess).unwrap_err();
        assert!(matches!(err, FilesError::NoPolicy), "{err:?}");
    }

    #[test]
    fn an_external_extractor_reads_every_pdf_and_its_error_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pdf = dir.path().join("policy.pdf");
        // Not a PDF at all: only the extractor may look at it.
        std::fs::write(&pdf, b"not a pdf").expect("write");
        let extract = |p: &Path| -> Result<String, ExtractError> {
            assert!(p.ends_with("policy.pdf"));
            Ok(POLICY.to_owned())
        };
        let reading =
            read_file(&pdf, &lexicon(), PdfText::External(&extract)).expect("extracted text");
        assert_eq!(
            reading.lines.first().map(String::as_str),
            Some(POLICY.trim_end())
        );

        let failing = |_: &Path| -> Result<String, ExtractError> { Err("child crashed".into()) };
        let md = dir.path().join("sdks.md");
        std::fs::write(&md, POLICY).expect("write");
        let err =
            read_files(&[md, pdf.clone()], &lexicon(), PdfText::External(&failing)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: cannot read the PDF's text", pdf.display())
        );
        assert_eq!(
            std::error::Error::source(&err).map(ToString::to_string),
            Some("child crashed".to_owned())
        );
    }

    #[test]
    fn several_documents_are_one_reading_numbered_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.md");
        std::fs::write(&a, POLICY).expect("write");
        std::fs::write(&b, POLICY).expect("write");
        let reading = read_files(&[a.clone(), b.clone()], &lexicon(), PdfText::InProcess)
            .expect("two documents");
        let names: Vec<&str> = reading.documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, [a.display().to_string(), b.display().to_string()]);
        assert_eq!(
            reading.documents[1].first_line,
            reading.documents[0].lines + 1
        );
    }

    #[test]
    fn a_missing_file_of_several_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        std::fs::write(&a, POLICY).expect("write");
        let missing = dir.path().join("missing.txt");
        let err = read_files(&[a, missing.clone()], &lexicon(), PdfText::InProcess).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: cannot read the policy", missing.display())
        );
        assert!(matches!(err, FilesError::Io { .. }), "{err:?}");
    }
}
