//! Facts from Mach-O inputs: thin images, fat (universal) files, and `ar` static libraries whose
//! members are Mach-O objects (themselves possibly inside a fat file).
//!
//! The load-command area is walked and validated here before goblin sees the image, so that
//! broken sizes give errors that say where, and so that goblin never iterates a count the bytes
//! cannot hold. goblin then provides linked libraries, symbols and sections; the `object` crate
//! provides imports of linked images, because goblin does not decode chained fixups.
//!
//! One file per job, as goblin's `mach/` does it:
//! - `container.rs`: fat / thin / `ar` dispatch, one [`SliceFacts`] per slice;
//! - `image.rs`: one thin image, from the load-command check to the fact readers below;
//! - `load_commands.rs`: the header and the load-command walk (sizes, encryption, platforms);
//! - `symbols.rs`: the nlist symbol table (defined and undefined symbols, ObjC classes);
//! - `objc.rs`: ObjC class-name and selector sections, selector references;
//! - `imports.rs`: dyld binds and chained fixups of linked images (through `object`);
//! - `swift.rs`: Swift type names from mangled class names and type descriptors;
//! - `names.rs`: architecture, platform, file-type and version spellings;
//! - `collect.rs`: the `Collector` that merges facts over slices and members.

mod collect;
mod container;
mod image;
mod imports;
mod load_commands;
mod names;
mod objc;
mod swift;
mod symbols;

use serde::Serialize;

use crate::IosError;
use crate::ar;
use collect::Collector;
use container::{parse_archive, parse_fat, parse_thin_slice};

/// Longest string kept from a string section or symbol table; longer ones are not names.
const MAX_STRING_LEN: usize = 1024;
/// Most entries kept per fact list.
const MAX_ITEMS: usize = 200_000;
/// Fat nesting and archive-in-fat are allowed once: an archive inside a fat slice, never deeper.
const FAT_MAGIC: u32 = 0xcafe_babe;
const FAT_MAGIC_64: u32 = 0xcafe_babf;
const MH_MAGIC: u32 = 0xfeed_face;
const MH_MAGIC_64: u32 = 0xfeed_facf;
const MH_CIGAM: u32 = 0xcefa_edfe;
const MH_CIGAM_64: u32 = 0xcffa_edfe;

/// What kind of container the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Container {
    /// A single Mach-O image.
    Thin,
    /// A fat (universal) file: one slice per architecture.
    Fat,
    /// An `ar` archive (static library) of Mach-O objects.
    Archive,
}

/// One architecture slice (or the whole input when it is not fat).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceFacts {
    /// Architecture, e.g. `arm64`, `armv7`, `x86_64`, `arm64e`.
    pub arch: String,
    /// `execute`, `dylib`, `bundle`, `object` or `archive` (static library).
    pub kind: String,
    /// Offset of the slice in the input.
    pub offset: u64,
    /// Size of the slice in bytes.
    pub size: u64,
    /// Mach-O images parsed in the slice (archive members, or 1).
    pub images: u32,
    /// Platforms from `LC_BUILD_VERSION` / `LC_VERSION_MIN_*`, e.g. `ios`, `ios-simulator`.
    pub platforms: Vec<String>,
    /// Lowest minimum OS version declared in the slice.
    pub min_os: Option<String>,
    /// True when an `LC_ENCRYPTION_INFO` command has a non-zero `cryptid` (FairPlay).
    pub encrypted: bool,
}

/// Everything read from one Mach-O input, merged over its slices and archive members.
///
/// Every list is sorted and de-duplicated. Symbol names keep their Mach-O spelling (C symbols
/// start with `_`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachOFacts {
    /// Thin, fat or archive.
    pub container: Container,
    /// One entry per slice.
    pub slices: Vec<SliceFacts>,
    /// Architectures, in slice order.
    pub archs: Vec<String>,
    /// Platforms over all slices.
    pub platforms: Vec<String>,
    /// Lowest minimum OS version over all slices.
    pub min_os: Option<String>,
    /// True when any slice is FairPlay-encrypted: class names and selectors of that slice are
    /// then unreadable, load commands and symbols are not.
    pub encrypted: bool,
    /// `LC_ID_DYLIB` of a dynamic library or framework.
    pub install_name: Option<String>,
    /// Libraries and frameworks loaded (`LC_LOAD_DYLIB`, weak, re-export, upward, lazy).
    pub linked_libraries: Vec<String>,
    /// Objective-C classes defined here (`_OBJC_CLASS_$_X` defined): evidence of who wrote the code.
    pub defined_classes: Vec<String>,
    /// Objective-C classes used from elsewhere (`_OBJC_CLASS_$_X` undefined or imported):
    /// evidence of API use, e.g. `ASIdentifierManager`.
    pub imported_classes: Vec<String>,
    /// Names in `__objc_classname`: classes, protocols and categories of the code in this file.
    /// Survives symbol stripping, unlike `defined_classes`.
    pub objc_class_names: Vec<String>,
    /// Selector names in `__objc_methname`: methods implemented or called.
    pub selectors: Vec<String>,
    /// Symbols this input needs from outside: undefined nlist entries and dyld binds (chained
    /// fixups included); for archives, those no member defines.
    pub imported_symbols: Vec<String>,
    /// Swift types defined here (`Module.Type`), from `_TtC…` class names and type descriptors.
    pub swift_types: Vec<String>,
    /// Problems that did not stop the parse: a bad archive member or slice, truncated lists.
    pub warnings: Vec<String>,
}

impl MachOFacts {
    /// Parses a thin or fat Mach-O, or an `ar` static library (thin or inside a fat file).
    ///
    /// A bad archive member or fat slice becomes a warning; the call fails only when the
    /// container itself is unreadable or no slice could be read.
    pub fn parse(bytes: &[u8]) -> Result<MachOFacts, IosError> {
        let mut collector = Collector::default();
        let container = match sniff(bytes) {
            Some(Kind::Fat { wide }) => {
                parse_fat(bytes, wide, &mut collector)?;
                Container::Fat
            }
            Some(Kind::Archive) => {
                let slice = parse_archive(bytes, 0, &mut collector)?;
                collector.slices.push(slice);
                Container::Archive
            }
            Some(Kind::Image) => {
                let slice = parse_thin_slice(bytes, 0, &mut collector)?;
                collector.slices.push(slice);
                Container::Thin
            }
            None => {
                return Err(IosError::UnknownFormat {
                    found: bytes.iter().take(8).copied().collect(),
                });
            }
        };
        Ok(collector.finish(container))
    }
}

/// True when `prefix` (the first bytes of a file) starts like a Mach-O, fat Mach-O or `ar`
/// archive. Four bytes are enough except for `ar`, which needs eight.
pub fn looks_like_macho(prefix: &[u8]) -> bool {
    sniff(prefix).is_some()
}

enum Kind {
    Fat { wide: bool },
    Archive,
    Image,
}

fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(ar::AR_MAGIC) {
        return Some(Kind::Archive);
    }
    let be = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    match be {
        FAT_MAGIC => Some(Kind::Fat { wide: false }),
        FAT_MAGIC_64 => Some(Kind::Fat { wide: true }),
        MH_MAGIC | MH_MAGIC_64 | MH_CIGAM | MH_CIGAM_64 => Some(Kind::Image),
        _ => None,
    }
}

fn read_u32(bytes: &[u8], offset: usize, big_endian: bool) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    })
}

fn read_u64(bytes: &[u8], offset: usize, big_endian: bool) -> Option<u64> {
    let raw: [u8; 8] = bytes.get(offset..offset.checked_add(8)?)?.try_into().ok()?;
    Some(if big_endian {
        u64::from_be_bytes(raw)
    } else {
        u64::from_le_bytes(raw)
    })
}
