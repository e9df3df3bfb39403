//! Every data-type list and new entry of `imported/sdk_lists.toml` cites a policy line whose
//! text names that SDK (a name, alias, vendor or package), read straight from the file.

mod common;

#[test]
fn every_cited_sdk_table_line_names_its_sdk() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let import = appaudit_sdk_import::run(&inputs).expect("import runs");
    let db = appaudit_sdk::SignatureDb::from_named_files(
        std::fs::read_dir(&inputs.hand_written)
            .expect("sdk-signatures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).expect("read"),
                )
            })
            .chain(
                import
                    .files
                    .iter()
                    .map(|(n, t)| (format!("imported/{n}"), t.clone())),
            )
            .collect::<Vec<_>>()
            .iter()
            .map(|(n, t)| (n.clone(), t.as_str())),
    )
    .expect("loads");
    let mut cited = 0;
    for sdk in db.sdks() {
        let Some(sources) = sdk.data_types_source.as_deref() else {
            continue;
        };
        for source in sources.split(", ") {
            let Some(rest) = source.strip_prefix("sdk-list:") else {
                continue;
            };
            // Hand-written entries cite a whole list (`sdk-list:shared/policies/zh/x.md (…)`).
            let Some((file, line)) = rest.rsplit_once("#L") else {
                continue;
            };
            let line: usize = line.parse().expect("line number");
            let text = std::fs::read_to_string(inputs.policies.join(file)).expect("policy");
            let at = text
                .lines()
                .nth(line - 1)
                .expect("line exists")
                .to_lowercase();
            let named = sdk
                .names()
                .chain(sdk.java_packages())
                .any(|n| at.contains(&n.to_lowercase()));
            assert!(named, "{}: {source} does not name it: {at}", sdk.id);
            cited += 1;
        }
    }
    assert!(cited >= 9, "only {cited} SDK-table citations");
}
