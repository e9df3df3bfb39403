//! End-to-end: `appaudit scan` on the real vendor SDKs and APKs of the corpus
//! (`scripts/fetch-corpus.sh`), checked against unzip, aapt, dexdump, javap and
//! readelf run on the same files.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn sdk_entry<'a>(inv: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    inv["sdks"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("SDK {id} not detected; got {:?}", sdk_ids(inv)))
}

/// `.class` entries of a jar whose path starts with one of `prefixes`, per `unzip -Z1`.
fn unzip_class_count(jar: &Path, prefixes: &[&str]) -> usize {
    tool("unzip", &["-Z1", jar.to_str().unwrap()])
        .lines()
        .filter(|l| l.ends_with(".class") && !l.starts_with("META-INF/versions/"))
        .filter(|l| prefixes.iter().any(|p| l.starts_with(p)))
        .count()
}

#[test]
fn vendor_jars_sdk_class_counts_match_unzip_listing() {
    // (jar, SDK id, the SDK's package directories as the vendor ships them)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "cordova-plugin-bugly-sdk@0.0.1/src/android/libs/bugly_crash_release.jar",
            "tencent-bugly",
            &["com/tencent/bugly/"],
        ),
        // JCore also ships JPush's service components (cn/jpush/android/service/).
        (
            "cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar",
            "jcore",
            &["cn/jiguang/", "cn/jpush/android/service/"],
        ),
        (
            "react-native-xmpush@0.1.2/android/build/intermediates/bundles/release/libs/MiPush_SDK_Client_3_0_3.jar",
            "xiaomi-push",
            &["com/xiaomi/"],
        ),
        (
            "react-native-umeng-sdk@1.4.0/android/PushSDK/libs/com.umeng.message_v2.8.0.jar",
            "umeng-push",
            &["com/umeng/"],
        ),
        (
            "cordova-plugin-amap@2.0.0/src/android/AMap_Location_V3.7.0_20171218.jar",
            "amap-location",
            &["com/amap/api/", "com/autonavi/", "com/loc/"],
        ),
        (
            "jverification-react-native@2.8.8/android/libs/jverification-android-not_support_dynamic-release-3.4.8.jar",
            "cmic-auth",
            &["com/cmic/"],
        ),
    ];
    let Some(root) = corpus() else { return };
    for (rel, id, prefixes) in cases {
        let jar = root.join(rel);
        let inv = scan_json(&jar);
        assert_eq!(inv["source"]["kind"], "jar", "{rel}");
        let expected = unzip_class_count(&jar, prefixes);
        assert!(expected > 0, "{rel}: no classes under {prefixes:?}");
        let got = sdk_entry(&inv, id)["class_count"].as_u64().unwrap() as usize;
        assert_eq!(
            got, expected,
            "{rel}: {id} classes vs unzip listing under {prefixes:?}"
        );
        let total = unzip_class_count(&jar, &[""]);
        assert_eq!(
            inv["stats"]["classes"].as_u64().unwrap() as usize,
            total,
            "{rel}: every class file read"
        );
        assert!(
            inv["warnings"].as_array().unwrap().is_empty(),
            "{rel}: {}",
            inv["warnings"]
        );
    }
}

/// Methods of `class` (in `jar`) whose bytecode invokes `needle`, per `javap -c -p`.
fn javap_methods_calling(jar: &Path, class: &str, needle: &str) -> Vec<String> {
    let out = Command::new("javap")
        .args(["-c", "-p", "-cp", jar.to_str().unwrap(), class])
        .output()
        .expect("javap (a JDK) is needed for this test");
    assert!(
        out.status.success(),
        "javap failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut current = String::new();
    let mut methods = Vec::new();
    for line in text.lines() {
        // Method headers are indented two spaces and end with `);` (or `) throws …;`).
        if line.starts_with("  ") && !line.starts_with("   ") && line.contains('(') {
            let head = line.split('(').next().unwrap_or("");
            current = head.rsplit(' ').next().unwrap_or("").to_owned();
        } else if line.contains("invoke") && line.contains(needle) && !methods.contains(&current) {
            methods.push(current.clone());
        }
    }
    methods
}

#[test]
fn bugly_reads_device_ids_at_the_sites_javap_shows() {
    let Some(jar) =
        corpus_file("cordova-plugin-bugly-sdk@0.0.1/src/android/libs/bugly_crash_release.jar")
    else {
        return;
    };
    let class = "com.tencent.bugly.crashreport.common.info.b";
    let inv = scan_json(&jar);
    for (data_type, api) in [
        ("imei", "android/telephony/TelephonyManager.getDeviceId"),
        ("imsi", "android/telephony/TelephonyManager.getSubscriberId"),
    ] {
        let expected: Vec<String> = javap_methods_calling(&jar, class, api)
            .into_iter()
            .map(|m| format!("L{};->{m}", class.replace('.', "/")))
            .collect();
        assert!(!expected.is_empty(), "javap finds no {api} in {class}");
        let access = inv["data_access"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["data_type"] == data_type)
            .expect(data_type);
        let bugly = access["accessors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["sdk"] == "tencent-bugly")
            .expect("bugly accessor");
        let sites: Vec<&str> = bugly["call_sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for site in &expected {
            assert!(
                sites.contains(&site.as_str()),
                "{data_type}: {site} missing from {sites:?}"
            );
        }
    }
}

#[test]
fn real_apks_permissions_match_aapt_and_classes_match_dexdump() {
    for rel in [
        "io.appium.settings@8.0.10/apks/settings_apk-debug.apk",
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-debug-androidTest.apk",
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk",
    ] {
        let Some(apk) = corpus_file(rel) else { return };
        let inv = scan_json(&apk);
        assert_eq!(
            field_list(&inv["permissions"], "name"),
            aapt_permissions(&apk),
            "{rel}"
        );
        let classes = dexdump_classes(&apk);
        assert_eq!(
            inv["stats"]["classes"].as_u64().unwrap() as usize,
            classes.len(),
            "{rel}: dexdump class count"
        );
        let dex_entries = tool("unzip", &["-Z1", apk.to_str().unwrap()])
            .lines()
            .filter(|l| l.ends_with(".dex"))
            .count();
        assert_eq!(
            inv["stats"]["dex_files"].as_u64().unwrap() as usize,
            dex_entries,
            "{rel}"
        );
    }
}

#[test]
fn appium_settings_has_the_google_sdks_its_classes_show_and_no_firebase_from_base_exceptions() {
    let Some(apk) = corpus_file("io.appium.settings@8.0.10/apks/settings_apk-debug.apk") else {
        return;
    };
    let inv = scan_json(&apk);
    let classes = dexdump_classes(&apk);
    // dexdump shows Play-services location classes, and from Firebase only the three exception
    // classes that play-services-basement ships (FirebaseException, FirebaseApiNotAvailableException,
    // FirebaseExceptionMapper): no Firebase product's own code.
    assert!(
        classes
            .iter()
            .any(|c| c.starts_with("Lcom/google/android/gms/location/"))
    );
    let firebase: Vec<&String> = classes
        .iter()
        .filter(|c| c.starts_with("Lcom/google/firebase/"))
        .collect();
    assert!(!firebase.is_empty());
    assert!(
        firebase
            .iter()
            .all(|c| c.starts_with("Lcom/google/firebase/Firebase") && !c[21..].contains('/')),
        "{firebase:?}"
    );
    // … so location is reported with its classes as evidence, and no Firebase SDK is named from
    // a base library's exception classes (issue #10's "product named from a shared base class").
    let ids = sdk_ids(&inv);
    assert!(ids.iter().any(|id| id == "google-location"), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("firebase")), "{ids:?}");
    // Library markers: every `META-INF/*.version` and root `*.properties`, with the version
    // the file states (`unzip -p … play-services-location.properties` says version=21.4.0).
    let listing = tool("unzip", &["-Z1", apk.to_str().unwrap()]);
    let expected: usize = listing
        .lines()
        .filter(|l| {
            (l.starts_with("META-INF/") && (l.ends_with(".version") || l.ends_with(".properties")))
                || (!l.contains('/') && l.ends_with(".properties"))
        })
        .count();
    let markers = inv["library_markers"].as_array().unwrap();
    assert_eq!(markers.len(), expected);
    let props = tool(
        "unzip",
        &[
            "-p",
            apk.to_str().unwrap(),
            "play-services-location.properties",
        ],
    );
    let version = props
        .lines()
        .find_map(|l| l.strip_prefix("version="))
        .unwrap();
    let marker = markers
        .iter()
        .find(|m| m["path"] == "play-services-location.properties")
        .unwrap();
    assert_eq!(marker["version"], version);
    // The manifest asks for background location and SMS: dangerous, flagged.
    for p in [
        "android.permission.ACCESS_BACKGROUND_LOCATION",
        "android.permission.READ_SMS",
    ] {
        let perm = inv["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == p)
            .expect(p);
        assert_eq!(perm["protection"], "dangerous", "{p}");
    }
}

#[test]
fn vendor_classes_dex_lists_dexdump_classes_and_jiguang() {
    let Some(dex) = corpus_file(
        "jverification-react-native@2.8.8/android/build/.transforms/0f038a3935a9273cf6b8278ba7d7064c/transformed/classes/classes.dex",
    ) else {
        return;
    };
    let inv = scan_json(&dex);
    assert_eq!(inv["source"]["kind"], "dex");
    let classes = dexdump_classes(&dex);
    assert_eq!(
        inv["stats"]["classes"].as_u64().unwrap() as usize,
        classes.len()
    );
    let jiguang = classes
        .iter()
        .filter(|c| c.starts_with("Lcn/jiguang/"))
        .count();
    assert!(jiguang > 0);
    assert_eq!(
        sdk_entry(&inv, "jcore")["class_count"].as_u64().unwrap() as usize,
        jiguang
    );
}

/// `readelf -d` facts: (soname, needed).
fn readelf_dynamic(so: &Path) -> (Option<String>, Vec<String>) {
    let text = tool("readelf", &["-d", "-W", so.to_str().unwrap()]);
    let bracket = |l: &str| {
        l.split('[')
            .nth(1)
            .and_then(|r| r.split(']').next())
            .map(str::to_owned)
    };
    let soname = text
        .lines()
        .find(|l| l.contains("(SONAME)"))
        .and_then(bracket);
    let needed = text
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(bracket)
        .collect();
    (soname, needed)
}

#[test]
fn vendor_native_libs_match_readelf_and_name_their_sdk() {
    let cases = [
        (
            "cordova-plugin-jcore@1.4.4/src/android/arm64-v8a/libjcore332.so",
            "jcore",
        ),
        (
            "cordova-plugin-jcore@1.4.4/src/android/armeabi-v7a/libjcore332.so",
            "jcore",
        ),
        (
            "cordova-plugin-jcore@1.4.4/src/android/x86_64/libjcore332.so",
            "jcore",
        ),
        (
            "react-native-umeng-sdk@1.4.0/android/PushSDK/libs/arm64-v8a/libcocklogic.so",
            "umeng-push",
        ),
        (
            "jverification-react-native@2.8.8/android/libs/arm64-v8a/libCtaApiLib.so",
            "telecom-auth",
        ),
    ];
    for (rel, id) in cases {
        let Some(so) = corpus_file(rel) else { return };
        let inv = scan_json(&so);
        let lib = &inv["native_libs"][0];
        let (soname, needed) = readelf_dynamic(&so);
        assert_eq!(lib["soname"].as_str().map(str::to_owned), soname, "{rel}");
        let got: Vec<String> = lib["needed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, needed, "{rel}");
        assert_eq!(lib["sdk"], id, "{rel}");
        sdk_entry(&inv, id);
    }
}

/// Writes a zip with python's zipfile (an independent writer): `(name, source file or bytes)`.
fn python_zip(out: &Path, members: &[(&str, Result<&Path, &[u8]>)]) {
    let dir = out.parent().unwrap();
    let mut script = String::from(
        "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\n",
    );
    for (i, (name, src)) in members.iter().enumerate() {
        match src {
            Ok(path) => script.push_str(&format!(
                "z.write({:?}, {:?})\n",
                path.to_str().unwrap(),
                name
            )),
            Err(bytes) => {
                let tmp = dir.join(format!("member{i}"));
                std::fs::write(&tmp, bytes).unwrap();
                script.push_str(&format!(
                    "z.write({:?}, {:?})\n",
                    tmp.to_str().unwrap(),
                    name
                ));
            }
        }
    }
    script.push_str("z.close()\n");
    let status = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .arg(out)
        .status()
        .expect("python3");
    assert!(status.success());
}

#[test]
fn aar_reads_classes_jar_text_manifest_and_jni_libs() {
    let Some(root) = corpus() else { return };
    let jar = root.join("cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar");
    let so = root.join("cordova-plugin-jcore@1.4.4/src/android/arm64-v8a/libjcore332.so");
    let manifest = root.join("jcore-react-native@2.3.7/android/src/main/AndroidManifest.xml");
    let dir = tempfile::tempdir().unwrap();
    let aar = dir.path().join("jcore.aar");
    python_zip(
        &aar,
        &[
            ("AndroidManifest.xml", Ok(&manifest)),
            ("classes.jar", Ok(&jar)),
            ("jni/arm64-v8a/libjcore332.so", Ok(&so)),
        ],
    );
    let inv = scan_json(&aar);
    assert_eq!(inv["source"]["kind"], "aar");
    let jcore = sdk_entry(&inv, "jcore");
    assert_eq!(
        jcore["class_count"].as_u64().unwrap() as usize,
        unzip_class_count(&jar, &["cn/jiguang/", "cn/jpush/android/service/"])
    );
    let kinds: Vec<&str> = jcore["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"native_lib"), "{kinds:?}");
    // Evidence names the nested location.
    assert!(
        jcore["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["location"] == "classes.jar!"
                || e["location"].as_str().unwrap().starts_with("classes.jar!"))
    );
    assert_eq!(inv["native_libs"][0]["abi"], "arm64-v8a");
    // The text manifest's components, as a plain grep of the XML sees them.
    let xml = std::fs::read_to_string(&manifest).unwrap();
    let declared = ["<service", "<receiver", "<activity", "<provider"]
        .iter()
        .map(|t| xml.matches(t).count())
        .sum::<usize>();
    assert_eq!(inv["components"].as_array().unwrap().len(), declared);
}

#[test]
fn xapk_split_set_is_audited_as_one_app() {
    let demo = repo().join("samples/appaudit-demo.apk");
    let dir = tempfile::tempdir().unwrap();
    let xapk = dir.path().join("demo.xapk");
    python_zip(
        &xapk,
        &[
            ("com.example.appauditdemo.apk", Ok(&demo)),
            (
                "manifest.json",
                Err(br#"{"package_name":"com.example.appauditdemo"}"#),
            ),
        ],
    );
    let inv = scan_json(&xapk);
    let plain = scan_json(&demo);
    assert_eq!(inv["source"]["kind"], "split_apks");
    assert_eq!(inv["app"]["package"], plain["app"]["package"]);
    assert_eq!(sdk_ids(&inv), sdk_ids(&plain));
    assert_eq!(
        field_list(&inv["permissions"], "name"),
        field_list(&plain["permissions"], "name")
    );
    let loc = inv["native_libs"][0]["path"].as_str().unwrap();
    assert_eq!(
        loc,
        "com.example.appauditdemo.apk!lib/x86_64/libjcore123.so"
    );
}

/// Bundles are read since AAB input landed; a manifest that does not decode is a warning
/// naming the entry, and the rest of the bundle is still scanned.
#[test]
fn aab_with_a_corrupt_manifest_is_scanned_with_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let aab = dir.path().join("app.aab");
    python_zip(
        &aab,
        &[
            ("base/manifest/AndroidManifest.xml", Err(b"\x0a\x04test")),
            ("BundleConfig.pb", Err(b"\x0a\x00")),
        ],
    );
    let (code, stdout, stderr) = appaudit(&["scan", aab.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["source"]["kind"], "aab");
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["location"] == "base/manifest/AndroidManifest.xml"
                && w["message"].as_str().unwrap().contains("does not decode")),
        "{warnings:?}"
    );
}

#[test]
fn folder_scan_reports_a_bad_file_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("samples/appaudit-demo.apk"),
        dir.path().join("good.apk"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.apk"),
        b"PK\x03\x04 this is not really a zip",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();
    let (code, stdout, stderr) =
        appaudit(&["scan", dir.path().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 2, "a failed file makes the exit code 2");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One record per file: the failed one carries `path` and `error`, so a batch consumer
    // never loses an input.
    assert_eq!(lines.len(), 2, "{stdout}");
    let scanned: Vec<_> = lines.iter().filter(|l| l.get("error").is_none()).collect();
    assert_eq!(scanned.len(), 1);
    assert_eq!(scanned[0]["app"]["package"], "com.example.appauditdemo");
    let failed: Vec<_> = lines.iter().filter(|l| l.get("error").is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["path"].as_str().unwrap().ends_with("broken.apk"));
    assert!(
        failed[0]["error"].as_str().unwrap().contains("truncated"),
        "{}",
        failed[0]
    );
    assert!(stderr.contains("broken.apk"), "{stderr}");
    assert!(
        stderr.contains("scanned 1 of 2 files, 1 failed"),
        "{stderr}"
    );
}

#[test]
fn folder_scan_in_text_ends_with_a_summary_and_lists_failures_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("samples/appaudit-demo.apk"),
        dir.path().join("good.apk"),
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.apk"), b"").unwrap();
    let (code, stdout, stderr) = appaudit(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "a failed file makes the exit code 2");
    let summary = stdout
        .split("\nSummary\n")
        .nth(1)
        .expect("a closing summary");
    assert!(
        summary.contains("2 files: 1 scanned (1 apps, 0 SDK or library files), 1 failed"),
        "{summary}"
    );
    // Two push SDKs in one file: JPush (samples/demo-app/smali/cn/jpush) and JCore
    // (lib/x86_64/libjcore123.so, built from samples/demo-app/jni/jcore_demo.c).
    let push = summary
        .lines()
        .find(|l| l.trim_start().starts_with("push "))
        .expect("a push row");
    assert!(push.trim_end().ends_with("1 · 2"), "{push}");
    assert!(
        summary.contains("failed:") && summary.contains("empty file (0 bytes)"),
        "{summary}"
    );
    assert!(
        !stderr.contains("empty file"),
        "said once, in the summary: {stderr}"
    );
}

#[test]
fn scan_output_flag_writes_the_report_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inventory.json");
    let demo = repo().join("samples/appaudit-demo.apk");
    let (code, stdout, stderr) = appaudit(&[
        "scan",
        demo.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["app"]["package"], "com.example.appauditdemo");
}
