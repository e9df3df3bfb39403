//! The database's invariants (`sdk-signatures/README.md`): each entry on its own (schema,
//! rule syntax, sources, parents) and the rules against each other (no duplicates, no
//! nesting across families).

use std::collections::HashMap;

use super::{SignatureDb, SignatureError};
use crate::glob;
use crate::schema::{Platform, Rule, RuleKind, Sdk};

impl SignatureDb {
    /// Runs every invariant check of the database, the shadowing check included.
    pub fn check(&self) -> Result<(), SignatureError> {
        self.validate()
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

    pub(super) fn invalid(&self, index: usize, message: String) -> SignatureError {
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
    pub(super) fn validate(&self) -> Result<(), SignatureError> {
        self.validate_entries()?;
        self.validate_no_shadowing()
    }

    /// The checks of each entry on its own (schema, rule syntax, sources, parents).
    pub(super) fn validate_entries(&self) -> Result<(), SignatureError> {
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
    pub(super) fn validate_no_shadowing(&self) -> Result<(), SignatureError> {
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
    use super::super::test_support::{BASE, entry, err};
    use super::*;

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
}
