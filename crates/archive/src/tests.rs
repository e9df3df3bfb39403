//! Unit tests: archives are built here (by the `zip` crate's writer or byte by byte) and then
//! tampered with; expected values are the contents and names written, never reader output.

use super::*;
use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::Write;
use zip::write::SimpleFileOptions;

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(data)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// One entry of a hand-built archive. Local-header fields default to the central ones.
#[derive(Clone)]
pub(crate) struct Spec {
    name: Vec<u8>,
    local_name: Option<Vec<u8>>,
    /// Bytes exactly as they sit in the archive.
    payload: Vec<u8>,
    method: u16,
    local_method: Option<u16>,
    flags: u16,
    local_flags: Option<u16>,
    crc: u32,
    local_crc: Option<u32>,
    compressed_size: u32,
    uncompressed_size: u32,
    local_compressed_size: Option<u32>,
    local_uncompressed_size: Option<u32>,
    local_extra: Vec<u8>,
}

impl Spec {
    pub(crate) fn stored(name: &str, content: &[u8]) -> Self {
        Self {
            name: name.as_bytes().to_vec(),
            local_name: None,
            payload: content.to_vec(),
            method: 0,
            local_method: None,
            flags: 0,
            local_flags: None,
            crc: crc32fast::hash(content),
            local_crc: None,
            compressed_size: content.len() as u32,
            uncompressed_size: content.len() as u32,
            local_compressed_size: None,
            local_uncompressed_size: None,
            local_extra: Vec::new(),
        }
    }

    pub(crate) fn deflated(name: &str, content: &[u8]) -> Self {
        let packed = deflate(content);
        Self {
            compressed_size: packed.len() as u32,
            payload: packed,
            method: 8,
            ..Self::stored(name, content)
        }
    }
}

/// Writes a zip archive byte by byte, following APPNOTE 4.3.7 / 4.3.12 / 4.3.16.
pub(crate) fn build(specs: &[Spec], comment: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for spec in specs {
        offsets.push(out.len() as u32);
        let local_name = spec.local_name.as_ref().unwrap_or(&spec.name);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&spec.local_flags.unwrap_or(spec.flags).to_le_bytes());
        out.extend_from_slice(&spec.local_method.unwrap_or(spec.method).to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
        out.extend_from_slice(&spec.local_crc.unwrap_or(spec.crc).to_le_bytes());
        out.extend_from_slice(
            &spec
                .local_compressed_size
                .unwrap_or(spec.compressed_size)
                .to_le_bytes(),
        );
        out.extend_from_slice(
            &spec
                .local_uncompressed_size
                .unwrap_or(spec.uncompressed_size)
                .to_le_bytes(),
        );
        out.extend_from_slice(&(local_name.len() as u16).to_le_bytes());
        out.extend_from_slice(&(spec.local_extra.len() as u16).to_le_bytes());
        out.extend_from_slice(local_name);
        out.extend_from_slice(&spec.local_extra);
        out.extend_from_slice(&spec.payload);
    }
    let cd_start = out.len() as u32;
    for (spec, offset) in specs.iter().zip(&offsets) {
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&spec.flags.to_le_bytes());
        out.extend_from_slice(&spec.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]);
        out.extend_from_slice(&spec.crc.to_le_bytes());
        out.extend_from_slice(&spec.compressed_size.to_le_bytes());
        out.extend_from_slice(&spec.uncompressed_size.to_le_bytes());
        out.extend_from_slice(&(spec.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 4]); // extra, comment lengths
        out.extend_from_slice(&[0; 4]); // disk, internal attributes
        out.extend_from_slice(&[0; 4]); // external attributes
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&spec.name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(specs.len() as u16).to_le_bytes());
    out.extend_from_slice(&(specs.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
    out.extend_from_slice(comment);
    out
}

/// Builds an archive with the `zip` crate's writer.
fn write_with_zip_crate(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content, deflated) in files {
        let method = if *deflated {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .expect("start_file");
        writer.write_all(content).expect("write entry");
    }
    writer.finish().expect("finish").into_inner()
}

/// (name, content, deflated?)
type Files = Vec<(&'static str, Vec<u8>, bool)>;

fn sample_files() -> Files {
    let dex: Vec<u8> = (0..20_000u32)
        .flat_map(|i| (i % 300).to_le_bytes())
        .collect();
    vec![
        (
            "AndroidManifest.xml",
            b"<manifest package=\"a.b\"/>".to_vec(),
            true,
        ),
        ("classes.dex", dex, true),
        (
            "resources.arsc",
            (0..=255u8).cycle().take(4096).collect(),
            false,
        ),
        ("res/", Vec::new(), false),
        ("assets/empty.txt", Vec::new(), true),
    ]
}

fn sample_zip() -> (Vec<u8>, Files) {
    let files = sample_files();
    let borrowed: Vec<(&str, &[u8], bool)> = files
        .iter()
        .map(|(name, content, deflated)| (*name, content.as_slice(), *deflated))
        .collect();
    (write_with_zip_crate(&borrowed), files)
}

fn read_all(archive: &Archive<'_>) -> Vec<(String, Vec<u8>)> {
    archive
        .entries()
        .iter()
        .map(|entry| {
            let bytes = archive
                .read(entry)
                .unwrap_or_else(|error| panic!("reading {}: {error}", entry.name));
            (entry.name.clone(), bytes)
        })
        .collect()
}

/// The error reading `name` gives; panics (without dumping the data) if the read succeeds.
fn read_error(archive: &Archive<'_>, name: &str) -> ArchiveError {
    let entry = archive.by_name(name).expect("entry exists");
    match archive.read(entry) {
        Ok(bytes) => panic!(
            "reading {name} gave {} bytes, expected an error",
            bytes.len()
        ),
        Err(error) => error,
    }
}

/// Offset of the local header of the entry called `name` (first match), found by scanning.
fn local_offset(data: &[u8], name: &str) -> usize {
    (0..data.len().saturating_sub(30))
        .find(|&at| {
            data[at..].starts_with(b"PK\x03\x04")
                && data.get(at + 30..at + 30 + name.len()) == Some(name.as_bytes())
        })
        .expect("local header")
}

/// Offset of the central directory record of the entry called `name`.
fn central_offset(data: &[u8], name: &str) -> usize {
    (0..data.len().saturating_sub(46))
        .find(|&at| {
            data[at..].starts_with(b"PK\x01\x02")
                && data.get(at + 46..at + 46 + name.len()) == Some(name.as_bytes())
        })
        .expect("central record")
}

fn put_u16(data: &mut [u8], at: usize, value: u16) {
    data[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(data: &mut [u8], at: usize, value: u32) {
    data[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn get_u32(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}

#[test]
fn archive_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Archive<'static>>();
}

#[test]
fn clean_archive_round_trips_through_the_zip_crate() {
    let (data, files) = sample_zip();
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert_eq!(archive.backend(), &Backend::ZipCrate);
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
    let names: Vec<&str> = archive.entries().iter().map(|e| e.name.as_str()).collect();
    let expected: Vec<&str> = files.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, expected);
    for (name, content, deflated) in &files {
        let entry = archive.by_name(name).expect("by_name");
        assert_eq!(entry.uncompressed_size, content.len() as u64);
        assert_eq!(entry.method, if *deflated { 8 } else { 0 });
        if !deflated {
            assert_eq!(entry.compressed_size, content.len() as u64);
        }
        assert_eq!(&archive.read(entry).expect("read"), content);
    }
    assert!(archive.by_name("missing").is_none());
    assert!(archive.by_name("res").is_none());
    assert!(archive.by_name("res/").is_some_and(Entry::is_dir));
    assert!(archive.read_anomalies().is_empty());
    let debug = format!("{archive:?}");
    assert!(debug.len() < 400 && debug.contains("ZipCrate"), "{debug}");
    let total: u64 = files.iter().map(|(_, c, _)| c.len() as u64).sum();
    assert_eq!(archive.bytes_read(), total);
}

#[test]
fn fallback_walk_agrees_with_the_zip_crate() {
    let (data, _) = sample_zip();
    let eocd = raw::find_eocd(&data).expect("eocd");
    let ours = raw::walk_central_directory(&data, &eocd).expect("walk");
    let theirs = records_from_zip_crate(&data, &eocd).expect("zip crate");
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(
            (&a.name, a.flags, a.method, a.crc32),
            (&b.name, b.flags, b.method, b.crc32)
        );
        assert_eq!(
            (
                a.compressed_size,
                a.uncompressed_size,
                a.local_header_offset
            ),
            (
                b.compressed_size,
                b.uncompressed_size,
                b.local_header_offset
            )
        );
    }
}

#[test]
fn zip64_records_are_resolved_by_both_parsers() {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    writer.start_file("big.bin", options).expect("start");
    writer.write_all(&[7u8; 5000]).expect("write");
    writer
        .start_file("small.txt", SimpleFileOptions::default())
        .expect("start");
    writer.write_all(b"small").expect("write");
    let data = writer.finish().expect("finish").into_inner();

    let eocd = raw::find_eocd(&data).expect("eocd");
    let ours = raw::walk_central_directory(&data, &eocd).expect("walk");
    let theirs = records_from_zip_crate(&data, &eocd).expect("zip crate");
    assert_eq!(ours.len(), 2);
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(
            (
                a.compressed_size,
                a.uncompressed_size,
                a.local_header_offset
            ),
            (
                b.compressed_size,
                b.uncompressed_size,
                b.local_header_offset
            )
        );
    }
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let big = archive.by_name("big.bin").expect("big");
    assert_eq!(archive.read(big).expect("read"), vec![7u8; 5000]);
    assert_eq!(
        archive
            .read(archive.by_name("small.txt").expect("small"))
            .expect("read"),
        b"small"
    );
}

#[test]
fn hand_built_archive_reads_back() {
    let specs = [
        Spec::stored("a.txt", b"alpha"),
        Spec::deflated("b.txt", b"bravo bravo bravo bravo"),
    ];
    let data = build(&specs, b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    // The zip crate (an independent parser) accepting it checks the hand-built layout.
    assert_eq!(archive.backend(), &Backend::ZipCrate);
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
    assert_eq!(
        read_all(&archive),
        vec![
            ("a.txt".to_string(), b"alpha".to_vec()),
            ("b.txt".to_string(), b"bravo bravo bravo bravo".to_vec())
        ]
    );
}

#[test]
fn local_sizes_and_crc_disagreeing_with_central_directory_are_reported_and_ignored() {
    let (mut data, files) = sample_zip();
    let at = local_offset(&data, "classes.dex");
    put_u32(&mut data, at + 14, 0xdead_beef);
    put_u32(&mut data, at + 18, 1);
    put_u32(&mut data, at + 22, 0x7fff_ffff);
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let entry = archive.by_name("classes.dex").expect("entry");
    assert_eq!(archive.read(entry).expect("read"), files[1].1);
    let fields: Vec<HeaderField> = archive
        .anomalies()
        .iter()
        .filter_map(|anomaly| match anomaly {
            Anomaly::LocalHeaderMismatch {
                entry,
                field,
                local,
                ..
            } if entry == "classes.dex" => {
                assert!([0xdead_beef, 1, 0x7fff_ffff].contains(local));
                Some(*field)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        fields,
        [
            HeaderField::Crc32,
            HeaderField::CompressedSize,
            HeaderField::UncompressedSize
        ]
    );
    let message = archive.anomalies()[0].to_string();
    assert!(message.contains("classes.dex"), "{message}");
}

#[test]
fn local_method_disagreeing_is_ignored() {
    let (mut data, files) = sample_zip();
    let at = local_offset(&data, "classes.dex");
    put_u16(&mut data, at + 8, 0); // local says stored, central says deflated
    let resources = local_offset(&data, "resources.arsc");
    put_u16(&mut data, resources + 8, 8); // local says deflated, central says stored
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert_eq!(
        archive
            .read(archive.by_name("classes.dex").expect("dex"))
            .expect("read"),
        files[1].1
    );
    assert_eq!(
        archive
            .read(archive.by_name("resources.arsc").expect("arsc"))
            .expect("read"),
        files[2].1
    );
    assert!(archive.anomalies().contains(&Anomaly::LocalHeaderMismatch {
        entry: "classes.dex".into(),
        field: HeaderField::Method,
        central: 8,
        local: 0
    }));
}

#[test]
fn local_name_length_decides_where_data_starts() {
    // BadPack style: the local header carries a longer name (and an extra field) than the
    // central directory; Android skips the local name and extra to find the data.
    let mut spec = Spec::deflated("AndroidManifest.xml", b"<manifest/> <manifest/>");
    spec.local_name = Some(b"AndroidManifest.xml-decoy-name".to_vec());
    spec.local_extra = vec![0xfe, 0xca, 2, 0, 1, 2];
    let data = build(&[spec, Spec::stored("x", b"x")], b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert_eq!(
        read_all(&archive),
        vec![
            (
                "AndroidManifest.xml".into(),
                b"<manifest/> <manifest/>".to_vec()
            ),
            ("x".into(), b"x".to_vec())
        ]
    );
    assert!(archive.anomalies().contains(&Anomaly::LocalHeaderMismatch {
        entry: "AndroidManifest.xml".into(),
        field: HeaderField::NameLength,
        central: 19,
        local: 30
    }));
    assert!(archive.anomalies().contains(&Anomaly::LocalNameMismatch {
        entry: "AndroidManifest.xml".into(),
        local_name: "AndroidManifest.xml-decoy-name".into(),
    }));
}

#[test]
fn fake_encryption_flag_is_ignored() {
    let (mut data, files) = sample_zip();
    for name in ["AndroidManifest.xml", "resources.arsc"] {
        let local = local_offset(&data, name);
        data[local + 6] |= 1;
        let central = central_offset(&data, name);
        data[central + 8] |= 1;
    }
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let contents: Vec<Vec<u8>> = read_all(&archive).into_iter().map(|(_, c)| c).collect();
    let expected: Vec<Vec<u8>> = files.into_iter().map(|(_, c, _)| c).collect();
    assert_eq!(contents, expected);
    assert_eq!(
        archive
            .anomalies()
            .iter()
            .filter(|a| matches!(a, Anomaly::EncryptionFlagIgnored { .. }))
            .count(),
        2
    );
}

#[test]
fn bogus_method_with_equal_sizes_is_read_as_stored() {
    let mut spec = Spec::stored("classes.dex", b"dex\n035\0 payload");
    spec.method = 0x5a5a;
    spec.local_method = Some(0x1234);
    let mut unreadable = Spec::stored("bad.bin", b"12345");
    unreadable.method = 77;
    unreadable.uncompressed_size = 50;
    let data = build(&[spec, unreadable], b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let dex = archive.by_name("classes.dex").expect("dex");
    assert_eq!(archive.read(dex).expect("read"), b"dex\n035\0 payload");
    assert!(
        archive
            .anomalies()
            .contains(&Anomaly::UnknownMethodReadAsStored {
                entry: "classes.dex".into(),
                method: 0x5a5a
            })
    );
    let error = read_error(&archive, "bad.bin");
    assert!(matches!(
        error,
        ArchiveError::UnsupportedMethod { method: 77, .. }
    ));
    assert!(error.to_string().contains("bad.bin"));
}

#[test]
fn bad_crc_is_reported_and_data_still_returned() {
    let (mut data, files) = sample_zip();
    let central = central_offset(&data, "classes.dex");
    let written_crc = get_u32(&data, central + 16);
    put_u32(&mut data, central + 16, written_crc ^ 1);
    let local = local_offset(&data, "classes.dex");
    put_u32(&mut data, local + 14, written_crc ^ 1);
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
    let entry = archive.by_name("classes.dex").expect("entry");
    assert_eq!(archive.read(entry).expect("read"), files[1].1);
    assert_eq!(
        archive.read_anomalies(),
        vec![Anomaly::CrcMismatch {
            entry: "classes.dex".into(),
            expected: written_crc ^ 1,
            actual: written_crc
        }]
    );
}

#[test]
fn duplicate_names_keep_the_first_occurrence() {
    let specs = [
        Spec::stored("classes.dex", b"first"),
        Spec::stored("other", b"o"),
        Spec::deflated("classes.dex", b"second"),
        Spec::stored("classes.dex", b"third"),
    ];
    let data = build(&specs, b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert!(matches!(archive.backend(), Backend::Fallback { .. }));
    let names: Vec<&str> = archive.entries().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["classes.dex", "other"]);
    let entry = archive.by_name("classes.dex").expect("entry");
    assert_eq!(archive.read(entry).expect("read"), b"first");
    let duplicates: Vec<&Anomaly> = archive
        .anomalies()
        .iter()
        .filter(|a| matches!(a, Anomaly::DuplicateName { .. }))
        .collect();
    assert_eq!(duplicates.len(), 2);
    assert!(duplicates[0].to_string().contains("classes.dex"));
    assert!(matches!(
        duplicates[0],
        Anomaly::DuplicateName { kept_offset: 0, .. }
    ));
}

#[test]
fn trailing_garbage_and_comments_around_the_end_record() {
    let (clean, files) = sample_zip();
    let expected: Vec<Vec<u8>> = files.into_iter().map(|(_, c, _)| c).collect();

    // A proper comment, including a fake end record signature inside it.
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .set_comment("built by test PK\x05\x06 not a record")
        .expect("comment");
    writer
        .start_file("a", SimpleFileOptions::default())
        .expect("start");
    writer.write_all(b"A").expect("write");
    let commented = writer.finish().expect("finish").into_inner();
    let archive = Archive::open(&commented, Limits::default()).expect("open");
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
    assert_eq!(read_all(&archive), vec![("a".to_string(), b"A".to_vec())]);

    // Garbage appended after the end record.
    let mut garbage = clean.clone();
    garbage.extend_from_slice(&[0xAB; 1000]);
    let archive = Archive::open(&garbage, Limits::default()).expect("open with garbage");
    assert_eq!(
        archive.anomalies(),
        [Anomaly::TrailingBytes { bytes: 1000 }]
    );
    let contents: Vec<Vec<u8>> = read_all(&archive).into_iter().map(|(_, c)| c).collect();
    assert_eq!(contents, expected);

    // A comment length that claims more bytes than the file has.
    let mut short = clean;
    let eocd = short.len() - 22;
    put_u16(&mut short, eocd + 20, 10);
    let archive = Archive::open(&short, Limits::default()).expect("open with short comment");
    assert_eq!(archive.anomalies(), [Anomaly::TrailingBytes { bytes: -10 }]);
}

#[test]
fn missing_local_header_is_an_anomaly_and_a_read_error() {
    let (mut data, _) = sample_zip();
    let local = local_offset(&data, "resources.arsc");
    data[local] = b'X';
    let archive = Archive::open(&data, Limits::default()).expect("open");
    assert!(archive.anomalies().iter().any(|a| matches!(
        a,
        Anomaly::BadLocalHeader { entry, .. } if entry == "resources.arsc"
    )));
    let error = read_error(&archive, "resources.arsc");
    assert!(error.to_string().contains("resources.arsc"), "{error}");
    // The other entries are unaffected.
    assert!(
        archive
            .read(archive.by_name("classes.dex").expect("dex"))
            .is_ok()
    );
}

#[test]
fn entry_from_another_archive_is_refused() {
    let (data, _) = sample_zip();
    let other = build(&[Spec::stored("AndroidManifest.xml", b"zzz")], b"");
    let a = Archive::open(&data, Limits::default()).expect("open");
    let b = Archive::open(&other, Limits::default()).expect("open");
    let foreign = b.entries()[0].clone();
    assert!(matches!(
        a.read(&foreign),
        Err(ArchiveError::ForeignEntry { .. })
    ));
}

#[test]
fn truncation_at_every_length_never_panics() {
    let specs = [
        Spec::stored("a.txt", b"alpha"),
        Spec::deflated("b.txt", &[b'b'; 300]),
    ];
    for data in [build(&specs, b"comment"), sample_zip().0] {
        for len in 0..data.len() {
            let prefix = &data[..len];
            if let Ok(archive) = Archive::open(prefix, Limits::default()) {
                for entry in archive.entries() {
                    let _ = archive.read(entry);
                }
            }
        }
    }
}

#[test]
fn declared_size_over_entry_limit_is_refused_before_inflating() {
    let (data, _) = sample_zip();
    let limits = Limits {
        max_entry_size: 1000,
        ..Limits::default()
    };
    let archive = Archive::open(&data, limits).expect("open");
    let error = read_error(&archive, "classes.dex");
    assert!(matches!(
        error,
        ArchiveError::EntryTooLarge {
            declared: 80_000,
            limit: 1000,
            ..
        }
    ));
    assert!(error.to_string().contains("classes.dex"));
    assert_eq!(archive.bytes_read(), 0);
}

#[test]
fn data_inflating_past_its_declared_size_is_refused() {
    // Central and local headers both understate the size: a bomb that lies.
    let mut spec = Spec::deflated("bomb.bin", &[0u8; 200_000]);
    spec.uncompressed_size = 1000;
    let data = build(&[spec], b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let error = read_error(&archive, "bomb.bin");
    assert!(
        matches!(
            error,
            ArchiveError::ExceedsDeclaredSize { declared: 1000, .. }
        ),
        "{error}"
    );
    assert_eq!(
        archive.bytes_read(),
        0,
        "a refused read gives its budget back"
    );
}

#[test]
fn short_data_is_reported() {
    let mut spec = Spec::deflated("short.bin", b"only this much");
    spec.uncompressed_size = 100;
    let data = build(&[spec], b"");
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let bytes = archive
        .read(archive.by_name("short.bin").expect("entry"))
        .expect("read");
    assert_eq!(bytes, b"only this much");
    assert_eq!(archive.bytes_read(), 14);
    assert!(archive.read_anomalies().contains(&Anomaly::ShortData {
        entry: "short.bin".into(),
        declared: 100,
        actual: 14
    }));
}

/// A raw deflate stream of `len` zero bytes, written bit by bit with the fixed Huffman code
/// (RFC 1951 3.2.6): one literal 0, then <length 258, distance 1> copies, then short copies.
fn zeros_deflate_stream(len: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        count: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: u32) {
            self.acc |= value << self.count;
            self.count += bits;
            while self.count >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.count -= 8;
            }
        }
        /// Huffman codes are sent most significant bit first.
        fn put_code(&mut self, code: u32, bits: u32) {
            let reversed = code.reverse_bits() >> (32 - bits);
            self.put(reversed, bits);
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        acc: 0,
        count: 0,
    };
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    bits.put_code(0x30, 8); // literal 0
    let mut left = len - 1;
    while left >= 258 {
        bits.put_code(0b1100_0101, 8); // length code 285 = 258
        bits.put_code(0, 5); // distance code 0 = 1
        left -= 258;
    }
    while left > 0 {
        bits.put_code(0x30, 8);
        left -= 1;
    }
    bits.put_code(0, 7); // end of block (code 256)
    if bits.count > 0 {
        bits.out.push(bits.acc as u8);
    }
    bits.out
}

#[test]
fn hundred_megabyte_bomb_is_refused_under_a_small_limit() {
    const SIZE: usize = 100 * 1024 * 1024;
    let stream = zeros_deflate_stream(SIZE);
    // Cross-check the hand-written stream with flate2 on a smaller instance.
    let small = zeros_deflate_stream(10_000);
    assert_eq!(inflate_capped(&small, 10_000), Ok(vec![0u8; 10_000]));

    let spec = Spec {
        name: b"assets/bomb.bin".to_vec(),
        compressed_size: stream.len() as u32,
        uncompressed_size: SIZE as u32,
        payload: stream.clone(),
        method: 8,
        crc: 0,
        ..Spec::stored("", b"")
    };
    let data = build(std::slice::from_ref(&spec), b"");
    let limits = Limits {
        max_entry_size: 16 << 20,
        ..Limits::default()
    };
    let archive = Archive::open(&data, limits).expect("open");
    let entry = archive.by_name("assets/bomb.bin").expect("entry");
    assert_eq!(entry.uncompressed_size, SIZE as u64);
    let error = read_error(&archive, "assets/bomb.bin");
    assert!(
        matches!(error, ArchiveError::EntryTooLarge { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("assets/bomb.bin"));

    // The same stream declared as 1 MiB: inflation stops at the cap.
    let mut lying = spec.clone();
    lying.uncompressed_size = 1 << 20;
    let data = build(&[lying], b"");
    let archive = Archive::open(&data, limits).expect("open");
    let error = read_error(&archive, "assets/bomb.bin");
    assert!(
        matches!(error, ArchiveError::ExceedsDeclaredSize { .. }),
        "{error}"
    );

    // Declared honestly but above the ratio limit: 100 MiB from the ~660 KB stream (13 bits
    // per 258 bytes) is about 159:1.
    let data = build(&[spec], b"");
    let archive = Archive::open(
        &data,
        Limits {
            max_ratio: 100,
            ..Limits::default()
        },
    )
    .expect("open");
    let error = read_error(&archive, "assets/bomb.bin");
    assert!(
        matches!(error, ArchiveError::RatioExceeded { .. }),
        "{error}"
    );
}

#[test]
fn total_budget_is_shared_by_all_reads() {
    let chunk = vec![b'z'; 100_000];
    let names: Vec<String> = (0..20).map(|i| format!("assets/{i:02}.bin")).collect();
    let specs: Vec<Spec> = names.iter().map(|n| Spec::deflated(n, &chunk)).collect();
    let data = build(&specs, b"");
    let limits = Limits {
        max_total_size: 1_000_000,
        ..Limits::default()
    };
    let archive = Archive::open(&data, limits).expect("open");
    let results: Vec<Result<Vec<u8>, ArchiveError>> =
        archive.entries().iter().map(|e| archive.read(e)).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 10);
    match &results[10] {
        Err(ArchiveError::TotalLimitExceeded {
            entry, used, limit, ..
        }) => {
            assert_eq!(entry, "assets/10.bin");
            assert_eq!((*used, *limit), (1_000_000, 1_000_000));
        }
        other => panic!("expected the total limit, got {other:?}"),
    }
    assert_eq!(archive.bytes_read(), 1_000_000);
}

#[test]
fn nested_archive_reads_come_out_of_the_outer_budget() {
    // An APK inside a split set: 600 kB inside, after 700 kB read from the outer archive,
    // must not fit a 1 MB budget (it would with a fresh budget per archive).
    let inner_data = build(&[Spec::deflated("classes.dex", &vec![b'd'; 600_000])], b"");
    let outer_data = build(
        &[
            Spec::deflated("assets/big.bin", &vec![b'a'; 700_000]),
            Spec::stored("base.apk", &inner_data),
        ],
        b"",
    );
    let limits = Limits {
        max_total_size: 1_000_000,
        ..Limits::default()
    };
    let outer = Archive::open(&outer_data, limits).expect("open outer");
    let big = outer.by_name("assets/big.bin").expect("big entry");
    assert_eq!(outer.read(big).expect("big").len(), 700_000);
    let apk = outer.by_name("base.apk").expect("apk entry");
    let apk_bytes = outer.read(apk).expect("apk bytes fit");
    let inner = Archive::open_nested(&apk_bytes, &outer).expect("open inner");
    let dex = inner.by_name("classes.dex").expect("dex entry");
    match inner.read(dex) {
        Err(ArchiveError::TotalLimitExceeded { used, limit, .. }) => {
            assert_eq!(used, 700_000 + inner_data.len() as u64);
            assert_eq!(limit, 1_000_000);
        }
        other => panic!("expected the outer total limit, got {other:?}"),
    }
    assert_eq!(inner.bytes_read(), 0);
    // Each archive counts its own reads; the budget is one.
    assert_eq!(outer.bytes_read(), 700_000 + inner_data.len() as u64);
}

#[test]
fn nested_bomb_three_deep_stops_at_the_outermost_budget() {
    // Every level holds ten copies of the level below; the leaves are 100 kB of zeros.
    // Flat budgets per archive would let 10 x 10 x 100 kB = 10 MB through a 2 MB limit.
    let leaf = build(&[Spec::deflated("leaf.bin", &vec![0u8; 100_000])], b"");
    let names: Vec<String> = (0..10).map(|i| format!("n{i}.zip")).collect();
    let middle = build(
        &names
            .iter()
            .map(|n| Spec::deflated(n, &leaf))
            .collect::<Vec<_>>(),
        b"",
    );
    let top = build(
        &names
            .iter()
            .map(|n| Spec::deflated(n, &middle))
            .collect::<Vec<_>>(),
        b"",
    );
    let limits = Limits {
        max_total_size: 2_000_000,
        ..Limits::default()
    };
    let outer = Archive::open(&top, limits).expect("open top");
    let mut leaves_read = 0u64;
    for entry in outer.entries() {
        let Ok(middle_bytes) = outer.read(entry) else {
            continue;
        };
        let Ok(middle_archive) = Archive::open_nested(&middle_bytes, &outer) else {
            continue;
        };
        for inner_entry in middle_archive.entries() {
            let Ok(leaf_bytes) = middle_archive.read(inner_entry) else {
                continue;
            };
            let Ok(leaf_archive) = Archive::open_nested(&leaf_bytes, &middle_archive) else {
                continue;
            };
            for leaf_entry in leaf_archive.entries() {
                if let Ok(bytes) = leaf_archive.read(leaf_entry) {
                    leaves_read += bytes.len() as u64;
                }
            }
        }
    }
    assert!(leaves_read > 0, "some leaves fit");
    assert!(leaves_read < 2_000_000, "read {leaves_read} leaf bytes");
    assert!(outer.bytes_read() <= 2_000_000);
}

#[test]
fn parallel_reads_respect_the_total_budget() {
    use rayon::prelude::*;
    let chunk = vec![b'q'; 10_000];
    let names: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    let specs: Vec<Spec> = names.iter().map(|n| Spec::deflated(n, &chunk)).collect();
    let data = build(&specs, b"");
    let archive = Archive::open(
        &data,
        Limits {
            max_total_size: 1_000_000,
            ..Limits::default()
        },
    )
    .expect("open");
    let ok = archive
        .entries()
        .par_iter()
        .filter(|e| archive.read(e).is_ok_and(|bytes| bytes == chunk))
        .count();
    assert_eq!(ok, 100);
    assert_eq!(archive.bytes_read(), 1_000_000);
}

#[test]
fn too_many_entries_is_refused_up_front() {
    let specs: Vec<Spec> = (0..50)
        .map(|i| Spec::stored(&format!("{i}"), b""))
        .collect();
    let data = build(&specs, b"");
    let limits = Limits {
        max_entries: 49,
        ..Limits::default()
    };
    let error = Archive::open(&data, limits).expect_err("too many");
    assert!(matches!(
        error,
        ArchiveError::TooManyEntries {
            declared: 50,
            limit: 49
        }
    ));
}

#[test]
fn hundred_thousand_entries_open_quickly() {
    // More than 65,535 entries: the writer adds ZIP64 end records.
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..100_000 {
        writer
            .start_file(format!("res/raw/f{i:06}"), options)
            .expect("start");
        writer.write_all(b"x").expect("write");
    }
    let data = writer.finish().expect("finish").into_inner();
    let started = std::time::Instant::now();
    let archive = Archive::open(&data, Limits::default()).expect("open");
    let elapsed = started.elapsed();
    assert_eq!(archive.entries().len(), 100_000);
    assert_eq!(
        archive
            .by_name("res/raw/f099999")
            .map(|e| e.uncompressed_size),
        Some(1)
    );
    assert!(elapsed.as_secs_f64() < 5.0, "open took {elapsed:?}");
    eprintln!(
        "opened 100k entries in {elapsed:?} ({:?})",
        archive.backend()
    );
    let eocd = raw::find_eocd(&data).expect("eocd");
    assert!(eocd.zip64);
    let started = std::time::Instant::now();
    let walked = raw::walk_central_directory(&data, &eocd).expect("walk");
    assert_eq!(walked.len(), 100_000);
    eprintln!("fallback walk of 100k entries: {:?}", started.elapsed());
}

mod mutations {
    use super::*;
    use proptest::prelude::*;

    fn small_limits() -> Limits {
        Limits {
            max_entries: 1000,
            max_entry_size: 1 << 20,
            max_total_size: 4 << 20,
            max_ratio: 1000,
        }
    }

    /// Opens and reads everything; whatever happens must be a clean result within limits.
    fn exercise(data: &[u8]) {
        if let Ok(archive) = Archive::open(data, small_limits()) {
            for entry in archive.entries() {
                if let Ok(bytes) = archive.read(entry) {
                    assert!(bytes.len() as u64 <= entry.uncompressed_size);
                }
            }
            assert!(archive.bytes_read() <= small_limits().max_total_size);
            for anomaly in archive.anomalies() {
                assert!(!anomaly.to_string().is_empty());
            }
        }
    }

    /// Built once: the writer is slow in debug builds and every case starts from a copy.
    fn sample_zip_bytes() -> &'static [u8] {
        static SAMPLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        SAMPLE.get_or_init(|| sample_zip().0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn byte_mutations_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
        ) {
            let mut data = sample_zip_bytes().to_vec();
            let len = data.len();
            for (index, value) in edits {
                data[index.index(len)] = value;
            }
            exercise(&data);
        }

        #[test]
        fn mutated_hand_built_archives_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
        ) {
            let mut data = build(
                &[Spec::stored("a", b"aaaa"), Spec::deflated("b", &[b'b'; 2000])],
                b"c",
            );
            let len = data.len();
            for (index, value) in edits {
                data[index.index(len)] = value;
            }
            exercise(&data);
        }

        #[test]
        fn random_bytes_with_an_end_record_never_panic(
            body in proptest::collection::vec(any::<u8>(), 0..400),
            count in any::<u16>(),
            cd_size in any::<u32>(),
            cd_offset in any::<u32>(),
        ) {
            let mut data = body;
            data.extend_from_slice(b"PK\x05\x06\0\0\0\0");
            data.extend_from_slice(&count.to_le_bytes());
            data.extend_from_slice(&count.to_le_bytes());
            data.extend_from_slice(&cd_size.to_le_bytes());
            data.extend_from_slice(&cd_offset.to_le_bytes());
            data.extend_from_slice(&[0, 0]);
            exercise(&data);
        }
    }
}

#[test]
fn many_fake_end_records_do_not_make_opening_slow() {
    let specs: Vec<Spec> = (0..5000)
        .map(|i| Spec::stored(&format!("f{i}"), b""))
        .collect();
    let clean = build(&specs, b"");
    let eocd_at = clean.len() - 22;
    let cd_size = get_u32(&clean, eocd_at + 12);
    let cd_offset = get_u32(&clean, eocd_at + 16);
    // Fake end records in the comment, each claiming one entry more than the directory has.
    let mut fake = Vec::new();
    for _ in 0..2900 {
        fake.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        fake.extend_from_slice(&5001u16.to_le_bytes());
        fake.extend_from_slice(&5001u16.to_le_bytes());
        fake.extend_from_slice(&(cd_size + 46).to_le_bytes());
        fake.extend_from_slice(&cd_offset.to_le_bytes());
        fake.extend_from_slice(&[0, 0]);
    }
    let mut data = clean[..eocd_at].to_vec();
    let mut real_eocd = clean[eocd_at..].to_vec();
    put_u16(&mut real_eocd, 20, fake.len() as u16);
    data.extend_from_slice(&real_eocd);
    data.extend_from_slice(&fake);
    let started = std::time::Instant::now();
    let result = Archive::open(&data, Limits::default());
    let elapsed = started.elapsed();
    eprintln!("fake end records: {elapsed:?}");
    assert!(elapsed.as_secs_f64() < 5.0, "open took {elapsed:?}");
    // The real record is too far back to be among the first plausible candidates, so the
    // archive is refused with an error naming the record, as Android refuses it.
    let error = result.expect_err("only fake records within reach");
    assert!(
        matches!(error, ArchiveError::BadCentralDirectory { index: 5000, .. }),
        "{error}"
    );

    // With only a few fake records the real one is reached, and the skipped ones reported.
    // (Padding keeps the fakes' claimed, one-record-longer directory before them.)
    let mut data = clean[..eocd_at].to_vec();
    put_u16(&mut real_eocd, 20, 64 + 44);
    data.extend_from_slice(&real_eocd);
    data.extend_from_slice(&[b' '; 64]);
    data.extend_from_slice(&fake[..44]);
    let archive = Archive::open(&data, Limits::default()).expect("real record reached");
    assert_eq!(archive.entries().len(), 5000);
    let ignored: Vec<u64> = archive
        .anomalies()
        .iter()
        .filter_map(|a| match a {
            Anomaly::IgnoredEndRecord { offset, .. } => Some(*offset),
            _ => None,
        })
        .collect();
    let first_fake = eocd_at as u64 + 22 + 64;
    assert_eq!(ignored, [first_fake + 22, first_fake]);
    assert!(archive.anomalies()[0].to_string().contains("ignored"));
}
