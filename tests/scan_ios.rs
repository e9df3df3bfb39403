//! End-to-end: `appaudit scan` on iOS inputs (the sample IPA built from corpus SDKs, its unzipped
//! `.app`, corpus frameworks, xcframeworks and static libraries), checked against what `unzip`,
//! python's `plistlib`/`zipfile`, `llvm-objdump` and `llvm-nm` say about the same files.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn demo_ipa() -> Option<PathBuf> {
    Some(ios_samples()?.join("Demo.ipa"))
}

fn python(script: &str, args: &[&str]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 is needed for this test");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python printed JSON")
}

/// Every plist of interest in an IPA, read with python's zipfile + plistlib.
const IPA_PLISTS: &str = r#"
import json, plistlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = {"info": {}, "manifests": {}, "macho": []}
for n in z.namelist():
    data = z.read(n)
    if n.endswith("/Info.plist"):
        d = plistlib.loads(data)
        out["info"][n] = {k: v for k, v in d.items() if isinstance(v, str)}
    elif n.endswith(".xcprivacy"):
        d = plistlib.loads(data)
        out["manifests"][n] = {
            "tracking": d.get("NSPrivacyTracking"),
            "domains": d.get("NSPrivacyTrackingDomains", []),
            "collected": sorted(c["NSPrivacyCollectedDataType"] for c in d.get("NSPrivacyCollectedDataTypes", [])),
            "apis": {a["NSPrivacyAccessedAPIType"]: a.get("NSPrivacyAccessedAPITypeReasons", []) for a in d.get("NSPrivacyAccessedAPITypes", [])},
        }
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe") or data[:8] == b"!<arch>\n":
        out["macho"].append(n)
print(json.dumps(out))
"#;

/// The same for a directory (an unzipped bundle or a corpus SDK).
const DIR_PLISTS: &str = r#"
import json, os, plistlib, sys
root = sys.argv[1]
base = os.path.dirname(root.rstrip("/"))
out = {"info": {}, "manifests": {}}
for dirpath, _, files in os.walk(root):
    for f in files:
        p = os.path.join(dirpath, f)
        rel = os.path.relpath(p, base)
        if f == "PrivacyInfo.xcprivacy":
            d = plistlib.load(open(p, "rb"))
            out["manifests"][rel] = {
                "tracking": d.get("NSPrivacyTracking"),
                "domains": d.get("NSPrivacyTrackingDomains", []),
                "collected": sorted(c["NSPrivacyCollectedDataType"] for c in d.get("NSPrivacyCollectedDataTypes", [])),
                "apis": {a["NSPrivacyAccessedAPIType"]: a.get("NSPrivacyAccessedAPITypeReasons", []) for a in d.get("NSPrivacyAccessedAPITypes", [])},
            }
print(json.dumps(out))
"#;

/// Symbol names `llvm-nm` lists for a Mach-O or static library (all slices and members),
/// undefined ones (`U`) or defined ones. The default output format is parsed because
/// `--format=just-symbols` drops the symbols of bitcode members.
fn nm(path: &Path, undefined: bool) -> BTreeSet<String> {
    tool("llvm-nm", &["--arch=all", path.to_str().unwrap()])
        .lines()
        .filter(|l| !l.contains('[') && !l.ends_with(':'))
        .filter_map(|l| {
            let mut tokens = l.split_whitespace().rev();
            let name = tokens.next()?;
            let kind = tokens.next()?;
            ((kind == "U") == undefined).then(|| name.to_owned())
        })
        .collect()
}

fn defined_classes(path: &Path) -> BTreeSet<String> {
    nm(path, false)
        .iter()
        .filter_map(|s| s.strip_prefix("_OBJC_CLASS_$_"))
        .map(str::to_owned)
        .collect()
}

/// `llvm-objdump --macho --dylibs-used`: install names of the libraries a binary loads.
fn dylibs_used(path: &Path) -> BTreeSet<String> {
    tool(
        "llvm-objdump",
        &["--macho", "--dylibs-used", path.to_str().unwrap()],
    )
    .lines()
    .skip(1)
    .filter_map(|l| l.trim().split(" (compatibility").next())
    .filter(|l| !l.is_empty() && !l.ends_with(':'))
    .map(str::to_owned)
    .collect()
}

fn sdk<'a>(inv: &'a Value, id: &str) -> &'a Value {
    inv["sdks"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("SDK {id} not detected; got {:?}", sdk_ids(inv)))
}

fn warnings(inv: &Value) -> Vec<(String, String)> {
    inv["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["location"].as_str().unwrap().to_owned(),
                w["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Objective-C class prefixes a signature file lists for an SDK (the vendors' documented
/// prefixes), read with python's tomllib.
fn documented_prefixes(id: &str) -> Vec<String> {
    let v = python(
        r#"
import glob, json, sys, tomllib
for f in glob.glob(sys.argv[1] + "/*.toml"):
    for s in tomllib.load(open(f, "rb")).get("sdk", []):
        if s["id"] == sys.argv[2]:
            rules = s.get("rules", {}).get("objc_class_prefixes", [])
            print(json.dumps([r if isinstance(r, str) else r["pattern"] for r in rules]))
"#,
        &[repo().join("sdk-signatures").to_str().unwrap(), id],
    );
    serde_json::from_value(v).unwrap()
}

#[test]
fn demo_ipa_identity_and_usage_descriptions_match_plistlib() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let plists = python(IPA_PLISTS, &[ipa.to_str().unwrap()]);
    let app = &plists["info"]["Payload/Demo.app/Info.plist"];
    assert_eq!(inv["source"]["kind"], "ipa");
    assert_eq!(inv["app"]["platform"], "ios");
    assert_eq!(inv["app"]["package"], app["CFBundleIdentifier"]);
    assert_eq!(
        inv["app"]["version_name"],
        app["CFBundleShortVersionString"]
    );
    assert_eq!(inv["app"]["version_code"], app["CFBundleVersion"]);
    assert_eq!(inv["app"]["min_sdk"], app["MinimumOSVersion"]);
    // Every usage description of the app and of its extension, with its text and plist.
    let mut expected = BTreeSet::new();
    for plist in [
        "Payload/Demo.app/Info.plist",
        "Payload/Demo.app/PlugIns/DemoWidget.appex/Info.plist",
    ] {
        for (key, text) in plists["info"][plist].as_object().unwrap() {
            if key.ends_with("UsageDescription") {
                expected.insert((
                    key.clone(),
                    text.as_str().unwrap().to_owned(),
                    plist.to_owned(),
                ));
            }
        }
    }
    let got: BTreeSet<(String, String, String)> = inv["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["purpose"].as_str().unwrap().to_owned(),
                p["declared_in"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    for p in inv["permissions"].as_array().unwrap() {
        let gated = !p["data_types"].as_array().unwrap().is_empty();
        assert_eq!(
            p["protection"],
            if gated { "dangerous" } else { "normal" },
            "{p}"
        );
    }
    let camera = inv["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "NSCameraUsageDescription")
        .unwrap();
    assert_eq!(camera["data_types"], serde_json::json!(["camera"]));
}

/// Issue #14: data access read the usage keys from `data/taxonomy.json` and permissions from the
/// ios crate's own table; they disagreed (add-only photo access revealed photos in one, nothing in
/// the other; location keys gave coarse location in only one). Now one table feeds both.
#[test]
fn regression_usage_key_data_access_agrees_with_permissions() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let mut from_permissions = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for p in inv["permissions"].as_array().unwrap() {
        let key = p["name"].as_str().unwrap().to_owned();
        for dt in p["data_types"].as_array().unwrap() {
            from_permissions.insert((key.clone(), dt.as_str().unwrap().to_owned()));
        }
        keys.insert(key);
    }
    // The demo declares both kinds of key the two tables disagreed on.
    for key in [
        "NSPhotoLibraryAddUsageDescription",
        "NSLocationWhenInUseUsageDescription",
    ] {
        assert!(keys.contains(key), "the demo no longer declares {key}");
    }
    let mut from_data_access = BTreeSet::new();
    for access in inv["data_access"].as_array().unwrap() {
        let dt = access["data_type"].as_str().unwrap();
        for key in access["permissions"].as_array().unwrap() {
            let key = key.as_str().unwrap();
            if keys.contains(key) {
                from_data_access.insert((key.to_owned(), dt.to_owned()));
            }
        }
    }
    assert!(from_permissions.len() > 5, "{from_permissions:?}");
    assert_eq!(from_data_access, from_permissions);
}

#[test]
fn demo_ipa_binaries_match_zipfile_and_llvm_objdump() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let plists = python(IPA_PLISTS, &[ipa.to_str().unwrap()]);
    let mut macho: Vec<String> = serde_json::from_value(plists["macho"].clone()).unwrap();
    macho.sort();
    assert_eq!(
        field_list(&inv["native_libs"], "path"),
        macho,
        "Mach-O entries by magic (python zipfile)"
    );
    let app_dir = ios_samples().unwrap().join("Payload");
    for lib in inv["native_libs"].as_array().unwrap() {
        let path = lib["path"].as_str().unwrap();
        let on_disk = app_dir.join(path.strip_prefix("Payload/").unwrap());
        let needed: BTreeSet<String> = serde_json::from_value(lib["needed"].clone()).unwrap();
        assert_eq!(needed, dylibs_used(&on_disk), "{path}");
    }
    let main = inv["native_libs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == "Payload/Demo.app/Demo")
        .unwrap();
    assert_eq!(main["sdk"], Value::Null, "the main executable is the app's");
    // The fat Bugly binary's slices, as llvm-objdump lists them.
    let headers = tool(
        "llvm-objdump",
        &[
            "--macho",
            "--universal-headers",
            app_dir
                .join("Demo.app/Frameworks/Bugly.framework/Bugly")
                .to_str()
                .unwrap(),
        ],
    );
    let archs: Vec<&str> = headers
        .lines()
        .filter_map(|l| l.trim().strip_prefix("architecture "))
        .collect();
    let bugly = inv["native_libs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sdk"] == "tencent-bugly")
        .unwrap();
    let mut got: Vec<&str> = bugly["abi"].as_str().unwrap().split(',').collect();
    let mut want = archs.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(inv["stats"]["entries"], 12, "unzip -l lists 12 files");
    assert_eq!(inv["stats"]["native_libs"], macho.len());
}

#[test]
fn demo_ipa_sdks_with_evidence_from_llvm_nm() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let app_dir = ios_samples().unwrap().join("Payload/Demo.app");
    for (id, framework) in [
        ("alipay", "Payload/Demo.app/Frameworks/AlipaySDK.framework"),
        (
            "tencent-bugly",
            "Payload/Demo.app/Frameworks/Bugly.framework",
        ),
        ("unicom-auth", "Payload/Demo.app/Frameworks/OAuth.framework"),
    ] {
        let s = sdk(&inv, id);
        assert!(
            s["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "framework" && e["location"] == framework),
            "{id}: {s}"
        );
        assert_eq!(s["usage"]["status"], "unknown", "no call graph on iOS");
    }
    // Statically linked SDKs: their classes are defined in the main executable (llvm-nm).
    let main_classes = defined_classes(&app_dir.join("Demo"));
    for id in ["jpush", "jcore", "wechat-opensdk"] {
        let s = sdk(&inv, id);
        for e in s["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "objc_class")
        {
            assert_eq!(e["location"], "Payload/Demo.app/Demo", "{e}");
            assert!(
                main_classes.contains(e["value"].as_str().unwrap()),
                "{e} not defined per llvm-nm"
            );
        }
    }
    // Bugly's classes by its documented prefixes, from llvm-nm over every slice.
    let prefixes = documented_prefixes("tencent-bugly");
    let bugly_classes = defined_classes(&app_dir.join("Frameworks/Bugly.framework/Bugly"));
    let expected = bugly_classes
        .iter()
        .filter(|c| prefixes.iter().any(|p| c.starts_with(p.as_str())))
        .count();
    assert!(expected > 50, "llvm-nm found {expected} Bugly classes");
    assert_eq!(sdk(&inv, "tencent-bugly")["class_count"], expected);
}

#[test]
fn demo_ipa_data_access_is_backed_by_imports() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let payload = ios_samples().unwrap().join("Payload");
    let mut undefined: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut checked = 0;
    for access in inv["data_access"].as_array().unwrap() {
        for accessor in access["accessors"].as_array().unwrap() {
            let sites: Vec<&str> = accessor["call_sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            for site in &sites {
                undefined.entry((*site).to_owned()).or_insert_with(|| {
                    nm(&payload.join(site.strip_prefix("Payload/").unwrap()), true)
                });
            }
            for api in accessor["apis"].as_array().unwrap() {
                let api = api.as_str().unwrap();
                // `_getifaddrs` is a symbol, `ASIdentifierManager` a class, `UIDevice.model`
                // a selector whose class must be imported.
                let class = api.split('.').next().unwrap();
                let symbol = if api.starts_with('_') {
                    api.to_owned()
                } else {
                    format!("_OBJC_CLASS_$_{class}")
                };
                assert!(
                    sites.iter().any(|site| undefined[*site].contains(&symbol)),
                    "none of {sites:?} imports {symbol} (llvm-nm, type U)"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "only {checked} APIs checked");
    let idfa = inv["data_access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data_type"] == "idfa")
        .expect("idfa access");
    assert_eq!(
        idfa["permissions"],
        serde_json::json!(["NSUserTrackingUsageDescription"])
    );
    assert_eq!(
        idfa["accessors"][0]["sdk"],
        Value::Null,
        "main.m calls ASIdentifierManager itself"
    );
    assert_eq!(
        idfa["accessors"][0]["call_sites"],
        serde_json::json!(["Payload/Demo.app/Demo"])
    );
}

#[test]
fn demo_ipa_privacy_manifests_and_required_reason_gaps() {
    let Some(ipa) = demo_ipa() else { return };
    let inv = scan_json(&ipa);
    let plists = python(IPA_PLISTS, &[ipa.to_str().unwrap()]);
    check_manifests(&inv, &plists["manifests"]);
    let oauth = inv["privacy_manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["path"] == "Payload/Demo.app/Frameworks/OAuth.framework/PrivacyInfo.xcprivacy")
        .unwrap();
    assert_eq!(oauth["sdk"], "unicom-auth");
    // Categories declared with a reason anywhere (plistlib); a gap must be none of them, its
    // symbol evidence must be imported by its binary (llvm-nm), and each gap is also a warning.
    let declared: BTreeSet<&str> = plists["manifests"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|m| m["apis"].as_object().unwrap().iter())
        .filter(|(_, reasons)| !reasons.as_array().unwrap().is_empty())
        .map(|(c, _)| c.as_str())
        .collect();
    let gaps = inv["required_reason_gaps"].as_array().expect("gaps");
    assert!(!gaps.is_empty());
    let payload = ios_samples().unwrap().join("Payload");
    let warns = warnings(&inv);
    for gap in gaps {
        let category = gap["category"].as_str().unwrap();
        let binary = gap["binary"].as_str().unwrap();
        assert!(!declared.contains(category), "{category} is declared");
        let imports = nm(
            &payload.join(binary.strip_prefix("Payload/").unwrap()),
            true,
        );
        for e in gap["evidence"].as_array().unwrap() {
            if let Some(symbol) = e.as_str().unwrap().strip_prefix("symbol ") {
                assert!(
                    imports.contains(symbol),
                    "{binary} does not import {symbol}"
                );
            }
        }
        assert!(
            warns
                .iter()
                .any(|(l, m)| l == binary && m.contains(category)),
            "no warning for {gap}"
        );
    }
    // Bugly imports statfs-family symbols (llvm-nm) and no manifest declares disk space.
    assert!(
        gaps.iter().any(|g| g["sdk"] == "tencent-bugly"
            && g["category"] == "NSPrivacyAccessedAPICategoryDiskSpace")
    );
}

fn check_manifests(inv: &Value, expected: &Value) {
    let got = inv["privacy_manifests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let paths: BTreeSet<&str> = got.iter().map(|m| m["path"].as_str().unwrap()).collect();
    let want: BTreeSet<&str> = expected
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, want);
    for m in got {
        let e = &expected[m["path"].as_str().unwrap()];
        assert_eq!(m["tracking"], e["tracking"], "{m}");
        assert_eq!(m["tracking_domains"], e["domains"], "{m}");
        let collected: BTreeSet<&str> = m["collected_data_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["data_type"].as_str().unwrap())
            .collect();
        let want: BTreeSet<&str> = e["collected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(collected, want);
        let apis: BTreeMap<&str, &Value> = m["accessed_api_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["category"].as_str().unwrap(), &a["reasons"]))
            .collect();
        let want: BTreeMap<&str, &Value> = e["apis"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        assert_eq!(apis, want);
    }
}

#[test]
fn unzipped_app_gives_the_ipa_inventory() {
    let Some(out) = ios_samples() else { return };
    let from_ipa = scan_json(&out.join("Demo.ipa"));
    let app = out.join("Payload/Demo.app");
    let from_dir = scan_json(&app);
    assert_eq!(from_dir["source"]["kind"], "app_bundle");
    assert_eq!(from_dir["app"], from_ipa["app"]);
    let strip = |v: &Value| v.to_string().replace("Payload/Demo.app", "Demo.app");
    for key in [
        "permissions",
        "sdks",
        "native_libs",
        "data_access",
        "privacy_manifests",
        "required_reason_gaps",
    ] {
        assert_eq!(strip(&from_dir[key]), strip(&from_ipa[key]), "{key}");
    }
    // Size of a directory input: the sum of its files, as `du -b --apparent-size` would count.
    let plists = python(DIR_PLISTS, &[app.to_str().unwrap()]);
    check_manifests(&from_dir, &plists["manifests"]);
    let listed = tool("unzip", &["-l", out.join("Demo.ipa").to_str().unwrap()]);
    let total: u64 = listed
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        from_dir["source"]["size"], total,
        "unzip -l total of the same files"
    );
}

#[test]
fn corpus_frameworks_and_static_libraries() {
    let Some(corpus) = corpus() else { return };
    let cases = [
        (
            "@uiw/react-native-alipay@5.0.2/ios/AlipaySDK.framework",
            "alipay",
            "AlipaySDK.framework/AlipaySDK",
        ),
        (
            "cordova-plugin-bugly-sdk@0.0.1/src/ios/Bugly.framework",
            "tencent-bugly",
            "Bugly.framework/Bugly",
        ),
        (
            "jpush-phonegap-plugin@3.8.6/src/ios/lib/jpush-ios-4.8.1.a",
            "jpush",
            "jpush-ios-4.8.1.a",
        ),
        (
            "react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a",
            "wechat-opensdk",
            "libWeChatSDK.a",
        ),
    ];
    for (rel, id, binary) in cases {
        let path = corpus.join(rel);
        assert!(path.exists(), "corpus input missing: {}", path.display());
        let inv = scan_json(&path);
        assert_eq!(inv["source"]["kind"], "ios_library", "{rel}");
        assert_eq!(inv["app"]["platform"], "ios");
        assert_eq!(field_list(&inv["native_libs"], "path"), [binary], "{rel}");
        assert_eq!(inv["native_libs"][0]["sdk"], id, "{rel}");
        let on_disk = if path.is_dir() {
            path.parent().unwrap().join(binary)
        } else {
            path.clone()
        };
        let classes = defined_classes(&on_disk);
        let s = sdk(&inv, id);
        let evidence = s["evidence"].as_array().unwrap();
        assert!(
            evidence.iter().any(|e| e["kind"] == "framework"),
            "{rel}: {s}"
        );
        for e in evidence.iter().filter(|e| e["kind"] == "objc_class") {
            assert!(
                classes.contains(e["value"].as_str().unwrap()),
                "{rel}: {e} not defined per llvm-nm"
            );
        }
        assert!(
            warnings(&inv)
                .iter()
                .all(|(_, m)| !m.contains("cannot read")),
            "{rel}: {:?}",
            warnings(&inv)
        );
    }
    // WeChat's library holds only WeChat code: every class with a documented prefix counts.
    let wechat = corpus.join("react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a");
    let prefixes = documented_prefixes("wechat-opensdk");
    let expected = defined_classes(&wechat)
        .iter()
        .filter(|c| prefixes.iter().any(|p| c.starts_with(p.as_str())))
        .count();
    assert!(expected > 10);
    assert_eq!(
        sdk(&scan_json(&wechat), "wechat-opensdk")["class_count"],
        expected
    );
}

#[test]
fn corpus_xcframeworks_with_privacy_manifests() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("jverification-react-native@2.8.8/ios/RCTJVerificationModule");
    for (name, id) in [
        ("jverification-ios-3.4.7.xcframework", "jverification"),
        ("OAuth.xcframework", "unicom-auth"),
        ("EAccountApiSDK.xcframework", "telecom-auth"),
        ("TYRZUISDK.xcframework", "cmic-auth"),
    ] {
        let path = dir.join(name);
        let inv = scan_json(&path);
        sdk(&inv, id);
        let plists = python(DIR_PLISTS, &[path.to_str().unwrap()]);
        check_manifests(&inv, &plists["manifests"]);
        for m in inv["privacy_manifests"].as_array().unwrap() {
            assert_eq!(m["sdk"], id, "{m}");
        }
    }
}

#[test]
fn scanning_a_folder_finds_ipas_bundles_and_static_libraries() {
    let Some(out) = ios_samples() else { return };
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(out.join("Demo.ipa"), dir.path().join("Demo.ipa")).unwrap();
    std::fs::copy(
        corpus.join("react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a"),
        dir.path().join("libWeChatSDK.a"),
    )
    .unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(out.join("Payload/Demo.app"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let (code, stdout, stderr) =
        appaudit(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let all: Value = serde_json::from_str(&stdout).unwrap();
    let mut kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"]["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    // The .app is one input: its embedded frameworks are not scanned again on their own.
    assert_eq!(kinds, ["app_bundle", "ios_library", "ipa"]);
}

/// Writes a zip with python's zipfile (an independent writer).
fn write_zip(path: &Path, entries: &[(&str, &Path)]) {
    let mut args = vec![path.to_str().unwrap().to_owned()];
    for (name, file) in entries {
        args.push((*name).to_owned());
        args.push(file.to_str().unwrap().to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let script = r#"
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    rest = sys.argv[2:]
    for name, src in zip(rest[0::2], rest[1::2]):
        z.write(src, name)
print("{}")
"#;
    python(script, &args);
}

#[test]
fn malformed_entries_are_warnings_naming_the_entry() {
    let Some(out) = ios_samples() else { return };
    let app = out.join("Payload/Demo.app");
    let dir = tempfile::tempdir().unwrap();
    let main = std::fs::read(app.join("Demo")).unwrap();
    let truncated = dir.path().join("truncated");
    std::fs::write(&truncated, &main[..3000]).unwrap();
    let bad_plist = dir.path().join("bad.plist");
    std::fs::write(
        &bad_plist,
        b"<?xml version=\"1.0\"?><plist><dict><key>NSPrivacyTracking</key>",
    )
    .unwrap();
    let bugly = app.join("Frameworks/Bugly.framework/Bugly");
    let ipa = dir.path().join("Broken.ipa");
    write_zip(
        &ipa,
        &[
            ("Payload/Demo.app/Info.plist", &app.join("Info.plist")),
            ("Payload/Demo.app/Demo", &truncated),
            ("Payload/Demo.app/PrivacyInfo.xcprivacy", &bad_plist),
            ("Payload/Demo.app/PlugIns/W.appex/Info.plist", &bad_plist),
            ("Payload/Demo.app/Frameworks/Bugly.framework/Bugly", &bugly),
        ],
    );
    let inv = scan_json(&ipa);
    let warns = warnings(&inv);
    for entry in [
        "Payload/Demo.app/Demo",
        "Payload/Demo.app/PrivacyInfo.xcprivacy",
        "Payload/Demo.app/PlugIns/W.appex/Info.plist",
    ] {
        assert!(
            warns.iter().any(|(l, _)| l == entry),
            "no warning for {entry}: {warns:?}"
        );
    }
    // The rest is still reported.
    assert_eq!(inv["app"]["package"], "com.example.appaudit.demo");
    assert!(!inv["permissions"].as_array().unwrap().is_empty());
    sdk(&inv, "tencent-bugly");

    // A malformed app Info.plist: no identity (not an embedded framework's), the frameworks
    // still audited.
    let ipa2 = dir.path().join("NoPlist.ipa");
    write_zip(
        &ipa2,
        &[
            ("Payload/Demo.app/Info.plist", &bad_plist),
            ("Payload/Demo.app/Frameworks/Bugly.framework/Bugly", &bugly),
            (
                "Payload/Demo.app/Frameworks/OAuth.framework/Info.plist",
                &app.join("Frameworks/OAuth.framework/Info.plist"),
            ),
        ],
    );
    let inv = scan_json(&ipa2);
    assert!(
        warnings(&inv)
            .iter()
            .any(|(l, _)| l == "Payload/Demo.app/Info.plist"),
        "{:?}",
        warnings(&inv)
    );
    assert_eq!(inv["app"]["package"], Value::Null);
    sdk(&inv, "tencent-bugly");
}

/// Offset of the `cryptid` field of LC_ENCRYPTION_INFO_64 (cmd 0x2c) in a thin 64-bit Mach-O,
/// walking load commands with the layout of <mach-o/loader.h>.
fn cryptid_offset(bytes: &[u8]) -> usize {
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let mut at = 32;
    for _ in 0..u32_at(16) {
        if u32_at(at) == 0x2c {
            return at + 16;
        }
        at += u32_at(at + 4) as usize;
    }
    panic!("no LC_ENCRYPTION_INFO_64");
}

#[test]
fn encrypted_binaries_get_the_fairplay_warning_and_are_still_audited() {
    let Some(out) = ios_samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(out.join("Payload/Demo.app"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let app = dir.path().join("Demo.app");
    for exe in ["Demo", "PlugIns/DemoWidget.appex/DemoWidget"] {
        let path = app.join(exe);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = cryptid_offset(&bytes);
        bytes[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let headers = tool(
            "llvm-objdump",
            &["--macho", "--private-headers", path.to_str().unwrap()],
        );
        assert!(headers.contains("cryptid 1"), "{exe} not patched");
    }
    let inv = scan_json(&app);
    let warns = warnings(&inv);
    for exe in [
        "Demo.app/Demo",
        "Demo.app/PlugIns/DemoWidget.appex/DemoWidget",
    ] {
        // Exactly one warning per encrypted binary, naming it.
        let fairplay: Vec<&(String, String)> = warns
            .iter()
            .filter(|(l, m)| l == exe && m.contains("FairPlay"))
            .collect();
        assert_eq!(fairplay.len(), 1, "{exe}: {warns:?}");
        assert!(
            fairplay[0]
                .1
                .starts_with("FairPlay-encrypted (arm64): class/selector analysis limited")
        );
    }
    let all = warns.iter().filter(|(_, m)| m.contains("FairPlay")).count();
    assert_eq!(all, 2, "{warns:?}");
    // Linked libraries, imported symbols, plists and frameworks are still audited.
    let main = inv["native_libs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == "Demo.app/Demo")
        .unwrap();
    let needed: BTreeSet<String> = serde_json::from_value(main["needed"].clone()).unwrap();
    assert_eq!(needed, dylibs_used(&app.join("Demo")));
    assert!(!inv["permissions"].as_array().unwrap().is_empty());
    sdk(&inv, "tencent-bugly");
    let idfa = inv["data_access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data_type"] == "idfa");
    assert!(
        idfa.is_some(),
        "the ASIdentifierManager import is a symbol, readable when encrypted"
    );
}
