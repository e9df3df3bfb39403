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
            // A generic name is written qualified by its vendor (`游戏联运SDK（OPPO…）`): the
            // row writes the name, the vendor sits in another cell.
            let named = sdk
                .names()
                .chain(sdk.java_packages())
                .map(|n| n.split_once('（').map_or(n, |(head, _)| head))
                .any(|n| at.contains(&n.to_lowercase()));
            assert!(named, "{}: {source} does not name it: {at}", sdk.id);
            cited += 1;
        }
    }
    assert!(cited >= 9, "only {cited} SDK-table citations");
}

/// The hand labels of the policy (`tests/labels/dev/<dir>_<stem>.toml`): (line, data types)
/// of every labelled SDK row.
fn labelled_rows(file: &str) -> Vec<(usize, Vec<String>)> {
    let stem = file.replace('/', "_");
    let stem = stem.rsplit_once('.').map_or(stem.as_str(), |(s, _)| s);
    let path = common::repo().join(format!("tests/labels/dev/{stem}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: toml::Value = toml::from_str(&text).expect("labels parse");
    value
        .get("sdk")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
        .filter_map(|row| {
            let line = usize::try_from(row.get("line")?.as_integer()?).ok()?;
            let types = row
                .get("data_types")
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect();
            Some((line, types))
        })
        .collect()
}

/// Checked against the project's hand labels of the same policies (made by reading them, not
/// by this program): every cited line is a labelled SDK row, and the lists agree with the
/// labels' data types of those rows.
#[test]
fn sdk_table_lists_agree_with_the_hand_labels() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let import = appaudit_sdk_import::run(&inputs).expect("import runs");
    let text = &import
        .files
        .iter()
        .find(|(n, _)| n == "sdk_lists.toml")
        .expect("sdk_lists.toml")
        .1;
    let value: toml::Value = toml::from_str(text).expect("parses");
    let records = ["extend", "sdk"]
        .iter()
        .filter_map(|k| value.get(*k).and_then(|v| v.as_array()))
        .flatten();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut lists = 0;
    for record in records {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let ours: std::collections::BTreeSet<&str> = record
            .get("data_types")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str())
            .collect();
        let Some(sources) = record.get("data_types_source").and_then(|v| v.as_str()) else {
            continue;
        };
        let mut labelled = std::collections::BTreeSet::new();
        for source in sources.split(", ") {
            let (file, line) = source
                .strip_prefix("sdk-list:")
                .and_then(|r| r.rsplit_once("#L"))
                .unwrap_or_else(|| panic!("{id}: source `{source}`"));
            let line: usize = line.parse().expect("line");
            let rows = labelled_rows(file);
            let (_, types) = rows
                .iter()
                .find(|(l, _)| *l == line)
                .unwrap_or_else(|| panic!("{id}: {source} is no hand-labelled SDK row"));
            labelled.extend(types.iter().cloned());
        }
        lists += 1;
        tp += ours.iter().filter(|t| labelled.contains(**t)).count();
        fp += ours.iter().filter(|t| !labelled.contains(**t)).count();
        fn_ += labelled
            .iter()
            .filter(|t| !ours.contains(t.as_str()))
            .count();
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "{lists} lists: precision {precision:.2}, recall {recall:.2} against the hand labels"
    );
    assert!(lists >= 9, "only {lists} lists");
    assert!(precision >= 0.7, "precision {precision:.2}");
    assert!(recall >= 0.85, "recall {recall:.2}");
}
