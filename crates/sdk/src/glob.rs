//! The small glob dialect of signature patterns, compiled to regex syntax.
//!
//! `*` matches any run of characters except `/`, `**` any run including `/`,
//! `?` one character except `/`; everything else is literal. Kept deliberately
//! tiny so every pattern in a user file has one obvious meaning.

/// Whether a pattern uses any glob metacharacter.
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Number of literal (non-wildcard) characters: a more literal pattern is more specific.
pub(crate) fn literal_len(pattern: &str) -> usize {
    pattern.chars().filter(|c| !matches!(c, '*' | '?')).count()
}

/// The regex (anchored at both ends) equivalent to a glob.
pub(crate) fn to_regex(pattern: &str, case_insensitive: bool) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    if case_insensitive {
        out.push_str("(?i)");
    }
    out.push('^');
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(".*");
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            other => out.push_str(&regex::escape(other.encode_utf8(&mut [0; 4]))),
        }
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, text: &str) -> bool {
        regex::Regex::new(&to_regex(glob, false))
            .map(|r| r.is_match(text))
            .unwrap_or(false)
    }

    #[test]
    fn star_stays_within_a_path_segment() {
        assert!(matches("libjcore*.so", "libjcore332.so"));
        assert!(matches("libjcore*.so", "libjcore.so"));
        assert!(!matches("libjcore*.so", "libjcore332.sox"));
        assert!(matches("assets/*.dat", "assets/a.dat"));
        assert!(!matches("assets/*.dat", "assets/x/a.dat"));
        assert!(matches("assets/**.dat", "assets/x/a.dat"));
    }

    #[test]
    fn regex_metacharacters_are_literal() {
        assert!(matches("a.b(c)+", "a.b(c)+"));
        assert!(!matches("a.b", "axb"));
        assert!(matches("lib?.so", "liba.so"));
        assert!(!matches("lib?.so", "libab.so"));
    }

    #[test]
    fn literal_length_ignores_wildcards() {
        assert_eq!(literal_len("libtnet-*.so"), 11); // "libtnet-" + ".so"
        assert!(is_glob("a*"));
        assert!(!is_glob("libmsc.so"));
    }
}
