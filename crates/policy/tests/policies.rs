//! Reads the real policies (`../shared/policies`) and the samples under
//! `tests/policies/samples`, and checks the findings against expectation files
//! written by reading each policy (`tests/policies/expected/*.json`).
//!
//! An expectation names a finding by its id and a piece of text that its line
//! must contain, so it does not depend on how lines are numbered.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use appaudit_policy::{
    FormatHint, KnownSdk, Lexicon, PolicyReading, read_policy_bytes, read_policy_file,
};
use serde::Deserialize;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared_policies() -> PathBuf {
    repo_root().join("../shared/policies")
}

fn lexicon() -> Lexicon {
    #[derive(Deserialize)]
    struct List {
        sdk: Vec<KnownSdk>,
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/known_sdks.toml"),
    )
    .expect("fixture SDK list");
    let list: List = toml::from_str(&text).expect("fixture SDK list parses");
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
    Lexicon::with_sdks(&taxonomy, list.sdk).expect("lexicon")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    id: String,
    /// Text the item's line must contain.
    #[serde(rename = "in")]
    within: String,
    #[serde(default)]
    collector: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkExpectation {
    /// `null` for an SDK the database does not know.
    id: Option<String>,
    #[serde(rename = "in")]
    within: String,
    #[serde(default)]
    min_confidence: Option<f64>,
    #[serde(default)]
    max_confidence: Option<f64>,
    #[serde(default)]
    packages_in_text: Vec<String>,
    #[serde(default)]
    data_types: Vec<String>,
    #[serde(default)]
    purpose_contains: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// Path relative to `shared/policies` (prefix `shared:`) or to `tests/policies/samples`.
    file: String,
    /// What the policy is and how the expectations were obtained.
    #[serde(default)]
    note: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    data_types: Vec<Item>,
    #[serde(default)]
    denied: Vec<Item>,
    /// Ids that must never be reported as declared (the policy only denies them).
    #[serde(default)]
    never_declared: Vec<String>,
    #[serde(default)]
    sdks: Vec<SdkExpectation>,
    /// Names that are mentions (partners, companies), not declared SDKs: each must be among
    /// the reading's mentions and not among its SDKs.
    #[serde(default)]
    mentions: Vec<SdkExpectation>,
    /// SDK ids that must not be reported.
    #[serde(default)]
    absent_sdks: Vec<String>,
    #[serde(default)]
    permissions: Vec<Item>,
    #[serde(default)]
    denied_permissions: Vec<Item>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    missing_sections: Vec<String>,
}

fn corpus_available() -> bool {
    if shared_policies().join("README.md").is_file() {
        return true;
    }
    assert!(
        std::env::var("APPAUDIT_SKIP_CORPUS").as_deref() == Ok("1"),
        "real policies not found at {} (clone `shared/` beside the repository, or set APPAUDIT_SKIP_CORPUS=1)",
        shared_policies().display()
    );
    false
}

fn line_of(reading: &PolicyReading, line: usize) -> &str {
    reading
        .lines
        .get(line.wrapping_sub(1))
        .map_or("", String::as_str)
}

/// Invariants every reading must satisfy: each quote is an exact substring of its line.
fn check_quotes(name: &str, reading: &PolicyReading) -> Vec<String> {
    let mut errors = Vec::new();
    let check = |errors: &mut Vec<String>, what: &str, line: usize, quote: &str| {
        if quote.is_empty() || !line_of(reading, line).contains(quote) {
            errors.push(format!(
                "{name}: {what} quote {quote:?} is not in line {line}"
            ));
        }
    };
    for d in &reading.data_types {
        check(
            &mut errors,
            &format!("data type {}", d.id),
            d.line,
            &d.quote,
        );
        let col_char = line_of(reading, d.line)
            .chars()
            .skip(d.column - 1)
            .take(d.matched.chars().count())
            .collect::<String>();
        if col_char != d.matched {
            errors.push(format!(
                "{name}: data type {} column {} does not point at {:?}",
                d.id, d.column, d.matched
            ));
        }
    }
    for s in &reading.sdks {
        check(
            &mut errors,
            &format!("sdk {:?}", s.sdk_id),
            s.line,
            &s.quote,
        );
        if !(0.0..=1.0).contains(&s.confidence) {
            errors.push(format!("{name}: confidence {} out of range", s.confidence));
        }
    }
    for p in &reading.permissions {
        check(
            &mut errors,
            &format!("permission {}", p.name),
            p.line,
            &p.quote,
        );
    }
    for s in &reading.sections {
        if s.line == 0 || s.line > reading.lines.len() {
            errors.push(format!("{name}: section line {} out of range", s.line));
        }
    }
    errors
}

fn check_expected(exp: &Expected, reading: &PolicyReading) -> Vec<String> {
    let name = exp.file.as_str();
    let mut errors = check_quotes(name, reading);
    if let Some(lang) = &exp.language
        && &reading.language != lang
    {
        errors.push(format!("{name}: language {} != {lang}", reading.language));
    }
    if let Some(enc) = &exp.encoding
        && &reading.encoding != enc
    {
        errors.push(format!("{name}: encoding {} != {enc}", reading.encoding));
    }
    let find_dt = |item: &Item, negated: bool| {
        reading.data_types.iter().any(|d| {
            d.id == item.id
                && d.negated == negated
                && line_of(reading, d.line).contains(&item.within)
                && item.collector.as_ref().is_none_or(|c| &d.collector == c)
        })
    };
    for item in &exp.data_types {
        if !find_dt(item, false) {
            errors.push(format!("{name}: declared data type {} (collector {:?}) not found in a line containing {:?}", item.id, item.collector, item.within));
        }
    }
    for item in &exp.denied {
        if !find_dt(item, true) {
            errors.push(format!(
                "{name}: denied data type {} not found in a line containing {:?}",
                item.id, item.within
            ));
        }
    }
    for id in &exp.never_declared {
        for d in reading
            .data_types
            .iter()
            .filter(|d| &d.id == id && !d.negated)
        {
            errors.push(format!(
                "{name}: {id} reported as declared at line {}: {:?}",
                d.line, d.quote
            ));
        }
    }
    for s in &exp.mentions {
        let at = |m: &&appaudit_policy::SdkMention| {
            m.sdk_id == s.id
                && std::iter::once(m.line)
                    .chain(m.other_lines.iter().copied())
                    .any(|l| line_of(reading, l).contains(&s.within))
        };
        if !reading.mentions.iter().any(|m| at(&m)) || reading.sdks.iter().any(|m| at(&m)) {
            errors.push(format!(
                "{name}: {:?} in a line containing {:?} is not a mention only",
                s.id, s.within
            ));
        }
    }
    for s in &exp.sdks {
        let found = reading.sdks.iter().find(|m| {
            m.sdk_id == s.id
                && std::iter::once(m.line)
                    .chain(m.other_lines.iter().copied())
                    .any(|l| line_of(reading, l).contains(&s.within))
        });
        let Some(m) = found else {
            errors.push(format!(
                "{name}: SDK {:?} not found in a line containing {:?}",
                s.id, s.within
            ));
            continue;
        };
        if s.min_confidence.is_some_and(|c| m.confidence < c)
            || s.max_confidence.is_some_and(|c| m.confidence > c)
        {
            errors.push(format!(
                "{name}: SDK {:?} confidence {} outside [{:?}, {:?}]",
                s.id, m.confidence, s.min_confidence, s.max_confidence
            ));
        }
        for p in &s.packages_in_text {
            if !m.packages_in_text.contains(p) {
                errors.push(format!(
                    "{name}: SDK {:?} lacks package {p} (has {:?})",
                    s.id, m.packages_in_text
                ));
            }
        }
        for d in &s.data_types {
            if !m.data_types.contains(d) {
                errors.push(format!(
                    "{name}: SDK {:?} lacks data type {d} (has {:?})",
                    s.id, m.data_types
                ));
            }
        }
        if let Some(p) = &s.purpose_contains
            && !m.purpose.as_deref().is_some_and(|x| x.contains(p.as_str()))
        {
            errors.push(format!(
                "{name}: SDK {:?} purpose {:?} lacks {p:?}",
                s.id, m.purpose
            ));
        }
    }
    for id in &exp.absent_sdks {
        if let Some(m) = reading
            .sdks
            .iter()
            .find(|m| m.sdk_id.as_deref() == Some(id.as_str()))
        {
            errors.push(format!(
                "{name}: SDK {id} reported at line {}: {:?}",
                m.line, m.quote
            ));
        }
    }
    let find_perm = |item: &Item, negated: bool| {
        reading.permissions.iter().any(|p| {
            p.name == item.id
                && p.negated == negated
                && line_of(reading, p.line).contains(&item.within)
        })
    };
    for item in &exp.permissions {
        if !find_perm(item, false) {
            errors.push(format!(
                "{name}: permission {} not found in a line containing {:?}",
                item.id, item.within
            ));
        }
    }
    for item in &exp.denied_permissions {
        if !find_perm(item, true) {
            errors.push(format!(
                "{name}: denied permission {} not found in a line containing {:?}",
                item.id, item.within
            ));
        }
    }
    for kind in &exp.sections {
        if !reading
            .sections
            .iter()
            .any(|s| s.kinds.iter().any(|k| k.as_str() == kind))
        {
            errors.push(format!("{name}: section {kind} not found"));
        }
    }
    for kind in &exp.missing_sections {
        if !reading.missing_sections.iter().any(|k| k.as_str() == kind) {
            errors.push(format!("{name}: section {kind} should be reported missing"));
        }
    }
    errors
}

fn expectations(prefix_shared: bool) -> Vec<(PathBuf, Expected)> {
    let dir = repo_root().join("tests/policies/expected");
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/policies/expected exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("expectation readable");
        let exp: Expected =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let is_shared = exp.file.starts_with("shared:");
        if is_shared != prefix_shared {
            continue;
        }
        let input = match exp.file.strip_prefix("shared:") {
            Some(rel) => shared_policies().join(rel),
            None => repo_root().join("tests/policies/samples").join(&exp.file),
        };
        out.push((input, exp));
    }
    out
}

fn run(prefix_shared: bool) {
    let lexicon = lexicon();
    let cases = expectations(prefix_shared);
    assert!(
        cases.len() >= 10,
        "expected at least ten expectation files, found {}",
        cases.len()
    );
    let mut errors = Vec::new();
    for (input, exp) in &cases {
        assert!(!exp.note.is_empty(), "{}: note missing", exp.file);
        match read_policy_file(input, &lexicon) {
            Ok(reading) => errors.extend(check_expected(exp, &reading)),
            Err(e) => errors.push(format!("{}: {e}", input.display())),
        }
    }
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn samples_match_their_expectations() {
    run(false);
}

#[test]
fn real_policies_match_their_expectations() {
    if corpus_available() {
        run(true);
    }
}

#[test]
fn every_real_policy_reads_fast_with_valid_quotes() {
    if !corpus_available() {
        return;
    }
    let lexicon = lexicon();
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["", "zh", "en"] {
        let dir = shared_policies().join(sub);
        for e in std::fs::read_dir(&dir).expect("policy dir").flatten() {
            let p = e.path();
            if p.is_file() && p.file_name().is_some_and(|n| n != "README.md") {
                files.push(p);
            }
        }
    }
    assert!(
        files.len() >= 20,
        "found only {} real policies",
        files.len()
    );
    let mut errors = Vec::new();
    for file in &files {
        let started = Instant::now();
        let reading =
            read_policy_file(file, &lexicon).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let took = started.elapsed();
        // Debug builds are ~10x slower than release; this bound catches quadratic blow-ups.
        assert!(
            took < Duration::from_secs(3),
            "{} took {took:?}",
            file.display()
        );
        errors.extend(check_quotes(&file.display().to_string(), &reading));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn truncated_and_corrupted_inputs_end_cleanly() {
    let lexicon = lexicon();
    let samples = repo_root().join("tests/policies/samples");
    for name in [
        "zh_sdk_table.html",
        "zh_gbk_negations.txt",
        "en_utf16le_bom.txt",
        "zh_markdown_sdk_list.md",
    ] {
        let bytes = std::fs::read(samples.join(name)).expect("sample");
        let hint = FormatHint::from_path(Path::new(name));
        for cut in 0..bytes.len() {
            // A prefix too short to hold a sentence is refused as "not a policy"; nothing
            // else may fail.
            let reading = match read_policy_bytes(&bytes[..cut], hint, &lexicon) {
                Ok(reading) => reading,
                Err(appaudit_policy::PolicyError::NotAPolicy(_)) => continue,
                Err(e) => panic!("{name} cut at {cut}: {e}"),
            };
            assert!(
                check_quotes(name, &reading).is_empty(),
                "{name} cut at {cut}"
            );
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(7) {
            flipped[i] ^= 0x5A;
        }
        // Heavily corrupted text may be refused as binary; read or refused, nothing else.
        match read_policy_bytes(&flipped, hint, &lexicon) {
            Ok(reading) => assert!(check_quotes(name, &reading).is_empty(), "{name} corrupted"),
            Err(appaudit_policy::PolicyError::NotAPolicy(_)) => {}
            Err(e) => panic!("{name} corrupted: {e}"),
        }
    }
    for name in ["en_docx_policy.docx", "en_pdf_policy.pdf"] {
        let bytes = std::fs::read(samples.join(name)).expect("sample");
        let hint = FormatHint::from_path(Path::new(name));
        // Every truncation of the binary formats ends in Ok or a clean Err.
        for cut in (0..bytes.len()).step_by(13) {
            let _ = read_policy_bytes(&bytes[..cut], hint, &lexicon);
        }
    }
}

#[test]
fn a_100_kb_policy_reads_in_milliseconds() {
    let lexicon = lexicon();
    let unit =
        std::fs::read_to_string(repo_root().join("tests/policies/samples/zh_markdown_sdk_list.md"))
            .expect("sample");
    let mut text = String::new();
    while text.len() < 100 * 1024 {
        text.push_str(&unit);
        text.push_str("\n我们不会收集您的通讯录。We collect your IP address and device model to keep the service secure.\n");
    }
    let started = Instant::now();
    let reading =
        read_policy_bytes(text.as_bytes(), FormatHint::Markdown, &lexicon).expect("reads");
    let took = started.elapsed();
    eprintln!(
        "100 KB markdown policy: {took:?} ({} lines, {} data-type mentions)",
        reading.lines.len(),
        reading.data_types.len()
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        reading
            .sdks
            .iter()
            .any(|s| s.sdk_id.as_deref() == Some("amap-location"))
    );
}

#[test]
fn builtin_sdk_database_resolves_common_chinese_names() {
    // The shared database is being extended by others; check only names it must always know.
    let Ok(db) = appaudit_sdk::SignatureDb::builtin() else {
        eprintln!("builtin SDK database does not load yet; skipped");
        return;
    };
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
    let lexicon = Lexicon::new(&taxonomy, &db).expect("lexicon");
    let text = "我们集成了极光推送SDK用于消息推送，友盟统计SDK用于统计分析。";
    let reading = read_policy_bytes(text.as_bytes(), FormatHint::Text, &lexicon).expect("reads");
    let ids: Vec<&str> = reading
        .sdks
        .iter()
        .filter_map(|s| s.sdk_id.as_deref())
        .collect();
    assert!(ids.contains(&"jpush"), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("umeng")), "{ids:?}");
}
