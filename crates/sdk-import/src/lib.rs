//! The importer of public SDK lists into appaudit's signature format.
//!
//! Reads LibChecker-Rules, LibRadar and the Exodus tracker list from `../shared/reference`,
//! the apk-analyzer 1.32.0 wheel and the iOS sources of pinned npm packages, keeps facts only (names, vendors, patterns, home
//! pages; never description texts), merges them with the hand-written files of
//! `sdk-signatures/` (which win), and writes `sdk-signatures/imported/*.toml`; then reads the
//! apps' SDK tables in `../shared/policies` with appaudit's policy reader for what each SDK
//! collects and the unknown SDKs they name ([`sdk_lists`], `imported/sdk_lists.toml`). The same
//! inputs always give the same bytes; `tests/reproducible.rs` checks the committed files.

pub mod classify;
pub mod emit;
pub mod fact;
pub mod merge;
pub mod sdk_lists;
pub mod sources;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use appaudit_sdk::SignatureDb;

/// Why the import failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A list is not in the format this importer reads.
    #[error("{}: {message}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The hand-written signatures do not load.
    #[error("hand-written signatures: {0}")]
    HandWritten(#[from] appaudit_sdk::SignatureError),
    /// The importer's npm package table is broken.
    #[error("crates/sdk-import/data/npm_ios.toml: {0}")]
    NpmTable(toml::de::Error),
    /// The importer's SDK-table data is broken.
    #[error("crates/sdk-import/data/sdk_lists.toml: {0}")]
    SdkListTable(toml::de::Error),
    /// The taxonomy or the policy vocabulary does not load.
    #[error("policy reader: {0}")]
    Policy(String),
    /// The importer's own classification data is broken.
    #[error("crates/sdk-import/data/classify.toml: {0}")]
    Classify(toml::de::Error),
    /// The importer's vendor -> market table is broken.
    #[error("crates/sdk-import/data/vendors.toml: {0}")]
    Vendors(toml::de::Error),
    /// The generated files do not load together with the hand-written ones (a bug here).
    #[error("the generated signatures do not load: {0}")]
    Generated(appaudit_sdk::SignatureError),
}

impl ImportError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn format(path: &Path, e: impl std::fmt::Display) -> Self {
        Self::Input {
            path: path.to_owned(),
            message: e.to_string(),
        }
    }
}

pub(crate) fn read_text(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))
}

/// Where the inputs are.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// `../shared/reference`.
    pub reference: PathBuf,
    /// The apk-analyzer 1.32.0 wheel.
    pub wheel: PathBuf,
    /// The hand-written `sdk-signatures/` directory (its top-level `*.toml`).
    pub hand_written: PathBuf,
    /// The unpacked npm packages of `data/npm_ios.toml` (`scripts/fetch-ios-sources.sh`).
    pub npm_ios: PathBuf,
    /// `../shared/policies`: the real policies whose SDK tables say what SDKs collect.
    pub policies: PathBuf,
}

/// What became of one list: its items, facts, exclusions by reason, and the merge's result.
#[derive(Debug, Clone, Default)]
pub struct SourceSummary {
    /// The list's short name (`libchecker`).
    pub name: &'static str,
    /// How many items the list has.
    pub items: usize,
    /// What an item is ("rules", "trackers" …).
    pub item_kind: &'static str,
    /// Facts read (an item may give several: a tracker's packages and hosts).
    pub facts: usize,
    /// Items or alternatives the reader excluded, by reason.
    pub excluded: BTreeMap<&'static str, usize>,
    /// Facts the merge did not write as a rule, by reason.
    pub merged_away: BTreeMap<&'static str, usize>,
    /// Rules written with a source of this list: in new entries, and in `[[extend]]`s of
    /// hand-written entries.
    pub rules_in_entries: usize,
    /// See `rules_in_entries`.
    pub rules_in_extensions: usize,
    /// New entries built (partly) from this list.
    pub entries: usize,
}

impl SourceSummary {
    /// Facts the merge took, then dropped while resolving nesting and globs (a broad rule
    /// around another vendor's, printed as a `conflict:` line) or as inside a hand-written
    /// rule.
    pub fn dropped_after_merge(&self) -> usize {
        self.facts.saturating_sub(
            self.rules_in_entries
                + self.rules_in_extensions
                + self.merged_away.values().sum::<usize>(),
        )
    }
}

/// The apk-analyzer wheel's `.so` list, measured against the database.
#[derive(Debug, Clone, Default)]
pub struct SoDatabase {
    /// Names listed.
    pub names: usize,
    /// Names a rule of the database (hand-written or imported) recognises.
    pub recognised: usize,
}

/// What an import produced.
#[derive(Debug)]
pub struct Import {
    /// Per list: items, facts, exclusions, what the merge made of them.
    pub sources: Vec<SourceSummary>,
    /// The wheel's `so_files.yaml`, measured (no rules: bare file names name no library).
    pub so_database: SoDatabase,
    /// Entries whose market a row of `data/vendors.toml` decided: `(cn, global)`.
    pub market_by_vendor_table: (usize, usize),
    /// Rows of `data/vendors.toml` (their `company`) no imported entry matched: stale data.
    pub vendor_rows_unused: Vec<String>,
    /// Entries the vendor table put in another market than the general rules would
    /// (`(id, by the rules, by the table)`).
    pub market_changed: Vec<(String, appaudit_sdk::Market, appaudit_sdk::Market)>,
    /// The files to write into `sdk-signatures/imported/`.
    pub files: Vec<(String, String)>,
    /// Conflicts between lists, and between lists and the hand-written data.
    pub conflicts: Vec<String>,
    /// Facts read, by list.
    pub facts_by_source: BTreeMap<&'static str, usize>,
    /// Items skipped, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
    /// New entries written.
    pub entries: usize,
    /// Hand-written entries extended.
    pub extensions: usize,
    /// Facts a hand-written rule already states.
    pub covered_by_hand_written: usize,
    /// Facts two lists state alike.
    pub duplicates: usize,
    /// Libraries two lists name differently, made one by a shared pattern.
    pub merged_by_pattern: usize,
    /// What the apps' SDK tables added (`sdk_lists.toml`).
    pub sdk_lists: sdk_lists::SdkLists,
}

/// Runs the whole import in memory.
pub fn run(inputs: &Inputs) -> Result<Import, ImportError> {
    let classifier = classify::Classifier::builtin()?;
    let hand = SignatureDb::load_dir(&inputs.hand_written)?;
    let names = fact::Source::ALL;
    let reads = [
        sources::libchecker::read(&inputs.reference.join("libchecker"))?,
        sources::exodus::read(
            &inputs.reference.join("exodus/exodus_trackers.json"),
            &classifier,
        )?,
        sources::apk_analyzer::read(&inputs.wheel)?,
        sources::libradar::read(&inputs.reference.join("libradar/tag_rules.csv"))?,
        sources::npm_ios::read(
            &inputs.npm_ios,
            &sources::npm_ios::Table::builtin().map_err(ImportError::NpmTable)?,
        )?,
    ];
    let mut facts = Vec::new();
    let mut facts_by_source = BTreeMap::new();
    let mut skipped = BTreeMap::new();
    let mut sources: Vec<SourceSummary> = Vec::new();
    for (source, read) in names.into_iter().zip(reads) {
        for fact in &read.facts {
            *facts_by_source.entry(fact.source.name()).or_default() += 1;
        }
        for (why, n) in &read.skipped {
            *skipped.entry(*why).or_default() += n;
        }
        sources.push(SourceSummary {
            name: source.name(),
            items: read.items,
            item_kind: read.item_kind,
            facts: read.facts.len(),
            excluded: read.skipped,
            ..SourceSummary::default()
        });
        facts.extend(read.facts);
    }
    let merged = merge::merge(facts, &hand, &classifier);
    let summary_of = |sources: &mut Vec<SourceSummary>, origin: &str| {
        let name = fact::Source::of_origin(origin)?.name();
        sources.iter_mut().position(|s| s.name == name)
    };
    for ((source, why), n) in &merged.fates {
        if let Some(s) = sources.iter_mut().find(|s| s.name == source.name()) {
            *s.merged_away.entry(why).or_default() += n;
        }
    }
    for entry in &merged.entries {
        for rule in entry.rules.values().flatten() {
            if let Some(i) = summary_of(&mut sources, &rule.origin) {
                sources[i].rules_in_entries += 1;
            }
        }
        for source in &entry.sources {
            if let Some(s) = sources.iter_mut().find(|s| s.name == source.name()) {
                s.entries += 1;
            }
        }
    }
    for extension in &merged.extensions {
        for rule in extension.rules.values().flatten() {
            if let Some(i) = summary_of(&mut sources, &rule.origin) {
                sources[i].rules_in_extensions += 1;
            }
        }
    }
    let mut files = emit::files(&merged.entries, &merged.extensions);
    // The policies are read against the database without this step's own file, so a re-run
    // reads them alike (an SDK added from a table must not make its row "known" next time).
    let db = check_loads(&inputs.hand_written, &files)?;
    let taxonomy =
        appaudit_taxonomy::Taxonomy::builtin().map_err(|e| ImportError::Policy(e.to_string()))?;
    let lexicon = appaudit_policy::Lexicon::new(&taxonomy, &db)
        .map_err(|e| ImportError::Policy(e.to_string()))?;
    let rows = sdk_lists::read_rows(&inputs.policies, &lexicon)?;
    let table = sdk_lists::Table::builtin().map_err(ImportError::SdkListTable)?;
    let lists = sdk_lists::build(&rows, &db, &taxonomy, &table);
    files.push(("sdk_lists.toml".to_owned(), lists.text.clone()));
    let full = check_loads(&inputs.hand_written, &files)?;
    let so_names = sources::apk_analyzer::so_database(&inputs.wheel)?;
    let matcher = appaudit_sdk::Matcher::new(&full);
    let so_database = SoDatabase {
        names: so_names.len(),
        recognised: so_names
            .iter()
            .filter(|n| matcher.match_native_lib(n).is_some())
            .count(),
    };
    Ok(Import {
        sources,
        so_database,
        market_by_vendor_table: merged.market_by_vendor_table,
        vendor_rows_unused: classifier
            .vendor_rows()
            .iter()
            .enumerate()
            .filter(|(i, _)| !merged.vendor_rows_used.contains(i))
            .map(|(_, row)| row.company.clone())
            .collect(),
        market_changed: merged.market_changed,
        files,
        conflicts: merged.conflicts,
        facts_by_source,
        skipped,
        entries: merged.entries.len(),
        extensions: merged.extensions.len(),
        covered_by_hand_written: merged.covered_by_hand_written,
        duplicates: merged.duplicates,
        merged_by_pattern: merged.merged_by_pattern,
        sdk_lists: lists,
    })
}

/// The generated files must load together with the hand-written ones exactly as appaudit
/// loads them; an error here is a bug of the importer, never written to disk.
fn check_loads(
    hand_written: &Path,
    files: &[(String, String)],
) -> Result<SignatureDb, ImportError> {
    let mut texts = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(hand_written)
        .map_err(|e| ImportError::io(hand_written, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        texts.push((name, read_text(&path)?));
    }
    texts.extend(
        files
            .iter()
            .map(|(name, text)| (format!("imported/{name}"), text.clone())),
    );
    SignatureDb::from_named_files(texts.iter().map(|(n, t)| (n.clone(), t.as_str())))
        .map_err(ImportError::Generated)
}
