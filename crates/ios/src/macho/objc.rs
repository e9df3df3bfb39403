//! Objective-C sections: `__objc_classname`, `__objc_methname`, and `__objc_selrefs` when the
//! linker merged the method names into `__cstring`.

use goblin::mach::MachO;

use super::collect::{Collector, List};
use super::swift::swift_type_from_objc_name;
use super::{MAX_ITEMS, MAX_STRING_LEN};

fn trimmed(name: &[u8; 16]) -> &[u8] {
    let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
    name.get(..end).unwrap_or_default()
}

pub(super) fn read_sections(
    macho: &MachO<'_>,
    bytes: &[u8],
    encrypted: bool,
    collector: &mut Collector,
) {
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
