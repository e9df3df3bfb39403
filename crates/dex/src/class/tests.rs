//! Unit tests on `tests/fixtures/Probe.class` (compiled by javac 17 from
//! `tests/fixtures/probe_java/`) and corrupted variants of it. Expected values were read
//! from `javap -c -p -v tests/fixtures/Probe.class`.

use super::*;

const PROBE: &[u8] = include_bytes!("../../tests/fixtures/Probe.class");

fn find(pattern: &[u8]) -> usize {
    PROBE
        .windows(pattern.len())
        .position(|w| w == pattern)
        .expect("pattern in fixture")
}

/// Start of run()'s bytecode: ldc #21; astore_1; aload_0; getfield #23; tableswitch.
fn run_code() -> usize {
    find(&[0x12, 0x15, 0x4c, 0x2a, 0xb4, 0x00, 0x17, 0xaa])
}

// javap prints byte offsets in decimal
fn render(site: &CallSite<'_>, code_ref: CodeRef<'_>) -> String {
    crate::render_code_ref(site, code_ref, &site.offset.to_string())
}

fn scan(bytes: &[u8]) -> (Vec<String>, Vec<Warning>) {
    let class = ClassFile::parse(bytes).unwrap();
    let mut refs = Vec::new();
    let warnings = class.for_each_code_ref(|site, code_ref| refs.push(render(site, code_ref)));
    (refs, warnings)
}

fn patched(at: usize, new: &[u8]) -> Vec<u8> {
    let mut bytes = PROBE.to_vec();
    bytes[at..at + new.len()].copy_from_slice(new);
    bytes
}

fn has_warning(warnings: &[Warning], needle: &str) -> bool {
    warnings.iter().any(|w| w.message.contains(needle))
}

#[test]
fn probe_class_header_matches_javap() {
    let class = ClassFile::parse(PROBE).unwrap();
    assert!(class.warnings().is_empty(), "{:?}", class.warnings());
    // "major version: 61", "flags: (0x0021) ACC_PUBLIC, ACC_SUPER", "SourceFile: "Probe.java"".
    assert_eq!(class.major_version(), 61);
    let defs: Vec<ClassDef<'_>> = class.classes().collect();
    assert_eq!(defs.len(), 1);
    assert_eq!(defs[0].descriptor, "Lcom/example/Probe;");
    assert_eq!(defs[0].access_flags, 0x0021);
    assert_eq!(defs[0].superclass, Some("Ljava/lang/Object;"));
    assert_eq!(defs[0].interfaces, ["Ljava/lang/Runnable;"]);
    assert_eq!(defs[0].source_file, Some("Probe.java"));
    assert!(
        class
            .method_refs()
            .any(|m| m.class == "Ljava/util/List;" && m.name == "size")
    );
    assert!(
        class
            .field_refs()
            .any(|f| f.name == "big" && f.field_type == "J")
    );
    assert!(class.strings().any(|s| s == "thousand"));
}

#[test]
fn probe_class_code_refs_match_javap() {
    let (refs, warnings) = scan(PROBE);
    assert!(warnings.is_empty(), "{warnings:?}");
    let p = "Lcom/example/Probe;";
    let expected = [
        format!("{p}-><init>()V 1 Special Ljava/lang/Object;.<init>:()V"),
        format!("{p}-><init>()V 8 InstancePut {p}.big:J"),
        format!("{p}-><init>()V 15 InstancePut {p}.ratio:D"),
        format!("{p}->run()V 0 string phone"),
        format!("{p}->run()V 4 InstanceGet {p}.count:I"),
        format!("{p}->run()V 32 string one"),
        format!("{p}->run()V 38 string two"),
        format!("{p}->run()V 44 string three"),
        format!("{p}->run()V 51 InstanceGet {p}.count:I"),
        format!("{p}->run()V 80 string ten"),
        format!("{p}->run()V 86 string thousand"),
        format!("{p}->run()V 93 InstanceGet {p}.count:I"),
        format!("{p}->run()V 105 InstancePut {p}.count:I"),
        format!("{p}->run()V 109 StaticPut {p}.last:Ljava/lang/String;"),
        format!(
            "{p}->deviceIdLater(Landroid/telephony/TelephonyManager;)Ljava/util/function/Supplier; 2 Static Ljava/util/Objects;.requireNonNull:(Ljava/lang/Object;)Ljava/lang/Object;"
        ),
        // BootstrapMethods 0: REF_invokeStatic LambdaMetafactory.metafactory, argument #82
        // REF_invokeVirtual TelephonyManager.getDeviceId.
        format!(
            "{p}->deviceIdLater(Landroid/telephony/TelephonyManager;)Ljava/util/function/Supplier; 6 Dynamic Ljava/lang/invoke/LambdaMetafactory;.metafactory:(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;"
        ),
        format!(
            "{p}->deviceIdLater(Landroid/telephony/TelephonyManager;)Ljava/util/function/Supplier; 6 Handle Landroid/telephony/TelephonyManager;.getDeviceId:()Ljava/lang/String;"
        ),
        format!("{p}->size(Ljava/util/List;)I 1 Interface Ljava/util/List;.size:()I"),
    ];
    assert_eq!(refs, expected);
}

#[test]
fn truncation_at_every_length_never_panics() {
    for len in 0..PROBE.len() {
        match ClassFile::parse(&PROBE[..len]) {
            Ok(class) => {
                assert!(
                    !class.warnings().is_empty(),
                    "len {len} parsed without complaint"
                );
                let _ = class.for_each_code_ref(|_, _| {});
                let _ = class.classes().count();
            }
            Err(ClassFileError::BadMagic { .. }) => assert!(len < 4),
            Err(ClassFileError::Truncated { offset, .. }) => assert!(offset <= len),
            Err(other) => panic!("len {len}: {other}"),
        }
    }
}

#[test]
fn structural_errors() {
    assert_eq!(
        ClassFile::parse(b"PK\x03\x04").unwrap_err(),
        ClassFileError::BadMagic { found: 0x504b_0304 }
    );
    // The first constant starts at offset 10; tag 2 is undefined.
    let bytes = patched(10, &[2]);
    assert_eq!(
        ClassFile::parse(&bytes).unwrap_err(),
        ClassFileError::BadConstantTag {
            index: 1,
            tag: 2,
            offset: 10
        }
    );
    // constant_pool_count 0xffff in a file too short to hold that many.
    let mut bytes = PROBE[..10].to_vec();
    bytes[8..10].copy_from_slice(&[0xff, 0xff]);
    bytes.extend_from_slice(&[7, 0, 1]);
    assert!(matches!(
        ClassFile::parse(&bytes),
        Err(ClassFileError::Truncated {
            what: "constant pool",
            ..
        })
    ));
}

#[test]
fn code_length_past_the_attribute_drops_only_that_method() {
    let bytes = patched(run_code() - 4, &[0xff, 0xff, 0xff, 0xff]);
    let class = ClassFile::parse(&bytes).unwrap();
    assert!(
        has_warning(
            class.warnings(),
            "Code attribute of method run is malformed"
        ),
        "{:?}",
        class.warnings()
    );
    let (refs, _) = scan(&bytes);
    assert_eq!(refs.len(), 18 - 11);
    assert!(refs.iter().all(|r| !r.contains("->run()")));
}

#[test]
fn malformed_switches_stop_the_method() {
    let code = run_code();
    // tableswitch at pc 7: operands aligned at pc 8 (default), 12 (low = 1), 16 (high = 3).
    let (refs, warnings) = scan(&patched(code + 16, &0i32.to_be_bytes()));
    assert!(
        has_warning(
            &warnings,
            "run()V at 7: opcode 0xaa is undefined or its operands are malformed"
        ),
        "{warnings:?}"
    );
    assert_eq!(
        refs.len(),
        18 - 9,
        "only ldc and getfield before the switch remain in run()"
    );
    // A huge high bound: the jump table cannot fit in the code.
    let (refs, warnings) = scan(&patched(code + 16, &i32::MAX.to_be_bytes()));
    assert!(
        has_warning(&warnings, "run()V at 7: instruction 0xaa is cut off"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 18 - 9);
    // lookupswitch at pc 54: operands aligned at 56 (default), 60 (npairs).
    let (refs, warnings) = scan(&patched(code + 60, &i32::MIN.to_be_bytes()));
    assert!(
        has_warning(&warnings, "run()V at 54: opcode 0xab"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 18 - 5);
    let (_, warnings) = scan(&patched(code + 60, &i32::MAX.to_be_bytes()));
    assert!(
        has_warning(&warnings, "run()V at 54: instruction 0xab is cut off"),
        "{warnings:?}"
    );
}

#[test]
fn wide_and_undefined_opcodes() {
    // `iinc_w 2, 1000` at run()+97 is c4 84 00 02 03 e8; wide + bipush is not a thing.
    let wide = find(&[0xc4, 0x84, 0x00, 0x02]);
    let (refs, warnings) = scan(&patched(wide + 1, &[0x10]));
    assert!(
        has_warning(&warnings, "run()V at 97: opcode 0xc4"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 18 - 2);
    let (refs, warnings) = scan(&patched(wide, &[0xcb]));
    assert!(
        has_warning(&warnings, "run()V at 97: opcode 0xcb"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 18 - 2);
}

#[test]
fn unresolvable_constant_is_skipped_with_a_warning() {
    // <init>: aload_0; invokespecial #1 -> #65535.
    let at = find(&[0x2a, 0xb7, 0x00, 0x01]);
    let (refs, warnings) = scan(&patched(at + 2, &[0xff, 0xff]));
    assert!(
        has_warning(&warnings, "at 1: opcode 0xb7 refers to constant #65535"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 17);
}

#[test]
fn mutated_files_never_panic() {
    use proptest::prelude::*;
    let config = ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(edits in proptest::collection::vec((0..PROBE.len(), any::<u8>()), 1..16))| {
        let mut bytes = PROBE.to_vec();
        for (at, value) in edits {
            bytes[at] = value;
        }
        if let Ok(class) = ClassFile::parse(&bytes) {
            let _ = class.for_each_code_ref(|_, _| {});
            let _ = class.classes().count();
            let _ = class.method_refs().count();
        }
    });
}

#[test]
fn internal_names_become_descriptors() {
    assert_eq!(
        internal_to_descriptor(&Cow::Borrowed("com/foo/Bar")),
        "Lcom/foo/Bar;"
    );
    assert_eq!(
        internal_to_descriptor(&Cow::Borrowed("[Ljava/lang/String;")),
        "[Ljava/lang/String;"
    );
}
