//! Builders the iOS tests share: an engine, a hand-written zip, Mach-O facts.

use appaudit_ios::{BinaryFacts, BinaryRole, Container, MachOFacts};

use crate::Engine;

/// An engine with the built-in database and default options.
pub(crate) fn engine() -> Engine {
    Engine::new(crate::ScanOptions::default()).expect("engine")
}

/// A stored (uncompressed) zip written by hand from the APPNOTE layout, so the test does not
/// depend on the reader it checks.
pub(crate) fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let crc = |data: &[u8]| {
        let mut c = 0xffff_ffffu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xedb8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let (n, len, sum) = (name.len() as u16, data.len() as u32, crc(data));
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
        for v in [sum, len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
        for v in [sum, len, len] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&n.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let count = files.len() as u16;
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

pub(crate) const INFO_PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.t</string>
<key>CFBundleExecutable</key><string>T</string>
<key>CFBundleShortVersionString</key><string>2.1</string>
<key>CFBundleVersion</key><string>42</string>
<key>MinimumOSVersion</key><string>12.0</string>
<key>NSCameraUsageDescription</key><string>scan codes</string>
<key>NSAppleMusicUsageDescription</key><string>play music</string>
</dict></plist>"#;

pub(crate) fn macho(
    defined: &[&str],
    imported: &[&str],
    symbols: &[&str],
    selectors: &[&str],
    encrypted: bool,
) -> MachOFacts {
    let list = |v: &[&str]| -> Vec<String> {
        let mut out: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        out.sort();
        out
    };
    MachOFacts {
        container: Container::Thin,
        slices: Vec::new(),
        archs: vec!["arm64".to_owned()],
        platforms: vec!["ios".to_owned()],
        min_os: None,
        encrypted,
        install_name: None,
        linked_libraries: Vec::new(),
        defined_classes: list(defined),
        imported_classes: list(imported),
        objc_class_names: Vec::new(),
        selectors: list(selectors),
        imported_symbols: list(symbols),
        swift_types: Vec::new(),
        warnings: Vec::new(),
    }
}

pub(crate) fn binary(
    path: &str,
    role: BinaryRole,
    bundle: Option<&str>,
    facts: MachOFacts,
) -> BinaryFacts {
    BinaryFacts {
        path: path.to_owned(),
        role,
        bundle: bundle.map(str::to_owned),
        facts,
    }
}
