//! Binary XML (AXML) decoder following AOSP `ResourceTypes.h` / `ResourceTypes.cpp`
//! (`ResXMLTree::setTo`, `ResXMLParser::nextNode`, `validateNode`, `ResStringPool`).
//!
//! Where Android rejects a file the decoder still reads what it safely can and says in
//! a warning that Android would refuse it: an auditor wants to see the content either way.

use crate::AxmlError;
use crate::attrs::android_attr_name;
use crate::bytes::{u16_at, u32_at};
use crate::document::{Attribute, AxmlDocument, Element, Namespace, SourceFormat, Value};
use crate::strings::{NO_STRING, StringPool};

const RES_XML_TYPE: u16 = 0x0003;
const RES_STRING_POOL_TYPE: u16 = 0x0001;
const RES_XML_FIRST_CHUNK_TYPE: u16 = 0x0100;
const RES_XML_START_NAMESPACE_TYPE: u16 = 0x0100;
const RES_XML_END_NAMESPACE_TYPE: u16 = 0x0101;
const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
const RES_XML_CDATA_TYPE: u16 = 0x0104;
const RES_XML_LAST_CHUNK_TYPE: u16 = 0x017f;
const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;

/// `ResChunk_header` size.
const CHUNK_HEADER_SIZE: usize = 8;
/// `ResXMLTree_node` size (chunk header + lineNumber + comment).
const NODE_HEADER_SIZE: usize = 16;
/// `ResXMLTree_attribute` size.
const ATTRIBUTE_SIZE: usize = 20;

/// Elements nested deeper than this are dropped (with a warning). Real manifests nest
/// about 6 deep and layouts a few dozen; Android reads manifest entries only at fixed
/// shallow depths, so nothing Android uses is lost.
pub const MAX_DEPTH: usize = 256;

/// At most this many warnings are kept; a hostile file could otherwise produce one per
/// chunk.
const MAX_WARNINGS: usize = 200;

#[derive(Clone, Copy)]
struct Chunk {
    kind: u16,
    offset: usize,
    header_size: usize,
    size: usize,
}

/// Decodes a binary AndroidManifest.xml (or any AXML resource).
///
/// Errors only when nothing usable can be read (no header, no string pool, no element);
/// every tolerated anomaly is reported in [`AxmlDocument::warnings`].
pub fn parse_axml(data: &[u8]) -> Result<AxmlDocument, AxmlError> {
    let mut warnings = Vec::new();
    let end = outer_end(data, &mut warnings)?;
    let header_size = usize::from(u16_at(data, 2).unwrap_or(0));
    let chunks = scan_chunks(data, header_size, end, &mut warnings);

    let first_node = chunks
        .iter()
        .position(|c| (RES_XML_FIRST_CHUNK_TYPE..=RES_XML_LAST_CHUNK_TYPE).contains(&c.kind));
    let Some(first_node) = first_node else {
        return Err(AxmlError::NoRootElement);
    };
    let before = chunks.get(..first_node).unwrap_or_default();
    // Like ResXMLTree::setTo: the last pool / resource map before the first node wins.
    let pool_chunk = match before.iter().rev().find(|c| c.kind == RES_STRING_POOL_TYPE) {
        Some(c) => *c,
        None => {
            let later = chunks.iter().find(|c| c.kind == RES_STRING_POOL_TYPE);
            let Some(c) = later else {
                return Err(AxmlError::MissingStringPool);
            };
            warnings.push(format!(
                "string pool at offset {} comes after the first XML node; used anyway \
                 (Android rejects this file)",
                c.offset
            ));
            *c
        }
    };
    let budget = data.len().saturating_mul(16).max(1 << 20);
    let pool_bytes = data
        .get(pool_chunk.offset..pool_chunk.offset + pool_chunk.size)
        .unwrap_or_default();
    let mut pool = StringPool::parse(pool_bytes, pool_chunk.offset, budget, &mut warnings)?;
    let res_ids = before
        .iter()
        .rev()
        .find(|c| c.kind == RES_XML_RESOURCE_MAP_TYPE)
        .map(|c| resource_map(data, c))
        .unwrap_or_default();

    let mut builder = TreeBuilder {
        data,
        pool: &mut pool,
        res_ids: &res_ids,
        warnings: &mut warnings,
        elements: Vec::new(),
        namespaces: Vec::new(),
        stack: Vec::new(),
        dropped_depth: 0,
    };
    for chunk in chunks.get(first_node..).unwrap_or_default() {
        builder.node(chunk);
    }
    if !builder.stack.is_empty() {
        let open = builder.stack.len();
        builder.warn(format!("{open} element(s) not closed at end of file"));
    }
    let TreeBuilder {
        elements,
        namespaces,
        ..
    } = builder;
    if elements.is_empty() {
        return Err(AxmlError::NoRootElement);
    }
    if warnings.len() > MAX_WARNINGS {
        let extra = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(format!("{extra} further warnings omitted"));
    }
    Ok(AxmlDocument {
        format: SourceFormat::Binary,
        elements,
        namespaces,
        warnings,
    })
}

/// Validates the outer `ResXMLTree_header` and returns where the chunks end.
fn outer_end(data: &[u8], warnings: &mut Vec<String>) -> Result<usize, AxmlError> {
    let (Some(kind), Some(header_size), Some(size)) =
        (u16_at(data, 0), u16_at(data, 2), u32_at(data, 4))
    else {
        return Err(AxmlError::Truncated {
            what: "ResXMLTree_header",
            offset: 0,
            needed: CHUNK_HEADER_SIZE,
            available: data.len(),
        });
    };
    let header_size = usize::from(header_size);
    let size = size as usize;
    if kind != RES_XML_TYPE {
        // ResXMLTree::setTo never looks at the outer type.
        warnings.push(format!(
            "file header type is 0x{kind:04x}, not RES_XML_TYPE 0x0003 (Android ignores it)"
        ));
    }
    if header_size < CHUNK_HEADER_SIZE || header_size > data.len() {
        return Err(AxmlError::BadHeader(format!(
            "header size {header_size} is outside {CHUNK_HEADER_SIZE}..={}",
            data.len()
        )));
    }
    if size > data.len() || size < header_size {
        warnings.push(format!(
            "file header declares {size} bytes but the data has {}; decoded up to the end of \
             the data (Android's ResXMLTree rejects this file as 'Bad XML block')",
            data.len()
        ));
        Ok(data.len())
    } else {
        if size < data.len() {
            warnings.push(format!(
                "{} trailing bytes after the declared document size {size} are ignored, as \
                 Android does",
                data.len() - size
            ));
        }
        Ok(size)
    }
}

/// Lists the chunks between the file header and `end`, stopping at the first chunk whose
/// size cannot be trusted (nothing after it can be located).
fn scan_chunks(data: &[u8], start: usize, end: usize, warnings: &mut Vec<String>) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut pos = start;
    while pos < end {
        let (Some(kind), Some(header_size), Some(size)) = (
            u16_at(data, pos),
            u16_at(data, pos + 2),
            u32_at(data, pos + 4),
        ) else {
            warnings.push(format!("{} stray bytes at offset {pos} ignored", end - pos));
            break;
        };
        let header_size = usize::from(header_size);
        let size = size as usize;
        let remaining = end - pos;
        if header_size < CHUNK_HEADER_SIZE || header_size > size || size > remaining {
            warnings.push(format!(
                "chunk type 0x{kind:04x} at offset {pos}: header size {header_size}, size \
                 {size}, {remaining} bytes left; decoding stops here"
            ));
            break;
        }
        if (header_size | size) & 3 != 0 {
            warnings.push(format!(
                "chunk type 0x{kind:04x} at offset {pos}: size {size} or header size \
                 {header_size} not 4-byte aligned (Android rejects this)"
            ));
        }
        chunks.push(Chunk {
            kind,
            offset: pos,
            header_size,
            size,
        });
        pos += size;
    }
    chunks
}

/// Reads a `RES_XML_RESOURCE_MAP_TYPE` chunk: one attribute resource id per string index.
fn resource_map(data: &[u8], chunk: &Chunk) -> Vec<u32> {
    let body = data
        .get(chunk.offset + chunk.header_size..chunk.offset + chunk.size)
        .unwrap_or_default();
    body.chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

struct TreeBuilder<'d, 'p> {
    data: &'d [u8],
    pool: &'p mut StringPool<'d>,
    res_ids: &'p [u32],
    warnings: &'p mut Vec<String>,
    elements: Vec<Element>,
    namespaces: Vec<Namespace>,
    /// Indices of the open elements.
    stack: Vec<usize>,
    /// Open elements that were dropped for exceeding [`MAX_DEPTH`].
    dropped_depth: usize,
}

impl TreeBuilder<'_, '_> {
    fn warn(&mut self, message: String) {
        if self.warnings.len() <= MAX_WARNINGS {
            self.warnings.push(message);
        }
    }

    fn string(&mut self, index: u32) -> Option<String> {
        self.pool.get(index, self.warnings)
    }

    fn node(&mut self, chunk: &Chunk) {
        let min_ext = match chunk.kind {
            RES_XML_START_NAMESPACE_TYPE | RES_XML_END_NAMESPACE_TYPE => 8,
            RES_XML_START_ELEMENT_TYPE => 20,
            RES_XML_END_ELEMENT_TYPE => 8,
            RES_XML_CDATA_TYPE => 12,
            RES_STRING_POOL_TYPE | RES_XML_RESOURCE_MAP_TYPE => {
                self.warn(format!(
                    "chunk type 0x{:04x} at offset {} after the first XML node is ignored, \
                     as Android does",
                    chunk.kind, chunk.offset
                ));
                return;
            }
            other => {
                self.warn(format!(
                    "unknown chunk type 0x{other:04x} at offset {} skipped",
                    chunk.offset
                ));
                return;
            }
        };
        if chunk.header_size < NODE_HEADER_SIZE {
            self.warn(format!(
                "node at offset {}: header size {} < {NODE_HEADER_SIZE} (Android rejects this)",
                chunk.offset, chunk.header_size
            ));
        }
        if chunk.size - chunk.header_size < min_ext {
            // nextNode() returns BAD_DOCUMENT here; skipping keeps the rest readable.
            self.warn(format!(
                "node type 0x{:04x} at offset {}: {} bytes after the header, needs {min_ext}; \
                 skipped (Android stops reading the document here)",
                chunk.kind,
                chunk.offset,
                chunk.size - chunk.header_size
            ));
            return;
        }
        let data = self.data;
        let Some(node) = data.get(chunk.offset..chunk.offset + chunk.size) else {
            return;
        };
        let line = if chunk.header_size >= 12 {
            u32_at(node, 8).unwrap_or(0)
        } else {
            0
        };
        let ext = chunk.header_size;
        let word = |at: usize| u32_at(node, ext + at).unwrap_or(NO_STRING);
        match chunk.kind {
            RES_XML_START_NAMESPACE_TYPE => {
                let prefix = self.string(word(0)).unwrap_or_default();
                let uri = self.string(word(4)).unwrap_or_default();
                let ns = Namespace { prefix, uri };
                if !self.namespaces.contains(&ns) {
                    self.namespaces.push(ns);
                }
            }
            RES_XML_END_NAMESPACE_TYPE => {}
            RES_XML_START_ELEMENT_TYPE => self.start_element(chunk, node, line),
            RES_XML_END_ELEMENT_TYPE => self.end_element(chunk, word(4)),
            RES_XML_CDATA_TYPE => {
                let text = self.string(word(0));
                if let (Some(text), Some(&open)) = (text, self.stack.last())
                    && self.dropped_depth == 0
                    && let Some(element) = self.elements.get_mut(open)
                {
                    element.text.push_str(&text);
                }
            }
            _ => {}
        }
    }

    fn start_element(&mut self, chunk: &Chunk, node: &[u8], line: u32) {
        if self.dropped_depth > 0 || self.stack.len() >= MAX_DEPTH {
            if self.dropped_depth == 0 {
                self.warn(format!(
                    "element at offset {} nests deeper than {MAX_DEPTH}; it and its subtree \
                     are dropped",
                    chunk.offset
                ));
            }
            self.dropped_depth += 1;
            return;
        }
        let ext = chunk.header_size;
        let u16_ext = |at: usize| usize::from(u16_at(node, ext + at).unwrap_or(0));
        let ns_ref = u32_at(node, ext).unwrap_or(NO_STRING);
        let name_ref = u32_at(node, ext + 4).unwrap_or(NO_STRING);
        let attribute_start = u16_ext(8);
        let attribute_size = u16_ext(10);
        let declared_count = u16_ext(12);

        let namespace = self.string(ns_ref);
        let name = match self.string(name_ref) {
            Some(n) => n,
            None => {
                self.warn(format!(
                    "element at offset {} has no readable name (string #{name_ref})",
                    chunk.offset
                ));
                String::new()
            }
        };

        // validateNode(): attributeStart + attributeSize * attributeCount must fit in the
        // node. Cap instead of rejecting, and never let a small stride multiply records.
        let body = chunk.size - ext;
        let room = body.saturating_sub(attribute_start);
        let stride = attribute_size.max(1);
        let mut count = declared_count.min(room / stride);
        if attribute_size < ATTRIBUTE_SIZE {
            count = count.min(room / ATTRIBUTE_SIZE);
        }
        if count < declared_count {
            self.warn(format!(
                "element <{name}> at offset {}: {declared_count} attributes of {attribute_size} \
                 bytes from {attribute_start} do not fit in {body} bytes; read {count}",
                chunk.offset
            ));
        } else if attribute_size != ATTRIBUTE_SIZE && declared_count > 0 {
            self.warn(format!(
                "element <{name}> at offset {}: attributeSize {attribute_size} (standard is \
                 {ATTRIBUTE_SIZE}); honoured",
                chunk.offset
            ));
        }
        let mut attributes = Vec::with_capacity(count);
        for i in 0..count {
            let at = ext + attribute_start + i * attribute_size;
            let Some(record) = node.get(at..at + ATTRIBUTE_SIZE) else {
                self.warn(format!(
                    "element <{name}> at offset {}: attribute {i} runs past the node",
                    chunk.offset
                ));
                break;
            };
            attributes.push(self.attribute(record));
        }

        let parent = self.stack.last().copied();
        let index = self.elements.len();
        self.elements.push(Element {
            name,
            namespace,
            attributes,
            line,
            depth: u32::try_from(self.stack.len()).unwrap_or(u32::MAX),
            parent,
            children: Vec::new(),
            text: String::new(),
        });
        if let Some(parent) = parent.and_then(|p| self.elements.get_mut(p)) {
            parent.children.push(index);
        }
        self.stack.push(index);
    }

    fn attribute(&mut self, record: &[u8]) -> Attribute {
        let word = |at: usize| u32_at(record, at).unwrap_or(NO_STRING);
        let ns_ref = word(0);
        let name_ref = word(4);
        let raw_ref = word(8);
        let data_type = record.get(15).copied().unwrap_or(0);
        let data = word(16);

        let namespace = self.string(ns_ref);
        let pool_name = self.string(name_ref);
        // Android resolves attribute names through the resource map (getAttributeNameResID).
        let resource_id = self
            .res_ids
            .get(name_ref as usize)
            .copied()
            .filter(|&id| id != 0);
        let known = resource_id.and_then(android_attr_name);
        let name = match (known, &pool_name) {
            (Some(known), _) => known.to_string(),
            (None, Some(pool)) => pool.clone(),
            (None, None) => String::new(),
        };
        let pool_name = pool_name.filter(|p| *p != name);
        let raw = self.string(raw_ref);
        let value = self.typed_value(data_type, data);
        Attribute {
            name,
            namespace,
            resource_id,
            pool_name,
            value,
            raw,
            res_value: Some((data_type, data)),
        }
    }

    fn typed_value(&mut self, data_type: u8, data: u32) -> Value {
        typed_value(data_type, data, |index| self.string(index))
    }

    fn end_element(&mut self, chunk: &Chunk, name_ref: u32) {
        if self.dropped_depth > 0 {
            self.dropped_depth -= 1;
            return;
        }
        let Some(open) = self.stack.pop() else {
            self.warn(format!(
                "end element at offset {} without an open element; ignored",
                chunk.offset
            ));
            return;
        };
        let end_name = self.string(name_ref);
        let open_name = self.elements.get(open).map(|e| e.name.as_str());
        if let Some(end_name) = end_name
            && open_name != Some(end_name.as_str())
        {
            let open_name = open_name.unwrap_or_default().to_string();
            self.warn(format!(
                "end element </{end_name}> at offset {} closes <{open_name}> (Android pairs \
                 them by depth only)",
                chunk.offset
            ));
        }
    }
}

/// Decodes a `Res_value`; `string` resolves TYPE_STRING indices.
pub(crate) fn typed_value(
    data_type: u8,
    data: u32,
    mut string: impl FnMut(u32) -> Option<String>,
) -> Value {
    const RADIX_MULTS: [f32; 4] = [
        1.0 / 256.0,
        1.0 / 32_768.0,
        1.0 / 8_388_608.0,
        1.0 / 2_147_483_648.0,
    ];
    // COMPLEX: 24-bit signed mantissa in the top bits, radix in bits 4-5, unit in 0-3.
    let complex = || {
        let mantissa = (data & 0xffff_ff00) as i32 as f32;
        let radix = RADIX_MULTS
            .get(((data >> 4) & 3) as usize)
            .copied()
            .unwrap_or(1.0);
        (mantissa * radix, data & 0xf)
    };
    match data_type {
        0x00 => Value::Null { empty: data == 1 },
        0x01 | 0x07 => Value::Reference(data),
        0x02 | 0x08 => Value::AttributeRef(data),
        0x03 => match string(data) {
            Some(s) => Value::String(s),
            None => Value::Other { data_type, data },
        },
        0x04 => Value::Float(f32::from_bits(data)),
        0x05 => {
            let (value, unit) = complex();
            let unit = match unit {
                0 => "px",
                1 => "dip",
                2 => "sp",
                3 => "pt",
                4 => "in",
                5 => "mm",
                _ => "?",
            };
            Value::Dimension { value, unit }
        }
        0x06 => {
            let (value, unit) = complex();
            let unit = if unit == 1 { "%p" } else { "%" };
            Value::Fraction {
                value: value * 100.0,
                unit,
            }
        }
        0x10 => Value::Int(data as i32),
        0x11 => Value::IntHex(data),
        0x12 => Value::Bool(data != 0),
        0x1c => Value::Color(format!("#{data:08x}")),
        0x1d => Value::Color(format!("#{:06x}", data & 0x00ff_ffff)),
        0x1e => Value::Color(format!(
            "#{:x}{:x}{:x}{:x}",
            (data >> 28) & 0xf,
            (data >> 20) & 0xf,
            (data >> 12) & 0xf,
            (data >> 4) & 0xf
        )),
        0x1f => Value::Color(format!(
            "#{:x}{:x}{:x}",
            (data >> 20) & 0xf,
            (data >> 12) & 0xf,
            (data >> 4) & 0xf
        )),
        _ => Value::Other { data_type, data },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds AXML by hand from AOSP `ResourceTypes.h` layouts.
    struct Builder {
        strings: Vec<String>,
        res_ids: Vec<u32>,
        nodes: Vec<u8>,
    }

    fn chunk(kind: u16, header_size: u16, body_after_header: &[u8], header_rest: &[u8]) -> Vec<u8> {
        let size = 8 + header_rest.len() + body_after_header.len();
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&header_size.to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        out.extend_from_slice(header_rest);
        out.extend_from_slice(body_after_header);
        out
    }

    impl Builder {
        fn new(strings: &[&str], res_ids: &[u32]) -> Self {
            Builder {
                strings: strings.iter().map(|s| s.to_string()).collect(),
                res_ids: res_ids.to_vec(),
                nodes: Vec::new(),
            }
        }

        fn node(&mut self, kind: u16, ext: &[u8]) {
            let mut header_rest = Vec::new();
            header_rest.extend_from_slice(&1u32.to_le_bytes()); // lineNumber
            header_rest.extend_from_slice(&NO_STRING.to_le_bytes()); // comment
            self.nodes.extend(chunk(kind, 16, ext, &header_rest));
        }

        /// `attrs`: (name string index, dataType, data, raw string index)
        fn start(&mut self, name: u32, attrs: &[(u32, u8, u32, u32)]) {
            let mut ext = Vec::new();
            for w in [NO_STRING, name] {
                ext.extend_from_slice(&w.to_le_bytes());
            }
            for h in [20u16, 20, attrs.len() as u16, 0, 0, 0] {
                ext.extend_from_slice(&h.to_le_bytes());
            }
            for &(n, t, d, raw) in attrs {
                for w in [NO_STRING, n, raw] {
                    ext.extend_from_slice(&w.to_le_bytes());
                }
                ext.extend_from_slice(&8u16.to_le_bytes());
                ext.push(0);
                ext.push(t);
                ext.extend_from_slice(&d.to_le_bytes());
            }
            self.node(RES_XML_START_ELEMENT_TYPE, &ext);
        }

        fn end(&mut self, name: u32) {
            let mut ext = Vec::new();
            for w in [NO_STRING, name] {
                ext.extend_from_slice(&w.to_le_bytes());
            }
            self.node(RES_XML_END_ELEMENT_TYPE, &ext);
        }

        fn pool(&self, declared_count: u32) -> Vec<u8> {
            let mut offsets = Vec::new();
            let mut data = Vec::new();
            for s in &self.strings {
                offsets.extend_from_slice(&(data.len() as u32).to_le_bytes());
                let units: Vec<u16> = s.encode_utf16().collect();
                data.extend_from_slice(&(units.len() as u16).to_le_bytes());
                for u in units {
                    data.extend_from_slice(&u.to_le_bytes());
                }
                data.extend_from_slice(&[0, 0]);
            }
            while data.len() % 4 != 0 {
                data.push(0);
            }
            let strings_start = 28 + offsets.len() as u32;
            let mut header_rest = Vec::new();
            for w in [declared_count, 0, 0, strings_start, 0] {
                header_rest.extend_from_slice(&w.to_le_bytes());
            }
            let body = [offsets, data].concat();
            chunk(RES_STRING_POOL_TYPE, 28, &body, &header_rest)
        }

        fn build_with_count(&self, declared_count: u32) -> Vec<u8> {
            let ids: Vec<u8> = self.res_ids.iter().flat_map(|i| i.to_le_bytes()).collect();
            let body = [
                self.pool(declared_count),
                chunk(RES_XML_RESOURCE_MAP_TYPE, 8, &ids, &[]),
                self.nodes.clone(),
            ]
            .concat();
            chunk(RES_XML_TYPE, 8, &body, &[])
        }

        fn build(&self) -> Vec<u8> {
            self.build_with_count(self.strings.len() as u32)
        }
    }

    /// `<manifest package="a.b"><uses-permission android:name="P"/></manifest>` where the
    /// attribute name string is junk and only the resource id says `android:name`.
    fn sample() -> Builder {
        let mut b = Builder::new(
            &["zz", "package", "manifest", "uses-permission", "a.b", "P"],
            &[0x0101_0003],
        );
        b.start(2, &[(1, 0x03, 4, 4)]);
        b.start(3, &[(0, 0x03, 5, 5)]);
        b.end(3);
        b.end(2);
        b
    }

    #[test]
    fn resource_id_wins_over_the_name_string() {
        let doc = parse_axml(&sample().build()).unwrap();
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        let perm = &doc.elements[1];
        assert_eq!(perm.name, "uses-permission");
        let attr = &perm.attributes[0];
        assert_eq!(attr.name, "name");
        assert_eq!(attr.pool_name.as_deref(), Some("zz"));
        assert_eq!(attr.value, Value::String("P".into()));
        let m = crate::Manifest::from_document(&doc);
        assert_eq!(m.package.as_deref(), Some("a.b"));
        assert_eq!(m.uses_permissions[0].name, "P");
    }

    #[test]
    fn string_pool_claiming_2_pow_31_strings_is_capped() {
        let data = sample().build_with_count(1 << 31);
        let doc = parse_axml(&data).unwrap();
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("2147483648 strings")),
            "{:?}",
            doc.warnings
        );
    }

    #[test]
    fn attribute_count_65535_in_a_tiny_chunk_is_capped() {
        let mut b = Builder::new(&["manifest"], &[]);
        b.start(0, &[]);
        let mut data = b.build();
        // attributeCount sits at node + 16 (header) + 12.
        let node = data.len() - (16 + 20);
        data[node + 16 + 12..node + 16 + 14].copy_from_slice(&0xffffu16.to_le_bytes());
        let doc = parse_axml(&data).unwrap();
        assert_eq!(doc.elements[0].attributes.len(), 0);
        assert!(doc.warnings.iter().any(|w| w.contains("65535 attributes")));
        // And with a zero stride, Android's own check passes but nothing is multiplied.
        data[node + 16 + 10..node + 16 + 12].copy_from_slice(&0u16.to_le_bytes());
        let doc = parse_axml(&data).unwrap();
        assert_eq!(doc.elements[0].attributes.len(), 0);
    }

    #[test]
    fn deep_nesting_of_100k_start_tags_is_capped_iteratively() {
        let mut b = Builder::new(&["a"], &[]);
        for _ in 0..100_000 {
            b.start(0, &[]);
        }
        let doc = parse_axml(&b.build()).unwrap();
        assert_eq!(doc.elements.len(), MAX_DEPTH);
        assert!(doc.warnings.iter().any(|w| w.contains("nests deeper")));
        assert!(doc.warnings.iter().any(|w| w.contains("not closed")));
    }

    #[test]
    fn unknown_chunks_are_skipped_and_header_size_honoured() {
        let mut b = sample();
        // An unknown chunk between the first two nodes (the first is 16 + 20 + 20 bytes).
        b.nodes.splice(56..56, chunk(0x0777, 8, &[1, 2, 3, 4], &[]));
        let doc = parse_axml(&b.build()).unwrap();
        assert_eq!(doc.elements.len(), 2);
        assert!(doc.warnings.iter().any(|w| w.contains("0x0777")));

        // An element whose headerSize is 20 (4 extra bytes): the extension moves with it.
        let mut b = Builder::new(&["manifest"], &[]);
        let mut ext = Vec::new();
        for w in [NO_STRING, 0] {
            ext.extend_from_slice(&w.to_le_bytes());
        }
        for h in [20u16, 20, 0, 0, 0, 0] {
            ext.extend_from_slice(&h.to_le_bytes());
        }
        let mut header_rest = vec![0u8; 12];
        header_rest[..4].copy_from_slice(&7u32.to_le_bytes());
        b.nodes
            .extend(chunk(RES_XML_START_ELEMENT_TYPE, 20, &ext, &header_rest));
        let doc = parse_axml(&b.build()).unwrap();
        assert_eq!(doc.elements[0].name, "manifest");
        assert_eq!(doc.elements[0].line, 7);
    }

    #[test]
    fn non_axml_inputs_fail_cleanly() {
        assert!(matches!(parse_axml(b""), Err(AxmlError::Truncated { .. })));
        assert!(parse_axml(b"<?xml version=\"1.0\"?><manifest/>").is_err());
        assert!(parse_axml(&[0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]).is_err());
        let header_only = chunk(RES_XML_TYPE, 8, &[], &[]);
        assert!(matches!(
            parse_axml(&header_only),
            Err(AxmlError::NoRootElement)
        ));
    }

    #[test]
    fn typed_values_render_like_aapt_sources() {
        let none = |_| None;
        assert_eq!(typed_value(0x10, 0xffff_ffff, none).render(), "-1");
        assert_eq!(typed_value(0x11, 0x4a0, none).render(), "0x4a0");
        assert_eq!(typed_value(0x12, 0xffff_ffff, none).render(), "true");
        assert_eq!(typed_value(0x01, 0x7f04_0000, none).render(), "@0x7f040000");
        assert_eq!(typed_value(0x1c, 0xffaa_bbcc, none).render(), "#ffaabbcc");
        assert_eq!(typed_value(0x04, 0x3f80_0000, none).render(), "1.0");
        // test1.xml / test.xml dimensions: 0x101 is 1dip, 0x4d00 is 77px.
        assert_eq!(typed_value(0x05, 0x101, none).render(), "1.0dip");
        assert_eq!(typed_value(0x05, 0x4d00, none).render(), "77.0px");
        assert_eq!(typed_value(0x00, 1, none), Value::Null { empty: true });
    }
}
