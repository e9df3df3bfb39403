//! The stable fingerprint of a finding: FNV-1a 64 of its key and the app path as typed, carried
//! by SARIF (`partialFingerprints["appauditFinding/v1"]`) and GitLab Code Quality, and matched by
//! baselines.

use crate::Finding;

/// A path as a SARIF `uri-reference`: forward slashes, percent-encoding of what a URI cannot hold.
pub fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// FNV-1a 64: stable across runs, platforms and Rust versions (unlike `DefaultHasher`).
pub fn fnv1a(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The stable fingerprint of a finding in an artifact.
pub fn fingerprint(finding: &Finding, artifact: &str) -> String {
    fnv1a(&format!("{}|{}", finding.key(), artifact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (Noll): "" and "a" for FNV-1a 64.
        assert_eq!(fnv1a(""), "cbf29ce484222325");
        assert_eq!(fnv1a("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn uris_are_escaped() {
        assert_eq!(uri("samples/app demo.apk"), "samples/app%20demo.apk");
        assert_eq!(uri("C:\\x\\y.apk"), "C:/x/y.apk");
        assert_eq!(uri("政策.txt"), "%E6%94%BF%E7%AD%96.txt");
    }
}
