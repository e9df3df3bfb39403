//! The nlist symbol table: imported and defined symbols, ObjC classes, Swift type descriptors.

use goblin::mach::MachO;

use super::collect::{Collector, List};
use super::swift::swift_type_from_descriptor;
use super::{MAX_ITEMS, MAX_STRING_LEN};

/// Most symbols read from one image's symbol table.
const MAX_SYMBOLS_PER_IMAGE: usize = 4_000_000;

const N_STAB: u8 = 0xe0;
const N_TYPE: u8 = 0x0e;
const N_UNDF: u8 = 0x0;
const N_EXT: u8 = 0x01;
pub(super) const OBJC_CLASS_PREFIX: &str = "_OBJC_CLASS_$_";

pub(super) fn read_symbols(macho: &MachO<'_>, offset: u64, collector: &mut Collector) {
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
