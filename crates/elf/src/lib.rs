//! Native code: ELF shared objects (`lib/<abi>/*.so` in APKs and AARs).
//!
//! goblin does the parsing; this crate turns what it finds into plain facts
//! and names the Java packages that JNI exports point at, which identify the
//! SDK a library belongs to even when its file name is generic.
#![deny(missing_docs)]

use goblin::elf::Elf;

/// Why an ELF file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ElfError {
    /// Not an ELF file at all.
    #[error("not an ELF file (magic {0:02x?})")]
    NotElf([u8; 4]),
    /// goblin rejected it.
    #[error("malformed ELF: {0}")]
    Malformed(String),
}

/// What an ELF shared object says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries.
    pub needed: Vec<String>,
    /// Number of defined, exported dynamic symbols.
    pub exported_symbols: usize,
    /// Java packages named by `Java_…` JNI exports, dotted, sorted, unique.
    pub jni_packages: Vec<String>,
    /// Byte range of the `.rodata` section in the file (constant strings), when it lies
    /// inside the file.
    pub rodata: Option<std::ops::Range<usize>>,
}

/// Caps what one library can make us collect, whatever its symbol table claims.
const MAX_JNI_PACKAGES: usize = 256;

/// Reads an ELF shared object.
pub fn parse_elf(data: &[u8]) -> Result<ElfFacts, ElfError> {
    let magic: [u8; 4] = data
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or([0; 4]);
    if magic != *b"\x7fELF" {
        return Err(ElfError::NotElf(magic));
    }
    // goblin can panic-free reject; its permissive mode would accept more packed
    // samples, but then section data is guesswork, so we stay strict and report.
    let elf = Elf::parse(data).map_err(|e| ElfError::Malformed(e.to_string()))?;
    let mut facts = ElfFacts {
        soname: elf.soname.map(str::to_owned),
        needed: elf.libraries.iter().map(|s| (*s).to_owned()).collect(),
        ..ElfFacts::default()
    };
    let mut packages = std::collections::BTreeSet::new();
    for sym in elf.dynsyms.iter() {
        // Defined (st_shndx != UNDEF) global/weak symbols are the exports.
        if sym.st_shndx == 0 || sym.st_bind() == goblin::elf::sym::STB_LOCAL {
            continue;
        }
        facts.exported_symbols += 1;
        let Some(name) = elf.dynstrtab.get_at(sym.st_name) else {
            continue;
        };
        if let Some(pkg) = jni_package(name)
            && packages.len() < MAX_JNI_PACKAGES
        {
            packages.insert(pkg);
        }
    }
    facts.jni_packages = packages.into_iter().collect();
    facts.rodata = elf.section_headers.iter().find_map(|sh| {
        if elf.shdr_strtab.get_at(sh.sh_name) != Some(".rodata") {
            return None;
        }
        let start = usize::try_from(sh.sh_offset).ok()?;
        let end = start.checked_add(usize::try_from(sh.sh_size).ok()?)?;
        (end <= data.len() && sh.sh_type != goblin::elf::section_header::SHT_NOBITS)
            .then_some(start..end)
    });
    Ok(facts)
}

/// The Java package a JNI export names: `Java_cn_jpush_android_service_X_m` → `cn.jpush.android.service`.
///
/// JNI mangling (JNI spec, "Resolving Native Method Names"): `_` separates
/// components, `_1` is a literal underscore, `_0xxxx` a Unicode char, `_2`/`_3`
/// are signature characters. The class is the last component before the method,
/// and class names start with an upper-case letter by convention, so the package
/// is the run of components before the first capitalised one.
pub fn jni_package(symbol: &str) -> Option<String> {
    let rest = symbol.strip_prefix("Java_")?;
    // Overloaded natives append `__<signature>`: drop it.
    let rest = rest.split("__").next().unwrap_or(rest);
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    current.push('_');
                }
                // `_0xxxx` (Unicode) and `_2`/`_3` (signature) cannot start a
                // package component; what came before is still the class path.
                Some('0' | '2' | '3') => return finish(parts, current),
                _ => parts.push(std::mem::take(&mut current)),
            }
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    finish(parts, String::new())
}

fn finish(mut parts: Vec<String>, tail: String) -> Option<String> {
    if !tail.is_empty() {
        parts.push(tail);
    }
    let class_at = parts
        .iter()
        .position(|p| p.chars().next().is_some_and(char::is_uppercase))?;
    if class_at == 0 {
        return None;
    }
    parts.truncate(class_at);
    if parts.iter().any(String::is_empty) {
        return None;
    }
    Some(parts.join("."))
}

/// Printable ASCII runs of at least `min` bytes in `bytes` (what `strings -n MIN` prints for
/// one section), at most `limit` of them.
pub fn printable_runs(bytes: &[u8], min: usize, limit: usize) -> Vec<&str> {
    let mut out = Vec::new();
    for run in bytes.split(|b| !(0x20..0x7f).contains(b)) {
        if run.len() >= min {
            if out.len() >= limit {
                break;
            }
            if let Ok(text) = std::str::from_utf8(run) {
                out.push(text);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jni_package_is_the_run_before_the_class() {
        assert_eq!(
            jni_package("Java_cn_jpush_android_service_PushProtocol_GetSdkVersion").as_deref(),
            Some("cn.jpush.android.service")
        );
        assert_eq!(
            jni_package("Java_cn_jiguang_jni_NativeUtils_getStatus").as_deref(),
            Some("cn.jiguang.jni")
        );
        assert_eq!(
            jni_package("Java_com_my_1app_Native_run").as_deref(),
            Some("com.my_app")
        );
        assert_eq!(
            jni_package("Java_com_foo_Bar_baz__Ljava_lang_String_2").as_deref(),
            Some("com.foo")
        );
        assert_eq!(
            jni_package("Java_Bar_baz"),
            None,
            "default package names no package"
        );
        assert_eq!(jni_package("JNI_OnLoad"), None);
        assert_eq!(jni_package("Java_"), None);
    }

    #[test]
    fn non_elf_is_a_clear_error() {
        let err = parse_elf(b"PK\x03\x04rest").unwrap_err();
        assert!(err.to_string().contains("not an ELF"), "{err}");
        assert!(parse_elf(b"").is_err());
    }

    #[test]
    fn truncated_elf_never_panics() {
        // The test binary itself is a real ELF file.
        let exe = std::env::current_exe().expect("test binary path");
        let data = std::fs::read(exe).expect("read test binary");
        assert!(parse_elf(&data).is_ok());
        for len in 0..data.len().min(4096) {
            let _ = parse_elf(&data[..len]);
        }
    }
}
