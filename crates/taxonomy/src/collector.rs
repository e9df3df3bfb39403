//! Aggregation of access evidence into per-data-type records. Independent of any
//! parser: callers feed events, [`DataAccessCollector::finish`] sorts and caps them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::MarkerKind;
use crate::android::{AndroidRules, ApiRule, DataTypeId, MarkerRule, PermissionInfo};
use crate::ios::{IosApiRule, IosRule};

/// How many call sites each accessor lists (the full count is reported beside them).
pub const SAMPLE_CALL_SITES: usize = 5;

/// Who reads one data type and how.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataAccess {
    /// Stable data-type id (`imei`).
    pub data_type: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
    /// Requested permissions that grant it, sorted.
    pub permissions: Vec<String>,
    /// The app first, then SDKs by id.
    pub accessors: Vec<Accessor>,
}

/// One accessor (the app or an SDK) of a data type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Accessor {
    /// SDK id, `None` for the app's own code.
    pub sdk: Option<String>,
    /// APIs it calls (`TelephonyManager.getDeviceId`,
    /// `Settings$Secure.getString("android_id")`, `… via reflection`), sorted.
    pub apis: Vec<String>,
    /// Standalone marker strings found in its code (`content://sms`), sorted.
    pub markers: Vec<String>,
    /// The first [`SAMPLE_CALL_SITES`] call sites in sorted order
    /// (`Lcom/umeng/…/DeviceConfig;->getImei`).
    pub call_sites: Vec<String>,
    /// The code file (DEX or class file entry, `classes2.dex`; nested archives as
    /// `outer!inner`) of each of `call_sites`, in the same order; empty when no file was known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub call_site_files: Vec<String>,
    /// Number of distinct call sites.
    pub call_site_count: usize,
}

#[derive(Debug, Default)]
struct AccessorAcc {
    apis: BTreeSet<String>,
    markers: BTreeSet<String>,
    /// Call site → the file it is in (`""` when unknown).
    call_sites: BTreeMap<String, String>,
}

/// Records `site` in `file`. A site seen in several files (the same class in two DEX files)
/// keeps the smallest known file name, so the result does not depend on scan order.
fn insert_site(sites: &mut BTreeMap<String, String>, site: &str, file: &str) {
    match sites.get_mut(site) {
        Some(known) => {
            if !file.is_empty() && (known.is_empty() || file < known.as_str()) {
                file.clone_into(known);
            }
        }
        None => {
            sites.insert(site.to_owned(), file.to_owned());
        }
    }
}

impl AccessorAcc {
    fn merge(&mut self, other: AccessorAcc) {
        self.apis.extend(other.apis);
        self.markers.extend(other.markers);
        for (site, file) in other.call_sites {
            insert_site(&mut self.call_sites, &site, &file);
        }
    }

    fn into_accessor(self, sdk: Option<String>) -> Accessor {
        let call_site_count = self.call_sites.len();
        let sample: Vec<(String, String)> = self
            .call_sites
            .into_iter()
            .take(SAMPLE_CALL_SITES)
            .collect();
        let files: Vec<String> = if sample.iter().all(|(_, f)| f.is_empty()) {
            Vec::new()
        } else {
            sample.iter().map(|(_, f)| f.clone()).collect()
        };
        Accessor {
            sdk,
            apis: self.apis.into_iter().collect(),
            markers: self.markers.into_iter().collect(),
            call_site_count,
            call_sites: sample.into_iter().map(|(s, _)| s).collect(),
            call_site_files: files,
        }
    }
}

#[derive(Debug, Default)]
struct TypeAcc {
    permissions: BTreeSet<String>,
    app: Option<AccessorAcc>,
    sdks: BTreeMap<String, AccessorAcc>,
}

impl TypeAcc {
    fn accessor(&mut self, sdk: Option<&str>) -> &mut AccessorAcc {
        match sdk {
            None => self.app.get_or_insert_with(AccessorAcc::default),
            Some(id) => self.sdks.entry(id.to_owned()).or_default(),
        }
    }
}

enum Evidence<'a> {
    Api(&'a str, Option<&'a str>, bool),
    /// A lookup method and the getter name it looks up.
    Lookup(&'a str, &'a str),
    Marker(&'a str),
}

fn insert_str(set: &mut BTreeSet<String>, s: &str) {
    if !set.contains(s) {
        set.insert(s.to_owned());
    }
}

/// Collects access events. One per app (or one per thread, then [`merge`](Self::merge)).
///
/// Memory grows with the number of distinct (data type, accessor, call site) triples,
/// which is bounded by the methods of the input.
#[derive(Debug)]
pub struct DataAccessCollector<'r> {
    rules: &'r AndroidRules,
    per_type: Vec<TypeAcc>,
    /// The code file being scanned (see [`in_file`](Self::in_file)).
    file: String,
}

impl<'r> DataAccessCollector<'r> {
    /// An empty collector for data types of `rules`.
    pub fn new(rules: &'r AndroidRules) -> Self {
        let per_type = (0..rules.data_type_count())
            .map(|_| TypeAcc::default())
            .collect();
        DataAccessCollector {
            rules,
            per_type,
            file: String::new(),
        }
    }

    /// Names the code file (`classes2.dex`) the following call sites are in; each call site
    /// reports it in [`Accessor::call_site_files`].
    pub fn in_file(mut self, file: &str) -> Self {
        file.clone_into(&mut self.file);
        self
    }

    fn record(
        &mut self,
        types: &[DataTypeId],
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        evidence: Evidence<'_>,
    ) {
        if types.is_empty() {
            return;
        }
        let site = format!("{caller_class}->{caller_method}");
        let file = self.file.as_str();
        for t in types {
            let Some(acc) = self.per_type.get_mut(t.index()) else {
                continue;
            };
            let acc = acc.accessor(accessor);
            match evidence {
                Evidence::Api(display, None, false) => insert_str(&mut acc.apis, display),
                Evidence::Api(display, marker, reflective) => {
                    let mut label = String::from(display);
                    if let Some(m) = marker {
                        label.push_str(&format!("(\"{m}\")"));
                    }
                    if reflective {
                        label.push_str(" via reflection");
                    }
                    insert_str(&mut acc.apis, &label);
                }
                Evidence::Lookup(lookup, name) => {
                    insert_str(
                        &mut acc.apis,
                        &format!("reflection: {lookup} looks up {name}"),
                    );
                }
                Evidence::Marker(text) => insert_str(&mut acc.markers, text),
            }
            insert_site(&mut acc.call_sites, &site, file);
        }
    }

    /// A direct call (or field read, or subclass) matching `rule`; records the data types
    /// the rule reveals unconditionally. Conditional types need
    /// [`record_call_with_marker`](Self::record_call_with_marker).
    pub fn record_call(
        &mut self,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        rule: &ApiRule,
    ) {
        let evidence = Evidence::Api(&rule.display, None, false);
        self.record(
            &rule.data_types,
            accessor,
            caller_class,
            caller_method,
            evidence,
        );
    }

    /// A call of `rule` in a method that also holds the argument string `marker`
    /// (`Settings$Secure.getString` + `"android_id"`): records the types that need it.
    pub fn record_call_with_marker(
        &mut self,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        rule: &ApiRule,
        marker: &str,
        cancelled: &[DataTypeId],
    ) {
        let types = rule.data_types_with_marker(marker);
        let evidence = Evidence::Api(&rule.display, Some(marker), false);
        if cancelled.is_empty() {
            self.record(types, accessor, caller_class, caller_method, evidence);
        } else {
            let kept: Vec<DataTypeId> = types
                .iter()
                .copied()
                .filter(|t| !cancelled.contains(t))
                .collect();
            self.record(&kept, accessor, caller_class, caller_method, evidence);
        }
    }

    /// A reflective call of `rule` (class and method named by strings); with `marker`,
    /// only the types conditional on it.
    pub fn record_reflective_call(
        &mut self,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        rule: &ApiRule,
        marker: Option<&str>,
    ) {
        let types = match marker {
            None => rule.data_types.as_slice(),
            Some(m) => rule.data_types_with_marker(m),
        };
        let evidence = Evidence::Api(&rule.display, marker, true);
        self.record(types, accessor, caller_class, caller_method, evidence);
    }

    /// A reflective lookup (`Class.getDeclaredMethod`, `lookup`) of a getter name (`getImei`,
    /// `name`) that stands for `rule`: the rule's data types, with the API evidence
    /// `reflection: Class.getDeclaredMethod looks up getImei`.
    pub fn record_lookup(
        &mut self,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        rule: &ApiRule,
        lookup: &str,
        name: &str,
    ) {
        let evidence = Evidence::Lookup(lookup, name);
        self.record(
            &rule.data_types,
            accessor,
            caller_class,
            caller_method,
            evidence,
        );
    }

    /// A standalone marker string found in a method. Argument markers are ignored
    /// (they count only through a call, see [`crate::MethodScan`]); returns whether it
    /// was recorded.
    pub fn record_marker(
        &mut self,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
        marker: &MarkerRule,
    ) -> bool {
        if marker.kind != MarkerKind::Standalone {
            return false;
        }
        let evidence = Evidence::Marker(&marker.text);
        self.record(
            &marker.data_types,
            accessor,
            caller_class,
            caller_method,
            evidence,
        );
        true
    }

    /// A permission the manifest requests. Returns its classification (`None` when the
    /// catalogue does not know it); the data types it grants get it listed.
    pub fn record_permission(&mut self, name: &str) -> Option<&'r PermissionInfo> {
        let rules: &'r AndroidRules = self.rules;
        let info = rules.permission(name)?;
        for t in &info.data_types {
            if let Some(acc) = self.per_type.get_mut(t.index()) {
                insert_str(&mut acc.permissions, &info.name);
            }
        }
        Some(info)
    }

    /// An iOS binary at `binary_path` imports a symbol or class matching `rule`
    /// (`_OBJC_CLASS_$_ASIdentifierManager`, `_getifaddrs`). Mach-O gives no call graph,
    /// so the binary itself is the call site.
    pub fn record_ios(&mut self, accessor: Option<&str>, binary_path: &str, rule: &IosRule) {
        let display = rule
            .name
            .strip_prefix("_OBJC_CLASS_$_")
            .unwrap_or(&rule.name);
        self.record_ios_site(&rule.data_types, accessor, binary_path, display);
    }

    /// An iOS binary at `binary_path` uses the class and selector of `rule`
    /// (`UIDevice.identifierForVendor`); the caller has confirmed the class is referenced.
    pub fn record_ios_api(&mut self, accessor: Option<&str>, binary_path: &str, rule: &IosApiRule) {
        let display = format!("{}.{}", rule.class, rule.selector);
        self.record_ios_site(&rule.data_types, accessor, binary_path, &display);
    }

    /// An Info.plist key (`NSCameraUsageDescription`, `LSApplicationQueriesSchemes`) the app
    /// declares: listed beside the data types it gates, like an Android permission.
    pub fn record_ios_plist_key(&mut self, rule: &IosRule) {
        for t in &rule.data_types {
            if let Some(acc) = self.per_type.get_mut(t.index()) {
                insert_str(&mut acc.permissions, &rule.name);
            }
        }
    }

    fn record_ios_site(
        &mut self,
        types: &[DataTypeId],
        accessor: Option<&str>,
        binary_path: &str,
        display: &str,
    ) {
        for t in types {
            let Some(acc) = self.per_type.get_mut(t.index()) else {
                continue;
            };
            let acc = acc.accessor(accessor);
            insert_str(&mut acc.apis, display);
            // Mach-O has no call graph: the binary is both the site and its file.
            insert_site(&mut acc.call_sites, binary_path, binary_path);
        }
    }

    /// Adds everything `other` collected (e.g. from another thread).
    pub fn merge(&mut self, other: DataAccessCollector<'_>) {
        for (mine, theirs) in self.per_type.iter_mut().zip(other.per_type) {
            mine.permissions.extend(theirs.permissions);
            if let Some(app) = theirs.app {
                mine.app.get_or_insert_with(AccessorAcc::default).merge(app);
            }
            for (id, acc) in theirs.sdks {
                mine.sdks.entry(id).or_default().merge(acc);
            }
        }
    }

    /// One record per data type with any evidence, in taxonomy order; accessors with the
    /// app first, then SDKs by id. Output depends only on what was recorded, not on order.
    pub fn finish(self) -> Vec<DataAccess> {
        let rules = self.rules;
        let mut out = Vec::new();
        for (i, acc) in self.per_type.into_iter().enumerate() {
            if acc.permissions.is_empty() && acc.app.is_none() && acc.sdks.is_empty() {
                continue;
            }
            let Some(meta) = u16::try_from(i)
                .ok()
                .and_then(|i| rules.data_type(DataTypeId(i)))
            else {
                continue;
            };
            let mut accessors = Vec::with_capacity(acc.sdks.len() + 1);
            if let Some(app) = acc.app {
                accessors.push(app.into_accessor(None));
            }
            for (id, sdk) in acc.sdks {
                accessors.push(sdk.into_accessor(Some(id)));
            }
            out.push(DataAccess {
                data_type: meta.id.clone(),
                name_en: meta.name_en.clone(),
                name_zh: meta.name_zh.clone(),
                permissions: acc.permissions.into_iter().collect(),
                accessors,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Taxonomy;

    fn rules() -> AndroidRules {
        AndroidRules::new(&Taxonomy::builtin().expect("builtin taxonomy"))
    }

    #[test]
    fn attribution_ordering_and_capping() {
        let r = rules();
        let imei = r
            .api("Landroid/telephony/TelephonyManager;", "getImei")
            .expect("rule");
        let mut c = DataAccessCollector::new(&r);
        for i in (0..7).rev() {
            c.record_call(Some("umeng"), &format!("Lcom/umeng/C{i};"), "getImei", imei);
        }
        c.record_call(Some("umeng"), "Lcom/umeng/C3;", "getImei", imei); // duplicate site
        c.record_call(Some("bugly"), "Lcom/tencent/bugly/b;", "a", imei);
        c.record_call(None, "Lcom/example/Main;", "onCreate", imei);
        assert!(
            c.record_permission("android.permission.READ_PHONE_STATE")
                .is_some()
        );
        assert!(c.record_permission("com.vendor.permission.X").is_none());
        let out = c.finish();
        let imei_access = out.iter().find(|d| d.data_type == "imei").expect("imei");
        assert_eq!(
            imei_access.permissions,
            ["android.permission.READ_PHONE_STATE"]
        );
        let who: Vec<Option<&str>> = imei_access
            .accessors
            .iter()
            .map(|a| a.sdk.as_deref())
            .collect();
        assert_eq!(who, [None, Some("bugly"), Some("umeng")]);
        let umeng = &imei_access.accessors[2];
        assert_eq!(umeng.call_site_count, 7);
        assert_eq!(umeng.call_sites.len(), SAMPLE_CALL_SITES);
        assert_eq!(umeng.call_sites[0], "Lcom/umeng/C0;->getImei");
        assert_eq!(umeng.apis, ["TelephonyManager.getImei"]);
        // Types only granted by the permission still appear, without accessors.
        let imsi = out
            .iter()
            .find(|d| d.data_type == "imsi")
            .expect("imsi via permission");
        assert!(imsi.accessors.is_empty());
        // Taxonomy order: imei before imsi.
        let pos = |id: &str| out.iter().position(|d| d.data_type == id);
        assert!(pos("imei") < pos("imsi"));
    }

    #[test]
    fn call_sites_carry_their_code_file_whatever_the_merge_order() {
        let r = rules();
        let imei = r
            .api("Landroid/telephony/TelephonyManager;", "getImei")
            .expect("rule");
        let run = |order: [&str; 2]| {
            let mut all = DataAccessCollector::new(&r);
            for file in order {
                let mut c = DataAccessCollector::new(&r).in_file(file);
                let class = if file == "classes.dex" {
                    "La/A;"
                } else {
                    "Lb/B;"
                };
                c.record_call(None, class, "m", imei);
                // The same class in both files: the smaller file name wins.
                c.record_call(None, "Lshared/S;", "m", imei);
                all.merge(c);
            }
            all.finish()
        };
        let out = run(["classes2.dex", "classes.dex"]);
        assert_eq!(out, run(["classes.dex", "classes2.dex"]));
        let app = &out
            .iter()
            .find(|d| d.data_type == "imei")
            .expect("imei")
            .accessors[0];
        assert_eq!(app.call_sites, ["La/A;->m", "Lb/B;->m", "Lshared/S;->m"]);
        assert_eq!(
            app.call_site_files,
            ["classes.dex", "classes2.dex", "classes.dex"]
        );
        // No file named: no file list at all (and none in the JSON).
        let mut bare = DataAccessCollector::new(&r);
        bare.record_call(None, "La/A;", "m", imei);
        let json = serde_json::to_string(&bare.finish()).expect("json");
        assert!(!json.contains("call_site_files"), "{json}");
    }

    #[test]
    fn order_of_events_and_merging_do_not_change_the_result() {
        let r = rules();
        let a = r
            .api("android.content.ClipboardManager", "getPrimaryClip")
            .expect("clip");
        let b = r.field("android.os.Build", "MODEL").expect("model");
        let events = [
            (Some("x"), "Lx/A;", "f", a),
            (None, "Lapp/B;", "g", b),
            (Some("y"), "Ly/C;", "h", a),
            (Some("x"), "Lx/D;", "i", b),
        ];
        let mut forward = DataAccessCollector::new(&r);
        for (who, c, m, rule) in events {
            forward.record_call(who, c, m, rule);
        }
        let mut first = DataAccessCollector::new(&r);
        let mut second = DataAccessCollector::new(&r);
        for (i, (who, c, m, rule)) in events.into_iter().rev().enumerate() {
            let target = if i % 2 == 0 { &mut first } else { &mut second };
            target.record_call(who, c, m, rule);
        }
        first.merge(second);
        let f = forward.finish();
        assert_eq!(f, first.finish());
        let json = serde_json::to_string(&f).expect("json");
        assert!(json.contains("\"data_type\":\"clipboard\""), "{json}");
        assert!(json.contains("\"sdk\":null"), "{json}");
    }

    #[test]
    fn ios_events_are_attributed_to_the_binary() {
        let t = Taxonomy::builtin().expect("builtin taxonomy");
        let r = AndroidRules::new(&t);
        let ios = crate::IosRules::new(&t);
        let mut c = DataAccessCollector::new(&r);
        let idfa = ios
            .symbol("_OBJC_CLASS_$_ASIdentifierManager")
            .expect("idfa");
        c.record_ios(Some("jpush"), "Payload/A.app/A", idfa);
        c.record_ios(None, "Payload/A.app/A", idfa);
        let idfv = &ios.selector("identifierForVendor")[0];
        c.record_ios_api(None, "Payload/A.app/A", idfv);
        c.record_ios_plist_key(
            ios.plist_key("NSUserTrackingUsageDescription")
                .expect("key"),
        );
        let out = c.finish();
        let idfa_access = out.iter().find(|d| d.data_type == "idfa").expect("idfa");
        assert_eq!(idfa_access.permissions, ["NSUserTrackingUsageDescription"]);
        assert_eq!(idfa_access.accessors.len(), 2);
        assert_eq!(idfa_access.accessors[0].sdk, None);
        assert_eq!(idfa_access.accessors[0].apis, ["ASIdentifierManager"]);
        assert_eq!(idfa_access.accessors[0].call_sites, ["Payload/A.app/A"]);
        assert_eq!(idfa_access.accessors[1].sdk.as_deref(), Some("jpush"));
        let idfv_access = out.iter().find(|d| d.data_type == "idfv").expect("idfv");
        assert_eq!(
            idfv_access.accessors[0].apis,
            ["UIDevice.identifierForVendor"]
        );
    }

    #[test]
    fn argument_markers_are_not_recorded_alone() {
        let r = rules();
        let marker = r.argument_marker("android_id").expect("marker");
        let mut c = DataAccessCollector::new(&r);
        assert!(!c.record_marker(None, "La;", "m", marker));
        let sms = r.find_markers("content://sms");
        assert!(c.record_marker(None, "La;", "m", sms[0]));
        let out = c.finish();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data_type, "sms");
        assert_eq!(out[0].accessors[0].markers, ["content://sms"]);
    }
}
