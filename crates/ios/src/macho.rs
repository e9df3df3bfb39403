//! Facts from Mach-O inputs: thin images, fat (universal) files, and `ar` static libraries whose
//! members are Mach-O objects (themselves possibly inside a fat file).
//!
//! The load-command area is walked and validated here before goblin sees the image, so that
//! broken sizes give errors that say where, and so that goblin never iterates a count the bytes
//! cannot hold. goblin then provides linked libraries, symbols and sections; the `object` crate
//! provides imports of linked images, because goblin does not decode chained fixups.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use goblin::mach::MachO;
use object::read::macho::{MachOFile32, MachOFile64};
use object::{Endianness, Object};
use serde::Serialize;

use crate::IosError;
use crate::ar;

/// Longest string kept from a string section or symbol table; longer ones are not names.
const MAX_STRING_LEN: usize = 1024;
/// Most entries kept per fact list.
const MAX_ITEMS: usize = 200_000;
/// Most symbols read from one image's symbol table.
const MAX_SYMBOLS_PER_IMAGE: usize = 4_000_000;
/// Most slices accepted in a fat header (Apple tools write at most a handful).
const MAX_FAT_ARCHES: u32 = 64;
/// Fat nesting and archive-in-fat are allowed once: an archive inside a fat slice, never deeper.
const FAT_MAGIC: u32 = 0xcafe_babe;
const FAT_MAGIC_64: u32 = 0xcafe_babf;
const MH_MAGIC: u32 = 0xfeed_face;
const MH_MAGIC_64: u32 = 0xfeed_facf;
const MH_CIGAM: u32 = 0xcefa_edfe;
const MH_CIGAM_64: u32 = 0xcffa_edfe;

const LC_SEGMENT: u32 = 0x1;
const LC_SEGMENT_64: u32 = 0x19;
const LC_MAIN: u32 = 0x8000_0028;
const LC_ENCRYPTION_INFO: u32 = 0x21;
const LC_ENCRYPTION_INFO_64: u32 = 0x2c;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;
const LC_VERSION_MIN_IPHONEOS: u32 = 0x25;
const LC_VERSION_MIN_TVOS: u32 = 0x2f;
const LC_VERSION_MIN_WATCHOS: u32 = 0x30;
const LC_BUILD_VERSION: u32 = 0x32;
const LC_DYLD_CHAINED_FIXUPS: u32 = 0x8000_0034;

const MH_OBJECT: u32 = 0x1;

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

/// Collects facts while the parse walks slices and members.
#[derive(Default)]
struct Collector {
    slices: Vec<SliceFacts>,
    platforms: BTreeSet<String>,
    min_os: BTreeMap<String, u32>,
    encrypted: bool,
    install_name: Option<String>,
    linked_libraries: BTreeSet<String>,
    defined_classes: BTreeSet<String>,
    undefined_classes: BTreeSet<String>,
    objc_class_names: BTreeSet<String>,
    selectors: BTreeSet<String>,
    undefined_symbols: BTreeSet<String>,
    defined_symbols: HashSet<String>,
    swift_types: BTreeSet<String>,
    warnings: Vec<String>,
    truncated: BTreeSet<&'static str>,
}

impl Collector {
    fn insert(&mut self, list: List, value: &str) {
        if value.is_empty() || value.len() > MAX_STRING_LEN {
            return;
        }
        let (set, name) = match list {
            List::Libraries => (&mut self.linked_libraries, "linked libraries"),
            List::DefinedClasses => (&mut self.defined_classes, "defined classes"),
            List::UndefinedClasses => (&mut self.undefined_classes, "imported classes"),
            List::ClassNames => (&mut self.objc_class_names, "ObjC class names"),
            List::Selectors => (&mut self.selectors, "selectors"),
            List::Undefined => (&mut self.undefined_symbols, "imported symbols"),
            List::Swift => (&mut self.swift_types, "Swift types"),
        };
        if set.len() >= MAX_ITEMS {
            if !set.contains(value) {
                self.truncated.insert(name);
            }
            return;
        }
        if !set.contains(value) {
            set.insert(value.to_owned());
        }
    }
}

#[derive(Clone, Copy)]
enum List {
    Libraries,
    DefinedClasses,
    UndefinedClasses,
    ClassNames,
    Selectors,
    Undefined,
    Swift,
}

/// Per-image header facts found while validating the load commands.
#[derive(Default)]
struct LoadCommandFacts {
    encrypted: bool,
    platforms: Vec<(String, u32)>,
    chained_fixups: bool,
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

fn parse_fat(bytes: &[u8], wide: bool, collector: &mut Collector) -> Result<(), IosError> {
    let nfat = read_u32(bytes, 4, true).ok_or_else(|| IosError::Truncated {
        what: "fat header".into(),
        offset: 0,
        needed: 8,
        available: bytes.len() as u64,
    })?;
    let entry_len: usize = if wide { 32 } else { 20 };
    let room = (bytes.len().saturating_sub(8) / entry_len) as u64;
    if nfat == 0 {
        return Err(IosError::FatHeader {
            detail: "declares no architectures".into(),
        });
    }
    if nfat > MAX_FAT_ARCHES || u64::from(nfat) > room {
        return Err(IosError::FatHeader {
            detail: format!(
                "declares {nfat} architectures; the file has room for {room} entries and at most {MAX_FAT_ARCHES} are accepted"
            ),
        });
    }
    let mut first_error = None;
    for index in 0..nfat as usize {
        let at = 8 + index * entry_len;
        let cputype = read_u32(bytes, at, true).unwrap_or_default();
        let cpusubtype = read_u32(bytes, at + 4, true).unwrap_or_default();
        let (offset, size) = if wide {
            (
                read_u64(bytes, at + 8, true).unwrap_or(u64::MAX),
                read_u64(bytes, at + 16, true).unwrap_or(u64::MAX),
            )
        } else {
            (
                u64::from(read_u32(bytes, at + 8, true).unwrap_or(u32::MAX)),
                u64::from(read_u32(bytes, at + 12, true).unwrap_or(u32::MAX)),
            )
        };
        let arch = arch_name(cputype, cpusubtype);
        let slice = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(size).ok())
            .and_then(|(o, s)| bytes.get(o..o.checked_add(s)?));
        let result = match slice {
            None => Err(IosError::FatHeader {
                detail: format!(
                    "slice #{index} ({arch}) at offset {offset} with size {size} lies outside the {}-byte file",
                    bytes.len()
                ),
            }),
            Some(slice_bytes) => match sniff(slice_bytes) {
                Some(Kind::Archive) => parse_archive(slice_bytes, offset, collector),
                Some(Kind::Image) => parse_thin_slice(slice_bytes, offset, collector),
                Some(Kind::Fat { .. }) => Err(IosError::FatHeader {
                    detail: format!("slice #{index} ({arch}) is itself a fat file"),
                }),
                None => Err(IosError::FatHeader {
                    detail: format!(
                        "slice #{index} ({arch}) at offset {offset} is neither Mach-O nor ar"
                    ),
                }),
            },
        };
        match result {
            Ok(mut slice) => {
                // The fat header is the authority on the architecture of the slice.
                slice.arch = arch;
                collector.slices.push(slice);
            }
            Err(e) => {
                collector.warnings.push(format!("skipped {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if collector.slices.is_empty() => Err(e),
        _ => Ok(()),
    }
}

fn parse_thin_slice(
    bytes: &[u8],
    offset: u64,
    collector: &mut Collector,
) -> Result<SliceFacts, IosError> {
    let image = parse_image(bytes, offset, collector)?;
    Ok(SliceFacts {
        arch: image.arch,
        kind: image.kind,
        offset,
        size: bytes.len() as u64,
        images: 1,
        platforms: image.platforms.iter().map(|(p, _)| p.clone()).collect(),
        min_os: image
            .platforms
            .iter()
            .map(|(_, v)| *v)
            .min()
            .map(format_version),
        encrypted: image.encrypted,
    })
}

fn parse_archive(
    bytes: &[u8],
    offset: u64,
    collector: &mut Collector,
) -> Result<SliceFacts, IosError> {
    let mut images = 0u32;
    let mut archs = BTreeSet::new();
    let mut platforms = BTreeSet::new();
    let mut min_os: Option<u32> = None;
    let mut encrypted = false;
    for member in ar::members(bytes)? {
        let member = match member {
            Ok(m) => m,
            Err(e) => {
                collector.warnings.push(format!(
                    "archive at offset {offset}: stopped reading members: {e}"
                ));
                break;
            }
        };
        if member.is_index() || !matches!(sniff(member.data), Some(Kind::Image)) {
            // Symbol tables, LLVM bitcode and other non-Mach-O members carry no facts here.
            continue;
        }
        let member_offset = offset.saturating_add(member.header_offset as u64);
        match parse_image(member.data, member_offset, collector) {
            Ok(image) => {
                images = images.saturating_add(1);
                archs.insert(image.arch);
                encrypted |= image.encrypted;
                for (platform, version) in image.platforms {
                    platforms.insert(platform);
                    min_os = Some(min_os.map_or(version, |m| m.min(version)));
                }
            }
            Err(e) => collector
                .warnings
                .push(format!("skipped archive member {} : {e}", member.name)),
        }
    }
    Ok(SliceFacts {
        arch: archs.into_iter().collect::<Vec<_>>().join("+"),
        kind: "archive".into(),
        offset,
        size: bytes.len() as u64,
        images,
        platforms: platforms.into_iter().collect(),
        min_os: min_os.map(format_version),
        encrypted,
    })
}

struct ImageSummary {
    arch: String,
    kind: String,
    platforms: Vec<(String, u32)>,
    encrypted: bool,
}

/// Reads one thin Mach-O image at `offset` in the input.
fn parse_image(
    bytes: &[u8],
    offset: u64,
    collector: &mut Collector,
) -> Result<ImageSummary, IosError> {
    let header = validate_header(bytes, offset)?;
    let lc = walk_load_commands(bytes, offset, &header)?;
    let macho = match MachO::parse(bytes, 0) {
        Ok(m) => m,
        Err(strict) => {
            let lossy = MachO::parse_lossy(bytes, 0).map_err(|e| IosError::MachO {
                offset,
                detail: e.to_string(),
            })?;
            collector.warnings.push(format!(
                "Mach-O at offset {offset} read leniently after: {strict}"
            ));
            lossy
        }
    };
    if macho.header.filetype != MH_OBJECT {
        for lib in macho.libs.iter().skip(1) {
            collector.insert(List::Libraries, lib);
        }
        if let Some(name) = macho.name {
            collector
                .install_name
                .get_or_insert_with(|| name.to_owned());
        }
    }
    read_symbols(&macho, offset, collector);
    read_sections(&macho, bytes, lc.encrypted, collector);
    if macho.header.filetype != MH_OBJECT {
        read_imports(bytes, header.is_64, lc.chained_fixups, offset, collector);
    }
    collector.encrypted |= lc.encrypted;
    if lc.encrypted {
        collector.warnings.push(format!(
            "Mach-O at offset {offset} is FairPlay-encrypted (cryptid != 0): class names and selectors are unreadable; linked libraries and symbols are still reported"
        ));
    }
    for (platform, version) in &lc.platforms {
        collector.platforms.insert(platform.clone());
        let entry = collector.min_os.entry(platform.clone()).or_insert(*version);
        *entry = (*entry).min(*version);
    }
    Ok(ImageSummary {
        arch: arch_name(header.cputype, header.cpusubtype),
        kind: file_type_name(header.filetype).to_owned(),
        platforms: lc.platforms,
        encrypted: lc.encrypted,
    })
}

struct Header {
    big_endian: bool,
    is_64: bool,
    cputype: u32,
    cpusubtype: u32,
    filetype: u32,
    ncmds: u32,
    sizeofcmds: u32,
}

impl Header {
    fn len(&self) -> usize {
        if self.is_64 { 32 } else { 28 }
    }
}

fn validate_header(bytes: &[u8], offset: u64) -> Result<Header, IosError> {
    let magic = read_u32(bytes, 0, true).ok_or_else(|| IosError::Truncated {
        what: "Mach-O magic".into(),
        offset,
        needed: 4,
        available: bytes.len() as u64,
    })?;
    let (big_endian, is_64) = match magic {
        MH_MAGIC => (true, false),
        MH_MAGIC_64 => (true, true),
        MH_CIGAM => (false, false),
        MH_CIGAM_64 => (false, true),
        other => {
            return Err(IosError::MachO {
                offset,
                detail: format!("bad magic {other:#010x}"),
            });
        }
    };
    let header_len = if is_64 { 32 } else { 28 };
    if bytes.len() < header_len {
        return Err(IosError::Truncated {
            what: "Mach-O header".into(),
            offset,
            needed: header_len as u64,
            available: bytes.len() as u64,
        });
    }
    let field = |i: usize| read_u32(bytes, i * 4, big_endian).unwrap_or_default();
    Ok(Header {
        big_endian,
        is_64,
        cputype: field(1),
        cpusubtype: field(2),
        filetype: field(3),
        ncmds: field(4),
        sizeofcmds: field(5),
    })
}

/// Checks every load command's size against the load-command area and the file, and reads the
/// few commands goblin does not summarise (encryption, platform, chained fixups).
fn walk_load_commands(
    bytes: &[u8],
    offset: u64,
    header: &Header,
) -> Result<LoadCommandFacts, IosError> {
    let start = header.len();
    let area_len = header.sizeofcmds as usize;
    let area_end = start
        .checked_add(area_len)
        .filter(|end| *end <= bytes.len())
        .ok_or_else(|| IosError::Truncated {
            what: format!("load commands ({} declared bytes)", header.sizeofcmds),
            offset: offset + start as u64,
            needed: u64::from(header.sizeofcmds),
            available: bytes.len().saturating_sub(start) as u64,
        })?;
    if u64::from(header.ncmds) > (area_len / 8) as u64 {
        return Err(IosError::MachO {
            offset,
            detail: format!(
                "{} load commands cannot fit in {} bytes",
                header.ncmds, header.sizeofcmds
            ),
        });
    }
    let be = header.big_endian;
    let mut facts = LoadCommandFacts::default();
    let mut text_segment: Option<(u64, u64)> = None;
    let mut main_entry: Option<u64> = None;
    let mut at = start;
    for index in 0..header.ncmds {
        let cmd = read_u32(bytes, at, be).unwrap_or_default();
        let cmdsize = read_u32(bytes, at + 4, be).unwrap_or_default() as usize;
        let left = area_end.saturating_sub(at);
        if cmdsize < 8 || cmdsize > left {
            return Err(IosError::MachO {
                offset,
                detail: format!(
                    "load command #{index} (cmd {cmd:#x}) at offset {} has cmdsize {cmdsize}; {left} bytes of load commands remain",
                    offset + at as u64
                ),
            });
        }
        let body = bytes.get(at..at + cmdsize).unwrap_or_default();
        match cmd {
            LC_SEGMENT | LC_SEGMENT_64 => {
                let (head, per_section) = if cmd == LC_SEGMENT_64 {
                    (72, 80)
                } else {
                    (56, 68)
                };
                let nsects_at = if cmd == LC_SEGMENT_64 { 64 } else { 48 };
                let nsects = read_u32(body, nsects_at, be).unwrap_or(u32::MAX) as usize;
                let needed = nsects
                    .checked_mul(per_section)
                    .and_then(|n| n.checked_add(head));
                if needed.is_none_or(|n| n > cmdsize) {
                    return Err(IosError::MachO {
                        offset,
                        detail: format!(
                            "segment command #{index} at offset {} declares {nsects} sections but its cmdsize is {cmdsize}",
                            offset + at as u64
                        ),
                    });
                }
                if text_segment.is_none() && body.get(8..15) == Some(b"__TEXT\0".as_slice()) {
                    let (vmaddr, fileoff) = if cmd == LC_SEGMENT_64 {
                        (read_u64(body, 24, be), read_u64(body, 40, be))
                    } else {
                        (
                            read_u32(body, 24, be).map(u64::from),
                            read_u32(body, 32, be).map(u64::from),
                        )
                    };
                    text_segment = vmaddr.zip(fileoff);
                }
            }
            LC_MAIN => main_entry = read_u64(body, 8, be),
            LC_ENCRYPTION_INFO | LC_ENCRYPTION_INFO_64 => {
                facts.encrypted |= read_u32(body, 16, be).is_some_and(|id| id != 0);
            }
            LC_BUILD_VERSION => {
                if let (Some(platform), Some(minos)) =
                    (read_u32(body, 8, be), read_u32(body, 12, be))
                {
                    facts.platforms.push((platform_name(platform), minos));
                }
            }
            LC_VERSION_MIN_MACOSX
            | LC_VERSION_MIN_IPHONEOS
            | LC_VERSION_MIN_TVOS
            | LC_VERSION_MIN_WATCHOS => {
                if let Some(version) = read_u32(body, 8, be) {
                    let platform = match cmd {
                        LC_VERSION_MIN_MACOSX => "macos",
                        LC_VERSION_MIN_IPHONEOS => "ios",
                        LC_VERSION_MIN_TVOS => "tvos",
                        _ => "watchos",
                    };
                    facts.platforms.push((platform.to_owned(), version));
                }
            }
            LC_DYLD_CHAINED_FIXUPS => facts.chained_fixups = true,
            _ => {}
        }
        at += cmdsize;
    }
    // goblin maps LC_MAIN's entry offset through the first __TEXT segment with
    // unchecked arithmetic (`vmaddr - fileoff + entryoff`, goblin 0.10.7
    // src/mach/mod.rs:280), which panics in checked builds on a hostile file
    // (found by the macho fuzz target). Refuse such an image before goblin sees it.
    if let (Some(entry), Some((vmaddr, fileoff))) = (main_entry, text_segment)
        && vmaddr
            .checked_sub(fileoff)
            .and_then(|base| base.checked_add(entry))
            .is_none()
    {
        return Err(IosError::MachO {
            offset,
            detail: format!(
                "LC_MAIN entry offset {entry:#x} cannot be mapped: __TEXT has vmaddr {vmaddr:#x} and fileoff {fileoff:#x}"
            ),
        });
    }
    Ok(facts)
}

const N_STAB: u8 = 0xe0;
const N_TYPE: u8 = 0x0e;
const N_UNDF: u8 = 0x0;
const N_EXT: u8 = 0x01;
const OBJC_CLASS_PREFIX: &str = "_OBJC_CLASS_$_";

fn read_symbols(macho: &MachO<'_>, offset: u64, collector: &mut Collector) {
    for (count, symbol) in macho.symbols().enumerate() {
        if count >= MAX_SYMBOLS_PER_IMAGE {
            collector.warnings.push(format!(
                "Mach-O at offset {offset}: only the first {MAX_SYMBOLS_PER_IMAGE} symbols read"
            ));
            break;
        }
        let (name, nlist) = match symbol {
            Ok(s) => s,
            Err(e) => {
                // The table is a fixed-size array: after one bad entry the rest is suspect too.
                collector.warnings.push(format!(
                    "Mach-O at offset {offset}: symbol table unreadable after {count} symbols: {e}"
                ));
                break;
            }
        };
        if nlist.n_type & N_STAB != 0 || name.is_empty() || name.len() > MAX_STRING_LEN {
            continue;
        }
        // An undefined external with a non-zero value is a common symbol: defined here.
        let undefined = nlist.n_type & N_TYPE == N_UNDF && nlist.n_value == 0;
        if undefined {
            if nlist.n_type & N_EXT == 0 {
                continue;
            }
            collector.insert(List::Undefined, name);
            if let Some(class) = name.strip_prefix(OBJC_CLASS_PREFIX) {
                collector.insert(List::UndefinedClasses, class);
            }
        } else {
            if let Some(class) = name.strip_prefix(OBJC_CLASS_PREFIX) {
                collector.insert(List::DefinedClasses, class);
            }
            if let Some(ty) = swift_type_from_descriptor(name) {
                collector.insert(List::Swift, &ty);
            }
            if nlist.n_type & N_EXT != 0 && collector.defined_symbols.len() < MAX_ITEMS * 4 {
                collector.defined_symbols.insert(name.to_owned());
            }
        }
    }
}

fn trimmed(name: &[u8; 16]) -> &[u8] {
    let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
    name.get(..end).unwrap_or_default()
}

fn read_sections(macho: &MachO<'_>, bytes: &[u8], encrypted: bool, collector: &mut Collector) {
    let mut methname_seen = false;
    let mut selrefs: Option<&[u8]> = None;
    for segment in &macho.segments {
        for section in segment {
            let Ok((section, data)) = section else {
                break;
            };
            let list = match trimmed(&section.sectname) {
                b"__objc_classname" => List::ClassNames,
                b"__objc_methname" => {
                    methname_seen = true;
                    List::Selectors
                }
                b"__objc_selrefs" => {
                    selrefs = Some(data);
                    continue;
                }
                _ => continue,
            };
            // FairPlay encrypts __TEXT: its strings would be noise.
            if encrypted && trimmed(&section.segname) == b"__TEXT" {
                continue;
            }
            for raw in data.split(|b| *b == 0) {
                // Some vendors keep obfuscated blobs in these sections: only printable ASCII
                // strings are names.
                if !raw.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
                    continue;
                }
                let Ok(text) = std::str::from_utf8(raw) else {
                    continue;
                };
                collector.insert(list, text);
                if let (List::ClassNames, Some(ty)) = (list, swift_type_from_objc_name(text)) {
                    collector.insert(List::Swift, &ty);
                }
            }
        }
    }
    if let Some(selrefs) = selrefs.filter(|_| !methname_seen && !encrypted) {
        selectors_from_selrefs(macho, bytes, selrefs, collector);
    }
}

/// Some linkers (LLVM's lld among them) merge `__objc_methname` into `__cstring`. The selector
/// references then still point at the names: follow each pointer (plain, or a chained-fixup
/// rebase whose low 36 bits are the target address or its offset from the image base).
fn selectors_from_selrefs(
    macho: &MachO<'_>,
    bytes: &[u8],
    selrefs: &[u8],
    collector: &mut Collector,
) {
    let width = if macho.is_64 { 8 } else { 4 };
    let segments: Vec<(u64, u64, u64)> = macho
        .segments
        .iter()
        .map(|s| (s.vmaddr, s.filesize, s.fileoff))
        .collect();
    let base = macho
        .segments
        .iter()
        .find(|s| trimmed(&s.segname) == b"__TEXT")
        .map_or(0, |s| s.vmaddr);
    let string_at = |addr: u64| -> Option<&str> {
        let (vmaddr, _, fileoff) = segments
            .iter()
            .find(|(v, size, _)| addr >= *v && addr - *v < *size)?;
        let start = usize::try_from(fileoff.checked_add(addr - vmaddr)?).ok()?;
        let tail = bytes.get(start..)?;
        let raw = tail.get(..tail.iter().take(MAX_STRING_LEN + 1).position(|b| *b == 0)?)?;
        let printable = !raw.is_empty() && raw.iter().all(|b| b.is_ascii_graphic());
        if printable {
            std::str::from_utf8(raw).ok()
        } else {
            None
        }
    };
    for chunk in selrefs.chunks_exact(width).take(MAX_ITEMS) {
        let value = match chunk.try_into() {
            Ok(eight) => u64::from_le_bytes(eight),
            Err(_) => chunk
                .try_into()
                .map(|four| u64::from(u32::from_le_bytes(four)))
                .unwrap_or_default(),
        };
        let low = value & 0xf_ffff_ffff;
        let name = [value, low, base.wrapping_add(low)]
            .into_iter()
            .find_map(string_at);
        if let Some(name) = name {
            collector.insert(List::Selectors, name);
        }
    }
}

/// Imports of a linked image through the `object` crate, which decodes chained fixups.
fn read_imports(
    bytes: &[u8],
    is_64: bool,
    chained_fixups: bool,
    offset: u64,
    collector: &mut Collector,
) {
    let mut names: Vec<Vec<u8>> = Vec::new();
    let result = if is_64 {
        MachOFile64::<Endianness>::parse(bytes).map(|f| collect_imports(&f, &mut names))
    } else {
        MachOFile32::<Endianness>::parse(bytes).map(|f| collect_imports(&f, &mut names))
    };
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) | Err(e) => {
            let what = if chained_fixups {
                "chained fixups"
            } else {
                "dyld binds"
            };
            collector.warnings.push(format!(
                "Mach-O at offset {offset}: imports ({what}) unreadable: {e}"
            ));
        }
    }
    for name in names {
        if let Ok(name) = std::str::from_utf8(&name) {
            collector.insert(List::Undefined, name);
            if let Some(class) = name.strip_prefix(OBJC_CLASS_PREFIX) {
                collector.insert(List::UndefinedClasses, class);
            }
        }
    }
}

fn collect_imports<'data, O: Object<'data>>(
    file: &O,
    names: &mut Vec<Vec<u8>>,
) -> object::Result<()> {
    for import in file.imports()? {
        if names.len() >= MAX_ITEMS {
            break;
        }
        if let object::read::NameOrOrdinal::Name(name) = import?.name() {
            names.push(name.to_vec());
        }
    }
    Ok(())
}

impl Collector {
    fn finish(self, container: Container) -> MachOFacts {
        let mut warnings = self.warnings;
        for list in &self.truncated {
            warnings.push(format!("only the first {MAX_ITEMS} {list} kept"));
        }
        // In an archive, one member's undefined symbol may be defined by another member.
        let imported_symbols: Vec<String> = self
            .undefined_symbols
            .into_iter()
            .filter(|s| !self.defined_symbols.contains(s))
            .collect();
        let imported_classes: Vec<String> = self
            .undefined_classes
            .into_iter()
            .filter(|c| !self.defined_classes.contains(c))
            .collect();
        let mut archs: Vec<String> = Vec::new();
        for slice in &self.slices {
            for arch in slice.arch.split('+').filter(|a| !a.is_empty()) {
                if !archs.iter().any(|a| a == arch) {
                    archs.push(arch.to_owned());
                }
            }
        }
        MachOFacts {
            container,
            archs,
            platforms: self.platforms.into_iter().collect(),
            min_os: self.min_os.values().min().copied().map(format_version),
            encrypted: self.encrypted,
            install_name: self.install_name,
            linked_libraries: self.linked_libraries.into_iter().collect(),
            defined_classes: self.defined_classes.into_iter().collect(),
            imported_classes,
            objc_class_names: self.objc_class_names.into_iter().collect(),
            selectors: self.selectors.into_iter().collect(),
            imported_symbols,
            swift_types: self.swift_types.into_iter().collect(),
            slices: self.slices,
            warnings,
        }
    }
}

/// `xxxx.yy.zz` nibble-packed version as used by Mach-O load commands.
fn format_version(v: u32) -> String {
    let (major, minor, patch) = (v >> 16, (v >> 8) & 0xff, v & 0xff);
    if patch == 0 {
        format!("{major}.{minor}")
    } else {
        format!("{major}.{minor}.{patch}")
    }
}

fn platform_name(platform: u32) -> String {
    match platform {
        1 => "macos".into(),
        2 => "ios".into(),
        3 => "tvos".into(),
        4 => "watchos".into(),
        5 => "bridgeos".into(),
        6 => "maccatalyst".into(),
        7 => "ios-simulator".into(),
        8 => "tvos-simulator".into(),
        9 => "watchos-simulator".into(),
        10 => "driverkit".into(),
        11 => "visionos".into(),
        12 => "visionos-simulator".into(),
        other => format!("platform-{other}"),
    }
}

fn file_type_name(filetype: u32) -> &'static str {
    match filetype {
        1 => "object",
        2 => "execute",
        6 => "dylib",
        7 => "dylinker",
        8 => "bundle",
        9 => "dylib_stub",
        10 => "dsym",
        11 => "kext_bundle",
        12 => "fileset",
        _ => "other",
    }
}

fn arch_name(cputype: u32, cpusubtype: u32) -> String {
    const ABI64: u32 = 0x0100_0000;
    const ABI64_32: u32 = 0x0200_0000;
    let sub = cpusubtype & 0x00ff_ffff;
    match (cputype, sub) {
        (7, _) => "i386".into(),
        (t, 8) if t == 7 | ABI64 => "x86_64h".into(),
        (t, _) if t == 7 | ABI64 => "x86_64".into(),
        (12, 5) => "armv4t".into(),
        (12, 6) => "armv6".into(),
        (12, 7) => "armv5".into(),
        (12, 9) => "armv7".into(),
        (12, 10) => "armv7f".into(),
        (12, 11) => "armv7s".into(),
        (12, 12) => "armv7k".into(),
        (12, 14) => "armv6m".into(),
        (12, 15) => "armv7m".into(),
        (12, 16) => "armv7em".into(),
        (12, _) => "arm".into(),
        (t, 2) if t == 12 | ABI64 => "arm64e".into(),
        (t, _) if t == 12 | ABI64 => "arm64".into(),
        (t, _) if t == 12 | ABI64_32 => "arm64_32".into(),
        (18, _) => "ppc".into(),
        (t, _) if t == 18 | ABI64 => "ppc64".into(),
        (t, s) => format!("cpu{t:#x}/{s}"),
    }
}

/// Reads `<len><ident>` pairs; `None` on anything else (word substitutions, punycode).
fn length_prefixed_idents(mut s: &str) -> Option<(Vec<&str>, &str)> {
    let mut idents = Vec::new();
    loop {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 4 {
            return Some((idents, s));
        }
        let len: usize = s.get(..digits)?.parse().ok()?;
        let ident = s.get(digits..digits.checked_add(len)?)?;
        if len == 0
            || !ident
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return None;
        }
        idents.push(ident);
        s = s.get(digits + len..)?;
        // Nominal kind letters between nested names.
        s = s.strip_prefix(['C', 'V', 'O']).unwrap_or(s);
    }
}

/// `_TtC7AppName12ViewModel` (the ObjC name of a Swift class) → `AppName.ViewModel`.
fn swift_type_from_objc_name(name: &str) -> Option<String> {
    let rest = name.strip_prefix("_Tt")?;
    let rest = rest.trim_start_matches(['C', 'V', 'O', 'P']);
    let (idents, tail) = length_prefixed_idents(rest)?;
    let tail = tail.strip_prefix('_').unwrap_or(tail);
    (idents.len() >= 2 && tail.is_empty()).then(|| idents.join("."))
}

/// `_$s7AppName9ViewModelCMn` (a nominal type descriptor) → `AppName.ViewModel`.
fn swift_type_from_descriptor(symbol: &str) -> Option<String> {
    let rest = symbol.strip_prefix("_$s")?.strip_suffix("Mn")?;
    let (idents, tail) = length_prefixed_idents(rest)?;
    (idents.len() >= 2 && tail.is_empty()).then(|| idents.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swift_names_decode() {
        assert_eq!(
            swift_type_from_objc_name("_TtC7AppName9ViewModel").as_deref(),
            Some("AppName.ViewModel")
        );
        assert_eq!(
            swift_type_from_descriptor("_$s7AppName9ViewModelCMn").as_deref(),
            Some("AppName.ViewModel")
        );
        assert_eq!(
            swift_type_from_descriptor("_$s7AppName5OuterC5InnerVMn").as_deref(),
            Some("AppName.Outer.Inner")
        );
        assert_eq!(swift_type_from_objc_name("JPUSHService"), None);
        assert_eq!(swift_type_from_descriptor("_$s7AppName999Mn"), None);
    }

    #[test]
    fn versions_and_arches_format() {
        assert_eq!(format_version(0x000d_0000), "13.0");
        assert_eq!(format_version(0x000a_0f02), "10.15.2");
        assert_eq!(arch_name(0x0100_000c, 0), "arm64");
        assert_eq!(arch_name(0x0100_000c, 0x8000_0002), "arm64e");
        assert_eq!(arch_name(12, 9), "armv7");
        assert_eq!(arch_name(0x0100_0007, 3), "x86_64");
    }
}
