//! End-to-end: `appaudit scan` on the shipped demo APK and on real corpus
//! files, checked against what aapt, dexdump, readelf and unzip report.

mod common;

use std::collections::BTreeSet;

use common::*;

fn demo_apk() -> std::path::PathBuf {
    repo().join("samples/appaudit-demo.apk")
}

fn sdk<'a>(inv: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    inv["sdks"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("SDK {id} not detected; got {:?}", sdk_ids(inv)))
}

fn accessors(inv: &serde_json::Value, data_type: &str) -> BTreeSet<String> {
    inv["data_access"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["data_type"] == data_type))
        .map(|d| {
            d["accessors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x["sdk"].as_str().unwrap_or("app").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

#[test]
fn demo_apk_identity_and_permissions_match_aapt() {
    let apk = demo_apk();
    let inv = scan_json(&apk);
    let badging = tool("aapt", &["dump", "badging", apk.to_str().unwrap()]);
    let first = badging.lines().next().unwrap();
    assert!(
        first.contains(&format!(
            "name='{}'",
            inv["app"]["package"].as_str().unwrap()
        )),
        "{first}"
    );
    assert!(
        first.contains(&format!(
            "versionCode='{}'",
            inv["app"]["version_code"].as_str().unwrap()
        )),
        "{first}"
    );
    assert!(
        first.contains(&format!(
            "versionName='{}'",
            inv["app"]["version_name"].as_str().unwrap()
        )),
        "{first}"
    );
    assert_eq!(inv["app"]["platform"], "android");
    assert_eq!(
        field_list(&inv["permissions"], "name"),
        aapt_permissions(&apk)
    );
    let camera = inv["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "android.permission.CAMERA")
        .unwrap();
    assert_eq!(
        camera["sdk_23_only"], true,
        "aapt lists CAMERA under uses-permission-sdk-23"
    );
    let storage = inv["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "android.permission.WRITE_EXTERNAL_STORAGE")
        .unwrap();
    assert_eq!(storage["max_sdk_version"], "28");
    let phone = inv["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "android.permission.READ_PHONE_STATE")
        .unwrap();
    assert_eq!(phone["protection"], "dangerous");
}

#[test]
fn demo_apk_meta_data_and_components_match_aapt_xmltree() {
    let apk = demo_apk();
    let inv = scan_json(&apk);
    let tree = tool(
        "aapt",
        &[
            "dump",
            "xmltree",
            apk.to_str().unwrap(),
            "AndroidManifest.xml",
        ],
    );
    // Every `android:name` under a meta-data element, in aapt's words.
    let mut aapt_keys = Vec::new();
    let mut lines = tree.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("E: meta-data")
            && let Some(name) = lines.next()
            && let Some(v) = name.split("=\"").nth(1)
        {
            aapt_keys.push(v.split('"').next().unwrap().to_owned());
        }
    }
    aapt_keys.sort();
    assert_eq!(field_list(&inv["meta_data"], "name"), aapt_keys);
    let bugly = inv["meta_data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "BUGLY_APPID")
        .unwrap();
    // aapt: `android:value(0x01010024)=(type 0x10)0x35a4edd2`, an integer: 900001234.
    assert_eq!(bugly["value"], "900001234");
    let components = field_list(&inv["components"], "name");
    assert_eq!(
        components,
        vec![
            "cn.jpush.android.service.PushService",
            "com.example.appauditdemo.MainActivity"
        ]
    );
}

#[test]
fn demo_apk_sdks_with_evidence_and_usage() {
    let apk = demo_apk();
    let inv = scan_json(&apk);
    // dexdump lists the classes; the SDKs are the ones whose packages they sit in.
    let classes = dexdump_classes(&apk);
    assert_eq!(
        inv["stats"]["classes"].as_u64().unwrap() as usize,
        classes.len()
    );
    assert!(classes.contains(&"Lcn/jpush/android/api/JPushInterface;".to_owned()));
    for id in ["jpush", "tencent-bugly", "amap-location"] {
        sdk(&inv, id);
    }
    assert!(
        sdk_ids(&inv).iter().any(|id| id.starts_with("umeng")),
        "{:?}",
        sdk_ids(&inv)
    );
    // MainActivity.onCreate calls JPushInterface.init and AMapLocationClient; nothing calls Bugly.
    let jpush = sdk(&inv, "jpush");
    assert_eq!(jpush["usage"]["status"], "used");
    assert!(
        jpush["usage"]["call_sites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("MainActivity;->onCreate")),
        "{jpush}"
    );
    assert_eq!(sdk(&inv, "tencent-bugly")["usage"]["status"], "present");
    // Manifest evidence: the JPUSH_APPKEY meta-data (read by JCore, JPush's core)
    // with its location and value, as aapt's xmltree shows it.
    let jcore = sdk(&inv, "jcore");
    assert!(
        jcore["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "meta_data"
                && e["location"] == "AndroidManifest.xml"
                && e["value"] == "JPUSH_APPKEY = a1b2c3d4e5f60718293a4b5c"),
        "{jcore}"
    );
    let kinds: BTreeSet<&str> = jpush["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("class"), "{kinds:?}");
    assert_eq!(
        jpush["packages"][0]
            .as_str()
            .map(|p| p.starts_with("cn.jpush")),
        Some(true),
        "{jpush}"
    );
}

#[test]
fn demo_apk_native_library_matches_readelf() {
    let apk = demo_apk();
    let inv = scan_json(&apk);
    let libs = inv["native_libs"].as_array().unwrap();
    assert_eq!(libs.len(), 1);
    let lib = &libs[0];
    assert_eq!(lib["path"], "lib/x86_64/libjcore123.so");
    assert_eq!(lib["abi"], "x86_64");
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-q",
            apk.to_str().unwrap(),
            "lib/x86_64/libjcore123.so",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let so = dir.path().join("lib/x86_64/libjcore123.so");
    let dynamic = tool("readelf", &["-d", "-W", so.to_str().unwrap()]);
    assert!(
        dynamic.contains(&format!(
            "Library soname: [{}]",
            lib["soname"].as_str().unwrap()
        )),
        "{dynamic}"
    );
    let syms = tool("readelf", &["--dyn-syms", "-W", so.to_str().unwrap()]);
    assert!(syms.contains("Java_cn_jiguang_jni_NativeUtils_getStatus"));
    assert_eq!(lib["jni_packages"], serde_json::json!(["cn.jiguang.jni"]));
    assert_eq!(lib["sdk"], "jcore");
}

#[test]
fn demo_apk_who_reads_what() {
    let inv = scan_json(&demo_apk());
    // From the smali sources in samples/demo-app/smali (what each class calls).
    assert!(
        accessors(&inv, "imei").contains("jpush"),
        "JPushInterface.init calls TelephonyManager.getDeviceId"
    );
    assert!(
        accessors(&inv, "imei")
            .iter()
            .any(|a| a.starts_with("umeng")),
        "DeviceConfig.getImei calls getImei"
    );
    assert!(
        accessors(&inv, "imsi")
            .iter()
            .any(|a| a.starts_with("umeng")),
        "getSubscriberId"
    );
    assert!(
        accessors(&inv, "wifi_mac")
            .iter()
            .any(|a| a.starts_with("umeng")),
        "WifiInfo.getMacAddress"
    );
    assert!(
        accessors(&inv, "installed_apps").contains("jpush"),
        "getInstalledPackages"
    );
    assert!(
        accessors(&inv, "android_id").contains("app"),
        "Settings$Secure.getString(\"android_id\")"
    );
    assert!(
        accessors(&inv, "clipboard").contains("app"),
        "ClipboardManager.getPrimaryClip"
    );
    assert!(
        accessors(&inv, "contacts").contains("app"),
        "content://com.android.contacts"
    );
    assert!(
        accessors(&inv, "running_apps").contains("tencent-bugly"),
        "getRunningAppProcesses"
    );
    assert!(
        !accessors(&inv, "android_id").contains("jpush"),
        "JPush never reads the Android ID"
    );
    let sites: Vec<String> = inv["data_access"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["data_type"] == "imei")
        .flat_map(|d| d["accessors"].as_array().unwrap().iter())
        .flat_map(|a| {
            a["call_sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
        })
        .collect();
    assert!(
        sites
            .iter()
            .any(|s| s == "Lcom/umeng/commonsdk/statistics/common/DeviceConfig;->getImei"),
        "{sites:?}"
    );
}

#[test]
fn text_summary_names_the_sdks_and_the_readers() {
    let (code, out, err) = appaudit(&["scan", demo_apk().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("com.example.appauditdemo 1.2.0 (3)"), "{out}");
    assert!(
        out.contains("JPush") && out.contains("Who reads what"),
        "{out}"
    );
    assert!(
        !out.contains("\x1b["),
        "no colour codes when stdout is not a terminal"
    );
}
