//! Loading, merging and validating signature files.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::glob;
use crate::schema::{Platform, Rule, RuleKind, Sdk};

include!(concat!(env!("OUT_DIR"), "/builtin_signatures.rs"));

/// Why signatures could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A directory or file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid TOML, or its top level is not `[[sdk]]` entries.
    #[error("{file}: {message}")]
    Syntax {
        /// The file name.
        file: String,
        /// What the TOML parser says (with line and column).
        message: String,
    },
    /// One entry breaks the schema or a database invariant.
    #[error("{file}: entry `{entry}`: {message}")]
    Invalid {
        /// The file name.
        file: String,
        /// The entry's id (or `#index` when it has none).
        entry: String,
        /// What is wrong.
        message: String,
    },
}

/// A set of SDK signatures, validated.
#[derive(Debug, Clone, Default)]
pub struct SignatureDb {
    sdks: Vec<Sdk>,
    /// File each entry came from, parallel to `sdks`.
    origins: Vec<String>,
    /// Id -> index into `sdks`.
    by_id: HashMap<String, usize>,
    /// Whether each entry comes from a generated file, parallel to `sdks`.
    generated: Vec<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    #[serde(default)]
    sdk: Vec<toml::Value>,
    #[serde(default)]
    extend: Vec<toml::Value>,
    /// Written by the importer from public lists (`sdk-signatures/imported/`): its rules rank
    /// below hand-written ones, which may refine them (see `validate_no_shadowing`).
    #[serde(default)]
    generated: bool,
}

/// Rules added to an entry defined elsewhere (`[[extend]]`): how the generated files add the
/// public lists' facts to a hand-written entry without copying or overriding it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extension {
    /// Id of the entry the rules are added to.
    id: String,
    #[serde(default)]
    rules: crate::schema::Rules,
    /// Data types to record for an entry that states none (an app's SDK table as a second
    /// source): an entry that already has `data_types` (the vendor's own list) is an error.
    #[serde(default)]
    data_types: Vec<String>,
    /// Where `data_types` come from; required with them.
    #[serde(default)]
    data_types_source: Option<String>,
    /// The entry is one of the importer's generated files (`imported/`): the extension applies
    /// only when those are loaded with it (the importer reads the hand-written files alone),
    /// and naming a hand-written entry is an error.
    #[serde(default)]
    imported: bool,
}

impl SignatureDb {
    /// The signatures shipped with appaudit (`sdk-signatures/*.toml`, embedded at compile time).
    ///
    /// Every entry is checked on its own, but the database-wide shadowing check (every rule
    /// against every other: the bulk of the load time at a few thousand rules) is left to the
    /// tests, which run [`Self::check`] on these very files; the files cannot change after the
    /// build. User directories ([`Self::load_dir`], [`Self::merge`]) always get every check.
    pub fn builtin() -> Result<Self, SignatureError> {
        let mut db = SignatureDb::default();
        let mut extensions = Vec::new();
        for (name, text, json) in BUILTIN_FILES {
            // The build wrote each file as JSON too; the TOML is read only to report an error.
            let (sdks, extends, generated) = match serde_json::from_str::<TypedFile>(json) {
                Ok(typed) => (typed.sdk, typed.extend, typed.generated),
                Err(_) => parse_file(name, text)?,
            };
            db.add_file(name, sdks, extends, generated, &mut extensions)?;
        }
        db.finish(extensions, false)
    }

    /// Runs every invariant check of the database, the shadowing check included.
    pub fn check(&self) -> Result<(), SignatureError> {
        self.validate()
    }

    /// Loads every `*.toml` file of a directory (not recursive), in file-name order.
    pub fn load_dir(dir: &Path) -> Result<Self, SignatureError> {
        let io_err = |path: &Path, source| SignatureError::Io {
            path: path.to_owned(),
            source,
        };
        let mut paths = Vec::new();
        for entry in fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
            let path = entry.map_err(|e| io_err(dir, e))?.path();
            if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut texts = Vec::with_capacity(paths.len());
        for path in &paths {
            let text = fs::read_to_string(path).map_err(|e| io_err(path, e))?;
            texts.push((path.display().to_string(), text));
        }
        Self::from_files(
            texts
                .iter()
                .map(|(name, text)| (name.clone(), text.as_str())),
        )
    }

    /// Parses one signature file's text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, SignatureError> {
        Self::from_files(std::iter::once((file.to_owned(), text)))
    }

    /// Loads several files' texts as one database, `(name, text)` in load order (names
    /// appear in errors); `[[extend]]` records may name an entry of any of them.
    pub fn from_named_files<'t>(
        files: impl IntoIterator<Item = (String, &'t str)>,
    ) -> Result<Self, SignatureError> {
        Self::from_files(files.into_iter())
    }

    fn from_files<'t>(
        files: impl Iterator<Item = (String, &'t str)>,
    ) -> Result<Self, SignatureError> {
        Self::from_files_checked(files, true)
    }

    fn from_files_checked<'t>(
        files: impl Iterator<Item = (String, &'t str)>,
        shadowing: bool,
    ) -> Result<Self, SignatureError> {
        let mut db = SignatureDb::default();
        let mut extensions = Vec::new();
        for (file, text) in files {
            let (sdks, extends, generated) = parse_file(&file, text)?;
            db.add_file(&file, sdks, extends, generated, &mut extensions)?;
        }
        db.finish(extensions, shadowing)
    }

    /// Adds one file's entries; its extensions wait in `extensions` until every file is in.
    fn add_file(
        &mut self,
        file: &str,
        sdks: Vec<Sdk>,
        extends: Vec<Extension>,
        generated: bool,
        extensions: &mut Vec<(String, Extension)>,
    ) -> Result<(), SignatureError> {
        let file = file.to_owned();
        for sdk in sdks {
            if let Some(&first) = self.by_id.get(&sdk.id) {
                return Err(SignatureError::Invalid {
                    file,
                    entry: sdk.id,
                    message: format!(
                        "duplicate id (first defined in {})",
                        self.origin(first).unwrap_or("?")
                    ),
                });
            }
            self.by_id.insert(sdk.id.clone(), self.sdks.len());
            self.sdks.push(sdk);
            self.origins.push(file.clone());
            self.generated.push(generated);
        }
        extensions.extend(extends.into_iter().map(|e| (file.clone(), e)));
        Ok(())
    }

    /// Applies the extensions and validates.
    fn finish(
        self,
        extensions: Vec<(String, Extension)>,
        shadowing: bool,
    ) -> Result<Self, SignatureError> {
        let mut db = self;
        let with_generated = db.generated.iter().any(|g| *g);
        // Extensions apply after every file is read: they may name an entry of any file.
        for (file, extension) in extensions {
            if extension.imported && !with_generated {
                continue;
            }
            db.apply_extension(&file, extension)?;
        }
        db.validate_entries()?;
        if shadowing {
            db.validate_no_shadowing()?;
        }
        Ok(db)
    }

    fn apply_extension(&mut self, file: &str, extension: Extension) -> Result<(), SignatureError> {
        let invalid = |message: String| SignatureError::Invalid {
            file: file.to_owned(),
            entry: extension.id.clone(),
            message,
        };
        let Some(&index) = self.by_id.get(&extension.id) else {
            return Err(invalid("`[[extend]]` names no known entry".to_owned()));
        };
        if extension.imported && !self.generated.get(index).copied().unwrap_or(false) {
            return Err(invalid(
                "`imported = true` but the entry is not one of the generated files".to_owned(),
            ));
        }
        let Some(sdk) = self.sdks.get_mut(index) else {
            return Err(invalid("`[[extend]]` names no known entry".to_owned()));
        };
        if !extension.data_types.is_empty() {
            if extension
                .data_types_source
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                return Err(invalid(
                    "extension `data_types` needs a `data_types_source`".to_owned(),
                ));
            }
            if !sdk.data_types.is_empty() {
                return Err(invalid(
                    "extension `data_types` for an entry that already states them".to_owned(),
                ));
            }
            sdk.data_types = extension.data_types.clone();
            sdk.data_types_source = extension.data_types_source.clone();
        } else if extension.data_types_source.is_some() {
            return Err(invalid(
                "extension `data_types_source` without `data_types`".to_owned(),
            ));
        }
        for kind in RuleKind::ALL {
            for rule in extension.rules.of(kind) {
                if rule.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    return Err(invalid(format!(
                        "extension {} rule `{}` has no source",
                        kind.key(),
                        rule.pattern
                    )));
                }
            }
            // Rules of a platform the entry does not declare yet (iOS rules from npm sources
            // added to an Android entry) make it ship there too.
            if !extension.rules.of(kind).is_empty()
                && kind != RuleKind::Host
                && !sdk.platforms.contains(&kind.platform())
            {
                sdk.platforms.push(kind.platform());
            }
            sdk.rules
                .of_mut(kind)
                .extend(extension.rules.of(kind).iter().cloned());
        }
        Ok(())
    }

    /// Adds `other`'s entries: one with an id already present replaces it in place, others are appended.
    /// The result is validated again (a user rule may clash with a built-in one).
    pub fn merge(&mut self, other: SignatureDb) -> Result<(), SignatureError> {
        for (sdk, origin) in other.sdks.into_iter().zip(other.origins) {
            match self.index_of(&sdk.id) {
                Some(i) => {
                    if let (Some(slot), Some(origin_slot)) =
                        (self.sdks.get_mut(i), self.origins.get_mut(i))
                    {
                        *slot = sdk;
                        *origin_slot = origin;
                        if let Some(g) = self.generated.get_mut(i) {
                            *g = false;
                        }
                    }
                }
                None => {
                    self.by_id.insert(sdk.id.clone(), self.sdks.len());
                    self.sdks.push(sdk);
                    self.origins.push(origin);
                    self.generated.push(false);
                }
            }
        }
        self.validate()
    }

    /// Every SDK, in load order (a [`crate::Hit`]'s `sdk` indexes this slice).
    pub fn sdks(&self) -> &[Sdk] {
        &self.sdks
    }

    /// The SDK with this id.
    pub fn get(&self, id: &str) -> Option<&Sdk> {
        self.index_of(id).and_then(|i| self.sdks.get(i))
    }

    /// The index in [`Self::sdks`] of the SDK with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Whether the SDK at `index` comes from a generated (imported) file.
    pub fn is_generated(&self, index: usize) -> bool {
        self.generated.get(index).copied().unwrap_or(false)
    }

    /// The file the SDK at `index` was loaded from.
    pub fn origin(&self, index: usize) -> Option<&str> {
        self.origins.get(index).map(String::as_str)
    }

    /// Whether `ancestor` is `index` itself or reachable through its `parent` chain.
    pub fn is_within(&self, index: usize, ancestor: usize) -> bool {
        let mut current = Some(index);
        // The chain is acyclic after validation; the bound guards a database built otherwise.
        for _ in 0..=self.sdks.len() {
            match current {
                Some(i) if i == ancestor => return true,
                Some(i) => {
                    current = self
                        .sdks
                        .get(i)
                        .and_then(|s| s.parent.as_deref())
                        .and_then(|p| self.index_of(p))
                }
                None => return false,
            }
        }
        false
    }

    /// Checks that every `data_types` id is one the taxonomy defines.
    pub fn check_data_types(
        &self,
        taxonomy: &appaudit_taxonomy::Taxonomy,
    ) -> Result<(), SignatureError> {
        for (i, sdk) in self.sdks.iter().enumerate() {
            for id in &sdk.data_types {
                if taxonomy.get(id).is_none() {
                    return Err(self.invalid(i, format!("data type `{id}` is not in the taxonomy")));
                }
            }
        }
        Ok(())
    }

    fn invalid(&self, index: usize, message: String) -> SignatureError {
        SignatureError::Invalid {
            file: self.origins.get(index).cloned().unwrap_or_default(),
            entry: self
                .sdks
                .get(index)
                .map(|s| s.id.clone())
                .unwrap_or_default(),
            message,
        }
    }

    fn describe(&self, index: usize) -> String {
        format!(
            "`{}` ({})",
            self.sdks.get(index).map_or("", |s| s.id.as_str()),
            self.origin(index).unwrap_or("")
        )
    }

    /// Every invariant of the database; see `sdk-signatures/README.md`.
    fn validate(&self) -> Result<(), SignatureError> {
        self.validate_entries()?;
        self.validate_no_shadowing()
    }

    /// The checks of each entry on its own (schema, rule syntax, sources, parents).
    fn validate_entries(&self) -> Result<(), SignatureError> {
        for (i, sdk) in self.sdks.iter().enumerate() {
            validate_entry(sdk).map_err(|m| self.invalid(i, m))?;
            if let Some(parent) = &sdk.parent {
                if self.index_of(parent).is_none() {
                    return Err(self.invalid(i, format!("parent `{parent}` does not exist")));
                }
                if !self.parent_chain_ends(i) {
                    return Err(self.invalid(i, "parent chain forms a cycle".to_owned()));
                }
            }
        }
        Ok(())
    }

    /// The top of an entry's parent chain (itself when it has no parent).
    pub fn family_root(&self, index: usize) -> usize {
        let mut current = index;
        for _ in 0..=self.sdks.len() {
            match self
                .sdks
                .get(current)
                .and_then(|s| s.parent.as_deref())
                .and_then(|p| self.index_of(p))
            {
                Some(parent) => current = parent,
                None => break,
            }
        }
        current
    }

    fn parent_chain_ends(&self, index: usize) -> bool {
        let mut current = Some(index);
        for _ in 0..=self.sdks.len() {
            match current {
                None => return true,
                Some(i) => {
                    current = self
                        .sdks
                        .get(i)
                        .and_then(|s| s.parent.as_deref())
                        .and_then(|p| self.index_of(p))
                }
            }
        }
        false
    }

    /// No rule may duplicate another, and a rule nested inside another SDK's rule (a longer
    /// package prefix, an exact name a glob also matches) is allowed only inside the same
    /// `parent` family, where the more specific rule wins.
    fn validate_no_shadowing(&self) -> Result<(), SignatureError> {
        // (kind, normalized pattern) -> (sdk, is_prefix)
        let mut exact: HashMap<(RuleKind, String), usize> = HashMap::new();
        for (i, sdk) in self.sdks.iter().enumerate() {
            for kind in RuleKind::ALL {
                for rule in sdk.rules.of(kind) {
                    let key = (kind.namespace(), kind.normalize(&rule.pattern));
                    if let Some(&other) = exact.get(&key) {
                        return Err(self.invalid(
                            i,
                            format!(
                                "{} rule `{}` duplicates a rule of {}",
                                kind.key(),
                                rule.pattern,
                                self.describe(other)
                            ),
                        ));
                    }
                    exact.insert(key, i);
                }
            }
        }
        // Nesting is fine inside one vendor family (same root of the parent chain): the longer,
        // more specific rule names the module. Across families it would silently steal matches.
        let roots: Vec<usize> = (0..self.sdks.len()).map(|i| self.family_root(i)).collect();
        // A hand-written rule may also refine a generated rule of another family: the
        // imported lists know `com.google.ads` as legacy AdMob, the hand-written data knows
        // `com.google.ads.interactivemedia` is IMA; the longer rule wins, as intended.
        let generated = |i: usize| self.generated.get(i).copied().unwrap_or(false);
        let nested_ok = |inner: usize, outer: usize| {
            roots.get(inner) == roots.get(outer) || (generated(outer) && !generated(inner))
        };
        for (i, sdk) in self.sdks.iter().enumerate() {
            for kind in RuleKind::ALL {
                for rule in sdk.rules.of(kind) {
                    let own = kind.normalize(&rule.pattern);
                    for outer_key in enclosing_prefixes(kind, &own) {
                        if let Some(&outer) = exact.get(&(kind.namespace(), outer_key.clone()))
                            && !nested_ok(i, outer)
                        {
                            return Err(self.invalid(
                                    i,
                                    format!(
                                        "{} rule `{}` lies inside rule `{}` of {}: declare `parent = \"{}\"` or narrow one of them",
                                        kind.key(),
                                        rule.pattern,
                                        outer_key,
                                        self.describe(outer),
                                        self.sdks.get(outer).map_or("", |s| s.id.as_str())
                                    ),
                                ));
                        }
                    }
                }
            }
        }
        // An exact name that another SDK's glob also matches.
        for kind in [
            RuleKind::NativeLib,
            RuleKind::MetaData,
            RuleKind::Asset,
            RuleKind::LibraryMarker,
            RuleKind::IosFramework,
            RuleKind::IosBundleId,
            RuleKind::Host,
        ] {
            let mut globs = Vec::new();
            for (i, sdk) in self.sdks.iter().enumerate() {
                for rule in sdk
                    .rules
                    .of(kind)
                    .iter()
                    .filter(|r| glob::is_glob(&r.pattern))
                {
                    let re = regex::Regex::new(&glob::to_regex(
                        &rule.pattern,
                        kind == RuleKind::IosFramework,
                    ))
                    .map_err(|e| {
                        self.invalid(i, format!("{} glob `{}`: {e}", kind.key(), rule.pattern))
                    })?;
                    globs.push((i, rule.pattern.as_str(), re));
                }
            }
            for (i, sdk) in self.sdks.iter().enumerate() {
                for rule in sdk
                    .rules
                    .of(kind)
                    .iter()
                    .filter(|r| !glob::is_glob(&r.pattern))
                {
                    for (outer, pattern, re) in &globs {
                        if re.is_match(&rule.pattern) && !nested_ok(i, *outer) {
                            return Err(self.invalid(
                                i,
                                format!(
                                    "{} rule `{}` is also matched by `{pattern}` of {}",
                                    kind.key(),
                                    rule.pattern,
                                    self.describe(*outer)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The normalized prefix rules that would also match anything `own` matches.
fn enclosing_prefixes(kind: RuleKind, own: &str) -> Vec<String> {
    match kind {
        RuleKind::JavaPackage | RuleKind::Component => own
            .char_indices()
            .filter(|&(i, c)| c == '.' && i + 1 < own.len())
            .map(|(i, _)| own[..=i].to_owned())
            .collect(),
        RuleKind::ObjcClass => (1..own.len())
            .filter(|&n| own.is_char_boundary(n))
            .map(|n| own[..n].to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// The same file read straight into the schema types: one pass instead of two. Only its
/// errors are poorer (no entry id), so a file it rejects is read again by [`parse_file`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedFile {
    #[serde(default)]
    sdk: Vec<Sdk>,
    #[serde(default)]
    extend: Vec<Extension>,
    #[serde(default)]
    generated: bool,
}

fn parse_file(file: &str, text: &str) -> Result<(Vec<Sdk>, Vec<Extension>, bool), SignatureError> {
    if let Ok(typed) = toml::from_str::<TypedFile>(text) {
        return Ok((typed.sdk, typed.extend, typed.generated));
    }
    parse_file_slow(file, text)
}

fn parse_file_slow(
    file: &str,
    text: &str,
) -> Result<(Vec<Sdk>, Vec<Extension>, bool), SignatureError> {
    let parsed: SignatureFile = toml::from_str(text).map_err(|e| SignatureError::Syntax {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let entry_name = |value: &toml::Value, n: usize| {
        value
            .get("id")
            .and_then(toml::Value::as_str)
            .map_or_else(|| format!("#{n}"), str::to_owned)
    };
    let mut sdks = Vec::with_capacity(parsed.sdk.len());
    for (n, value) in parsed.sdk.into_iter().enumerate() {
        let entry = entry_name(&value, n);
        let sdk: Sdk = value
            .try_into()
            .map_err(|e: toml::de::Error| invalid_entry(file, text, entry, e))?;
        sdks.push(sdk);
    }
    let mut extends = Vec::with_capacity(parsed.extend.len());
    for (n, value) in parsed.extend.into_iter().enumerate() {
        let entry = entry_name(&value, n);
        let extension: Extension = value
            .try_into()
            .map_err(|e: toml::de::Error| invalid_entry(file, text, entry, e))?;
        extends.push(extension);
    }
    Ok((sdks, extends, parsed.generated))
}

/// A schema error in one entry, with the line of its `id` so the user finds it.
fn invalid_entry(file: &str, text: &str, entry: String, error: toml::de::Error) -> SignatureError {
    let needle = format!("\"{entry}\"");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains(&needle))
        .map(|n| n + 1);
    SignatureError::Invalid {
        file: match line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        },
        entry,
        message: error.message().to_owned(),
    }
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_java_identifier_path(s: &str) -> bool {
    s.split('.').all(|seg| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    })
}

/// Checks one entry on its own; returns what is wrong.
fn validate_entry(sdk: &Sdk) -> Result<(), String> {
    if !is_kebab_id(&sdk.id) {
        return Err("id must be kebab-case ([a-z0-9] words joined by `-`)".to_owned());
    }
    if sdk.name.trim().is_empty() || sdk.vendor.trim().is_empty() {
        return Err("name and vendor must not be empty".to_owned());
    }
    if sdk.aliases.iter().any(|a| a.trim().is_empty()) {
        return Err("empty alias".to_owned());
    }
    if sdk.parent.as_deref() == Some(sdk.id.as_str()) {
        return Err("an SDK cannot be its own parent".to_owned());
    }
    if sdk.platforms.is_empty() {
        return Err("platforms must not be empty".to_owned());
    }
    if !sdk.data_types.is_empty() && sdk.data_types_source.is_none() {
        return Err("`data_types` needs a `data_types_source`".to_owned());
    }
    for url in [&sdk.homepage, &sdk.privacy_policy, &sdk.data_types_source]
        .into_iter()
        .flatten()
    {
        if url.trim().is_empty() {
            return Err("empty URL/source field".to_owned());
        }
    }
    if sdk.rules.is_empty() {
        return Err("no match rule".to_owned());
    }
    for platform in [Platform::Android, Platform::Ios] {
        let has_rules = RuleKind::ALL
            .iter()
            .any(|k| k.platform() == platform && !sdk.rules.of(*k).is_empty());
        let declared = sdk.platforms.contains(&platform);
        if declared && !has_rules {
            return Err(format!(
                "ships on {platform:?} but has no {platform:?} rule"
            ));
        }
        let has_binary_rules = RuleKind::ALL.iter().any(|k| {
            *k != RuleKind::Host && k.platform() == platform && !sdk.rules.of(*k).is_empty()
        });
        if has_binary_rules && !declared {
            return Err(format!("has {platform:?} rules but `platforms` lacks it"));
        }
    }
    for kind in RuleKind::ALL {
        for rule in sdk.rules.of(kind) {
            validate_rule(kind, rule)
                .map_err(|m| format!("{} rule `{}`: {m}", kind.key(), rule.pattern))?;
            if sdk.rule_source(rule).is_none_or(|s| s.trim().is_empty()) {
                return Err(format!(
                    "{} rule `{}` has no source (and the entry has no default `source`)",
                    kind.key(),
                    rule.pattern
                ));
            }
        }
    }
    for marker in &sdk.marker_classes {
        let m = marker.pattern.as_str();
        if !is_java_identifier_path(m) || !m.contains('.') {
            return Err(format!("marker class `{m}` must be a dotted class name"));
        }
        if !sdk.java_packages().any(|p| m.starts_with(&format!("{p}."))) {
            return Err(format!(
                "marker class `{m}` lies in none of the entry's own java_packages"
            ));
        }
        if sdk.rule_source(marker).is_none_or(|s| s.trim().is_empty()) {
            return Err(format!("marker class `{m}` has no source"));
        }
    }
    Ok(())
}

fn validate_rule(kind: RuleKind, rule: &Rule) -> Result<(), &'static str> {
    let p = rule.pattern.as_str();
    if p.is_empty() || p.trim() != p || p.chars().any(char::is_whitespace) {
        return Err("empty or contains whitespace");
    }
    match kind {
        RuleKind::JavaPackage => {
            // A single segment is allowed for well-known roots (`okhttp3`, `kotlin`), not for tiny ones.
            if !is_java_identifier_path(p) || (!p.contains('.') && p.len() < 4) {
                return Err(
                    "must be a dotted package (a lone segment needs 4+ characters; no `/`, no wildcard)",
                );
            }
        }
        RuleKind::Component => {
            let body = p.strip_suffix(".*").unwrap_or(p);
            if !is_java_identifier_path(body) || !body.contains('.') {
                return Err("must be a dotted class name, or a package followed by `.*`");
            }
        }
        RuleKind::ObjcClass => {
            if p.len() < 3 || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err("must be an Objective-C identifier prefix of at least 3 characters");
            }
        }
        RuleKind::NativeLib | RuleKind::IosFramework => {
            if p.contains('/') {
                return Err("must be a file name, not a path");
            }
            if glob::literal_len(p) < 4 {
                return Err("too unspecific (fewer than 4 literal characters)");
            }
        }
        RuleKind::MetaData | RuleKind::IosBundleId => {
            if glob::literal_len(p) < 4 {
                return Err("too unspecific (fewer than 4 literal characters)");
            }
        }
        RuleKind::Asset | RuleKind::LibraryMarker => {
            if p.starts_with('/') || glob::literal_len(p) < 6 {
                return Err("must be a relative path with at least 6 literal characters");
            }
        }
        RuleKind::Host => {
            let labels: Vec<&str> = p.split('.').collect();
            let well_formed = p.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'*')
            }) && labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty());
            if !well_formed {
                return Err(
                    "must be a lower-case host name of two labels or more (`bugly.qq.com`), `*` allowed",
                );
            }
            if glob::literal_len(p) < 5 {
                return Err("too unspecific (fewer than 5 literal characters)");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[[sdk]]
id = "alpha"
name = "Alpha"
vendor = "A"
market = "global"
category = "analytics"
privacy_policy = "https://a.example/p"
platforms = ["android"]
source = "test"
[sdk.rules]
java_packages = ["com.alpha"]
native_libs = ["libalpha*.so"]
"#;

    fn entry(id: &str, extra: &str, rules: &str) -> String {
        format!(
            "[[sdk]]\nid = \"{id}\"\nname = \"N\"\nvendor = \"V\"\nmarket = \"cn\"\ncategory = \"push\"\n\
             privacy_policy = \"https://x\"\nplatforms = [\"android\"]\nsource = \"test\"\n{extra}\n[sdk.rules]\n{rules}\n"
        )
    }

    #[test]
    fn an_extension_records_data_types_for_an_entry_without_any() {
        let text = format!(
            "{BASE}\n[[extend]]\nid = \"alpha\"\ndata_types = [\"imei\", \"oaid\"]\n\
             data_types_source = \"sdk-list:zh/a.md#L3\"\n"
        );
        let db = SignatureDb::from_toml("f.toml", &text).expect("loads");
        let sdk = db.get("alpha").expect("alpha");
        assert_eq!(sdk.data_types, ["imei", "oaid"]);
        assert_eq!(
            sdk.data_types_source.as_deref(),
            Some("sdk-list:zh/a.md#L3")
        );
    }

    #[test]
    fn an_extension_never_replaces_the_vendors_data_types() {
        let text = format!(
            "{}\n[[extend]]\nid = \"beta\"\ndata_types = [\"imei\"]\ndata_types_source = \"x\"\n",
            entry(
                "beta",
                "data_types = [\"oaid\"]\ndata_types_source = \"https://v\"",
                "java_packages = [\"com.beta\"]"
            )
        );
        assert!(err(&text).contains("already states them"), "{}", err(&text));
        let no_source = format!("{BASE}\n[[extend]]\nid = \"alpha\"\ndata_types = [\"imei\"]\n");
        assert!(err(&no_source).contains("needs a `data_types_source`"));
    }

    /// Regression: the vendor data types of imported entries (`vendor_data_types.toml`) broke
    /// the importer, which loads the hand-written files without the generated ones.
    #[test]
    fn an_extension_of_an_imported_entry_waits_for_the_generated_files() {
        let extend = "[[extend]]\nid = \"alpha\"\nimported = true\ndata_types = [\"oaid\"]\n\
                      data_types_source = \"https://vendor.example/sdk-privacy\"\n";
        let generated = format!("generated = true\n{BASE}");
        let hand_alone = SignatureDb::from_named_files([("vendor.toml".to_owned(), extend)])
            .expect("skipped without the generated files");
        assert!(hand_alone.sdks().is_empty());
        let both = SignatureDb::from_named_files([
            ("vendor.toml".to_owned(), extend),
            ("imported/x.toml".to_owned(), generated.as_str()),
        ])
        .expect("applied with them");
        assert_eq!(both.get("alpha").expect("alpha").data_types, ["oaid"]);
        let hand_written = format!("{BASE}\n{extend}");
        let other = format!(
            "generated = true\n{}",
            entry("delta", "", "java_packages = [\"com.delta\"]")
        );
        let wrong = SignatureDb::from_named_files([
            ("f.toml".to_owned(), hand_written.as_str()),
            ("imported/y.toml".to_owned(), other.as_str()),
        ])
        .expect_err("names a hand-written entry")
        .to_string();
        assert!(wrong.contains("not one of the generated files"), "{wrong}");
        let missing = SignatureDb::from_named_files([
            (
                "vendor.toml".to_owned(),
                extend.replace("alpha", "gamma").as_str(),
            ),
            ("imported/x.toml".to_owned(), generated.as_str()),
        ]);
        assert!(
            missing.is_err(),
            "a renamed imported entry is still an error"
        );
    }

    fn err(text: &str) -> String {
        SignatureDb::from_toml("f.toml", text)
            .expect_err("must be rejected")
            .to_string()
    }

    #[test]
    fn valid_file_loads_and_exposes_fields() {
        let db = SignatureDb::from_toml("f.toml", BASE).expect("valid");
        let sdk = db.get("alpha").expect("alpha");
        assert_eq!(sdk.java_packages().collect::<Vec<_>>(), ["com.alpha"]);
        assert_eq!(db.origin(0), Some("f.toml"));
        assert_eq!(sdk.rule_source(&sdk.rules.java_packages[0]), Some("test"));
    }

    #[test]
    fn errors_name_file_entry_and_problem() {
        let dup = format!(
            "{BASE}{}",
            entry("alpha", "", "java_packages = [\"com.beta\"]")
        );
        let e = err(&dup);
        assert!(
            e.contains("f.toml") && e.contains("alpha") && e.contains("duplicate id"),
            "{e}"
        );
        let e = err(&entry(
            "x",
            "colour = \"red\"",
            "java_packages = [\"com.x\"]",
        ));
        assert!(e.contains("entry `x`") && e.contains("colour"), "{e}");
        let e = err(&entry("Bad_Id", "", "java_packages = [\"com.x\"]"));
        assert!(e.contains("kebab"), "{e}");
        let e = err(&entry("x", "", "java_packages = [\"com/x\"]"));
        assert!(e.contains("com/x"), "{e}");
        let e = err(&entry(
            "x",
            "parent = \"nope\"",
            "java_packages = [\"com.x\"]",
        ));
        assert!(e.contains("parent `nope`"), "{e}");
        let e = err(&entry(
            "x",
            "",
            "java_packages = [\"com.x\"]\nios_frameworks = [\"XFramework\"]",
        ));
        assert!(e.contains("Ios"), "{e}");
        let e = err(&entry("x", "", ""));
        assert!(e.contains("no match rule"), "{e}");
        let e = err("[[sdk]\nid=");
        assert!(e.starts_with("f.toml"), "{e}");
        let no_source =
            entry("x", "", "java_packages = [\"com.x\"]").replace("source = \"test\"\n", "");
        assert!(err(&no_source).contains("no source"));
    }

    #[test]
    fn shadowing_across_vendors_is_rejected_within_a_family_allowed() {
        let same = format!(
            "{BASE}{}",
            entry("beta", "", "java_packages = [\"com.alpha\"]")
        );
        assert!(err(&same).contains("duplicates"), "{}", err(&same));
        let nested = format!(
            "{BASE}{}",
            entry("beta", "", "java_packages = [\"com.alpha.beta\"]")
        );
        assert!(err(&nested).contains("lies inside"), "{}", err(&nested));
        let glob = format!(
            "{BASE}{}",
            entry("beta", "", "native_libs = [\"libalpha-x.so\"]")
        );
        assert!(err(&glob).contains("also matched"), "{}", err(&glob));
        let objc = format!(
            "{}{}",
            entry("a", "", "objc_class_prefixes = [\"ABC\"]").replace("[\"android\"]", "[\"ios\"]"),
            entry("b", "", "objc_class_prefixes = [\"ABCD\"]")
                .replace("[\"android\"]", "[\"ios\"]")
        );
        assert!(err(&objc).contains("lies inside"));
        let family = format!(
            "{BASE}{}",
            entry(
                "beta",
                "parent = \"alpha\"",
                "java_packages = [\"com.alpha.beta\"]"
            )
        );
        SignatureDb::from_toml("f.toml", &family).expect("a module may nest inside its parent");
        let cycle = format!(
            "{}{}",
            entry("a", "parent = \"b\"", "java_packages = [\"com.a\"]"),
            entry("b", "parent = \"a\"", "java_packages = [\"com.b\"]")
        );
        assert!(err(&cycle).contains("cycle"));
    }

    #[test]
    fn user_directory_overrides_by_id_and_adds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let over = BASE.replace("com.alpha", "com.alphanew");
        std::fs::write(dir.path().join("a.toml"), over).expect("write");
        std::fs::write(
            dir.path().join("b.toml"),
            entry("gamma", "", "java_packages = [\"com.gamma\"]"),
        )
        .expect("write");
        std::fs::write(dir.path().join("ignored.txt"), "not toml").expect("write");
        let user = SignatureDb::load_dir(dir.path()).expect("user dir");
        let mut db = SignatureDb::from_toml("base.toml", BASE).expect("base");
        db.merge(user).expect("merge");
        assert_eq!(db.sdks().len(), 2);
        assert_eq!(
            db.get("alpha")
                .expect("alpha")
                .java_packages()
                .collect::<Vec<_>>(),
            ["com.alphanew"]
        );
        assert!(db.origin(0).is_some_and(|o| o.ends_with("a.toml")));
        assert!(db.get("gamma").is_some());
        let missing = SignatureDb::load_dir(&dir.path().join("nope")).expect_err("missing dir");
        assert!(missing.to_string().contains("nope"));
    }

    #[test]
    fn merge_rechecks_clashes_with_builtin_rules() {
        let mut db = SignatureDb::from_toml("base.toml", BASE).expect("base");
        let user = SignatureDb::from_toml(
            "user.toml",
            &entry("beta", "", "java_packages = [\"com.alpha\"]"),
        )
        .expect("alone");
        assert!(db.merge(user).is_err());
    }

    #[test]
    fn truncated_files_never_panic() {
        let text = format!(
            "{BASE}{}",
            entry(
                "beta",
                "parent = \"alpha\"",
                "java_packages = [\"com.alpha.b\"]"
            )
        );
        for cut in (0..=text.len()).filter(|&n| text.is_char_boundary(n)) {
            let _ = SignatureDb::from_toml("t.toml", &text[..cut]);
        }
    }
}
