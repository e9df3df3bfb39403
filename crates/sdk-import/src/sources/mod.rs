//! Readers for each public list; each turns its file format into [`Fact`]s, skipping (and
//! counting) what appaudit's rule syntax cannot express.

pub mod apk_analyzer;
pub mod exodus;
pub mod libchecker;
pub mod libradar;
pub mod npm_ios;

use std::collections::BTreeMap;

use crate::fact::Fact;

/// What one reader produced.
#[derive(Debug, Default)]
pub struct Read {
    /// How many items the list has (rules, trackers, signature files, rows, packages).
    pub items: usize,
    /// What an item of this list is ("rules", "trackers" …).
    pub item_kind: &'static str,
    /// The facts.
    pub facts: Vec<Fact>,
    /// Skipped items by reason (`"regex .so name not expressible as a glob"` -> count).
    pub skipped: BTreeMap<&'static str, usize>,
}

impl Read {
    pub(crate) fn skip(&mut self, why: &'static str) {
        *self.skipped.entry(why).or_default() += 1;
    }
}

/// Whether `s` is a dotted Java name (`com.foo.Bar`, `okhttp3`).
pub(crate) fn is_java_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            let mut chars = seg.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        })
}

/// Whether a package is the Android platform's own API (`android.widget`, `java.util`):
/// an APK may define such classes (D8 back-ports, compile stubs of newer APIs) but they are
/// no third-party library. The support library and Architecture Components are.
fn is_platform_package(p: &str) -> bool {
    let within = |root: &str| p == root || p.strip_prefix(root).is_some_and(|r| r.starts_with('.'));
    // javax: only the packages the platform itself ships (javax.mail, javax.jmdns … are
    // libraries apps bundle).
    [
        "android",
        "java",
        "dalvik",
        "javax.crypto",
        "javax.net",
        "javax.security",
        "javax.sql",
        "javax.xml",
        "javax.microedition.khronos",
    ]
    .iter()
    .any(|r| within(r))
        && !["android.support", "android.arch"]
            .iter()
            .any(|r| within(r))
}

/// A Java package prefix as appaudit writes it, or why not.
pub(crate) fn java_package(raw: &str) -> Result<String, &'static str> {
    let p = raw.trim().trim_end_matches('.');
    if p.starts_with('.') {
        return Err("class-name fragment (leading `.`), not a package prefix");
    }
    if !is_java_name(p) || p.contains('$') {
        return Err("not a Java package name");
    }
    if !p.contains('.') && p.len() < 4 {
        return Err("package root too short to be specific");
    }
    if is_platform_package(p) {
        return Err("Android platform package (the OS's API, not a bundled library)");
    }
    Ok(p.to_owned())
}

/// A manifest component class name, or why not.
pub(crate) fn component(raw: &str) -> Result<String, &'static str> {
    let p = raw.trim();
    if !is_java_name(p) || !p.contains('.') {
        return Err("component not a fully qualified class name");
    }
    Ok(p.to_owned())
}

/// A native-library file name (or glob), or why not.
pub(crate) fn native_lib(raw: &str) -> Result<String, &'static str> {
    let p = raw.trim();
    if p.is_empty() || p.contains(['/', '\\']) || p.chars().any(char::is_whitespace) {
        return Err("native library name is a path or has spaces");
    }
    if p.chars().filter(|c| *c != '*' && *c != '?').count() < 4 {
        return Err("native library name too short");
    }
    Ok(p.to_owned())
}

/// Turns a regex over file names (`libjcore(.*)\.so`) into a glob (`libjcore*.so`) when the
/// regex uses nothing but literals, escaped dots and "any run" groups.
pub(crate) fn regex_to_glob(regex: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = regex.trim_start_matches('^').trim_end_matches('$');
    const ANY: [&str; 10] = [
        "(.*)", "(.+)", ".*", ".+", "(\\d+)", "\\d+", "\\d*", "([0-9]+)", "[0-9]+", "[0-9]*",
    ];
    'outer: while !rest.is_empty() {
        for any in ANY {
            if let Some(r) = rest.strip_prefix(any) {
                if !out.ends_with('*') {
                    out.push('*');
                }
                rest = r;
                continue 'outer;
            }
        }
        if let Some(r) = rest.strip_prefix("\\.") {
            out.push('.');
            rest = r;
            continue;
        }
        let c = rest.chars().next()?;
        if c == '.' {
            // An unescaped dot is any one character.
            out.push('?');
            rest = &rest[1..];
            continue;
        }
        if "\\()[]{}|+?^$*".contains(c) {
            return None;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_of_file_names_become_globs() {
        assert_eq!(
            regex_to_glob(r"libjcore(.*)\.so").as_deref(),
            Some("libjcore*.so")
        );
        assert_eq!(
            regex_to_glob(r"libAMapSDK_MAP_v(.*)\.so").as_deref(),
            Some("libAMapSDK_MAP_v*.so")
        );
        assert_eq!(
            regex_to_glob(r"libfoo\d+\.so").as_deref(),
            Some("libfoo*.so")
        );
        assert_eq!(regex_to_glob(r"lib(a|b)\.so"), None);
        assert_eq!(
            regex_to_glob(r"libtmessages.(.*)\.so").as_deref(),
            Some("libtmessages?*.so"),
            "an unescaped dot is any one character"
        );
    }

    #[test]
    fn package_prefixes_are_checked() {
        assert_eq!(
            java_package("com.appsflyer.").as_deref(),
            Ok("com.appsflyer")
        );
        assert!(java_package(".LigatusManager").is_err());
        assert!(java_package("com.github.backtrace-labs.").is_err());
        assert!(java_package("abc").is_err());
        assert_eq!(java_package("okhttp3").as_deref(), Ok("okhttp3"));
    }
}
