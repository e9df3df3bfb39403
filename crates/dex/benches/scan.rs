//! Parse + full code scan of real DEX files, when the corpus is present.
//!
//! Reads every `classes*.dex` of the appium uiautomator2 server APK (16 DEX files, 14 MB
//! inflated) from `$APPAUDIT_CORPUS` (default `~/.cache/appaudit-corpus`). Without the
//! corpus the benchmark prints why and measures nothing.

use std::io::Read;
use std::path::PathBuf;

use appaudit_dex::{CodeContainer, CodeRef, Dex};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus_dir() -> PathBuf {
    std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/appaudit-corpus")
        })
}

fn load_dex_files() -> Option<Vec<Vec<u8>>> {
    let apk = corpus_dir()
        .join("appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk");
    let file = std::fs::File::open(&apk).ok()?;
    let mut archive = zip::ZipArchive::new(file).ok()?;
    let mut dex_files = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).ok()?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.starts_with("classes") && name.ends_with(".dex") {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).ok()?;
            dex_files.push(bytes);
        }
    }
    Some(dex_files)
}

fn bench_scan(c: &mut Criterion) {
    let Some(dex_files) = load_dex_files() else {
        eprintln!(
            "appium APK not found under {}: nothing to benchmark",
            corpus_dir().display()
        );
        return;
    };
    let total: usize = dex_files.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("appium-16-dex");
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| {
            dex_files
                .iter()
                .map(|d| Dex::parse(d).map_or(0, |dex| dex.class_count()))
                .sum::<usize>()
        })
    });
    group.bench_function("parse+scan", |b| {
        b.iter(|| {
            let mut invokes = 0usize;
            for bytes in &dex_files {
                if let Ok(dex) = Dex::parse(bytes) {
                    dex.for_each_code_ref(|_, r| {
                        invokes += usize::from(matches!(r, CodeRef::Invoke { .. }))
                    });
                }
            }
            invokes
        })
    });
    group.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
