//! End-to-end (issue #12 §5): each iOS bundle's identity from its own Info.plist and every
//! xcframework slice, checked against python3's plistlib reading the same files.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

/// The plist at `path` as JSON, per python3's plistlib (an independent reader).
fn plistlib(path: &Path) -> serde_json::Value {
    let out = tool(
        "python3",
        &[
            "-c",
            "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb')), default=str))",
            path.to_str().unwrap(),
        ],
    );
    serde_json::from_str(&out).expect("plistlib JSON")
}

/// A slice as (identifier, platform, variant, archs, library path).
type Slice = (String, Option<String>, Option<String>, Vec<String>, String);

fn str_of(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

#[test]
fn nuke_xcframework_slices_and_framework_identity_match_plistlib() {
    let Some(root) = corpus() else { return };
    let xcf = root.join("npm-ios/react-native-turbo-image@1.24.3/package/ios/Nuke.xcframework");
    assert!(xcf.is_dir(), "{}", xcf.display());
    let inv = scan_json(&xcf);
    let bundles = inv["bundles"].as_array().expect("bundles");
    let top = bundles
        .iter()
        .find(|b| b["kind"] == "xcframework")
        .expect("the xcframework");

    // Slices: every AvailableLibraries entry, as plistlib reads it.
    let info = plistlib(&xcf.join("Info.plist"));
    let expected: BTreeSet<Slice> = info["AvailableLibraries"]
        .as_array()
        .expect("AvailableLibraries")
        .iter()
        .map(|l| {
            (
                str_of(&l["LibraryIdentifier"]).unwrap(),
                str_of(&l["SupportedPlatform"]),
                str_of(&l["SupportedPlatformVariant"]),
                l["SupportedArchitectures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
                str_of(&l["LibraryPath"]).unwrap(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 7, "plistlib: Nuke ships seven slices");
    let got: BTreeSet<_> = top["slices"]
        .as_array()
        .expect("slices")
        .iter()
        .map(|s| {
            (
                str_of(&s["identifier"]).unwrap(),
                str_of(&s["platform"]),
                str_of(&s["variant"]),
                s["archs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
                str_of(&s["library_path"]).unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // Identity: each slice framework the scan read, against its own Info.plist.
    let frameworks: Vec<_> = bundles
        .iter()
        .filter(|b| b["kind"] == "framework")
        .collect();
    assert!(!frameworks.is_empty());
    for fw in frameworks {
        let rel = fw["path"].as_str().unwrap();
        let dir = xcf.parent().unwrap().join(rel);
        let plist = [
            dir.join("Info.plist"),
            dir.join("Resources/Info.plist"),
            dir.join("Versions/A/Resources/Info.plist"),
        ]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no Info.plist in {}", dir.display()));
        let p = plistlib(&plist);
        assert_eq!(
            str_of(&fw["bundle_id"]),
            str_of(&p["CFBundleIdentifier"]),
            "{rel}"
        );
        assert_eq!(
            str_of(&fw["version"]),
            str_of(&p["CFBundleShortVersionString"]),
            "{rel}"
        );
        assert_eq!(str_of(&fw["build"]), str_of(&p["CFBundleVersion"]), "{rel}");
        let min = str_of(&p["MinimumOSVersion"]).or_else(|| str_of(&p["LSMinimumSystemVersion"]));
        assert!(min.is_some(), "{rel}: plistlib finds no minimum OS");
        assert_eq!(str_of(&fw["minimum_os"]), min, "{rel}");
    }
}

/// `target/ios-samples/Payload/Demo.app` (built by `scripts/build-ios-samples.sh` when
/// missing), copied into a fresh directory the test may change.
fn demo_app_copy() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let out = ios_samples()?;
    let tmp = tempfile::tempdir().expect("tmp");
    tool(
        "cp",
        &[
            "-r",
            out.join("Payload/Demo.app").to_str().unwrap(),
            tmp.path().to_str().unwrap(),
        ],
    );
    let app = tmp.path().join("Demo.app");
    Some((tmp, app))
}

fn audit_json(app: &Path, profile: &str) -> serde_json::Value {
    let policy = repo().join("samples/appaudit-demo-privacy.txt");
    let (_, stdout, stderr) = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--profile",
        profile,
        "--format",
        "json",
    ]);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"))
}

fn findings<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// AA305: App Review rejects an empty purpose string. Two keys of the demo's Info.plist are
/// blanked with plistlib; the keys plistlib then reads as blank are exactly AA305's.
#[test]
fn empty_purpose_strings_are_aa301() {
    let Some((_tmp, app)) = demo_app_copy() else {
        return;
    };
    assert!(findings(&audit_json(&app, "apple"), "AA305").is_empty());
    let plist = app.join("Info.plist");
    tool(
        "python3",
        &[
            "-c",
            "import plistlib, sys; p = sys.argv[1]; d = plistlib.load(open(p, 'rb')); \
             d['NSCameraUsageDescription'] = '  \\t'; d['NSContactsUsageDescription'] = ''; \
             plistlib.dump(d, open(p, 'wb'))",
            plist.to_str().unwrap(),
        ],
    );
    let blank: BTreeSet<String> = plistlib(&plist)
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| {
            k.contains("UsageDescription") && v.as_str().is_some_and(|s| s.trim().is_empty())
        })
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(blank.len(), 2, "{blank:?}");
    let report = audit_json(&app, "apple");
    let aa301 = findings(&report, "AA305");
    let got: BTreeSet<String> = aa301
        .iter()
        .map(|f| f["permission"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, blank);
    for f in aa301 {
        assert_eq!(f["severity"], "high");
        assert_eq!(f["app_evidence"][0]["location"], "Demo.app/Info.plist");
    }
    // The Chinese pack does not carry the App Store rule.
    assert!(findings(&audit_json(&app, "cn"), "AA305").is_empty());
}

/// Apple's embedded Swift runtime (`Frameworks/libswift*.dylib`) is not the app's: the same
/// binary that is a required-reason gap as Bugly is none as `Frameworks/libswiftCore.dylib`.
#[test]
fn swift_runtime_dylibs_have_no_required_reason_gap() {
    let Some((_tmp, app)) = demo_app_copy() else {
        return;
    };
    let bugly = app.join("Frameworks/Bugly.framework/Bugly");
    let runtime = app.join("Frameworks/libswiftCore.dylib");
    std::fs::copy(&bugly, &runtime).expect("copy");
    // llvm-nm: the binary imports NSFileSystemFreeSize, a DiskSpace required-reason API.
    let undefined = tool("llvm-nm", &["-u", runtime.to_str().unwrap()]);
    assert!(undefined.contains("_NSFileSystemFreeSize"));
    let inv = scan_json(&app);
    let gaps = inv["required_reason_gaps"].as_array().expect("gaps");
    let of = |suffix: &str| -> BTreeSet<String> {
        gaps.iter()
            .filter(|g| g["binary"].as_str().unwrap().ends_with(suffix))
            .map(|g| g["category"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(of("Bugly.framework/Bugly").contains("NSPrivacyAccessedAPICategoryDiskSpace"));
    assert!(of("Frameworks/libswiftCore.dylib").is_empty(), "{gaps:?}");
}
