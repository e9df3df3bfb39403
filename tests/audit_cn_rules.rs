//! The Chinese rule pack on real inputs. Expectations come from the inputs themselves, read by other tools:
//! `aapt dump xmltree` for an APK's manifest, the AAR's own plain-text AndroidManifest.xml (through `unzip -p`),
//! and the policy text quoted in the comments.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

const APPIUM: &str = "io.appium.settings@8.0.10/apks/settings_apk-debug.apk";
const NOTIFEE: &str = "npm-ios/@notifee/react-native@9.1.8/package/android/libs/app/notifee/core/202108261754/core-202108261754.aar";

fn shared(rel: &str) -> PathBuf {
    let path = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join(rel);
    assert!(path.is_file(), "missing: {}", path.display());
    path
}

fn audit(app: &Path, policy: &Path) -> serde_json::Value {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
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

fn app_values(f: &serde_json::Value) -> Vec<String> {
    f["app_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap().to_owned())
        .collect()
}

/// Receivers of a plain-text manifest and their intent-filter actions, read without appaudit's parser.
fn text_manifest_receivers(xml: &str) -> Vec<(String, Vec<String>)> {
    let attr = |block: &str, name: &str| -> Vec<String> {
        block
            .split(name)
            .skip(1)
            .filter_map(|rest| rest.strip_prefix("=\""))
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_owned)
            .collect()
    };
    xml.split("<receiver")
        .skip(1)
        .map(|block| {
            let block = block.split("</receiver>").next().unwrap_or(block);
            let head = block.split('>').next().unwrap_or("");
            let name = attr(head, "android:name")
                .into_iter()
                .next()
                .unwrap_or_default();
            let actions = block
                .split("<action")
                .skip(1)
                .flat_map(|a| attr(a.split('>').next().unwrap_or(""), "android:name"))
                .collect();
            (name, actions)
        })
        .collect()
}

#[test]
fn self_start_receivers_are_those_of_the_aar_manifest() {
    let Some(aar) = corpus_file(NOTIFEE) else {
        return;
    };
    let xml = tool(
        "unzip",
        &["-p", aar.to_str().unwrap(), "AndroidManifest.xml"],
    );
    let receivers = text_manifest_receivers(&xml);
    assert_eq!(receivers.len(), 4, "{receivers:?}");
    // Two of the four listen for BOOT_COMPLETED; the other two for alarm-permission and channel-block changes.
    let booting: BTreeSet<&str> = receivers
        .iter()
        .filter(|(_, a)| {
            a.iter()
                .any(|x| x == "android.intent.action.BOOT_COMPLETED")
        })
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(booting.len(), 2);
    // The bilibili policy never says 自启动, 关联启动 or 唤醒 (grep: 0 lines).
    let policy = shared("policies/zh/bilibili_privacy_2021-10-08.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(!text.contains("自启动") && !text.contains("关联启动") && !text.contains("唤醒"));
    let report = audit(&aar, &policy);
    let found = findings(&report, "AA110");
    assert_eq!(found.len(), 1, "one finding for the app's own receivers");
    let named: BTreeSet<String> = app_values(found[0])
        .iter()
        .map(|v| v.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    let fq: BTreeSet<String> = booting
        .iter()
        .map(|n| {
            if n.starts_with('.') {
                format!("app.notifee.core{n}")
            } else {
                (*n).to_owned()
            }
        })
        .collect();
    assert_eq!(named, fq);
    assert!(
        app_values(found[0])
            .iter()
            .all(|v| v.contains("android.intent.action.BOOT_COMPLETED"))
    );
    assert!(
        found[0]["cn_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CN-S05")
    );
}

#[test]
fn open_data_lists_are_quoted_from_the_policy_lines() {
    let Some(aar) = corpus_file(NOTIFEE) else {
        return;
    };
    let policy = shared("policies/zh/bilibili_privacy_2021-10-08.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let report = audit(&aar, &policy);
    let found = findings(&report, "AA207");
    assert_eq!(found.len(), 1);
    let quoted: Vec<(usize, String)> = found[0]["policy_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap() as usize,
                e["quote"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Line 198 of the policy: "…您的设备信息（例如硬件型号、设备MAC地址、IMEI、IDFA、IMSI、必要的软件列表）…".
    assert!(quoted.iter().any(|(l, _)| *l == 198), "{quoted:?}");
    assert!(lines[197].contains("例如硬件型号、设备MAC地址、IMEI"));
    // "例如追番" (line 178) names a feature, not data: not an open data list.
    assert!(lines[177].contains("例如追番"));
    assert!(!quoted.iter().any(|(l, _)| *l == 178), "{quoted:?}");
    for (line, quote) in &quoted {
        let source = lines[line - 1].replace("**", "");
        assert!(
            source.contains(quote.trim_matches('*')) || lines[line - 1].contains(quote.as_str()),
            "line {line}: {quote}"
        );
    }
}

/// `aapt dump xmltree` of the manifest: the services whose android:permission is `permission`.
fn aapt_services_with_permission(apk: &Path, permission: &str) -> Vec<String> {
    let tree = tool(
        "aapt",
        &[
            "dump",
            "xmltree",
            apk.to_str().unwrap(),
            "AndroidManifest.xml",
        ],
    );
    let mut out = Vec::new();
    for block in tree.split("E: service").skip(1) {
        let block = block.split("E: ").next().unwrap_or(block);
        let value = |attr: &str| {
            block
                .lines()
                .find(|l| l.contains(attr))
                .and_then(|l| l.split('"').nth(1))
                .map(str::to_owned)
        };
        if value("android:permission").as_deref() == Some(permission)
            && let Some(name) = value("android:name")
        {
            out.push(name);
        }
    }
    out
}

#[test]
fn appium_settings_special_and_scoped_permissions_follow_aapt() {
    let Some(apk) = corpus_file(APPIUM) else {
        return;
    };
    let listeners = aapt_services_with_permission(
        &apk,
        "android.permission.BIND_NOTIFICATION_LISTENER_SERVICE",
    );
    assert_eq!(listeners, ["io.appium.settings.NLService"]);
    let policy = shared("policies/en/gpsstatus_mobiwia_privacy.md");
    let report = audit(&apk, &policy);
    let special = findings(&report, "AA112");
    let nl = special
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("notification listener")
        })
        .expect("AA112 for the notification listener");
    assert!(
        app_values(nl)
            .iter()
            .any(|v| v.contains("io.appium.settings.NLService")),
        "{nl}"
    );
    // aapt lists WRITE_SETTINGS among the uses-permissions: the special "modify system settings" finding.
    let permissions = aapt_permissions(&apk);
    assert!(
        permissions
            .iter()
            .any(|p| p == "android.permission.WRITE_SETTINGS")
    );
    assert!(
        special
            .iter()
            .any(|f| f["permission"] == "android.permission.WRITE_SETTINGS")
    );
    // AA114: exactly the restricted permissions aapt shows (ACCESS_BACKGROUND_LOCATION and READ_SMS here).
    let restricted = [
        "android.permission.ACCESS_BACKGROUND_LOCATION",
        "android.permission.READ_CALL_LOG",
        "android.permission.WRITE_CALL_LOG",
        "android.permission.PROCESS_OUTGOING_CALLS",
        "android.permission.READ_SMS",
        "android.permission.RECEIVE_SMS",
        "android.permission.SEND_SMS",
        "android.permission.BODY_SENSORS",
        "android.permission.BODY_SENSORS_BACKGROUND",
    ];
    let want: BTreeSet<&str> = permissions
        .iter()
        .map(String::as_str)
        .filter(|p| restricted.contains(p))
        .collect();
    assert_eq!(
        want,
        BTreeSet::from([
            "android.permission.ACCESS_BACKGROUND_LOCATION",
            "android.permission.READ_SMS"
        ])
    );
    let got: BTreeSet<&str> = findings(&report, "AA114")
        .iter()
        .map(|f| f["permission"].as_str().unwrap())
        .collect();
    assert_eq!(got, want);
    // aapt: targetSdkVersion=(type 0x10)0x23 = 35, not below Play's minimum: no AA113.
    let tree = tool(
        "aapt",
        &[
            "dump",
            "xmltree",
            apk.to_str().unwrap(),
            "AndroidManifest.xml",
        ],
    );
    assert!(tree.contains("android:targetSdkVersion(0x01010270)=(type 0x10)0x23"));
    assert!(findings(&report, "AA113").is_empty());
}

#[test]
fn demo_target_sdk_and_non_resettable_ids() {
    let apk = repo().join("samples/appaudit-demo.apk");
    let tree = tool(
        "aapt",
        &[
            "dump",
            "xmltree",
            apk.to_str().unwrap(),
            "AndroidManifest.xml",
        ],
    );
    // targetSdkVersion 0x21 = 33: below Google Play's 35, above the runtime-permission level 23.
    assert!(tree.contains("android:targetSdkVersion(0x01010270)=(type 0x10)0x21"));
    let report = audit(&apk, &repo().join("samples/appaudit-demo-privacy.txt"));
    let t = findings(&report, "AA113");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0]["severity"], "info");
    assert!(app_values(t[0]).contains(&"targetSdkVersion=33".to_owned()));
    // Policy line 22 lists "device identifiers (IMEI)" for JPush "push notifications": no security purpose.
    let imei = findings(&report, "AA111")
        .into_iter()
        .find(|f| f["data_type"] == "imei")
        .expect("AA111 imei");
    let lines: Vec<u64> = imei["policy_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["line"].as_u64())
        .collect();
    assert!(lines.contains(&22), "{imei}");
    // The demo policy names no company form and no address (lines 5-6: "published by Example Labs").
    assert_eq!(findings(&report, "AA213").len(), 1);
    assert!(
        findings(&report, "AA213")[0]["message"]
            .as_str()
            .unwrap()
            .contains("no operator")
    );
}

/// Per method of every `classes*.dex` (per `dexdump -d`): the PackageManager list APIs it invokes, whether it
/// loads a MAIN/LAUNCHER intent string, and whether it narrows an intent to one package or component.
fn dexdump_list_reads(apk: &Path) -> BTreeSet<String> {
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
    let mut reads = BTreeSet::new();
    let mut dexes: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dexes.sort();
    for dex in dexes {
        let text = tool("dexdump", &["-d", dex.to_str().unwrap()]);
        let mut class = String::new();
        let mut method = String::new();
        let mut facts: std::collections::BTreeMap<(String, String), BTreeSet<&str>> =
            Default::default();
        for line in text.lines() {
            if let Some(c) = line.trim().strip_prefix("Class descriptor  : '") {
                class = c.trim_end_matches('\'').to_owned();
            } else if let Some(m) = line.trim().strip_prefix("name          : '") {
                method = m.trim_end_matches('\'').to_owned();
            }
            let key = (class.clone(), method.clone());
            for (needle, fact) in [
                (
                    "Landroid/content/pm/PackageManager;.getInstalledPackages:",
                    "full",
                ),
                (
                    "Landroid/content/pm/PackageManager;.getInstalledApplications:",
                    "full",
                ),
                (
                    "Landroid/content/pm/PackageManager;.queryIntentActivities:",
                    "query",
                ),
                ("\"android.intent.category.LAUNCHER\"", "broad"),
                ("\"android.intent.action.MAIN\"", "broad"),
                ("Landroid/content/Intent;.setPackage:", "narrow"),
                ("Landroid/content/Intent;.setComponent:", "narrow"),
                ("Landroid/content/Intent;.setClassName:", "narrow"),
            ] {
                if line.contains(needle) {
                    facts.entry(key.clone()).or_default().insert(fact);
                }
            }
        }
        for ((c, m), f) in facts {
            let list = f.contains("full")
                || (f.contains("query") && f.contains("broad") && !f.contains("narrow"));
            if list {
                reads.insert(format!("{c}->{m}"));
            }
        }
    }
    reads
}

/// CN-N06: only full-list reads count as reading the installed-app list, not a targeted query. Before this
/// rule every queryIntent* call did: appium settings was reported for androidx's ShortcutXmlParser, whose
/// MAIN/LAUNCHER query is narrowed to the app's own package by Intent.setPackage (dexdump shows both).
#[test]
fn regression_targeted_intent_queries_are_not_installed_app_list_reads() {
    let mut wanted = Vec::new();
    for rel in [
        APPIUM,
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk",
    ] {
        let Some(apk) = corpus_file(rel) else {
            return;
        };
        let want = dexdump_list_reads(&apk);
        let inventory = scan_json(&apk);
        let got: BTreeSet<String> = inventory["data_access"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["data_type"] == "installed_apps")
            .flat_map(|d| d["accessors"].as_array().unwrap().iter())
            .flat_map(|a| a["call_sites"].as_array().unwrap().iter())
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, want, "{rel}");
        wanted.push(want);
    }
    // The two sides, as dexdump shows them: settings has only targeted queries, the server lists every app.
    assert!(wanted[0].is_empty(), "{:?}", wanted[0]);
    assert!(
        wanted[1].contains("Lio/appium/uiautomator2/handler/GetPackages;->safeHandle"),
        "{:?}",
        wanted[1]
    );
}

/// The code-loading calls of an APK per `dexdump -d`: `class->method` of each method invoking a loader.
fn dexdump_code_loading(apk: &Path) -> BTreeSet<String> {
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
    let needles = [
        "Ldalvik/system/DexClassLoader;.<init>:",
        "Ldalvik/system/PathClassLoader;.<init>:",
        "Ldalvik/system/InMemoryDexClassLoader;.<init>:",
        "Ldalvik/system/DexFile;.loadDex:",
        "Ljava/lang/System;.load:",
        "Ljava/lang/Runtime;.load:",
    ];
    let mut out = BTreeSet::new();
    for dex in std::fs::read_dir(dir.path()).unwrap() {
        let text = tool("dexdump", &["-d", dex.unwrap().path().to_str().unwrap()]);
        let (mut class, mut method) = (String::new(), String::new());
        for line in text.lines() {
            if let Some(c) = line.trim().strip_prefix("Class descriptor  : '") {
                class = c.trim_end_matches('\'').to_owned();
            } else if let Some(m) = line.trim().strip_prefix("name          : '") {
                method = m.trim_end_matches('\'').to_owned();
            } else if line.contains("invoke-") && needles.iter().any(|n| line.contains(n)) {
                out.insert(format!("{class}->{method}"));
            }
        }
    }
    out
}

fn code_loading_sites(inventory: &serde_json::Value) -> BTreeSet<String> {
    inventory["code_loading"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .flat_map(|c| c["call_sites"].as_array().unwrap().iter())
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn code_loading_call_sites_follow_dexdump_and_javap() {
    let Some(apk) = corpus_file(APPIUM) else {
        return;
    };
    // dexdump: Play services' dynamite loader builds a PathClassLoader (Lcom/google/android/gms/dynamite/zzd;-><init>).
    let want = dexdump_code_loading(&apk);
    assert!(!want.is_empty());
    assert_eq!(code_loading_sites(&scan_json(&apk)), want);

    // javap: JPush 4.8.1's cn.jpush.android.bq.b extends DexClassLoader and calls its constructor.
    let jar = corpus_file("jpush-phonegap-plugin@3.8.6/src/android/libs/jpush-android-4.8.1.jar")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    tool(
        "unzip",
        &[
            "-q",
            "-o",
            jar.to_str().unwrap(),
            "-d",
            dir.path().to_str().unwrap(),
        ],
    );
    let mut javap_classes = BTreeSet::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "class") {
                let bytes = std::fs::read(&p).unwrap();
                if bytes.windows(21).any(|w| w == b"dalvik/system/DexClas") {
                    let listing = tool("javap", &["-c", "-p", p.to_str().unwrap()]);
                    if listing.contains("Method dalvik/system/DexClassLoader.\"<init>\"") {
                        let rel = p.strip_prefix(dir.path()).unwrap().with_extension("");
                        javap_classes.insert(format!("L{};", rel.to_str().unwrap()));
                    }
                }
            }
        }
    }
    assert_eq!(
        javap_classes,
        BTreeSet::from(["Lcn/jpush/android/bq/b;".to_owned()])
    );
    let policy = shared("policies/zh/bilibili_privacy_2021-10-08.md");
    let report = audit(&jar, &policy);
    let found = findings(&report, "AA109");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["sdk"], "jpush");
    let classes: BTreeSet<String> = app_values(found[0])
        .iter()
        .map(|v| v.split("->").next().unwrap().to_owned())
        .collect();
    assert_eq!(classes, javap_classes);
    assert!(
        found[0]["cn_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CN-S04")
    );
}
