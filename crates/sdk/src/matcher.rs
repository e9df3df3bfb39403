//! The compiled matcher: one automaton per rule kind, built once per database.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::RegexSet;
use serde::Serialize;

use crate::db::SignatureDb;
use crate::glob;
use crate::schema::RuleKind;

/// One rule that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hit<'m> {
    /// Index into [`SignatureDb::sdks`] of the database the matcher was built from.
    pub sdk: usize,
    /// Which kind of rule matched.
    pub kind: RuleKind,
    /// Index of the rule in that SDK's rule list of this kind.
    pub rule: usize,
    /// The rule's pattern as written in the signature file.
    pub pattern: &'m str,
}

#[derive(Debug, Clone)]
struct RuleRef {
    sdk: usize,
    kind: RuleKind,
    rule: usize,
    pattern: String,
}

/// Longest-prefix lookup over literal prefixes, anchored at the start of the input.
#[derive(Debug, Clone, Default)]
struct PrefixIndex {
    automaton: Option<AhoCorasick>,
    /// Automaton pattern id -> rule.
    targets: Vec<usize>,
}

impl PrefixIndex {
    fn build(prefixes: Vec<(String, usize)>) -> Self {
        if prefixes.is_empty() {
            return Self::default();
        }
        let (patterns, targets): (Vec<String>, Vec<usize>) = prefixes.into_iter().unzip();
        // A contiguous NFA: built in a fraction of a DFA's time (the database loads once per
        // process, under 20 ms); a lookup is still one anchored walk over the name.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(StartKind::Anchored)
                    .build(&patterns)
            })
            .ok();
        Self { automaton, targets }
    }

    fn longest(&self, haystack: &str) -> Option<usize> {
        let automaton = self.automaton.as_ref()?;
        let found = automaton.find(Input::new(haystack).anchored(Anchored::Yes))?;
        self.targets.get(found.pattern().as_usize()).copied()
    }
}

/// Longest-prefix lookup over prefixes that end at a package boundary (`com/umeng/`,
/// `com.umeng.`): one hash lookup per `/` or `.` of the name, longest first. Builds in well
/// under a millisecond for thousands of prefixes (an automaton over them takes several).
#[derive(Debug, Clone, Default)]
struct BoundaryIndex {
    prefixes: HashMap<String, usize>,
}

impl BoundaryIndex {
    fn build(prefixes: Vec<(String, usize)>) -> Self {
        let mut map = HashMap::with_capacity(prefixes.len());
        for (p, t) in prefixes {
            map.entry(p).or_insert(t);
        }
        Self { prefixes: map }
    }

    fn longest(&self, haystack: &str) -> Option<usize> {
        if self.prefixes.is_empty() {
            return None;
        }
        haystack
            .bytes()
            .enumerate()
            .rev()
            .filter(|&(_, b)| b == b'/' || b == b'.')
            .find_map(|(i, _)| haystack.get(..=i).and_then(|p| self.prefixes.get(p)))
            .copied()
    }
}

/// Exact names plus globs; the most specific match wins.
#[derive(Debug, Clone, Default)]
struct GlobIndex {
    case_insensitive: bool,
    exact: HashMap<String, usize>,
    set: Option<RegexSet>,
    /// Glob number in `set` -> (rule, literal length).
    globs: Vec<(usize, usize)>,
}

impl GlobIndex {
    fn build(patterns: Vec<(String, usize)>, case_insensitive: bool) -> Self {
        let mut index = GlobIndex {
            case_insensitive,
            ..Self::default()
        };
        let mut regexes = Vec::new();
        for (pattern, target) in patterns {
            if glob::is_glob(&pattern) {
                regexes.push(glob::to_regex(&pattern, case_insensitive));
                index.globs.push((target, glob::literal_len(&pattern)));
            } else {
                let key = if case_insensitive {
                    pattern.to_ascii_lowercase()
                } else {
                    pattern
                };
                index.exact.entry(key).or_insert(target);
            }
        }
        // Every glob was compiled one by one during validation, so the set compiles too.
        index.set = (!regexes.is_empty())
            .then(|| RegexSet::new(&regexes).ok())
            .flatten();
        index
    }

    fn best(&self, name: &str) -> Option<usize> {
        let exact = if self.case_insensitive {
            self.exact.get(&name.to_ascii_lowercase())
        } else {
            self.exact.get(name)
        };
        if let Some(&target) = exact {
            return Some(target);
        }
        let set = self.set.as_ref()?;
        set.matches(name)
            .into_iter()
            .filter_map(|i| self.globs.get(i).copied())
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(target, _)| target)
    }
}

/// Host names (domain suffixes) plus host globs; the longest suffix, then the most specific
/// glob wins.
#[derive(Debug, Clone, Default)]
struct HostIndex {
    suffixes: HashMap<String, usize>,
    globs: GlobIndex,
}

impl HostIndex {
    fn build(patterns: Vec<(String, usize)>) -> Self {
        let (globs, exact): (Vec<_>, Vec<_>) = patterns
            .into_iter()
            .map(|(p, t)| (p.to_ascii_lowercase(), t))
            .partition(|(p, _)| glob::is_glob(p));
        let mut suffixes = HashMap::new();
        for (p, t) in exact {
            suffixes.entry(p).or_insert(t);
        }
        Self {
            suffixes,
            globs: GlobIndex::build(globs, true),
        }
    }

    fn best(&self, host: &str) -> Option<usize> {
        if self.suffixes.is_empty() && self.globs.exact.is_empty() && self.globs.set.is_none() {
            return None;
        }
        let lower;
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = host.to_ascii_lowercase();
            lower.as_str()
        } else {
            host
        };
        let host = host.trim_end_matches('.');
        // The host itself, then each parent domain: the first found is the longest suffix.
        let mut rest = host;
        loop {
            if let Some(&t) = self.suffixes.get(rest) {
                return Some(t);
            }
            match rest.split_once('.') {
                Some((_, parent)) if parent.contains('.') => rest = parent,
                _ => break,
            }
        }
        self.globs.best(host)
    }
}

/// Characters that end a host name inside a URL (`https://api.x.com:443/p?q`).
fn ends_host(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '%' || c == '_')
}

/// Whether `s` is shaped like a host name: labels of letters, digits and `-`, two or more,
/// the last one letters only (a TLD), so version numbers and IPs are not hosts.
fn looks_like_host(s: &str) -> bool {
    let mut labels = 0;
    let mut last = "";
    for label in s.split('.') {
        if label.is_empty()
            || label.len() > 63
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Every rule of a [`SignatureDb`], compiled for fast lookups. Build once, share freely.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: Vec<RuleRef>,
    java: BoundaryIndex,
    component_exact: HashMap<String, usize>,
    component_prefix: BoundaryIndex,
    objc: PrefixIndex,
    native_libs: GlobIndex,
    meta_data: GlobIndex,
    assets: GlobIndex,
    library_markers: GlobIndex,
    ios_frameworks: GlobIndex,
    ios_bundle_ids: GlobIndex,
    hosts: HostIndex,
    /// Marker classes (slashed, `com/google/android/gms/auth/api/signin/GoogleSignIn`) -> SDK.
    markers: HashMap<String, usize>,
    /// Whether each SDK (by index) has marker classes.
    needs_marker: Vec<bool>,
}

/// Symbol-table spellings of an Objective-C class name.
const OBJC_SYMBOL_PREFIXES: [&str; 4] = [
    "_OBJC_CLASS_$_",
    "_OBJC_METACLASS_$_",
    "OBJC_CLASS_$_",
    "OBJC_METACLASS_$_",
];

/// File suffixes that wrap an iOS framework or library name.
const IOS_LIBRARY_SUFFIXES: [&str; 5] = [".xcframework", ".framework", ".dylib", ".tbd", ".a"];

impl Matcher {
    /// Compiles every rule of the database.
    pub fn new(db: &SignatureDb) -> Self {
        let mut rules = Vec::new();
        let mut by_kind: HashMap<RuleKind, Vec<(String, usize)>> = HashMap::new();
        for (sdk_index, sdk) in db.sdks().iter().enumerate() {
            for kind in RuleKind::ALL {
                for (rule_index, rule) in sdk.rules.of(kind).iter().enumerate() {
                    let target = rules.len();
                    rules.push(RuleRef {
                        sdk: sdk_index,
                        kind,
                        rule: rule_index,
                        pattern: rule.pattern.clone(),
                    });
                    by_kind
                        .entry(kind)
                        .or_default()
                        .push((rule.pattern.clone(), target));
                }
            }
        }
        let mut markers = HashMap::new();
        let mut needs_marker = vec![false; db.sdks().len()];
        for (sdk_index, sdk) in db.sdks().iter().enumerate() {
            for marker in &sdk.marker_classes {
                markers.insert(marker.pattern.replace('.', "/"), sdk_index);
                if let Some(flag) = needs_marker.get_mut(sdk_index) {
                    *flag = true;
                }
            }
        }
        let mut take = |kind| by_kind.remove(&kind).unwrap_or_default();

        // Package prefixes in both spellings, each ending in its separator so `com/umeng/`
        // never matches `com/umengx/`.
        let java = BoundaryIndex::build(
            take(RuleKind::JavaPackage)
                .into_iter()
                .flat_map(|(p, t)| {
                    [
                        (format!("{}/", p.replace('.', "/")), t),
                        (format!("{p}."), t),
                    ]
                })
                .collect(),
        );
        let mut component_exact = HashMap::new();
        let mut component_prefixes = Vec::new();
        for (pattern, target) in take(RuleKind::Component) {
            match pattern.strip_suffix('*') {
                Some(prefix) => component_prefixes.push((prefix.to_owned(), target)),
                None => {
                    component_exact.entry(pattern).or_insert(target);
                }
            }
        }
        Matcher {
            java,
            component_exact,
            component_prefix: BoundaryIndex::build(component_prefixes),
            objc: PrefixIndex::build(take(RuleKind::ObjcClass)),
            native_libs: GlobIndex::build(take(RuleKind::NativeLib), false),
            meta_data: GlobIndex::build(take(RuleKind::MetaData), false),
            assets: GlobIndex::build(take(RuleKind::Asset), false),
            library_markers: GlobIndex::build(take(RuleKind::LibraryMarker), false),
            ios_frameworks: GlobIndex::build(take(RuleKind::IosFramework), true),
            ios_bundle_ids: GlobIndex::build(take(RuleKind::IosBundleId), false),
            hosts: HostIndex::build(take(RuleKind::Host)),
            rules,
            markers,
            needs_marker,
        }
    }

    fn hit(&self, target: usize) -> Option<Hit<'_>> {
        self.rules.get(target).map(|r| Hit {
            sdk: r.sdk,
            kind: r.kind,
            rule: r.rule,
            pattern: &r.pattern,
        })
    }

    /// The SDK owning a class: accepts DEX descriptors (`Lcom/umeng/analytics/Foo;`, array
    /// descriptors too), slashed (`com/umeng/Foo`) and dotted (`com.umeng.Foo`) names.
    /// Matches at package boundaries only; the longest package prefix wins. Does not allocate.
    pub fn match_class(&self, class: &str) -> Option<Hit<'_>> {
        let name = class.trim_start_matches('[');
        let name = name
            .strip_prefix('L')
            .and_then(|n| n.strip_suffix(';'))
            .unwrap_or(name);
        self.java.longest(name).and_then(|t| self.hit(t))
    }

    /// The SDK whose network host this is (`api.bugly.qq.com` matches `bugly.qq.com`;
    /// case-insensitive, a trailing dot ignored); the longest domain suffix wins.
    pub fn match_host(&self, host: &str) -> Option<Hit<'_>> {
        self.hosts.best(host).and_then(|t| self.hit(t))
    }

    /// The host names a string holds: the host part of every URL in it
    /// (`https://api.x.com:443/p` → `api.x.com`; a `%s.` template part is dropped), or the
    /// whole string when it is a bare host name (`log.umsns.com`). Does not allocate; at
    /// most `limit` hosts.
    pub fn hosts_in(text: &str, limit: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let trimmed = text.trim();
        if !trimmed.contains("://") {
            if trimmed.len() <= 253 && looks_like_host(trimmed) {
                out.push(trimmed);
            }
            return out;
        }
        let mut rest = trimmed;
        while let Some(at) = rest.find("://") {
            let after = rest.get(at + 3..).unwrap_or("");
            let end = after.find(ends_host).unwrap_or(after.len());
            let mut host = after.get(..end).unwrap_or("");
            // Templates: `https://%s.umeng.com`, `http://{region}.x.com`.
            if let Some(pos) = host.rfind(['%', '_']) {
                host = host.get(pos + 1..).unwrap_or("");
                host = host.split_once('.').map_or("", |(_, h)| h);
            }
            if looks_like_host(host) && out.len() < limit {
                out.push(host);
            }
            rest = after.get(end..).unwrap_or("");
        }
        out
    }

    /// Whether the SDK at `sdk` names marker classes (see [`crate::Sdk::marker_classes`]):
    /// its class matches alone do not make it present.
    pub fn needs_marker(&self, sdk: usize) -> bool {
        self.needs_marker.get(sdk).copied().unwrap_or(false)
    }

    /// The SDK whose marker class this is, in any spelling [`Self::match_class`] accepts.
    pub fn marker_of(&self, class: &str) -> Option<usize> {
        let name = class.trim_start_matches('[');
        let name = name
            .strip_prefix('L')
            .and_then(|n| n.strip_suffix(';'))
            .unwrap_or(name);
        if name.contains('.') {
            self.markers.get(&name.replace('.', "/")).copied()
        } else {
            self.markers.get(name).copied()
        }
    }

    /// The SDK owning a native library, by file name (a path's directories are ignored).
    pub fn match_native_lib(&self, file_name: &str) -> Option<Hit<'_>> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        self.native_libs.best(base).and_then(|t| self.hit(t))
    }

    /// The SDK owning a manifest component (fully qualified dotted class name): component rules
    /// first (exact, then longest `pkg.*` prefix), then the Java package rules.
    pub fn match_component(&self, class_name: &str) -> Option<Hit<'_>> {
        if let Some(&t) = self.component_exact.get(class_name) {
            return self.hit(t);
        }
        self.component_prefix
            .longest(class_name)
            .and_then(|t| self.hit(t))
            .or_else(|| self.match_class(class_name))
    }

    /// The SDK that reads a manifest `<meta-data>` key.
    pub fn match_meta_data(&self, key: &str) -> Option<Hit<'_>> {
        self.meta_data.best(key).and_then(|t| self.hit(t))
    }

    /// The SDK that ships a file at this path inside the package (`assets/…`).
    pub fn match_asset(&self, path: &str) -> Option<Hit<'_>> {
        self.assets
            .best(path.trim_start_matches('/'))
            .and_then(|t| self.hit(t))
    }

    /// The SDK named by a library marker file (`META-INF/….version`, `….properties`).
    pub fn match_library_marker(&self, path: &str) -> Option<Hit<'_>> {
        self.library_markers
            .best(path.trim_start_matches('/'))
            .and_then(|t| self.hit(t))
    }

    /// The SDK of an iOS framework or static library. Accepts `AlipaySDK`,
    /// `AlipaySDK.framework`, `Frameworks/X.framework/X`, `libWeChatSDK.a`,
    /// `jcore-ios-3.2.5.a` (case-insensitive; a `lib` prefix of a library is optional).
    pub fn match_ios_framework(&self, name: &str) -> Option<Hit<'_>> {
        let base = name
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(name);
        let stem = IOS_LIBRARY_SUFFIXES
            .iter()
            .find_map(|suffix| {
                let cut = base.len().checked_sub(suffix.len())?;
                let (head, tail) = (base.get(..cut)?, base.get(cut..)?);
                tail.eq_ignore_ascii_case(suffix).then_some(head)
            })
            .unwrap_or(base);
        self.ios_frameworks
            .best(stem)
            .or_else(|| {
                let without_lib = stem
                    .get(3..)
                    .filter(|_| stem.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("lib")))?;
                self.ios_frameworks.best(without_lib)
            })
            .and_then(|t| self.hit(t))
    }

    /// The SDK of an Objective-C class (`JPUSHService`, or the symbol `_OBJC_CLASS_$_JPUSHService`);
    /// the longest class-name prefix wins.
    pub fn match_objc_class(&self, name: &str) -> Option<Hit<'_>> {
        let class = OBJC_SYMBOL_PREFIXES
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(name);
        self.objc.longest(class).and_then(|t| self.hit(t))
    }

    /// The SDK of an embedded framework's `CFBundleIdentifier`.
    pub fn match_ios_bundle_id(&self, bundle_id: &str) -> Option<Hit<'_>> {
        self.ios_bundle_ids
            .best(bundle_id)
            .and_then(|t| self.hit(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = r#"
[[sdk]]
id = "umeng-common"
name = "Umeng"
vendor = "Umeng"
market = "cn"
category = "analytics"
privacy_policy = "https://example.com/p"
platforms = ["android", "ios"]
source = "test"
[sdk.rules]
java_packages = ["com.umeng"]
meta_data = ["UMENG_APPKEY", "UMENG_*_SECRET"]
ios_frameworks = ["UMCommon", "umeng-ios-*"]
objc_class_prefixes = ["UMConfigure", "UM_"]
ios_bundle_ids = ["com.umeng.*"]

[[sdk]]
id = "umeng-analytics"
name = "Umeng Analytics"
vendor = "Umeng"
market = "cn"
category = "analytics"
parent = "umeng-common"
privacy_policy = "https://example.com/p"
platforms = ["android", "ios"]
source = "test"
[sdk.rules]
java_packages = ["com.umeng.analytics"]
components = ["com.umeng.analytics.Svc", "com.other.analytics.*"]
native_libs = ["libumeng-spy.so"]
objc_class_prefixes = ["UMConfigureAnalytics"]

[[sdk]]
id = "jcore"
name = "JCore"
vendor = "Jiguang"
market = "cn"
category = "push"
privacy_policy = "https://example.com/p"
platforms = ["android"]
source = "test"
[sdk.rules]
java_packages = ["cn.jiguang"]
native_libs = ["libjcore*.so", "libtnet-*.so", "libtnet-2.1.20.1-agoo.so"]
assets = ["assets/jiguang/*.dat", "assets/jcore/**"]
library_markers = ["META-INF/jcore_*.version"]
hosts = ["jpush.cn", "stats.jpush.io", "mst*.is.autonavi.com"]
"#;

    fn fixture() -> (SignatureDb, Matcher) {
        let db = SignatureDb::from_toml("test.toml", DB).expect("valid test db");
        let matcher = Matcher::new(&db);
        (db, matcher)
    }

    fn id<'a>(db: &'a SignatureDb, hit: Option<Hit<'_>>) -> Option<&'a str> {
        hit.map(|h| db.sdks()[h.sdk].id.as_str())
    }

    #[test]
    fn class_names_in_every_spelling() {
        let (db, m) = fixture();
        for name in [
            "Lcom/umeng/analytics/Foo;",
            "com/umeng/analytics/Foo",
            "com.umeng.analytics.Foo",
            "[[Lcom/umeng/analytics/Foo;",
            "Lcom/umeng/analytics/sub/Foo$1;",
        ] {
            assert_eq!(
                id(&db, m.match_class(name)),
                Some("umeng-analytics"),
                "{name}"
            );
        }
        let hit = m.match_class("Lcom/umeng/analytics/Foo;").expect("hit");
        assert_eq!(
            (hit.kind, hit.rule, hit.pattern),
            (RuleKind::JavaPackage, 0, "com.umeng.analytics")
        );
    }

    #[test]
    fn longest_prefix_wins_and_boundaries_hold() {
        let (db, m) = fixture();
        assert_eq!(
            id(&db, m.match_class("Lcom/umeng/commonsdk/A;")),
            Some("umeng-common")
        );
        assert_eq!(
            id(&db, m.match_class("Lcom/umeng/analyticsx/A;")),
            Some("umeng-common")
        );
        assert_eq!(id(&db, m.match_class("Lcom/umengx/A;")), None);
        assert_eq!(
            id(&db, m.match_class("Lcom/umeng;")),
            None,
            "a class named like the package is not inside it"
        );
        assert_eq!(id(&db, m.match_class("Lcn/jiguangx/A;")), None);
        assert_eq!(
            id(&db, m.match_class("Lcom/foo/cn/jiguang/A;")),
            None,
            "anchored at the start"
        );
        assert_eq!(id(&db, m.match_class("")), None);
        assert_eq!(id(&db, m.match_class("L;")), None);
    }

    #[test]
    fn native_library_globs() {
        let (db, m) = fixture();
        assert_eq!(id(&db, m.match_native_lib("libjcore332.so")), Some("jcore"));
        assert_eq!(
            id(&db, m.match_native_lib("lib/arm64-v8a/libjcore.so")),
            Some("jcore")
        );
        assert_eq!(id(&db, m.match_native_lib("libjcore332.so.bak")), None);
        assert_eq!(
            id(&db, m.match_native_lib("libtnet-3.1.14.so")),
            Some("jcore")
        );
        assert_eq!(id(&db, m.match_native_lib("libtnet.so")), None);
        assert_eq!(
            id(&db, m.match_native_lib("libumeng-spy.so")),
            Some("umeng-analytics")
        );
        // The exact rule beats the glob that also matches.
        let exact = m.match_native_lib("libtnet-2.1.20.1-agoo.so").expect("hit");
        assert_eq!(exact.pattern, "libtnet-2.1.20.1-agoo.so");
    }

    #[test]
    fn components_meta_data_assets_markers() {
        let (db, m) = fixture();
        let exact = m.match_component("com.umeng.analytics.Svc").expect("exact");
        assert_eq!(
            (exact.kind, exact.pattern),
            (RuleKind::Component, "com.umeng.analytics.Svc")
        );
        assert_eq!(
            id(&db, m.match_component("com.other.analytics.Receiver")),
            Some("umeng-analytics")
        );
        assert_eq!(
            id(&db, m.match_component("com.other.analyticsX.Receiver")),
            None
        );
        let fallback = m
            .match_component("cn.jiguang.Service")
            .expect("java fallback");
        assert_eq!(
            (id(&db, Some(fallback)), fallback.kind),
            (Some("jcore"), RuleKind::JavaPackage)
        );
        assert_eq!(
            id(&db, m.match_meta_data("UMENG_APPKEY")),
            Some("umeng-common")
        );
        assert_eq!(
            id(&db, m.match_meta_data("UMENG_MESSAGE_SECRET")),
            Some("umeng-common")
        );
        assert_eq!(
            id(&db, m.match_meta_data("umeng_appkey")),
            None,
            "meta-data keys are case-sensitive"
        );
        assert_eq!(
            id(&db, m.match_asset("assets/jiguang/a.dat")),
            Some("jcore")
        );
        assert_eq!(
            id(&db, m.match_asset("assets/jiguang/x/a.dat")),
            None,
            "* stays in one directory"
        );
        assert_eq!(
            id(&db, m.match_asset("/assets/jcore/x/y.bin")),
            Some("jcore")
        );
        assert_eq!(
            id(&db, m.match_library_marker("META-INF/jcore_3.3.2.version")),
            Some("jcore")
        );
    }

    #[test]
    fn ios_names() {
        let (db, m) = fixture();
        for name in [
            "UMCommon",
            "umcommon",
            "UMCommon.framework",
            "Frameworks/UMCommon.framework/UMCommon",
            "libUMCommon.a",
            "UMCommon.xcframework/",
        ] {
            assert_eq!(
                id(&db, m.match_ios_framework(name)),
                Some("umeng-common"),
                "{name}"
            );
        }
        assert_eq!(
            id(&db, m.match_ios_framework("umeng-ios-1.2.a")),
            Some("umeng-common")
        );
        assert_eq!(id(&db, m.match_ios_framework("UMCommonX")), None);
        assert_eq!(id(&db, m.match_ios_framework("")), None);
        assert_eq!(
            id(&db, m.match_objc_class("_OBJC_CLASS_$_UMConfigure")),
            Some("umeng-common")
        );
        assert_eq!(
            id(
                &db,
                m.match_objc_class("OBJC_METACLASS_$_UMConfigureAnalyticsX")
            ),
            Some("umeng-analytics")
        );
        assert_eq!(id(&db, m.match_objc_class("UMX")), None);
        assert_eq!(
            id(&db, m.match_ios_bundle_id("com.umeng.common")),
            Some("umeng-common")
        );
        assert_eq!(id(&db, m.match_ios_bundle_id("com.umengx")), None);
    }

    #[test]
    fn hosts_match_at_label_boundaries() {
        let (db, m) = fixture();
        for host in [
            "jpush.cn",
            "s.jpush.cn",
            "im64.JPUSH.cn",
            "tcp.jpush.cn.",
            "stats.jpush.io",
        ] {
            assert_eq!(id(&db, m.match_host(host)), Some("jcore"), "{host}");
        }
        for host in [
            "xjpush.cn",
            "jpush.cnx",
            "cn",
            "",
            "sis.jpush.io",
            "jpush.io",
            ".",
        ] {
            assert_eq!(id(&db, m.match_host(host)), None, "{host}");
        }
        assert_eq!(
            id(&db, m.match_host("mst3.is.autonavi.com")),
            Some("jcore"),
            "glob"
        );
        assert_eq!(id(&db, m.match_host("x.mst3.is.autonavi.com")), None);
        let hit = m.match_host("a.b.jpush.cn").expect("hit");
        assert_eq!((hit.kind, hit.pattern), (RuleKind::Host, "jpush.cn"));
    }

    #[test]
    fn hosts_in_strings() {
        let cases: &[(&str, &[&str])] = &[
            ("https://stats.jpush.cn/v3/report", &["stats.jpush.cn"]),
            (
                "http://sdk.verification.jiguang.cn:443/ip?x=1",
                &["sdk.verification.jiguang.cn"],
            ),
            ("tcp.jpush.cn", &["tcp.jpush.cn"]),
            (" android.bugly.qq.com ", &["android.bugly.qq.com"]),
            ("https://%s.umeng.com/x", &["umeng.com"]),
            (
                "a https://a.example.com and http://b.example.org/",
                &["a.example.com", "b.example.org"],
            ),
            ("com.umeng.analytics", &["com.umeng.analytics"]),
            ("1.2.3", &[]),
            ("10.0.0.1", &[]),
            ("Hello world.", &[]),
            ("https://", &[]),
            ("file:///sdcard/x.txt", &[]),
            ("", &[]),
            ("jpush", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(Matcher::hosts_in(text, 8), *want, "{text:?}");
        }
        let many = "http://a.example.com ".repeat(100);
        assert_eq!(Matcher::hosts_in(&many, 3).len(), 3);
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let (_, m) = fixture();
        let long = "a/".repeat(100_000);
        for s in [
            "",
            "L",
            ";",
            "[",
            "[[[[",
            "L;",
            "\u{0}",
            "L\u{fffd};",
            long.as_str(),
            "lib",
            "/",
            "é/ü/ß",
            "_OBJC_CLASS_$_",
        ] {
            let _ = (
                m.match_class(s),
                m.match_native_lib(s),
                m.match_component(s),
                m.match_meta_data(s),
            );
            let _ = (
                m.match_asset(s),
                m.match_library_marker(s),
                m.match_ios_framework(s),
            );
            let _ = (
                m.match_objc_class(s),
                m.match_ios_bundle_id(s),
                m.match_host(s),
            );
            let _ = (Matcher::hosts_in(s, 4), m.marker_of(s));
        }
    }
}
