//! One thin Mach-O image: the load-command check, then goblin, then the fact readers.

use goblin::mach::MachO;

use super::collect::{Collector, List};
use super::imports::read_imports;
use super::load_commands::{validate_header, walk_load_commands};
use super::names::{arch_name, file_type_name};
use super::objc::read_sections;
use super::symbols::read_symbols;
use crate::IosError;

const MH_OBJECT: u32 = 0x1;

pub(super) struct ImageSummary {
    pub(super) arch: String,
    pub(super) kind: String,
    pub(super) platforms: Vec<(String, u32)>,
    pub(super) encrypted: bool,
}

/// Reads one thin Mach-O image at `offset` in the input.
pub(super) fn parse_image(
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
