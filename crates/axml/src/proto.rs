//! aapt2's protobuf XML, the encoding of every XML file in an Android App Bundle
//! (`base/manifest/AndroidManifest.xml`): an `XmlNode` message of aapt2's
//! `Resources.proto` (package `aapt.pb`).
//!
//! The messages below are written from the published field numbers and carry only
//! the fields a manifest reader needs; prost skips every other field. Decoding is
//! prost's, which bounds-checks every length and stops at a nesting depth of 100
//! messages; the element tree is then flattened iteratively into the same
//! [`AxmlDocument`] the binary and text decoders build, with elements deeper than
//! [`MAX_DEPTH`] dropped and the element count capped by [`MAX_PROTO_ELEMENTS`].

use prost::Message;

use crate::AxmlError;
use crate::attrs::android_attr_name;
use crate::binary::{MAX_DEPTH, typed_value};
use crate::document::{Attribute, AxmlDocument, Element, Namespace, SourceFormat, Value};

/// At most this many elements are kept from one protobuf document (a real manifest
/// has a few hundred); the rest are dropped with a warning.
pub const MAX_PROTO_ELEMENTS: usize = 100_000;

/// `XmlNode`: an element or a text chunk.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct XmlNode {
    #[prost(message, optional, tag = "1")]
    pub element: Option<XmlElement>,
    #[prost(string, optional, tag = "2")]
    pub text: Option<String>,
    #[prost(message, optional, tag = "3")]
    pub source: Option<SourcePosition>,
}

/// `SourcePosition`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct SourcePosition {
    #[prost(uint32, optional, tag = "1")]
    pub line_number: Option<u32>,
}

/// `XmlElement`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct XmlElement {
    #[prost(message, repeated, tag = "1")]
    pub namespace_declaration: Vec<XmlNamespace>,
    #[prost(string, optional, tag = "2")]
    pub namespace_uri: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub name: Option<String>,
    #[prost(message, repeated, tag = "4")]
    pub attribute: Vec<XmlAttribute>,
    #[prost(message, repeated, tag = "5")]
    pub child: Vec<XmlNode>,
}

/// `XmlNamespace`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct XmlNamespace {
    #[prost(string, optional, tag = "1")]
    pub prefix: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub uri: Option<String>,
}

/// `XmlAttribute`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct XmlAttribute {
    #[prost(string, optional, tag = "1")]
    pub namespace_uri: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub value: Option<String>,
    #[prost(uint32, optional, tag = "5")]
    pub resource_id: Option<u32>,
    #[prost(message, optional, tag = "6")]
    pub compiled_item: Option<Item>,
}

/// `Item`: one of reference, string, raw string, styled string, file, id, primitive.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Item {
    #[prost(message, optional, tag = "1")]
    pub r#ref: Option<Reference>,
    #[prost(message, optional, tag = "2")]
    pub str: Option<StringValue>,
    #[prost(message, optional, tag = "3")]
    pub raw_str: Option<StringValue>,
    #[prost(message, optional, tag = "4")]
    pub styled_str: Option<StringValue>,
    #[prost(message, optional, tag = "5")]
    pub file: Option<StringValue>,
    #[prost(message, optional, tag = "7")]
    pub prim: Option<Primitive>,
}

/// `Reference` (type 0 = `@`, 1 = `?`).
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Reference {
    #[prost(uint32, optional, tag = "1")]
    pub r#type: Option<u32>,
    #[prost(uint32, optional, tag = "2")]
    pub id: Option<u32>,
    #[prost(string, optional, tag = "3")]
    pub name: Option<String>,
}

/// `String`, `RawString`, `StyledString` and `FileReference` all keep their text in field 1.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct StringValue {
    #[prost(string, optional, tag = "1")]
    pub value: Option<String>,
}

/// `Primitive`: a oneof over the `Res_value` data types.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Primitive {
    #[prost(message, optional, tag = "1")]
    pub null_value: Option<Empty>,
    #[prost(message, optional, tag = "2")]
    pub empty_value: Option<Empty>,
    #[prost(float, optional, tag = "3")]
    pub float_value: Option<f32>,
    #[prost(float, optional, tag = "4")]
    pub dimension_value_deprecated: Option<f32>,
    #[prost(float, optional, tag = "5")]
    pub fraction_value_deprecated: Option<f32>,
    #[prost(int32, optional, tag = "6")]
    pub int_decimal_value: Option<i32>,
    #[prost(uint32, optional, tag = "7")]
    pub int_hexadecimal_value: Option<u32>,
    #[prost(bool, optional, tag = "8")]
    pub boolean_value: Option<bool>,
    #[prost(uint32, optional, tag = "9")]
    pub color_argb8_value: Option<u32>,
    #[prost(uint32, optional, tag = "10")]
    pub color_rgb8_value: Option<u32>,
    #[prost(uint32, optional, tag = "11")]
    pub color_argb4_value: Option<u32>,
    #[prost(uint32, optional, tag = "12")]
    pub color_rgb4_value: Option<u32>,
    #[prost(uint32, optional, tag = "13")]
    pub dimension_value: Option<u32>,
    #[prost(uint32, optional, tag = "14")]
    pub fraction_value: Option<u32>,
}

/// `Primitive.NullType` / `Primitive.EmptyType`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Empty {}

impl Primitive {
    /// The `Res_value` (dataType, data) this primitive stands for, as aapt2 would
    /// write it in binary XML; `None` when no value is set.
    fn res_value(&self) -> Option<(u8, u32)> {
        if self.null_value.is_some() {
            return Some((0x00, 0));
        }
        if self.empty_value.is_some() {
            return Some((0x00, 1));
        }
        let pairs = [
            (0x04, self.float_value.map(f32::to_bits)),
            (0x05, self.dimension_value),
            (0x06, self.fraction_value),
            (0x10, self.int_decimal_value.map(|i| i as u32)),
            (0x11, self.int_hexadecimal_value),
            (
                0x12,
                self.boolean_value.map(|b| if b { 0xffff_ffff } else { 0 }),
            ),
            (0x1c, self.color_argb8_value),
            (0x1d, self.color_rgb8_value),
            (0x1e, self.color_argb4_value),
            (0x1f, self.color_rgb4_value),
        ];
        pairs
            .into_iter()
            .find_map(|(t, v)| v.map(|v| (t, v)))
            .or_else(|| {
                // Pre-2018 aapt2 wrote float dimensions/fractions: not a Res_value; render the number.
                self.dimension_value_deprecated
                    .or(self.fraction_value_deprecated)
                    .map(|f| (0x04, f.to_bits()))
            })
    }
}

/// The attribute value an Android reader sees: the compiled item when there is one,
/// else the raw string.
fn attribute_value(attr: &XmlAttribute) -> (Value, Option<(u8, u32)>) {
    let raw = || Value::String(attr.value.clone().unwrap_or_default());
    let Some(item) = &attr.compiled_item else {
        return (raw(), None);
    };
    if let Some(r) = &item.r#ref {
        let attribute = r.r#type == Some(1);
        return match r.id {
            Some(id) if id != 0 => {
                let value = if attribute {
                    Value::AttributeRef(id)
                } else {
                    Value::Reference(id)
                };
                (value, Some((if attribute { 0x02 } else { 0x01 }, id)))
            }
            // A reference by name only (not linked): keep what the author wrote.
            _ => (raw(), None),
        };
    }
    if let Some(prim) = &item.prim
        && let Some((t, d)) = prim.res_value()
    {
        return (typed_value(t, d, |_| None), Some((t, d)));
    }
    let text = [&item.str, &item.raw_str, &item.styled_str, &item.file]
        .into_iter()
        .flatten()
        .next();
    match text {
        Some(s) => (Value::String(s.value.clone().unwrap_or_default()), None),
        None => (raw(), None),
    }
}

/// Decodes aapt2 protobuf XML (an `XmlNode`) into an [`AxmlDocument`].
///
/// Errors when the bytes are not a protobuf `XmlNode` or the root node is not an
/// element; anything tolerated (deep nesting, too many elements) is a warning.
pub fn parse_proto_xml(data: &[u8]) -> Result<AxmlDocument, AxmlError> {
    let root = XmlNode::decode(data).map_err(|e| AxmlError::Protobuf(e.to_string()))?;
    let Some(root_element) = root.element else {
        return Err(AxmlError::ProtobufNoElement);
    };
    let mut doc = AxmlDocument {
        format: SourceFormat::Proto,
        elements: Vec::new(),
        namespaces: Vec::new(),
        warnings: Vec::new(),
    };
    let root_line = root.source.and_then(|s| s.line_number).unwrap_or(0);
    // (element, parent index, depth, line): an explicit stack, never recursion.
    let mut stack: Vec<(XmlElement, Option<usize>, u32, u32)> =
        vec![(root_element, None, 0, root_line)];
    let mut dropped_deep = false;
    let mut dropped_many = 0usize;
    while let Some((element, parent, depth, line)) = stack.pop() {
        if depth as usize >= MAX_DEPTH {
            if !dropped_deep {
                doc.warnings.push(format!(
                    "element <{}> nests deeper than {MAX_DEPTH}; it and its subtree are dropped",
                    element.name.as_deref().unwrap_or("")
                ));
                dropped_deep = true;
            }
            continue;
        }
        if doc.elements.len() >= MAX_PROTO_ELEMENTS {
            dropped_many += 1;
            continue;
        }
        let index = doc.elements.len();
        if let Some(p) = parent
            && let Some(parent) = doc.elements.get_mut(p)
        {
            parent.children.push(index);
        }
        for ns in &element.namespace_declaration {
            doc.namespaces.push(Namespace {
                prefix: ns.prefix.clone().unwrap_or_default(),
                uri: ns.uri.clone().unwrap_or_default(),
            });
        }
        let attributes = element
            .attribute
            .iter()
            .map(|a| {
                let file_name = a.name.clone().unwrap_or_default();
                let namespace = a.namespace_uri.clone().filter(|n| !n.is_empty());
                // As in binary XML, a known android attribute id names the attribute.
                let known = a
                    .resource_id
                    .filter(|&id| id != 0)
                    .and_then(android_attr_name);
                let (value, res_value) = attribute_value(a);
                Attribute {
                    name: known
                        .map(str::to_owned)
                        .unwrap_or_else(|| file_name.clone()),
                    pool_name: known.filter(|k| *k != file_name).map(|_| file_name.clone()),
                    namespace,
                    resource_id: a.resource_id.filter(|&id| id != 0),
                    value,
                    raw: a.value.clone(),
                    res_value,
                }
            })
            .collect();
        let mut text = String::new();
        // Children are pushed in reverse so they pop (and are numbered) in document order.
        for child in element.child.into_iter().rev() {
            let child_line = child.source.and_then(|s| s.line_number).unwrap_or(0);
            match (child.element, child.text) {
                (Some(e), _) => stack.push((e, Some(index), depth + 1, child_line)),
                (None, Some(t)) => text.insert_str(0, &t),
                (None, None) => {}
            }
        }
        doc.elements.push(Element {
            name: element.name.unwrap_or_default(),
            namespace: element.namespace_uri.filter(|n| !n.is_empty()),
            attributes,
            line,
            depth,
            parent,
            children: Vec::new(),
            text,
        });
    }
    if dropped_many > 0 {
        doc.warnings.push(format!(
            "{dropped_many} elements past the first {MAX_PROTO_ELEMENTS} are dropped"
        ));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ANDROID_NS;

    fn attr(name: &str, id: u32, raw: &str, item: Option<Item>) -> XmlAttribute {
        XmlAttribute {
            namespace_uri: Some(ANDROID_NS.to_owned()),
            name: Some(name.to_owned()),
            value: Some(raw.to_owned()),
            resource_id: Some(id),
            compiled_item: item,
        }
    }

    fn element(name: &str, attribute: Vec<XmlAttribute>, child: Vec<XmlNode>) -> XmlElement {
        XmlElement {
            namespace_declaration: Vec::new(),
            namespace_uri: None,
            name: Some(name.to_owned()),
            attribute,
            child,
        }
    }

    fn node(e: XmlElement) -> XmlNode {
        XmlNode {
            element: Some(e),
            text: None,
            source: None,
        }
    }

    fn prim(p: Primitive) -> Option<Item> {
        Some(Item {
            prim: Some(p),
            ..Default::default()
        })
    }

    #[test]
    fn typed_attributes_become_the_values_binary_xml_holds() {
        let version = attr(
            "versionCode",
            0x0101_021b,
            "37",
            prim(Primitive {
                int_decimal_value: Some(37),
                ..Default::default()
            }),
        );
        let backup = attr(
            "allowBackup",
            0x0101_0280,
            "true",
            prim(Primitive {
                boolean_value: Some(true),
                ..Default::default()
            }),
        );
        let label = attr(
            "label",
            0x0101_0001,
            "@string/app_name",
            Some(Item {
                r#ref: Some(Reference {
                    r#type: None,
                    id: Some(0x7f12_001b),
                    name: Some("string/app_name".into()),
                }),
                ..Default::default()
            }),
        );
        let app = element("application", vec![backup, label], Vec::new());
        let root = element("manifest", vec![version], vec![node(app)]);
        let bytes = node(root).encode_to_vec();
        let doc = parse_proto_xml(&bytes).unwrap();
        assert_eq!(doc.elements.len(), 2);
        assert_eq!(doc.elements[0].children, vec![1]);
        assert_eq!(doc.elements[1].parent, Some(0));
        let m = crate::Manifest::from_document(&doc);
        assert_eq!(m.version_code, Some(crate::NumberOrText::Number(37)));
        let a = m.application.unwrap();
        assert_eq!(a.allow_backup, Some(true));
        assert_eq!(a.label.as_deref(), Some("@0x7f12001b"));
    }

    #[test]
    fn not_protobuf_is_a_clean_error() {
        assert!(matches!(
            parse_proto_xml(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            Err(AxmlError::Protobuf(_))
        ));
        // A valid message with no element: the text node alone.
        let text_only = XmlNode {
            element: None,
            text: Some("x".into()),
            source: None,
        };
        assert!(matches!(
            parse_proto_xml(&text_only.encode_to_vec()),
            Err(AxmlError::ProtobufNoElement)
        ));
    }

    #[test]
    fn nesting_past_prost_limit_is_an_error_not_a_stack_overflow() {
        // Hand-built: 10,000 nested XmlNode{element{child{...}}} levels.
        let mut bytes: Vec<u8> = Vec::new();
        for _ in 0..10_000 {
            let mut element = Vec::new();
            element.push(0x2a); // child = 5, length-delimited
            push_varint(&mut element, bytes.len() as u64);
            element.extend_from_slice(&bytes);
            let mut n = vec![0x0a]; // element = 1
            push_varint(&mut n, element.len() as u64);
            n.extend_from_slice(&element);
            bytes = n;
        }
        assert!(matches!(
            parse_proto_xml(&bytes),
            Err(AxmlError::Protobuf(_))
        ));
    }

    #[test]
    fn element_cap_and_document_order() {
        let kids: Vec<XmlNode> = (0..5)
            .map(|i| node(element(&format!("c{i}"), Vec::new(), Vec::new())))
            .collect();
        let doc =
            parse_proto_xml(&node(element("manifest", Vec::new(), kids)).encode_to_vec()).unwrap();
        let names: Vec<_> = doc.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["manifest", "c0", "c1", "c2", "c3", "c4"]);
        assert!(doc.elements.iter().skip(1).all(|e| e.depth == 1));
    }

    fn push_varint(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
}
