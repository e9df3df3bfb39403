//! Imports of linked images (dyld binds and chained fixups) through the `object` crate, because
//! goblin does not decode chained fixups.

use object::read::macho::{MachOFile32, MachOFile64};
use object::{Endianness, Object};

use super::MAX_ITEMS;
use super::collect::{Collector, List};
use super::symbols::OBJC_CLASS_PREFIX;

/// Imports of a linked image through the `object` crate, which decodes chained fixups.
pub(super) fn read_imports(
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
