//! Unit tests on `tests/fixtures/probe.dex` (assembled by smali from
//! `tests/fixtures/probe_smali/`) and on hand-built or corrupted variants of it. Expected
//! values were read from `dexdump -d -f tests/fixtures/probe.dex`; offsets of the structures
//! patched below come from the same output.

use super::*;
use crate::{CallSite, FieldOp, InvokeKind};

const PROBE: &[u8] = include_bytes!("../../tests/fixtures/probe.dex");
/// `dexdump -d`: `[0005b8] com.example.Probe.run:()V`, its insns start 16 bytes later.
const RUN_CODE_ITEM: usize = 0x5b8;
const RUN_INSNS: usize = RUN_CODE_ITEM + 16;
/// `|001e: packed-switch-data (8 units)` and `|0030: array-data (10 units)` in run().
const PACKED_SWITCH_PAYLOAD: usize = RUN_INSNS + 0x1e * 2;
const ARRAY_DATA_PAYLOAD: usize = RUN_INSNS + 0x30 * 2;

// dexdump prints code-unit offsets as 4 hex digits
fn render(site: &CallSite<'_>, code_ref: CodeRef<'_>) -> String {
    crate::render_code_ref(site, code_ref, &format!("{:04x}", site.offset))
}

fn scan_all(dex: &Dex<'_>) -> (Vec<String>, Vec<Warning>) {
    let mut refs = Vec::new();
    let warnings = dex.for_each_code_ref(|site, code_ref| refs.push(render(site, code_ref)));
    (refs, warnings)
}

fn patched(patches: &[(usize, &[u8])]) -> Vec<u8> {
    let mut bytes = PROBE.to_vec();
    for (at, new) in patches {
        bytes[*at..*at + new.len()].copy_from_slice(new);
    }
    bytes
}

fn has_warning(warnings: &[Warning], needle: &str) -> bool {
    warnings.iter().any(|w| w.message.contains(needle))
}

#[test]
fn probe_header_and_classes_match_dexdump() {
    let dex = Dex::parse(PROBE).unwrap();
    assert!(dex.warnings().is_empty(), "{:?}", dex.warnings());
    // dexdump: "DEX version '039'" (smali --api 28), checksum a8b21270 verified by dexdump.
    assert_eq!(dex.version(), 39);
    assert!(dex.checksum_valid());
    let classes: Vec<ClassDef<'_>> = dex.classes().collect();
    assert_eq!(classes.len(), 2);
    // Class #0: Lcom/example/Api; flags 0x0601 (PUBLIC INTERFACE ABSTRACT), no source file.
    assert_eq!(classes[0].descriptor, "Lcom/example/Api;");
    assert_eq!(classes[0].access_flags, 0x0601);
    assert_eq!(classes[0].superclass, Some("Ljava/lang/Object;"));
    // Class #1: Lcom/example/Probe; implements Runnable, source_file_idx (Probe.java).
    assert_eq!(classes[1].descriptor, "Lcom/example/Probe;");
    assert_eq!(classes[1].access_flags, 0x0001);
    assert_eq!(classes[1].interfaces, ["Ljava/lang/Runnable;"]);
    assert_eq!(classes[1].source_file, Some("Probe.java"));
    assert!(dex.strings().any(|s| s == "隐私 policy"));
    assert!(
        dex.field_refs()
            .any(|f| f.class == "Landroid/os/Build;" && f.name == "SERIAL")
    );
    assert!(
        dex.method_refs()
            .any(|m| m.name == "getDeviceId" && m.descriptor == "()Ljava/lang/String;")
    );
}

#[test]
fn probe_code_refs_match_dexdump() {
    let dex = Dex::parse(PROBE).unwrap();
    let (refs, warnings) = scan_all(&dex);
    assert!(warnings.is_empty(), "{warnings:?}");
    let tm = "Landroid/telephony/TelephonyManager;";
    let probe = "Lcom/example/Probe;";
    let expected = [
        format!("{probe}-><init>()V 0000 Direct Ljava/lang/Object;.<init>:()V"),
        format!(
            "{probe}->deviceId(Landroid/telephony/TelephonyManager;)Ljava/lang/String; 0000 Virtual {tm}.getDeviceId:()Ljava/lang/String;"
        ),
        // const-method-handle v0, method_handle@0001 (invoke-instance getSubscriberId)
        format!(
            "{probe}->handles(Ljava/lang/invoke/MethodHandle;)V 0000 Handle {tm}.getSubscriberId:()Ljava/lang/String;"
        ),
        format!(
            "{probe}->handles(Ljava/lang/invoke/MethodHandle;)V 0003 Polymorphic Ljava/lang/invoke/MethodHandle;.invoke:([Ljava/lang/Object;)Ljava/lang/Object;"
        ),
        // invoke-custom call_site@0000: link_argument[0] = method handle #2 (metafactory),
        // link_argument[4] = method handle #0 (getImei).
        format!(
            "{probe}->handles(Ljava/lang/invoke/MethodHandle;)V 0007 Dynamic Ljava/lang/invoke/LambdaMetafactory;.metafactory:(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;"
        ),
        format!(
            "{probe}->handles(Ljava/lang/invoke/MethodHandle;)V 0007 Handle {tm}.getImei:()Ljava/lang/String;"
        ),
        format!("{probe}->run()V 0000 string phone"),
        format!("{probe}->run()V 0002 string 隐私 policy"),
        format!("{probe}->run()V 0005 StaticGet Landroid/os/Build;.SERIAL:Ljava/lang/String;"),
        format!("{probe}->run()V 0007 InstanceGet {probe}.count:I"),
        format!(
            "{probe}->run()V 0015 Static {probe}.twoStrings:(Ljava/lang/String;Ljava/lang/String;)V"
        ),
        format!("{probe}->run()V 0018 InstancePut {probe}.count:I"),
        format!("{probe}->run()V 001a StaticPut {probe}.last:Ljava/lang/String;"),
    ];
    assert_eq!(refs, expected);
}

#[test]
fn per_class_scan_sees_only_that_class() {
    let dex = Dex::parse(PROBE).unwrap();
    let api = dex.classes().next().unwrap();
    let mut count = 0;
    assert!(dex.for_each_code_ref_in(&api, |_, _| count += 1).is_empty());
    assert_eq!(
        count, 0,
        "an interface with one abstract method has no code"
    );
    let probe = dex.classes().nth(1).unwrap();
    let mut sites = Vec::new();
    dex.for_each_code_ref_in(&probe, |site, _| sites.push(site.method));
    assert_eq!(sites.len(), 13);
}

#[test]
fn truncation_at_every_length_never_panics() {
    for len in 0..PROBE.len() {
        let bytes = &PROBE[..len];
        match Dex::parse(bytes) {
            Ok(dex) => {
                assert!(len >= HEADER_SIZE);
                assert!(has_warning(dex.warnings(), "file truncated"), "len {len}");
                let _ = scan_all(&dex);
                let _ = dex.classes().count();
            }
            Err(err) => assert_eq!(err, DexError::TooShort { len }, "len {len}"),
        }
    }
}

#[test]
fn header_errors() {
    assert!(matches!(
        Dex::parse(b"dex\n035\0"),
        Err(DexError::TooShort { len: 8 })
    ));
    let mut bad_magic = PROBE.to_vec();
    bad_magic[0] = b'D';
    assert!(matches!(
        Dex::parse(&bad_magic),
        Err(DexError::BadMagic { .. })
    ));
    let mut bad_version = PROBE.to_vec();
    bad_version[5] = b'x';
    assert!(matches!(
        Dex::parse(&bad_version),
        Err(DexError::BadMagic { .. })
    ));
    let big_endian = patched(&[(0x28, &0x7856_3412u32.to_le_bytes())]);
    assert_eq!(
        Dex::parse(&big_endian).unwrap_err(),
        DexError::BadEndianTag { tag: 0x7856_3412 }
    );
}

#[test]
fn wrong_checksum_is_a_warning() {
    let bytes = patched(&[(0x08, &[0, 0, 0, 0])]);
    let dex = Dex::parse(&bytes).unwrap();
    assert!(!dex.checksum_valid());
    assert!(has_warning(dex.warnings(), "checksum"));
    assert_eq!(scan_all(&dex).0.len(), 13);
}

#[test]
fn adler32_matches_zlib_reference() {
    // Reference values from zlib: python3 -c "import zlib; print(hex(zlib.adler32(b'Wikipedia')), hex(zlib.adler32(b'\\xff' * 100000)))"
    assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    assert_eq!(adler32(b""), 1);
    assert_eq!(adler32(&[0xff; 100_000]), 0x149a_302c);
}

#[test]
fn counts_claiming_two_to_the_32_items() {
    // Every table size in the header set to 0xffffffff.
    let all = 0xffff_ffffu32.to_le_bytes();
    let offsets = [0x38, 0x40, 0x48, 0x50, 0x58, 0x60];
    let patches: Vec<(usize, &[u8])> = offsets.iter().map(|&o| (o, &all[..])).collect();
    let bytes = patched(&patches);
    let dex = Dex::parse(&bytes).unwrap();
    for table in [
        "string_ids",
        "type_ids",
        "proto_ids",
        "field_ids",
        "method_ids",
        "class_defs",
    ] {
        assert!(
            has_warning(dex.warnings(), &format!("{table}: 4294967295 entries")),
            "{table}"
        );
    }
    // Whatever was kept is bounded by the file size.
    assert!(dex.string_count() <= PROBE.len() / 4);
    let _ = scan_all(&dex);

    // A header-only file whose tables claim 2^32 entries right at the end of the file.
    let mut header = PROBE[..HEADER_SIZE].to_vec();
    header[0x20..0x24].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
    for o in offsets {
        header[o..o + 4].copy_from_slice(&all);
        header[o + 4..o + 8].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
    }
    header[0x34..0x38].copy_from_slice(&[0; 4]);
    let dex = Dex::parse(&header).unwrap();
    assert_eq!(dex.class_count(), 0);
    assert_eq!(dex.string_count(), 0);
}

#[test]
fn offsets_past_the_end() {
    let far = 0x7fff_fff0u32.to_le_bytes();
    let bytes = patched(&[(0x3c, &far), (0x64, &far), (0x34, &far)]);
    let dex = Dex::parse(&bytes).unwrap();
    assert!(has_warning(
        dex.warnings(),
        "string_ids: offset 0x7ffffff0 is past the end"
    ));
    assert!(has_warning(
        dex.warnings(),
        "class_defs: offset 0x7ffffff0 is past the end"
    ));
    assert!(has_warning(
        dex.warnings(),
        "map_list at 0x7ffffff0 is outside the file"
    ));
    assert_eq!(dex.class_count(), 0);
}

#[test]
fn insns_size_past_the_end_skips_only_that_method() {
    let bytes = patched(&[(RUN_CODE_ITEM + 12, &0x4000_0000u32.to_le_bytes())]);
    let dex = Dex::parse(&bytes).unwrap();
    let (refs, warnings) = scan_all(&dex);
    assert!(
        has_warning(
            &warnings,
            "Lcom/example/Probe;->run: insns_size 1073741824 runs past the end"
        ),
        "{warnings:?}"
    );
    // run() contributed 7 references; the other methods' 6 are still reported.
    assert_eq!(refs.len(), 6);
    assert!(refs.iter().all(|r| !r.contains("->run()")));
}

#[test]
fn switch_payload_with_huge_size_stops_the_method() {
    // packed-switch-data: ident 0x0100, then size; 0xffff targets cannot fit.
    let bytes = patched(&[(PACKED_SWITCH_PAYLOAD + 2, &[0xff, 0xff])]);
    let dex = Dex::parse(&bytes).unwrap();
    let (refs, warnings) = scan_all(&dex);
    assert!(
        has_warning(&warnings, "at 0x001e: instruction 0x00 is cut off"),
        "{warnings:?}"
    );
    // Everything before the payload in run() is still reported.
    assert_eq!(refs.len(), 13);

    // fill-array-data-payload: element_width 0xffff, size 0xffffffff.
    let bytes = patched(&[(
        ARRAY_DATA_PAYLOAD + 2,
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    )]);
    let (refs, warnings) = scan_all(&Dex::parse(&bytes).unwrap());
    assert!(
        has_warning(&warnings, "at 0x0030: instruction 0x00 is cut off"),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 13);
}

#[test]
fn unused_opcode_stops_the_method_with_a_warning() {
    // Replace `sget-object` at run()+0x0005 with unused opcode 0x3e.
    let bytes = patched(&[(RUN_INSNS + 5 * 2, &[0x3e])]);
    let (refs, warnings) = scan_all(&Dex::parse(&bytes).unwrap());
    assert!(
        has_warning(&warnings, "at 0x0005: unused opcode 0x3e"),
        "{warnings:?}"
    );
    // The two const-strings before it remain; the five refs after it are not scanned.
    assert_eq!(refs.len(), 13 - 5);
}

#[test]
fn bad_index_in_an_instruction_is_skipped_with_a_warning() {
    // invoke-static/range at run()+0x0015: method index (second unit) set to 0xffff.
    let bytes = patched(&[(RUN_INSNS + 0x15 * 2 + 2, &[0xff, 0xff])]);
    let (refs, warnings) = scan_all(&Dex::parse(&bytes).unwrap());
    assert!(
        has_warning(
            &warnings,
            "at 0x0015: opcode 0x77 refers to index 65535 that does not resolve"
        ),
        "{warnings:?}"
    );
    assert_eq!(refs.len(), 12);
}

#[test]
fn class_data_with_runaway_uleb128() {
    let dex = Dex::parse(PROBE).unwrap();
    let probe_def = dex.class_defs[1];
    let class_data = probe_def.class_data_off as usize;
    // Overwrite the class_data_item header with continuation bytes that never end.
    let bytes = patched(&[(class_data, &[0xff; 6])]);
    let (refs, warnings) = scan_all(&Dex::parse(&bytes).unwrap());
    assert!(
        has_warning(&warnings, "class_data_item of Lcom/example/Probe;"),
        "{warnings:?}"
    );
    assert!(refs.is_empty());
    // Method counts of 2^32-1: the loop runs out of bytes rather than spinning.
    let bytes = patched(&[(class_data, &[0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f])]);
    let (_, warnings) = scan_all(&Dex::parse(&bytes).unwrap());
    assert!(!warnings.is_empty());
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
        if let Ok(dex) = Dex::parse(&bytes) {
            let _ = scan_all(&dex);
            let _ = dex.classes().count();
            let _ = dex.method_refs().count();
        }
    });
}

#[test]
fn field_op_and_invoke_kinds_are_distinguished() {
    let dex = Dex::parse(PROBE).unwrap();
    let mut ops = Vec::new();
    let mut kinds = Vec::new();
    dex.for_each_code_ref(|_, code_ref| match code_ref {
        CodeRef::Field { op, .. } => ops.push(op),
        CodeRef::Invoke { invoke, .. } => kinds.push(invoke),
        CodeRef::String { .. } => {}
    });
    assert_eq!(
        ops,
        [
            FieldOp::StaticGet,
            FieldOp::InstanceGet,
            FieldOp::InstancePut,
            FieldOp::StaticPut
        ]
    );
    assert!(kinds.contains(&InvokeKind::Polymorphic) && kinds.contains(&InvokeKind::Dynamic));
}
