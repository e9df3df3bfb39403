//! End-to-end: AA117 collection-beyond-necessary-scope (CN-N01) on the demo app with `--app-type`.
//! The expected data types and their call sites come from `dexdump -d` of the APK through a table
//! of platform and SDK APIs written here from their documentation (what each call returns), not
//! from appaudit's output; the necessary scope of each type is 常见类型App必要个人信息范围规定 第五条.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

const APK: &str = "samples/appaudit-demo.apk";
const POLICY: &str = "samples/appaudit-demo-privacy.txt";

/// Text in a dexdump instruction (an invoked method or a constant string) → the data type it reads.
/// getDeviceId / getImei return the IMEI, getSubscriberId the IMSI, getLine1Number the phone number,
/// getSimSerialNumber the ICCID (TelephonyManager reference); Settings.Secure "android_id" the SSAID;
/// WifiInfo.getMacAddress the Wi-Fi MAC; WifiManager.getConnectionInfo the SSID/BSSID;
/// LocationManager.getLastKnownLocation and AMap's AMapLocationClient.startLocation a location fix;
/// the ContactsContract / CallLog / SMS providers' URIs their tables; ClipboardManager.getPrimaryClip
/// the clipboard; PackageManager.getInstalledPackages the app list; getRunningAppProcesses the
/// running processes; AccountManager.getAccounts the accounts.
const READS: &[(&str, &str)] = &[
    ("Landroid/telephony/TelephonyManager;.getDeviceId:", "imei"),
    ("Landroid/telephony/TelephonyManager;.getImei:", "imei"),
    (
        "Landroid/telephony/TelephonyManager;.getSubscriberId:",
        "imsi",
    ),
    (
        "Landroid/telephony/TelephonyManager;.getLine1Number:",
        "phone_number",
    ),
    (
        "Landroid/telephony/TelephonyManager;.getSimSerialNumber:",
        "iccid",
    ),
    ("\"android_id\"", "android_id"),
    ("Landroid/net/wifi/WifiInfo;.getMacAddress:", "wifi_mac"),
    (
        "Landroid/net/wifi/WifiManager;.getConnectionInfo:",
        "wifi_info",
    ),
    (
        "Landroid/location/LocationManager;.getLastKnownLocation:",
        "precise_location",
    ),
    (
        "Lcom/amap/api/location/AMapLocationClient;.startLocation:",
        "precise_location",
    ),
    ("\"content://com.android.contacts", "contacts"),
    ("\"content://call_log", "call_log"),
    ("\"content://sms", "sms"),
    (
        "Landroid/content/ClipboardManager;.getPrimaryClip:",
        "clipboard",
    ),
    (
        "Landroid/content/pm/PackageManager;.getInstalledPackages:",
        "installed_apps",
    ),
    (
        "Landroid/app/ActivityManager;.getRunningAppProcesses:",
        "running_apps",
    ),
    (
        "Landroid/accounts/AccountManager;.getAccounts",
        "account_info",
    ),
];

/// Per data type of [`READS`], the methods (`Lpkg/Class;->method`) whose code contains the read, per `dexdump -d`.
fn dexdump_reads() -> BTreeMap<&'static str, BTreeSet<String>> {
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-o",
            "-q",
            repo().join(APK).to_str().unwrap(),
            "classes*.dex",
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let mut out: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let dex = entry.unwrap().path();
        let text = tool("dexdump", &["-d", dex.to_str().unwrap()]);
        let (mut class, mut method) = (String::new(), String::new());
        for line in text.lines() {
            let t = line.trim();
            if let Some(c) = t.strip_prefix("Class descriptor  : '") {
                class = c.trim_end_matches('\'').to_owned();
            } else if let Some(m) = t.strip_prefix("name          : '") {
                method = m.trim_end_matches('\'').to_owned();
            } else if t.contains('|') && (t.contains("invoke-") || t.contains("const-string")) {
                for (needle, data_type) in READS {
                    if t.contains(needle) {
                        out.entry(data_type)
                            .or_default()
                            .insert(format!("{class}->{method}"));
                    }
                }
            }
        }
    }
    out
}

fn aa117(app_type: &str) -> Vec<serde_json::Value> {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "json",
        "--app-type",
        app_type,
    ]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AA117")
        .cloned()
        .collect()
}

fn data_types(findings: &[serde_json::Value]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| f["data_type"].as_str().expect("a data type").to_owned())
        .collect()
}

#[test]
fn utility_tools_get_one_aa117_per_data_type_the_dex_reads() {
    let reads = dexdump_reads();
    // dexdump shows these in the demo; the phone number, ICCID, SMS, call log and accounts are not read.
    let want: BTreeSet<String> = reads.keys().map(|k| (*k).to_owned()).collect();
    assert!(
        want.contains("imei") && want.contains("precise_location") && want.contains("contacts")
    );
    assert!(!want.contains("phone_number") && !want.contains("sms"));

    // 第五条（三十八）实用工具类: no personal information is necessary, so every read is beyond it.
    let findings = aa117("实用工具");
    assert_eq!(data_types(&findings), want);
    assert_eq!(findings.len(), want.len(), "one finding per data type");
    for f in &findings {
        let data_type = f["data_type"].as_str().unwrap();
        assert_eq!(f["severity"], "low");
        assert_eq!(f["cn_rules"], serde_json::json!(["CN-N01"]));
        // Every call site given as evidence is a method dexdump shows making that read.
        let sites: Vec<&str> = f["app_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "call_site")
            .filter_map(|e| e["value"].as_str())
            .collect();
        assert!(!sites.is_empty(), "{data_type}: call sites as evidence");
        for site in sites {
            assert!(
                reads[data_type].contains(site),
                "{data_type}: {site} is not among dexdump's {:?}",
                reads[data_type]
            );
        }
    }
    // The readers are named: dexdump has the IMEI read in JPush's and Umeng's classes.
    let imei = findings.iter().find(|f| f["data_type"] == "imei").unwrap();
    assert!(reads["imei"].iter().any(|m| m.starts_with("Lcn/jpush/")));
    assert!(reads["imei"].iter().any(|m| m.starts_with("Lcom/umeng/")));
    let message = imei["message"].as_str().unwrap();
    assert!(
        message.contains("JPush") && message.contains("Umeng"),
        "{message}"
    );
}

#[test]
fn map_navigation_does_not_report_location() {
    let reads = dexdump_reads();
    assert!(
        reads.contains_key("precise_location"),
        "dexdump shows a location read"
    );
    // 第五条（一）地图导航类: 位置信息 is necessary; everything else read is beyond it.
    let want: BTreeSet<String> = reads
        .keys()
        .filter(|k| !matches!(**k, "precise_location" | "coarse_location"))
        .map(|k| (*k).to_owned())
        .collect();
    assert_eq!(data_types(&aa117("地图导航")), want);
    assert_eq!(data_types(&aa117("map_navigation")), want);
}

#[test]
fn without_app_type_aa117_is_absent_and_documented_as_needing_it() {
    let (_, stdout, _) = appaudit(&["audit", APK, "--policy", POLICY, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "AA117")
    );
    assert!(report.get("app_type").is_none());
    // SARIF lists only the rules the run checked.
    let (_, sarif, _) = appaudit(&["audit", APK, "--policy", POLICY, "--format", "sarif"]);
    assert!(!sarif.contains("AA117"));
    let (_, sarif, _) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "sarif",
        "--app-type",
        "news",
    ]);
    assert!(sarif.contains("\"AA117\""));
    // JUnit likewise: no passing test case for a rule that was not checked.
    let (_, junit, _) = appaudit(&["audit", APK, "--policy", POLICY, "--format", "junit"]);
    assert!(!junit.contains("AA117"));
    let (_, junit, _) = appaudit(&[
        "audit",
        APK,
        "--policy",
        POLICY,
        "--format",
        "junit",
        "--app-type",
        "news",
    ]);
    assert!(junit.contains("AA117 collection-beyond-necessary-scope"));

    let (code, text, _) = appaudit(&["explain", "AA117"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("--app-type") && text.contains("CN-N01"),
        "{text}"
    );
    let (_, json, _) = appaudit(&["rules", "--json"]);
    let rules: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rule = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "AA117")
        .expect("AA117 listed");
    assert_eq!(rule["needs_flag"], "--app-type");
    assert_eq!(rule["name"], "collection-beyond-necessary-scope");
}

#[test]
fn unknown_app_type_exits_2_listing_the_valid_ones() {
    let (code, stdout, stderr) =
        appaudit(&["audit", APK, "--policy", POLICY, "--app-type", "calculator"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("calculator"), "{stderr}");
    // All 39 of 第五条, by slug and Chinese name.
    assert!(stderr.contains("utility_tools") && stderr.contains("实用工具"));
    assert!(stderr.contains("map_navigation") && stderr.contains("演出票务"));
    let listed = stderr
        .lines()
        .filter(|l| {
            l.trim_start()
                .split(' ')
                .next()
                .is_some_and(|n| n.parse::<u8>().is_ok())
        })
        .count();
    assert_eq!(listed, 39, "{stderr}");
}
