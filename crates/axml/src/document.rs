//! The decoded element tree shared by the binary and the text parsers.

use serde::Serialize;

use crate::attrs::{ANDROID_NS, android_attr_id};

/// Where a document came from; it decides how Android attributes are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Compiled binary XML (AXML), as found in an APK.
    Binary,
    /// Plain text XML, as found in an AAR or a vendor's manifest fragment.
    Text,
    /// aapt2 protobuf XML (`XmlNode`), as found in an Android App Bundle.
    Proto,
}

/// A decoded XML document: elements in document order, in one flat arena.
///
/// The arena keeps every walk iterative: a hostile file cannot make a consumer recurse.
#[derive(Debug, Clone, Serialize)]
pub struct AxmlDocument {
    /// Binary or text source.
    pub format: SourceFormat,
    /// Every element in document order; `elements[i].parent` / `children` index into it.
    pub elements: Vec<Element>,
    /// Namespace declarations in document order (prefix, uri).
    pub namespaces: Vec<Namespace>,
    /// Tolerated anomalies, each naming the offset or element concerned.
    pub warnings: Vec<String>,
}

/// One namespace declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Namespace {
    /// Prefix (may be empty).
    pub prefix: String,
    /// Namespace URI (may be empty).
    pub uri: String,
}

/// One element.
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    /// Local name as stored in the file (for a text document, the part after any prefix).
    pub name: String,
    /// Namespace URI of the element, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Attributes in file order.
    pub attributes: Vec<Attribute>,
    /// Source line: the node's `lineNumber` in binary XML, the text line in text XML.
    pub line: u32,
    /// Nesting depth, 0 for a top-level element.
    pub depth: u32,
    /// Index of the parent element in [`AxmlDocument::elements`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Indices of the child elements, in order.
    pub children: Vec<usize>,
    /// Character data directly inside the element (CDATA chunks / text), concatenated.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// One attribute.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// Effective name: the Android attribute name when the resource id is a known
    /// `android:` attribute (this is what Android matches on), else the name in the file.
    pub name: String,
    /// Namespace URI as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Attribute resource id from the resource map (binary only), e.g. `0x01010003`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<u32>,
    /// The name string in the file when it differs from `name` (packers blank or fake it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_name: Option<String>,
    /// Typed value (`Res_value` in binary XML; always a string in text XML).
    pub value: Value,
    /// The raw string value (`rawValue` in binary XML), if one is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The undecoded `Res_value` as (dataType, data), binary XML only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub res_value: Option<(u8, u32)>,
}

/// A typed attribute value, following `Res_value` data types.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// A string (TYPE_STRING, or any text XML value).
    String(String),
    /// A resource reference `@0x7f...` (TYPE_REFERENCE / TYPE_DYNAMIC_REFERENCE).
    Reference(u32),
    /// A theme attribute reference `?0x...` (TYPE_ATTRIBUTE / TYPE_DYNAMIC_ATTRIBUTE).
    AttributeRef(u32),
    /// A decimal integer (TYPE_INT_DEC).
    Int(i32),
    /// A hexadecimal integer (TYPE_INT_HEX), e.g. flag sets.
    IntHex(u32),
    /// A boolean (TYPE_INT_BOOLEAN; any non-zero data is true).
    Bool(bool),
    /// A float (TYPE_FLOAT).
    Float(f32),
    /// A dimension with its unit (TYPE_DIMENSION), e.g. `16.0dip`.
    Dimension {
        /// Numeric part.
        value: f32,
        /// Unit: px, dip, sp, pt, in, mm.
        unit: &'static str,
    },
    /// A fraction with its unit (TYPE_FRACTION), e.g. `50.0%`.
    Fraction {
        /// Numeric part, in percent.
        value: f32,
        /// `%` or `%p`.
        unit: &'static str,
    },
    /// A color (TYPE_INT_COLOR_*), rendered `#aarrggbb` / `#rrggbb` / `#argb` / `#rgb`.
    Color(String),
    /// TYPE_NULL: data 0 is "undefined", 1 is "empty".
    Null {
        /// True for the explicit empty value.
        empty: bool,
    },
    /// Any other data type (kept for evidence).
    Other {
        /// The `dataType` byte.
        data_type: u8,
        /// The `data` word.
        data: u32,
    },
}

impl Value {
    /// Renders the value the way a manifest author would write it.
    pub fn render(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Reference(id) => format!("@0x{id:08x}"),
            Value::AttributeRef(id) => format!("?0x{id:08x}"),
            Value::Int(i) => i.to_string(),
            Value::IntHex(u) => format!("0x{u:x}"),
            Value::Bool(b) => b.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Dimension { value, unit } | Value::Fraction { value, unit } => {
                format!("{}{unit}", format_float(*value))
            }
            Value::Color(c) => c.clone(),
            Value::Null { empty } => {
                if *empty {
                    String::new()
                } else {
                    "@null".to_string()
                }
            }
            Value::Other { data_type, data } => format!("(type 0x{data_type:x})0x{data:x}"),
        }
    }

    /// The value as a boolean, the way Android's `TypedArray.getBoolean` reads it
    /// (a string "true"/"false" from a text manifest is accepted too).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::IntHex(u) => Some(*u != 0),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value as an integer, when it is one (a decimal or hex string from a text
    /// manifest is accepted too).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(i64::from(*i)),
            Value::IntHex(u) => Some(i64::from(*u)),
            Value::String(s) => {
                let s = s.trim();
                if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                    i64::from_str_radix(hex, 16).ok()
                } else {
                    s.parse().ok()
                }
            }
            _ => None,
        }
    }
}

/// Integral floats keep one decimal (`16.0`) so they still read as floats.
fn format_float(f: f32) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

impl Element {
    /// Looks up an `android:` attribute the way Android does.
    ///
    /// In a binary document Android's `TypedArray` matches attributes by resource id
    /// only: an attribute whose name string says `name` but has no (or another) id is
    /// invisible to it, and one with id `0x01010003` is `android:name` whatever its name
    /// string says. In a text document there are no ids, so the android namespace and
    /// local name are matched.
    pub fn android_attr(&self, format: SourceFormat, name: &str) -> Option<&Attribute> {
        match format {
            SourceFormat::Binary => {
                let id = android_attr_id(name)?;
                self.attributes.iter().find(|a| a.resource_id == Some(id))
            }
            SourceFormat::Text => self
                .attributes
                .iter()
                .find(|a| a.namespace.as_deref() == Some(ANDROID_NS) && a.name == name),
            // aapt2 links android attributes to their ids, which bundletool keeps when
            // it builds the APK: match by id, and by name only an attribute without one.
            SourceFormat::Proto => {
                let id = android_attr_id(name);
                id.and_then(|id| self.attributes.iter().find(|a| a.resource_id == Some(id)))
                    .or_else(|| {
                        self.attributes.iter().find(|a| {
                            a.resource_id.is_none()
                                && a.namespace.as_deref() == Some(ANDROID_NS)
                                && a.name == name
                        })
                    })
            }
        }
    }

    /// Looks up an attribute without namespace (e.g. `package` on `<manifest>`).
    ///
    /// Android reads these with `getAttributeValue(null, name)`, which compares the name
    /// string in the file and requires the attribute to have no namespace at all; the
    /// resource id plays no part.
    pub fn plain_attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.pool_name.as_deref().unwrap_or(&a.name) == name)
    }
}

impl AxmlDocument {
    /// The first top-level element (Android reads the manifest from it).
    pub fn root(&self) -> Option<&Element> {
        self.elements.iter().find(|e| e.parent.is_none())
    }

    /// Index of the first top-level element.
    pub fn root_index(&self) -> Option<usize> {
        self.elements.iter().position(|e| e.parent.is_none())
    }

    /// The children of element `index` (empty for an out-of-range index).
    pub fn children(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> + '_ {
        self.elements
            .get(index)
            .map(|e| e.children.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.elements.get(i).map(|e| (i, e)))
    }
}
