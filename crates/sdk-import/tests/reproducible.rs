//! The committed `sdk-signatures/imported/` files are exactly what the importer writes today.

mod common;

#[test]
fn committed_files_equal_a_fresh_import() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let first = appaudit_sdk_import::run(&inputs).expect("import runs");
    let second = appaudit_sdk_import::run(&inputs).expect("import runs twice");
    assert_eq!(
        first.files, second.files,
        "two runs differ: the importer is not deterministic"
    );
    let dir = common::repo().join("sdk-signatures/imported");
    for (name, text) in &first.files {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "sdk-signatures/imported/{name} differs from a fresh import: run `cargo run -p appaudit-sdk-import`"
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("imported/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let written: Vec<String> = first.files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(
        on_disk, written,
        "a stale generated file is left in imported/"
    );
}
