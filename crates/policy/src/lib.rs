//! Reads a privacy policy and extracts, with an exact quote and line for every
//! item, what it declares: data types (and what it denies), third-party SDKs,
//! permissions and the presence of the sections regulators look for.
//!
//! Input is untrusted: text is decoded (BOM, UTF-8, then detection of
//! GBK/GB18030/Big5…), HTML and Markdown are turned into numbered lines with
//! tables as one row per line, and nothing in the text is executed or fetched.
//! Every quote is an exact substring of the line it cites in
//! [`PolicyReading::lines`].

#![deny(missing_docs)]

mod analyze;
mod decode;
#[cfg(feature = "docx")]
mod docx;
mod emphasis;
mod error;
mod files;
mod lexicon;
mod markup;

use std::path::Path;

use serde::Serialize;

pub use decode::decode_text;
pub use error::PolicyError;
pub use files::{ExtractError, FilesError, PdfText, read_file, read_files};
pub use lexicon::{BUILTIN_POLICY_LEXICON, KnownSdk, Lexicon};

/// Inputs larger than this are refused (real policies are well under 1 MB).
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// The input format, usually guessed from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatHint {
    /// Plain text.
    Text,
    /// Markdown or MDX (inline HTML is understood).
    Markdown,
    /// HTML.
    Html,
    /// PDF (text layer).
    Pdf,
    /// Word DOCX.
    Docx,
    /// Unknown: sniffed from the content.
    Auto,
}

impl FormatHint {
    /// The hint for a file name's extension (`Auto` when unknown).
    pub fn from_path(path: &Path) -> Self {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Self::Text,
            "md" | "mdx" | "markdown" => Self::Markdown,
            "html" | "htm" | "xhtml" => Self::Html,
            "pdf" => Self::Pdf,
            "docx" => Self::Docx,
            _ => Self::Auto,
        }
    }
}

/// A section heading (or, with `from_heading: false`, body text showing that a topic is covered).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Section {
    /// The main kind (JSON `contact`, `user_rights`, … or `other`).
    pub kind: SectionKind,
    /// Every kind the heading matches (a heading can cover several topics).
    pub kinds: Vec<SectionKind>,
    /// The heading text (or the body line, shortened).
    pub title: String,
    /// 1-based line.
    pub line: usize,
    /// False when the topic was recognised from body text, not from a heading.
    pub from_heading: bool,
}

/// The topic of a policy section (a heading's, or one recognised from body text). The JSON
/// names are the snake_case ones of `data/policy_lexicon.toml` `[[section]] kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SectionKind {
    /// Definitions of terms.
    Definitions,
    /// What is collected.
    Collection,
    /// Cookies and similar technologies.
    Cookies,
    /// Permissions requested.
    Permissions,
    /// The third-party SDK list.
    SdkList,
    /// Sharing with third parties.
    ThirdPartySharing,
    /// Cross-border transfer and storage region.
    CrossBorder,
    /// Retention periods.
    Retention,
    /// Security measures.
    Security,
    /// Users' rights (access, correction, deletion, withdrawal).
    UserRights,
    /// Account cancellation (注销).
    AccountCancellation,
    /// Children and minors.
    Children,
    /// How the policy is updated.
    Update,
    /// The update or effective date (recognised from a dated line).
    UpdateDate,
    /// Contact details.
    Contact,
    /// A heading of no known topic.
    Other,
}

impl SectionKind {
    /// The JSON name (`sdk_list`).
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Definitions => "definitions",
            SectionKind::Collection => "collection",
            SectionKind::Cookies => "cookies",
            SectionKind::Permissions => "permissions",
            SectionKind::SdkList => "sdk_list",
            SectionKind::ThirdPartySharing => "third_party_sharing",
            SectionKind::CrossBorder => "cross_border",
            SectionKind::Retention => "retention",
            SectionKind::Security => "security",
            SectionKind::UserRights => "user_rights",
            SectionKind::AccountCancellation => "account_cancellation",
            SectionKind::Children => "children",
            SectionKind::Update => "update",
            SectionKind::UpdateDate => "update_date",
            SectionKind::Contact => "contact",
            SectionKind::Other => "other",
        }
    }
}

impl std::fmt::Display for SectionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data type the policy mentions.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataTypeMention {
    /// Taxonomy data type id, or hypernym id when `category` is true.
    pub id: String,
    /// True when the phrase names a category (`device_information`, `location`) rather than one type.
    pub category: bool,
    /// The phrase as written in the policy.
    pub matched: String,
    /// The clause or cell around it: an exact substring of line `line`.
    pub quote: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters) of the phrase in the line.
    pub column: usize,
    /// Title of the enclosing section.
    pub section: Option<String>,
    /// True when the statement is against it ("we do not collect your contacts").
    pub negated: bool,
    /// `first_party`, `third_party` or the SDK id whose row or sentence mentions it.
    pub collector: String,
}

/// A third-party SDK the policy declares or mentions.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SdkMention {
    /// SDK database id, `None` when no known SDK matches.
    pub sdk_id: Option<String>,
    /// The database's package prefixes for that SDK (dotted).
    pub packages: Vec<String>,
    /// The name (or package) as written.
    pub name_in_text: String,
    /// The row or sentence: an exact substring of line `line`.
    pub quote: String,
    /// 1-based line.
    pub line: usize,
    /// Title of the enclosing section.
    pub section: Option<String>,
    /// 1.0 for an exact name, alias or package; lower for truncated/garbled packages and fuzzy names;
    /// 0 when unmatched.
    pub confidence: f64,
    /// How it matched: `name`, `package`, `package_prefix`, `package_truncated`, `package_garbled`,
    /// `fuzzy_name` or `unmatched`.
    pub match_kind: String,
    /// Stated purpose, if any.
    pub purpose: Option<String>,
    /// Data types the policy attributes to this SDK (taxonomy ids).
    pub data_types: Vec<String>,
    /// Package names written in its row or sentence.
    pub packages_in_text: Vec<String>,
    /// True when it comes from an SDK table/list rather than running text.
    pub in_sdk_list: bool,
    /// Why it was read so: `sdk_table_row`, `sdk_list_item`, `sdk_heading`, `sdk_sentence`
    /// (declarations, in [`PolicyReading::sdks`]), or `table_row` / `mention` (in
    /// [`PolicyReading::mentions`]).
    pub reason: String,
    /// Other SDK ids matched in the same row (e.g. a second package of the same vendor).
    pub related_sdk_ids: Vec<String>,
    /// Other lines that mention the same SDK.
    pub other_lines: Vec<usize>,
}

/// A permission the policy declares.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PermissionMention {
    /// Permission kind (`camera`, `microphone`, `location`, `storage`, `phone_state`, `contacts`,
    /// `bluetooth`, `app_list`, …).
    pub name: String,
    /// Stated purpose, if any.
    pub purpose: Option<String>,
    /// The clause or row: an exact substring of line `line`.
    pub quote: String,
    /// 1-based line.
    pub line: usize,
    /// Title of the enclosing section.
    pub section: Option<String>,
    /// True when the statement is against it ("we do not request camera permission").
    pub negated: bool,
}

/// Everything read from one policy.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyReading {
    /// `zh` or `en` (the dominant script).
    pub language: String,
    /// The format that was read.
    pub format: FormatHint,
    /// The detected text encoding (`UTF-8`, `GBK`, `UTF-16LE`, …).
    pub encoding: String,
    /// Headings and topics found.
    pub sections: Vec<Section>,
    /// Key topics with neither a heading nor body text.
    pub missing_sections: Vec<SectionKind>,
    /// Data types mentioned (declared and denied).
    pub data_types: Vec<DataTypeMention>,
    /// SDKs the policy declares (an SDK table row or list item, an SDK heading, a sentence
    /// saying the app uses it), one entry per SDK. Only these satisfy "the policy discloses X".
    pub sdks: Vec<SdkMention>,
    /// Names of known SDKs' vendors or products that appear without declaring an SDK: login and
    /// payment partners, companies, services named in running text.
    pub mentions: Vec<SdkMention>,
    /// Permissions declared.
    pub permissions: Vec<PermissionMention>,
    /// The documents read, when there are several (see [`read_policy_documents`]); line
    /// numbers run through all of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentSpan>,
    /// The normalized text, one string per line (line N is `lines[N - 1]`).
    #[serde(skip)]
    pub lines: Vec<String>,
    /// Text shown bold, underlined or coloured (HTML `<b>`, `<strong>`, `<u>`, styles; Markdown
    /// `**…**`), in line order; `None` when no document's format can show emphasis (plain text,
    /// PDF, DOCX as read: run properties are not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emphasis: Option<Vec<EmphasisSpan>>,
    /// For each line (line N is `emphasis_shown[N - 1]`): whether its document's format can
    /// show emphasis, so that an unmarked line there is a choice of the author.
    #[serde(skip)]
    pub emphasis_shown: Vec<bool>,
}

/// A run of emphasised text: byte range `start..end` of line `line`'s text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EmphasisSpan {
    /// 1-based line.
    pub line: usize,
    /// Byte offset of the run's start in the line text.
    pub start: usize,
    /// Byte offset just after the run's end.
    pub end: usize,
    /// The emphasised text (`lines[line - 1][start..end]`).
    pub text: String,
}

/// Reads a policy file; the format comes from the extension, or is sniffed.
pub fn read_policy_file(path: &Path, lexicon: &Lexicon) -> Result<PolicyReading, PolicyError> {
    let meta = std::fs::metadata(path).map_err(|source| PolicyError::Io {
        path: path.to_owned(),
        source,
    })?;
    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if len > MAX_INPUT_BYTES {
        return Err(PolicyError::TooLarge {
            len,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_policy_bytes(&bytes, FormatHint::from_path(path), lexicon)
}

/// Reads a policy from bytes.
pub fn read_policy_bytes(
    bytes: &[u8],
    hint: FormatHint,
    lexicon: &Lexicon,
) -> Result<PolicyReading, PolicyError> {
    let (doc, format, encoding) = doc_from_bytes(bytes, hint)?;
    Ok(analyze::analyze(doc, lexicon, format, encoding))
}

/// Reads already-decoded text (e.g. PDF text extracted in a child process).
pub fn read_policy_text(
    text: &str,
    hint: FormatHint,
    lexicon: &Lexicon,
) -> Result<PolicyReading, PolicyError> {
    let doc = doc_from_text(text, hint)?;
    Ok(analyze::analyze(doc, lexicon, hint, "UTF-8"))
}

/// One document of a policy published in several (the policy and its SDK list).
#[derive(Debug, Clone)]
pub enum PolicyDocument<'a> {
    /// Raw bytes, decoded and parsed by the hint (sniffed when `Auto`).
    Bytes {
        /// The name quotes will cite (usually the file path).
        name: String,
        /// The content.
        bytes: &'a [u8],
        /// The format.
        hint: FormatHint,
    },
    /// Text already extracted (a PDF's text layer).
    Text {
        /// The name quotes will cite.
        name: String,
        /// The text.
        text: &'a str,
        /// The format the text came from.
        hint: FormatHint,
    },
}

/// Where one document's lines sit in a reading of several documents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentSpan {
    /// The document's name (file path).
    pub name: String,
    /// Its first line in the reading's numbering (1-based).
    pub first_line: usize,
    /// How many lines it has.
    pub lines: usize,
}

impl PolicyReading {
    /// Whether bytes `range` of line `line` overlap emphasised text. `None` when the line's
    /// document cannot show emphasis (or there is no such line).
    pub fn emphasised(&self, line: usize, range: std::ops::Range<usize>) -> Option<bool> {
        let shown = line
            .checked_sub(1)
            .and_then(|i| self.emphasis_shown.get(i))
            .copied()
            .unwrap_or(false);
        if !shown {
            return None;
        }
        let spans = self.emphasis.as_deref().unwrap_or_default();
        Some(
            spans
                .iter()
                .any(|s| s.line == line && s.start < range.end && range.start < s.end),
        )
    }

    /// The document and the line within it of a line of this reading: `(None, line)` for a
    /// reading of one document.
    pub fn locate(&self, line: usize) -> (Option<&str>, usize) {
        match self
            .documents
            .iter()
            .find(|d| d.first_line <= line && line < d.first_line + d.lines)
        {
            Some(d) if self.documents.len() > 1 => (Some(d.name.as_str()), line + 1 - d.first_line),
            _ => (None, line),
        }
    }
}

/// Reads several documents as one policy (a Chinese app's policy and its separate SDK list):
/// the lines are numbered through all of them, in order, and [`PolicyReading::documents`]
/// says which lines are whose ([`PolicyReading::locate`]). A document that is not a policy
/// (empty, binary) is an error naming it.
pub fn read_policy_documents(
    documents: &[PolicyDocument<'_>],
    lexicon: &Lexicon,
) -> Result<PolicyReading, PolicyError> {
    let mut all = markup::Doc::default();
    let mut spans = Vec::new();
    let mut format = FormatHint::Auto;
    let mut encoding = "UTF-8";
    let mut tables = 0usize;
    for document in documents {
        let (name, result) = match document {
            PolicyDocument::Bytes { name, bytes, hint } => (name, doc_from_bytes(bytes, *hint)),
            PolicyDocument::Text { name, text, hint } => (
                name,
                doc_from_text(text, *hint).map(|d| (d, *hint, "UTF-8")),
            ),
        };
        let (mut doc, f, e) = result.map_err(|e| PolicyError::Document {
            name: name.clone(),
            source: Box::new(e),
        })?;
        if spans.is_empty() {
            format = f;
            encoding = e;
        }
        // Table ids are per document: keep them apart.
        let mut max_table = 0;
        for line in &mut doc.lines {
            if let Some(row) = &mut line.row {
                max_table = max_table.max(row.table + 1);
                row.table += tables;
            }
        }
        tables += max_table;
        spans.push(DocumentSpan {
            name: name.clone(),
            first_line: all.lines.len() + 1,
            lines: doc.lines.len(),
        });
        all.lines.append(&mut doc.lines);
    }
    let mut reading = analyze::analyze(all, lexicon, format, encoding);
    reading.documents = spans;
    Ok(reading)
}

/// Decodes and parses bytes into numbered lines, refusing what is not a policy.
fn doc_from_bytes(
    bytes: &[u8],
    hint: FormatHint,
) -> Result<(markup::Doc, FormatHint, &'static str), PolicyError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PolicyError::TooLarge {
            len: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PolicyError::NotAPolicy("the file is empty".to_owned()));
    }
    let format = if hint == FormatHint::Auto {
        sniff(bytes)
    } else {
        hint
    };
    let (text, encoding, flavor) = match format {
        FormatHint::Pdf => (extract_pdf_text(bytes)?, "UTF-8", markup::Flavor::Plain),
        FormatHint::Docx => {
            let doc = extract_docx(bytes)?;
            check_is_policy_text(doc.lines.iter().map(|l| l.text.as_str()))?;
            return Ok((doc, format, "UTF-8"));
        }
        FormatHint::Html => {
            let (t, e) = decode_text(bytes);
            (t, e, markup::Flavor::Html)
        }
        FormatHint::Markdown => {
            let (t, e) = decode_text(bytes);
            (t, e, markup::Flavor::Markdown)
        }
        FormatHint::Text | FormatHint::Auto => {
            let (t, e) = decode_text(bytes);
            (t, e, markup::Flavor::Plain)
        }
    };
    check_is_policy_text(std::iter::once(text.as_str()))?;
    Ok((markup::to_doc(&text, flavor), format, encoding))
}

fn doc_from_text(text: &str, hint: FormatHint) -> Result<markup::Doc, PolicyError> {
    if text.trim().is_empty() {
        return Err(PolicyError::NotAPolicy("the text is empty".to_owned()));
    }
    check_is_policy_text(std::iter::once(text))?;
    let flavor = match hint {
        FormatHint::Html => markup::Flavor::Html,
        FormatHint::Markdown => markup::Flavor::Markdown,
        _ => markup::Flavor::Plain,
    };
    Ok(markup::to_doc(text, flavor))
}

/// Control characters in more than this share of the text mean binary data, not text.
const MAX_CONTROL_SHARE: f64 = 0.05;
/// At least one sentence: this many Chinese characters or English words.
const MIN_HAN: usize = 4;
const MIN_WORDS: usize = 3;

/// Refuses text that is binary (control characters, the replacement character of a failed
/// decoding) or has no sentences in Chinese or English.
fn check_is_policy_text<'t>(
    parts: impl Iterator<Item = &'t str> + Clone,
) -> Result<(), PolicyError> {
    let mut chars = 0usize;
    let mut control = 0usize;
    let mut han = 0usize;
    let mut words = 0usize;
    for part in parts {
        for c in part.chars() {
            chars += 1;
            if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}' {
                control += 1;
            }
            if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                han += 1;
            }
        }
        words += part
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
            .count();
    }
    if chars == 0 {
        return Err(PolicyError::NotAPolicy("the file has no text".to_owned()));
    }
    let share = control as f64 / chars as f64;
    if share > MAX_CONTROL_SHARE {
        return Err(PolicyError::NotAPolicy(format!(
            "it is binary data, not text ({:.0}% control or undecodable characters)",
            share * 100.0
        )));
    }
    if han < MIN_HAN && words < MIN_WORDS {
        return Err(PolicyError::NotAPolicy(format!(
            "it has no sentences in Chinese or English ({han} Chinese characters, {words} English words)"
        )));
    }
    Ok(())
}

fn sniff(bytes: &[u8]) -> FormatHint {
    if bytes.starts_with(b"%PDF-") {
        return FormatHint::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return FormatHint::Docx;
    }
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(2048)).unwrap_or_default())
        .to_ascii_lowercase();
    if head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") {
        FormatHint::Html
    } else {
        FormatHint::Text
    }
}

/// Extracts the text layer of a PDF. `pdf-extract` panics on some malformed
/// files; the panic is caught here, but a caller handling hostile files should
/// still run this in a child process (stack overflows and runaway memory cannot
/// be caught) and pass the text to [`read_policy_text`].
#[cfg(feature = "pdf")]
pub fn extract_pdf_text(bytes: &[u8]) -> Result<String, PolicyError> {
    let owned = bytes.to_vec();
    let result = std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned));
    match result {
        Ok(Ok(text)) if !text.trim().is_empty() => Ok(text),
        Ok(Ok(_)) => Err(PolicyError::Pdf("no text layer (scanned PDF?)".to_owned())),
        Ok(Err(e)) => Err(PolicyError::Pdf(e.to_string())),
        Err(_) => Err(PolicyError::Pdf(
            "the PDF extractor panicked on this file".to_owned(),
        )),
    }
}

/// Extracts the text layer of a PDF (support not compiled in).
#[cfg(not(feature = "pdf"))]
pub fn extract_pdf_text(_bytes: &[u8]) -> Result<String, PolicyError> {
    Err(PolicyError::Unsupported("PDF", "pdf"))
}

#[cfg(feature = "docx")]
fn extract_docx(bytes: &[u8]) -> Result<markup::Doc, PolicyError> {
    docx::docx_to_doc(bytes)
}

#[cfg(not(feature = "docx"))]
fn extract_docx(_bytes: &[u8]) -> Result<markup::Doc, PolicyError> {
    Err(PolicyError::Unsupported("DOCX", "docx"))
}

#[cfg(test)]
mod input_tests {
    use super::*;

    fn lexicon() -> Lexicon {
        crate::analyze::test_support::lexicon()
    }

    #[test]
    fn empty_or_blank_input_is_not_a_policy() {
        for bytes in [&b""[..], b"   \n\n\t "] {
            let err = read_policy_bytes(bytes, FormatHint::Auto, &lexicon()).unwrap_err();
            assert!(matches!(err, PolicyError::NotAPolicy(_)), "{err}");
            assert!(err.to_string().contains("empty"), "{err}");
        }
    }

    #[test]
    fn random_bytes_are_not_a_policy() {
        // A fixed pseudo-random sequence (xorshift), like a binary file given by mistake.
        let mut x: u32 = 0x9e37_79b9;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x & 0xff) as u8
            })
            .collect();
        let err = read_policy_bytes(&bytes, FormatHint::Text, &lexicon()).unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
    }

    #[test]
    fn text_without_sentences_is_not_a_policy() {
        let err =
            read_policy_bytes(b"1234 5678 90\n---\n", FormatHint::Text, &lexicon()).unwrap_err();
        assert!(err.to_string().contains("no sentences"), "{err}");
    }

    #[test]
    fn several_documents_are_read_as_one_policy_with_each_line_located() {
        let main = "# 隐私政策\n\n我们会收集您的手机号码用于注册登录，并依照本政策保护您的个人信息安全与权利。\n".as_bytes();
        let list = "# 第三方SDK清单\n\n| SDK名称 | 使用目的 | 收集的个人信息 |\n|---|---|---|\n| 极光推送SDK | 消息推送 | 设备标识符、IMEI |\n".as_bytes();
        let reading = read_policy_documents(
            &[
                PolicyDocument::Bytes {
                    name: "main.md".into(),
                    bytes: main,
                    hint: FormatHint::Markdown,
                },
                PolicyDocument::Bytes {
                    name: "sdk.md".into(),
                    bytes: list,
                    hint: FormatHint::Markdown,
                },
            ],
            &lexicon(),
        )
        .expect("two documents");
        let jpush = reading
            .sdks
            .iter()
            .find(|s| s.sdk_id.as_deref() == Some("jpush"))
            .expect("declared");
        let (doc, line) = reading.locate(jpush.line);
        assert_eq!(doc, Some("sdk.md"));
        assert_eq!(
            reading
                .lines
                .get(jpush.line - 1)
                .map(|l| l.contains("极光推送SDK")),
            Some(true)
        );
        assert_eq!(line, 5, "the row is line 5 of sdk.md");
        let err = read_policy_documents(
            &[PolicyDocument::Bytes {
                name: "empty.txt".into(),
                bytes: b"",
                hint: FormatHint::Text,
            }],
            &lexicon(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("empty.txt: not a privacy policy"),
            "{err}"
        );
    }
}
