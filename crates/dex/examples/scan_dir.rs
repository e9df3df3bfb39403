//! Times parse + full code scan of every `.dex` file in a directory, on one core.
//!
//! `cargo run -p appaudit-dex --release --example scan_dir -- /path/to/inflated/apk`

use std::time::Instant;

use appaudit_dex::{CodeContainer, CodeRef, Dex};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: scan_dir <directory of .dex files>")?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "dex") {
            files.push(std::fs::read(&path)?);
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let start = Instant::now();
    let (mut classes, mut invokes, mut strings, mut fields, mut warnings) = (0, 0, 0, 0, 0);
    for data in &files {
        let dex = Dex::parse(data)?;
        classes += dex.class_count();
        warnings += dex.warnings().len();
        warnings += dex
            .for_each_code_ref(|_, code_ref| match code_ref {
                CodeRef::Invoke { .. } => invokes += 1,
                CodeRef::String { .. } => strings += 1,
                CodeRef::Field { .. } => fields += 1,
            })
            .len();
    }
    let elapsed = start.elapsed();
    println!(
        "{} files, {:.1} MB, {classes} classes: {invokes} invokes, {strings} strings, {fields} field refs, \
         {warnings} warnings in {:.1} ms",
        files.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64() * 1e3
    );
    Ok(())
}
