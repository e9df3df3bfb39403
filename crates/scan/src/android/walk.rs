//! The walk over an archive: what each entry is, and reading the chosen entries in parallel
//! (nested archives of a split set or an AAR included).

use appaudit_archive::{Archive, Entry};
use rayon::prelude::*;

use super::{
    Facts,
    bundle::aab_apk_path,
    code::{read_class, read_dex},
    markers::read_marker,
    native_libs::read_native,
    own_package::{OwnPackage, own_package},
};
use crate::Engine;
use crate::model::{InputKind, Warning};

/// How deep archives may nest (split set → APK; AAR → classes.jar).
const MAX_NESTING: usize = 2;
/// Library marker files are tiny; anything bigger is not one.
const MAX_MARKER_SIZE: u64 = 4096;

/// What to do with one archive entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    Manifest,
    Dex,
    Class,
    NativeLib,
    Marker,
    Nested,
}

fn job_for(name: &str, kind: InputKind, depth: usize) -> Option<Job> {
    let lower = name.to_ascii_lowercase();
    if name == "AndroidManifest.xml" {
        return Some(Job::Manifest);
    }
    if lower.ends_with(".dex") {
        return Some(Job::Dex);
    }
    if lower.ends_with(".class") && !lower.starts_with("meta-inf/versions/") {
        return Some(Job::Class);
    }
    if lower.ends_with(".so") {
        return Some(Job::NativeLib);
    }
    // Gradle writes `META-INF/<group>_<artifact>.version`; Firebase and Play
    // services also drop `<artifact>.properties` at the root of the APK.
    let at_root = !name.contains('/');
    if (name.starts_with("META-INF/")
        && (lower.ends_with(".version") || lower.ends_with(".properties")))
        || (at_root && lower.ends_with(".properties"))
    {
        return Some(Job::Marker);
    }
    if depth < MAX_NESTING {
        let nested = match kind {
            InputKind::SplitApks => lower.ends_with(".apk"),
            InputKind::Aar => lower.ends_with(".jar"),
            _ => false,
        };
        if nested {
            return Some(Job::Nested);
        }
    }
    None
}

/// Location prefix for entries of a nested archive: `split_config.arm64_v8a.apk!`.
fn nested_prefix(prefix: &str, entry: &str) -> String {
    format!("{prefix}{entry}!")
}

pub(super) fn walk<'e>(
    engine: &'e Engine,
    archive: &Archive<'_>,
    kind: InputKind,
    prefix: &str,
    depth: usize,
) -> Facts<'e> {
    let mut facts = Facts::new(engine);
    facts.stats.entries = archive.entries().len();
    let own = own_package(archive, kind);
    let own = own.as_ref();
    for anomaly in archive.anomalies() {
        facts
            .warnings
            .push(Warning::new(format!("{prefix}(zip)"), anomaly.to_string()));
    }
    // Cheap, name-only evidence first: assets and any path rule.
    let mut jobs: Vec<(&Entry, Job, &str)> = Vec::new();
    for entry in archive.entries() {
        if entry.is_dir() {
            continue;
        }
        // A bundle's entries are matched by the path they take in the APK.
        let (apk_name, apk_kind) = if kind == InputKind::Aab {
            match aab_apk_path(&entry.name) {
                Some(n) => (n, InputKind::Apk),
                None => continue,
            }
        } else {
            (entry.name.as_str(), kind)
        };
        if let Some(hit) = engine.matcher.match_asset(apk_name) {
            facts
                .sdk(hit.sdk)
                .hit(&hit, "asset", &format!("{prefix}{}", entry.name), || {
                    apk_name.to_owned()
                });
        }
        if let Some(job) = job_for(apk_name, apk_kind, depth) {
            // A split set's APKs are the app; an AAR's manifest is text.
            jobs.push((entry, job, apk_name));
        }
    }
    // Progress counts the top archive's entries; a nested archive is one of them.
    let top = depth == 0;
    if top {
        engine.progress.entries(jobs.len());
    }
    let parts: Vec<Facts<'e>> = jobs
        .par_iter()
        .map(|&(entry, job, apk_name)| {
            let location = format!("{prefix}{}", entry.name);
            let part = read_job(
                engine,
                archive,
                (entry, job, apk_name),
                &location,
                kind,
                depth,
                own,
            );
            if top {
                engine.progress.entry_done(&location);
            }
            part
        })
        .collect();
    for part in parts {
        facts.merge(part);
    }
    for anomaly in archive.read_anomalies() {
        facts
            .warnings
            .push(Warning::new(format!("{prefix}(zip)"), anomaly.to_string()));
    }
    facts
}

/// Reads and analyses one archive entry chosen by [`walk`].
fn read_job<'e>(
    engine: &'e Engine,
    archive: &Archive<'_>,
    (entry, job, apk_name): (&Entry, Job, &str),
    location: &str,
    kind: InputKind,
    depth: usize,
    own: Option<&OwnPackage>,
) -> Facts<'e> {
    let limit_dex = engine.max_dex_size();
    let mut part = Facts::new(engine);

    if matches!(job, Job::Dex | Job::Class) && entry.uncompressed_size > limit_dex {
        part.warnings.push(Warning::new(
            location,
            format!(
                "{} bytes is over the DEX/class size limit of {limit_dex}; skipped",
                entry.uncompressed_size
            ),
        ));
        return part;
    }
    if job == Job::Marker && entry.uncompressed_size > MAX_MARKER_SIZE {
        return part;
    }
    let bytes = match archive.read(entry) {
        Ok(b) => b,
        Err(e) => {
            part.warnings.push(Warning::new(location, e.to_string()));
            return part;
        }
    };
    part.stats.inflated_bytes = bytes.len() as u64;
    match job {
        Job::Manifest => read_manifest(&mut part, location, &bytes),
        Job::Dex => read_dex(engine, own, &mut part, location, &bytes),
        Job::Class => read_class(engine, own, &mut part, location, &bytes),
        Job::NativeLib => read_native(engine, own, &mut part, location, apk_name, &bytes),
        Job::Marker => read_marker(engine, &mut part, location, apk_name, &bytes),
        Job::Nested => read_nested(engine, archive, &mut part, location, &bytes, kind, depth),
    }
    part
}

fn read_nested(
    engine: &Engine,
    outer_archive: &Archive<'_>,
    part: &mut Facts<'_>,
    location: &str,
    bytes: &[u8],
    outer: InputKind,
    depth: usize,
) {
    // A nested archive gets the same limits and draws on the outer archive's total budget
    // (docs/limits.md), so nesting cannot multiply what one input may inflate.
    match Archive::open_nested(bytes, outer_archive) {
        Ok(inner) => {
            let kind = if outer == InputKind::SplitApks {
                InputKind::Apk
            } else {
                InputKind::Jar
            };
            let prefix = nested_prefix("", location);
            part.merge(walk(engine, &inner, kind, &prefix, depth + 1));
        }
        Err(e) => part.warnings.push(Warning::new(
            location,
            format!("nested archive unreadable: {e}"),
        )),
    }
}

fn read_manifest(part: &mut Facts<'_>, location: &str, bytes: &[u8]) {
    match appaudit_axml::parse_manifest(bytes) {
        Ok((manifest, doc)) => {
            for w in doc.warnings.iter().chain(manifest.warnings.iter()) {
                part.warnings.push(Warning::new(location, w.clone()));
            }
            part.manifest = Some((location.to_owned(), manifest));
        }
        Err(e) => part.warnings.push(Warning::new(location, e.to_string())),
    }
}
