//! Dalvik Executable (`.dex`) parser.
//!
//! Layout reference: "Dalvik Executable format" (source.android.com). Tables are decoded
//! once at parse time into small index vectors; names are resolved on demand to `&str`
//! borrowed from the input (or from the decoded string table when modified UTF-8 needed
//! re-encoding), so scanning code allocates nothing per instruction.

mod scan;

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::read::{WarningSink, le_u16, le_u32, mutf8, uleb128};
use crate::{ClassDef, CodeContainer, CodeRef, FieldRef, MethodRef, Warning};

/// Size of the header up to and including `data_off`, common to every DEX version.
const HEADER_SIZE: usize = 0x70;
const ENDIAN_CONSTANT: u32 = 0x1234_5678;
/// Marks an absent index (`superclass_idx` of `java.lang.Object`, missing `source_file_idx`).
const NO_INDEX: u32 = u32::MAX;

const TYPE_CALL_SITE_ID_ITEM: u16 = 0x0007;
const TYPE_METHOD_HANDLE_ITEM: u16 = 0x0008;

/// Why a buffer could not be read as a DEX file at all. Problems inside an otherwise
/// readable file are [`Warning`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DexError {
    /// The buffer is shorter than the 0x70-byte header.
    #[error("DEX file too short: {len} bytes, the header alone needs 0x70")]
    TooShort {
        /// Length of the buffer.
        len: usize,
    },
    /// The first eight bytes are not `dex\n` + three digits + NUL.
    #[error("not a DEX file: magic at offset 0 is {found:02x?}, expected \"dex\\n0NN\\0\"")]
    BadMagic {
        /// The eight bytes found.
        found: [u8; 8],
    },
    /// `endian_tag` (offset 0x28) is not the little-endian constant; big-endian DEX files are
    /// not produced by any toolchain and not loaded by Android.
    #[error("unsupported endian_tag {tag:#010x} at offset 0x28 (expected 0x12345678)")]
    BadEndianTag {
        /// The value found.
        tag: u32,
    },
}

/// A `field_id_item` or `method_id_item`: (class type index, type or proto index, name
/// string index).
#[derive(Debug, Clone, Copy)]
struct MemberId {
    class: u16,
    type_or_proto: u16,
    name: u32,
}

#[derive(Debug, Clone, Copy)]
struct RawClassDef {
    class: u32,
    access_flags: u32,
    superclass: u32,
    interfaces_off: u32,
    source_file: u32,
    class_data_off: u32,
}

#[derive(Debug, Clone, Copy)]
struct MethodHandle {
    kind: u16,
    member: u16,
}

/// A parsed DEX file borrowing the input bytes.
#[derive(Debug, Clone)]
pub struct Dex<'a> {
    data: &'a [u8],
    version: u16,
    checksum_valid: bool,
    /// `string_ids` offsets; the strings are decoded on first use (most of a DEX's
    /// strings are never looked at by a class walk, and decoding them all was most of
    /// the parse time).
    string_offsets: Vec<u32>,
    strings: Vec<OnceLock<Option<Cow<'a, str>>>>,
    /// `type_ids`: string index of each type descriptor.
    types: Vec<u32>,
    /// `proto_ids` as full method descriptors, built once.
    /// `proto_ids` as (return type, parameter list offset); the full method
    /// descriptors are built on first use, like the strings.
    proto_ids: Vec<(u32, u32)>,
    protos: Vec<OnceLock<Option<String>>>,
    fields: Vec<MemberId>,
    methods: Vec<MemberId>,
    class_defs: Vec<RawClassDef>,
    call_sites: Vec<u32>,
    method_handles: Vec<MethodHandle>,
    warnings: Vec<Warning>,
}

/// Header fields the parser uses.
struct Header {
    file_size: u32,
    map_off: u32,
    string_ids: (u32, u32),
    type_ids: (u32, u32),
    proto_ids: (u32, u32),
    field_ids: (u32, u32),
    method_ids: (u32, u32),
    class_defs: (u32, u32),
}

impl<'a> Dex<'a> {
    /// Parses a DEX file. Fails only when the header is unusable; every later problem is
    /// recorded in [`Dex::warnings`] and the affected entry is skipped.
    pub fn parse(data: &'a [u8]) -> Result<Dex<'a>, DexError> {
        let header_bytes: &[u8; HEADER_SIZE] = data
            .first_chunk()
            .ok_or(DexError::TooShort { len: data.len() })?;
        let version = parse_magic(header_bytes)?;
        // The header is fully present, so these reads cannot fail.
        let field = |off: usize| le_u32(header_bytes, off).unwrap_or(0);
        let endian_tag = field(0x28);
        if endian_tag != ENDIAN_CONSTANT {
            return Err(DexError::BadEndianTag { tag: endian_tag });
        }
        let header = Header {
            file_size: field(0x20),
            map_off: field(0x34),
            string_ids: (field(0x38), field(0x3c)),
            type_ids: (field(0x40), field(0x44)),
            proto_ids: (field(0x48), field(0x4c)),
            field_ids: (field(0x50), field(0x54)),
            method_ids: (field(0x58), field(0x5c)),
            class_defs: (field(0x60), field(0x64)),
        };
        let mut sink = WarningSink::default();
        check_header(data, version, &header, field(0x24), &mut sink);
        let checksum_valid = checksum_matches(data, header.file_size, field(0x08));
        if !checksum_valid {
            sink.push(
                0x08,
                format_args!(
                    "checksum {:#010x} does not match the file's adler32",
                    field(0x08)
                ),
            );
        }

        let mut dex = Dex {
            data,
            version,
            checksum_valid,
            string_offsets: Vec::new(),
            strings: Vec::new(),
            types: Vec::new(),
            proto_ids: Vec::new(),
            protos: Vec::new(),
            fields: Vec::new(),
            methods: Vec::new(),
            class_defs: Vec::new(),
            call_sites: Vec::new(),
            method_handles: Vec::new(),
            warnings: Vec::new(),
        };
        dex.parse_strings(header.string_ids, &mut sink);
        dex.parse_types(header.type_ids, &mut sink);
        dex.parse_protos(header.proto_ids, &mut sink);
        dex.fields = dex.parse_members(header.field_ids, "field_ids", &mut sink);
        dex.methods = dex.parse_members(header.method_ids, "method_ids", &mut sink);
        dex.parse_class_defs(header.class_defs, &mut sink);
        dex.parse_map(header.map_off, &mut sink);
        dex.warnings = sink.finish();
        Ok(dex)
    }

    /// Format version from the magic, e.g. 35, 38, 39, 41.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Whether the header's adler32 checksum matches the file (a mismatch is also a warning).
    pub fn checksum_valid(&self) -> bool {
        self.checksum_valid
    }

    /// Number of entries in `class_defs` that were kept.
    pub fn class_count(&self) -> usize {
        self.class_defs.len()
    }

    /// Number of entries in `method_ids`.
    pub fn method_id_count(&self) -> usize {
        self.methods.len()
    }

    /// Number of entries in `string_ids`.
    pub fn string_count(&self) -> usize {
        self.strings.len()
    }

    /// String `idx` of `string_ids`, if it exists and decoded.
    pub fn string(&self, idx: u32) -> Option<&str> {
        let idx = usize::try_from(idx).ok()?;
        let off = *self.string_offsets.get(idx)?;
        self.strings
            .get(idx)?
            .get_or_init(|| string_data(self.data, off))
            .as_deref()
    }

    /// Descriptor of type `idx` of `type_ids`.
    pub fn type_descriptor(&self, idx: u32) -> Option<&str> {
        self.string(*self.types.get(usize::try_from(idx).ok()?)?)
    }

    /// Method `idx` of `method_ids`, resolved.
    pub fn method_ref(&self, idx: u32) -> Option<MethodRef<'_>> {
        let id = self.methods.get(usize::try_from(idx).ok()?)?;
        Some(MethodRef {
            class: self.type_descriptor(u32::from(id.class))?,
            name: self.string(id.name)?,
            descriptor: self.proto(usize::from(id.type_or_proto))?,
        })
    }

    /// Field `idx` of `field_ids`, resolved.
    pub fn field_ref(&self, idx: u32) -> Option<FieldRef<'_>> {
        let id = self.fields.get(usize::try_from(idx).ok()?)?;
        Some(FieldRef {
            class: self.type_descriptor(u32::from(id.class))?,
            name: self.string(id.name)?,
            field_type: self.type_descriptor(u32::from(id.type_or_proto))?,
        })
    }

    /// Checks that `count` items of `item_size` bytes starting at `off` lie inside the file;
    /// returns the slice holding the items that do, warning when some do not.
    fn table(
        &self,
        (count, off): (u32, u32),
        item_size: usize,
        name: &'static str,
        sink: &mut WarningSink,
    ) -> &'a [u8] {
        if count == 0 {
            return &[];
        }
        let data: &'a [u8] = self.data;
        let start = usize::try_from(off).unwrap_or(usize::MAX);
        let Some(available) = data.get(start..) else {
            sink.push(
                start,
                format_args!(
                    "{name}: offset {off:#x} is past the end of the file ({:#x} bytes)",
                    data.len()
                ),
            );
            return &[];
        };
        let fitting = available.len() / item_size;
        let wanted = usize::try_from(count).unwrap_or(usize::MAX);
        if wanted > fitting {
            sink.push(
                start,
                format_args!(
                    "{name}: {count} entries of {item_size} bytes do not fit in the file; reading the {fitting} that do"
                ),
            );
        }
        available
            .get(..wanted.min(fitting) * item_size)
            .unwrap_or(&[])
    }

    fn parse_strings(&mut self, table: (u32, u32), sink: &mut WarningSink) {
        let ids = self.table(table, 4, "string_ids", sink);
        let len = self.data.len();
        self.string_offsets = ids
            .chunks_exact(4)
            .enumerate()
            .map(|(idx, id)| {
                let off = le_u32(id, 0).unwrap_or(u32::MAX);
                // Only the cheap check here; a string whose data is cut short is
                // found when (if ever) it is decoded, and reads as missing.
                if usize::try_from(off).map_or(true, |o| o >= len) {
                    sink.push_entry(
                        "string_ids",
                        usize::try_from(off).unwrap_or(usize::MAX),
                        format_args!(
                            "string_ids[{idx}]: string_data at {off:#x} is outside the file"
                        ),
                    );
                }
                off
            })
            .collect();
        self.strings = (0..self.string_offsets.len())
            .map(|_| OnceLock::new())
            .collect();
    }

    fn parse_types(&mut self, table: (u32, u32), sink: &mut WarningSink) {
        let ids = self.table(table, 4, "type_ids", sink);
        let string_count = self.strings.len();
        self.types = ids
            .chunks_exact(4)
            .enumerate()
            .map(|(idx, id)| {
                let string_idx = le_u32(id, 0).unwrap_or(NO_INDEX);
                if usize::try_from(string_idx).map_or(true, |s| s >= string_count) {
                    sink.push_entry("type_ids",
                        (table.1 as usize).saturating_add(idx * 4),
                        format_args!("type_ids[{idx}]: descriptor_idx {string_idx} out of range ({string_count} strings)"),
                    );
                }
                string_idx
            })
            .collect();
    }

    fn parse_protos(&mut self, table: (u32, u32), sink: &mut WarningSink) {
        let ids = self.table(table, 12, "proto_ids", sink);
        let mut protos = Vec::with_capacity(ids.len() / 12);
        for (idx, id) in ids.chunks_exact(12).enumerate() {
            let return_type = le_u32(id, 4).unwrap_or(NO_INDEX);
            let parameters_off = le_u32(id, 8).unwrap_or(0);
            // Cheap structural checks now; the descriptor itself is built on first use.
            let return_ok = usize::try_from(return_type).is_ok_and(|t| t < self.types.len());
            let params_ok = parameters_off == 0 || self.type_list(parameters_off).is_some();
            if !return_ok || !params_ok {
                sink.push_entry("proto_ids",
                    (table.1 as usize).saturating_add(idx * 12),
                    format_args!(
                        "proto_ids[{idx}]: return type {return_type} or parameter list at {parameters_off:#x} is invalid"
                    ),
                );
            }
            protos.push((return_type, parameters_off));
        }
        self.protos = (0..protos.len()).map(|_| OnceLock::new()).collect();
        self.proto_ids = protos;
    }

    /// The method descriptor of proto `idx`, built on first use.
    fn proto(&self, idx: usize) -> Option<&str> {
        let &(return_type, parameters_off) = self.proto_ids.get(idx)?;
        self.protos
            .get(idx)?
            .get_or_init(|| self.proto_descriptor(return_type, parameters_off))
            .as_deref()
    }

    fn proto_descriptor(&self, return_type: u32, parameters_off: u32) -> Option<String> {
        let return_type = self.type_descriptor(return_type)?;
        let mut descriptor = String::with_capacity(16 + return_type.len());
        descriptor.push('(');
        for type_idx in self.type_list(parameters_off)? {
            descriptor.push_str(self.type_descriptor(u32::from(type_idx?))?);
        }
        descriptor.push(')');
        descriptor.push_str(return_type);
        Some(descriptor)
    }

    /// The `type_list` at `off` (0 means empty). `None` if its declared size does not fit;
    /// entries are yielded lazily so a huge size allocates nothing.
    fn type_list(&self, off: u32) -> Option<impl Iterator<Item = Option<u16>> + use<'a>> {
        let data: &'a [u8] = self.data;
        let (start, size) = if off == 0 {
            (0, 0)
        } else {
            let start = usize::try_from(off).ok()?;
            let size = usize::try_from(le_u32(data, start)?).ok()?;
            let needed = size.checked_mul(2)?.checked_add(4)?;
            if data.len().checked_sub(start)? < needed {
                return None;
            }
            (start, size)
        };
        Some((0..size).map(move |i| le_u16(data, start + 4 + i * 2)))
    }

    fn parse_members(
        &self,
        table: (u32, u32),
        name: &'static str,
        sink: &mut WarningSink,
    ) -> Vec<MemberId> {
        let ids = self.table(table, 8, name, sink);
        let (type_limit, what) = if name == "field_ids" {
            (self.types.len(), "type")
        } else {
            (self.proto_ids.len(), "proto")
        };
        ids.chunks_exact(8)
            .enumerate()
            .map(|(idx, id)| {
                let member = MemberId {
                    class: le_u16(id, 0).unwrap_or(u16::MAX),
                    type_or_proto: le_u16(id, 2).unwrap_or(u16::MAX),
                    name: le_u32(id, 4).unwrap_or(NO_INDEX),
                };
                let bad_class = usize::from(member.class) >= self.types.len();
                let bad_type = usize::from(member.type_or_proto) >= type_limit;
                let bad_name = self.string(member.name).is_none();
                if bad_class || bad_type || bad_name {
                    // Kept in place so later indexes still line up; resolution of this entry
                    // returns None.
                    sink.push_entry(
                        name,
                        (table.1 as usize).saturating_add(idx * 8),
                        format_args!(
                            "{name}[{idx}]: class {} / {what} {} / name {} out of range",
                            member.class, member.type_or_proto, member.name
                        ),
                    );
                }
                member
            })
            .collect()
    }

    fn parse_class_defs(&mut self, table: (u32, u32), sink: &mut WarningSink) {
        let defs = self.table(table, 32, "class_defs", sink);
        let mut kept = Vec::with_capacity(defs.len() / 32);
        for (idx, def) in defs.chunks_exact(32).enumerate() {
            let word = |at: usize| le_u32(def, at).unwrap_or(NO_INDEX);
            let offset = (table.1 as usize).saturating_add(idx * 32);
            let mut raw = RawClassDef {
                class: word(0),
                access_flags: word(4),
                superclass: word(8),
                interfaces_off: word(12),
                source_file: word(16),
                class_data_off: word(24),
            };
            if self.type_descriptor(raw.class).is_none() {
                sink.push_entry(
                    "class_defs",
                    offset,
                    format_args!(
                        "class_defs[{idx}]: class_idx {} is not a valid type",
                        raw.class
                    ),
                );
                continue;
            }
            if self.type_list(raw.interfaces_off).is_none() {
                sink.push_entry(
                    "class_defs interfaces",
                    offset,
                    format_args!(
                        "class_defs[{idx}]: interfaces list at {:#x} does not fit",
                        raw.interfaces_off
                    ),
                );
                raw.interfaces_off = 0;
            }
            kept.push(raw);
        }
        self.class_defs = kept;
    }

    /// Reads the optional `map_list` for the two sections only it locates: call sites and
    /// method handles (DEX 038+), needed to resolve `invoke-custom` and method handles.
    fn parse_map(&mut self, map_off: u32, sink: &mut WarningSink) {
        if map_off == 0 {
            return;
        }
        let start = usize::try_from(map_off).unwrap_or(usize::MAX);
        let Some(size) = le_u32(self.data, start) else {
            sink.push(
                start,
                format_args!("map_list at {map_off:#x} is outside the file"),
            );
            return;
        };
        let items = self.table((size, map_off.saturating_add(4)), 12, "map_list", sink);
        for item in items.chunks_exact(12) {
            let kind = le_u16(item, 0).unwrap_or(0);
            let count = le_u32(item, 4).unwrap_or(0);
            let off = le_u32(item, 8).unwrap_or(0);
            match kind {
                TYPE_CALL_SITE_ID_ITEM => {
                    let ids = self.table((count, off), 4, "call_site_ids", sink);
                    self.call_sites = ids
                        .chunks_exact(4)
                        .map(|c| le_u32(c, 0).unwrap_or(u32::MAX))
                        .collect();
                }
                TYPE_METHOD_HANDLE_ITEM => {
                    let handles = self.table((count, off), 8, "method_handles", sink);
                    self.method_handles = handles
                        .chunks_exact(8)
                        .map(|h| MethodHandle {
                            kind: le_u16(h, 0).unwrap_or(u16::MAX),
                            member: le_u16(h, 4).unwrap_or(u16::MAX),
                        })
                        .collect();
                }
                _ => {}
            }
        }
    }

    fn class_def(&self, raw: &RawClassDef, position: usize) -> Option<ClassDef<'_>> {
        let interfaces = self
            .type_list(raw.interfaces_off)
            .into_iter()
            .flatten()
            .filter_map(|t| self.type_descriptor(u32::from(t?)))
            .collect();
        Some(ClassDef {
            descriptor: self.type_descriptor(raw.class)?,
            access_flags: raw.access_flags,
            superclass: if raw.superclass == NO_INDEX {
                None
            } else {
                self.type_descriptor(raw.superclass)
            },
            interfaces,
            source_file: if raw.source_file == NO_INDEX {
                None
            } else {
                self.string(raw.source_file)
            },
            position,
        })
    }
}

fn parse_magic(header: &[u8; HEADER_SIZE]) -> Result<u16, DexError> {
    let magic: [u8; 8] = *header.first_chunk().unwrap_or(&[0; 8]);
    let bad = DexError::BadMagic { found: magic };
    let [b'd', b'e', b'x', b'\n', d0, d1, d2, 0] = magic else {
        return Err(bad);
    };
    if ![d0, d1, d2].iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    Ok(u16::from(d0 - b'0') * 100 + u16::from(d1 - b'0') * 10 + u16::from(d2 - b'0'))
}

fn check_header(
    data: &[u8],
    version: u16,
    header: &Header,
    header_size: u32,
    sink: &mut WarningSink,
) {
    if !(35..=41).contains(&version) {
        sink.push(
            4,
            format_args!(
                "DEX version {version:03} is outside the known range 035..041; parsing as 041"
            ),
        );
    }
    if (header_size as usize) < HEADER_SIZE {
        sink.push(
            0x24,
            format_args!("header_size {header_size:#x} is smaller than 0x70"),
        );
    }
    let file_size = header.file_size as usize;
    if file_size > data.len() {
        sink.push(
            0x20,
            format_args!(
                "file_size {file_size:#x} is larger than the {:#x} bytes present: file truncated",
                data.len()
            ),
        );
    } else if version >= 41 && header_size >= 0x78 {
        // DEX 041 "containers" hold several DEX files back to back; only the first is read.
        let container_size = le_u32(data, 0x70).unwrap_or(0) as usize;
        if container_size > file_size || data.len() > file_size {
            sink.push(
                0x70,
                format_args!(
                    "DEX container of {container_size:#x} bytes holds more than the first DEX ({file_size:#x} bytes); only the first is parsed"
                ),
            );
        }
    } else if file_size < data.len() {
        sink.push(
            0x20,
            format_args!(
                "file_size {file_size:#x} is smaller than the {:#x} bytes present",
                data.len()
            ),
        );
    }
}

/// Whether the adler32 of everything after the checksum field, up to `file_size`, equals
/// `expected`.
fn checksum_matches(data: &[u8], file_size: u32, expected: u32) -> bool {
    let end = (file_size as usize).min(data.len());
    data.get(12..end)
        .is_some_and(|covered| adler32(covered) == expected)
}

fn adler32(bytes: &[u8]) -> u32 {
    let mut hash = simd_adler32::Adler32::new();
    hash.write(bytes);
    hash.finish()
}

/// Decodes the `string_data_item` at `off`: a uleb128 UTF-16 length, then modified UTF-8
/// up to a NUL byte.
fn string_data(data: &[u8], off: u32) -> Option<Cow<'_, str>> {
    let mut pos = usize::try_from(off).ok()?;
    uleb128(data, &mut pos)?;
    let rest = data.get(pos..)?;
    let len = memchr::memchr(0, rest)?;
    Some(mutf8(rest.get(..len)?))
}

impl CodeContainer for Dex<'_> {
    fn classes(&self) -> impl Iterator<Item = ClassDef<'_>> {
        self.class_defs
            .iter()
            .enumerate()
            .filter_map(|(position, raw)| self.class_def(raw, position))
    }

    fn method_refs(&self) -> impl Iterator<Item = MethodRef<'_>> {
        (0..self.methods.len()).filter_map(|idx| self.method_ref(u32::try_from(idx).ok()?))
    }

    fn field_refs(&self) -> impl Iterator<Item = FieldRef<'_>> {
        (0..self.fields.len()).filter_map(|idx| self.field_ref(u32::try_from(idx).ok()?))
    }

    fn strings(&self) -> impl Iterator<Item = &str> {
        (0..self.string_offsets.len()).filter_map(|i| self.string(u32::try_from(i).ok()?))
    }

    fn for_each_code_ref<'d, F>(&'d self, mut visit: F) -> Vec<Warning>
    where
        F: FnMut(&crate::CallSite<'d>, CodeRef<'d>),
    {
        let mut sink = WarningSink::default();
        for raw in &self.class_defs {
            self.scan_class(raw, &mut visit, &mut sink);
        }
        sink.finish()
    }

    fn for_each_code_ref_in<'d, F>(&'d self, class: &ClassDef<'_>, mut visit: F) -> Vec<Warning>
    where
        F: FnMut(&crate::CallSite<'d>, CodeRef<'d>),
    {
        let mut sink = WarningSink::default();
        // A ClassDef from another file would otherwise select an unrelated class.
        if let Some(raw) = self.class_defs.get(class.position)
            && self.type_descriptor(raw.class) == Some(class.descriptor)
        {
            self.scan_class(raw, &mut visit, &mut sink);
        }
        sink.finish()
    }

    fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests;
