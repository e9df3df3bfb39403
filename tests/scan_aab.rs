//! End-to-end scans of the real Android App Bundles in `../shared/corpus/aab/`.
//!
//! The oracles are independent of appaudit's decoders: `protoc --decode` with the
//! published aapt2 field numbers (`tests/aab/aapt2-xml.proto`) reads each bundle's
//! protobuf manifest, `dexdump` its classes, `unzip -Z1` its native libraries.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

/// `../shared/corpus/aab` beside the repository (as CI lays it), or under `$APPAUDIT_SHARED`.
fn bundle_dir() -> PathBuf {
    std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
        .join("corpus/aab")
}

fn bundles() -> Vec<PathBuf> {
    let dir = bundle_dir();
    assert!(
        dir.is_dir(),
        "bundles missing at {} (CI lays shared/ beside the repo)",
        dir.display()
    );
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "aab"))
        .collect();
    out.sort();
    assert_eq!(out.len(), 5, "the README lists five bundles");
    out
}

/// One node of protobuf text format: `key: value` or `key { … }`.
#[derive(Debug)]
enum Text {
    Field(String, String),
    Message(String, Vec<Text>),
}

/// Parses `protoc --decode` output (one field or brace per line).
fn parse_text_format(text: &str) -> Vec<Text> {
    let mut stack: Vec<(String, Vec<Text>)> = vec![(String::new(), Vec::new())];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == "}" {
            let (name, body) = stack.pop().expect("balanced braces");
            stack
                .last_mut()
                .expect("balanced braces")
                .1
                .push(Text::Message(name, body));
        } else if let Some(name) = line.strip_suffix(" {") {
            stack.push((name.to_owned(), Vec::new()));
        } else {
            let (key, value) = line.split_once(": ").expect("key: value");
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| value.to_owned());
            stack
                .last_mut()
                .unwrap()
                .1
                .push(Text::Field(key.to_owned(), value));
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced protoc output");
    stack.pop().unwrap().1
}

fn field<'a>(body: &'a [Text], key: &str) -> Option<&'a str> {
    body.iter().find_map(|t| match t {
        Text::Field(k, v) if k == key => Some(v.as_str()),
        _ => None,
    })
}

fn messages<'a>(body: &'a [Text], key: &'a str) -> impl Iterator<Item = &'a [Text]> + 'a {
    body.iter().filter_map(move |t| match t {
        Text::Message(k, b) if k == key => Some(b.as_slice()),
        _ => None,
    })
}

/// An element as protoc decoded it: name, attributes (name → raw value), children.
struct El<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    children: Vec<El<'a>>,
}

fn element(body: &[Text]) -> El<'_> {
    El {
        name: field(body, "name").unwrap_or(""),
        attrs: messages(body, "attribute")
            .map(|a| {
                (
                    field(a, "name").unwrap_or(""),
                    field(a, "value").unwrap_or(""),
                )
            })
            .collect(),
        children: messages(body, "child")
            .filter_map(|c| messages(c, "element").next())
            .map(element)
            .collect(),
    }
}

impl El<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
    fn named(&self, name: &str) -> impl Iterator<Item = &El<'_>> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn unzip_to(bundle: &Path, pattern: &str, dir: &Path) {
    tool(
        "unzip",
        &[
            "-q",
            "-o",
            bundle.to_str().unwrap(),
            pattern,
            "-d",
            dir.to_str().unwrap(),
        ],
    );
}

fn protoc_manifest(manifest: &Path) -> String {
    let proto_dir = repo().join("tests/aab");
    let out = Command::new("protoc")
        .arg(format!("--proto_path={}", proto_dir.display()))
        .arg("--decode=aapt.pb.XmlNode")
        .arg("aapt2-xml.proto")
        .stdin(std::fs::File::open(manifest).unwrap())
        .stderr(Stdio::piped())
        .output()
        .expect("protoc is needed for this test (.ci/run installs protobuf-compiler)");
    assert!(
        out.status.success(),
        "protoc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn strings(v: &serde_json::Value, key: &str) -> BTreeSet<String> {
    field_list(v, key).into_iter().collect()
}

#[test]
fn bundles_match_their_protobuf_manifests_per_protoc() {
    for bundle in bundles() {
        let dir = tempfile::tempdir().unwrap();
        unzip_to(&bundle, "base/manifest/AndroidManifest.xml", dir.path());
        let text = protoc_manifest(&dir.path().join("base/manifest/AndroidManifest.xml"));
        let top = parse_text_format(&text);
        let manifest = element(messages(&top, "element").next().expect("root element"));
        assert_eq!(manifest.name, "manifest");
        let package = manifest.attr("package").unwrap();

        let inv = scan_json(&bundle);
        let name = bundle.display();
        assert_eq!(inv["source"]["kind"], "aab", "{name}");
        assert_eq!(inv["app"]["package"], package, "{name}");
        assert_eq!(
            inv["app"]["version_code"],
            manifest.attr("versionCode").unwrap(),
            "{name}"
        );
        assert_eq!(
            inv["app"]["version_name"].as_str(),
            manifest.attr("versionName"),
            "{name}"
        );
        let sdk = manifest.named("uses-sdk").next().unwrap();
        assert_eq!(inv["app"]["min_sdk"].as_str(), sdk.attr("minSdkVersion"));
        assert_eq!(
            inv["app"]["target_sdk"].as_str(),
            sdk.attr("targetSdkVersion")
        );

        let permissions: BTreeSet<String> = manifest
            .children
            .iter()
            .filter(|c| c.name == "uses-permission" || c.name == "uses-permission-sdk-23")
            .filter_map(|c| c.attr("name"))
            .map(str::to_owned)
            .collect();
        assert!(!permissions.is_empty(), "{name}");
        assert_eq!(strings(&inv["permissions"], "name"), permissions, "{name}");

        let application = manifest.named("application").next().unwrap();
        let resolve = |c: &str| {
            if c.starts_with('.') {
                format!("{package}{c}")
            } else {
                c.to_owned()
            }
        };
        let components: BTreeSet<String> = application
            .children
            .iter()
            .filter(|c| {
                [
                    "activity",
                    "activity-alias",
                    "service",
                    "receiver",
                    "provider",
                ]
                .contains(&c.name)
            })
            .filter_map(|c| c.attr("name"))
            .map(resolve)
            .collect();
        assert!(!components.is_empty(), "{name}");
        assert_eq!(strings(&inv["components"], "name"), components, "{name}");

        // meta-data under <application> and under each component.
        let mut meta: Vec<(String, Option<String>)> = Vec::new();
        for owner in std::iter::once(application).chain(application.children.iter()) {
            for md in owner.named("meta-data") {
                let value = md.attr("value").or(md.attr("resource"));
                meta.push((
                    md.attr("name").unwrap().to_owned(),
                    value.map(str::to_owned),
                ));
            }
        }
        let mut ours: Vec<(String, Option<String>)> = inv["meta_data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().unwrap().to_owned(),
                    m["value"].as_str().map(str::to_owned),
                )
            })
            .collect();
        meta.sort();
        ours.sort();
        let names = |v: &[(String, Option<String>)]| -> Vec<String> {
            v.iter().map(|(n, _)| n.clone()).collect()
        };
        assert_eq!(names(&ours), names(&meta), "{name}");
        // Literal values read the same; references are rendered `@0x…` from their id.
        for ((_, ours), (_, theirs)) in ours.iter().zip(&meta) {
            match theirs.as_deref() {
                Some(t) if t.starts_with('@') => {
                    assert!(ours.as_deref().is_some_and(|o| o.starts_with("@0x")))
                }
                t => assert_eq!(ours.as_deref(), t, "{name}"),
            }
        }
        assert!(
            inv["warnings"].as_array().unwrap().is_empty(),
            "{name}: {}",
            inv["warnings"]
        );
    }
}

#[test]
fn bundle_code_and_native_libraries_match_dexdump_and_unzip() {
    for bundle in bundles() {
        let dir = tempfile::tempdir().unwrap();
        unzip_to(&bundle, "base/dex/*.dex", dir.path());
        let mut classes = 0;
        let mut dex_files = 0;
        for entry in std::fs::read_dir(dir.path().join("base/dex")).unwrap() {
            classes += dexdump_classes(&entry.unwrap().path()).len();
            dex_files += 1;
        }
        let inv = scan_json(&bundle);
        let name = bundle.display();
        assert_eq!(inv["stats"]["dex_files"], dex_files, "{name}");
        assert_eq!(inv["stats"]["classes"], classes, "{name}");

        let listing = tool("unzip", &["-Z1", bundle.to_str().unwrap()]);
        let libs: BTreeSet<String> = listing
            .lines()
            .filter(|l| l.starts_with("base/lib/") && l.ends_with(".so"))
            .map(str::to_owned)
            .collect();
        assert_eq!(strings(&inv["native_libs"], "path"), libs, "{name}");
        for lib in inv["native_libs"].as_array().unwrap() {
            let path = lib["path"].as_str().unwrap();
            let abi = path.split('/').nth(2).unwrap();
            assert_eq!(lib["abi"], abi, "{path}");
        }
    }
}

/// The README's table: WatchLock ships androidx.graphics.path for four ABIs; ThunderScout
/// has two dex files; the Wear OS app carries Play services' wearable API.
#[test]
fn bundle_readme_facts() {
    let dir = bundle_dir();
    let watchlock = scan_json(&dir.join("emilkrebs+WatchLock+mobile-release.aab"));
    let abis: BTreeSet<&str> = watchlock["native_libs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["abi"].as_str().unwrap())
        .collect();
    assert_eq!(
        abis,
        BTreeSet::from(["arm64-v8a", "armeabi-v7a", "x86", "x86_64"])
    );
    let thunder = scan_json(&dir.join("19lmyers+ThunderScout+app-release.aab"));
    assert_eq!(thunder["stats"]["dex_files"], 2);
    assert_eq!(thunder["stats"]["classes"], 4944);
    let wear =
        scan_json(&dir.join("amoledwatchfaces+Complications-Suite-Wear-OS+wear-release.aab"));
    assert!(sdk_ids(&wear).contains(&"google-play-services".to_owned()));
}
