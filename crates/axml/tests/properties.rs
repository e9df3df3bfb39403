//! Property tests: whatever the bytes, the decoder ends cleanly and its output
//! stays in proportion to its input.

use proptest::prelude::*;

/// A real manifest to mutate (androguard's plain test manifest).
const SEED: &[u8] = include_bytes!("data/axml/AndroidManifest.xml");

fn mutate(seed: &[u8], flips: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(at, value) in flips {
        if let Some(b) = bytes.get_mut(at % seed.len()) {
            *b = value;
        }
    }
    bytes.truncate(cut.min(bytes.len()));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any mutation of a real manifest decodes or fails cleanly; a decoded tree never
    /// has more elements than the input has bytes for.
    #[test]
    fn mutated_manifests_decode_or_fail_cleanly(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in 0usize..4096,
    ) {
        let bytes = mutate(SEED, &flips, cut);
        if let Ok(doc) = appaudit_axml::parse_manifest_bytes(&bytes) {
            // A binary start-element chunk is at least 16 bytes; a text element (`<a/>`)
            // at least 4.
            let per_element = if doc.format == appaudit_axml::SourceFormat::Binary { 16 } else { 4 };
            prop_assert!(doc.elements.len() <= bytes.len() / per_element + 1);
            let manifest = appaudit_axml::Manifest::from_document(&doc);
            prop_assert!(manifest.uses_permissions.len() <= doc.elements.len());
        }
    }

    /// Arbitrary bytes never panic, whatever the sniffed format.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = appaudit_axml::parse_manifest_bytes(&bytes);
    }
}
