//! The code pass over one DEX or class file: class inventory, SDK usage (calls into an SDK
//! from outside it), network hosts in strings, sensitive-API use and code loading.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use appaudit_dex::{ClassFile, CodeContainer, CodeRef, Dex};
use appaudit_sdk::Hit;
use appaudit_taxonomy::{ClassHandle, DataAccessCollector, MethodScan};
use rayon::prelude::*;

use super::{
    Facts,
    code_loading::{LoadKey, code_loader},
    own_package::{OwnPackage, match_class_outside},
};
use crate::Engine;
use crate::model::Warning;
use crate::sdk_facts::{EVIDENCE_SAMPLES, NETWORK_HOST};

pub(super) fn read_dex(
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

pub(super) fn read_class(
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
        part.graph.merge(facts.graph);
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
    graph: crate::startup::CallGraph,
    /// The code file being read (`classes2.dex`).
    location: String,
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
            graph: Default::default(),
            location: location.to_owned(),
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
        // The app's own classes feed the start-up walk (CN-C01, crate::startup).
        let own_code = caller_sdk.is_none() && !engine.startup.is_framework(class.descriptor);
        if own_code {
            self.graph
                .class(class.descriptor, class.superclass, &self.location);
        }
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
            graph,
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
                    if own_code {
                        graph.invoke(
                            &engine.startup,
                            &engine.android,
                            (site.class, site.method),
                            (method.class, method.name),
                            callee.sdk.is_some(),
                            callee.rules.is_some(),
                        );
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
                        if own_code {
                            graph.field(
                                &engine.android,
                                (site.class, site.method),
                                (field.class, field.name),
                            );
                        }
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
pub(super) fn string_host<'e>(engine: &'e Engine, value: &str) -> Option<Hit<'e>> {
    if value.len() < 5 || value.len() > 2048 || !value.contains('.') {
        return None;
    }
    appaudit_sdk::Matcher::hosts_in(value, 8)
        .into_iter()
        .find_map(|h| engine.matcher.match_host(h))
}
