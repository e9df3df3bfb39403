//! `cargo bench --bench sdk_db_load` (run by `benches/sdk_db.sh`): what loading the SDK
//! database costs a process, which does it once (`Engine::new`).
//!
//! Prints the median of several runs of:
//! 1. `SignatureDb::builtin()`: parse and validate every embedded `sdk-signatures/` file;
//! 2. `Matcher::new`: compile every rule into the automata;
//! 3. both together (the database's share of `Engine::new`), against the 20 ms;
//! 4. `Engine::new` as a whole (also the taxonomy and the data-type rules).

use std::time::{Duration, Instant};

use appaudit_scan::{Engine, ScanOptions};
use appaudit_sdk::{Matcher, SignatureDb};

const RUNS: usize = 21;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let db = SignatureDb::builtin().expect("built-in signatures load");
    let rules: usize = db
        .sdks()
        .iter()
        .map(|s| {
            appaudit_sdk::RuleKind::ALL
                .iter()
                .map(|k| s.rules.of(*k).len())
                .sum::<usize>()
        })
        .sum();
    println!("database: {} entries, {rules} rules", db.sdks().len());
    let load = time(|| SignatureDb::builtin().expect("loads"));
    let compile = time(|| Matcher::new(&db));
    let both = time(|| {
        let db = SignatureDb::builtin().expect("loads");
        Matcher::new(&db)
    });
    let engine = time(|| Engine::new(ScanOptions::default()).expect("engine"));
    println!("load + validate:   {:8.2} ms", ms(load));
    println!("compile matcher:   {:8.2} ms", ms(compile));
    println!(
        "database total:    {:8.2} ms  (issue #10: under 20 ms) {}",
        ms(both),
        if both < Duration::from_millis(20) {
            "ok"
        } else {
            "OVER"
        }
    );
    println!("Engine::new:       {:8.2} ms", ms(engine));
}
