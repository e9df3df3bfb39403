//! `appaudit audit APP --declared FILE`: an existing store declaration compared with the app.
//!
//! - A Google Play Data safety CSV in the columns `appaudit declare --store play --format csv`
//!   writes (only `category`, `data_type`, `collected` and `shared` are required; other columns
//!   are ignored): `declared/play.rs`.
//! - An Apple privacy manifest, `PrivacyInfo.xcprivacy` (XML or binary plist): `declared/apple.rs`.
//!
//! What the app shows is what `appaudit declare` drafts from it (the same code), so a
//! declaration written by `declare` and left as it is gives no "missing" finding. A file that
//! does not parse is refused ([`DeclaredError`]) with its row and column (CSV), its line and
//! column (plist XML) or its key path (plist structure); nothing is compared then.

mod apple;
mod csv;
mod play;

use std::path::Path;

use appaudit_taxonomy::Taxonomy;

use crate::declare::DeclareError;
use crate::model::{Finding, PolicyEvidence};
use crate::rules::{Knowledge, SeverityOf};

pub use apple::{DeclaredApi, DeclaredManifest, DeclaredType};
pub use play::{PlayForm, PlayRow};

/// The largest declaration file read (a Data safety form has a few dozen rows).
const MAX_BYTES: u64 = 4 << 20;

/// Why a declaration file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DeclaredError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is larger than any declaration.
    #[error("{path}: {len} bytes; a store declaration is at most {MAX_BYTES} bytes")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        len: u64,
    },
    /// A cell (or a row) of the Data safety CSV is wrong.
    #[error("{path}: row {row}, column {column}: {message}")]
    Csv {
        /// The file.
        path: String,
        /// The row (the header is row 1).
        row: usize,
        /// The column's header (or where the field would be).
        column: String,
        /// What is wrong.
        message: String,
    },
    /// The CSV header lacks a required column.
    #[error(
        "{path}: row 1 (the header): no `{column}` column; a Data safety CSV needs category, data_type, collected and shared (as `appaudit declare --store play --format csv` writes them)"
    )]
    CsvHeader {
        /// The file.
        path: String,
        /// The missing column.
        column: &'static str,
    },
    /// The text is not UTF-8.
    #[error("{path}: line {line}: not UTF-8 text")]
    Encoding {
        /// The file.
        path: String,
        /// The line of the first bad byte.
        line: usize,
    },
    /// The plist XML is not well-formed.
    #[error("{path}: line {line}, column {column}: {message}")]
    Xml {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The plist does not have a privacy manifest's structure.
    #[error("{path}: at {key}: {message}")]
    Plist {
        /// The file.
        path: String,
        /// The key path (`NSPrivacyAccessedAPITypes[1].NSPrivacyAccessedAPIType`), or `root`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The declaration is for the other platform.
    #[error(
        "{path} is {declared}, but {app} is {found}: compare a Data safety CSV with an Android app, a PrivacyInfo.xcprivacy with an iOS app"
    )]
    WrongPlatform {
        /// The declaration.
        path: String,
        /// What it is.
        declared: &'static str,
        /// The app.
        app: String,
        /// What the app is.
        found: &'static str,
    },
    /// What the app shows could not be drafted.
    #[error(transparent)]
    Declare(#[from] DeclareError),
}

/// A declaration read from a file.
#[derive(Debug, Clone)]
pub struct DeclaredFile {
    /// The file, as given (findings cite it).
    pub path: String,
    /// What it declares.
    pub form: DeclaredForm,
}

/// The two kinds of declaration.
#[derive(Debug, Clone)]
pub enum DeclaredForm {
    /// A Google Play Data safety CSV.
    Play(PlayForm),
    /// An Apple privacy manifest.
    Apple(DeclaredManifest),
}

impl DeclaredFile {
    /// Reads a declaration: a `.csv` is a Data safety form, a `.xcprivacy` or `.plist` a privacy
    /// manifest; another name is told by its content (`<?xml`, `<plist`, `bplist`: a manifest).
    pub fn load(path: &Path, taxonomy: &Taxonomy) -> Result<DeclaredFile, DeclaredError> {
        let shown = path.display().to_string();
        let io = |source| DeclaredError::Io {
            path: shown.clone(),
            source,
        };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_BYTES {
            return Err(DeclaredError::TooLarge { path: shown, len });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::from_bytes(&shown, &bytes, taxonomy)
    }

    /// Reads a declaration from bytes; `path` names it (and its extension picks the kind).
    pub fn from_bytes(
        path: &str,
        bytes: &[u8],
        taxonomy: &Taxonomy,
    ) -> Result<DeclaredFile, DeclaredError> {
        let ext = Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let head = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
            .and_then(|i| bytes.get(i..))
            .unwrap_or_default();
        let is_plist = match ext.as_deref() {
            Some("csv") => false,
            Some("xcprivacy" | "plist") => true,
            _ => {
                head.starts_with(b"<?xml")
                    || head.starts_with(b"<plist")
                    || head.starts_with(b"bplist")
            }
        };
        let form = if is_plist {
            DeclaredForm::Apple(apple::parse(path, bytes, taxonomy)?)
        } else {
            DeclaredForm::Play(play::parse(path, bytes, taxonomy)?)
        };
        Ok(DeclaredFile {
            path: path.to_owned(),
            form,
        })
    }

    /// What the declaration is, for messages.
    pub fn describe(&self) -> &'static str {
        match self.form {
            DeclaredForm::Play(_) => "a Google Play Data safety form",
            DeclaredForm::Apple(_) => "an Apple privacy manifest",
        }
    }
}

/// The findings of comparing a declaration with the app.
pub(crate) fn compare(
    inv: &appaudit_model::Inventory,
    declared: &DeclaredFile,
    know: Knowledge<'_>,
    severity: SeverityOf<'_>,
) -> Result<Vec<Finding>, DeclaredError> {
    let wrong = |found: &'static str| DeclaredError::WrongPlatform {
        path: declared.path.clone(),
        declared: declared.describe(),
        app: inv.source.path.clone(),
        found,
    };
    match &declared.form {
        DeclaredForm::Play(form) => {
            if inv.app.platform != "android" {
                return Err(wrong("not an Android app"));
            }
            play::compare(inv, &declared.path, form, know, severity)
        }
        DeclaredForm::Apple(manifest) => {
            if inv.app.platform != "ios" {
                return Err(wrong("not an iOS app"));
            }
            apple::compare(inv, &declared.path, manifest, know, severity)
        }
    }
}

/// The declaration's side of a finding: a quote of what it says, located in its file.
fn quote(path: &str, text: &str, line: Option<usize>, note: String) -> PolicyEvidence {
    PolicyEvidence {
        kind: "quote".into(),
        quote: Some(text.to_owned()),
        line,
        document: Some(path.to_owned()),
        note,
    }
}

/// The declaration says nothing about it.
fn absent(path: &str, note: String) -> PolicyEvidence {
    PolicyEvidence {
        kind: "not_mentioned".into(),
        quote: None,
        line: None,
        document: Some(path.to_owned()),
        note,
    }
}

/// 1-based line and column (in characters) of a byte offset of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, last)| last)
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The text as UTF-8, or the line of its first bad byte.
fn utf8<'b>(path: &str, bytes: &'b [u8]) -> Result<&'b str, DeclaredError> {
    std::str::from_utf8(bytes).map_err(|e| DeclaredError::Encoding {
        path: path.to_owned(),
        line: bytes
            .get(..e.valid_up_to())
            .unwrap_or_default()
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\n中文x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, "ab\n中文".len()), (2, 3));
        assert_eq!(line_column(text, 999), (2, 4));
    }

    #[test]
    fn the_kind_comes_from_the_extension_or_the_content() {
        let t = Taxonomy::builtin().unwrap();
        let csv = "category,data_type,collected,shared\nContacts,Contacts,true,false\n";
        let f = DeclaredFile::from_bytes("form.txt", csv.as_bytes(), &t).unwrap();
        assert!(matches!(f.form, DeclaredForm::Play(_)));
        let plist = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>\n";
        let f = DeclaredFile::from_bytes("PrivacyInfo", plist.as_bytes(), &t).unwrap();
        assert!(matches!(f.form, DeclaredForm::Apple(_)));
        let err = DeclaredFile::from_bytes("x.csv", plist.as_bytes(), &t).unwrap_err();
        assert!(err.to_string().starts_with("x.csv: row 1"), "{err}");
    }

    #[test]
    fn bad_utf8_names_its_line() {
        let t = Taxonomy::builtin().unwrap();
        let bytes = b"category,data_type,collected,shared\nContacts,\xff,true,false\n";
        let err = DeclaredFile::from_bytes("f.csv", bytes, &t).unwrap_err();
        assert_eq!(err.to_string(), "f.csv: line 2: not UTF-8 text");
    }
}
