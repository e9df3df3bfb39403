//! The policy reader measured against policies labelled by hand (`tests/labels/`).
//!
//! Each label file names a real policy and lists, read by a person, every SDK the policy
//! declares (with the data types its row or block lists) and, for English policies, what it
//! says is collected and what it denies. This test reads every labelled policy, matches the
//! reader's declared SDKs to the labels, prints precision and recall per file and overall, and
//! fails below the bars. `dev/` is the set the reader was developed on; `heldout/` was labelled
//! apart and is not used for tuning (see `tests/labels/README.md`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use appaudit_policy::{Lexicon, PolicyReading, read_policy_file};
use serde::Deserialize;

/// The least each figure may be: declared-SDK precision and recall, SDK row data types, English
/// collection-statement precision.
#[derive(Debug, Clone, Copy)]
struct Bars {
    precision: f64,
    recall: f64,
    row_types: f64,
    collects_precision: f64,
}

/// The bar of the issue: the project's labelled set passes at 0.9.
const DEV_BARS: Bars = Bars {
    precision: 0.9,
    recall: 0.9,
    row_types: 0.9,
    collects_precision: 0.9,
};
/// On policies the reader was not tuned on: just under the figures measured when the bars were
/// set (2026-12-04: precision 0.988, recall 0.825, row types 0.821, collects 1.0), so a change
/// that makes the reader worse on unseen text fails here. The targets (0.95, 0.95,
/// 0.85, 0.9) are not met yet; see the closing note.
const HELD_OUT_BARS: Bars = Bars {
    precision: 0.95,
    recall: 0.8,
    row_types: 0.8,
    collects_precision: 0.9,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelFile {
    policy: String,
    language: String,
    note: String,
    #[serde(default)]
    sdk: Vec<SdkLabel>,
    #[serde(default)]
    collects: Vec<DataLabel>,
    #[serde(default)]
    denies: Vec<DataLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkLabel {
    name: String,
    line: usize,
    quote: String,
    #[serde(default)]
    sdk_id: Option<String>,
    #[serde(default)]
    data_types: Vec<String>,
    #[serde(default)]
    data_quote: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataLabel {
    #[serde(rename = "type")]
    kind: String,
    line: usize,
    quote: String,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    dir.is_dir().then_some(dir)
}

/// Counts for one policy or a whole set.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    predicted: usize,
    predicted_right: usize,
    labelled: usize,
    found: usize,
    row_types: usize,
    row_types_found: usize,
    collects_predicted: usize,
    collects_right: usize,
    collects_labelled: usize,
    collects_found: usize,
}

impl Score {
    fn add(&mut self, o: &Score) {
        self.predicted += o.predicted;
        self.predicted_right += o.predicted_right;
        self.labelled += o.labelled;
        self.found += o.found;
        self.row_types += o.row_types;
        self.row_types_found += o.row_types_found;
        self.collects_predicted += o.collects_predicted;
        self.collects_right += o.collects_right;
        self.collects_labelled += o.collects_labelled;
        self.collects_found += o.collects_found;
    }
    fn precision(&self) -> f64 {
        ratio(self.predicted_right, self.predicted)
    }
    fn recall(&self) -> f64 {
        ratio(self.found, self.labelled)
    }
    fn row_type_share(&self) -> f64 {
        ratio(self.row_types_found, self.row_types)
    }
    fn collects_precision(&self) -> f64 {
        ratio(self.collects_right, self.collects_predicted)
    }
    fn collects_recall(&self) -> f64 {
        ratio(self.collects_found, self.collects_labelled)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Lowercase, without spaces, punctuation and the word "sdk": "友盟 SDK" ~ "友盟sdk" ~ "友盟".
fn norm(name: &str) -> String {
    name.to_lowercase()
        .replace("sdk", "")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The reader's line (1-based) of a label: the line holding its quote nearest the raw line.
fn locate(reading: &PolicyReading, quote: &str, raw_line: usize) -> Option<usize> {
    reading
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(quote))
        .map(|(i, _)| i + 1)
        .min_by_key(|l| l.abs_diff(raw_line))
}

/// How well a prediction fits a label (0: not at all): the same line, then the same name, then
/// the same database id, then one name inside the other.
fn fit(p: &appaudit_policy::SdkMention, l: &SdkLabel, line: Option<usize>) -> u8 {
    let (pn, ln) = (norm(&p.name_in_text), norm(&l.name));
    let same_line = line.is_some_and(|l| p.line == l || p.other_lines.contains(&l));
    let same_name = !pn.is_empty() && pn == ln;
    let same_id = l.sdk_id.as_deref().is_some_and(|id| {
        p.sdk_id.as_deref() == Some(id) || p.related_sdk_ids.iter().any(|r| r == id)
    });
    let overlap = !pn.is_empty() && !ln.is_empty() && (pn.contains(&ln) || ln.contains(&pn));
    if !(same_line || same_name || same_id || overlap) {
        return 0;
    }
    u8::from(same_line) * 8 + u8::from(same_name) * 4 + u8::from(same_id) * 2 + u8::from(overlap)
}

fn matches(p: &appaudit_policy::SdkMention, l: &SdkLabel, line: Option<usize>) -> bool {
    fit(p, l, line) > 0
}

/// Category ids (taxonomy hypernyms) and the types each covers: a row saying "位置信息"
/// (location) covers a label of precise location.
fn categories() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(repo_root().join("data/taxonomy.json")).expect("taxonomy");
    let json: serde_json::Value = serde_json::from_str(&text).expect("taxonomy parses");
    json.get("hypernyms")
        .and_then(|h| h.as_object())
        .map(|h| {
            h.iter()
                .map(|(id, v)| {
                    let children = v
                        .get("children")
                        .and_then(|c| c.as_array())
                        .map(|c| {
                            c.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    (id.clone(), children)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn covers(got: &BTreeSet<&str>, wanted: &str, categories: &[(String, Vec<String>)]) -> bool {
    got.contains(wanted)
        || categories
            .iter()
            .any(|(id, children)| got.contains(id.as_str()) && children.iter().any(|c| c == wanted))
}

fn check_label_quotes(file: &Path, raw: &str, label: &LabelFile) {
    let lines: Vec<&str> = raw.lines().collect();
    let on_line = |line: usize, quote: &str| {
        lines
            .get(line.wrapping_sub(1))
            .is_some_and(|l| l.contains(quote))
    };
    for s in &label.sdk {
        assert!(
            on_line(s.line, &s.quote),
            "{}: SDK label {:?}: quote {:?} is not on line {}",
            file.display(),
            s.name,
            s.quote,
            s.line
        );
    }
    for d in label.collects.iter().chain(&label.denies) {
        assert!(
            on_line(d.line, &d.quote),
            "{}: data label {}: quote {:?} is not on line {}",
            file.display(),
            d.kind,
            d.quote,
            d.line
        );
    }
}

fn evaluate_one(
    file: &Path,
    label: &LabelFile,
    lexicon: &Lexicon,
    categories: &[(String, Vec<String>)],
) -> Option<(Score, Vec<String>)> {
    let path = match label.policy.strip_prefix("shared:") {
        Some(rel) => shared_dir()?.join(rel),
        None => repo_root().join(&label.policy),
    };
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check_label_quotes(file, &String::from_utf8_lossy(&raw), label);
    let reading =
        read_policy_file(&path, lexicon).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut errors = Vec::new();
    let declared: Vec<&appaudit_policy::SdkMention> = reading.sdks.iter().collect();
    let mut used = vec![false; declared.len()];
    let mut score = Score {
        predicted: declared.len(),
        labelled: label.sdk.len(),
        ..Score::default()
    };
    for l in &label.sdk {
        let line = locate(&reading, &l.quote, l.line);
        let hit = declared
            .iter()
            .enumerate()
            .filter(|(k, p)| !used.get(*k).copied().unwrap_or(true) && matches(p, l, line))
            .max_by_key(|(k, p)| (fit(p, l, line), std::cmp::Reverse(*k)));
        score.row_types += l.data_types.len();
        match hit {
            Some((k, p)) => {
                if let Some(u) = used.get_mut(k) {
                    *u = true;
                }
                score.found += 1;
                let got: BTreeSet<&str> = p.data_types.iter().map(String::as_str).collect();
                let missing: Vec<&str> = l
                    .data_types
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !covers(&got, t, categories))
                    .collect();
                score.row_types_found += l.data_types.len() - missing.len();
                if !missing.is_empty() {
                    errors.push(format!(
                        "  types missed for {:?} (line {}): {missing:?} [{}]",
                        l.name,
                        l.line,
                        l.data_quote.as_deref().unwrap_or_default()
                    ));
                }
            }
            None => errors.push(format!("  missed SDK {:?} (line {})", l.name, l.line)),
        }
    }
    // A declared SDK that matches no label is a false one, unless it is a second entry for a
    // labelled SDK (then it is neither right nor wrong: it is not counted).
    for (k, p) in declared.iter().enumerate() {
        if used.get(k).copied().unwrap_or(false) {
            score.predicted_right += 1;
        } else if label
            .sdk
            .iter()
            .any(|l| matches(p, l, locate(&reading, &l.quote, l.line)))
        {
            score.predicted -= 1;
        } else {
            errors.push(format!(
                "  false SDK {:?} ({:?}, line {}): {}",
                p.name_in_text,
                p.sdk_id,
                p.line,
                p.quote.chars().take(80).collect::<String>()
            ));
        }
    }
    if label.language == "en" && !label.collects.is_empty() {
        let labelled: BTreeSet<&str> = label.collects.iter().map(|d| d.kind.as_str()).collect();
        let predicted: BTreeSet<&str> = reading
            .data_types
            .iter()
            .filter(|d| !d.negated && !d.category)
            .map(|d| d.id.as_str())
            .collect();
        score.collects_labelled = labelled.len();
        score.collects_predicted = predicted.len();
        score.collects_right = predicted.intersection(&labelled).count();
        score.collects_found = score.collects_right;
        for extra in predicted.difference(&labelled) {
            let q = reading
                .data_types
                .iter()
                .find(|d| d.id == *extra && !d.negated)
                .map(|d| {
                    format!(
                        "line {}: {}",
                        d.line,
                        d.quote.chars().take(80).collect::<String>()
                    )
                })
                .unwrap_or_default();
            errors.push(format!("  false collect {extra}: {q}"));
        }
        for missed in labelled.difference(&predicted) {
            errors.push(format!("  missed collect {missed}"));
        }
    }
    Some((score, errors))
}

fn label_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Reads every label file of `set`, prints the figures and returns the totals.
fn evaluate(set: &str) -> Option<Score> {
    let dir = repo_root().join("tests/labels").join(set);
    let files = label_files(&dir);
    assert!(!files.is_empty(), "no label files in {}", dir.display());
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
    let db = appaudit_sdk::SignatureDb::builtin().expect("SDK database");
    let lexicon = Lexicon::new(&taxonomy, &db).expect("lexicon");
    let categories = categories();
    let mut total = Score::default();
    let mut skipped = 0;
    println!("== {set}: {} labelled policies", files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("label file");
        let label: LabelFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            matches!(label.language.as_str(), "zh" | "en") && !label.note.is_empty(),
            "{}: language must be zh or en, and note set",
            file.display()
        );
        let Some((score, errors)) = evaluate_one(file, &label, &lexicon, &categories) else {
            skipped += 1;
            continue;
        };
        println!(
            "{:<44} SDKs P {:.2} R {:.2} ({}/{} labels)  row types {:.2}  collects P {:.2} R {:.2}",
            file.file_name().unwrap_or_default().to_string_lossy(),
            score.precision(),
            score.recall(),
            score.found,
            score.labelled,
            score.row_type_share(),
            score.collects_precision(),
            score.collects_recall()
        );
        for e in errors {
            println!("{e}");
        }
        total.add(&score);
    }
    if skipped > 0 {
        assert!(
            std::env::var_os("CI").is_none(),
            "{skipped} labelled policies need ../shared (set APPAUDIT_SHARED)"
        );
        println!("skipped {skipped} policies: ../shared not found");
    }
    println!(
        "== {set} total: declared SDKs precision {:.3} recall {:.3} ({} labels, {} predicted); \
         SDK row data types {:.3} ({} labels); English collection statements precision {:.3} recall {:.3}",
        total.precision(),
        total.recall(),
        total.labelled,
        total.predicted,
        total.row_type_share(),
        total.row_types,
        total.collects_precision(),
        total.collects_recall()
    );
    Some(total)
}

fn assert_meets(set: &str, score: &Score, bars: Bars) {
    for (what, value, bar) in [
        ("declared-SDK precision", score.precision(), bars.precision),
        ("declared-SDK recall", score.recall(), bars.recall),
        ("SDK row data types", score.row_type_share(), bars.row_types),
        (
            "collection-statement precision",
            score.collects_precision(),
            bars.collects_precision,
        ),
    ] {
        assert!(value >= bar, "{set}: {what} {value:.3} is below {bar}");
    }
}

#[test]
fn labelled_policies_are_read_as_a_reviewer_would() {
    if let Some(score) = evaluate("dev") {
        assert_meets("dev", &score, DEV_BARS);
    }
}

#[test]
fn held_out_policies_are_read_as_a_reviewer_would() {
    if let Some(score) = evaluate("heldout") {
        assert_meets("heldout", &score, HELD_OUT_BARS);
    }
}
