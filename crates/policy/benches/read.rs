//! `cargo bench -p appaudit-policy --bench read`: how long reading a policy takes, against the
//! issue's 50 ms for a 100 KB policy.
//!
//! Reads every real policy of `../shared/policies` (or `$APPAUDIT_SHARED/policies`) with the
//! built-in lexicon (built once, as a process does) and prints the median of several runs per
//! file, the size, and the time scaled to 100 KB; then the largest policies joined into one
//! document of at least 100 KB.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use appaudit_policy::{FormatHint, Lexicon, read_policy_bytes};

const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn time_read(bytes: &[u8], hint: FormatHint, lexicon: &Lexicon) -> Duration {
    let run = || {
        let start = Instant::now();
        std::hint::black_box(read_policy_bytes(bytes, hint, lexicon).expect("a policy"));
        start.elapsed()
    };
    run();
    median((0..RUNS).map(|_| run()).collect())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x != "pdf" && x != "docx")
            && !p.ends_with("README.md")
        {
            out.push(p);
        }
    }
}

fn main() {
    let shared = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
    let db = appaudit_sdk::SignatureDb::builtin().expect("SDK database");
    let start = Instant::now();
    let lexicon = Lexicon::new(&taxonomy, &db).expect("lexicon");
    println!(
        "lexicon built once in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let mut paths = Vec::new();
    files(&shared.join("policies"), &mut paths);
    paths.sort();
    let mut all: Vec<(u64, Vec<u8>)> = Vec::new();
    println!(
        "{:<58} {:>8} {:>9} {:>12}",
        "policy", "KB", "ms", "ms / 100 KB"
    );
    for p in &paths {
        let bytes = std::fs::read(p).expect("policy file");
        let d = time_read(&bytes, FormatHint::from_path(p), &lexicon);
        let kb = bytes.len() as f64 / 1024.0;
        let ms = d.as_secs_f64() * 1e3;
        println!(
            "{:<58} {:>8.1} {:>9.2} {:>12.2}",
            p.strip_prefix(&shared).unwrap_or(p).display(),
            kb,
            ms,
            ms * 100.0 / kb
        );
        if matches!(
            FormatHint::from_path(p),
            FormatHint::Markdown | FormatHint::Text
        ) {
            all.push((bytes.len() as u64, bytes));
        }
    }
    all.sort_by_key(|b| std::cmp::Reverse(b.0));
    let mut joined = Vec::new();
    for (_, b) in &all {
        if joined.len() >= 100 * 1024 {
            break;
        }
        joined.extend_from_slice(b);
        joined.push(b'\n');
    }
    let d = time_read(&joined, FormatHint::Markdown, &lexicon);
    println!(
        "joined largest policies: {:.1} KB read in {:.2} ms (issue's bar: 50 ms for 100 KB)",
        joined.len() as f64 / 1024.0,
        d.as_secs_f64() * 1e3
    );
}
