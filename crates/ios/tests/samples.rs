//! The sample IPA that `scripts/build-ios-samples.sh` links from the real vendor libraries, and
//! malformed variants of real binaries.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use appaudit_ios::{
    BinaryRole, DirSource, FileSource, IosBundleFacts, MachOFacts, required_reason_gaps,
};
use common::*;

/// A zip-backed source, as the lead's archive crate will provide: `list` + `read`.
struct ZipSource {
    bytes: Vec<u8>,
}

impl FileSource for ZipSource {
    fn list(&self) -> Vec<String> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&self.bytes)).unwrap();
        zip.file_names()
            .filter_map(Result::ok)
            .filter(|n| !n.ends_with('/'))
            .map(|n| n.into_owned())
            .collect()
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&self.bytes))?;
        let mut entry = zip.by_name(path)?;
        let mut out = Vec::new();
        entry.read_to_end(&mut out)?;
        Ok(out)
    }
}

fn check_demo(facts: &IosBundleFacts, app_dir: &Path) {
    let app = facts.app.as_ref().expect("app found");
    assert_eq!(app.path, "Payload/Demo.app");
    // Values from the Info.plist the script writes, read back by plistlib.
    let plist = plistlib(&app_dir.join("Info.plist"));
    assert_eq!(
        app.info.bundle_id.as_deref(),
        plist["CFBundleIdentifier"].as_str()
    );
    assert_eq!(
        app.info.minimum_os.as_deref(),
        plist["MinimumOSVersion"].as_str()
    );
    let their_keys: BTreeSet<String> = plist
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.ends_with("UsageDescription"))
        .cloned()
        .collect();
    let our_keys: BTreeSet<String> = app
        .info
        .usage_descriptions
        .iter()
        .map(|u| u.key.clone())
        .collect();
    assert_eq!(our_keys, their_keys);
    let schemes: Vec<&str> = plist["LSApplicationQueriesSchemes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(app.info.queried_url_schemes, schemes);
    assert!(app.info.background_modes.contains(&"location".to_owned()));
    assert!(app.info.ats.as_ref().unwrap().allows_arbitrary_loads);

    let roles: Vec<(&str, BinaryRole)> = facts
        .binaries
        .iter()
        .map(|b| (b.path.as_str(), b.role))
        .collect();
    for expected in [
        ("Payload/Demo.app/Demo", BinaryRole::MainExecutable),
        (
            "Payload/Demo.app/Frameworks/AlipaySDK.framework/AlipaySDK",
            BinaryRole::Framework,
        ),
        (
            "Payload/Demo.app/Frameworks/Bugly.framework/Bugly",
            BinaryRole::Framework,
        ),
        (
            "Payload/Demo.app/Frameworks/OAuth.framework/OAuth",
            BinaryRole::Framework,
        ),
        (
            "Payload/Demo.app/PlugIns/DemoWidget.appex/DemoWidget",
            BinaryRole::AppExtension,
        ),
    ] {
        assert!(roles.contains(&expected), "{expected:?} not in {roles:?}");
    }
    assert_eq!(facts.binaries.len(), 5, "{roles:?}");

    let main = &facts
        .binaries
        .iter()
        .find(|b| b.role == BinaryRole::MainExecutable)
        .unwrap()
        .facts;
    let exe = app_dir.join("Demo");
    assert_eq!(set(main.linked_libraries.clone()), dylibs_used(&exe));
    let (defined, undefined) = objdump_syms(&exe);
    assert_eq!(set(main.defined_classes.clone()), objc_classes(&defined));
    let ours = set(main.imported_symbols.clone());
    assert!(ours == undefined, "{}", diff(&ours, &undefined));
    // lld merges __objc_methname into __cstring: selectors come from __objc_selrefs, which
    // otool resolves too.
    let (ours, theirs) = (set(main.selectors.clone()), otool_selrefs(&exe));
    assert!(ours == theirs, "{}", diff(&ours, &theirs));
    // What main.m in the script uses and defines.
    assert!(
        main.imported_classes
            .contains(&"ASIdentifierManager".to_owned())
    );
    assert!(main.imported_classes.contains(&"UIDevice".to_owned()));
    assert!(main.selectors.contains(&"advertisingIdentifier".to_owned()));
    // lld also merges __objc_classname into __cstring; the unstripped symbol table still names
    // the classes.
    assert!(main.defined_classes.contains(&"DemoAppDelegate".to_owned()));
    assert!(main.defined_classes.contains(&"JPUSHService".to_owned()));
    assert!(main.defined_classes.contains(&"WXApi".to_owned()));
    assert_eq!(main.archs, ["arm64"]);
    assert_eq!(main.platforms, ["ios"]);
    assert_eq!(main.min_os.as_deref(), Some("13.0"));

    let manifests: BTreeSet<&str> = facts
        .privacy_manifests
        .iter()
        .map(|m| m.path.as_str())
        .collect();
    assert_eq!(
        manifests,
        BTreeSet::from([
            "Payload/Demo.app/PrivacyInfo.xcprivacy",
            "Payload/Demo.app/Frameworks/OAuth.framework/PrivacyInfo.xcprivacy"
        ])
    );
    let oauth = facts.frameworks.iter().find(|f| f.name == "OAuth").unwrap();
    assert_eq!(oauth.bundle_id.as_deref(), Some("com.cu.ios.oauth"));
    let widget = facts
        .frameworks
        .iter()
        .find(|f| f.name == "DemoWidget")
        .unwrap();
    assert_eq!(
        widget.info.as_ref().unwrap().extension_point.as_deref(),
        Some("com.apple.widgetkit-extension")
    );

    // main.m calls mach_absolute_time and no manifest declares SystemBootTime; UserDefaults is
    // declared by the app's manifest, so it must not be a gap.
    let gaps = required_reason_gaps(facts);
    assert!(gaps.iter().any(|g| {
        g.binary == "Payload/Demo.app/Demo"
            && g.category == "NSPrivacyAccessedAPICategorySystemBootTime"
            && g.evidence
                .contains(&"symbol _mach_absolute_time".to_owned())
    }));
    assert!(
        !gaps
            .iter()
            .any(|g| g.category == "NSPrivacyAccessedAPICategoryUserDefaults")
    );
    // JCore's objects linked into Demo reference NSFileCreationDate (llvm-nm shows it).
    if undefined.contains("_NSFileCreationDate") {
        assert!(gaps.iter().any(|g| g.binary == "Payload/Demo.app/Demo"
            && g.category == "NSPrivacyAccessedAPICategoryFileTimestamp"));
    }
}

#[test]
fn sample_app_directory_and_ipa_give_the_same_facts() {
    let Some(out) = samples() else { return };
    let app_dir = out.join("Payload/Demo.app");
    let from_dir = IosBundleFacts::scan(&DirSource::new(out.join("Payload")).unwrap());
    check_demo(&from_dir, &app_dir);
    let ipa = ZipSource {
        bytes: std::fs::read(out.join("Demo.ipa")).unwrap(),
    };
    let from_ipa = IosBundleFacts::scan(&ipa);
    check_demo(&from_ipa, &app_dir);
    assert_eq!(
        serde_json::to_value(&from_dir).unwrap(),
        serde_json::to_value(&from_ipa).unwrap()
    );
}

fn demo_bytes() -> Option<Vec<u8>> {
    let out = samples()?;
    Some(std::fs::read(out.join("Payload/Demo.app/PlugIns/DemoWidget.appex/DemoWidget")).unwrap())
}

/// (offset, cmd, cmdsize) of every load command, read with the layout from <mach-o/loader.h>.
fn load_commands(bytes: &[u8]) -> Vec<(usize, u32, u32)> {
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let mut at = 32;
    (0..u32_at(16))
        .map(|_| {
            let entry = (at, u32_at(at), u32_at(at + 4));
            at += entry.2 as usize;
            entry
        })
        .collect()
}

#[test]
fn encrypted_executable_is_flagged_and_still_read() {
    let Some(mut bytes) = demo_bytes() else {
        return;
    };
    // lld writes LC_ENCRYPTION_INFO_64 with cryptid 0; set cryptid to 1 as FairPlay does.
    let (at, _, _) = *load_commands(&bytes)
        .iter()
        .find(|(_, cmd, _)| *cmd == 0x2c)
        .unwrap();
    bytes[at + 16..at + 20].copy_from_slice(&1u32.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Encrypted");
    std::fs::write(&path, &bytes).unwrap();
    let headers = run(
        "llvm-objdump",
        &["--macho", "--private-headers", path.to_str().unwrap()],
    );
    assert!(headers.contains("LC_ENCRYPTION_INFO_64") && headers.contains("cryptid 1"));
    let facts = MachOFacts::parse(&bytes).unwrap();
    assert!(facts.encrypted);
    assert!(facts.slices[0].encrypted);
    assert!(
        facts.selectors.is_empty(),
        "encrypted __TEXT strings must not be read"
    );
    assert_eq!(set(facts.linked_libraries.clone()), dylibs_used(&path));
    assert!(
        facts
            .imported_classes
            .contains(&"CLLocationManager".to_owned())
    );
    assert!(facts.warnings.iter().any(|w| w.contains("FairPlay")));
}

#[test]
fn truncated_executable_never_panics() {
    let Some(bytes) = demo_bytes() else { return };
    for len in (0..4096.min(bytes.len())).chain((4096..bytes.len()).step_by(997)) {
        let _ = MachOFacts::parse(&bytes[..len]);
    }
}

#[test]
fn broken_load_commands_are_clear_errors() {
    let Some(bytes) = demo_bytes() else { return };
    let commands = load_commands(&bytes);
    let (at, _, _) = commands[2];
    let mut zero = bytes.clone();
    zero[at + 4..at + 8].copy_from_slice(&0u32.to_le_bytes());
    let err = MachOFacts::parse(&zero).unwrap_err().to_string();
    assert!(
        err.contains("load command #2") && err.contains("cmdsize 0"),
        "{err}"
    );
    let mut past_end = bytes.clone();
    past_end[at + 4..at + 8].copy_from_slice(&0x00ff_fff0u32.to_le_bytes());
    let err = MachOFacts::parse(&past_end).unwrap_err().to_string();
    assert!(
        err.contains("load command #2") && err.contains("cmdsize 16777200"),
        "{err}"
    );
    let mut too_many = bytes.clone();
    too_many[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = MachOFacts::parse(&too_many).unwrap_err().to_string();
    assert!(err.contains("load commands cannot fit"), "{err}");
    // A segment claiming more sections than its command holds.
    let (seg, _, _) = *commands.iter().find(|(_, cmd, _)| *cmd == 0x19).unwrap();
    let mut sections = bytes.clone();
    sections[seg + 64..seg + 68].copy_from_slice(&100_000u32.to_le_bytes());
    let err = MachOFacts::parse(&sections).unwrap_err().to_string();
    assert!(err.contains("declares 100000 sections"), "{err}");
}

#[test]
fn malformed_fat_headers_are_clear_errors() {
    let Some(corpus) = corpus() else { return };
    let bytes = std::fs::read(corpus.join("fsevents@2.3.3/fsevents.node")).unwrap();
    let mut huge = bytes.clone();
    huge[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    let err = MachOFacts::parse(&huge).unwrap_err().to_string();
    assert!(err.contains("declares 4294967295 architectures"), "{err}");
    // One slice pointing past the end: the other is still read, with a warning.
    let mut bad_slice = bytes.clone();
    bad_slice[8 + 8..8 + 12].copy_from_slice(&0x7fff_fff0u32.to_be_bytes());
    let facts = MachOFacts::parse(&bad_slice).unwrap();
    assert_eq!(facts.archs, ["arm64"]);
    assert!(
        facts.warnings[0].contains("lies outside"),
        "{:?}",
        facts.warnings
    );
    for len in 0..4096 {
        let _ = MachOFacts::parse(&bytes[..len]);
    }
}

#[test]
fn bogus_archive_members_are_warnings_or_errors() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join(
        "jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework/OAuth",
    );
    let bytes = std::fs::read(path).unwrap();
    let good = MachOFacts::parse(&bytes).unwrap();
    // The first member header starts right after the 8-byte magic; its size field is at 48..58.
    let mut huge = bytes.clone();
    huge[8 + 48..8 + 58].copy_from_slice(b"9999999999");
    let facts = MachOFacts::parse(&huge).unwrap();
    assert_eq!(facts.slices[0].images, 0);
    assert!(
        facts.warnings[0].contains("member claims 9999999999 bytes"),
        "{:?}",
        facts.warnings
    );
    // Corrupt the Mach-O magic of one object member: that member is skipped, the rest is read.
    let second = bytes
        .windows(4)
        .skip(100)
        .position(|w| w == [0xcf, 0xfa, 0xed, 0xfe])
        .unwrap()
        + 100;
    let mut bad_member = bytes.clone();
    bad_member[second + 16..second + 20].copy_from_slice(&u32::MAX.to_le_bytes());
    let facts = MachOFacts::parse(&bad_member).unwrap();
    assert_eq!(facts.slices[0].images + 1, good.slices[0].images);
    assert!(
        facts
            .warnings
            .iter()
            .any(|w| w.contains("skipped archive member")),
        "{:?}",
        facts.warnings
    );
    for len in (0..4096).chain((4096..bytes.len()).step_by(4999)) {
        let _ = MachOFacts::parse(&bytes[..len]);
    }
}
