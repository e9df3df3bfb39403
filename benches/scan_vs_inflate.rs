//! `cargo bench --bench scan_vs_inflate`: how close a full `scan` of the
//! largest corpus APK comes to the floor of merely inflating what it must read.
//!
//! Prints, for the APK (default: the 18 MB appium server APK from the corpus,
//! or the path in `APPAUDIT_BENCH_APK`), the median of several runs of:
//! 1. inflate: open the zip, inflate the manifest and every DEX (in parallel,
//!    as the scan does), nothing else — the floor;
//! 2. inflate + parse: the same plus `Dex::parse` and a walk of the defined classes;
//! 3. the scan without the bytecode pass (`--skip-code-scan`): manifest, SDK
//!    matching of every class, native libraries;
//! 4. full scan: `Engine::scan_path` (SDK matching, code scan for sensitive APIs and
//!    SDK usage, native libs, manifest), the engine built once beforehand;
//!
//! and the ratios of each to the floor.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use appaudit_archive::{Archive, Limits};
use appaudit_dex::{CodeContainer, Dex};
use appaudit_scan::{Engine, ScanOptions};
use rayon::prelude::*;

const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<F: FnMut() -> usize>(mut f: F) -> (Duration, usize) {
    let mut out = 0;
    // One warm-up run: page cache, allocator.
    f();
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            out = std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    (median(samples), out)
}

fn wanted(name: &str) -> bool {
    name == "AndroidManifest.xml" || name.ends_with(".dex")
}

fn main() {
    let apk = std::env::var_os("APPAUDIT_BENCH_APK")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let corpus = std::env::var_os("APPAUDIT_CORPUS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").expect("HOME"))
                        .join(".cache/appaudit-corpus")
                });
            corpus.join(
                "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk",
            )
        });
    let bytes = std::fs::read(&apk)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-corpus.sh)", apk.display()));
    let engine = Engine::new(ScanOptions::default()).expect("engine");
    let inventory_only = Engine::new(ScanOptions {
        skip_code_scan: true,
        ..ScanOptions::default()
    })
    .expect("engine");

    let (floor, inflated) = time(|| {
        let archive = Archive::open(&bytes, Limits::default()).expect("zip");
        let entries: Vec<_> = archive
            .entries()
            .iter()
            .filter(|e| wanted(&e.name))
            .collect();
        entries
            .par_iter()
            .map(|e| archive.read(e).map(|b| b.len()).unwrap_or(0))
            .sum()
    });
    let (parse, classes) = time(|| {
        let archive = Archive::open(&bytes, Limits::default()).expect("zip");
        let entries: Vec<_> = archive
            .entries()
            .iter()
            .filter(|e| e.name.ends_with(".dex"))
            .collect();
        entries
            .par_iter()
            .map(|e| {
                let data = archive.read(e).expect("inflate");
                Dex::parse(&data).map(|d| d.classes().count()).unwrap_or(0)
            })
            .sum()
    });
    let (inventory, _) = time(|| inventory_only.scan_path(&apk).expect("scan").sdks.len());
    let (scan, sdks) = time(|| engine.scan_path(&apk).expect("scan").sdks.len());

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "APK: {} ({:.1} MB, {:.1} MB of manifest + DEX inflated)",
        apk.display(),
        bytes.len() as f64 / 1e6,
        inflated as f64 / 1e6
    );
    println!(
        "threads: {}, runs: {RUNS} (median)",
        rayon::current_num_threads()
    );
    println!("inflate manifest + DEX (floor)      {:>8.1} ms", ms(floor));
    println!(
        "inflate + DEX parse ({classes} classes)  {:>8.1} ms  {:.2}x floor",
        ms(parse),
        ms(parse) / ms(floor)
    );
    println!(
        "scan --skip-code-scan ({sdks} SDKs)      {:>8.1} ms  {:.2}x floor",
        ms(inventory),
        ms(inventory) / ms(floor)
    );
    println!(
        "full scan (with the code pass)        {:>8.1} ms  {:.2}x floor",
        ms(scan),
        ms(scan) / ms(floor)
    );
}
