//! JVM class-file (`.class`) parser, as found inside JAR and AAR files.
//!
//! Layout reference: The Java Virtual Machine Specification, chapter 4 ("The class File
//! Format") and chapter 6 (instruction set). Class names are converted to DEX-style
//! descriptors (`com/foo/Bar` becomes `Lcom/foo/Bar;`) once, at parse time, so consumers
//! handle one naming scheme for both formats.

use std::borrow::Cow;

use crate::read::{WarningSink, be_u16, be_u32, mutf8};
use crate::{
    CallSite, ClassDef, CodeContainer, CodeRef, FieldOp, FieldRef, InvokeKind, MethodRef, Warning,
};

const MAGIC: u32 = 0xCAFE_BABE;

/// Why a buffer could not be read as a class file. Problems after the constant pool and
/// class header (members, attributes, bytecode) are [`Warning`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClassFileError {
    /// The first four bytes are not `CAFEBABE`.
    #[error("not a class file: magic {found:#010x}, expected 0xcafebabe")]
    BadMagic {
        /// The value found (0 when fewer than four bytes).
        found: u32,
    },
    /// The file ends inside a structure the rest of the parse depends on.
    #[error("class file truncated in {what} at offset {offset:#x}")]
    Truncated {
        /// The structure being read.
        what: &'static str,
        /// Offset where the read failed.
        offset: usize,
    },
    /// A constant-pool entry has a tag no JVM version defines, so the entries after it
    /// cannot be located.
    #[error("constant pool entry #{index} at offset {offset:#x} has unknown tag {tag}")]
    BadConstantTag {
        /// Constant-pool index of the entry.
        index: u16,
        /// The tag byte.
        tag: u8,
        /// Offset of the tag byte.
        offset: usize,
    },
}

/// One constant-pool entry, with the operands this crate uses.
#[derive(Debug, Clone)]
enum Constant<'a> {
    /// Index 0, the second slot of Long/Double, and kinds whose value is not needed.
    Unused,
    Utf8(Cow<'a, str>),
    Class {
        name: u16,
    },
    String {
        utf8: u16,
    },
    Fieldref {
        class: u16,
        name_and_type: u16,
    },
    Methodref {
        class: u16,
        name_and_type: u16,
    },
    InterfaceMethodref {
        class: u16,
        name_and_type: u16,
    },
    NameAndType {
        name: u16,
        descriptor: u16,
    },
    MethodHandle {
        kind: u8,
        reference: u16,
    },
    InvokeDynamic {
        bootstrap: u16,
    },
}

#[derive(Debug, Clone)]
struct Method {
    name: u16,
    descriptor: u16,
    /// Byte range of the bytecode inside the file.
    code: Option<(usize, usize)>,
}

/// A `BootstrapMethods` entry: method-handle constant and where its `u16` arguments start.
#[derive(Debug, Clone, Copy)]
struct Bootstrap {
    method_handle: u16,
    args_offset: usize,
    arg_count: u16,
}

/// A parsed JVM class file borrowing the input bytes.
#[derive(Debug, Clone)]
pub struct ClassFile<'a> {
    data: &'a [u8],
    major_version: u16,
    constants: Vec<Constant<'a>>,
    /// DEX-style descriptor of every `Class` constant, by constant-pool index.
    class_descriptors: Vec<Option<Cow<'a, str>>>,
    access_flags: u16,
    this_class: u16,
    super_class: u16,
    interfaces: Vec<u16>,
    source_file: Option<u16>,
    methods: Vec<Method>,
    bootstraps: Vec<Bootstrap>,
    warnings: Vec<Warning>,
}

/// Sequential big-endian reader that names what it was reading when it runs out.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn u8(&mut self, what: &'static str) -> Result<u8, ClassFileError> {
        let byte = *self.data.get(self.pos).ok_or(self.truncated(what))?;
        self.pos += 1;
        Ok(byte)
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, ClassFileError> {
        let value = be_u16(self.data, self.pos).ok_or(self.truncated(what))?;
        self.pos += 2;
        Ok(value)
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, ClassFileError> {
        let value = be_u32(self.data, self.pos).ok_or(self.truncated(what))?;
        self.pos += 4;
        Ok(value)
    }
    fn bytes(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], ClassFileError> {
        let data: &'a [u8] = self.data;
        let end = self.pos.checked_add(len).ok_or(self.truncated(what))?;
        let bytes = data.get(self.pos..end).ok_or(self.truncated(what))?;
        self.pos = end;
        Ok(bytes)
    }
    fn truncated(&self, what: &'static str) -> ClassFileError {
        ClassFileError::Truncated {
            what,
            offset: self.pos,
        }
    }
}

impl<'a> ClassFile<'a> {
    /// Parses a class file. Fails when the magic, constant pool or class header is unusable;
    /// problems in fields, methods and attributes are recorded in
    /// [`CodeContainer::warnings`] and the parse keeps what it read.
    pub fn parse(data: &'a [u8]) -> Result<ClassFile<'a>, ClassFileError> {
        let mut cur = Cursor { data, pos: 0 };
        let magic = be_u32(data, 0).unwrap_or(0);
        if magic != MAGIC {
            return Err(ClassFileError::BadMagic { found: magic });
        }
        cur.pos = 4;
        let _minor = cur.u16("version")?;
        let major_version = cur.u16("version")?;
        let constants = parse_constant_pool(&mut cur)?;
        let class_descriptors = constants
            .iter()
            .map(|c| match c {
                Constant::Class { name } => match constants.get(usize::from(*name)) {
                    Some(Constant::Utf8(internal)) => Some(internal_to_descriptor(internal)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let access_flags = cur.u16("access_flags")?;
        let this_class = cur.u16("this_class")?;
        let super_class = cur.u16("super_class")?;
        let interface_count = cur.u16("interfaces_count")?;
        let interfaces = (0..interface_count)
            .map(|_| cur.u16("interfaces"))
            .collect::<Result<Vec<_>, _>>()?;

        let mut class = ClassFile {
            data,
            major_version,
            constants,
            class_descriptors,
            access_flags,
            this_class,
            super_class,
            interfaces,
            source_file: None,
            methods: Vec::new(),
            bootstraps: Vec::new(),
            warnings: Vec::new(),
        };
        let mut sink = WarningSink::default();
        if class.class_descriptor(this_class).is_none() {
            sink.push(
                cur.pos,
                format_args!("this_class #{this_class} is not a Class constant"),
            );
        }
        if let Err(err) = class.parse_members(&mut cur, &mut sink) {
            sink.push(
                cur.pos,
                format_args!("{err}; the rest of the class was not read"),
            );
        }
        class.warnings = sink.finish();
        Ok(class)
    }

    /// Class-file major version (52 = Java 8, 61 = Java 17, ...).
    pub fn major_version(&self) -> u16 {
        self.major_version
    }

    /// Descriptor of the class this file defines, e.g. `Lcom/foo/Bar;`.
    pub fn descriptor(&self) -> Option<&str> {
        self.class_descriptor(self.this_class)
    }

    fn parse_members(
        &mut self,
        cur: &mut Cursor<'a>,
        sink: &mut WarningSink,
    ) -> Result<(), ClassFileError> {
        let field_count = cur.u16("fields_count")?;
        for _ in 0..field_count {
            cur.bytes(6, "field_info")?;
            skip_attributes(cur)?;
        }
        let method_count = cur.u16("methods_count")?;
        for _ in 0..method_count {
            let _access = cur.u16("method_info")?;
            let name = cur.u16("method_info")?;
            let descriptor = cur.u16("method_info")?;
            let mut code = None;
            let attribute_count = cur.u16("method attributes_count")?;
            for _ in 0..attribute_count {
                let attr_name = cur.u16("method attribute")?;
                let len = cur.u32("method attribute")? as usize;
                let body_start = cur.pos;
                let body = cur.bytes(len, "method attribute")?;
                if self.utf8(attr_name) == Some("Code") {
                    // Code: max_stack u2, max_locals u2, code_length u4, code[code_length], ...
                    let code_len = be_u32(body, 4).map(|l| l as usize);
                    match code_len.filter(|&l| l <= body.len().saturating_sub(8)) {
                        Some(code_len) => code = Some((body_start + 8, code_len)),
                        None => sink.push(
                            body_start,
                            format_args!(
                                "Code attribute of method {} is malformed (code_length past the attribute)",
                                self.utf8(name).unwrap_or("?")
                            ),
                        ),
                    }
                }
            }
            self.methods.push(Method {
                name,
                descriptor,
                code,
            });
        }
        let attribute_count = cur.u16("class attributes_count")?;
        for _ in 0..attribute_count {
            let attr_name = cur.u16("class attribute")?;
            let len = cur.u32("class attribute")? as usize;
            let body_start = cur.pos;
            let body = cur.bytes(len, "class attribute")?;
            match self.utf8(attr_name) {
                Some("SourceFile") => self.source_file = be_u16(body, 0),
                Some("BootstrapMethods") => self.parse_bootstraps(body, body_start, sink),
                _ => {}
            }
        }
        if cur.pos != self.data.len() {
            sink.push(
                cur.pos,
                format_args!(
                    "{} trailing bytes after the class file",
                    self.data.len() - cur.pos
                ),
            );
        }
        Ok(())
    }

    fn parse_bootstraps(&mut self, body: &[u8], body_start: usize, sink: &mut WarningSink) {
        let count = be_u16(body, 0).unwrap_or(0);
        let mut pos = 2usize;
        for idx in 0..count {
            let (Some(method_handle), Some(arg_count)) = (be_u16(body, pos), be_u16(body, pos + 2))
            else {
                sink.push(
                    body_start + pos,
                    format_args!("BootstrapMethods[{idx}] is truncated"),
                );
                return;
            };
            let args_end = pos + 4 + usize::from(arg_count) * 2;
            if args_end > body.len() {
                sink.push(
                    body_start + pos,
                    format_args!("BootstrapMethods[{idx}] arguments run past the attribute"),
                );
                return;
            }
            self.bootstraps.push(Bootstrap {
                method_handle,
                args_offset: body_start + pos + 4,
                arg_count,
            });
            pos = args_end;
        }
    }

    fn constant(&self, idx: u16) -> Option<&Constant<'a>> {
        self.constants.get(usize::from(idx))
    }

    fn utf8(&self, idx: u16) -> Option<&str> {
        match self.constant(idx)? {
            Constant::Utf8(text) => Some(text),
            _ => None,
        }
    }

    fn class_descriptor(&self, idx: u16) -> Option<&str> {
        self.class_descriptors.get(usize::from(idx))?.as_deref()
    }

    fn name_and_type(&self, idx: u16) -> Option<(&str, &str)> {
        match self.constant(idx)? {
            Constant::NameAndType { name, descriptor } => {
                Some((self.utf8(*name)?, self.utf8(*descriptor)?))
            }
            _ => None,
        }
    }

    fn method_ref(&self, idx: u16) -> Option<MethodRef<'_>> {
        let (Constant::Methodref {
            class,
            name_and_type,
        }
        | Constant::InterfaceMethodref {
            class,
            name_and_type,
        }) = self.constant(idx)?
        else {
            return None;
        };
        let (name, descriptor) = self.name_and_type(*name_and_type)?;
        Some(MethodRef {
            class: self.class_descriptor(*class)?,
            name,
            descriptor,
        })
    }

    fn field_ref(&self, idx: u16) -> Option<FieldRef<'_>> {
        let Constant::Fieldref {
            class,
            name_and_type,
        } = self.constant(idx)?
        else {
            return None;
        };
        let (name, field_type) = self.name_and_type(*name_and_type)?;
        Some(FieldRef {
            class: self.class_descriptor(*class)?,
            name,
            field_type,
        })
    }

    /// Resolves a `MethodHandle` constant: reference kinds 1-4 name fields, 5-9 methods.
    fn method_handle_ref(&self, idx: u16, invoke: InvokeKind) -> Option<CodeRef<'_>> {
        let Constant::MethodHandle { kind, reference } = self.constant(idx)? else {
            return None;
        };
        let op = match kind {
            1 => FieldOp::InstanceGet, // REF_getField
            2 => FieldOp::StaticGet,   // REF_getStatic
            3 => FieldOp::InstancePut, // REF_putField
            4 => FieldOp::StaticPut,   // REF_putStatic
            5..=9 => {
                return Some(CodeRef::Invoke {
                    invoke,
                    method: self.method_ref(*reference)?,
                });
            }
            _ => return None,
        };
        Some(CodeRef::Field {
            op,
            field: self.field_ref(*reference)?,
        })
    }

    fn scan_method<'d, F>(&'d self, method: &Method, visit: &mut F, sink: &mut WarningSink)
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        let Some((code_start, code_len)) = method.code else {
            return;
        };
        let (Some(class), Some(name), Some(descriptor)) = (
            self.descriptor(),
            self.utf8(method.name),
            self.utf8(method.descriptor),
        ) else {
            sink.push(
                code_start,
                format_args!("method with code has an unresolvable class, name or descriptor"),
            );
            return;
        };
        let code = self
            .data
            .get(code_start..code_start + code_len)
            .unwrap_or(&[]);
        let mut site = CallSite {
            class,
            method: name,
            descriptor,
            offset: 0,
        };
        let mut pc = 0usize;
        while let Some(&opcode) = code.get(pc) {
            let Some(len) = instruction_len(code, pc) else {
                sink.push(
                    code_start + pc,
                    format_args!(
                        "{class}->{name}{descriptor} at {pc}: opcode {opcode:#04x} is undefined or its operands are malformed; rest of the method not scanned"
                    ),
                );
                return;
            };
            if pc.checked_add(len).is_none_or(|end| end > code.len()) {
                sink.push(
                    code_start + pc,
                    format_args!("{class}->{name}{descriptor} at {pc}: instruction {opcode:#04x} is cut off by the end of the code"),
                );
                return;
            }
            site.offset = u32::try_from(pc).unwrap_or(u32::MAX);
            let index = be_u16(code, pc + 1).unwrap_or(0);
            let resolved = match opcode {
                0x12 | 0x13 => {
                    let idx = if opcode == 0x12 {
                        code.get(pc + 1).map_or(0, |&b| u16::from(b))
                    } else {
                        index
                    };
                    // ldc also loads numbers, classes and method types; only strings and
                    // method handles are references we report.
                    match self.constant(idx) {
                        Some(Constant::String { utf8 }) => Some(
                            self.utf8(*utf8)
                                .map(|value| visit(&site, CodeRef::String { value }))
                                .is_some(),
                        ),
                        Some(Constant::MethodHandle { .. }) => {
                            let handle = self.method_handle_ref(idx, InvokeKind::Handle);
                            Some(handle.map(|r| visit(&site, r)).is_some())
                        }
                        Some(_) => None,
                        None => Some(false),
                    }
                }
                0xb2..=0xb5 => {
                    let op = match opcode {
                        0xb2 => FieldOp::StaticGet,
                        0xb3 => FieldOp::StaticPut,
                        0xb4 => FieldOp::InstanceGet,
                        _ => FieldOp::InstancePut,
                    };
                    Some(
                        self.field_ref(index)
                            .map(|field| visit(&site, CodeRef::Field { op, field }))
                            .is_some(),
                    )
                }
                0xb6..=0xb9 => {
                    let invoke = match opcode {
                        0xb6 => InvokeKind::Virtual,
                        0xb7 => InvokeKind::Special,
                        0xb8 => InvokeKind::Static,
                        _ => InvokeKind::Interface,
                    };
                    Some(
                        self.method_ref(index)
                            .map(|method| visit(&site, CodeRef::Invoke { invoke, method }))
                            .is_some(),
                    )
                }
                0xba => Some(self.visit_invokedynamic(index, &site, visit)),
                _ => None,
            };
            if resolved == Some(false) {
                sink.push(
                    code_start + pc,
                    format_args!(
                        "{class}->{name}{descriptor} at {pc}: opcode {opcode:#04x} refers to constant #{index} that does not resolve"
                    ),
                );
            }
            pc += len;
        }
    }

    /// Reports the bootstrap method of an `invokedynamic` (as [`InvokeKind::Dynamic`]) and its
    /// method-handle arguments (as [`InvokeKind::Handle`]: a lambda body or a method
    /// reference such as `TelephonyManager::getDeviceId`).
    fn visit_invokedynamic<'d, F>(&'d self, idx: u16, site: &CallSite<'d>, visit: &mut F) -> bool
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        let Some(Constant::InvokeDynamic { bootstrap }) = self.constant(idx) else {
            return false;
        };
        let Some(entry) = self.bootstraps.get(usize::from(*bootstrap)) else {
            return false;
        };
        let Some(bootstrap_ref) = self.method_handle_ref(entry.method_handle, InvokeKind::Dynamic)
        else {
            return false;
        };
        visit(site, bootstrap_ref);
        for arg in 0..usize::from(entry.arg_count) {
            let arg_idx = be_u16(self.data, entry.args_offset + arg * 2).unwrap_or(0);
            if let Some(handle) = self.method_handle_ref(arg_idx, InvokeKind::Handle) {
                visit(site, handle);
            }
        }
        true
    }
}

fn parse_constant_pool<'a>(cur: &mut Cursor<'a>) -> Result<Vec<Constant<'a>>, ClassFileError> {
    let count = cur.u16("constant_pool_count")?;
    // Every entry takes at least three bytes, which bounds the allocation by the input.
    let capacity = usize::from(count).min(cur.data.len().saturating_sub(cur.pos) / 3 + 1);
    let mut constants = Vec::with_capacity(capacity);
    constants.push(Constant::Unused);
    let mut index: u16 = 1;
    while index < count {
        let tag_offset = cur.pos;
        let tag = cur.u8("constant pool")?;
        let mut slots = 1;
        let constant = match tag {
            1 => {
                let len = cur.u16("Utf8 constant")?;
                Constant::Utf8(mutf8(cur.bytes(usize::from(len), "Utf8 constant")?))
            }
            3 | 4 => {
                cur.bytes(4, "Integer/Float constant")?;
                Constant::Unused
            }
            5 | 6 => {
                // Long and Double take two constant-pool slots (JVMS 4.4.5).
                cur.bytes(8, "Long/Double constant")?;
                slots = 2;
                Constant::Unused
            }
            7 => Constant::Class {
                name: cur.u16("Class constant")?,
            },
            8 => Constant::String {
                utf8: cur.u16("String constant")?,
            },
            9..=11 => {
                let class = cur.u16("member reference constant")?;
                let name_and_type = cur.u16("member reference constant")?;
                match tag {
                    9 => Constant::Fieldref {
                        class,
                        name_and_type,
                    },
                    10 => Constant::Methodref {
                        class,
                        name_and_type,
                    },
                    _ => Constant::InterfaceMethodref {
                        class,
                        name_and_type,
                    },
                }
            }
            12 => Constant::NameAndType {
                name: cur.u16("NameAndType constant")?,
                descriptor: cur.u16("NameAndType constant")?,
            },
            15 => Constant::MethodHandle {
                kind: cur.u8("MethodHandle constant")?,
                reference: cur.u16("MethodHandle constant")?,
            },
            16 | 19 | 20 => {
                // MethodType, Module, Package: one u2 operand.
                cur.u16("MethodType/Module/Package constant")?;
                Constant::Unused
            }
            17 => {
                // Dynamic (condy): a computed constant, not a call.
                cur.bytes(4, "Dynamic constant")?;
                Constant::Unused
            }
            18 => {
                let bootstrap = cur.u16("InvokeDynamic constant")?;
                cur.u16("InvokeDynamic constant")?;
                Constant::InvokeDynamic { bootstrap }
            }
            _ => {
                return Err(ClassFileError::BadConstantTag {
                    index,
                    tag,
                    offset: tag_offset,
                });
            }
        };
        constants.push(constant);
        if slots == 2 {
            constants.push(Constant::Unused);
        }
        index = index.saturating_add(slots);
    }
    Ok(constants)
}

fn skip_attributes(cur: &mut Cursor<'_>) -> Result<(), ClassFileError> {
    let count = cur.u16("attributes_count")?;
    for _ in 0..count {
        cur.u16("attribute")?;
        let len = cur.u32("attribute")? as usize;
        cur.bytes(len, "attribute")?;
    }
    Ok(())
}

/// `com/foo/Bar` to `Lcom/foo/Bar;`; array classes (`[Ljava/lang/String;`) already are
/// descriptors.
fn internal_to_descriptor<'a>(internal: &Cow<'a, str>) -> Cow<'a, str> {
    if internal.starts_with('[') {
        internal.clone()
    } else {
        Cow::Owned(format!("L{internal};"))
    }
}

/// Fixed instruction lengths in bytes (opcode included), JVMS chapter 6. 0 marks opcodes
/// that are variable-length (handled by [`instruction_len`]) or undefined.
const JVM_LEN: [u8; 256] = {
    let mut len = [1u8; 256];
    len[0x10] = 2; // bipush
    len[0x11] = 3; // sipush
    len[0x12] = 2; // ldc
    len[0x13] = 3; // ldc_w
    len[0x14] = 3; // ldc2_w
    let mut op = 0x15; // iload .. aload
    while op <= 0x19 {
        len[op] = 2;
        op += 1;
    }
    op = 0x36; // istore .. astore
    while op <= 0x3a {
        len[op] = 2;
        op += 1;
    }
    len[0x84] = 3; // iinc
    op = 0x99; // if<cond>, if_icmp<cond>, if_acmp<cond>, goto, jsr
    while op <= 0xa8 {
        len[op] = 3;
        op += 1;
    }
    len[0xa9] = 2; // ret
    len[0xaa] = 0; // tableswitch
    len[0xab] = 0; // lookupswitch
    op = 0xb2; // getstatic .. invokestatic
    while op <= 0xb8 {
        len[op] = 3;
        op += 1;
    }
    len[0xb9] = 5; // invokeinterface
    len[0xba] = 5; // invokedynamic
    len[0xbb] = 3; // new
    len[0xbc] = 2; // newarray
    len[0xbd] = 3; // anewarray
    len[0xc0] = 3; // checkcast
    len[0xc1] = 3; // instanceof
    len[0xc4] = 0; // wide
    len[0xc5] = 4; // multianewarray
    len[0xc6] = 3; // ifnull
    len[0xc7] = 3; // ifnonnull
    len[0xc8] = 5; // goto_w
    len[0xc9] = 5; // jsr_w
    // 0xca breakpoint and 0xfe/0xff impdep are reserved and never appear in class files;
    // 0xcb..0xfd are unassigned.
    op = 0xca;
    while op <= 0xff {
        len[op] = 0;
        op += 1;
    }
    len
};

/// Length in bytes of the instruction at `pc`, or `None` for undefined opcodes and
/// malformed variable-length instructions. The caller checks it against the code length.
fn instruction_len(code: &[u8], pc: usize) -> Option<usize> {
    let opcode = *code.get(pc)?;
    match opcode {
        0xaa | 0xab => {
            // Operands start at the next multiple of four from the start of the code.
            let base = (pc + 4) & !3;
            let int = |at: usize| be_u32(code, base + at).map(|v| i64::from(v as i32));
            let entries = if opcode == 0xaa {
                let (low, high) = (int(4)?, int(8)?);
                if high < low {
                    return None;
                }
                // default, low, high, then (high - low + 1) offsets
                3 + (high - low + 1)
            } else {
                let pairs = int(4)?;
                if pairs < 0 {
                    return None;
                }
                // default, npairs, then npairs (match, offset) pairs
                2 + pairs * 2
            };
            usize::try_from(entries)
                .ok()?
                .checked_mul(4)?
                .checked_add(base - pc)
        }
        0xc4 => match *code.get(pc + 1)? {
            0x84 => Some(6),                             // wide iinc
            0x15..=0x19 | 0x36..=0x3a | 0xa9 => Some(4), // wide load/store/ret
            _ => None,
        },
        _ => match JVM_LEN[usize::from(opcode)] {
            0 => None,
            len => Some(usize::from(len)),
        },
    }
}

impl CodeContainer for ClassFile<'_> {
    fn classes(&self) -> impl Iterator<Item = ClassDef<'_>> {
        self.descriptor()
            .map(|descriptor| ClassDef {
                descriptor,
                access_flags: u32::from(self.access_flags),
                superclass: self.class_descriptor(self.super_class),
                interfaces: self
                    .interfaces
                    .iter()
                    .filter_map(|&i| self.class_descriptor(i))
                    .collect(),
                source_file: self.source_file.and_then(|idx| self.utf8(idx)),
                position: 0,
            })
            .into_iter()
    }

    fn method_refs(&self) -> impl Iterator<Item = MethodRef<'_>> {
        (0..self.constants.len()).filter_map(|idx| self.method_ref(u16::try_from(idx).ok()?))
    }

    fn field_refs(&self) -> impl Iterator<Item = FieldRef<'_>> {
        (0..self.constants.len()).filter_map(|idx| self.field_ref(u16::try_from(idx).ok()?))
    }

    fn strings(&self) -> impl Iterator<Item = &str> {
        self.constants.iter().filter_map(|c| match c {
            Constant::Utf8(text) => Some(&**text),
            _ => None,
        })
    }

    fn for_each_code_ref<'d, F>(&'d self, mut visit: F) -> Vec<Warning>
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        let mut sink = WarningSink::default();
        for method in &self.methods {
            self.scan_method(method, &mut visit, &mut sink);
        }
        sink.finish()
    }

    fn for_each_code_ref_in<'d, F>(&'d self, class: &ClassDef<'_>, visit: F) -> Vec<Warning>
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>),
    {
        // A class file defines exactly one class.
        if Some(class.descriptor) == self.descriptor() {
            self.for_each_code_ref(visit)
        } else {
            Vec::new()
        }
    }

    fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests;
