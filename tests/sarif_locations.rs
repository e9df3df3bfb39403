//! SARIF call-site locations name the code file and the calling class: every such location's
//! artifact is a DEX nested in the app, and `dexdump` of that very DEX (extracted with `unzip`)
//! lists the class. Checked on the demo app and on a real multi-DEX APK of the corpus.

mod common;

use std::path::Path;

use common::*;

/// Audits `apk` against the demo policy as SARIF; checks every call-site location against
/// dexdump; returns the DEX files named.
fn check(apk: &Path) -> Vec<String> {
    let (code, stdout, stderr) = appaudit(&[
        "audit",
        apk.to_str().unwrap(),
        "--policy",
        "samples/appaudit-demo-privacy.txt",
        "--format",
        "sarif",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let run = &sarif["runs"][0];
    let artifacts = run["artifacts"].as_array().unwrap();
    assert_eq!(
        artifacts[0]["location"]["uri"].as_str(),
        Some(apk.to_str().unwrap())
    );
    let dir = tempfile::tempdir().unwrap();
    let mut classes_of: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut named = Vec::new();
    let mut checked = 0;
    for result in run["results"].as_array().unwrap() {
        for loc in result["locations"].as_array().unwrap() {
            let art = &loc["physicalLocation"]["artifactLocation"];
            let Some(index) = art["index"].as_u64().filter(|i| *i > 0) else {
                continue;
            };
            let entry = &artifacts[index as usize];
            assert_eq!(entry["parentIndex"].as_u64(), Some(0), "{entry}");
            let dex = art["uri"].as_str().unwrap().to_owned();
            assert_eq!(entry["location"]["uri"].as_str(), Some(dex.as_str()));
            assert!(dex.ends_with(".dex"), "{dex}");
            let logical = loc["logicalLocations"].as_array().unwrap();
            let class = logical
                .iter()
                .find(|l| l["kind"] == "type")
                .and_then(|l| l["fullyQualifiedName"].as_str())
                .unwrap();
            let method = logical
                .iter()
                .find(|l| l["kind"] == "function")
                .and_then(|l| l["fullyQualifiedName"].as_str())
                .unwrap();
            assert!(method.starts_with(&format!("{class}->")), "{method}");
            let classes = classes_of.entry(dex.clone()).or_insert_with(|| {
                let bytes = std::process::Command::new("unzip")
                    .args(["-p", apk.to_str().unwrap(), &dex])
                    .output()
                    .expect("unzip")
                    .stdout;
                let path = dir.path().join(dex.replace('/', "_"));
                std::fs::write(&path, bytes).unwrap();
                dexdump_classes(&path)
            });
            assert!(
                classes.binary_search(&class.to_owned()).is_ok(),
                "{class} is not in {dex} of {} (dexdump lists {} classes)",
                apk.display(),
                classes.len()
            );
            checked += 1;
            if !named.contains(&dex) {
                named.push(dex);
            }
        }
    }
    assert!(checked > 0, "no call-site location in {}", apk.display());
    named
}

#[test]
fn demo_call_sites_are_in_the_dex_sarif_names() {
    assert_eq!(
        check(&repo().join("samples/appaudit-demo.apk")),
        ["classes.dex"]
    );
}

#[test]
fn multidex_call_sites_are_in_the_dex_sarif_names() {
    let Some(apk) = corpus_file("io.appium.settings@8.0.10/apks/settings_apk-debug.apk") else {
        return;
    };
    let named = check(&apk);
    // A 9-DEX app: its call sites are not all in the first DEX.
    assert!(named.iter().any(|d| d != "classes.dex"), "{named:?}");
}
