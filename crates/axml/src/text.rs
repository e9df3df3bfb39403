//! Text XML manifests (AAR `AndroidManifest.xml`, vendor fragments) read with quick-xml
//! into the same [`AxmlDocument`] as binary ones.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::AxmlError;
use crate::binary::MAX_DEPTH;
use crate::document::{Attribute, AxmlDocument, Element, Namespace, SourceFormat, Value};

/// The URI bound to `xml:` without a declaration.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Parses a text XML document. Placeholders such as `${applicationId}` are kept verbatim.
pub fn parse_text_xml(data: &[u8]) -> Result<AxmlDocument, AxmlError> {
    let mut warnings = Vec::new();
    let text = decode_text(data, &mut warnings);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;

    let mut builder = TextBuilder {
        text: &text,
        elements: Vec::new(),
        namespaces: Vec::new(),
        stack: Vec::new(),
        scopes: Vec::new(),
        dropped_depth: 0,
        line_cursor: (0, 1),
        warnings: &mut warnings,
    };
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| AxmlError::TextXml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(start) => builder.start(&start, position, false),
            Event::Empty(start) => builder.start(&start, position, true),
            Event::End(_) => builder.end(),
            Event::Text(t) => builder.push_text(&t.xml_content(quick_xml::XmlVersion::Implicit1_0)),
            Event::CData(t) => builder.push_text(&t),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => predefined_entity(&r.xml_content(quick_xml::XmlVersion::Implicit1_0))
                        .map(str::to_string),
                };
                if let Some(s) = resolved {
                    builder.push_text(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !builder.stack.is_empty() {
        let open = builder.stack.len();
        builder
            .warnings
            .push(format!("{open} element(s) not closed at end of file"));
    }
    let TextBuilder {
        elements,
        namespaces,
        ..
    } = builder;
    if elements.is_empty() {
        return Err(AxmlError::TextXml {
            position: 0,
            message: "no element found".to_string(),
        });
    }
    Ok(AxmlDocument {
        format: SourceFormat::Text,
        elements,
        namespaces,
        warnings,
    })
}

/// Decodes the bytes to a `String`: UTF-8 (BOM stripped) or UTF-16 with a BOM; invalid
/// sequences become U+FFFD with a warning.
fn decode_text<'a>(data: &'a [u8], warnings: &mut Vec<String>) -> Cow<'a, str> {
    let utf16 = |bytes: &[u8], big_endian: bool| -> Cow<'a, str> {
        let units = bytes.chunks_exact(2).map(|c| {
            let pair = [
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ];
            if big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        Cow::Owned(
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        )
    };
    if let Some(rest) = data.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest);
    }
    if let Some(rest) = data.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, false);
    }
    if let Some(rest) = data.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, true);
    }
    let text = String::from_utf8_lossy(data);
    if matches!(text, Cow::Owned(_)) {
        warnings.push("text manifest is not valid UTF-8; invalid bytes replaced".to_string());
    }
    text
}

fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

struct TextBuilder<'t, 'w> {
    text: &'t str,
    elements: Vec<Element>,
    namespaces: Vec<Namespace>,
    stack: Vec<usize>,
    /// Namespace declarations per open element: (prefix, uri).
    scopes: Vec<Vec<(String, String)>>,
    dropped_depth: usize,
    /// (byte position, 1-based line at that position) of the last line lookup.
    line_cursor: (usize, u32),
    warnings: &'w mut Vec<String>,
}

impl TextBuilder<'_, '_> {
    fn resolve(&self, prefix: &str) -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NS.to_string());
        }
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.clone())
    }

    /// Line number of byte `position`; positions only grow, so counting resumes from
    /// the previous call and the whole document is scanned once.
    fn line_of(&mut self, position: u64) -> u32 {
        let upto = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let (from, line) = self.line_cursor;
        if upto > from {
            let skipped = self.text.as_bytes().get(from..upto).unwrap_or_default();
            let newlines = skipped.iter().filter(|&&b| b == b'\n').count();
            let newlines = u32::try_from(newlines).unwrap_or(u32::MAX);
            self.line_cursor = (upto, line.saturating_add(newlines));
        }
        self.line_cursor.1
    }

    fn start(&mut self, start: &BytesStart<'_>, position: u64, empty: bool) {
        if self.dropped_depth > 0 || self.stack.len() >= MAX_DEPTH {
            if self.dropped_depth == 0 {
                let line = self.line_of(position);
                self.warnings.push(format!(
                    "element at line {line} nests deeper than {MAX_DEPTH}; it and its subtree \
                     are dropped"
                ));
            }
            if !empty {
                self.dropped_depth += 1;
            }
            return;
        }
        let qname = start.name();
        let (prefix, local) = split_qname(qname.as_ref());

        // First pass: namespace declarations on this element apply to itself.
        let mut scope = Vec::new();
        let mut raw_attrs = Vec::new();
        for attr in start.attributes().with_checks(false) {
            let attr = match attr {
                Ok(a) => a,
                Err(e) => {
                    let line = self.line_of(position);
                    self.warnings.push(format!(
                        "<{local}> at line {line}: bad attribute skipped: {e}"
                    ));
                    continue;
                }
            };
            let key = attr.key.as_ref().to_string();
            let value = match attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(_) => attr.value.clone().into_owned(),
            };
            if key == "xmlns" {
                scope.push((String::new(), value.clone()));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                scope.push((p.to_string(), value.clone()));
            }
            raw_attrs.push((key, value));
        }
        for (prefix, uri) in &scope {
            let ns = Namespace {
                prefix: prefix.clone(),
                uri: uri.clone(),
            };
            if !self.namespaces.contains(&ns) {
                self.namespaces.push(ns);
            }
        }
        self.scopes.push(scope);

        let namespace = self.resolve(prefix.unwrap_or(""));
        let attributes = raw_attrs
            .into_iter()
            .filter(|(key, _)| key != "xmlns" && !key.starts_with("xmlns:"))
            .map(|(key, value)| {
                let (attr_prefix, attr_local) = split_qname(&key);
                // Unprefixed attributes have no namespace (XML Namespaces §6.2).
                let namespace = attr_prefix.and_then(|p| self.resolve(p));
                Attribute {
                    name: attr_local.to_string(),
                    namespace,
                    resource_id: None,
                    pool_name: None,
                    value: Value::String(value.clone()),
                    raw: Some(value),
                    res_value: None,
                }
            })
            .collect();

        let parent = self.stack.last().copied();
        let index = self.elements.len();
        let line = self.line_of(position);
        self.elements.push(Element {
            name: local.to_string(),
            namespace: namespace.filter(|n| !n.is_empty()),
            attributes,
            line,
            depth: u32::try_from(self.stack.len()).unwrap_or(u32::MAX),
            parent,
            children: Vec::new(),
            text: String::new(),
        });
        if let Some(p) = parent.and_then(|p| self.elements.get_mut(p)) {
            p.children.push(index);
        }
        if empty {
            self.scopes.pop();
        } else {
            self.stack.push(index);
        }
    }

    fn end(&mut self) {
        if self.dropped_depth > 0 {
            self.dropped_depth -= 1;
            return;
        }
        if self.stack.pop().is_some() {
            self.scopes.pop();
        } else {
            self.warnings
                .push("end tag without an open element ignored".to_string());
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.dropped_depth > 0 || text.trim().is_empty() {
            return;
        }
        if let Some(e) = self.stack.last().and_then(|&i| self.elements.get_mut(i)) {
            e.text.push_str(text.trim());
        }
    }
}

fn split_qname(qname: &str) -> (Option<&str>, &str) {
    match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    }
}
