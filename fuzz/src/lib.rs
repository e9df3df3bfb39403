//! The entry points every fuzz target drives, one function per parser.
//!
//! The same functions are compiled into the root integration test
//! `tests/fuzz_regressions.rs` (via `#[path]`), so a crash found by libFuzzer is replayed by
//! `cargo test` through exactly the code that found it. Each function only has to return: a
//! panic, an abort, a timeout or an out-of-memory is the finding.

#![deny(missing_docs)]

use std::sync::OnceLock;

use appaudit_dex::CodeContainer;

/// Walks everything a [`CodeContainer`] exposes, so table resolution and code scanning both run.
fn exercise_code(container: &impl CodeContainer) {
    let mut seen = 0usize;
    for class in container.classes() {
        seen = seen.wrapping_add(class.interfaces.len());
    }
    seen = seen.wrapping_add(container.method_refs().count());
    seen = seen.wrapping_add(container.field_refs().count());
    seen = seen.wrapping_add(container.strings().map(str::len).sum::<usize>());
    let warnings = container.for_each_code_ref(|site, _reference| {
        seen = seen.wrapping_add(site.offset as usize);
    });
    std::hint::black_box((seen, warnings.len(), container.warnings().len()));
}

/// Zip handling: [`appaudit_archive::Archive::open`] with the default limits, then `read` of
/// every entry (each read is allowed to fail; reading must stay within the limits).
pub fn zip(data: &[u8]) {
    let Ok(archive) = appaudit_archive::Archive::open(data, appaudit_archive::Limits::default())
    else {
        return;
    };
    let mut total = 0u64;
    for entry in archive.entries() {
        if let Ok(bytes) = archive.read(entry) {
            // The archive promises output never exceeds the declared size.
            assert!(
                bytes.len() as u64 <= entry.uncompressed_size,
                "{}: read more than declared",
                entry.name
            );
            total = total.saturating_add(bytes.len() as u64);
        }
        let _ = archive.by_name(&entry.name);
    }
    assert!(archive.bytes_read() <= appaudit_archive::Limits::default().max_total_size);
    std::hint::black_box((
        total,
        archive.anomalies().len(),
        archive.read_anomalies().len(),
    ));
}

/// AndroidManifest.xml (binary AXML or text): decode, then build the manifest model.
pub fn axml(data: &[u8]) {
    if let Ok(doc) = appaudit_axml::parse_manifest_bytes(data) {
        let manifest = appaudit_axml::Manifest::from_document(&doc);
        std::hint::black_box(manifest);
    }
}

/// aapt2 protobuf XML (an App Bundle manifest), then the manifest model.
pub fn proto_xml(data: &[u8]) {
    if let Ok(doc) = appaudit_axml::parse_proto_xml(data) {
        let manifest = appaudit_axml::Manifest::from_document(&doc);
        std::hint::black_box(manifest);
    }
}

/// DEX: tables, then every method's code.
pub fn dex(data: &[u8]) {
    if let Ok(dex) = appaudit_dex::Dex::parse(data) {
        std::hint::black_box((dex.checksum_valid(), dex.class_count(), dex.string_count()));
        exercise_code(&dex);
    }
}

/// JVM class file: constant pool, members, then bytecode scan.
pub fn classfile(data: &[u8]) {
    if let Ok(class) = appaudit_dex::ClassFile::parse(data) {
        std::hint::black_box(class.major_version());
        exercise_code(&class);
    }
}

/// Mach-O (thin, fat, `ar` static library).
pub fn macho(data: &[u8]) {
    std::hint::black_box(appaudit_ios::MachOFacts::parse(data).ok());
}

/// Property lists: the same bytes as `Info.plist` and as `PrivacyInfo.xcprivacy`.
pub fn plist(data: &[u8]) {
    std::hint::black_box(appaudit_ios::InfoPlist::from_bytes(data).ok());
    std::hint::black_box(appaudit_ios::PrivacyManifest::from_bytes(data).ok());
}

/// The built-in policy lexicon, compiled once per process (it is the expensive part).
fn lexicon() -> &'static appaudit_policy::Lexicon {
    static LEXICON: OnceLock<appaudit_policy::Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("built-in taxonomy loads");
        let db = appaudit_sdk::SignatureDb::builtin().expect("built-in SDK signatures load");
        appaudit_policy::Lexicon::new(&taxonomy, &db).expect("built-in lexicon compiles")
    })
}

/// Privacy policy bytes read as HTML and as plain text (decoding, markup, analysis).
pub fn policy(data: &[u8]) {
    use appaudit_policy::FormatHint;
    for hint in [FormatHint::Html, FormatHint::Text] {
        std::hint::black_box(appaudit_policy::read_policy_bytes(data, hint, lexicon()).ok());
    }
}

/// ELF shared objects (`lib/<abi>/*.so`).
pub fn elf(data: &[u8]) {
    std::hint::black_box(appaudit_elf::parse_elf(data).ok());
}

/// The whole scan pipeline on arbitrary bytes named `x.apk` (default limits).
pub fn pipeline(data: &[u8]) {
    static ENGINE: OnceLock<appaudit_scan::Engine> = OnceLock::new();
    let engine = ENGINE.get_or_init(|| {
        appaudit_scan::Engine::new(appaudit_scan::ScanOptions::default())
            .expect("built-in engine loads")
    });
    std::hint::black_box(engine.scan_bytes("x.apk", data).ok());
}
