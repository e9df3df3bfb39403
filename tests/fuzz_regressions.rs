//! Replays every input the fuzzers ever crashed on (`fuzz/regressions/<target>/*`) through the
//! very functions the fuzz targets call, so `cargo test` keeps every fixed crash fixed without
//! needing libFuzzer or a nightly toolchain. Also runs every entry point over the demo APK and
//! its entries truncated at every length (the most common hostile input of all).
//!
//! To add a regression: minimise the crash (`cargo fuzz tmin <target> <artifact>`), copy it to
//! `fuzz/regressions/<target>/<short-description>`, run `cargo test --test fuzz_regressions`.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A fuzz target's entry point: takes the input bytes, returns only if nothing went wrong.
type EntryPoint = fn(&[u8]);

/// Every fuzz target and its entry point (the names of `fuzz/fuzz_targets/*.rs`).
const TARGETS: &[(&str, EntryPoint)] = &[
    ("zip", targets::zip),
    ("axml", targets::axml),
    ("dex", targets::dex),
    ("classfile", targets::classfile),
    ("macho", targets::macho),
    ("plist", targets::plist),
    ("policy", targets::policy),
    ("elf", targets::elf),
    ("pipeline", targets::pipeline),
];

/// One regression input must finish well inside libFuzzer's 10 s timeout even in a debug build.
const PER_INPUT_BOUND: Duration = Duration::from_secs(10);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
    });
    files.sort();
    files
}

/// Runs `entry` on `data`, turning a panic into a message naming the input.
fn run_one(what: &str, entry: EntryPoint, data: &[u8]) -> Result<Duration, String> {
    let start = Instant::now();
    std::panic::catch_unwind(|| entry(data)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(non-string panic)");
        format!("{what}: panicked: {message}")
    })?;
    let elapsed = start.elapsed();
    if elapsed > PER_INPUT_BOUND {
        return Err(format!(
            "{what}: took {elapsed:?} (bound {PER_INPUT_BOUND:?})"
        ));
    }
    Ok(elapsed)
}

#[test]
fn every_regression_directory_names_a_fuzz_target() {
    let dirs = std::fs::read_dir(root().join("fuzz/regressions")).expect("fuzz/regressions exists");
    for dir in dirs {
        let name = dir.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "README.md" {
            continue;
        }
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "fuzz/regressions/{name} is not a fuzz target (targets: {:?})",
            TARGETS.iter().map(|(t, _)| t).collect::<Vec<_>>()
        );
        assert!(
            root()
                .join("fuzz/fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file(),
            "fuzz/fuzz_targets/{name}.rs is missing"
        );
    }
}

#[test]
fn regression_inputs_replay_without_panic_or_hang() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, entry) in TARGETS {
        for file in files_in(&root().join("fuzz/regressions").join(target)) {
            let data = std::fs::read(&file).unwrap();
            let what = format!("{target} {}", file.display());
            if let Err(e) = run_one(&what, *entry, &data) {
                failures.push(e);
            }
            replayed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {replayed} regression inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The demo APK's entry `name`, extracted by `unzip` (an independent reader).
fn demo_entry(name: &str) -> Vec<u8> {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(root().join("samples/appaudit-demo.apk"))
        .arg(name)
        .output()
        .expect("unzip is needed for this test (.ci/run installs it)");
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "unzip -p {name} failed"
    );
    out.stdout
}

/// Feeds every prefix of `data` (every `step`-th length) to `entry`.
fn every_truncation(what: &str, entry: EntryPoint, data: &[u8], step: usize) {
    let mut failures = Vec::new();
    for len in (0..=data.len()).step_by(step).chain([data.len()]) {
        if let Err(e) = run_one(&format!("{what} cut at {len}"), entry, &data[..len]) {
            failures.push(e);
        }
        if failures.len() > 10 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// Strides keep each test under a few seconds in a debug build (inflate and the code scan are
// ~20x slower unoptimised); a prime stride still lands inside every header, table and chunk.
// The fuzz targets cover the remaining lengths.

#[test]
fn manifest_truncated_at_every_length() {
    every_truncation(
        "AndroidManifest.xml",
        targets::axml,
        &demo_entry("AndroidManifest.xml"),
        1,
    );
}

#[test]
fn dex_truncated_at_every_third_length() {
    every_truncation("classes.dex", targets::dex, &demo_entry("classes.dex"), 3);
}

#[test]
fn elf_truncated_at_every_length() {
    every_truncation(
        "libjcore123.so",
        targets::elf,
        &demo_entry("lib/x86_64/libjcore123.so"),
        1,
    );
}

#[test]
fn apk_truncated_at_every_seventh_length_through_the_zip_reader() {
    let apk = std::fs::read(root().join("samples/appaudit-demo.apk")).unwrap();
    every_truncation("appaudit-demo.apk", targets::zip, &apk, 7);
}

#[test]
fn apk_truncated_through_the_whole_pipeline() {
    // The pipeline is slower per call than one parser: every 127th length still cuts through
    // every entry's local header, data and the central directory (~100 cuts).
    let apk = std::fs::read(root().join("samples/appaudit-demo.apk")).unwrap();
    every_truncation("appaudit-demo.apk", targets::pipeline, &apk, 127);
}

#[test]
fn policy_samples_truncated_through_html_and_text() {
    let html = std::fs::read(root().join("tests/policies/samples/en_html_sdk_table.html")).unwrap();
    every_truncation("en_html_sdk_table.html", targets::policy, &html, 97);
}

/// A small deterministic PRNG (xorshift64*), so mutation tests replay identically.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values hostile files put in length, offset and count fields.
const HOSTILE_U32: [u32; 8] = [
    0,
    1,
    0x7f,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fff0,
    u32::MAX,
];

/// One mutant of `seed`: a few field overwrites with boundary values, bit flips, a copied
/// block or a truncation, the mutations libFuzzer finds most productive on binary formats.
fn mutate(seed: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if data.len() < 8 {
            break;
        }
        match rng.below(5) {
            0 | 1 => {
                let at = rng.below(data.len() - 4);
                let value = HOSTILE_U32[rng.below(HOSTILE_U32.len())];
                data[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
            2 => {
                let at = rng.below(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            3 => {
                let from = rng.below(data.len());
                let len = rng.below((data.len() - from).min(256));
                let to = rng.below(data.len() - len);
                data.copy_within(from..from + len, to);
            }
            _ => data.truncate(rng.below(data.len())),
        }
    }
    data
}

/// Feeds `count` deterministic mutants of `seed` to `entry`; the seed of the PRNG is fixed so a
/// failure names a reproducible mutant number.
fn mutants(what: &str, entry: EntryPoint, seed: &[u8], count: usize) {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ seed.len() as u64);
    let mut failures = Vec::new();
    for n in 0..count {
        let data = mutate(seed, &mut rng);
        if let Err(e) = run_one(&format!("{what} mutant #{n}"), entry, &data) {
            let saved = std::env::temp_dir().join(format!("appaudit-mutant-{what}-{n}"));
            let _ = std::fs::write(&saved, &data);
            failures.push(format!("{e} (input saved to {})", saved.display()));
        }
        if failures.len() > 5 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn manifest_mutants_never_panic() {
    mutants(
        "axml",
        targets::axml,
        &demo_entry("AndroidManifest.xml"),
        3000,
    );
}

#[test]
fn dex_mutants_never_panic() {
    mutants("dex", targets::dex, &demo_entry("classes.dex"), 1500);
}

#[test]
fn class_file_mutants_never_panic() {
    let class = std::fs::read(root().join("crates/dex/tests/fixtures/Probe.class")).unwrap();
    mutants("classfile", targets::classfile, &class, 3000);
}

#[test]
fn elf_mutants_never_panic() {
    mutants(
        "elf",
        targets::elf,
        &demo_entry("lib/x86_64/libjcore123.so"),
        3000,
    );
}

#[test]
fn apk_mutants_never_panic_in_the_zip_reader_or_the_pipeline() {
    let apk = std::fs::read(root().join("samples/appaudit-demo.apk")).unwrap();
    mutants("zip", targets::zip, &apk, 600);
    mutants("pipeline", targets::pipeline, &apk, 150);
}

#[test]
fn the_replay_harness_reports_a_panicking_entry_point() {
    let err = run_one("probe", |_| panic!("boom"), b"").unwrap_err();
    assert!(err.contains("probe: panicked: boom"), "{err}");
}
