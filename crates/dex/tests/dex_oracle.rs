//! Cross-checks the DEX parser and code scanner against Debian's `dexdump` on real DEX
//! files from the corpus. Expected values come from `dexdump -d` output, parsed here.

mod common;

use std::collections::HashMap;
use std::ffi::OsStr;

use appaudit_dex::{CodeContainer, CodeRef, Dex, FieldOp, InvokeKind};

/// What `dexdump -d` says about a file: classes (descriptor, flags, superclass,
/// interfaces) and one normalised record per reference instruction.
#[derive(Default)]
struct Dump {
    classes: Vec<(String, u32, Option<String>, Vec<String>)>,
    refs: Vec<String>,
}

fn dotted_to_descriptor(dotted: &str) -> String {
    format!("L{};", dotted.replace('.', "/"))
}

fn quoted(line: &str) -> Option<String> {
    let start = line.find('\'')? + 1;
    let end = line.rfind('\'')?;
    line.get(start..end).map(str::to_owned)
}

/// The part after `|` of a code line (`001cac: 7110 d600 0000   |0002: invoke-static ...`).
fn code_line_body(line: &str) -> Option<&str> {
    let (address, rest) = line.split_once(": ")?;
    if address.len() != 6 || !address.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(rest.split_once('|')?.1)
}

fn string_index(text: &str) -> Option<u32> {
    let (_, idx) = text.rsplit_once(" // string@")?;
    u32::from_str_radix(idx, 16).ok()
}

fn parse_dexdump(text: &str) -> Dump {
    let mut dump = Dump::default();
    let mut method = String::new();
    let mut in_interfaces = false;
    // A const-string whose literal contains newlines continues on the following lines,
    // up to the one ending in "// string@N".
    let mut pending_string: Option<String> = None;
    for line in text.lines() {
        if let Some(at) = pending_string.take() {
            match string_index(line) {
                Some(idx) => dump.refs.push(format!("{at} string@{idx}")),
                None => pending_string = Some(at),
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("Class descriptor  : ") {
            dump.classes
                .push((quoted(rest).unwrap(), 0, None, Vec::new()));
            in_interfaces = false;
        } else if let Some(rest) = trimmed.strip_prefix("Access flags      : 0x") {
            let class = dump.classes.last_mut().unwrap();
            class.1 = u32::from_str_radix(rest.split_whitespace().next().unwrap(), 16).unwrap();
        } else if let Some(rest) = trimmed.strip_prefix("Superclass        : ") {
            dump.classes.last_mut().unwrap().2 = quoted(rest);
        } else if trimmed.starts_with("Interfaces        -") {
            in_interfaces = true;
        } else if trimmed.starts_with("Static fields     -") {
            in_interfaces = false;
        } else if in_interfaces && trimmed.starts_with('#') {
            let iface = quoted(trimmed).unwrap();
            dump.classes.last_mut().unwrap().3.push(iface);
        } else if let Some(body) = code_line_body(line) {
            if let Some(header) = body.strip_prefix('[') {
                // "[001c98] cn.foo.Bar.<clinit>:()V"
                let (_, sig) = header.split_once("] ").unwrap();
                let (path, descriptor) = sig.split_once(':').unwrap();
                let (class, name) = path.rsplit_once('.').unwrap();
                method = format!("{}->{name}{descriptor}", dotted_to_descriptor(class));
                continue;
            }
            let Some((pc, insn)) = body.split_once(": ") else {
                continue;
            };
            let mnemonic = insn.split_whitespace().next().unwrap_or("");
            let at = format!("{method} {pc}");
            if mnemonic.starts_with("const-string") {
                match string_index(insn) {
                    Some(idx) => dump.refs.push(format!("{at} string@{idx}")),
                    None => pending_string = Some(at),
                }
            } else if mnemonic.starts_with("invoke-") {
                let kind = mnemonic
                    .trim_start_matches("invoke-")
                    .trim_end_matches("/range");
                let (_, target) = insn.split_once("}, ").unwrap();
                let target = target.split(" // ").next().unwrap();
                // invoke-polymorphic appends ", (proto)"; drop it.
                let target = if kind == "polymorphic" {
                    target.rsplit_once(", ").unwrap().0
                } else {
                    target
                };
                dump.refs.push(format!("{at} {kind} {target}"));
            } else if let Some(op) = field_op(mnemonic) {
                let target = insn
                    .rsplit_once(", ")
                    .unwrap()
                    .1
                    .split(" // ")
                    .next()
                    .unwrap();
                dump.refs.push(format!("{at} {op} {target}"));
            }
        }
    }
    assert!(
        pending_string.is_none(),
        "unterminated const-string in dexdump output"
    );
    dump
}

fn field_op(mnemonic: &str) -> Option<&'static str> {
    let prefix = mnemonic.get(..4)?;
    match prefix {
        "iget" => Some("instance-get"),
        "iput" => Some("instance-put"),
        "sget" => Some("static-get"),
        "sput" => Some("static-put"),
        _ => None,
    }
}

/// The same records, produced by this crate.
fn our_refs(dex: &Dex<'_>) -> Vec<String> {
    let string_index: HashMap<&str, usize> =
        dex.strings().enumerate().map(|(i, s)| (s, i)).collect();
    let mut refs = Vec::new();
    let warnings = dex.for_each_code_ref(|site, code_ref| {
        let at = format!(
            "{}->{}{} {:04x}",
            site.class, site.method, site.descriptor, site.offset
        );
        let record = match code_ref {
            CodeRef::String { value } => format!("{at} string@{}", string_index[value]),
            CodeRef::Invoke { invoke, method } => {
                let kind = match invoke {
                    InvokeKind::Virtual => "virtual",
                    InvokeKind::Super => "super",
                    InvokeKind::Direct => "direct",
                    InvokeKind::Static => "static",
                    InvokeKind::Interface => "interface",
                    InvokeKind::Polymorphic => "polymorphic",
                    other => panic!("unexpected {other:?} in corpus"),
                };
                format!(
                    "{at} {kind} {}.{}:{}",
                    method.class, method.name, method.descriptor
                )
            }
            CodeRef::Field { op, field } => {
                let op = match op {
                    FieldOp::InstanceGet => "instance-get",
                    FieldOp::InstancePut => "instance-put",
                    FieldOp::StaticGet => "static-get",
                    FieldOp::StaticPut => "static-put",
                };
                format!(
                    "{at} {op} {}.{}:{}",
                    field.class, field.name, field.field_type
                )
            }
        };
        refs.push(record);
    });
    assert!(
        warnings.is_empty(),
        "scan warnings on a valid file: {warnings:?}"
    );
    refs
}

fn check_against_dexdump(label: &str, bytes: &[u8]) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.dex");
    std::fs::write(&path, bytes).unwrap();
    let text = common::run("dexdump", &[OsStr::new("-d"), path.as_os_str()]);
    let expected = parse_dexdump(&text);

    let dex = Dex::parse(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        dex.warnings().is_empty(),
        "{label}: parse warnings on a valid file: {:?}",
        dex.warnings()
    );
    assert!(dex.checksum_valid(), "{label}");

    let classes: Vec<_> = dex
        .classes()
        .map(|c| {
            let interfaces = c.interfaces.iter().map(|s| s.to_string()).collect();
            (
                c.descriptor.to_owned(),
                c.access_flags,
                c.superclass.map(str::to_owned),
                interfaces,
            )
        })
        .collect();
    assert_eq!(
        classes.len(),
        expected.classes.len(),
        "{label}: class count"
    );
    for (ours, theirs) in classes.iter().zip(&expected.classes) {
        assert_eq!(ours, theirs, "{label}: class definition");
    }

    let mut ours = our_refs(&dex);
    let mut theirs = expected.refs;
    assert!(
        !theirs.is_empty(),
        "{label}: dexdump output parsed to nothing"
    );
    ours.sort();
    theirs.sort();
    if ours != theirs {
        let only_ours: Vec<_> = ours
            .iter()
            .filter(|r| theirs.binary_search(r).is_err())
            .take(5)
            .collect();
        let only_theirs: Vec<_> = theirs
            .iter()
            .filter(|r| ours.binary_search(r).is_err())
            .take(5)
            .collect();
        panic!(
            "{label}: {} refs from us, {} from dexdump\nonly ours: {only_ours:#?}\nonly dexdump: {only_theirs:#?}",
            ours.len(),
            theirs.len()
        );
    }
    (classes.len(), ours.len())
}

const JVERIFICATION_DEX: &str = "jverification-react-native@2.8.8/android/build/.transforms/0f038a3935a9273cf6b8278ba7d7064c/transformed/classes/classes.dex";
const APPIUM_APK: &str =
    "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk";
const APPIUM_TEST_APK: &str =
    "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-debug-androidTest.apk";
const SETTINGS_APK: &str = "io.appium.settings@8.0.10/apks/settings_apk-debug.apk";

#[test]
fn jverification_dex_matches_dexdump() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::require_tool("dexdump");
    let bytes = std::fs::read(corpus.join(JVERIFICATION_DEX)).unwrap();
    let (classes, refs) = check_against_dexdump("jverification classes.dex", &bytes);
    // `dexdump -f`: class_defs_size 14.
    assert_eq!(classes, 14);
    assert!(refs > 100);
}

#[test]
fn small_appium_and_settings_dex_files_match_dexdump() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::require_tool("dexdump");
    let mut checked = 0;
    for apk in [APPIUM_TEST_APK, APPIUM_APK, SETTINGS_APK] {
        for (name, bytes) in common::dex_entries(&corpus.join(apk)) {
            // The big primary DEX files are covered by the ignored exhaustive test; keep
            // this one fast.
            if bytes.len() > 400_000 {
                continue;
            }
            check_against_dexdump(&format!("{apk}!{name}"), &bytes);
            checked += 1;
        }
    }
    // 4 in the androidTest APK, 14 small ones in the server APK, 8 in the settings APK.
    assert_eq!(checked, 26);
}

/// Every DEX file of the corpus, including the 10.8 MB and 6.9 MB primary ones. Slow in a
/// debug build; run with `cargo test -p appaudit-dex --release -- --ignored`.
#[test]
#[ignore]
fn every_corpus_dex_matches_dexdump() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::require_tool("dexdump");
    for apk in [APPIUM_TEST_APK, APPIUM_APK, SETTINGS_APK] {
        for (name, bytes) in common::dex_entries(&corpus.join(apk)) {
            let (classes, refs) = check_against_dexdump(&format!("{apk}!{name}"), &bytes);
            eprintln!("{apk}!{name}: {classes} classes, {refs} refs agree with dexdump");
        }
    }
}

#[test]
fn appium_primary_dex_header_and_samples() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let entries = common::dex_entries(&corpus.join(APPIUM_APK));
    // `unzip -l`: classes.dex, classes2.dex .. classes16.dex.
    assert_eq!(entries.len(), 16);
    let (_, bytes) = entries.iter().find(|(n, _)| n == "classes.dex").unwrap();
    let dex = Dex::parse(bytes).unwrap();
    // `dexdump -f classes.dex`: DEX version '038', class_defs_size 6949, method_ids_size 65481,
    // string_ids_size 73788; the samples are classes #0, #499, #3999 and #6948 of `dexdump -d`.
    assert_eq!(dex.version(), 38);
    assert_eq!(dex.class_count(), EXPECTED_APPIUM_CLASSES);
    assert_eq!(dex.method_id_count(), EXPECTED_APPIUM_METHOD_IDS);
    assert_eq!(dex.string_count(), EXPECTED_APPIUM_STRINGS);
    let descriptors: Vec<&str> = dex.classes().map(|c| c.descriptor).collect();
    for sample in EXPECTED_APPIUM_CLASS_SAMPLES {
        assert!(descriptors.contains(sample), "missing {sample}");
    }
}

#[test]
fn settings_dex_sees_telephony_get_device_id() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let entries = common::dex_entries(&corpus.join(SETTINGS_APK));
    let (_, bytes) = entries.iter().find(|(n, _)| n == "classes.dex").unwrap();
    let dex = Dex::parse(bytes).unwrap();
    // `dexdump -d`: TelephonyManagerCompat$Api23Impl.getDeviceId:(Landroid/telephony/TelephonyManager;I)
    // at 0000: invoke-virtual {v1, v2}, Landroid/telephony/TelephonyManager;.getDeviceId:(I)Ljava/lang/String;
    let class = dex
        .classes()
        .find(|c| c.descriptor == "Landroidx/core/telephony/TelephonyManagerCompat$Api23Impl;")
        .expect("class present");
    let mut seen = Vec::new();
    let warnings = dex.for_each_code_ref_in(&class, |site, code_ref| {
        if let CodeRef::Invoke { invoke, method } = code_ref
            && method.class == "Landroid/telephony/TelephonyManager;"
        {
            seen.push((
                site.method,
                site.offset,
                invoke,
                method.name,
                method.descriptor,
            ));
        }
    });
    assert!(warnings.is_empty());
    assert_eq!(
        seen,
        [(
            "getDeviceId",
            0,
            InvokeKind::Virtual,
            "getDeviceId",
            "(I)Ljava/lang/String;"
        )]
    );
}

const EXPECTED_APPIUM_CLASSES: usize = 6949;
const EXPECTED_APPIUM_METHOD_IDS: usize = 65481;
const EXPECTED_APPIUM_STRINGS: usize = 73788;
const EXPECTED_APPIUM_CLASS_SAMPLES: &[&str] = &[
    "L_COROUTINE/ArtificialStackFrames;",
    "Landroidx/test/runner/permission/ShellCommand;",
    "Lio/netty/handler/ssl/BouncyCastleAlpnSslEngine;",
    "Lkotlinx/coroutines/time/TimeKt;",
];
