//! The importer's per-source summary agrees with the inputs and the files it writes, each
//! counted here by other means (the CSV and JSON read directly, the wheel's zip listing, the
//! `source = "…"` strings of the generated TOML).

mod common;

use std::io::Read as _;

#[test]
fn per_source_summary_matches_the_inputs_and_the_written_files() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let import = appaudit_sdk_import::run(&inputs).expect("import runs");
    let summary = |name: &str| {
        import
            .sources
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no summary for {name}"))
            .clone()
    };

    // Items: counted from the files themselves.
    let rules_csv =
        std::fs::read_to_string(inputs.reference.join("libchecker/rules_table_v36.csv"))
            .expect("rules table");
    let csv_rows = csv::Reader::from_reader(rules_csv.as_bytes())
        .records()
        .count();
    assert_eq!(summary("libchecker").items, csv_rows);
    let exodus: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(inputs.reference.join("exodus/exodus_trackers.json"))
            .expect("exodus"),
    )
    .expect("exodus json");
    let trackers = exodus["trackers"].as_object().map_or(0, |t| t.len());
    assert_eq!(summary("exodus").items, trackers);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&inputs.wheel).expect("wheel"))
        .expect("wheel zip");
    let yaml_files = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("apk_analyzer/sdk_signatures/") && n.ends_with(".yaml"))
        .count();
    assert_eq!(summary("apk-analyzer").items, yaml_files);
    let mut so_text = String::new();
    zip.by_name("apk_analyzer/so_database/so_files.yaml")
        .expect("so_files.yaml in the wheel")
        .read_to_string(&mut so_text)
        .expect("utf-8");
    let so_names = so_text
        .lines()
        .filter(|l| l.contains(".so") && l.contains(':') && !l.starts_with([' ', '#']))
        .count();
    assert_eq!(import.so_database.names, so_names);
    assert!(import.so_database.recognised <= so_names);

    // Rules written per list: the `source` strings in the generated files.
    let text: String = import
        .files
        .iter()
        .filter(|(name, _)| name != "sdk_lists.toml")
        .map(|(_, t)| t.as_str())
        .collect();
    for (name, prefix) in [
        ("libchecker", "source = \"libchecker:"),
        ("exodus", "source = \"exodus:"),
        ("apk-analyzer", "source = \"apk-analyzer@"),
        ("libradar", "source = \"libradar:"),
        ("npm", "source = \"npm:"),
    ] {
        let s = summary(name);
        assert_eq!(
            s.rules_in_entries + s.rules_in_extensions,
            text.matches(prefix).count(),
            "{name}: rules written"
        );
        // Every fact is accounted for: written, merged away for a reason, or dropped while
        // resolving nesting (each such drop is a printed conflict).
        let accounted = s.rules_in_entries
            + s.rules_in_extensions
            + s.merged_away.values().sum::<usize>()
            + s.dropped_after_merge();
        assert_eq!(accounted, s.facts, "{name}: facts accounted for");
        assert!(
            s.dropped_after_merge() <= import.conflicts.len(),
            "{name}: {} drops, {} conflict lines",
            s.dropped_after_merge(),
            import.conflicts.len()
        );
    }
}
