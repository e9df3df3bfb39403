//! Invariants of the taxonomy file, checked on every load so a bad edit of
//! `data/taxonomy.json` fails the build's tests instead of producing silent misses.

use std::collections::{BTreeMap, BTreeSet};

use crate::{MarkerKind, Taxonomy};

/// A Java binary class name: dot-separated identifiers, `$` allowed for inner classes.
pub(crate) fn is_java_binary_name(name: &str) -> bool {
    let mut segments = 0usize;
    for segment in name.split('.') {
        segments += 1;
        if !is_java_identifier(segment) {
            return false;
        }
    }
    segments >= 2
}

fn is_java_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A method name as it appears in bytecode.
pub(crate) fn is_method_name(s: &str) -> bool {
    s == "<init>" || (is_java_identifier(s) && !s.contains('$'))
}

fn is_permission_name(s: &str) -> bool {
    let mut parts = 0usize;
    for part in s.split('.') {
        parts += 1;
        if part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
    }
    parts >= 3
}

fn is_selector(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        && !s.starts_with(':')
}

pub(crate) fn validate(t: &Taxonomy) -> Result<(), String> {
    let mut ids = BTreeSet::new();
    for dt in &t.data_types {
        if !ids.insert(dt.id.as_str()) {
            return Err(format!("duplicate data type id `{}`", dt.id));
        }
    }
    for (hid, h) in &t.hypernyms {
        for child in &h.children {
            if !ids.contains(child.as_str()) && !t.hypernyms.contains_key(child) {
                return Err(format!("hypernym `{hid}` names unknown child `{child}`"));
            }
        }
    }
    for dt in &t.data_types {
        for p in &dt.parents {
            if !t.hypernyms.contains_key(p) {
                return Err(format!("data type `{}` names unknown parent `{p}`", dt.id));
            }
        }
    }

    let mut permissions = BTreeSet::new();
    for p in &t.android_permissions {
        if !is_permission_name(&p.name) {
            return Err(format!("permission catalogue: malformed name `{}`", p.name));
        }
        if !permissions.insert(p.name.as_str()) {
            return Err(format!("permission catalogue: duplicate `{}`", p.name));
        }
    }

    // Argument markers are declared once per data type; a requires_marker must name one.
    let mut argument_markers = BTreeSet::new();
    let mut marker_kinds: BTreeMap<&str, MarkerKind> = BTreeMap::new();
    for dt in &t.data_types {
        for m in &dt.detect.android_markers {
            if m.string.is_empty() {
                return Err(format!("data type `{}`: empty marker", dt.id));
            }
            if let Some(previous) = marker_kinds.insert(m.string.as_str(), m.kind)
                && previous != m.kind
            {
                return Err(format!(
                    "marker `{}` is both standalone and argument (data type `{}`)",
                    m.string, dt.id
                ));
            }
            if m.kind == MarkerKind::Argument {
                argument_markers.insert(m.string.as_str());
            }
        }
    }

    for dt in &t.data_types {
        let d = &dt.detect;
        let at = |what: &str| format!("data type `{}`: {what}", dt.id);
        for p in &d.android_permissions {
            if !permissions.contains(p.as_str()) {
                return Err(at(&format!(
                    "permission `{p}` is not in android_permissions"
                )));
            }
        }
        for a in &d.android_targeting_apis {
            if !is_java_binary_name(&a.class)
                || !is_method_name(&a.method)
                || a.requires_marker.is_some()
            {
                return Err(at(&format!(
                    "malformed targeting api `{}#{}`",
                    a.class, a.method
                )));
            }
        }
        for a in &d.android_apis {
            if !is_java_binary_name(&a.class) || !is_method_name(&a.method) {
                return Err(at(&format!("malformed api `{}#{}`", a.class, a.method)));
            }
            if let Some(m) = &a.requires_marker
                && !argument_markers.contains(m.as_str())
            {
                return Err(at(&format!(
                    "api `{}#{}` requires marker `{m}`, which no data type declares as an argument marker",
                    a.class, a.method
                )));
            }
        }
        for f in &d.android_fields {
            if !is_java_binary_name(&f.class) || !is_java_identifier(&f.field) {
                return Err(at(&format!("malformed field `{}#{}`", f.class, f.field)));
            }
        }
        for c in &d.android_superclasses {
            if !is_java_binary_name(c) {
                return Err(at(&format!("malformed superclass `{c}`")));
            }
        }
        for a in &d.ios_apis {
            if !is_java_identifier(&a.class) || !is_selector(&a.selector) {
                return Err(at(&format!(
                    "malformed iOS api `{} {}`",
                    a.class, a.selector
                )));
            }
        }
        for s in &d.ios_symbols {
            if !s.starts_with('_') || s.len() < 2 {
                return Err(at(&format!(
                    "iOS symbol `{s}` lacks the leading underscore"
                )));
            }
        }
    }
    for c in &t.ios_required_reason_apis {
        if !c.category.starts_with("NSPrivacyAccessedAPICategory") {
            return Err(format!(
                "required-reason category `{}` is malformed",
                c.category
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_binary_names() {
        assert!(is_java_binary_name("android.provider.Settings$Secure"));
        assert!(is_java_binary_name("java.net.NetworkInterface"));
        assert!(!is_java_binary_name("TelephonyManager"));
        assert!(!is_java_binary_name("android..Foo"));
        assert!(!is_java_binary_name("android/telephony/TelephonyManager"));
        assert!(!is_java_binary_name("Landroid.os.Build;"));
        assert!(is_method_name("<init>"));
        assert!(is_method_name("getDeviceId"));
        assert!(!is_method_name("getDeviceId()"));
        assert!(!is_method_name("<clinit"));
    }
}
