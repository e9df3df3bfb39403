//! Property tests: Mach-O and plist readers end cleanly on any mutation of real
//! inputs, and what they collect stays in proportion to the input.

use proptest::prelude::*;

/// A Mach-O found by the fuzzer (it once crashed goblin): a compact, real-shaped image.
const MACHO_SEED: &[u8] = include_bytes!("data/regression_lc_main_entry_overflow.macho");

const PLIST_SEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.demo</string>
<key>CFBundleShortVersionString</key><string>1.0</string>
<key>NSCameraUsageDescription</key><string>Scan codes</string>
<key>LSApplicationQueriesSchemes</key><array><string>weixin</string><string>alipays</string></array>
<key>NSPrivacyTracking</key><true/>
<key>NSPrivacyAccessedAPITypes</key><array><dict>
<key>NSPrivacyAccessedAPIType</key><string>NSPrivacyAccessedAPICategoryUserDefaults</string>
<key>NSPrivacyAccessedAPITypeReasons</key><array><string>CA92.1</string></array>
</dict></array>
</dict></plist>"#;

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

    #[test]
    fn mutated_macho_parses_or_fails_cleanly(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in 0usize..2048,
    ) {
        let bytes = mutate(MACHO_SEED, &flips, cut);
        if let Ok(facts) = appaudit_ios::MachOFacts::parse(&bytes) {
            // Every name collected is a distinct, non-empty string of the input.
            for list in [&facts.selectors, &facts.linked_libraries, &facts.imported_symbols] {
                prop_assert!(list.len() <= bytes.len());
            }
        }
    }

    #[test]
    fn mutated_plists_parse_or_fail_cleanly(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in 0usize..2048,
    ) {
        let bytes = mutate(PLIST_SEED.as_bytes(), &flips, cut);
        if let Ok(info) = appaudit_ios::InfoPlist::from_bytes(&bytes) {
            prop_assert!(info.usage_descriptions.len() <= bytes.len());
        }
        let _ = appaudit_ios::PrivacyManifest::from_bytes(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = appaudit_ios::MachOFacts::parse(&bytes);
        let _ = appaudit_ios::InfoPlist::from_bytes(&bytes);
        let _ = appaudit_ios::PrivacyManifest::from_bytes(&bytes);
    }
}
