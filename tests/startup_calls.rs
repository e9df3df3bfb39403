//! End-to-end (CN-C01, static; rule AA116): the start-up walk on a real App Bundle, checked
//! against `protoc --decode_raw` (the manifest's `<application android:name>`) and
//! `dexdump -d` (what that class's `onCreate` reads).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn shared_aab(name: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("APPAUDIT_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let path = dir.join("corpus/aab").join(name);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("APPAUDIT_SKIP_CORPUS").as_deref() == Ok("1"),
        "shared corpus bundle {name} missing (set APPAUDIT_SHARED)"
    );
    None
}

/// `<application android:name>` of a bundle's proto manifest, per `protoc --decode_raw`: the
/// first `name` attribute (resource id 0x01010003 = 16842755) after the `application` element.
fn application_class(aab: &Path, dir: &Path) -> String {
    tool(
        "unzip",
        &[
            "-o",
            "-q",
            aab.to_str().unwrap(),
            "base/manifest/AndroidManifest.xml",
            "base/dex/*",
            "-d",
            dir.to_str().unwrap(),
        ],
    );
    let manifest = dir.join("base/manifest/AndroidManifest.xml");
    let out = std::process::Command::new("protoc")
        .arg("--decode_raw")
        .stdin(std::fs::File::open(&manifest).expect("manifest"))
        .output()
        .expect("protoc is needed for this test");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let start = lines
        .iter()
        .position(|l| *l == "3: \"application\"")
        .expect("application element");
    for w in lines[start..].windows(3) {
        if w[0] == "2: \"name\"" && w[2] == "5: 16842755" {
            return w[1]
                .trim_start_matches("3: \"")
                .trim_end_matches('"')
                .to_owned();
        }
    }
    panic!("no android:name on <application>");
}

/// The `Landroid/os/Build;` fields that `class.onCreate` reads, per `dexdump -d` of every dex.
fn on_create_build_fields(dir: &Path, class: &str) -> BTreeSet<String> {
    let header = format!("{class}.onCreate:()V");
    let mut fields = BTreeSet::new();
    for entry in std::fs::read_dir(dir.join("base/dex")).expect("dex dir") {
        let path = entry.expect("entry").path();
        let dump = tool("dexdump", &["-d", path.to_str().unwrap()]);
        let mut inside = false;
        for line in dump.lines() {
            if line.contains(&header) {
                inside = true;
            } else if inside && line.contains("|[") {
                inside = false; // the next method's header
            }
            if inside
                && line.contains("sget-object")
                && let Some((_, f)) = line.split_once("Landroid/os/Build;.")
            {
                fields.insert(format!(
                    "Landroid/os/Build;.{}",
                    f.split(':').next().unwrap_or("")
                ));
            }
        }
    }
    fields
}

#[test]
fn thunderscout_application_on_create_reads_build_fields() {
    let Some(aab) = shared_aab("19lmyers+ThunderScout+app-release.aab") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let app = application_class(&aab, tmp.path());
    assert_eq!(app, "dev.chara.thunderscout.ThunderScout");
    let fields = on_create_build_fields(tmp.path(), &app);
    // dexdump: onCreate builds a device name from Build.MANUFACTURER + " " + Build.MODEL.
    assert_eq!(
        fields.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "Landroid/os/Build;.MANUFACTURER",
            "Landroid/os/Build;.MODEL"
        ]
    );
    let descriptor = format!("L{};", app.replace('.', "/"));
    let inv = scan_json(&aab);
    let calls = inv["startup_calls"].as_array().expect("startup_calls");
    let got: BTreeSet<String> = calls
        .iter()
        .filter(|c| c["entry"] == "Application.onCreate")
        .map(|c| c["call"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, fields, "{calls:?}");
    for c in calls {
        assert_eq!(c["kind"], "sensitive_read");
        // Taxonomy: Build.MODEL / MANUFACTURER are android_fields of device_hardware_info.
        assert_eq!(c["data_types"][0], "device_hardware_info");
        assert_eq!(c["path"][0], format!("{descriptor}->onCreate"));
        assert_eq!(c["path"].as_array().unwrap().len(), 2);
        assert_eq!(c["file"], "base/dex/classes.dex");
    }

    let (_, stdout, stderr) = appaudit(&[
        "audit",
        aab.to_str().unwrap(),
        "--policy",
        repo()
            .join("samples/appaudit-demo-privacy.txt")
            .to_str()
            .unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "AA116")
        .unwrap_or_else(|| panic!("no AA116 in {}", report["findings"]));
    assert_eq!(f["severity"], "medium");
    assert_eq!(f["data_type"], "device_hardware_info");
    assert!(
        f["message"].as_str().unwrap().ends_with(
            "reachable from Application.onCreate; consent guard not provable statically"
        ),
        "{}",
        f["message"]
    );
    let path = f["app_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "call_path")
        .expect("call path evidence");
    assert!(
        path["value"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{descriptor}->onCreate → Landroid/os/Build;.")),
        "{path}"
    );
    assert!(f["cn_rules"].as_array().unwrap().contains(&"CN-C01".into()));
}

/// AA501 stays the dynamic confirmation of what AA116 finds statically.
#[test]
fn aa116_is_static_and_aa501_stays_dynamic() {
    let (code, stdout, _) = appaudit(&["rules", "--json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&stdout).expect("rules json");
    let list = rules
        .as_array()
        .or_else(|| rules["rules"].as_array())
        .expect("rule list");
    let by_id = |id: &str| {
        list.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed"))
    };
    assert_eq!(by_id("AA116")["severity"], "medium");
    assert_ne!(by_id("AA116")["dynamic"], true);
    assert_eq!(by_id("AA501")["dynamic"], true);
    for id in ["AA116", "AA501"] {
        assert!(
            by_id(id)["cn_rules"]
                .as_array()
                .unwrap()
                .contains(&"CN-C01".into())
        );
    }
}
