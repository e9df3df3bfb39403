//! `cargo run -p appaudit-sdk-import [-- --check]`: regenerates `sdk-signatures/imported/`.
//!
//! Inputs: `--reference DIR` (default `../shared/reference` beside the repository),
//! `--wheel FILE` (default `$APPAUDIT_CORPUS/apk_analyzer-1.32.0-py3-none-any.whl`, the
//! corpus cache `~/.cache/appaudit-corpus` when unset; `scripts/fetch-corpus.sh` fetches it),
//! `--npm-ios DIR` (default `$APPAUDIT_CORPUS/npm-ios`, filled by `scripts/fetch-ios-sources.sh`),
//! `--policies DIR` (default `../shared/policies`: the apps' SDK tables),
//! `--out DIR` (default `sdk-signatures/imported`). `--check` writes nothing and fails when
//! the committed files differ from a fresh run.

use std::path::PathBuf;
use std::process::ExitCode;

use appaudit_sdk_import::{Inputs, run, sources::apk_analyzer::WHEEL_NAME};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The default wheel location, shared with the reproducibility test.
fn default_wheel() -> PathBuf {
    let corpus = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/appaudit-corpus"))
        })
        .unwrap_or_else(|| PathBuf::from("."));
    corpus.join(WHEEL_NAME)
}

fn main() -> ExitCode {
    let root = repo_root();
    let mut reference = root.join("../shared/reference");
    let mut wheel = default_wheel();
    let mut npm_ios = default_wheel().with_file_name("npm-ios");
    let mut out = root.join("sdk-signatures/imported");
    let mut policies = root.join("../shared/policies");
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| match args.next() {
            Some(v) => Ok(PathBuf::from(v)),
            None => Err(format!("{name} needs a value")),
        };
        let parsed = match arg.as_str() {
            "--reference" => value("--reference").map(|v| reference = v),
            "--wheel" => value("--wheel").map(|v| wheel = v),
            "--npm-ios" => value("--npm-ios").map(|v| npm_ios = v),
            "--out" => value("--out").map(|v| out = v),
            "--policies" => value("--policies").map(|v| policies = v),
            "--check" => {
                check = true;
                Ok(())
            }
            other => Err(format!("unknown argument `{other}`")),
        };
        if let Err(message) = parsed {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    let inputs = Inputs {
        reference,
        wheel,
        hand_written: root.join("sdk-signatures"),
        npm_ios,
        policies,
    };
    let import = match run(&inputs) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for line in &import.conflicts {
        println!("conflict: {line}");
    }
    for s in &import.sources {
        println!(
            "source {}: {} {} -> {} facts; {} excluded; {} rules written ({} in new entries, {} extending hand-written entries), {} new entries drawn from it; not written: {} ({} dropped while resolving nesting, see the conflicts)",
            s.name,
            s.items,
            s.item_kind,
            s.facts,
            s.excluded.values().sum::<usize>(),
            s.rules_in_entries + s.rules_in_extensions,
            s.rules_in_entries,
            s.rules_in_extensions,
            s.entries,
            s.merged_away.values().sum::<usize>() + s.dropped_after_merge(),
            s.dropped_after_merge(),
        );
        for (why, n) in &s.excluded {
            println!("source {}:   excluded {n}: {why}", s.name);
        }
        for (why, n) in &s.merged_away {
            println!("source {}:   not written {n}: {why}", s.name);
        }
    }
    println!(
        "source apk-analyzer so_files.yaml: {} .so names, {} recognised by the database, {} not (a bare file name names no library: no rule made)",
        import.so_database.names,
        import.so_database.recognised,
        import.so_database.names - import.so_database.recognised
    );
    let (cn, global) = import.market_by_vendor_table;
    println!(
        "market: {} entries decided by crates/sdk-import/data/vendors.toml ({cn} cn, {global} global), {} of them differ from the general rules",
        cn + global,
        import.market_changed.len()
    );
    for company in &import.vendor_rows_unused {
        println!("market: a vendors.toml row matches no entry: {company}");
    }
    for (id, by_rules, by_table) in &import.market_changed {
        println!(
            "market: {id}: {by_rules:?} by the general rules, {by_table:?} by the vendor table"
        );
    }
    println!(
        "{} new entries, {} hand-written entries extended, {} facts already hand-written, {} stated by two lists, {} libraries named differently by two lists merged, {} conflicts",
        import.entries,
        import.extensions,
        import.covered_by_hand_written,
        import.duplicates,
        import.merged_by_pattern,
        import.conflicts.len()
    );
    let lists = &import.sdk_lists;
    for (why, n) in &lists.skipped {
        println!("sdk tables: skipped {n}: {why}");
    }
    for (id, missing) in &lists.vendor_list_gaps {
        println!(
            "sdk tables: {id}: apps' tables state {} beyond the entry's own list",
            missing.join(", ")
        );
    }
    println!(
        "sdk tables: {} SDKs got a data-type list from apps' SDK tables ({} Chinese, {} global), {} keep the vendor's own list ({} of those lists lack types the tables state); {} new Chinese-market entries from rows with a package",
        lists.lists_cn + lists.lists_global,
        lists.lists_cn,
        lists.lists_global,
        lists.kept_vendor_list,
        lists.vendor_list_gaps.len(),
        lists.new_entries
    );
    if check {
        let mut stale = Vec::new();
        for (name, text) in &import.files {
            if std::fs::read_to_string(out.join(name)).ok().as_deref() != Some(text.as_str()) {
                stale.push(name.clone());
            }
        }
        if !stale.is_empty() {
            eprintln!(
                "error: {} differ from a fresh import: {}; run `cargo run -p appaudit-sdk-import`",
                out.display(),
                stale.join(", ")
            );
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    for (name, text) in &import.files {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
