//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while reading iOS inputs.
///
/// Every variant names what was being read and, for binary formats, the byte offset
/// (relative to the start of the buffer handed to the parser) where reading failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IosError {
    /// The buffer starts with none of the magics this crate reads.
    #[error("not a Mach-O, fat Mach-O or ar archive: first bytes are {found:02x?}")]
    UnknownFormat {
        /// Up to the first 8 bytes of the input.
        found: Vec<u8>,
    },
    /// A structure runs past the end of the buffer.
    #[error("{what} at offset {offset} needs {needed} bytes but only {available} remain")]
    Truncated {
        /// The structure being read, e.g. "fat_arch #3".
        what: String,
        /// Offset of the structure.
        offset: u64,
        /// Bytes the structure needs.
        needed: u64,
        /// Bytes left in the buffer from `offset`.
        available: u64,
    },
    /// A fat (universal) header is inconsistent.
    #[error("fat Mach-O header: {detail}")]
    FatHeader {
        /// What is wrong.
        detail: String,
    },
    /// A thin Mach-O image is inconsistent.
    #[error("Mach-O at offset {offset}: {detail}")]
    MachO {
        /// Offset of the image's header in the input.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// An `ar` (static library) archive is inconsistent.
    #[error("ar archive at offset {offset}: {detail}")]
    Archive {
        /// Offset of the member header (or of the archive) where the problem is.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// A property list could not be decoded at all.
    #[error("{what}: not a readable property list: {detail}")]
    Plist {
        /// Which file kind, e.g. "Info.plist".
        what: &'static str,
        /// The decoder's message.
        detail: String,
    },
    /// A property list decoded but does not have the required shape.
    #[error("{what}: {detail}")]
    PlistShape {
        /// Which file kind, e.g. "PrivacyInfo.xcprivacy".
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// Reading a file from a [`crate::FileSource`] failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that was being read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
