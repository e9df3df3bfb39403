//! Real vendor SDKs from the corpus, checked against LLVM's Mach-O tools and python's plistlib.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use appaudit_ios::{
    BinaryRole, BundleKind, Container, DirSource, InfoPlist, IosBundleFacts, MachOFacts,
    PrivacyManifest, required_reason_gaps,
};
use common::*;

const JVERIFY: &str = "jverification-react-native@2.8.8/ios/RCTJVerificationModule";

/// Vendor static libraries and framework binaries, as shipped.
const BINARIES: &[&str] = &[
    "react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a",
    "jpush-phonegap-plugin@3.8.6/src/ios/lib/jpush-ios-4.8.1.a",
    "janalytics-react-native@1.4.8/ios/RCTJAnalyticsModule/janalytics-ios-2.1.2.a",
    "jshare-react-native@1.4.3/ios/RCTJShareModule/libjshare-ios-1.9.2.a",
    "cordova-plugin-bugly-sdk@0.0.1/src/ios/Bugly.framework/Bugly",
    "@uiw/react-native-alipay@5.0.2/ios/AlipaySDK.framework/AlipaySDK",
    "cordova-plugin-amap@2.0.0/src/ios/AMapLocationKit.framework/AMapLocationKit",
    "react-native-getui@1.1.55/ios/RCTGetuiModule/RCTGetuiModule/GTSDK.xcframework/ios-arm64_armv7/GTSDK.framework/GTSDK",
    "jverification-react-native@2.8.8/ios/RCTJVerificationModule/jverification-ios-3.4.7.xcframework/ios-arm64/libJVerification.a",
    "jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework/OAuth",
    "jverification-react-native@2.8.8/ios/RCTJVerificationModule/TYRZUISDK.xcframework/ios-arm64_arm64e/TYRZUISDK.framework/TYRZUISDK",
];

fn parse(path: &Path) -> MachOFacts {
    let bytes = std::fs::read(path).unwrap();
    MachOFacts::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn classes_and_symbols_match_llvm_objdump() {
    let Some(corpus) = corpus() else { return };
    for rel in BINARIES {
        let path = corpus.join(rel);
        let facts = parse(&path);
        assert!(facts.warnings.is_empty(), "{rel}: {:?}", facts.warnings);
        let (defined, undefined) = objdump_syms(&path);
        let defined_classes = objc_classes(&defined);
        let ours = set(facts.defined_classes.clone());
        assert!(
            ours == defined_classes,
            "{rel}: defined classes: {}",
            diff(&ours, &defined_classes)
        );
        let imported_classes: BTreeSet<String> = objc_classes(&undefined)
            .difference(&defined_classes)
            .cloned()
            .collect();
        let ours = set(facts.imported_classes.clone());
        assert!(
            ours == imported_classes,
            "{rel}: imported classes: {}",
            diff(&ours, &imported_classes)
        );
        let imported: BTreeSet<String> = undefined.difference(&defined).cloned().collect();
        let ours = set(facts.imported_symbols.clone());
        assert!(
            ours == imported,
            "{rel}: imported symbols: {}",
            diff(&ours, &imported)
        );
    }
}

#[test]
fn architectures_match_lipo_and_object_kinds() {
    let Some(corpus) = corpus() else { return };
    for rel in BINARIES {
        let path = corpus.join(rel);
        let facts = parse(&path);
        let magic = std::fs::read(&path).unwrap()[..4].to_vec();
        if magic == [0xca, 0xfe, 0xba, 0xbe] {
            assert_eq!(facts.container, Container::Fat, "{rel}");
            let lipo = run("llvm-lipo-14", &["-archs", path.to_str().unwrap()]);
            let expected: Vec<&str> = lipo.split_whitespace().collect();
            assert_eq!(facts.archs, expected, "{rel}");
        } else {
            // llvm-lipo crashes on thin archives; the corpus list (from `file`) says "ar archive",
            // and every member of these slices is arm64 (see the xcframework Info.plists).
            assert_eq!(facts.container, Container::Archive, "{rel}");
            assert_eq!(facts.archs, ["arm64"], "{rel}");
        }
        assert!(
            facts.platforms.contains(&"ios".to_owned()),
            "{rel}: {:?}",
            facts.platforms
        );
        assert!(!facts.encrypted, "{rel}");
    }
    // AlipaySDK ships one relocatable object per architecture, not an archive (`file` says
    // "Mach-O armv7 object").
    let alipay = parse(&corpus.join(BINARIES[5]));
    assert!(
        alipay
            .slices
            .iter()
            .all(|s| s.kind == "object" && s.images == 1)
    );
}

#[test]
fn selectors_and_class_names_match_otool() {
    let Some(corpus) = corpus() else { return };
    // Thin inputs: otool prints one slice, so the sets must be equal.
    for rel in [BINARIES[8], BINARIES[9]] {
        let path = corpus.join(rel);
        let facts = parse(&path);
        let (ours, theirs) = (
            set(facts.selectors.clone()),
            otool_strings("__objc_methname", &path),
        );
        assert!(ours == theirs, "{rel}: selectors: {}", diff(&ours, &theirs));
        let (ours, theirs) = (
            set(facts.objc_class_names.clone()),
            otool_strings("__objc_classname", &path),
        );
        assert!(
            ours == theirs,
            "{rel}: class names: {}",
            diff(&ours, &theirs)
        );
    }
}

#[test]
fn sdk_evidence_in_vendor_libraries() {
    let Some(corpus) = corpus() else { return };
    // Class names a reader finds in the vendors' public headers shipped next to the binaries.
    let expectations = [
        (BINARIES[0], "WXApi"),
        (BINARIES[1], "JPUSHService"),
        (BINARIES[4], "Bugly"),
        (BINARIES[5], "AlipaySDK"),
        (BINARIES[6], "AMapLocationManager"),
        (BINARIES[7], "GeTuiSdk"),
        (BINARIES[8], "JVERIFICATIONService"),
    ];
    for (rel, class) in expectations {
        let facts = parse(&corpus.join(rel));
        assert!(
            facts
                .defined_classes
                .binary_search(&class.to_owned())
                .is_ok(),
            "{rel}: {class} not among defined classes"
        );
    }
    let jcore = parse(&corpus.join("cordova-plugin-jcore@1.4.4/src/ios/jcore-ios-3.2.5.a"));
    assert_eq!(jcore.archs, ["armv7", "armv7s", "x86_64", "arm64"]);
    assert!(jcore.defined_classes.iter().any(|c| c.starts_with("JCORE")));
}

#[test]
fn macos_bundle_linked_libraries_and_min_os() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("fsevents@2.3.3/fsevents.node");
    let facts = parse(&path);
    assert_eq!(facts.archs, ["x86_64", "arm64"]);
    assert_eq!(set(facts.linked_libraries.clone()), dylibs_used(&path));
    assert!(facts.slices.iter().all(|s| s.kind == "bundle"));
    let headers = run(
        "llvm-objdump",
        &[
            "--macho",
            "--private-headers",
            "--arch=all",
            path.to_str().unwrap(),
        ],
    );
    // `minos 10.15` (LC_BUILD_VERSION) or `version 10.15` (LC_VERSION_MIN_MACOSX).
    let oracle_min: Vec<&str> = headers
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("minos ")
                .or_else(|| l.trim().strip_prefix("version "))
        })
        .collect();
    assert!(
        oracle_min.contains(&facts.min_os.as_deref().unwrap()),
        "{oracle_min:?} vs {:?}",
        facts.min_os
    );
    assert_eq!(facts.platforms, ["macos"]);
}

#[test]
fn privacy_manifests_match_plistlib() {
    let Some(corpus) = corpus() else { return };
    let manifests = [
        "react-native-device-info@15.0.2/ios/PrivacyInfo.xcprivacy",
        "@react-native-async-storage/async-storage@3.1.1/apple/PrivacyInfo.xcprivacy",
        "jverification-react-native@2.8.8/AwesomeProject/ios/AwesomeProject/PrivacyInfo.xcprivacy",
        "jverification-react-native@2.8.8/ios/RCTJVerificationModule/EAccountApiSDK.xcframework/ios-arm64/EAccountApiSDK.framework/PrivacyInfo.xcprivacy",
        "jverification-react-native@2.8.8/ios/RCTJVerificationModule/TYRZUISDK.xcframework/ios-arm64_arm64e/TYRZUISDK.framework/PrivacyInfo.xcprivacy",
    ];
    for rel in manifests {
        let path = corpus.join(rel);
        let ours = PrivacyManifest::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
        let theirs = plistlib(&path);
        assert_eq!(
            ours.tracking,
            theirs["NSPrivacyTracking"].as_bool(),
            "{rel}"
        );
        let their_apis: Vec<(String, Vec<String>)> = theirs["NSPrivacyAccessedAPITypes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        let reasons = e["NSPrivacyAccessedAPITypeReasons"].as_array().unwrap();
                        (
                            e["NSPrivacyAccessedAPIType"].as_str().unwrap().to_owned(),
                            reasons
                                .iter()
                                .map(|r| r.as_str().unwrap().to_owned())
                                .collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let our_apis: Vec<(String, Vec<String>)> = ours
            .accessed_api_types
            .iter()
            .map(|a| (a.category.clone(), a.reasons.clone()))
            .collect();
        assert_eq!(our_apis, their_apis, "{rel}");
        let their_collected: Vec<&str> = theirs["NSPrivacyCollectedDataTypes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["NSPrivacyCollectedDataType"].as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let our_collected: Vec<&str> = ours
            .collected_data_types
            .iter()
            .map(|c| c.data_type.as_str())
            .collect();
        assert_eq!(our_collected, their_collected, "{rel}");
    }
}

#[test]
fn binary_framework_and_xcframework_plists_match_plistlib() {
    let Some(corpus) = corpus() else { return };
    for sdk in [
        "EAccountApiSDK",
        "OAuth",
        "TYRZUISDK",
        "jverification-ios-3.4.7",
    ] {
        let xc = corpus
            .join(JVERIFY)
            .join(format!("{sdk}.xcframework/Info.plist"));
        let ours = InfoPlist::from_bytes(&std::fs::read(&xc).unwrap()).unwrap();
        let theirs = plistlib(&xc);
        let their_ids: Vec<&str> = theirs["AvailableLibraries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["LibraryIdentifier"].as_str().unwrap())
            .collect();
        let our_ids: Vec<&str> = ours
            .xcframework_libraries
            .iter()
            .map(|l| l.identifier.as_str())
            .collect();
        assert_eq!(our_ids, their_ids, "{sdk}");
        assert_eq!(ours.package_type.as_deref(), Some("XFWK"));
    }
    // Binary plists inside the framework slices.
    let oauth = corpus
        .join(JVERIFY)
        .join("OAuth.xcframework/ios-arm64/OAuth.framework/Info.plist");
    assert!(std::fs::read(&oauth).unwrap().starts_with(b"bplist00"));
    let ours = InfoPlist::from_bytes(&std::fs::read(&oauth).unwrap()).unwrap();
    let theirs = plistlib(&oauth);
    assert_eq!(
        ours.bundle_id.as_deref(),
        theirs["CFBundleIdentifier"].as_str()
    );
    assert_eq!(
        ours.version.as_deref(),
        theirs["CFBundleShortVersionString"].as_str()
    );
    assert_eq!(
        ours.executable.as_deref(),
        theirs["CFBundleExecutable"].as_str()
    );
}

#[test]
fn scanning_the_jverification_sdk_directory() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join(JVERIFY);
    let facts = IosBundleFacts::scan(&DirSource::new(&dir).unwrap());
    assert!(facts.app.is_none());
    // Every PrivacyInfo.xcprivacy on disk, found by walking the directory independently.
    let mut on_disk = BTreeSet::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "PrivacyInfo.xcprivacy" {
                on_disk.insert(
                    p.strip_prefix(dir.parent().unwrap())
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .to_owned(),
                );
            }
        }
    }
    let found: BTreeSet<String> = facts
        .privacy_manifests
        .iter()
        .map(|m| m.path.clone())
        .collect();
    assert_eq!(found, on_disk);
    let frameworks: BTreeSet<(String, Option<String>)> = facts
        .frameworks
        .iter()
        .filter(|f| f.kind == BundleKind::Framework)
        .map(|f| (f.name.clone(), f.bundle_id.clone()))
        .collect();
    // Bundle ids as listed in the corpus's real-inputs.tsv (from plistutil).
    assert_eq!(
        frameworks,
        BTreeSet::from([
            (
                "EAccountApiSDK".to_owned(),
                Some("EAccount.EAccountApiNetwork".to_owned())
            ),
            ("OAuth".to_owned(), Some("com.cu.ios.oauth".to_owned())),
            (
                "TYRZUISDK".to_owned(),
                Some("com.cmcc.authentication.group".to_owned())
            ),
        ])
    );
    let roles: BTreeSet<(String, BinaryRole)> = facts
        .binaries
        .iter()
        .map(|b| (b.path.rsplit('/').next().unwrap().to_owned(), b.role))
        .collect();
    assert!(roles.contains(&("libJVerification.a".to_owned(), BinaryRole::StaticLibrary)));
    assert!(roles.contains(&("OAuth".to_owned(), BinaryRole::Framework)));
    // Every binary is covered: gaps, if any, name a binary that exists.
    for gap in required_reason_gaps(&facts) {
        assert!(facts.binaries.iter().any(|b| b.path == gap.binary));
    }
}
