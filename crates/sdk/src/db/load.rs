//! Loading: the built-in files, a user's directory, texts; `[[extend]]` records applied
//! after every file is in; merging a user's database over the built-in one.

use std::fs;
use std::path::Path;

use super::parse::{Extension, TypedFile, parse_file};
use super::{SignatureDb, SignatureError};
use crate::schema::{RuleKind, Sdk};

include!(concat!(env!("OUT_DIR"), "/builtin_signatures.rs"));

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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{BASE, entry, err};
    use super::*;

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

    #[test]
    fn valid_file_loads_and_exposes_fields() {
        let db = SignatureDb::from_toml("f.toml", BASE).expect("valid");
        let sdk = db.get("alpha").expect("alpha");
        assert_eq!(sdk.java_packages().collect::<Vec<_>>(), ["com.alpha"]);
        assert_eq!(db.origin(0), Some("f.toml"));
        assert_eq!(sdk.rule_source(&sdk.rules.java_packages[0]), Some("test"));
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
}
