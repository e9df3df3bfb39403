//! DEX and JVM class-file parsers with code-reference scanning.
//!
//! Both parsers are written for hostile input: every length, offset, count and index read
//! from the file is checked, a bad entry becomes a [`Warning`] and the rest is still parsed,
//! and only a file that cannot be identified at all becomes an error.
//!
//! Consumers see one naming scheme and one scanning shape for both formats:
//!
//! * class names are DEX-style descriptors (`Lcom/foo/Bar;`), method descriptors are JVM
//!   descriptors (`(Ljava/lang/String;)V`);
//! * [`CodeContainer::for_each_code_ref`] calls back once per reference found in code, with
//!   the calling method as a [`CallSite`] and the reference as a [`CodeRef`], all borrowed
//!   from the parsed file (no allocation per instruction).
//!
//! ```no_run
//! use appaudit_dex::{CodeContainer, CodeRef, Dex};
//! # let bytes: Vec<u8> = Vec::new();
//! let dex = Dex::parse(&bytes)?;
//! let warnings = dex.for_each_code_ref(|site, code_ref| {
//!     if let CodeRef::Invoke { method, .. } = code_ref
//!         && method.class == "Landroid/telephony/TelephonyManager;"
//!         && method.name == "getDeviceId"
//!     {
//!         println!("{}->{}{} calls getDeviceId", site.class, site.method, site.descriptor);
//!     }
//! });
//! # Ok::<(), appaudit_dex::DexError>(())
//! ```
#![deny(missing_docs)]

mod class;
mod dex;
mod read;

/// Test helper shared by the DEX and class-file unit tests.
#[cfg(test)]
pub(crate) fn render_code_ref(site: &CallSite<'_>, code_ref: CodeRef<'_>, offset: &str) -> String {
    let at = format!(
        "{}->{}{} {offset}",
        site.class, site.method, site.descriptor
    );
    match code_ref {
        CodeRef::Invoke { invoke, method } => {
            format!(
                "{at} {invoke:?} {}.{}:{}",
                method.class, method.name, method.descriptor
            )
        }
        CodeRef::String { value } => format!("{at} string {value}"),
        CodeRef::Field { op, field } => {
            format!(
                "{at} {op:?} {}.{}:{}",
                field.class, field.name, field.field_type
            )
        }
    }
}

use serde::Serialize;

pub use class::{ClassFile, ClassFileError};
pub use dex::{Dex, DexError};

/// A non-fatal problem found while parsing or scanning: something was skipped, the rest of
/// the file was still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Byte offset in the parsed file where the problem was found.
    pub offset: usize,
    /// What is wrong, naming the structure and index concerned.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at offset {:#x}: {}", self.offset, self.message)
    }
}

/// A class defined (not merely referenced) by a DEX file or class file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassDef<'d> {
    /// Type descriptor, e.g. `Lcom/foo/Bar;`.
    pub descriptor: &'d str,
    /// Access flags as stored (`ACC_PUBLIC` = 0x1, `ACC_INTERFACE` = 0x200, ...).
    pub access_flags: u32,
    /// Superclass descriptor; `None` for `java.lang.Object` (or when unresolvable).
    pub superclass: Option<&'d str>,
    /// Descriptors of the directly implemented interfaces.
    pub interfaces: Vec<&'d str>,
    /// Source file name from the debug information, if present.
    pub source_file: Option<&'d str>,
    /// Position in the file's class list, used by per-class scanning.
    #[serde(skip)]
    pub(crate) position: usize,
}

/// A method reference: the target of a call, or a method's own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MethodRef<'d> {
    /// Descriptor of the class the reference names, e.g. `Landroid/telephony/TelephonyManager;`.
    pub class: &'d str,
    /// Method name, e.g. `getDeviceId`.
    pub name: &'d str,
    /// Method descriptor, e.g. `()Ljava/lang/String;`.
    pub descriptor: &'d str,
}

/// A field reference, e.g. `Landroid/os/Build;->SERIAL:Ljava/lang/String;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FieldRef<'d> {
    /// Descriptor of the class the reference names.
    pub class: &'d str,
    /// Field name.
    pub name: &'d str,
    /// Field type descriptor.
    pub field_type: &'d str,
}

/// How a method is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InvokeKind {
    /// DEX `invoke-virtual`, JVM `invokevirtual`.
    Virtual,
    /// DEX `invoke-super`.
    Super,
    /// DEX `invoke-direct` (constructors and private methods).
    Direct,
    /// DEX `invoke-static`, JVM `invokestatic`.
    Static,
    /// DEX `invoke-interface`, JVM `invokeinterface`.
    Interface,
    /// JVM `invokespecial` (constructors, private and super calls).
    Special,
    /// DEX `invoke-polymorphic` (`MethodHandle.invoke*` / `VarHandle` signature-polymorphic calls).
    Polymorphic,
    /// DEX `invoke-custom`, JVM `invokedynamic`: the reference is the bootstrap method.
    Dynamic,
    /// A method named by a method handle: a bootstrap argument of `invoke-custom` /
    /// `invokedynamic` (how lambdas and method references such as `tm::getDeviceId` reach
    /// their target) or a DEX `const-method-handle` / JVM `ldc` of a `MethodHandle`.
    Handle,
}

/// How a field is accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldOp {
    /// `sget*` / `getstatic`.
    StaticGet,
    /// `sput*` / `putstatic`.
    StaticPut,
    /// `iget*` / `getfield`.
    InstanceGet,
    /// `iput*` / `putfield`.
    InstancePut,
}

/// One reference found in a method's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CodeRef<'d> {
    /// A method invocation (or a method named by a method handle).
    Invoke {
        /// Instruction family.
        invoke: InvokeKind,
        /// Target method as named by the caller (the declaring class may be a superclass).
        method: MethodRef<'d>,
    },
    /// A string constant loaded by DEX `const-string[/jumbo]` or JVM `ldc[_w]`.
    String {
        /// The decoded string.
        value: &'d str,
    },
    /// A field read or write.
    Field {
        /// Read or write, static or instance.
        op: FieldOp,
        /// The field as named by the caller.
        field: FieldRef<'d>,
    },
}

/// The method containing a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CallSite<'d> {
    /// Descriptor of the defining class, e.g. `Lcom/foo/Bar;`.
    pub class: &'d str,
    /// Method name.
    pub method: &'d str,
    /// Method descriptor.
    pub descriptor: &'d str,
    /// Offset of the instruction inside the method's code: in 16-bit code units for DEX
    /// (as `dexdump -d` prints after `|`), in bytes for class files (as `javap -c` prints).
    pub offset: u32,
}

/// The common read-only view of a DEX file and of a JVM class file, so that SDK matching
/// and sensitive-API detection can be written once for both.
pub trait CodeContainer {
    /// Classes defined by this container, in file order.
    fn classes(&self) -> impl Iterator<Item = ClassDef<'_>>;

    /// Every method reference in the container's tables (DEX `method_ids`, class-file
    /// `Methodref`/`InterfaceMethodref` constants), whether or not code calls it: cheap
    /// pre-filtering without a code scan. Unresolvable entries are skipped.
    fn method_refs(&self) -> impl Iterator<Item = MethodRef<'_>>;

    /// Every field reference in the container's tables (DEX `field_ids`, class-file
    /// `Fieldref` constants). Unresolvable entries are skipped.
    fn field_refs(&self) -> impl Iterator<Item = FieldRef<'_>>;

    /// Every string in the string pool (DEX `string_ids`, class-file `Utf8` constants):
    /// identifiers and descriptors as well as literals.
    fn strings(&self) -> impl Iterator<Item = &str>;

    /// Walks the code of every method of every defined class and calls `visit` once per
    /// reference, in class, method and instruction order. Returns the problems met while
    /// scanning (a method whose code is malformed is scanned up to the problem).
    fn for_each_code_ref<'d, F>(&'d self, visit: F) -> Vec<Warning>
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>);

    /// Like [`CodeContainer::for_each_code_ref`] restricted to one class from
    /// [`CodeContainer::classes`].
    fn for_each_code_ref_in<'d, F>(&'d self, class: &ClassDef<'_>, visit: F) -> Vec<Warning>
    where
        F: FnMut(&CallSite<'d>, CodeRef<'d>);

    /// Problems found while parsing the tables (not while scanning code).
    fn warnings(&self) -> &[Warning];
}
