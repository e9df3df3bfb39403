//! The error type of the policy reader.

use std::path::PathBuf;

/// Why a policy could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The input is larger than the reader accepts.
    #[error("policy input is {len} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Input size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The PDF has no usable text layer, or the extractor failed on it.
    #[error("cannot extract text from PDF: {0}")]
    Pdf(String),
    /// The DOCX container or its `word/document.xml` is malformed.
    #[error("cannot read DOCX: {0}")]
    Docx(String),
    /// The format is known but support for it was not compiled in.
    #[error("{0} support is not compiled in (enable the `{1}` feature)")]
    Unsupported(&'static str, &'static str),
    /// The input is not a privacy policy: empty, binary, or without Chinese or English text.
    #[error("not a privacy policy: {0}")]
    NotAPolicy(String),
    /// One document of several could not be read.
    #[error("{name}: {source}")]
    Document {
        /// The document's name.
        name: String,
        /// Why.
        source: Box<PolicyError>,
    },
    /// The bundled policy lexicon or a user lexicon is invalid.
    #[error("policy lexicon is invalid: {0}")]
    Lexicon(String),
}
