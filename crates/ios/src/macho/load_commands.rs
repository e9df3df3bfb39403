//! The Mach-O header and the load-command walk: every size checked against the area and the file
//! before goblin sees the image, and the few commands goblin does not summarise.

use super::names::platform_name;
use super::{MH_CIGAM, MH_CIGAM_64, MH_MAGIC, MH_MAGIC_64, read_u32, read_u64};
use crate::IosError;

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

/// Per-image header facts found while validating the load commands.
#[derive(Default)]
pub(super) struct LoadCommandFacts {
    pub(super) encrypted: bool,
    pub(super) platforms: Vec<(String, u32)>,
    pub(super) chained_fixups: bool,
}

pub(super) struct Header {
    pub(super) big_endian: bool,
    pub(super) is_64: bool,
    pub(super) cputype: u32,
    pub(super) cpusubtype: u32,
    pub(super) filetype: u32,
    pub(super) ncmds: u32,
    pub(super) sizeofcmds: u32,
}

impl Header {
    fn len(&self) -> usize {
        if self.is_64 { 32 } else { 28 }
    }
}

pub(super) fn validate_header(bytes: &[u8], offset: u64) -> Result<Header, IosError> {
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
pub(super) fn walk_load_commands(
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
