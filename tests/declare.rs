//! End-to-end: `appaudit declare` drafts store declarations. The Play draft of the demo APK is
//! checked against `aapt dump permissions` and `dexdump -d` (which method invokes which API),
//! through a hand table of Android APIs and permissions to Google's Data safety types; the
//! Apple draft of the sample IPA is validated with `xmllint` and read back with python's
//! `plistlib`, and checked against `llvm-nm` and the IPA's own manifest (`unzip -p`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const DEMO: &str = "samples/appaudit-demo.apk";

/// Hand labels: Android API (dexdump's `Lclass;.method`) → Google Data safety type, after
/// Google's "Data types" list (support.google.com/googleplay/android-developer/answer/10787469).
const API_TO_PLAY: &[(&str, &str)] = &[
    (
        "Landroid/telephony/TelephonyManager;.getDeviceId",
        "Device or other IDs",
    ),
    (
        "Landroid/telephony/TelephonyManager;.getImei",
        "Device or other IDs",
    ),
    (
        "Landroid/telephony/TelephonyManager;.getSubscriberId",
        "Device or other IDs",
    ),
    (
        "Landroid/net/wifi/WifiInfo;.getMacAddress",
        "Device or other IDs",
    ),
    (
        "Landroid/provider/Settings$Secure;.getString",
        "Device or other IDs",
    ),
    (
        "Landroid/content/pm/PackageManager;.getInstalledPackages",
        "Installed apps",
    ),
    (
        "Landroid/location/LocationManager;.getLastKnownLocation",
        "Precise location",
    ),
];

/// Hand labels: permission → the Google type it is an indicator of.
const PERMISSION_TO_PLAY: &[(&str, &str)] = &[
    (
        "android.permission.ACCESS_COARSE_LOCATION",
        "Approximate location",
    ),
    (
        "android.permission.ACCESS_FINE_LOCATION",
        "Precise location",
    ),
    ("android.permission.READ_CONTACTS", "Contacts"),
    ("android.permission.QUERY_ALL_PACKAGES", "Installed apps"),
    ("android.permission.READ_PHONE_STATE", "Device or other IDs"),
];

/// Hand labels: the demo's class prefixes → the SDK that owns them (`None`: the app's own).
const OWNERS: &[(&str, Option<&str>)] = &[
    ("Lcom/example/appauditdemo/", None),
    ("Lcn/jpush/", Some("jpush")),
    ("Lcom/umeng/", Some("umeng-common")),
    ("Lcom/amap/api/location/", Some("amap-location")),
    ("Lcom/tencent/bugly/", Some("tencent-bugly")),
];

type Methods = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// Per method (`Lclass;->name`, as appaudit writes call sites) of a DEX: the methods it invokes
/// (`Lclass;.name`) and the strings it loads, per `dexdump -d`.
fn dexdump_methods(dex: &Path) -> Methods {
    let text = tool("dexdump", &["-d", dex.to_str().unwrap()]);
    let mut out = Methods::new();
    let (mut class, mut method) = (String::new(), String::new());
    for line in text.lines() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix("Class descriptor  : '") {
            c.trim_end_matches('\'').clone_into(&mut class);
        } else if let Some(m) = t.strip_prefix("name          : '") {
            m.trim_end_matches('\'').clone_into(&mut method);
            out.entry(format!("{class}->{method}")).or_default();
        } else if let Some((callee, _)) = t
            .split_once("invoke-")
            .and_then(|(_, rest)| rest.split_once("}, "))
            .and_then(|(_, target)| target.split_once(':'))
        {
            let entry = out.entry(format!("{class}->{method}")).or_default();
            entry.0.insert(callee.to_owned());
        } else if let Some((s, _)) = t
            .split_once("const-string")
            .and_then(|(_, rest)| rest.split_once(", \""))
            .and_then(|(_, s)| s.rsplit_once("\" //"))
        {
            let entry = out.entry(format!("{class}->{method}")).or_default();
            entry.1.insert(s.to_owned());
        }
    }
    out
}

fn owner(site: &str) -> Option<&'static str> {
    OWNERS
        .iter()
        .find(|(prefix, _)| site.starts_with(prefix))
        .unwrap_or_else(|| panic!("no hand label for the owner of {site}"))
        .1
}

fn declare(args: &[&str]) -> Value {
    let (code, stdout, stderr) = appaudit(args);
    assert_eq!(code, 0, "declare {args:?} failed: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn row<'a>(decl: &'a Value, data_type: &str) -> &'a Value {
    decl["data_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["data_type"] == data_type)
        .unwrap_or_else(|| panic!("no {data_type} row in {decl:#}"))
}

fn evidence<'a>(row: &'a Value, kind: &str) -> Vec<&'a Value> {
    row["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// One entry of an archive, as `unzip -p` extracts it, written to `dir/name`.
fn unzip_entry(archive: &Path, entry: &str, dir: &Path, name: &str) -> PathBuf {
    let out = Command::new("unzip")
        .args(["-p", archive.to_str().unwrap(), entry])
        .output()
        .expect("unzip");
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "unzip {entry}"
    );
    let path = dir.join(name);
    std::fs::write(&path, out.stdout).unwrap();
    path
}

fn taxonomy_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join("data/taxonomy.json")).unwrap())
        .unwrap()
}

#[test]
fn declare_play_demo_follows_aapt_and_dexdump() {
    let apk = repo().join(DEMO);
    let decl = declare(&["declare", apk.to_str().unwrap(), "--store", "play", "-q"]);
    assert_eq!(decl["store"], "play");
    assert_eq!(decl["app"]["package"], "com.example.appauditdemo");

    // Every row is one of Google's types in its category (the catalogue of data/taxonomy.json,
    // itself from Google's help page).
    let taxonomy = taxonomy_json();
    let categories = &taxonomy["google_play_data_safety"]["categories"];
    for r in decl["data_types"].as_array().unwrap() {
        let types = categories[r["category"].as_str().unwrap()]
            .as_array()
            .unwrap_or_else(|| panic!("unknown category in {r}"));
        assert!(types.contains(&r["data_type"]), "{r}");
    }

    // Permissions: each hand-labelled one aapt lists shows on its row; no row cites one aapt
    // does not list.
    let granted = aapt_permissions(&apk);
    for (permission, play) in PERMISSION_TO_PLAY {
        assert!(
            granted.iter().any(|g| g == permission),
            "aapt: {permission}"
        );
        let r = row(&decl, play);
        assert!(
            evidence(r, "permission")
                .iter()
                .any(|e| e["value"] == *permission),
            "{play} lacks {permission}: {r:#}"
        );
    }
    for r in decl["data_types"].as_array().unwrap() {
        for e in evidence(r, "permission") {
            assert!(
                granted.iter().any(|g| e["value"] == g.as_str()),
                "{e} not requested per aapt"
            );
        }
    }

    // Code: every method dexdump shows invoking a hand-labelled API makes its row collected,
    // shared when the method is an SDK's, app_code when it is the app's, with that call site.
    let dir = tempfile::tempdir().unwrap();
    let dex = unzip_entry(&apk, "classes.dex", dir.path(), "classes.dex");
    let methods = dexdump_methods(&dex);
    let mut checked = 0;
    for (site, (invokes, strings)) in &methods {
        for (api, play) in API_TO_PLAY {
            if !invokes.contains(*api) {
                continue;
            }
            // Settings.Secure.getString reads the Android ID only with that key.
            if api.contains("Settings$Secure") && !strings.contains("android_id") {
                continue;
            }
            let r = row(&decl, play);
            assert_eq!(r["collected"], true, "{site} -> {api}: {r:#}");
            assert_eq!(r["basis"], "code", "{r:#}");
            let who = owner(site);
            match who {
                Some(sdk) => {
                    assert_eq!(r["shared"], true, "{site} is {sdk}'s: {r:#}");
                    assert!(
                        r["sdks"].as_array().unwrap().iter().any(|s| s["id"] == sdk),
                        "{play}: {sdk} missing: {r:#}"
                    );
                }
                None => assert_eq!(r["app_code"], true, "{site} is the app's: {r:#}"),
            }
            assert!(
                evidence(r, "call_site").iter().any(
                    |e| e["value"] == *site && e["sdk"] == who.map_or(Value::Null, Value::from)
                ),
                "{play}: call site {site} missing: {r:#}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 6,
        "dexdump matched only {checked} hand-labelled calls"
    );

    // Contacts: the app's PasteHelper loads the contacts URI and queries it (dexdump).
    let (invokes, strings) = &methods["Lcom/example/appauditdemo/PasteHelper;->lastCopied"];
    assert!(invokes.contains("Landroid/content/ContentResolver;.query"));
    assert!(
        strings
            .iter()
            .any(|s| s.starts_with("content://com.android.contacts"))
    );
    let contacts = row(&decl, "Contacts");
    assert_eq!(contacts["app_code"], true);
    assert_eq!(
        contacts["shared"], false,
        "no SDK reads contacts: {contacts:#}"
    );

    // No code reads the coarse location (dexdump: only the "gps" provider): permission only.
    let approx = row(&decl, "Approximate location");
    assert_eq!(approx["basis"], "permission_only", "{approx:#}");
    assert_eq!(approx["collected"], false);

    // Bugly is bundled (dexdump defines its CrashReport class) but no method outside its
    // package invokes it: "Crash logs" is listed for review, neither collected nor shared.
    assert!(
        methods
            .keys()
            .any(|m| m.starts_with("Lcom/tencent/bugly/crashreport/"))
    );
    let called = methods.iter().any(|(m, (invokes, _))| {
        !m.starts_with("Lcom/tencent/bugly/")
            && invokes.iter().any(|c| c.starts_with("Lcom/tencent/bugly/"))
    });
    assert!(!called, "dexdump: the app calls Bugly");
    let crash = row(&decl, "Crash logs");
    assert_eq!(crash["basis"], "sdk_category", "{crash:#}");
    assert_eq!(crash["collected"], false, "{crash:#}");
    assert!(
        evidence(crash, "sdk")
            .iter()
            .any(|e| e["sdk"] == "tencent-bugly"),
        "{crash:#}"
    );

    // No invented call site: each one is a method dexdump defines.
    for r in decl["data_types"].as_array().unwrap() {
        for e in evidence(r, "call_site") {
            assert!(
                methods.contains_key(e["value"].as_str().unwrap()),
                "{e}: no such method per dexdump"
            );
        }
    }
}

#[test]
fn declare_play_csv_has_the_documented_columns_and_the_json_rows() {
    let apk = repo().join(DEMO);
    let decl = declare(&["declare", apk.to_str().unwrap(), "--store", "play", "-q"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ds.csv");
    let (code, _, stderr) = appaudit(&[
        "declare",
        apk.to_str().unwrap(),
        "--store",
        "play",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Python's csv module is the independent reader.
    let script =
        "import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))";
    let rows: Vec<Vec<String>> =
        serde_json::from_str(&tool("python3", &["-c", script, csv.to_str().unwrap()])).unwrap();
    // The columns README.md documents for `declare --format csv`.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let header = rows[0].join(",");
    assert!(
        readme.contains(&format!("`{header}`")),
        "README does not document the CSV header {header}"
    );
    let json_rows = decl["data_types"].as_array().unwrap();
    assert_eq!(rows.len() - 1, json_rows.len());
    for (csv_row, j) in rows[1..].iter().zip(json_rows) {
        assert_eq!(csv_row.len(), rows[0].len(), "{csv_row:?}");
        assert_eq!(csv_row[0], j["category"].as_str().unwrap());
        assert_eq!(csv_row[1], j["data_type"].as_str().unwrap());
        assert_eq!(csv_row[2], j["collected"].to_string());
        assert_eq!(csv_row[3], j["shared"].to_string());
    }
}

#[test]
fn androidx_reads_are_not_sharing() {
    // Regression: AndroidX (a library compiled into the app, SDK category `framework`) reading
    // external storage made "Files and docs" shared in io.appium.settings.
    let Some(apk) = corpus_file("io.appium.settings@8.0.10/apks/settings_apk-debug.apk") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-q",
            "-o",
            apk.to_str().unwrap(),
            "classes*.dex",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let mut androidx_reads = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let methods = dexdump_methods(&entry.unwrap().path());
        androidx_reads += methods
            .iter()
            .filter(|(m, (invokes, _))| {
                m.starts_with("Landroidx/")
                    && invokes.contains("Landroid/os/Environment;.getExternalStorageDirectory")
            })
            .count();
    }
    assert!(androidx_reads > 0, "dexdump: no AndroidX storage read");
    let decl = declare(&["declare", apk.to_str().unwrap(), "--store", "play", "-q"]);
    let files = row(&decl, "Files and docs");
    assert!(
        files["libraries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "androidx"),
        "{files:#}"
    );
    for r in decl["data_types"].as_array().unwrap() {
        let sdks = r["sdks"].as_array().unwrap();
        assert!(!sdks.iter().any(|s| s["id"] == "androidx"), "{r:#}");
        assert_eq!(r["shared"], !sdks.is_empty(), "{r:#}");
    }
}

/// `target/ios-samples/Demo.ipa`; `None` only when `APPAUDIT_SKIP_CORPUS=1`.
fn demo_ipa() -> Option<PathBuf> {
    Some(ios_samples()?.join("Demo.ipa"))
}

fn plistlib(path: &Path) -> Value {
    let script =
        "import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))";
    serde_json::from_str(&tool("python3", &["-c", script, path.to_str().unwrap()])).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn declare_apple_demo_ipa_is_a_valid_plist_that_follows_llvm_nm() {
    let Some(ipa) = demo_ipa() else { return };
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("PrivacyInfo.xcprivacy");
    let (code, _, stderr) = appaudit(&[
        "declare",
        ipa.to_str().unwrap(),
        "--store",
        "apple",
        "-o",
        draft.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, 0, "{stderr}");
    tool("xmllint", &["--noout", draft.to_str().unwrap()]);
    let plist = plistlib(&draft);

    // The app's own manifest, as unzip extracts it.
    let own = unzip_entry(
        &ipa,
        "Payload/Demo.app/PrivacyInfo.xcprivacy",
        dir.path(),
        "own.xcprivacy",
    );
    let own = plistlib(&own);

    let categories: BTreeMap<String, Vec<String>> = plist["NSPrivacyAccessedAPITypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["NSPrivacyAccessedAPIType"].as_str().unwrap().to_owned(),
                strings(&a["NSPrivacyAccessedAPITypeReasons"]),
            )
        })
        .collect();
    // What the app's manifest declares stays, reasons and all.
    for a in own["NSPrivacyAccessedAPITypes"].as_array().unwrap() {
        let cat = a["NSPrivacyAccessedAPIType"].as_str().unwrap();
        let reasons = strings(&a["NSPrivacyAccessedAPITypeReasons"]);
        assert_eq!(categories.get(cat), Some(&reasons), "{cat}");
    }
    for d in own["NSPrivacyTrackingDomains"].as_array().unwrap() {
        assert!(
            plist["NSPrivacyTrackingDomains"]
                .as_array()
                .unwrap()
                .contains(d),
            "{d} dropped"
        );
    }
    // Required-reason symbols the main executable imports (llvm-nm -u) → their category per
    // Apple's list (hand labels from developer.apple.com, "Describing use of required reason API").
    let exe = unzip_entry(&ipa, "Payload/Demo.app/Demo", dir.path(), "Demo");
    let undefined: BTreeSet<String> = tool("llvm-nm", &["--arch=all", "-u", exe.to_str().unwrap()])
        .lines()
        .filter_map(|l| l.split_whitespace().last().map(str::to_owned))
        .collect();
    let mut matched = 0;
    for (symbol, category) in [
        (
            "_mach_absolute_time",
            "NSPrivacyAccessedAPICategorySystemBootTime",
        ),
        ("_NSFileSystemSize", "NSPrivacyAccessedAPICategoryDiskSpace"),
        (
            "_NSFileSystemFreeSize",
            "NSPrivacyAccessedAPICategoryDiskSpace",
        ),
        (
            "_NSFileModificationDate",
            "NSPrivacyAccessedAPICategoryFileTimestamp",
        ),
        (
            "_NSFileCreationDate",
            "NSPrivacyAccessedAPICategoryFileTimestamp",
        ),
        ("_stat", "NSPrivacyAccessedAPICategoryFileTimestamp"),
        ("_statfs", "NSPrivacyAccessedAPICategoryDiskSpace"),
    ] {
        if undefined.contains(symbol) {
            assert!(
                categories.contains_key(category),
                "{symbol}: {category} missing"
            );
            matched += 1;
        }
    }
    assert!(
        matched >= 3,
        "llvm-nm matched {matched} required-reason symbols"
    );

    // The executable uses ASIdentifierManager (llvm-nm): the device ID is collected and the
    // app tracks.
    assert!(undefined.contains("_OBJC_CLASS_$_ASIdentifierManager"));
    assert_eq!(plist["NSPrivacyTracking"], true);
    let collected: Vec<&str> = plist["NSPrivacyCollectedDataTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["NSPrivacyCollectedDataType"].as_str().unwrap())
        .collect();
    assert!(
        collected.contains(&"NSPrivacyCollectedDataTypeDeviceID"),
        "{collected:?}"
    );
    if undefined.contains("_OBJC_CLASS_$_CLLocationManager") {
        assert!(collected.contains(&"NSPrivacyCollectedDataTypePreciseLocation"));
    }
    // Every key is one of Apple's (data/taxonomy.json `apple`, from Apple's documentation).
    let taxonomy = taxonomy_json();
    let apple: BTreeSet<&str> = taxonomy["apple"]["collected_data_types"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|v| v.as_array().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in &collected {
        assert!(apple.contains(c), "{c}");
    }
}

#[test]
fn declare_on_a_file_that_is_not_an_app_exits_2_naming_it() {
    let readme = repo().join("README.md");
    let (code, stdout, stderr) =
        appaudit(&["declare", readme.to_str().unwrap(), "--store", "play", "-q"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("README.md"), "{stderr}");
    assert!(stdout.is_empty());
}

#[test]
fn declare_apple_on_an_apk_exits_2_naming_it() {
    let apk = repo().join(DEMO);
    let (code, stdout, stderr) =
        appaudit(&["declare", apk.to_str().unwrap(), "--store", "apple", "-q"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("appaudit-demo.apk"), "{stderr}");
    assert!(stderr.contains("iOS app"), "{stderr}");
}

#[test]
fn declare_play_on_a_bare_dex_exits_2_naming_it() {
    // A bare DEX is code, not an app: there is no store form for it.
    let dir = tempfile::tempdir().unwrap();
    let dex = unzip_entry(&repo().join(DEMO), "classes.dex", dir.path(), "classes.dex");
    let (code, stdout, stderr) =
        appaudit(&["declare", dex.to_str().unwrap(), "--store", "play", "-q"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("classes.dex") && stderr.contains("Android app"),
        "{stderr}"
    );
}

#[test]
fn declare_with_the_other_stores_format_exits_2() {
    let apk = repo().join(DEMO);
    let (code, stdout, stderr) = appaudit(&[
        "declare",
        apk.to_str().unwrap(),
        "--store",
        "play",
        "--format",
        "plist",
        "-q",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("--format plist"), "{stderr}");
    assert!(stdout.is_empty());
}
