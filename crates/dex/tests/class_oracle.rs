//! Cross-checks the class-file parser and bytecode scanner against `javap -c -p -s` on the
//! vendor SDK jars of the corpus. Expected values come from javap output, parsed here.

mod common;

use std::ffi::OsString;
use std::path::Path;

use appaudit_dex::{ClassFile, CodeContainer, CodeRef, FieldOp, InvokeKind};

const BUGLY_JAR: &str = "cordova-plugin-bugly-sdk@0.0.1/src/android/libs/bugly_crash_release.jar";
const JCORE_JAR: &str = "cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar";

/// javap's escaping of string constants (`ConstantWriter.addEscapes` in the JDK).
fn javap_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn internal_to_descriptor(internal: &str) -> String {
    if internal.starts_with('[') {
        internal.to_owned()
    } else {
        format!("L{internal};")
    }
}

/// Class descriptors and one record per reference instruction, from `javap -c -p -s`.
fn parse_javap(text: &str) -> (Vec<String>, Vec<String>) {
    let mut classes = Vec::new();
    let mut refs = Vec::new();
    let mut class_internal = String::new();
    let mut member_name = String::new();
    let mut member_descriptor = String::new();
    let mut method = String::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with('{') {
            // "public final class com.foo.Bar extends ... {" / "interface com.foo.Baz {"
            let tokens: Vec<&str> = line.split_whitespace().collect();
            let at = tokens
                .iter()
                .position(|t| *t == "class" || *t == "interface")
                .unwrap();
            let name = tokens[at + 1].split('<').next().unwrap();
            class_internal = name.replace('.', "/");
            classes.push(internal_to_descriptor(&class_internal));
        } else if line.starts_with("  ") && !line.starts_with("   ") && line.ends_with(';') {
            // member header: "  public static java.lang.String a(android.content.Context);"
            member_name = if line.trim() == "static {};" {
                "<clinit>".to_owned()
            } else if let Some((before, _)) = line.split_once('(') {
                let last = before.split_whitespace().last().unwrap();
                if last.replace('.', "/") == class_internal {
                    "<init>".to_owned()
                } else {
                    last.to_owned()
                }
            } else {
                String::new() // a field
            };
        } else if let Some(descriptor) = line.trim_start().strip_prefix("descriptor: ") {
            member_descriptor = descriptor.to_owned();
        } else if line.trim() == "Code:" {
            method = format!(
                "{}->{member_name}{member_descriptor}",
                internal_to_descriptor(&class_internal)
            );
        } else if let Some((head, comment)) = line.split_once("// ") {
            let Some((pc, insn)) = head.trim().split_once(": ") else {
                continue;
            };
            let Ok(pc) = pc.parse::<u32>() else { continue };
            let mnemonic = insn.split_whitespace().next().unwrap();
            // An empty string constant prints as "// String" with nothing after it.
            let (what, target) = comment.split_once(' ').unwrap_or((comment, ""));
            let at = format!("{method} {pc}");
            let record = match (mnemonic, what) {
                ("ldc" | "ldc_w", "String") => {
                    format!("{at} string {target}").trim_end().to_owned()
                }
                (m, "Method" | "InterfaceMethod" | "Field") if !m.starts_with("ldc") => {
                    // "owner.name:desc", owner omitted for the current class, <init> quoted.
                    let target = target.replace('"', "");
                    let (path, descriptor) = target.split_once(':').unwrap();
                    let (owner, name) = path.rsplit_once('.').unwrap_or((&class_internal, path));
                    let kind = match m {
                        "invokevirtual" => "virtual",
                        "invokespecial" => "special",
                        "invokestatic" => "static",
                        "invokeinterface" => "interface",
                        "getstatic" => "static-get",
                        "putstatic" => "static-put",
                        "getfield" => "instance-get",
                        "putfield" => "instance-put",
                        other => panic!("unexpected {other}"),
                    };
                    format!(
                        "{at} {kind} {}.{name}:{descriptor}",
                        internal_to_descriptor(owner)
                    )
                }
                _ => continue,
            };
            refs.push(record);
        }
    }
    (classes, refs)
}

fn our_records(class: &ClassFile<'_>, refs: &mut Vec<String>) {
    let warnings = class.for_each_code_ref(|site, code_ref| {
        let at = format!(
            "{}->{}{} {}",
            site.class, site.method, site.descriptor, site.offset
        );
        let record = match code_ref {
            CodeRef::String { value } => format!("{at} string {}", javap_escape(value))
                .trim_end()
                .to_owned(),
            CodeRef::Invoke { invoke, method } => {
                let kind = match invoke {
                    InvokeKind::Virtual => "virtual",
                    InvokeKind::Special => "special",
                    InvokeKind::Static => "static",
                    InvokeKind::Interface => "interface",
                    other => panic!("unexpected {other:?}: these jars have no invokedynamic"),
                };
                format!(
                    "{at} {kind} {}.{}:{}",
                    method.class, method.name, method.descriptor
                )
            }
            CodeRef::Field { op, field } => {
                let op = match op {
                    FieldOp::StaticGet => "static-get",
                    FieldOp::StaticPut => "static-put",
                    FieldOp::InstanceGet => "instance-get",
                    FieldOp::InstancePut => "instance-put",
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
        "{:?}: scan warnings on a valid class: {warnings:?}",
        class.descriptor()
    );
}

fn check_jar_against_javap(jar: &Path) -> (usize, usize) {
    let entries = common::zip_entries(jar, |n| n.ends_with(".class"));
    let mut our_classes = Vec::new();
    let mut ours = Vec::new();
    for (name, bytes) in &entries {
        let class = ClassFile::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            class.warnings().is_empty(),
            "{name}: {:?}",
            class.warnings()
        );
        our_classes.push(class.descriptor().unwrap().to_owned());
        our_records(&class, &mut ours);
    }

    let mut args: Vec<OsString> = ["-c", "-p", "-s", "-cp"].map(OsString::from).to_vec();
    args.push(jar.as_os_str().to_owned());
    for (name, _) in &entries {
        args.push(name.trim_end_matches(".class").replace('/', ".").into());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(OsString::as_os_str).collect();
    let (mut their_classes, mut theirs) = parse_javap(&common::run("javap", &args));

    our_classes.sort();
    their_classes.sort();
    assert_eq!(
        our_classes,
        their_classes,
        "{}: defined classes",
        jar.display()
    );
    ours.sort();
    theirs.sort();
    assert!(!theirs.is_empty());
    if ours != theirs {
        let (only_ours, only_theirs) = multiset_difference(&ours, &theirs);
        panic!(
            "{}: {} refs from us, {} from javap\nonly ours: {only_ours:#?}\nonly javap: {only_theirs:#?}",
            jar.display(),
            ours.len(),
            theirs.len()
        );
    }
    (our_classes.len(), ours.len())
}

#[test]
fn bugly_jar_matches_javap() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::require_tool("javap");
    let (classes, refs) = check_jar_against_javap(&corpus.join(BUGLY_JAR));
    // `unzip -l bugly_crash_release.jar | grep -c '\.class$'` = 120
    assert_eq!(classes, 120);
    assert!(refs > 5000, "{refs}");
}

#[test]
fn jcore_jar_matches_javap() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    common::require_tool("javap");
    let (classes, _) = check_jar_against_javap(&corpus.join(JCORE_JAR));
    // `unzip -l jcore-android-3.3.2.jar | grep -c '\.class$'` = 521
    assert_eq!(classes, 521);
}

#[test]
fn bugly_reads_device_id_and_subscriber_id() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let entries = common::zip_entries(&corpus.join(BUGLY_JAR), |n| {
        n == "com/tencent/bugly/crashreport/common/info/b.class"
    });
    let class = ClassFile::parse(&entries[0].1).unwrap();
    let mut calls = Vec::new();
    class.for_each_code_ref(|site, code_ref| {
        if let CodeRef::Invoke { invoke, method } = code_ref
            && method.class == "Landroid/telephony/TelephonyManager;"
        {
            calls.push((
                site.method,
                site.descriptor,
                site.offset,
                invoke,
                method.name,
            ));
        }
    });
    // `javap -c`: public static String a(Context): "40: invokevirtual #163 // Method
    // android/telephony/TelephonyManager.getDeviceId:()Ljava/lang/String;", and b(Context) calls
    // getSubscriberId at 40.
    let context = "(Landroid/content/Context;)Ljava/lang/String;";
    assert!(
        calls.contains(&("a", context, 40, InvokeKind::Virtual, "getDeviceId")),
        "{calls:?}"
    );
    assert!(
        calls.contains(&("b", context, 40, InvokeKind::Virtual, "getSubscriberId")),
        "{calls:?}"
    );
}

/// First few records present more often in `a` than in `b` and vice versa (both sorted).
fn multiset_difference<'s>(a: &'s [String], b: &'s [String]) -> (Vec<&'s String>, Vec<&'s String>) {
    let (mut i, mut j) = (0, 0);
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => (i, j) = (i + 1, j + 1),
            (Some(x), Some(y)) if x < y => (only_a.push(x), i += 1).1,
            (Some(_), Some(y)) => (only_b.push(y), j += 1).1,
            (Some(x), None) => (only_a.push(x), i += 1).1,
            (None, Some(y)) => (only_b.push(y), j += 1).1,
            (None, None) => break,
        }
    }
    only_a.truncate(5);
    only_b.truncate(5);
    (only_a, only_b)
}
