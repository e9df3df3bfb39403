//! Decoder for Android manifests: binary AXML (from APKs), text XML (from AARs and vendor
//! fragments), aapt2 protobuf XML (from App Bundles), and a [`Manifest`] model of what Android's package parser reads from them.
//!
//! Every parser here takes untrusted bytes: reads are bounds-checked, counts are capped by
//! the bytes that could hold them, nesting is walked iteratively with a depth cap, and any
//! input ends in `Ok` or a clean [`AxmlError`].
#![deny(missing_docs)]

mod attrs;
mod binary;
mod bytes;
mod document;
mod error;
mod manifest;
mod proto;
mod strings;
mod text;

pub use attrs::{ANDROID_NS, android_attr_id, android_attr_name};
pub use binary::{MAX_DEPTH, parse_axml};
pub use document::{Attribute, AxmlDocument, Element, Namespace, SourceFormat, Value};
pub use error::AxmlError;
pub use manifest::{
    Application, Component, ComponentKind, DeclaredPermission, IntentData, IntentFilter, Manifest,
    MetaData, NumberOrText, Queries, UsesFeature, UsesPermission, protection_level_name,
    resolve_class_name,
};
pub use proto::{MAX_PROTO_ELEMENTS, parse_proto_xml};
pub use text::parse_text_xml;

/// Decodes a manifest whatever its encoding, sniffed from the first bytes:
/// binary AXML (`03 00 08 00`, or any `xx xx 08 00` chunk header, as Android ignores the
/// outer type), text XML (`<`, `<?xml`, optionally after a BOM or whitespace), or an App
/// Bundle's aapt2 protobuf XML (first byte `0x0a`: field 1, the root element).
pub fn parse_manifest_bytes(data: &[u8]) -> Result<AxmlDocument, AxmlError> {
    let first = data.first().copied();
    let looks_binary = data.len() >= 8 && data.get(2..4) == Some(&[0x08, 0x00][..]);
    let text_start = data
        .strip_prefix(&[0xef, 0xbb, 0xbf])
        .unwrap_or(data)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let utf16_bom = data.starts_with(&[0xff, 0xfe]) || data.starts_with(&[0xfe, 0xff]);
    if looks_binary {
        parse_axml(data)
    } else if text_start == Some(b'<') || utf16_bom {
        parse_text_xml(data)
    } else if first == Some(0x0a) {
        parse_proto_xml(data)
    } else {
        Err(AxmlError::UnknownFormat(
            data.iter().take(8).copied().collect(),
        ))
    }
}

/// Decodes manifest bytes (any supported encoding) and builds the [`Manifest`] model,
/// returning the document as well for evidence (warnings, raw attributes).
pub fn parse_manifest(data: &[u8]) -> Result<(Manifest, AxmlDocument), AxmlError> {
    let doc = parse_manifest_bytes(data)?;
    Ok((Manifest::from_document(&doc), doc))
}
