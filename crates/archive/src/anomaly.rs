//! Tampering and inconsistencies that do not stop the archive from being read.

use std::fmt;

use serde::Serialize;

/// A local-header field that can disagree with the central directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderField {
    /// General-purpose flag bit 3 (data descriptor follows the data).
    DataDescriptorFlag,
    /// Compression method.
    Method,
    /// CRC-32 of the uncompressed data.
    Crc32,
    /// Compressed size.
    CompressedSize,
    /// Uncompressed size.
    UncompressedSize,
    /// File name length (the data offset comes from the local value, as on Android).
    NameLength,
}

impl fmt::Display for HeaderField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DataDescriptorFlag => "data-descriptor flag",
            Self::Method => "compression method",
            Self::Crc32 => "CRC-32",
            Self::CompressedSize => "compressed size",
            Self::UncompressedSize => "uncompressed size",
            Self::NameLength => "file name length",
        })
    }
}

/// Tampering or inconsistency seen in the archive. The archive is still read the way Android
/// reads it; each anomaly says what was found, on which entry, and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Anomaly {
    /// Bytes follow the end-of-central-directory comment (positive) or the declared comment
    /// runs past the end of the file (negative).
    TrailingBytes {
        /// Surplus (positive) or missing (negative) byte count.
        bytes: i64,
    },
    /// An end-of-central-directory record later in the file whose central directory could not
    /// be read; an earlier record was used instead (Android uses the last one and would
    /// refuse the archive).
    IgnoredEndRecord {
        /// Offset of the ignored record.
        offset: u64,
        /// Why its central directory was unusable.
        problem: String,
    },
    /// The same name appears more than once in the central directory.
    DuplicateName {
        /// Entry name.
        entry: String,
        /// Local header offset of the occurrence that is used (the first).
        kept_offset: u64,
        /// Local header offset of the occurrence that is ignored.
        ignored_offset: u64,
    },
    /// A local header field disagrees with the central directory; the central value is used
    /// (for the name length, the local value decides where the data starts).
    LocalHeaderMismatch {
        /// Entry name.
        entry: String,
        /// Which field.
        field: HeaderField,
        /// Value in the central directory.
        central: u64,
        /// Value in the local header.
        local: u64,
    },
    /// The local header carries a different name than the central directory.
    LocalNameMismatch {
        /// Entry name (from the central directory).
        entry: String,
        /// Name in the local header (lossy UTF-8).
        local_name: String,
    },
    /// The local header is missing or unreadable; the entry is listed but cannot be read.
    BadLocalHeader {
        /// Entry name.
        entry: String,
        /// Local header offset from the central directory.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// The encryption flag is set; Android ignores it and so do we.
    EncryptionFlagIgnored {
        /// Entry name.
        entry: String,
    },
    /// Unknown compression method on an entry whose sizes are equal: read as stored.
    UnknownMethodReadAsStored {
        /// Entry name.
        entry: String,
        /// Method from the central directory.
        method: u16,
    },
    /// Unknown compression method and differing sizes: the entry cannot be read.
    UnsupportedMethod {
        /// Entry name.
        entry: String,
        /// Method from the central directory.
        method: u16,
    },
    /// A stored entry whose compressed and uncompressed sizes differ; the uncompressed size
    /// decides how many bytes are read.
    StoredSizeMismatch {
        /// Entry name.
        entry: String,
        /// Declared compressed size.
        compressed_size: u64,
        /// Declared uncompressed size.
        uncompressed_size: u64,
    },
    /// The name is not valid UTF-8 or contains a NUL byte (Android rejects such names).
    InvalidName {
        /// Entry name, lossily decoded.
        entry: String,
        /// What is wrong.
        problem: String,
    },
    /// Found while reading: the data does not match the declared CRC-32. Data is returned.
    CrcMismatch {
        /// Entry name.
        entry: String,
        /// CRC-32 from the central directory.
        expected: u32,
        /// CRC-32 of the data actually read.
        actual: u32,
    },
    /// Found while reading: the data is shorter than the declared uncompressed size.
    ShortData {
        /// Entry name.
        entry: String,
        /// Declared uncompressed size.
        declared: u64,
        /// Bytes actually produced.
        actual: u64,
    },
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TrailingBytes { bytes } if *bytes >= 0 => write!(
                f,
                "{bytes} bytes follow the end of central directory record and its comment (Android refuses such archives)"
            ),
            Self::TrailingBytes { bytes } => write!(
                f,
                "the end of central directory comment length runs {} bytes past the end of the file (Android refuses such archives)",
                bytes.unsigned_abs()
            ),
            Self::IgnoredEndRecord { offset, problem } => write!(
                f,
                "end of central directory record at offset {offset} ignored ({problem}); an earlier record was used (Android refuses such archives)"
            ),
            Self::DuplicateName {
                entry,
                kept_offset,
                ignored_offset,
            } => write!(
                f,
                "entry `{entry}` appears more than once in the central directory: the first (local header at {kept_offset}) is used, the one at {ignored_offset} is ignored; Android refuses archives with duplicate names"
            ),
            Self::LocalHeaderMismatch {
                entry,
                field,
                central,
                local,
            } => write!(
                f,
                "entry `{entry}`: local header {field} is {local} but the central directory says {central}; using the central directory, as Android does"
            ),
            Self::LocalNameMismatch { entry, local_name } => {
                write!(f, "entry `{entry}`: local header names it `{local_name}`")
            }
            Self::BadLocalHeader {
                entry,
                offset,
                problem,
            } => write!(
                f,
                "entry `{entry}`: local header at offset {offset}: {problem}; the entry cannot be read"
            ),
            Self::EncryptionFlagIgnored { entry } => write!(
                f,
                "entry `{entry}`: encryption flag set on unencrypted data (ignored, as Android does)"
            ),
            Self::UnknownMethodReadAsStored { entry, method } => write!(
                f,
                "entry `{entry}`: unknown compression method {method} with equal sizes; read as stored, as Android does"
            ),
            Self::UnsupportedMethod { entry, method } => write!(
                f,
                "entry `{entry}`: unknown compression method {method}; the entry cannot be read"
            ),
            Self::StoredSizeMismatch {
                entry,
                compressed_size,
                uncompressed_size,
            } => write!(
                f,
                "entry `{entry}`: stored, but compressed size {compressed_size} differs from uncompressed size {uncompressed_size}"
            ),
            Self::InvalidName { entry, problem } => {
                write!(f, "entry `{entry}`: invalid name: {problem}")
            }
            Self::CrcMismatch {
                entry,
                expected,
                actual,
            } => write!(
                f,
                "entry `{entry}`: CRC-32 is {actual:08x} but the central directory says {expected:08x}"
            ),
            Self::ShortData {
                entry,
                declared,
                actual,
            } => write!(
                f,
                "entry `{entry}`: {actual} bytes of data but {declared} declared"
            ),
        }
    }
}
