//! Swift type names (`Module.Type`) from ObjC names of Swift classes and nominal type descriptors.

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
pub(super) fn swift_type_from_objc_name(name: &str) -> Option<String> {
    let rest = name.strip_prefix("_Tt")?;
    let rest = rest.trim_start_matches(['C', 'V', 'O', 'P']);
    let (idents, tail) = length_prefixed_idents(rest)?;
    let tail = tail.strip_prefix('_').unwrap_or(tail);
    (idents.len() >= 2 && tail.is_empty()).then(|| idents.join("."))
}

/// `_$s7AppName9ViewModelCMn` (a nominal type descriptor) → `AppName.ViewModel`.
pub(super) fn swift_type_from_descriptor(symbol: &str) -> Option<String> {
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
}
