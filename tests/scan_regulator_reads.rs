//! End-to-end (issue #12 §4): the reads regulators look for that the code pass missed —
//! reflective getter lookups, SubscriptionManager records — and `getDeviceId` as one record,
//! each checked against `javap -c -p` / `dexdump -d` of the same real file.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// The accessors of `data_type` in a scan.
fn accessors<'a>(inv: &'a serde_json::Value, data_type: &str) -> &'a [serde_json::Value] {
    inv["data_access"]
        .as_array()
        .expect("data_access")
        .iter()
        .find(|d| d["data_type"] == data_type)
        .and_then(|d| d["accessors"].as_array())
        .map_or(&[], |a| a.as_slice())
}

fn strings(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str())
        .collect()
}

/// One method of `javap -c -p` output: its name, the constant strings it loads (`ldc`) and
/// the `Class`/`Owner.method` pairs it invokes.
#[derive(Default, Debug)]
struct JavapMethod {
    name: String,
    strings: Vec<String>,
    invokes: Vec<String>,
}

fn javap_methods(jar: &Path, class: &str) -> Vec<JavapMethod> {
    let text = tool("javap", &["-c", "-p", "-cp", jar.to_str().unwrap(), class]);
    let mut out: Vec<JavapMethod> = Vec::new();
    for line in text.lines() {
        // Method headers are indented two spaces and hold the parameter list.
        if line.starts_with("  ") && !line.starts_with("   ") && line.contains('(') {
            let head = line.split('(').next().unwrap_or("");
            out.push(JavapMethod {
                name: head.rsplit(' ').next().unwrap_or("").to_owned(),
                ..JavapMethod::default()
            });
        } else if let Some(m) = out.last_mut() {
            if line.contains(" ldc") {
                if let Some((_, s)) = line.split_once("// String ") {
                    m.strings.push(s.to_owned());
                }
            } else if line.contains("invoke")
                && let Some((_, target)) = line.split_once("// Method ")
                && let Some((owner_name, _)) = target.split_once(':')
            {
                m.invokes.push(owner_name.to_owned());
            }
        }
    }
    out
}

/// JCore 3.3.2 reads IMEI and the SIM serial with `tm.getClass().getDeclaredMethod("getImei")`
/// in `cn.jiguang.t.d`: the receiver is a `checkcast` TelephonyManager, which names no class
/// the scan could pair with the getter name, so only the lookup table finds it.
#[test]
fn jcore_reflective_getter_lookups_match_javap() {
    let Some(jar) = corpus_file("cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar")
    else {
        return;
    };
    let class = "cn.jiguang.t.d";
    // Hand label from developer.android.com/reference/android/telephony/TelephonyManager:
    // getImei/getDeviceId return the IMEI, getSubscriberId the IMSI, getSimSerialNumber the ICCID.
    let label: BTreeMap<&str, &str> = [
        ("getImei", "imei"),
        ("getDeviceId", "imei"),
        ("getSubscriberId", "imsi"),
        ("getSimSerialNumber", "iccid"),
    ]
    .into_iter()
    .collect();
    let mut expected: Vec<(String, String, String)> = Vec::new();
    for m in javap_methods(&jar, class) {
        let lookups: Vec<&str> = m
            .invokes
            .iter()
            .filter_map(|i| i.strip_prefix("java/lang/Class."))
            .filter(|n| *n == "getDeclaredMethod" || *n == "getMethod")
            .collect();
        // A class-name string in the method is the older class + name pairing's evidence.
        let names_a_class = m.strings.iter().any(|s| s.starts_with("android."));
        if lookups.is_empty() || names_a_class {
            continue;
        }
        for s in &m.strings {
            if let Some(&data_type) = label.get(s.as_str()) {
                for l in &lookups {
                    expected.push((
                        data_type.to_owned(),
                        (*l).to_owned(),
                        format!("L{};->{}|{s}", class.replace('.', "/"), m.name),
                    ));
                }
            }
        }
    }
    // javap: d.b() loads "getImei" and "getSimSerialNumber" next to Class.getDeclaredMethod.
    assert!(
        expected.iter().any(|e| e.0 == "imei") && expected.iter().any(|e| e.0 == "iccid"),
        "javap finds no lookup in {class}: {expected:?}"
    );
    let inv = scan_json(&jar);
    for (data_type, lookup, site_name) in &expected {
        let (site, name) = site_name.split_once('|').unwrap();
        let api = format!("reflection: Class.{lookup} looks up {name}");
        let holder = accessors(&inv, data_type)
            .iter()
            .find(|a| strings(&a["apis"]).contains(&api.as_str()))
            .unwrap_or_else(|| panic!("{data_type}: no accessor reports {api:?}"));
        assert_eq!(holder["sdk"], "jcore", "{data_type}");
        let sites = strings(&holder["call_sites"]);
        if holder["call_site_count"].as_u64().unwrap() as usize <= sites.len() {
            assert!(
                sites.contains(&site),
                "{data_type}: {site} not in {sites:?}"
            );
        }
    }
}

/// Getui's gtc 3.2.18 asks `SubscriptionManager.getActiveSubscriptionInfoForSimSlotIndex` for a
/// SIM's record: reported as ICCID and phone number at the method javap shows.
#[test]
fn getui_subscription_record_read_matches_javap() {
    let Some(jar) = corpus_file("react-native-getui@1.1.55/android/libs/gtc-3.2.18.0.jar") else {
        return;
    };
    let class = "com.getui.gtc.dim.c.a";
    let expected: Vec<String> = javap_methods(&jar, class)
        .into_iter()
        .filter(|m| {
            m.invokes.iter().any(|i| {
                i.starts_with("android/telephony/SubscriptionManager.getActiveSubscriptionInfo")
                    && !i.contains("Count")
            })
        })
        .map(|m| format!("L{};->{}", class.replace('.', "/"), m.name))
        .collect();
    assert!(!expected.is_empty(), "javap: no SubscriptionManager read");
    let inv = scan_json(&jar);
    for data_type in ["iccid", "phone_number"] {
        let sub = accessors(&inv, data_type)
            .iter()
            .find(|a| {
                strings(&a["apis"])
                    .iter()
                    .any(|s| s.starts_with("SubscriptionManager.getActiveSubscriptionInfo"))
            })
            .unwrap_or_else(|| panic!("{data_type}: no SubscriptionManager accessor"));
        let sites = strings(&sub["call_sites"]);
        for site in &expected {
            assert!(
                sites.contains(&site.as_str()),
                "{data_type}: {site} not in {sites:?}"
            );
        }
    }
}

/// Regression (issue #12 §4): one `getDeviceId` call was two records, IMEI and MEID, and so two
/// AA102 and two AA111 findings for the demo app. dexdump shows the call in
/// `JPushInterface.init` and no `getMeid` anywhere.
#[test]
fn get_device_id_is_one_record_not_imei_and_meid() {
    let apk = repo().join("samples/appaudit-demo.apk");
    let dump = tool("dexdump", &["-d", apk.to_str().unwrap()]);
    assert!(dump.contains("Landroid/telephony/TelephonyManager;.getDeviceId:"));
    assert!(!dump.contains("getMeid"));
    let inv = scan_json(&apk);
    let imei = accessors(&inv, "imei");
    let jpush = imei
        .iter()
        .find(|a| a["sdk"] == "jpush")
        .expect("jpush reads imei");
    assert!(strings(&jpush["apis"]).contains(&"TelephonyManager.getDeviceId"));
    assert!(
        accessors(&inv, "meid").is_empty(),
        "MEID has a reader: {:?}",
        accessors(&inv, "meid")
    );
}
