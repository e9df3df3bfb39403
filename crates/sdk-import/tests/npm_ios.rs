//! Recognition of the open-source iOS libraries read from npm packages, checked against the
//! packages' own file lists rather than the importer's parser: by Objective-C convention a
//! file `Name.m` implements the class `Name`. Every such file whose text declares
//! `@implementation Name` (a plain substring check, not the importer's reader) must be named
//! by the built-in database as the library it belongs to.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use appaudit_sdk::{Matcher, SignatureDb};
use appaudit_sdk_import::merge::name_key;
use appaudit_sdk_import::sources::npm_ios::Table;

/// Every file under `root`, package-relative, in sorted order.
fn walk(root: &Path, rel: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(root, &child, out);
        } else {
            out.push(child);
        }
    }
}

/// Whether the SDK at `i`, or one of its family above it, carries `label` as a name.
fn names(db: &SignatureDb, mut i: usize, label: &str) -> bool {
    let key = name_key(label);
    for _ in 0..8 {
        let Some(sdk) = db.sdks().get(i) else {
            return false;
        };
        let mut all =
            std::iter::once(sdk.name.as_str()).chain(sdk.aliases.iter().map(String::as_str));
        if all.any(|n| name_key(n) == key) {
            return true;
        }
        match sdk.parent.as_deref().and_then(|p| db.index_of(p)) {
            Some(p) => i = p,
            None => return false,
        }
    }
    false
}

#[test]
fn classes_named_by_the_packages_file_lists_are_recognised() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let table = Table::builtin().expect("npm_ios.toml parses");
    let db = SignatureDb::builtin().expect("built-in database loads");
    let matcher = Matcher::new(&db);
    let skip: Vec<&str> = table.skip_dirs.iter().map(String::as_str).collect();
    let mut per_library: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut wrong = Vec::new();
    for package in &table.package {
        let root = inputs.npm_ios.join(package.dir_name()).join("package");
        let mut files = Vec::new();
        walk(&root, "", &mut files);
        assert!(!files.is_empty(), "{} is not unpacked", package.dir_name());
        for rel in files {
            if rel
                .split('/')
                .any(|seg| skip.contains(&seg) || seg == "node_modules")
            {
                continue;
            }
            let Some(stem) = rel
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".m").or_else(|| f.strip_suffix(".mm")))
            else {
                continue;
            };
            if stem.contains('+')
                || stem.len() < 5
                || table.generic_classes.iter().any(|g| g == stem)
            {
                continue;
            }
            let text =
                String::from_utf8_lossy(&std::fs::read(root.join(&rel)).unwrap()).into_owned();
            let declared = text.lines().any(|l| {
                let l = l.trim_start();
                l.strip_prefix("@implementation ")
                    .map(str::trim)
                    .is_some_and(|r| {
                        r == stem
                            || r.starts_with(&format!("{stem} "))
                                && !r[stem.len()..].trim_start().starts_with('(')
                    })
            });
            if !declared {
                continue;
            }
            let label = package
                .vendored
                .iter()
                .filter(|v| rel.starts_with(&format!("{}/", v.dir)))
                .max_by_key(|v| v.dir.len())
                .map(|v| v.label.clone())
                .or_else(|| package.label.clone())
                .unwrap_or_else(|| package.name.clone());
            let tally = per_library.entry(label.clone()).or_default();
            tally.1 += 1;
            // The rule must be this library's: the entry carries its name, or (when the
            // import merged the library into an entry of another name, as it does for a
            // bridge counted with its runtime) the rule itself comes from this package and
            // directory.
            let own_dir = package
                .vendored
                .iter()
                .filter(|v| rel.starts_with(&format!("{}/", v.dir)))
                .max_by_key(|v| v.dir.len())
                .map(|v| format!("{}/", v.dir));
            let from_here = |hit: &appaudit_sdk::Hit<'_>| {
                let source = db.sdks()[hit.sdk].rules.of(hit.kind)[hit.rule]
                    .source
                    .clone()
                    .unwrap_or_default();
                let prefix = format!("npm:{}/", package.dir_name());
                source
                    .strip_prefix(&prefix)
                    .is_some_and(|file| match &own_dir {
                        Some(dir) => file.starts_with(dir.as_str()),
                        None => !package
                            .vendored
                            .iter()
                            .any(|v| file.starts_with(&format!("{}/", v.dir))),
                    })
            };
            match matcher.match_objc_class(stem) {
                Some(hit) if names(&db, hit.sdk, &label) || from_here(&hit) => tally.0 += 1,
                Some(hit) => wrong.push(format!(
                    "{}/{rel}: {stem} named {} (expected {label})",
                    package.dir_name(),
                    db.sdks()[hit.sdk].id
                )),
                None => misses.push(format!("{}/{rel}: {stem} ({label})", package.dir_name())),
            }
        }
    }
    let (found, total) = per_library
        .values()
        .fold((0, 0), |(f, t), (a, b)| (f + a, t + b));
    eprintln!(
        "{found} of {total} classes named by file lists recognised, in {} libraries; misses:\n{}\nwrong:\n{}",
        per_library.len(),
        misses.join("\n"),
        wrong.join("\n")
    );
    for lib in [
        "SSZipArchive",
        "JWT",
        "CocoaAsyncSocket",
        "AFNetworking",
        "React Native",
        "Ionic Capacitor",
        "Apache Cordova",
    ] {
        let (f, t) = per_library.get(lib).copied().unwrap_or_default();
        assert!(
            t > 0 && f * 100 >= t * 99,
            "{lib}: {f} of {t} classes recognised"
        );
    }
    assert!(
        total > 500,
        "only {total} classes checked: are the packages unpacked?"
    );
    // Generic names without a namespace (`ImageData`, `BoldStyle`, `Toast`) are deliberately
    // no rule (they would name the library in any app defining such a class): about 7% here.
    assert!(
        found * 100 >= total * 90,
        "{found} of {total} recognised (< 90%)"
    );
    assert!(
        wrong.len() * 100 <= total,
        "{} classes named as another library",
        wrong.len()
    );
}

#[test]
fn podspec_modules_name_their_library() {
    let Some(inputs) = common::inputs() else {
        return;
    };
    let table = Table::builtin().expect("npm_ios.toml parses");
    let db = SignatureDb::builtin().expect("built-in database loads");
    let matcher = Matcher::new(&db);
    // Swift types are matched by module (`SSZipArchive.Foo`): the module of a pod is its
    // podspec file name in these packages (`RNCAsyncStorage.podspec`).
    let mut checked = 0;
    for package in &table.package {
        let root = inputs.npm_ios.join(package.dir_name()).join("package");
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(module) = name.strip_suffix(".podspec") else {
                continue;
            };
            if module.len() < 4 {
                continue;
            }
            let label = package
                .label
                .clone()
                .unwrap_or_else(|| package.name.clone());
            let own = |hit: &appaudit_sdk::Hit<'_>| {
                db.sdks()[hit.sdk].rules.of(hit.kind)[hit.rule]
                    .source
                    .as_deref()
                    .is_some_and(|s| s.starts_with(&format!("npm:{}/", package.dir_name())))
            };
            let hit = matcher.match_ios_framework(module).unwrap_or_else(|| {
                panic!("{}: framework {module} not recognised", package.dir_name())
            });
            assert!(
                names(&db, hit.sdk, &label) || own(&hit),
                "{}: framework {module} named {}",
                package.dir_name(),
                db.sdks()[hit.sdk].id
            );
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} podspecs checked");
}
