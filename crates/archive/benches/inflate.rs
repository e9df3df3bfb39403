//! Throughput of `Archive::open` and of reading every entry (inflate into pre-sized buffers).

use std::hint::black_box;
use std::io::{Cursor, Write};

use appaudit_archive::{Archive, Limits};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zip::write::SimpleFileOptions;

/// 64 deflated entries of 256 KiB of dex-like, moderately compressible bytes.
fn synthetic_archive() -> (Vec<u8>, u64) {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut total = 0u64;
    let mut state = 0x1234_5678u32;
    for i in 0..64 {
        let content: Vec<u8> = (0..256 * 1024)
            .map(|j| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                if j % 4 == 0 {
                    (state % 16) as u8
                } else {
                    b"Landroid/"[j % 9]
                }
            })
            .collect();
        total += content.len() as u64;
        writer
            .start_file(format!("classes{i}.dex"), options)
            .expect("start");
        writer.write_all(&content).expect("write");
    }
    (writer.finish().expect("finish").into_inner(), total)
}

fn bench(c: &mut Criterion) {
    let (data, total) = synthetic_archive();
    let mut group = c.benchmark_group("archive");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("read_all_entries", |b| {
        b.iter(|| {
            let archive = Archive::open(&data, Limits::default()).expect("open");
            for entry in archive.entries() {
                black_box(archive.read(entry).expect("read"));
            }
        })
    });
    group.finish();

    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..20_000 {
        writer
            .start_file(format!("res/f{i}"), options)
            .expect("start");
        writer.write_all(b"x").expect("write");
    }
    let many = writer.finish().expect("finish").into_inner();
    c.bench_function("open_20k_entries", |b| {
        b.iter(|| black_box(Archive::open(&many, Limits::default()).expect("open")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
