//! CN-C01, statically: what the app's start-up code reaches before a consent dialog can show.
//!
//! While the code pass reads the app's own classes (no SDK owns them, and they are not the
//! platform's), it keeps a small call graph: for each method, the app methods it calls, the SDK
//! initialisations it calls (`data/sdk_init_methods.toml`) and the sensitive APIs and fields of
//! the taxonomy it uses. [`CallGraph::walk`] then starts at `Application.onCreate` and
//! `attachBaseContext` of the manifest's `<application android:name>` class and at `onCreate`
//! of the app's own content providers (which run before it), follows app methods only, at most
//! [`MAX_DEPTH`] of them on a path, and reports each init or read reached with the path.
//!
//! Bounds: one interned name per method, at most [`MAX_CALLEES`] distinct callees per method,
//! at most [`MAX_RESULTS`] results per entry; a method is named by class and name (overloads are
//! one node, as in the inventory's call sites), and a call is resolved through the app's own
//! superclasses (`invoke-virtual App.init` reaching `BaseApp.init`).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use appaudit_model::StartupCall;
use appaudit_taxonomy::{AndroidRules, ApiRule};

use serde::Deserialize;

/// App methods on a path, the entry included (entry → m1 → m2 → m3, then the call).
pub(crate) const MAX_DEPTH: usize = 4;
/// Distinct callees kept per method.
const MAX_CALLEES: usize = 512;
/// Results per entry method.
const MAX_RESULTS: usize = 64;
/// Superclass steps when resolving a call to an inherited app method.
const MAX_SUPER_STEPS: usize = 8;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    framework_prefixes: Vec<String>,
    init: Vec<InitRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InitRow {
    class: String,
    method: String,
    sdk: String,
    source: String,
}

/// The SDK initialisations and the platform prefixes, loaded once per engine.
#[derive(Debug)]
pub(crate) struct InitTable {
    framework: Vec<String>,
    rows: Vec<InitRow>,
    /// `Lcn/jpush/android/api/JPushInterface;` → (`init`, row).
    by_class: HashMap<Box<str>, Vec<(Box<str>, usize)>>,
}

impl InitTable {
    /// `crates/scan/data/sdk_init_methods.toml`.
    pub(crate) fn builtin() -> Result<Self, toml::de::Error> {
        Self::parse(include_str!("../data/sdk_init_methods.toml"))
    }

    fn parse(text: &str) -> Result<Self, toml::de::Error> {
        let file: TableFile = toml::from_str(text)?;
        let mut by_class: HashMap<Box<str>, Vec<(Box<str>, usize)>> = HashMap::new();
        for (i, r) in file.init.iter().enumerate() {
            let descriptor = format!("L{};", r.class.replace('.', "/"));
            by_class
                .entry(descriptor.into())
                .or_default()
                .push((r.method.as_str().into(), i));
        }
        Ok(Self {
            framework: file.framework_prefixes,
            rows: file.init,
            by_class,
        })
    }

    /// Whether `descriptor` (`Landroid/app/Application;`) is the platform's, not the app's.
    pub(crate) fn is_framework(&self, descriptor: &str) -> bool {
        self.framework.iter().any(|p| descriptor.starts_with(p))
    }

    fn init(&self, class: &str, method: &str) -> Option<usize> {
        self.by_class
            .get(class)?
            .iter()
            .find(|(m, _)| &**m == method)
            .map(|&(_, row)| row)
    }

    /// The SDK ids the table names (tests check them against the signature database).
    #[cfg(test)]
    pub(crate) fn sdk_ids(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|r| r.sdk.as_str())
    }
}

/// What a method calls that the walk cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Callee {
    /// An app method, by interned name.
    Own(u32),
    /// An SDK initialisation: (interned call name, row of the init table).
    Init(u32, usize),
    /// A sensitive API or field, by interned call name (its data types in `CallGraph::reads`).
    Read(u32),
}

/// The app's own call graph, built by the code pass (one per task, then merged).
#[derive(Debug, Default)]
pub(crate) struct CallGraph {
    /// Interned names, shared with `index` (one allocation per name; merging moves them).
    names: Vec<Arc<str>>,
    index: WordMap<Arc<str>, u32>,
    /// Method (interned `Lcls;->name`) → what it calls.
    methods: WordMap<u32, Vec<Callee>>,
    /// Sensitive call (interned) → the data-type ids it reveals.
    reads: WordMap<u32, Vec<String>>,
    /// App class → its superclass (descriptors).
    superclass: WordMap<Box<str>, Box<str>>,
    /// App class → the code file it is in.
    files: WordMap<Box<str>, Box<str>>,
    /// Reused to build lookup keys without allocating on every invoke.
    key: String,
    /// The last caller interned, by the addresses of its names (see `CallGraph::caller`).
    last_caller: Option<((usize, usize, usize), u32)>,
    /// What an invoked `class->method` is to the walk, by the addresses and lengths of its
    /// names: one code file names a method through the same pool strings at every call, so
    /// the classification (init table, taxonomy, framework prefixes, interning) runs once per
    /// method instead of once per call. Only the code pass's per-task graphs fill it, while
    /// their code file is alive; [`CallGraph::merge`] never copies it.
    callee_memo: WordMap<(usize, usize, usize, usize), Option<Callee>>,
}

type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Hashes machine words (addresses, lengths) and names a word at a time by multiply-rotate.
/// The graph is per scan and bounded (interned names, callees per method), so a keyed hash's
/// flooding defence is not needed; SipHash and its per-byte cost were a tenth of a scan.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut tail = [0u8; 8];
            tail[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(tail));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

fn method_key(class: &str, method: &str) -> String {
    format!("{class}->{method}")
}

impl CallGraph {
    /// Interns `class` + `sep` + `member` (`Lcls;->name`, `Lcls;.FIELD`), allocating only for
    /// a name not seen before.
    fn intern_parts(&mut self, class: &str, sep: &str, member: &str) -> u32 {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.push_str(class);
        key.push_str(sep);
        key.push_str(member);
        let i = self.intern(&key);
        self.key = key;
        i
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.intern_new(Arc::from(name))
    }

    /// Interns a name that `index` does not hold yet.
    fn intern_new(&mut self, name: Arc<str>) -> u32 {
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(Arc::clone(&name));
        self.index.insert(name, i);
        i
    }

    fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", |n| n)
    }

    /// An app class of `file`, with its superclass.
    pub(crate) fn class(&mut self, descriptor: &str, superclass: Option<&str>, file: &str) {
        if let Some(sc) = superclass
            && !self.superclass.contains_key(descriptor)
        {
            self.superclass.insert(descriptor.into(), sc.into());
        }
        if !self.files.contains_key(descriptor) {
            self.files.insert(descriptor.into(), file.into());
        }
    }

    fn push(&mut self, caller: u32, callee: Callee) {
        let callees = self.methods.entry(caller).or_default();
        if callees.len() < MAX_CALLEES
            && callees.last() != Some(&callee)
            && !callees.contains(&callee)
        {
            callees.push(callee);
        }
    }

    /// An invoke in app method `caller_class->caller_method` of `class->method`; `callee_is_sdk`
    /// says an SDK owns `class`. Keeps only what the walk can use.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn invoke(
        &mut self,
        table: &InitTable,
        rules: &AndroidRules,
        (caller_class, caller_method): (&str, &str),
        (class, method): (&str, &str),
        callee_is_sdk: bool,
        callee_has_rules: bool,
    ) {
        let memo_key = (
            class.as_ptr() as usize,
            class.len(),
            method.as_ptr() as usize,
            method.len(),
        );
        let target = match self.callee_memo.get(&memo_key) {
            Some(known) => *known,
            None => {
                let target = self.classify(
                    table,
                    rules,
                    (class, method),
                    callee_is_sdk,
                    callee_has_rules,
                );
                self.callee_memo.insert(memo_key, target);
                target
            }
        };
        let Some(target) = target else {
            return;
        };
        let caller = self.caller(caller_class, caller_method);
        self.push(caller, target);
    }

    /// What a call of `class->method` is to the walk, or `None` when the walk cannot use it.
    fn classify(
        &mut self,
        table: &InitTable,
        rules: &AndroidRules,
        (class, method): (&str, &str),
        callee_is_sdk: bool,
        callee_has_rules: bool,
    ) -> Option<Callee> {
        // Inits are SDK classes; most invokes are the platform's and end here.
        let target = if let Some(row) = callee_is_sdk.then(|| table.init(class, method)).flatten() {
            Callee::Init(self.intern_parts(class, "->", method), row)
        } else if callee_has_rules
            && let Some(rule) = rules
                .api(class, method)
                .filter(|r| !r.data_types.is_empty())
        {
            let call = self.intern_parts(class, "->", method);
            self.read(call, rules, rule);
            Callee::Read(call)
        } else if !callee_is_sdk && !table.is_framework(class) && class.starts_with('L') {
            Callee::Own(self.intern_parts(class, "->", method))
        } else {
            return None;
        };
        Some(target)
    }

    /// The interned caller; the code pass feeds one method's references in a row, each with
    /// the same `&str`s, so the last one is remembered by address.
    fn caller(&mut self, class: &str, method: &str) -> u32 {
        let key = (
            class.as_ptr() as usize,
            method.as_ptr() as usize,
            method.len(),
        );
        if let Some((k, i)) = self.last_caller
            && k == key
        {
            return i;
        }
        let i = self.intern_parts(class, "->", method);
        self.last_caller = Some((key, i));
        i
    }

    /// A static field read (`Build.MODEL`) in an app method.
    pub(crate) fn field(
        &mut self,
        rules: &AndroidRules,
        (caller_class, caller_method): (&str, &str),
        (class, field): (&str, &str),
    ) {
        let Some(rule) = rules
            .field(class, field)
            .filter(|r| !r.data_types.is_empty())
        else {
            return;
        };
        let call = self.intern_parts(class, ".", field);
        self.read(call, rules, rule);
        let target = Callee::Read(call);
        let caller = self.caller(caller_class, caller_method);
        self.push(caller, target);
    }

    fn read(&mut self, call: u32, rules: &AndroidRules, rule: &ApiRule) {
        self.reads.entry(call).or_insert_with(|| {
            rule.data_types
                .iter()
                .filter_map(|t| rules.data_type(*t))
                .map(|m| m.id.clone())
                .collect()
        });
    }

    /// Adds another task's graph.
    pub(crate) fn merge(&mut self, mut other: CallGraph) {
        // The first graph merged into an empty one is moved, not re-interned.
        if self.names.is_empty() && self.methods.is_empty() && self.files.is_empty() {
            other.callee_memo.clear();
            other.last_caller = None;
            *self = other;
            return;
        }
        self.index.reserve(other.names.len());
        let map: Vec<u32> = other
            .names
            .into_iter()
            .map(|n| match self.index.get(&*n) {
                Some(&i) => i,
                None => self.intern_new(n),
            })
            .collect();
        let at = |i: u32| map.get(i as usize).copied().unwrap_or(u32::MAX);
        for (caller, callees) in other.methods {
            for c in callees {
                let c = match c {
                    Callee::Own(i) => Callee::Own(at(i)),
                    Callee::Init(i, row) => Callee::Init(at(i), row),
                    Callee::Read(i) => Callee::Read(at(i)),
                };
                self.push(at(caller), c);
            }
        }
        for (call, types) in other.reads {
            self.reads.entry(at(call)).or_insert(types);
        }
        for (class, sc) in other.superclass {
            self.superclass.entry(class).or_insert(sc);
        }
        for (class, file) in other.files {
            self.files.entry(class).or_insert(file);
        }
    }

    /// The method a call of `class->method` runs: the class's own, else the nearest app
    /// superclass's.
    fn resolve(&self, class: &str, method: &str) -> Option<u32> {
        let mut class = class.to_owned();
        for _ in 0..MAX_SUPER_STEPS {
            if let Some(&i) = self.index.get(method_key(&class, method).as_str())
                && self.methods.contains_key(&i)
            {
                return Some(i);
            }
            class = self.superclass.get(class.as_str())?.to_string();
        }
        None
    }

    fn split(&self, i: u32) -> (&str, &str) {
        self.name(i).split_once("->").unwrap_or((self.name(i), ""))
    }

    /// Walks from each entry (`(label, class descriptor, method)`), breadth first, so each
    /// result carries its shortest path.
    pub(crate) fn walk(
        &self,
        table: &InitTable,
        entries: &[(&'static str, String, &str)],
    ) -> Vec<StartupCall> {
        let mut out = Vec::new();
        let mut reported: BTreeSet<(&'static str, u32)> = BTreeSet::new();
        for (label, class, method) in entries {
            let Some(start) = self.resolve(class, method) else {
                continue;
            };
            let mut results = 0;
            let mut seen: HashSet<u32> = HashSet::from([start]);
            let mut queue: VecDeque<Vec<u32>> = VecDeque::from([vec![start]]);
            while let Some(path) = queue.pop_front() {
                let Some(&last) = path.last() else { continue };
                for callee in self.methods.get(&last).into_iter().flatten() {
                    match *callee {
                        Callee::Own(i) => {
                            if path.len() >= MAX_DEPTH {
                                continue;
                            }
                            let (c, m) = self.split(i);
                            if let Some(next) = self.resolve(c, m)
                                && seen.insert(next)
                            {
                                let mut longer = path.clone();
                                longer.push(next);
                                queue.push_back(longer);
                            }
                        }
                        Callee::Init(i, _) | Callee::Read(i) => {
                            if results < MAX_RESULTS && reported.insert((label, i)) {
                                results += 1;
                                out.push(self.result(table, label, &path, *callee));
                            }
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| (a.entry, a.kind, &a.call).cmp(&(b.entry, b.kind, &b.call)));
        out
    }

    fn result(
        &self,
        table: &InitTable,
        entry: &'static str,
        path: &[u32],
        callee: Callee,
    ) -> StartupCall {
        let mut steps: Vec<String> = path.iter().map(|&i| self.name(i).to_owned()).collect();
        let caller_class = path.last().map_or("", |&i| self.split(i).0);
        let file = self.files.get(caller_class).map(|f| f.to_string());
        let (kind, call, row) = match callee {
            Callee::Init(i, row) => ("sdk_init", i, table.rows.get(row)),
            Callee::Read(i) | Callee::Own(i) => ("sensitive_read", i, None),
        };
        let data_types = self.reads.get(&call).cloned().unwrap_or_default();
        let call = self.name(call).to_owned();
        steps.push(call.clone());
        StartupCall {
            kind,
            entry,
            call,
            sdk: row.map(|r| r.sdk.clone()),
            data_types,
            path: steps,
            file,
            source: row.map(|r| r.source.clone()),
        }
    }
}

/// `com.example.App` → `Lcom/example/App;`.
fn descriptor(binary_name: &str) -> String {
    format!("L{};", binary_name.replace('.', "/"))
}

/// The walk's entries for an app's manifest: its `Application` class's `attachBaseContext` and
/// `onCreate`, and `onCreate` of each content provider in the app's own package (Android creates
/// providers between the two), then the walk itself.
pub(crate) fn startup_calls(
    table: &InitTable,
    graph: &CallGraph,
    manifest: &appaudit_axml::Manifest,
) -> Vec<StartupCall> {
    let mut entries: Vec<(&'static str, String, &str)> = Vec::new();
    if let Some(app) = manifest
        .application
        .as_ref()
        .and_then(|a| a.name.as_deref())
    {
        entries.push((
            "Application.attachBaseContext",
            descriptor(app),
            "attachBaseContext",
        ));
        entries.push(("Application.onCreate", descriptor(app), "onCreate"));
    }
    if let Some(package) = manifest.package.as_deref() {
        let prefix = format!("{package}.");
        for c in &manifest.components {
            if c.kind == appaudit_axml::ComponentKind::Provider && c.name.starts_with(&prefix) {
                entries.push(("ContentProvider.onCreate", descriptor(&c.name), "onCreate"));
            }
        }
    }
    graph.walk(table, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use appaudit_taxonomy::Taxonomy;

    fn rules() -> AndroidRules {
        AndroidRules::new(&Taxonomy::builtin().expect("taxonomy"))
    }

    const APP: &str = "Lcom/example/App;";

    fn entries() -> Vec<(&'static str, String, &'static str)> {
        vec![("Application.onCreate", APP.to_owned(), "onCreate")]
    }

    /// Feeds `edges` (caller method of APP or a named class, callee class, callee method,
    /// callee owned by an SDK) into a graph.
    fn graph(
        rules: &AndroidRules,
        table: &InitTable,
        edges: &[(&str, &str, &str, bool)],
    ) -> CallGraph {
        let mut g = CallGraph::default();
        for &(caller, class, method, sdk) in edges {
            let (cc, cm) = caller.split_once("->").expect("caller");
            g.class(cc, Some("Landroid/app/Application;"), "classes.dex");
            let has_rules = rules.class_handle(class).is_some();
            g.invoke(table, rules, (cc, cm), (class, method), sdk, has_rules);
        }
        g
    }

    #[test]
    fn builtin_table_loads_with_sources() {
        let t = InitTable::builtin().expect("table");
        assert!(
            t.rows
                .iter()
                .all(|r| r.source.contains("http") || r.source.contains("javap"))
        );
        assert!(
            t.init("Lcn/jpush/android/api/JPushInterface;", "init")
                .is_some()
        );
        assert!(
            t.init("Lcn/jpush/android/api/JPushInterface;", "setDebugMode")
                .is_none()
        );
        // Umeng's pre-initialisation collects nothing (its compliance guide): not an init.
        assert!(
            t.init("Lcom/umeng/commonsdk/UMConfigure;", "preInit")
                .is_none()
        );
        assert!(t.is_framework("Landroidx/core/app/X;"));
        assert!(!t.is_framework("Lcom/example/App;"));
        let db = appaudit_sdk::SignatureDb::builtin().expect("db");
        for id in t.sdk_ids() {
            assert!(db.sdks().iter().any(|s| s.id == id), "unknown SDK id {id}");
        }
    }

    #[test]
    fn an_init_two_app_methods_down_is_reported_with_its_path() {
        let (r, t) = (rules(), InitTable::builtin().expect("table"));
        let g = graph(
            &r,
            &t,
            &[
                (
                    "Lcom/example/App;->onCreate",
                    "Landroid/app/Application;",
                    "onCreate",
                    false,
                ),
                (
                    "Lcom/example/App;->onCreate",
                    "Lcom/example/Sdks;",
                    "initAll",
                    false,
                ),
                (
                    "Lcom/example/Sdks;->initAll",
                    "Lcom/example/Sdks;",
                    "push",
                    false,
                ),
                (
                    "Lcom/example/Sdks;->push",
                    "Lcn/jpush/android/api/JPushInterface;",
                    "init",
                    true,
                ),
                // Another SDK method is not an init and is not walked into.
                (
                    "Lcom/example/Sdks;->push",
                    "Lcn/jpush/android/api/JPushInterface;",
                    "setDebugMode",
                    true,
                ),
            ],
        );
        let got = g.walk(&t, &entries());
        assert_eq!(got.len(), 1, "{got:?}");
        let c = &got[0];
        assert_eq!((c.kind, c.entry), ("sdk_init", "Application.onCreate"));
        assert_eq!(c.sdk.as_deref(), Some("jpush"));
        assert_eq!(
            c.path,
            [
                "Lcom/example/App;->onCreate",
                "Lcom/example/Sdks;->initAll",
                "Lcom/example/Sdks;->push",
                "Lcn/jpush/android/api/JPushInterface;->init"
            ]
        );
        assert_eq!(c.file.as_deref(), Some("classes.dex"));
        assert!(c.source.as_deref().is_some_and(|s| s.contains("jiguang")));
    }

    #[test]
    fn the_walk_stops_at_four_app_methods_sdk_code_and_cycles() {
        let (r, t) = (rules(), InitTable::builtin().expect("table"));
        let chain = |n: usize| -> Vec<(String, String, String, bool)> {
            let mut e: Vec<(String, String, String, bool)> = (0..n)
                .map(|i| {
                    let caller = if i == 0 {
                        "Lcom/example/App;->onCreate".to_owned()
                    } else {
                        format!("Lcom/example/M{i};->m")
                    };
                    (
                        caller,
                        format!("Lcom/example/M{};", i + 1),
                        "m".to_owned(),
                        false,
                    )
                })
                .collect();
            e.push((
                format!("Lcom/example/M{n};->m"),
                "Landroid/telephony/TelephonyManager;".to_owned(),
                "getDeviceId".to_owned(),
                false,
            ));
            // A cycle back to the start.
            e.push((
                format!("Lcom/example/M{n};->m"),
                APP.to_owned(),
                "onCreate".to_owned(),
                false,
            ));
            e
        };
        let run = |n: usize| {
            let edges = chain(n);
            let borrowed: Vec<(&str, &str, &str, bool)> = edges
                .iter()
                .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), *d))
                .collect();
            graph(&r, &t, &borrowed).walk(&t, &entries())
        };
        // onCreate → M1 → M2 → M3 (four app methods) → getDeviceId: found.
        let found = run(3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "sensitive_read");
        assert_eq!(found[0].data_types, ["imei"]);
        assert_eq!(found[0].path.len(), 5);
        // One more hop is beyond the bound.
        assert!(run(4).is_empty());
        // A read inside SDK code is the SDK's; the walk does not enter it.
        let g = graph(
            &r,
            &t,
            &[
                ("Lcom/example/App;->onCreate", "Lcom/umeng/X;", "a", true),
                (
                    "Lcom/umeng/X;->a",
                    "Landroid/telephony/TelephonyManager;",
                    "getImei",
                    false,
                ),
            ],
        );
        assert!(g.walk(&t, &entries()).is_empty());
        // A conditional read (Settings$Secure.getString needs its argument) is not claimed.
        let g = graph(
            &r,
            &t,
            &[(
                "Lcom/example/App;->onCreate",
                "Landroid/provider/Settings$Secure;",
                "getString",
                false,
            )],
        );
        assert!(g.walk(&t, &entries()).is_empty());
    }

    #[test]
    fn an_inherited_start_up_method_is_resolved_through_app_superclasses() {
        let (r, t) = (rules(), InitTable::builtin().expect("table"));
        let mut g = CallGraph::default();
        g.class(APP, Some("Lcom/example/BaseApp;"), "classes2.dex");
        g.class(
            "Lcom/example/BaseApp;",
            Some("Landroid/app/Application;"),
            "classes.dex",
        );
        g.invoke(
            &t,
            &r,
            ("Lcom/example/BaseApp;", "onCreate"),
            (
                "Lcom/tencent/bugly/crashreport/CrashReport;",
                "initCrashReport",
            ),
            true,
            false,
        );
        let got = g.walk(&t, &entries());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path[0], "Lcom/example/BaseApp;->onCreate");
        assert_eq!(got[0].sdk.as_deref(), Some("tencent-bugly"));
        assert_eq!(got[0].file.as_deref(), Some("classes.dex"));
        // Merging two task graphs keeps the edges.
        let mut merged = CallGraph::default();
        merged.merge(g);
        assert_eq!(merged.walk(&t, &entries()).len(), 1);
        // No entry class in the graph: nothing.
        assert!(
            merged
                .walk(
                    &t,
                    &[(
                        "Application.onCreate",
                        "Lcom/other/App;".to_owned(),
                        "onCreate"
                    )]
                )
                .is_empty()
        );
    }
}
