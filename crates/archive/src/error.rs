//! Errors: every variant names the entry (or the structure) and what is wrong with it.

/// Why an archive could not be opened or an entry could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The file has no bytes at all.
    #[error("empty file (0 bytes)")]
    Empty,
    /// A zip that starts like one but ends before its central directory (a cut-off download).
    #[error(
        "truncated: the archive ends at byte {len}, before its central directory (an incomplete download or copy?)"
    )]
    Truncated {
        /// Length of the file.
        len: usize,
    },
    /// Not a zip at all; its leading bytes say what it is.
    #[error("not an APK, IPA or other zip archive: it is {what}")]
    NotAZip {
        /// What the magic bytes say the file is (`a PNG image`).
        what: &'static str,
    },
    /// No end-of-central-directory record in the searched tail of the file.
    #[error("not a zip archive: no end of central directory record in the last {searched} bytes")]
    NoEocd {
        /// How many bytes at the end of the file were searched.
        searched: usize,
    },
    /// The end-of-central-directory record (or its ZIP64 companion) is unusable.
    #[error("end of central directory record at offset {offset}: {problem}")]
    BadEocd {
        /// Offset of the record.
        offset: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// The archive declares more entries than [`crate::Limits::max_entries`].
    #[error("archive declares {declared} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entry count from the end of central directory record.
        declared: u64,
        /// The configured limit.
        limit: usize,
    },
    /// A central directory record is malformed (Android refuses such archives too).
    #[error("central directory record #{index} at offset {offset}: {problem}")]
    BadCentralDirectory {
        /// Zero-based position of the record in the central directory.
        index: u64,
        /// Offset of the record.
        offset: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// The entry's local header is missing or truncated, so its data cannot be located.
    #[error("entry `{entry}`: local header at offset {offset}: {problem}")]
    BadLocalHeader {
        /// Entry name.
        entry: String,
        /// Offset the central directory gives for the local header.
        offset: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// The entry's data runs past the end of the archive.
    #[error(
        "entry `{entry}`: data at {start}..{end} runs past the end of the {archive_len}-byte archive"
    )]
    DataOutOfBounds {
        /// Entry name.
        entry: String,
        /// Start of the entry's data.
        start: u64,
        /// Where the data would end according to the central directory.
        end: u128,
        /// Size of the archive.
        archive_len: usize,
    },
    /// Neither stored nor deflated, and the sizes differ, so the data cannot be decoded.
    #[error(
        "entry `{entry}`: unsupported compression method {method} (compressed {compressed_size} bytes, uncompressed {uncompressed_size} bytes)"
    )]
    UnsupportedMethod {
        /// Entry name.
        entry: String,
        /// Method from the central directory.
        method: u16,
        /// Declared compressed size.
        compressed_size: u64,
        /// Declared uncompressed size.
        uncompressed_size: u64,
    },
    /// The declared uncompressed size is above [`crate::Limits::max_entry_size`].
    #[error(
        "entry `{entry}`: declared size of {declared} bytes exceeds the per-entry limit of {limit} bytes"
    )]
    EntryTooLarge {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size.
        declared: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The declared sizes imply a compression ratio above [`crate::Limits::max_ratio`].
    #[error(
        "entry `{entry}`: {uncompressed_size} bytes from {compressed_size} compressed exceeds the {limit}:1 ratio limit (zip bomb?)"
    )]
    RatioExceeded {
        /// Entry name.
        entry: String,
        /// Declared compressed size.
        compressed_size: u64,
        /// Declared uncompressed size.
        uncompressed_size: u64,
        /// The configured ratio limit.
        limit: u64,
    },
    /// The data inflates to more than the declared size (which was already within limits).
    #[error(
        "entry `{entry}`: inflates to more than its declared {declared} bytes (zip bomb or tampered size)"
    )]
    ExceedsDeclaredSize {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size.
        declared: u64,
    },
    /// Reading this entry would take the archive past [`crate::Limits::max_total_size`].
    #[error(
        "entry `{entry}`: reading {size} more bytes would exceed the archive's total limit of {limit} bytes ({used} already read)"
    )]
    TotalLimitExceeded {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size of this entry.
        size: u64,
        /// Bytes already handed out by earlier reads.
        used: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The deflate stream is malformed or ends early.
    #[error("entry `{entry}`: corrupt deflate data: {detail}")]
    Inflate {
        /// Entry name.
        entry: String,
        /// What the decoder reported.
        detail: String,
    },
    /// The [`crate::Entry`] passed to [`crate::Archive::read`] came from another archive.
    #[error("entry `{entry}` does not belong to this archive")]
    ForeignEntry {
        /// Entry name.
        entry: String,
    },
}
