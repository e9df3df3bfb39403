//! Walks `class_data_item`s and `code_item`s and reports the references in the bytecode.

use super::{Dex, RawClassDef};
use crate::read::{WarningSink, le_u16, le_u32, uleb128};
use crate::{CallSite, CodeRef, FieldOp, InvokeKind};

/// Width in 16-bit code units of each opcode, from the "Dalvik bytecode" instruction
/// formats. 0 marks opcodes that are unused in every DEX version (0x3e-0x43, 0x73,
/// 0x79-0x7a, 0xe3-0xf9); `nop` (0x00) is listed as 1 and its payload forms are sized from
/// their headers.
const WIDTH: [u8; 256] = {
    let mut w = [0u8; 256];
    let ranges: [(usize, usize, u8); 36] = [
        (0x00, 0x01, 1), // nop, move
        (0x02, 0x02, 2), // move/from16
        (0x03, 0x03, 3), // move/16
        (0x04, 0x04, 1),
        (0x05, 0x05, 2),
        (0x06, 0x06, 3),
        (0x07, 0x07, 1),
        (0x08, 0x08, 2),
        (0x09, 0x09, 3),
        (0x0a, 0x12, 1), // move-result* .. const/4
        (0x13, 0x13, 2), // const/16
        (0x14, 0x14, 3), // const
        (0x15, 0x16, 2), // const/high16, const-wide/16
        (0x17, 0x17, 3), // const-wide/32
        (0x18, 0x18, 5), // const-wide
        (0x19, 0x1a, 2), // const-wide/high16, const-string
        (0x1b, 0x1b, 3), // const-string/jumbo
        (0x1c, 0x1c, 2), // const-class
        (0x1d, 0x1e, 1), // monitor-enter/exit
        (0x1f, 0x20, 2), // check-cast, instance-of
        (0x21, 0x21, 1), // array-length
        (0x22, 0x23, 2), // new-instance, new-array
        (0x24, 0x26, 3), // filled-new-array[/range], fill-array-data
        (0x27, 0x28, 1), // throw, goto
        (0x29, 0x29, 2), // goto/16
        (0x2a, 0x2c, 3), // goto/32, packed-switch, sparse-switch
        (0x2d, 0x3d, 2), // cmp*, if-*
        (0x44, 0x6d, 2), // aget..sput-short
        (0x6e, 0x72, 3), // invoke-*
        (0x74, 0x78, 3), // invoke-*/range
        (0x7b, 0x8f, 1), // unops
        (0x90, 0xaf, 2), // binops
        (0xb0, 0xcf, 1), // binop/2addr
        (0xd0, 0xe2, 2), // binop/lit16, binop/lit8
        (0xfa, 0xfb, 4), // invoke-polymorphic[/range]
        (0xfc, 0xff, 3), // invoke-custom[/range] (3), const-method-handle/type fixed below
    ];
    let mut r = 0;
    while r < ranges.len() {
        let (first, last, width) = ranges[r];
        let mut op = first;
        while op <= last {
            w[op] = width;
            op += 1;
        }
        r += 1;
    }
    w[0xfe] = 2; // const-method-handle
    w[0xff] = 2; // const-method-type
    w
};

/// Method handle types from the `method_handle_item` table of the format spec.
const HANDLE_STATIC_PUT: u16 = 0x00;
const HANDLE_STATIC_GET: u16 = 0x01;
const HANDLE_INSTANCE_PUT: u16 = 0x02;
const HANDLE_INSTANCE_GET: u16 = 0x03;
const HANDLE_INVOKE_LAST: u16 = 0x08;

const VALUE_METHOD_HANDLE: u8 = 0x16;

impl<'a> Dex<'a> {
    pub(super) fn scan_class<'d, F>(
        &'d self,
        raw: &RawClassDef,
        visit: &mut F,
        sink: &mut WarningSink,
    ) where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        if raw.class_data_off == 0 {
            return;
        }
        let Some(class) = self.type_descriptor(raw.class) else {
            return;
        };
        let data = self.data;
        let start = raw.class_data_off as usize;
        let mut pos = start;
        let truncated = |sink: &mut WarningSink, pos: usize| {
            sink.push(
                pos,
                format_args!(
                    "class_data_item of {class} (at {start:#x}) is truncated or malformed"
                ),
            );
        };
        let mut counts = [0u32; 4];
        for count in &mut counts {
            match uleb128(data, &mut pos) {
                Some(value) => *count = value,
                None => return truncated(sink, pos),
            }
        }
        let [
            static_fields,
            instance_fields,
            direct_methods,
            virtual_methods,
        ] = counts;
        // Each loop iteration consumes at least one byte or stops, so a huge count only
        // costs as many iterations as the file has bytes.
        for _ in 0..u64::from(static_fields) + u64::from(instance_fields) {
            if uleb128(data, &mut pos).is_none() || uleb128(data, &mut pos).is_none() {
                return truncated(sink, pos);
            }
        }
        for count in [direct_methods, virtual_methods] {
            let mut method_idx: u32 = 0;
            for _ in 0..count {
                let (Some(diff), Some(_access), Some(code_off)) = (
                    uleb128(data, &mut pos),
                    uleb128(data, &mut pos),
                    uleb128(data, &mut pos),
                ) else {
                    return truncated(sink, pos);
                };
                let Some(next) = method_idx.checked_add(diff) else {
                    sink.push(
                        pos,
                        format_args!("class_data_item of {class}: method index overflows"),
                    );
                    return;
                };
                method_idx = next;
                if code_off == 0 {
                    continue;
                }
                let Some(method) = self.method_ref(method_idx) else {
                    sink.push(
                        pos,
                        format_args!(
                            "class_data_item of {class}: method_idx {method_idx} does not resolve"
                        ),
                    );
                    continue;
                };
                let mut site = CallSite {
                    class,
                    method: method.name,
                    descriptor: method.descriptor,
                    offset: 0,
                };
                self.scan_code(code_off as usize, &mut site, visit, sink);
            }
        }
    }

    fn scan_code<'d, F>(
        &'d self,
        code_off: usize,
        site: &mut CallSite<'d>,
        visit: &mut F,
        sink: &mut WarningSink,
    ) where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        let data = self.data;
        let Some(insns_size) = le_u32(data, code_off.saturating_add(12)) else {
            sink.push(
                code_off,
                format_args!(
                    "code_item of {}->{} is outside the file",
                    site.class, site.method
                ),
            );
            return;
        };
        let insns_start = code_off.saturating_add(16);
        let insns = (insns_size as usize)
            .checked_mul(2)
            .and_then(|len| data.get(insns_start..insns_start.checked_add(len)?));
        let Some(insns) = insns else {
            sink.push(
                code_off,
                format_args!(
                    "code_item of {}->{}: insns_size {insns_size} runs past the end of the file",
                    site.class, site.method
                ),
            );
            return;
        };
        let units = insns_size as usize;
        let unit = |at: usize| le_u16(insns, at * 2);
        let word = |at: usize| le_u32(insns, at * 2);
        let mut pc = 0usize;
        while let Some(first) = unit(pc) {
            let opcode = (first & 0xff) as u8;
            let width = match opcode {
                0x00 => match payload_width(insns, pc, first >> 8) {
                    Some(width) => width,
                    None => {
                        sink.push(
                            insns_start + pc * 2,
                            format_args!(
                                "{}->{} at {pc:#06x}: payload size runs past the end of the code",
                                site.class, site.method
                            ),
                        );
                        return;
                    }
                },
                _ => usize::from(WIDTH[usize::from(opcode)]),
            };
            if width == 0 {
                sink.push(
                    insns_start + pc * 2,
                    format_args!(
                        "{}->{} at {pc:#06x}: unused opcode {opcode:#04x}; rest of the method not scanned",
                        site.class, site.method
                    ),
                );
                return;
            }
            if pc.checked_add(width).is_none_or(|end| end > units) {
                sink.push(
                    insns_start + pc * 2,
                    format_args!(
                        "{}->{} at {pc:#06x}: instruction {opcode:#04x} is cut off by the end of the code",
                        site.class, site.method
                    ),
                );
                return;
            }
            site.offset = u32::try_from(pc).unwrap_or(u32::MAX);
            // The width check above guarantees the operand units exist.
            let index = unit(pc + 1).map_or(0, u32::from);
            let resolved: Option<bool> = match opcode {
                0x1a => Some(emit(
                    self.string(index).map(|value| CodeRef::String { value }),
                    site,
                    visit,
                )),
                0x1b => {
                    let value = word(pc + 1).and_then(|idx| self.string(idx));
                    Some(emit(
                        value.map(|value| CodeRef::String { value }),
                        site,
                        visit,
                    ))
                }
                0x52..=0x5f => {
                    let op = if opcode < 0x59 {
                        FieldOp::InstanceGet
                    } else {
                        FieldOp::InstancePut
                    };
                    Some(emit(
                        self.field_ref(index)
                            .map(|field| CodeRef::Field { op, field }),
                        site,
                        visit,
                    ))
                }
                0x60..=0x6d => {
                    let op = if opcode < 0x67 {
                        FieldOp::StaticGet
                    } else {
                        FieldOp::StaticPut
                    };
                    Some(emit(
                        self.field_ref(index)
                            .map(|field| CodeRef::Field { op, field }),
                        site,
                        visit,
                    ))
                }
                0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => {
                    let invoke = match opcode {
                        0x6e | 0x74 => InvokeKind::Virtual,
                        0x6f | 0x75 => InvokeKind::Super,
                        0x70 | 0x76 => InvokeKind::Direct,
                        0x71 | 0x77 => InvokeKind::Static,
                        0x72 | 0x78 => InvokeKind::Interface,
                        _ => InvokeKind::Polymorphic,
                    };
                    Some(emit(
                        self.method_ref(index)
                            .map(|method| CodeRef::Invoke { invoke, method }),
                        site,
                        visit,
                    ))
                }
                0xfc | 0xfd => Some(self.visit_call_site(index, site, visit)),
                0xfe => Some(emit(
                    self.method_handle_ref(index, InvokeKind::Handle),
                    site,
                    visit,
                )),
                _ => None,
            };
            if resolved == Some(false) {
                sink.push(
                    insns_start + pc * 2,
                    format_args!(
                        "{}->{} at {pc:#06x}: opcode {opcode:#04x} refers to index {index} that does not resolve",
                        site.class, site.method
                    ),
                );
            }
            pc += width;
        }
    }

    /// Resolves `method_handles[idx]`; method handles become invokes of kind `invoke`, field
    /// handles become field accesses.
    fn method_handle_ref(&self, idx: u32, invoke: InvokeKind) -> Option<CodeRef<'_>> {
        let handle = self.method_handles.get(usize::try_from(idx).ok()?)?;
        let member = u32::from(handle.member);
        let op = match handle.kind {
            HANDLE_STATIC_PUT => FieldOp::StaticPut,
            HANDLE_STATIC_GET => FieldOp::StaticGet,
            HANDLE_INSTANCE_PUT => FieldOp::InstancePut,
            HANDLE_INSTANCE_GET => FieldOp::InstanceGet,
            kind if kind <= HANDLE_INVOKE_LAST => {
                return Some(CodeRef::Invoke {
                    invoke,
                    method: self.method_ref(member)?,
                });
            }
            _ => return None,
        };
        Some(CodeRef::Field {
            op,
            field: self.field_ref(member)?,
        })
    }

    /// Reports the bootstrap method of call site `idx` (as [`InvokeKind::Dynamic`]) and every
    /// method-handle bootstrap argument (as [`InvokeKind::Handle`]: the lambda body or the
    /// method reference). Returns whether the bootstrap method resolved.
    fn visit_call_site<'d, F>(&'d self, idx: u32, site: &CallSite<'d>, visit: &mut F) -> bool
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        let Some(&offset) = usize::try_from(idx)
            .ok()
            .and_then(|i| self.call_sites.get(i))
        else {
            return false;
        };
        let data = self.data;
        let mut pos = offset as usize;
        let Some(size) = uleb128(data, &mut pos) else {
            return false;
        };
        let mut bootstrap_resolved = false;
        // Each value consumes at least its header byte, so `size` is bounded by the file.
        for position in 0..size {
            let Some(&header) = data.get(pos) else { break };
            pos += 1;
            let (value_arg, value_type) = (usize::from(header >> 5), header & 0x1f);
            let value_len = match value_type {
                // NULL and BOOLEAN carry their value in value_arg.
                0x1e | 0x1f => 0,
                // ARRAY and ANNOTATION nest; call sites built by D8 never put them here, and
                // stopping avoids recursion driven by the input.
                0x1c | 0x1d => break,
                _ => value_arg + 1,
            };
            if value_type == VALUE_METHOD_HANDLE {
                let Some(bytes) = data.get(pos..pos + value_len) else {
                    break;
                };
                let handle_idx = bytes
                    .iter()
                    .rev()
                    .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
                let invoke = if position == 0 {
                    InvokeKind::Dynamic
                } else {
                    InvokeKind::Handle
                };
                let resolved = u32::try_from(handle_idx)
                    .ok()
                    .and_then(|handle_idx| self.method_handle_ref(handle_idx, invoke));
                if let Some(code_ref) = resolved {
                    bootstrap_resolved |= position == 0;
                    visit(site, code_ref);
                }
            }
            pos += value_len;
        }
        bootstrap_resolved
    }
}

/// Calls `visit` when `code_ref` resolved; returns whether it did.
fn emit<'d, F>(code_ref: Option<CodeRef<'d>>, site: &CallSite<'d>, visit: &mut F) -> bool
where
    F: FnMut(&CallSite<'d>, CodeRef<'d>),
{
    match code_ref {
        Some(code_ref) => {
            visit(site, code_ref);
            true
        }
        None => false,
    }
}

/// Width in code units of the pseudo-instruction starting at `pc` whose first unit is
/// `0x00` with `ident` in the high byte: the three payload kinds are sized from their
/// headers, anything else is a plain one-unit `nop`. `None` when the header itself is cut
/// off. The caller checks the width against the code size.
fn payload_width(insns: &[u8], pc: usize, ident: u16) -> Option<usize> {
    let unit = |at: usize| le_u16(insns, (pc + at) * 2).map(usize::from);
    match ident {
        // packed-switch-payload: ident, size, first_key (2 units), targets[size] (2 units each)
        0x01 => Some(4 + unit(1)? * 2),
        // sparse-switch-payload: ident, size, keys[size], targets[size]
        0x02 => Some(2 + unit(1)? * 4),
        // fill-array-data-payload: ident, element_width, size (2 units), data rounded up to units
        0x03 => {
            let element_width = u64::from(le_u16(insns, (pc + 1) * 2)?);
            let size = u64::from(le_u32(insns, (pc + 2) * 2)?);
            usize::try_from((element_width * size).div_ceil(2) + 4).ok()
        }
        _ => Some(1),
    }
}
