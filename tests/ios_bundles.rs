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
