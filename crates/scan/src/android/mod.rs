//! Android inputs: APK, split-APK sets (XAPK/APKS/APKM), App Bundles (AAB), JAR, AAR,
//! bare DEX and `.so`.
//!
//! An App Bundle is read as the APKs bundletool would build from it: each module's
//! entries are mapped to the path they take in an APK ([`bundle::aab_apk_path`]) and then
//! handled exactly like an APK's, so both give the same inventory.
//!
//! One walk over each archive ([`walk`]) decides what every entry is; the entries worth
//! reading (manifest, DEX, class files, native libraries, library markers) are
//! then inflated once each, in parallel, and parsed into partial [`Facts`] that are
//! merged into one [`Inventory`] ([`inventory`]).

mod bundle;
mod code;
mod code_loading;
mod inventory;
mod markers;
mod native_libs;
mod own_package;
mod walk;

use std::collections::BTreeMap;

use appaudit_archive::Archive;
use appaudit_taxonomy::DataAccessCollector;

use crate::model::{self, InputKind, Inventory, Warning};
use crate::sdk_facts::{EVIDENCE_SAMPLES, SdkAcc};
use crate::{Engine, ScanError};
use bundle::bundle_modules;
use code::{read_class, read_dex};
use code_loading::{LoadKey, LoadTally};
use inventory::finish;
use native_libs::read_native;
use walk::walk;

/// Partial facts from any part of the input; merged at the end.
struct Facts<'e> {
    sdks: BTreeMap<usize, SdkAcc>,
    manifest: Option<(String, appaudit_axml::Manifest)>,
    extra_manifests: Vec<(String, appaudit_axml::Manifest)>,
    native_libs: Vec<model::NativeLib>,
    markers: Vec<model::LibraryMarker>,
    access: DataAccessCollector<'e>,
    /// The app's own call graph, for the start-up walk (CN-C01).
    graph: crate::startup::CallGraph,
    /// Code-loading calls: (caller SDK id, API) -> (count, sample (call site, code file)).
    code_loading: BTreeMap<LoadKey<Option<String>>, LoadTally>,
    stats: model::Stats,
    warnings: Vec<Warning>,
}

impl<'e> Facts<'e> {
    fn new(engine: &'e Engine) -> Self {
        Facts {
            sdks: BTreeMap::new(),
            manifest: None,
            extra_manifests: Vec::new(),
            native_libs: Vec::new(),
            markers: Vec::new(),
            access: DataAccessCollector::new(&engine.android),
            graph: Default::default(),
            code_loading: BTreeMap::new(),
            stats: model::Stats::default(),
            warnings: Vec::new(),
        }
    }

    fn sdk(&mut self, index: usize) -> &mut SdkAcc {
        self.sdks.entry(index).or_default()
    }

    fn merge(&mut self, other: Facts<'_>) {
        for (i, acc) in other.sdks {
            self.sdk(i).merge(acc);
        }
        match (&self.manifest, other.manifest) {
            (None, Some(m)) => self.manifest = Some(m),
            (Some(_), Some(m)) => self.extra_manifests.push(m),
            _ => {}
        }
        self.extra_manifests.extend(other.extra_manifests);
        self.native_libs.extend(other.native_libs);
        self.markers.extend(other.markers);
        self.access.merge(other.access);
        self.graph.merge(other.graph);
        for (key, (count, sites)) in other.code_loading {
            let entry = self.code_loading.entry(key).or_default();
            entry.0 += count;
            entry.1.extend(sites);
            entry.1.truncate(EVIDENCE_SAMPLES);
        }
        let (a, b) = (&mut self.stats, other.stats);
        a.entries += b.entries;
        a.dex_files += b.dex_files;
        a.class_files += b.class_files;
        a.classes += b.classes;
        a.native_libs += b.native_libs;
        a.inflated_bytes += b.inflated_bytes;
        self.warnings.extend(other.warnings);
    }
}

/// Scans a whole Android archive.
pub(super) fn scan_archive(
    engine: &Engine,
    name: &str,
    size: u64,
    archive: &Archive<'_>,
    kind: InputKind,
) -> Result<Inventory, ScanError> {
    let mut facts = walk(engine, archive, kind, "", 0);
    if kind == InputKind::Aab {
        bundle_modules(archive, &mut facts);
    }
    Ok(finish(engine, name, size, kind, facts))
}

/// A bare `classes.dex`.
pub(super) fn scan_bare_dex(engine: &Engine, name: &str, bytes: &[u8]) -> Inventory {
    let mut facts = Facts::new(engine);
    facts.stats.inflated_bytes = bytes.len() as u64;
    read_dex(engine, None, &mut facts, name, bytes);
    finish(engine, name, bytes.len() as u64, InputKind::Dex, facts)
}

/// A bare `.class` file.
pub(super) fn scan_bare_class(engine: &Engine, name: &str, bytes: &[u8]) -> Inventory {
    let mut facts = Facts::new(engine);
    read_class(engine, None, &mut facts, name, bytes);
    finish(engine, name, bytes.len() as u64, InputKind::Jar, facts)
}

/// A bare `.so`.
pub(super) fn scan_bare_so(engine: &Engine, name: &str, bytes: &[u8]) -> Inventory {
    let mut facts = Facts::new(engine);
    let file = std::path::Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_native(engine, None, &mut facts, name, &file, bytes);
    finish(engine, name, bytes.len() as u64, InputKind::So, facts)
}
