//! `match_class` over 100k DEX descriptors: the per-class hot path of an app scan.

use std::hint::black_box;

use appaudit_sdk::{Matcher, SignatureDb};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A realistic mix: about half the classes belong to known SDKs (at varying depths), the rest
/// to app code and unknown libraries.
fn descriptors(db: &SignatureDb) -> Vec<String> {
    let prefixes: Vec<String> = db
        .sdks()
        .iter()
        .flat_map(|s| s.java_packages())
        .map(|p| p.replace('.', "/"))
        .collect();
    (0..100_000)
        .map(|i| match i % 4 {
            0 | 1 => format!(
                "L{}/internal/a{}/C{i};",
                prefixes[i % prefixes.len()],
                i % 7
            ),
            2 => format!("Lcom/example/shop/feature{}/ui/Screen{i}$Inner;", i % 50),
            _ => format!("Lorg/unknown/lib{}/Util{i};", i % 30),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let db = SignatureDb::builtin().expect("builtin signatures");
    let classes = descriptors(&db);
    let mut group = c.benchmark_group("matcher");
    group.bench_function("load_builtin", |b| {
        b.iter(|| SignatureDb::builtin().expect("builtin"))
    });
    group.bench_function("build", |b| b.iter(|| Matcher::new(black_box(&db))));
    let matcher = Matcher::new(&db);
    group.throughput(Throughput::Elements(classes.len() as u64));
    group.bench_function("match_class_100k", |b| {
        b.iter(|| {
            classes
                .iter()
                .filter(|c| matcher.match_class(black_box(c)).is_some())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
