//! Fat / thin / `ar` dispatch: one [`SliceFacts`] per fat slice, thin image or static library.

use std::collections::BTreeSet;

use super::collect::Collector;
use super::image::parse_image;
use super::names::{arch_name, format_version};
use super::{Kind, SliceFacts, read_u32, read_u64, sniff};
use crate::IosError;
use crate::ar;

/// Most slices accepted in a fat header (Apple tools write at most a handful).
const MAX_FAT_ARCHES: u32 = 64;

pub(super) fn parse_fat(
    bytes: &[u8],
    wide: bool,
    collector: &mut Collector,
) -> Result<(), IosError> {
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

pub(super) fn parse_thin_slice(
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

pub(super) fn parse_archive(
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
