//! Probes built from the public lists themselves: every LibChecker rule and every Exodus
//! tracker whose code signature is a package or class name must be recognised by the
//! compiled built-in database. The probes come from the lists' files, read here with their
//! own parsing (not the importer's), so a fact the importer loses shows as a miss.

mod common;

use appaudit_sdk::{Matcher, SignatureDb};

fn matcher() -> (SignatureDb, Matcher) {
    let db = SignatureDb::builtin().expect("builtin signatures load");
    let matcher = Matcher::new(&db);
    (db, matcher)
}

/// A file name matching a LibChecker regex (`libjcore(.*)\.so` -> `libjcore1.so`), or
/// `None` for a regex with alternatives or classes (no single probe stands for it).
fn sample_of_regex(regex: &str) -> Option<String> {
    if regex.contains(['|', '[']) {
        return None;
    }
    Some(
        regex
            .replace("(.*)", "1")
            .replace("(.+)", "1")
            .replace(".*", "1")
            .replace("\\d+", "1")
            .replace("\\.", "."),
    )
}

/// A class name matching a LibChecker class regex (`a.b.Stub[0-9]*$` -> `a.b.Stub1`,
/// `a.b.Service(.*)` -> `a.b.Service1`), or `None` for alternatives or other classes.
fn sample_of_class_regex(regex: &str) -> Option<String> {
    let sample = regex
        .trim_end_matches('$')
        .replace("(.*)", "1")
        .replace("[0-9]*", "1");
    (!sample.contains(['|', '[', '(', '*', '+', '?', '\\'])).then_some(sample)
}

/// Segments of the package a class regex's literal start lies in (`com.yxcorp.gifshow.ad(.*)`
/// -> 3), counted here with the test's own reading.
fn literal_package_segments(regex: &str) -> usize {
    let literal: String = regex
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
        .collect();
    literal
        .rsplit_once('.')
        .map_or(0, |(p, _)| p.split('.').count())
}

#[test]
fn every_libchecker_rule_is_recognised() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let (_db, m) = matcher();
    // Rules the importer reports as dropped (a broad prefix around hand-written rules of
    // other vendors) are accounted for by its conflict list, not silently lost.
    let import = appaudit_sdk_import::run(&inputs).expect("import runs");
    let dropped = |name: &str| {
        import
            .conflicts
            .iter()
            .any(|c| c.starts_with(&format!("`{}` dropped", name.trim_end_matches(".(.*)"))))
    };
    let (mut unprobed, mut reported, mut unexpressible) = (0, 0, 0);
    let path = inputs.reference.join("libchecker/rules_table_v36.csv");
    let mut reader = csv::Reader::from_path(&path).expect("rules table");
    let (mut total, mut missed) = (0, Vec::new());
    for record in reader.records() {
        let r = record.expect("csv row");
        let (name, kind, regex) = (&r[1], &r[3], &r[5] == "1");
        let hit = match kind {
            "0" if regex => match sample_of_regex(name) {
                Some(sample) => m.match_native_lib(&sample).is_some(),
                None => {
                    unprobed += 1;
                    continue;
                }
            },
            "0" => m.match_native_lib(name).is_some(),
            _ if name.ends_with(".so") => m.match_native_lib(name).is_some(),
            // A package regex of components (`com.baidu.swan.(.*)`): any component there.
            "1" | "2" | "3" | "4" if regex && name.ends_with(".(.*)") => {
                let package = name.trim_end_matches(".(.*)");
                m.match_component(&format!("{package}.ProbeActivity"))
                    .is_some()
            }
            // Any other class regex (`com.bytedance.mira.stub.p[0-9]*.StubService[0-9]*$`):
            // one class name it matches.
            "1" | "2" | "3" | "4" if regex => match sample_of_class_regex(name) {
                Some(sample) => {
                    let hit = m.match_component(&sample).is_some();
                    if !hit && literal_package_segments(name) < 4 {
                        // No rule kind says "classes whose name starts so"; as a package
                        // rule it would claim a whole app (`com.yxcorp.gifshow`). The
                        // importer counts it as excluded.
                        println!("not expressible as a rule: {name}");
                        unexpressible += 1;
                        continue;
                    }
                    hit
                }
                None => {
                    unprobed += 1;
                    continue;
                }
            },
            "1" | "2" | "3" | "4" => m.match_component(name).is_some(),
            "5" => {
                let package = name.trim_end_matches(".(.*)");
                m.match_class(&format!("{package}.Probe")).is_some()
            }
            _ => continue, // a shared system library, not code in the app
        };
        total += 1;
        if !hit && dropped(name) {
            println!("dropped by the importer, with a conflict line: {name}");
            reported += 1;
        } else if !hit {
            missed.push(format!("{kind} {name}"));
        }
    }
    let found = total - missed.len() - reported;
    total += unexpressible;
    println!(
        "LibChecker probes: {found} of {total} recognised, {reported} reported dropped, {unexpressible} not expressible as a rule ({unprobed} regex rules have no single probe)"
    );
    assert!(
        missed.is_empty(),
        "{} of {total} LibChecker rules unrecognised: {:?}",
        missed.len(),
        &missed[..missed.len().min(30)]
    );
}

#[test]
fn every_exodus_tracker_with_a_code_signature_is_recognised() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let (_db, m) = matcher();
    let text = std::fs::read_to_string(inputs.reference.join("exodus/exodus_trackers.json"))
        .expect("exodus list");
    let json: serde_json::Value = serde_json::from_str(&text).expect("exodus json");
    let trackers = json["trackers"].as_object().expect("trackers object");
    let (mut total, mut missed) = (0, Vec::new());
    for tracker in trackers.values() {
        let name = tracker["name"].as_str().unwrap_or("?");
        let signature = tracker["code_signature"].as_str().unwrap_or("");
        // Alternatives that are package or class names (not `.Fragment` look-ups anywhere).
        let probes: Vec<String> = signature
            .split('|')
            .filter(|a| !a.is_empty() && !a.starts_with('.') && !a.contains('-'))
            .map(|a| format!("{}.Probe", a.trim_end_matches('.')))
            .collect();
        if probes.is_empty() {
            continue;
        }
        total += 1;
        if !probes.iter().any(|p| m.match_class(p).is_some()) {
            missed.push(name.to_owned());
        }
    }
    println!(
        "Exodus probes: {} of {total} trackers recognised",
        total - missed.len()
    );
    assert!(
        missed.is_empty(),
        "{} of {total} Exodus trackers unrecognised: {missed:?}",
        missed.len()
    );
}

#[test]
fn every_vendor_table_row_decides_some_entry() {
    // A row that matches nothing is a stale or mistyped fact (a vendor renamed, a package
    // root misspelled); the table must only hold facts that classify something.
    let Some(inputs) = common::inputs() else {
        return;
    };
    let import = appaudit_sdk_import::run(&inputs).expect("import runs");
    assert!(
        import.vendor_rows_unused.is_empty(),
        "rows of crates/sdk-import/data/vendors.toml match no entry: {:?}",
        import.vendor_rows_unused
    );
    let (cn, global) = import.market_by_vendor_table;
    assert!(
        cn > 0 && global > 0,
        "{cn} cn, {global} global by the table"
    );
}
