//! Android inputs: APK, split-APK sets (XAPK/APKS/APKM), App Bundles (AAB), JAR, AAR,
//! bare DEX and `.so`.
//!
//! An App Bundle is read as the APKs bundletool would build from it: each module's
//! entries are mapped to the path they take in an APK ([`aab_apk_path`]) and then
//! handled exactly like an APK's, so both give the same inventory.
//!
//! One walk over each archive decides what every entry is; the entries worth
//! reading (manifest, DEX, class files, native libraries, library markers) are
//! then inflated once each, in parallel, and parsed into partial facts that are
//! merged into one [`Inventory`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use appaudit_archive::{Archive, Entry, Limits};
use appaudit_dex::{ClassFile, CodeContainer, CodeRef, Dex};
use appaudit_sdk::{Hit, RuleKind};
use appaudit_taxonomy::{ClassHandle, DataAccessCollector, MethodScan};
use rayon::prelude::*;

use super::sdk_facts::{
    EVIDENCE_SAMPLES, NETWORK_HOST, SdkAcc, configured_sdks, detected_sdks, reattribute, resolve,
};
use super::{Engine, ScanError};
use crate::model::{self, InputKind, Inventory, Warning};
use crate::native;

/// How deep archives may nest (split set → APK; AAR → classes.jar).
const MAX_NESTING: usize = 2;
/// Library marker files are tiny; anything bigger is not one.
const MAX_MARKER_SIZE: u64 = 4096;

/// The app's own package (`cn.sharesdk.demo`, a vendor's demo app): its classes and
/// components are the app's, never evidence of an SDK whose package rule encloses it
/// (`cn.sharesdk`). Rules inside the app's package still match.
pub(super) struct OwnPackage {
    /// `cn.sharesdk.demo.`
    dotted: String,
    /// `cn/sharesdk/demo/`
    slashed: String,
}

impl OwnPackage {
    /// `None` for a package of one segment (no real app has one; it would enclose too much).
    pub(super) fn new(package: &str) -> Option<Self> {
        let segments: Vec<&str> = package.split('.').collect();
        if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(Self {
            dotted: format!("{package}."),
            slashed: format!("{}/", package.replace('.', "/")),
        })
    }

    /// Whether `hit`, a match of `class` (a descriptor, slashed or dotted name), only says
    /// that the class lies in the app's own package.
    pub(super) fn owns(&self, class: &str, hit: &Hit<'_>) -> bool {
        if !matches!(hit.kind, RuleKind::JavaPackage | RuleKind::Component) {
            return false;
        }
        let name = class.trim_start_matches('[');
        let name = name.strip_prefix('L').unwrap_or(name);
        if !(name.starts_with(&self.slashed) || name.starts_with(&self.dotted)) {
            return false;
        }
        // The rule is the app's package or encloses it.
        let pattern = hit.pattern.strip_suffix(".*").unwrap_or(hit.pattern);
        self.dotted.starts_with(pattern) && self.dotted.as_bytes().get(pattern.len()) == Some(&b'.')
    }
}

/// The SDK owning `class`, unless the match only says the class is the app's own.
fn match_class_outside<'e>(
    engine: &'e Engine,
    own: Option<&OwnPackage>,
    class: &str,
) -> Option<Hit<'e>> {
    engine
        .matcher
        .match_class(class)
        .filter(|h| !own.is_some_and(|o| o.owns(class, h)))
}

/// The app's package, read ahead of everything else so that its own classes are known
/// while the code is read: only for an APK (or a split set's APK) or a bundle's base module.
fn own_package(archive: &Archive<'_>, kind: InputKind) -> Option<OwnPackage> {
    let name = match kind {
        InputKind::Apk => "AndroidManifest.xml",
        InputKind::Aab => "base/manifest/AndroidManifest.xml",
        _ => return None,
    };
    let entry = archive.by_name(name)?;
    let bytes = archive.read(entry).ok()?;
    let (manifest, _) = appaudit_axml::parse_manifest(&bytes).ok()?;
    OwnPackage::new(manifest.package.as_deref()?)
}

/// Partial facts from any part of the input; merged at the end.
struct Facts<'e> {
    sdks: BTreeMap<usize, SdkAcc>,
    manifest: Option<(String, appaudit_axml::Manifest)>,
    extra_manifests: Vec<(String, appaudit_axml::Manifest)>,
    native_libs: Vec<model::NativeLib>,
    markers: Vec<model::LibraryMarker>,
    access: DataAccessCollector<'e>,
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

/// Bundle entries that are not part of any module.
const BUNDLE_TOP_LEVEL: &[&str] = &["META-INF", "BUNDLE-METADATA"];

/// Where an App Bundle entry ends up in the APK bundletool builds from its module:
/// `base/dex/classes2.dex` → `classes2.dex`, `base/root/META-INF/x.version` →
/// `META-INF/x.version`, `base/manifest/AndroidManifest.xml` → `AndroidManifest.xml`,
/// `base/lib/…`, `base/assets/…`, `base/res/…` keep their path under the module.
/// `None` for bundle-level files (`BundleConfig.pb`, `BUNDLE-METADATA/`, the bundle
/// signature) and the module's own protobuf tables (`resources.pb`, `native.pb`, `assets.pb`).
pub(crate) fn aab_apk_path(entry: &str) -> Option<&str> {
    let (module, rest) = entry.split_once('/')?;
    if BUNDLE_TOP_LEVEL.contains(&module) || module.is_empty() {
        return None;
    }
    let (dir, tail) = rest.split_once('/')?;
    match dir {
        "manifest" if tail == "AndroidManifest.xml" => Some(tail),
        "dex" if !tail.contains('/') => Some(tail),
        "root" => Some(tail),
        "lib" | "assets" | "res" => Some(rest),
        _ => None,
    }
}

/// Checks every module of a bundle has a manifest and makes `base`'s the app's.
fn bundle_modules(archive: &Archive<'_>, facts: &mut Facts<'_>) {
    let mut modules = BTreeSet::new();
    for entry in archive.entries() {
        if let Some((module, rest)) = entry.name.split_once('/')
            && !BUNDLE_TOP_LEVEL.contains(&module)
            && !module.is_empty()
            && rest.contains('/')
        {
            modules.insert(module);
        }
    }
    for module in &modules {
        let manifest = format!("{module}/manifest/AndroidManifest.xml");
        if archive.by_name(&manifest).is_none() {
            facts.warnings.push(Warning::new(
                format!("{module}/"),
                format!("bundle module {module} has no {manifest}; its code is still scanned"),
            ));
        }
    }
    let is_base = |(location, _): &(String, appaudit_axml::Manifest)| {
        location == "base/manifest/AndroidManifest.xml"
    };
    if !facts.manifest.as_ref().is_some_and(is_base)
        && let Some(i) = facts.extra_manifests.iter().position(is_base)
    {
        let base = facts.extra_manifests.remove(i);
        if let Some(old) = facts.manifest.replace(base) {
            facts.extra_manifests.insert(0, old);
        }
    }
}

/// Location prefix for entries of a nested archive: `split_config.arm64_v8a.apk!`.
fn nested_prefix(prefix: &str, entry: &str) -> String {
    format!("{prefix}{entry}!")
}

fn walk<'e>(
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
        Job::Nested => read_nested(
            engine,
            &mut part,
            location,
            &entry.name,
            &bytes,
            kind,
            depth,
        ),
    }
    part
}

fn read_nested(
    engine: &Engine,
    part: &mut Facts<'_>,
    location: &str,
    name: &str,
    bytes: &[u8],
    outer: InputKind,
    depth: usize,
) {
    // A nested archive gets the same per-entry limits; its total is bounded by
    // the outer archive's, since its bytes came out of that budget.
    let limits = Limits {
        ..engine.options.limits
    };
    match Archive::open(bytes, limits) {
        Ok(inner) => {
            let kind = if outer == InputKind::SplitApks {
                InputKind::Apk
            } else {
                InputKind::Jar
            };
            let _ = name;
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

fn read_dex(
    engine: &Engine,
    own: Option<&OwnPackage>,
    part: &mut Facts<'_>,
    location: &str,
    bytes: &[u8],
) {
    match Dex::parse(bytes) {
        Ok(dex) => {
            part.stats.dex_files += 1;
            analyze_code(engine, own, part, location, &dex);
        }
        Err(e) => part.warnings.push(Warning::new(location, e.to_string())),
    }
}

fn read_class(
    engine: &Engine,
    own: Option<&OwnPackage>,
    part: &mut Facts<'_>,
    location: &str,
    bytes: &[u8],
) {
    match ClassFile::parse(bytes) {
        Ok(class) => {
            part.stats.class_files += 1;
            analyze_code(engine, own, part, location, &class);
        }
        Err(e) => part.warnings.push(Warning::new(location, e.to_string())),
    }
}

/// What a class name means to the scan: the SDK that owns it and the data-type
/// rules that name it.
#[derive(Clone, Copy)]
struct ClassInfo {
    sdk: Option<usize>,
    rules: Option<ClassHandle>,
}

/// Remembers [`ClassInfo`] per class-name *address*: a DEX or class file names
/// each class through one string of its pool, so every call to the same class
/// hands us the same `&str`, and the address is a perfect, hash-cheap key. The
/// same name at another address just costs one more lookup.
struct ClassCache<'e> {
    engine: &'e Engine,
    own: Option<&'e OwnPackage>,
    memo: HashMap<usize, ClassInfo, BuildHasherDefault<AddressHasher>>,
}

impl ClassCache<'_> {
    fn get(&mut self, class: &str) -> ClassInfo {
        let (engine, own) = (self.engine, self.own);
        *self
            .memo
            .entry(class.as_ptr() as usize)
            .or_insert_with(|| ClassInfo {
                sdk: match_class_outside(engine, own, class).map(|h| h.sdk),
                rules: engine.android.class_handle(class),
            })
    }
}

/// Hashes one address: the low bits of a pointer are alignment, the high bits
/// rarely change, so mix with a multiplicative (Fibonacci) hash.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Classes per parallel task: big enough that per-task setup (caches, a
/// collector) is noise, small enough that one 10 MB DEX spreads over all cores.
const CLASSES_PER_TASK: usize = 512;

/// A code-loading tally's key: the caller (SDK index or id) and the API.
type LoadKey<S> = (S, &'static str);

/// A code-loading tally: calls, and sample (call site, code file) pairs.
type LoadTally = (usize, Vec<(String, String)>);

/// One code-loading API of `data/code_loading.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeLoader {
    class: String,
    method: String,
    display: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeLoaders {
    loader: Vec<CodeLoader>,
}

/// The code-loading APIs, loaded once. The file is compiled in; `code_loaders_parse` tests it.
static CODE_LOADERS: std::sync::LazyLock<Vec<CodeLoader>> = std::sync::LazyLock::new(|| {
    match toml::from_str::<CodeLoaders>(include_str!("../../data/code_loading.toml")) {
        Ok(t) => t.loader,
        Err(e) => panic!("data/code_loading.toml: {e}"),
    }
});

/// The code-loading API a call names, if any (`method_class` in descriptor or internal form).
fn code_loader(method_class: &str, method: &str) -> Option<&'static str> {
    let internal = method_class
        .strip_prefix('L')
        .and_then(|c| c.strip_suffix(';'))
        .unwrap_or(method_class);
    CODE_LOADERS
        .iter()
        .find(|l| l.method == method && l.class == internal)
        .map(|l| l.display.as_str())
}

/// Class inventory, SDK usage and sensitive-API use of one DEX or class file.
fn analyze_code<C: CodeContainer + Sync>(
    engine: &Engine,
    own: Option<&OwnPackage>,
    part: &mut Facts<'_>,
    location: &str,
    code: &C,
) {
    for w in code.warnings() {
        part.warnings.push(Warning::new(location, w.to_string()));
    }
    let classes: Vec<_> = code.classes().collect();
    for class in &classes {
        part.stats.classes += 1;
        if let Some(hit) = match_class_outside(engine, own, class.descriptor) {
            let marker = engine.matcher.needs_marker(hit.sdk)
                && engine.matcher.marker_of(class.descriptor) == Some(hit.sdk);
            let acc = part.sdk(hit.sdk);
            acc.marker |= marker;
            acc.classes += 1;
            acc.hit(&hit, "class", location, || class.descriptor.to_owned());
        }
    }
    if engine.options.skip_code_scan {
        return;
    }
    let chunks: Vec<CodeFacts<'_>> = classes
        .par_chunks(CLASSES_PER_TASK)
        .map(|chunk| {
            let mut facts = CodeFacts::new(engine, location, own);
            for class in chunk {
                facts.scan_class(code, class);
            }
            facts
        })
        .collect();
    for facts in chunks {
        part.access.merge(facts.access);
        for w in facts.warnings {
            part.warnings.push(Warning::new(location, w.to_string()));
        }
        for (sdk, (count, sites)) in facts.calls {
            part.sdk(sdk)
                .calls(count, sites.into_iter().map(|s| (s, location.to_owned())));
        }
        for ((sdk, api), (count, sites)) in facts.code_loading {
            let sdk = sdk
                .and_then(|i| engine.db.sdks().get(i))
                .map(|s| s.id.clone());
            let entry = part.code_loading.entry((sdk, api)).or_default();
            entry.0 += count;
            for site in sites {
                if entry.1.len() < EVIDENCE_SAMPLES {
                    entry.1.push((site, location.to_owned()));
                }
            }
        }
        for ((sdk, _), (hit, count, samples)) in facts.hosts {
            part.sdk(sdk)
                .hits(&hit, NETWORK_HOST, location, count, samples);
        }
    }
}

/// What the code of some classes reveals: calls into SDKs from outside them,
/// and personal-data access.
struct CodeFacts<'e> {
    engine: &'e Engine,
    cache: ClassCache<'e>,
    /// Constant strings (by address) that no marker or reflection rule cares about.
    inert_strings: HashSet<usize, BuildHasherDefault<AddressHasher>>,
    scan: MethodScan<'e>,
    access: DataAccessCollector<'e>,
    calls: BTreeMap<usize, (usize, Vec<String>)>,
    /// Code-loading calls: (caller SDK, API) -> (count, sample call sites).
    code_loading: BTreeMap<LoadKey<Option<usize>>, (usize, Vec<String>)>,
    /// Network-host rules matched by constant strings: (SDK, pattern) -> (the hit, how many
    /// strings, sample `host in class` evidence).
    hosts: BTreeMap<(usize, &'e str), (Hit<'e>, usize, Vec<String>)>,
    /// Host rule matched by each constant string (by address), once looked up.
    host_memo: HashMap<usize, Option<Hit<'e>>, BuildHasherDefault<AddressHasher>>,
    warnings: Vec<appaudit_dex::Warning>,
}

impl<'e> CodeFacts<'e> {
    /// Facts about classes of the code file at `location` (`classes2.dex`).
    fn new(engine: &'e Engine, location: &str, own: Option<&'e OwnPackage>) -> Self {
        CodeFacts {
            engine,
            cache: ClassCache {
                engine,
                own,
                memo: HashMap::default(),
            },
            inert_strings: HashSet::default(),
            scan: MethodScan::new(&engine.android),
            access: DataAccessCollector::new(&engine.android).in_file(location),
            calls: BTreeMap::new(),
            code_loading: BTreeMap::new(),
            hosts: BTreeMap::new(),
            host_memo: HashMap::default(),
            warnings: Vec::new(),
        }
    }

    fn sdk_id(&self, sdk: Option<usize>) -> Option<&'e str> {
        let engine: &'e Engine = self.engine;
        sdk.and_then(|i| engine.db.sdks().get(i))
            .map(|s| s.id.as_str())
    }

    fn scan_class<C: CodeContainer>(&mut self, code: &C, class: &appaudit_dex::ClassDef<'_>) {
        let engine = self.engine;
        let caller = self.cache.get(class.descriptor);
        let caller_sdk = caller.sdk;
        let accessor = self.sdk_id(caller_sdk);
        // Subclassing a system service base class (an accessibility or
        // notification-listener service) is itself the access.
        if let Some(rule) = class
            .superclass
            .and_then(|sc| engine.android.superclass(sc))
        {
            self.access
                .record_call(accessor, class.descriptor, "<class>", rule);
        }
        // The method whose references are being gathered: data types are decided
        // per method (an `android_id` string counts only next to the call it feeds).
        let mut current: Option<(&str, &str)> = None;
        let CodeFacts {
            cache,
            inert_strings,
            scan,
            access,
            calls,
            code_loading,
            hosts,
            host_memo,
            ..
        } = self;
        let warnings = code.for_each_code_ref_in(class, |site, code_ref| {
            let same = current.is_some_and(|(m, d)| {
                std::ptr::eq(m, site.method) && std::ptr::eq(d, site.descriptor)
            });
            if !same {
                if let Some((method, _)) = current
                    && !scan.is_empty()
                {
                    scan.flush(access, accessor, site.class, method);
                }
                current = Some((site.method, site.descriptor));
            }
            match code_ref {
                CodeRef::Invoke { method, .. } => {
                    let callee = cache.get(method.class);
                    if let Some(callee_sdk) = callee.sdk
                        && Some(callee_sdk) != caller_sdk
                        && !caller_sdk.is_some_and(|c| {
                            engine.db.is_within(c, callee_sdk) || engine.db.is_within(callee_sdk, c)
                        })
                    {
                        let entry = calls.entry(callee_sdk).or_default();
                        entry.0 += 1;
                        if entry.1.len() < EVIDENCE_SAMPLES {
                            entry.1.push(format!(
                                "{}->{} calls {}->{}",
                                site.class, site.method, method.class, method.name
                            ));
                        }
                    }
                    if let Some(rules) = callee.rules {
                        scan.invoke_in(rules, method.name);
                    }
                    // A prefix test first: the table is looked up only for dalvik.system and java.lang classes.
                    let internal = method.class.strip_prefix('L').unwrap_or(method.class);
                    if (internal.starts_with("dalvik/system/")
                        || internal.starts_with("java/lang/"))
                        && let Some(api) = code_loader(method.class, method.name)
                    {
                        let entry = code_loading.entry((caller_sdk, api)).or_default();
                        entry.0 += 1;
                        let sample = format!("{}->{}", site.class, site.method);
                        if entry.1.len() < EVIDENCE_SAMPLES && !entry.1.contains(&sample) {
                            entry.1.push(sample);
                        }
                    }
                }
                CodeRef::Field { field, .. } => {
                    if let Some(rules) = cache.get(field.class).rules {
                        scan.field_in(rules, field.name);
                    }
                }
                CodeRef::String { value } => {
                    let hit = *host_memo
                        .entry(value.as_ptr() as usize)
                        .or_insert_with(|| string_host(engine, value));
                    // Another SDK's code naming a host (an ad mediation adapter, a
                    // login kit) is not evidence of the host's SDK.
                    if let Some(hit) = hit
                        && caller_sdk.is_none_or(|c| {
                            engine.db.family_root(c) == engine.db.family_root(hit.sdk)
                        })
                    {
                        let entry = hosts
                            .entry((hit.sdk, hit.pattern))
                            .or_insert_with(|| (hit, 0, Vec::new()));
                        entry.1 += 1;
                        if entry.2.len() < EVIDENCE_SAMPLES {
                            let sample = format!("{value} in {}", site.class);
                            if !entry.2.contains(&sample) {
                                entry.2.push(sample);
                            }
                        }
                    }
                    // Most constants are UI text and keys: remember the ones no
                    // rule cares about instead of re-running the marker automaton.
                    let key = value.as_ptr() as usize;
                    if !inert_strings.contains(&key) && !scan.string(value) {
                        inert_strings.insert(key);
                    }
                }
            }
        });
        if let Some((method, _)) = current
            && !scan.is_empty()
        {
            scan.flush(access, accessor, class.descriptor, method);
        }
        self.warnings.extend(warnings);
    }
}

/// The first host rule a string's hosts match (see [`appaudit_sdk::Matcher::hosts_in`]).
fn string_host<'e>(engine: &'e Engine, value: &str) -> Option<Hit<'e>> {
    if value.len() < 5 || value.len() > 2048 || !value.contains('.') {
        return None;
    }
    appaudit_sdk::Matcher::hosts_in(value, 8)
        .into_iter()
        .find_map(|h| engine.matcher.match_host(h))
}

fn read_native(
    engine: &Engine,
    own: Option<&OwnPackage>,
    part: &mut Facts<'_>,
    location: &str,
    name: &str,
    bytes: &[u8],
) {
    let file_name = name.rsplit('/').next().unwrap_or(name);
    let abi = abi_of(name);
    let mut lib = model::NativeLib {
        path: location.to_owned(),
        abi,
        soname: None,
        needed: Vec::new(),
        exported_symbols: 0,
        jni_packages: Vec::new(),
        sdk: None,
    };
    if let Some(hit) = engine.matcher.match_native_lib(file_name) {
        part.sdk(hit.sdk)
            .hit(&hit, "native_lib", location, || file_name.to_owned());
        lib.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
    }
    match native::parse_elf(bytes) {
        Ok(elf) => {
            part.stats.native_libs += 1;
            for pkg in &elf.jni_packages {
                // A JNI export names the Java class that declares the native
                // method: the package is as good as a class in that package.
                let probe = format!("L{}/X;", pkg.replace('.', "/"));
                if let Some(hit) = match_class_outside(engine, own, &probe) {
                    let acc = part.sdk(hit.sdk);
                    acc.hit(&hit, "jni_export", location, || {
                        format!("Java_{}_…", pkg.replace('.', "_"))
                    });
                    if lib.sdk.is_none() {
                        lib.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
                    }
                }
            }
            if let Some(rodata) = elf.rodata.clone().and_then(|r| bytes.get(r)) {
                rodata_hosts(engine, part, location, lib.sdk.as_deref(), rodata);
            }
            lib.soname = elf.soname;
            lib.needed = elf.needed;
            lib.exported_symbols = elf.exported_symbols;
            lib.jni_packages = elf.jni_packages;
        }
        Err(e) => part.warnings.push(Warning::new(location, e.to_string())),
    }
    part.native_libs.push(lib);
}

/// Most strings one library's `.rodata` is searched for hosts in (a bound for hostile input).
const MAX_RODATA_STRINGS: usize = 200_000;

/// Network hosts in a native library's constant strings: evidence of the host's SDK unless
/// the library belongs to another SDK's family.
fn rodata_hosts(
    engine: &Engine,
    part: &mut Facts<'_>,
    location: &str,
    lib_sdk: Option<&str>,
    rodata: &[u8],
) {
    let lib_root = lib_sdk
        .and_then(|id| engine.db.index_of(id))
        .map(|i| engine.db.family_root(i));
    let mut found: BTreeMap<(usize, &str), (Hit<'_>, usize, Vec<String>)> = BTreeMap::new();
    for text in native::printable_runs(rodata, 6, MAX_RODATA_STRINGS) {
        if !text.contains('.') {
            continue;
        }
        let Some(hit) = string_host(engine, text) else {
            continue;
        };
        if lib_root.is_some_and(|r| r != engine.db.family_root(hit.sdk)) {
            continue;
        }
        let entry = found
            .entry((hit.sdk, hit.pattern))
            .or_insert_with(|| (hit, 0, Vec::new()));
        entry.1 += 1;
        if entry.2.len() < EVIDENCE_SAMPLES && !entry.2.iter().any(|s| s.starts_with(text)) {
            entry.2.push(format!("{text} in .rodata"));
        }
    }
    for ((sdk, _), (hit, count, samples)) in found {
        part.sdk(sdk)
            .hits(&hit, NETWORK_HOST, location, count, samples);
    }
}

/// `lib/arm64-v8a/libx.so` and `jni/arm64-v8a/libx.so` → `arm64-v8a`.
fn abi_of(name: &str) -> Option<String> {
    let mut parts = name.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("lib" | "jni"), Some(abi), Some(_file), None) => Some(abi.to_owned()),
        _ => None,
    }
}

fn read_marker(engine: &Engine, part: &mut Facts<'_>, location: &str, name: &str, bytes: &[u8]) {
    let file = name.rsplit('/').next().unwrap_or(name);
    let library = file
        .trim_end_matches(".version")
        .trim_end_matches(".properties")
        .to_owned();
    let text = String::from_utf8_lossy(bytes);
    let version = if file.ends_with(".version") {
        text.lines()
            .next()
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() < 64)
            .map(str::to_owned)
    } else {
        // Gradle/Firebase `*.properties`: `version=1.2.3`.
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == "version")
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut marker = model::LibraryMarker {
        path: location.to_owned(),
        library,
        version,
        sdk: None,
    };
    if let Some(hit) = engine.matcher.match_library_marker(name) {
        part.sdk(hit.sdk)
            .hit(&hit, "library_marker", location, || name.to_owned());
        marker.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
    }
    part.markers.push(marker);
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

/// Merges manifest facts and SDK accumulators into the inventory.
fn finish(
    engine: &Engine,
    name: &str,
    size: u64,
    kind: InputKind,
    mut facts: Facts<'_>,
) -> Inventory {
    let mut app = model::AppInfo {
        platform: "android",
        ..Default::default()
    };
    let mut permissions = Vec::new();
    let mut components = Vec::new();
    let mut meta_data = Vec::new();
    let manifests: Vec<(String, appaudit_axml::Manifest)> = facts
        .manifest
        .take()
        .into_iter()
        .chain(std::mem::take(&mut facts.extra_manifests))
        .collect();
    let mut seen_permissions = BTreeSet::new();
    // Only an app (not an SDK's own AAR or JAR) has a package of its own to leave out.
    let own = matches!(kind, InputKind::Apk | InputKind::Aab | InputKind::SplitApks)
        .then(|| manifests.first().and_then(|(_, m)| m.package.as_deref()))
        .flatten()
        .and_then(OwnPackage::new);
    for (i, (location, m)) in manifests.iter().enumerate() {
        if i == 0 {
            app.package = m.package.clone();
            app.version_name = m.version_name.clone();
            app.version_code = m.version_code.as_ref().map(render_number);
            app.min_sdk = m.min_sdk.as_ref().map(render_number);
            app.target_sdk = m.target_sdk.as_ref().map(render_number);
            if let Some(a) = &m.application {
                let mut flag = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        app.flags.insert(k.to_owned(), v);
                    }
                };
                flag("debuggable", a.debuggable.map(|b| b.to_string()));
                flag("allowBackup", a.allow_backup.map(|b| b.to_string()));
                flag(
                    "usesCleartextTraffic",
                    a.uses_cleartext_traffic.map(|b| b.to_string()),
                );
                flag("networkSecurityConfig", a.network_security_config.clone());
                flag("testOnly", a.test_only.map(|b| b.to_string()));
            }
        }
        for p in &m.uses_permissions {
            if !seen_permissions.insert(p.name.clone()) {
                continue;
            }
            let info = facts.access.record_permission(&p.name);
            permissions.push(model::Permission {
                name: p.name.clone(),
                protection: info.map_or(model::Protection::Unknown, |i| i.protection),
                data_types: info
                    .map(|i| {
                        i.data_types
                            .iter()
                            .filter_map(|t| engine.android.data_type(*t))
                            .map(|m| m.id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                max_sdk_version: p.max_sdk_version.as_ref().map(render_number),
                sdk_23_only: p.sdk_23_only,
                purpose: None,
                declared_in: location.clone(),
            });
        }
        for c in &m.components {
            let hit = engine
                .matcher
                .match_component(&c.name)
                .or_else(|| {
                    let probe = format!("L{};", c.name.replace('.', "/"));
                    engine.matcher.match_class(&probe)
                })
                .filter(|h| !own.as_ref().is_some_and(|o| o.owns(&c.name, h)));
            let sdk = hit.map(|h| {
                facts.sdk(h.sdk).hit(&h, "component", location, || {
                    format!("{} {}", crate::serde_name(&c.kind), c.name)
                });
                engine.db.sdks()[h.sdk].id.clone()
            });
            components.push(model::Component {
                kind: crate::serde_name(&c.kind).to_owned(),
                name: c.name.clone(),
                exported: c.exported,
                actions: c
                    .intent_filters
                    .iter()
                    .flat_map(|f| f.actions.iter().cloned())
                    .collect(),
                sdk,
            });
        }
        for md in &m.meta_data {
            let sdk = engine.matcher.match_meta_data(&md.name).map(|h| {
                facts.sdk(h.sdk).hit(&h, "meta_data", location, || {
                    format!(
                        "{} = {}",
                        md.name,
                        md.value.as_deref().or(md.resource.as_deref()).unwrap_or("")
                    )
                });
                engine.db.sdks()[h.sdk].id.clone()
            });
            meta_data.push(model::MetaData {
                name: md.name.clone(),
                value: md.value.clone().or_else(|| md.resource.clone()),
                parent: md.parent.clone(),
                sdk,
            });
        }
    }
    let classes_read = facts.stats.dex_files + facts.stats.class_files > 0;
    let has_code = classes_read && !engine.options.skip_code_scan;
    let resolved = resolve(engine, std::mem::take(&mut facts.sdks), classes_read);
    let sdks = detected_sdks(engine, resolved.bundled, has_code);
    let configured = configured_sdks(engine, resolved.configured);
    facts.native_libs.sort_by(|a, b| a.path.cmp(&b.path));
    facts.markers.sort_by(|a, b| a.path.cmp(&b.path));
    let mut data_access = facts.access.finish();
    reattribute(&mut data_access, &resolved.moved);
    Inventory {
        schema_version: model::INVENTORY_SCHEMA_VERSION,
        source: model::Source {
            path: name.to_owned(),
            kind,
            size,
        },
        app,
        permissions,
        sdks,
        configured_sdks: configured,
        native_libs: facts.native_libs,
        components,
        meta_data,
        library_markers: facts.markers,
        data_access,
        code_loading: std::mem::take(&mut facts.code_loading)
            .into_iter()
            .map(|((sdk, api), (call_count, sites))| model::CodeLoading {
                api: api.to_owned(),
                sdk,
                call_sites: sites.iter().map(|(s, _)| s.clone()).collect(),
                call_site_files: sites.into_iter().map(|(_, f)| f).collect(),
                call_count,
            })
            .collect(),
        privacy_manifests: Vec::new(),
        required_reason_gaps: Vec::new(),
        required_reason_uses: Vec::new(),
        stats: facts.stats,
        warnings: facts.warnings,
    }
}

fn render_number(n: &appaudit_axml::NumberOrText) -> String {
    match n {
        appaudit_axml::NumberOrText::Number(n) => n.to_string(),
        appaudit_axml::NumberOrText::Text(t) => t.clone(),
    }
}

#[cfg(test)]
mod code_loading_tests {
    use super::*;

    #[test]
    fn code_loaders_parse() {
        assert!(CODE_LOADERS.len() >= 6);
        assert_eq!(
            code_loader("Ldalvik/system/DexClassLoader;", "<init>"),
            Some("new DexClassLoader")
        );
        assert_eq!(
            code_loader("dalvik/system/DexClassLoader", "<init>"),
            Some("new DexClassLoader")
        );
        assert_eq!(code_loader("Ljava/lang/System;", "loadLibrary"), None);
        assert_eq!(
            code_loader("Ljava/lang/System;", "load"),
            Some("System.load (a native library by path)")
        );
    }
}
