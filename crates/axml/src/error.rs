//! The one error type of this crate.

/// Why a manifest could not be decoded at all.
///
/// Anomalies that Android tolerates (or that can be worked around without losing the
/// manifest) are not errors: they end up in [`crate::AxmlDocument::warnings`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AxmlError {
    /// The input is shorter than the structure that must be there.
    #[error(
        "input too short: {what} needs {needed} bytes at offset {offset}, only {available} available"
    )]
    Truncated {
        /// Which structure was being read.
        what: &'static str,
        /// Byte offset of that structure.
        offset: usize,
        /// Bytes the structure needs.
        needed: usize,
        /// Bytes left in the input from `offset`.
        available: usize,
    },
    /// The outer `ResXMLTree_header` cannot describe an XML document.
    #[error("bad AXML file header: {0}")]
    BadHeader(String),
    /// No string pool precedes the first XML node, so no name can be resolved.
    #[error("no string pool chunk (type 0x0001) before the first XML node")]
    MissingStringPool,
    /// The string pool header cannot be used at all.
    #[error("bad string pool at offset {offset}: {reason}")]
    BadStringPool {
        /// Offset of the string pool chunk.
        offset: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The binary file has no start-element node.
    #[error("no XML element found in the binary document")]
    NoRootElement,
    /// The text XML could not be parsed.
    #[error("text XML error at byte {position}: {message}")]
    TextXml {
        /// Byte position reported by the XML reader.
        position: u64,
        /// The reader's message.
        message: String,
    },
    /// The bytes look like aapt2 protobuf XML (an App Bundle manifest) but do not decode.
    #[error("protobuf XML (App Bundle manifest) does not decode: {0}")]
    Protobuf(String),
    /// The protobuf XML decodes but its root node is not an element.
    #[error("protobuf XML (App Bundle manifest) has no root element")]
    ProtobufNoElement,
    /// The bytes are neither binary AXML, text XML nor a protobuf manifest.
    #[error("not an AndroidManifest: unrecognised leading bytes {0:02x?}")]
    UnknownFormat(Vec<u8>),
}
