//! Hostile-input checks: every corpus file truncated and mutated must end in `Ok` or a
//! clean `Err` (a panic fails the test), with bounded output.

use std::path::PathBuf;
use std::time::Instant;

use appaudit_axml::{Manifest, parse_axml, parse_manifest_bytes};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/axml");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/axml")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let out: Vec<_> = files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    assert_eq!(out.len(), 22, "expected the 22 androguard edge-case files");
    out
}

/// Decodes and builds the model; the output must stay proportional to the input.
fn exercise(data: &[u8]) {
    if let Ok(doc) = parse_manifest_bytes(data) {
        let m = Manifest::from_document(&doc);
        let attrs: usize = doc.elements.iter().map(|e| e.attributes.len()).sum();
        assert!(doc.elements.len() <= data.len() / 8 + 1);
        assert!(attrs <= data.len() / 20 + 1);
        assert!(m.uses_permissions.len() <= doc.elements.len());
    }
}

#[test]
fn every_truncation_of_every_corpus_file() {
    // Every length for the first 4 KiB (headers, string pool, first nodes), so files up to
    // 4 KiB are cut everywhere; a prime stride beyond that keeps the debug-build run short.
    let started = Instant::now();
    let mut runs = 0;
    for (_, data) in corpus() {
        for len in 0..=data.len() {
            if len <= 4096 || len % 61 == 0 {
                exercise(&data[..len]);
                runs += 1;
            }
        }
    }
    assert!(runs > 80_000, "{runs}");
    eprintln!("{runs} truncations in {:?}", started.elapsed());
}

#[test]
fn deterministic_random_byte_flips() {
    let files = corpus();
    // xorshift64*, fixed seed: reproducible.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    for _ in 0..4000 {
        let (_, original) = &files[(next() % files.len() as u64) as usize];
        let mut data = original.clone();
        let flips = 1 + next() % 8;
        for _ in 0..flips {
            let at = (next() % data.len() as u64) as usize;
            // Bias towards the first KiB, where the headers and lengths live.
            let at = if next() % 2 == 0 {
                at % 1024.min(data.len())
            } else {
                at
            };
            data[at] ^= 1 << (next() % 8);
        }
        exercise(&data);
    }
}

#[test]
fn a_30kb_manifest_decodes_quickly() {
    let data = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/axml/AndroidManifest_NamespaceInAttributeName2.xml"),
    )
    .unwrap();
    assert!(data.len() > 29_000);
    let runs = 50;
    let started = Instant::now();
    for _ in 0..runs {
        let doc = parse_axml(&data).unwrap();
        assert!(!doc.elements.is_empty());
    }
    let per_run = started.elapsed() / runs;
    eprintln!("30 KB manifest: {per_run:?} per decode");
    // Generous bound for an unoptimised test build on a loaded 2-core machine; the
    // release-build figure is in the crate report.
    assert!(per_run.as_millis() < 50, "{per_run:?}");
}
