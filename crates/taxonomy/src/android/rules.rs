//! [`AndroidRules`]: the `detect` rules and the permission catalogue of a taxonomy,
//! compiled into hash tables keyed by every class-name form bytecode uses.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::push_unique;
use super::types::{
    ApiRule, ClassHandle, DataTypeId, DataTypeMeta, MarkerCondition, MarkerRule, PermissionInfo,
    RuleKind,
};
use crate::fast_hash::{FastMap, FastSet};
use crate::{MarkerKind, MarkerMatch, Protection, Taxonomy};

#[derive(Debug, Default)]
pub(crate) struct ClassRules {
    pub(super) methods: FastMap<Box<str>, u32>,
    pub(super) fields: FastMap<Box<str>, u32>,
    pub(super) superclass: Option<u32>,
    /// Methods that look another method up by name (`getDeclaredMethod`) → display
    /// (`Class.getDeclaredMethod`).
    pub(super) lookups: FastMap<Box<str>, Box<str>>,
}

/// Compiled Android rules. Build once per run with [`AndroidRules::new`]; every lookup
/// is a hash probe on borrowed `&str` keys and allocates nothing.
#[derive(Debug)]
pub struct AndroidRules {
    types: Vec<DataTypeMeta>,
    rules: Vec<ApiRule>,
    pub(super) classes: Vec<ClassRules>,
    /// Keyed by internal name `android/telephony/TelephonyManager`.
    pub(super) by_internal: FastMap<Box<str>, u32>,
    /// Keyed by binary name `android.telephony.TelephonyManager` (also the reflection form).
    pub(super) by_binary: FastMap<Box<str>, u32>,
    /// Every method name of a rule, for pairing reflective strings.
    member_names: FastSet<Box<str>>,
    markers: Vec<MarkerRule>,
    exact_standalone: FastMap<Box<str>, u32>,
    pub(super) argument_markers: FastMap<Box<str>, u32>,
    /// Prefix/contains standalone markers; pattern i is `markers[searched[i]]`.
    searcher: Option<AhoCorasick>,
    searched: Vec<u32>,
    permissions: Vec<PermissionInfo>,
    permission_index: FastMap<Box<str>, u32>,
    /// Getter names a reflective lookup reaches (`getImei`) → the method rule they stand for.
    pub(super) lookup_names: FastMap<Box<str>, u32>,
}

/// The part of a class name lookups are keyed by, and which table it belongs to.
pub(super) enum ClassKey<'a> {
    Internal(&'a str),
    Binary(&'a str),
}

pub(super) fn class_key(class: &str) -> ClassKey<'_> {
    if let Some(inner) = class.strip_prefix('L').and_then(|r| r.strip_suffix(';')) {
        ClassKey::Internal(inner)
    } else if class.contains('/') {
        ClassKey::Internal(class)
    } else {
        ClassKey::Binary(class)
    }
}

fn display_class(binary: &str) -> &str {
    if binary.starts_with("android.") || binary.starts_with("java.") {
        binary.rsplit('.').next().unwrap_or(binary)
    } else {
        binary
    }
}

impl AndroidRules {
    /// Compiles the `detect` rules and the permission catalogue of `taxonomy`.
    ///
    /// Rules naming the same class and member are merged (their data types united), so
    /// `TelephonyManager.getImei` is one rule whatever number of lines name it.
    pub fn new(taxonomy: &Taxonomy) -> Self {
        let mut this = AndroidRules {
            types: Vec::new(),
            rules: Vec::new(),
            classes: Vec::new(),
            by_internal: FastMap::default(),
            by_binary: FastMap::default(),
            member_names: FastSet::default(),
            markers: Vec::new(),
            exact_standalone: FastMap::default(),
            argument_markers: FastMap::default(),
            searcher: None,
            searched: Vec::new(),
            permissions: Vec::new(),
            permission_index: FastMap::default(),
            lookup_names: FastMap::default(),
        };
        // Ids are u16; a taxonomy beyond that is not a realistic file, and the
        // extra types are skipped rather than aliased.
        for (i, dt) in taxonomy.data_types.iter().enumerate() {
            let Ok(idx) = u16::try_from(i) else { break };
            let id = DataTypeId(idx);
            this.types.push(DataTypeMeta {
                id: dt.id.clone(),
                name_en: dt.name.en.clone(),
                name_zh: dt.name.zh.clone(),
            });
            let d = &dt.detect;
            for a in &d.android_apis {
                let r = this.rule_for(&a.class, &a.method, RuleKind::Method);
                match &a.requires_marker {
                    None => push_unique(&mut r.data_types, id),
                    Some(marker) => {
                        if let Some(c) =
                            r.marker_conditions.iter_mut().find(|c| &c.marker == marker)
                        {
                            push_unique(&mut c.data_types, id);
                        } else {
                            r.marker_conditions.push(MarkerCondition {
                                marker: marker.clone(),
                                data_types: vec![id],
                            });
                        }
                    }
                }
            }
            for a in &d.android_targeting_apis {
                let r = this.rule_for(&a.class, &a.method, RuleKind::Method);
                push_unique(&mut r.cancels, id);
            }
            for f in &d.android_fields {
                let r = this.rule_for(&f.class, &f.field, RuleKind::Field);
                push_unique(&mut r.data_types, id);
            }
            for s in &d.android_superclasses {
                let r = this.rule_for(s, "", RuleKind::Superclass);
                push_unique(&mut r.data_types, id);
            }
            for m in &d.android_markers {
                let existing = this
                    .markers
                    .iter_mut()
                    .find(|r| r.text == m.string && r.match_kind == m.match_kind);
                match existing {
                    Some(r) => push_unique(&mut r.data_types, id),
                    None => this.markers.push(MarkerRule {
                        text: m.string.clone(),
                        match_kind: m.match_kind,
                        kind: m.kind,
                        data_types: vec![id],
                    }),
                }
            }
        }

        let mut patterns = Vec::new();
        for (i, m) in this.markers.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            match (m.kind, m.match_kind) {
                (MarkerKind::Argument, _) => {
                    this.argument_markers.insert(m.text.as_str().into(), i);
                }
                (MarkerKind::Standalone, MarkerMatch::Exact) => {
                    this.exact_standalone.insert(m.text.as_str().into(), i);
                }
                (MarkerKind::Standalone, _) => {
                    patterns.push(m.text.clone());
                    this.searched.push(i);
                }
            }
        }
        if !patterns.is_empty() {
            // Standard semantics so overlapping iteration reports every marker.
            this.searcher = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok();
        }

        this.add_reflective_lookups(&taxonomy.android_reflective_lookups);

        let mut granted: BTreeMap<&str, Vec<DataTypeId>> = BTreeMap::new();
        for (i, dt) in taxonomy.data_types.iter().enumerate() {
            let Ok(idx) = u16::try_from(i) else { break };
            for p in &dt.detect.android_permissions {
                push_unique(granted.entry(p.as_str()).or_default(), DataTypeId(idx));
            }
        }
        for p in &taxonomy.android_permissions {
            let Ok(i) = u32::try_from(this.permissions.len()) else {
                break;
            };
            if this.permission_index.contains_key(p.name.as_str()) {
                continue;
            }
            this.permission_index.insert(p.name.as_str().into(), i);
            this.permissions.push(PermissionInfo {
                name: p.name.clone(),
                protection: p.protection,
                aosp_protection_level: p.aosp_protection_level.clone(),
                data_types: granted.get(p.name.as_str()).cloned().unwrap_or_default(),
            });
        }
        this
    }

    /// The index of `class` (binary name) in the class table, added when new.
    fn class_index(&mut self, class: &str) -> u32 {
        match self.by_binary.get(class) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                self.classes.push(ClassRules::default());
                self.by_binary.insert(class.into(), c);
                self.by_internal.insert(class.replace('.', "/").into(), c);
                c
            }
        }
    }

    /// Compiles `data/android_reflective_lookups.toml`: the lookup methods join the class
    /// table (so a scanner resolves `java/lang/Class` once, like any rule class), and each
    /// getter name points at the method rule it stands for.
    fn add_reflective_lookups(&mut self, table: &crate::ReflectiveLookups) {
        for l in &table.lookup {
            let c = self.class_index(&l.class);
            let display = format!("{}.{}", display_class(&l.class), l.method);
            if let Some(rules) = self.classes.get_mut(c as usize) {
                rules
                    .lookups
                    .insert(l.method.as_str().into(), display.into());
            }
        }
        for n in &table.name {
            let idx = self
                .by_binary
                .get(n.class.as_str())
                .and_then(|&c| self.classes.get(c as usize))
                .and_then(|c| c.methods.get(n.method.as_str()))
                .copied();
            if let Some(idx) = idx {
                self.lookup_names.insert(n.string.as_str().into(), idx);
            }
        }
    }

    fn rule_for(&mut self, class: &str, member: &str, kind: RuleKind) -> &mut ApiRule {
        let class_idx = self.class_index(class);
        let next = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
        let class_rules = &mut self.classes[class_idx as usize];
        let slot = match kind {
            RuleKind::Method => *class_rules.methods.entry(member.into()).or_insert(next),
            RuleKind::Field => *class_rules.fields.entry(member.into()).or_insert(next),
            RuleKind::Superclass => *class_rules.superclass.get_or_insert(next),
        };
        if slot == next {
            let short = display_class(class);
            let display = match kind {
                RuleKind::Method | RuleKind::Field => format!("{short}.{member}"),
                RuleKind::Superclass => format!("extends {short}"),
            };
            if kind == RuleKind::Method {
                self.member_names.insert(member.into());
            }
            self.rules.push(ApiRule {
                display,
                class: class.to_owned(),
                member: member.to_owned(),
                kind,
                data_types: Vec::new(),
                marker_conditions: Vec::new(),
                cancels: Vec::new(),
            });
        }
        &mut self.rules[slot as usize]
    }

    pub(super) fn class(&self, class: &str) -> Option<&ClassRules> {
        let idx = match class_key(class) {
            ClassKey::Internal(k) => self.by_internal.get(k),
            ClassKey::Binary(k) => self.by_binary.get(k),
        }?;
        self.classes.get(*idx as usize)
    }

    /// A handle on the rules of `class` (any name form), or `None` when no rule names
    /// the class. Scanners that see the same class many times resolve it once and then
    /// use the `*_in` methods of [`MethodScan`], skipping the name hash on every call.
    pub fn class_handle(&self, class: &str) -> Option<ClassHandle> {
        let idx = match class_key(class) {
            ClassKey::Internal(k) => self.by_internal.get(k),
            ClassKey::Binary(k) => self.by_binary.get(k),
        }?;
        Some(ClassHandle(*idx))
    }

    /// The rule for a method invocation. `class` may be a descriptor
    /// (`Landroid/provider/Settings$Secure;`), an internal name
    /// (`android/provider/Settings$Secure`, as javap prints) or a binary name
    /// (`android.provider.Settings$Secure`).
    pub fn api(&self, class: &str, method: &str) -> Option<&ApiRule> {
        let idx = self.class(class)?.methods.get(method)?;
        self.rules.get(*idx as usize)
    }

    /// The rule for a static field read (`Landroid/os/Build;`, `SERIAL`).
    pub fn field(&self, class: &str, field: &str) -> Option<&ApiRule> {
        let idx = self.class(class)?.fields.get(field)?;
        self.rules.get(*idx as usize)
    }

    /// The rule for a class whose direct superclass is `superclass`
    /// (e.g. a `NotificationListenerService` subclass). Only the direct superclass is
    /// matched; resolving the chain through app classes is the caller's job.
    pub fn superclass(&self, superclass: &str) -> Option<&ApiRule> {
        let idx = self.class(superclass)?.superclass?;
        self.rules.get(idx as usize)
    }

    /// Standalone markers that `constant` (one constant string of the app) satisfies,
    /// deduplicated, in taxonomy order. Allocates only when something matches.
    /// Argument markers (`android_id`) are not returned: alone they prove nothing;
    /// see [`AndroidRules::argument_marker`] and [`MethodScan`].
    pub fn find_markers(&self, constant: &str) -> Vec<&MarkerRule> {
        self.marker_indices(constant)
            .iter()
            .filter_map(|&i| self.markers.get(i as usize))
            .collect()
    }

    pub(super) fn marker_indices(&self, constant: &str) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        if let Some(&i) = self.exact_standalone.get(constant) {
            found.push(i);
        }
        if let Some(searcher) = &self.searcher {
            for m in searcher.find_overlapping_iter(constant) {
                let Some(&marker_idx) = self.searched.get(m.pattern().as_usize()) else {
                    continue;
                };
                let Some(rule) = self.markers.get(marker_idx as usize) else {
                    continue;
                };
                let ok = match rule.match_kind {
                    MarkerMatch::Prefix => m.start() == 0,
                    MarkerMatch::Contains => true,
                    MarkerMatch::Exact => m.start() == 0 && m.end() == constant.len(),
                };
                if ok {
                    push_unique(&mut found, marker_idx);
                }
            }
        }
        found.sort_unstable();
        found
    }

    /// The argument marker equal to `constant`, if any (`android_id`).
    pub fn argument_marker(&self, constant: &str) -> Option<&MarkerRule> {
        let idx = self.argument_markers.get(constant)?;
        self.markers.get(*idx as usize)
    }

    /// All markers (standalone and argument).
    pub fn markers(&self) -> &[MarkerRule] {
        &self.markers
    }

    /// All API, field and superclass rules.
    pub fn rules(&self) -> &[ApiRule] {
        &self.rules
    }

    /// Classification of a requested permission; `None` for permissions not in the
    /// catalogue (treat as [`Protection::Unknown`]).
    pub fn permission(&self, name: &str) -> Option<&PermissionInfo> {
        let idx = self.permission_index.get(name)?;
        self.permissions.get(*idx as usize)
    }

    /// Protection level of a permission, [`Protection::Unknown`] when not catalogued.
    pub fn protection(&self, name: &str) -> Protection {
        self.permission(name)
            .map_or(Protection::Unknown, |p| p.protection)
    }

    /// Names of a data type.
    pub fn data_type(&self, id: DataTypeId) -> Option<&DataTypeMeta> {
        self.types.get(id.index())
    }

    /// Id of a data type by its stable string id.
    pub fn data_type_id(&self, id: &str) -> Option<DataTypeId> {
        let pos = self.types.iter().position(|t| t.id == id)?;
        u16::try_from(pos).ok().map(DataTypeId)
    }

    /// Number of data types.
    pub fn data_type_count(&self) -> usize {
        self.types.len()
    }

    /// Whether `constant` equals the binary name of a class some rule names (a
    /// reflection target such as `"android.telephony.TelephonyManager"`).
    pub(super) fn reflective_class(&self, constant: &str) -> Option<u32> {
        self.by_binary.get(constant).copied()
    }

    pub(super) fn reflective_member(&self, constant: &str) -> Option<&str> {
        self.member_names.get(constant).map(|b| &**b)
    }

    pub(super) fn rule_by_index(&self, idx: u32) -> Option<&ApiRule> {
        self.rules.get(idx as usize)
    }

    pub(super) fn marker_by_index(&self, idx: u32) -> Option<&MarkerRule> {
        self.markers.get(idx as usize)
    }

    pub(super) fn method_rule_index(&self, class_idx: u32, member: &str) -> Option<u32> {
        self.classes
            .get(class_idx as usize)?
            .methods
            .get(member)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ids, rules};
    use super::*;

    #[test]
    fn api_lookup_accepts_every_class_name_form() {
        let r = rules();
        for class in [
            "Landroid/telephony/TelephonyManager;",
            "android/telephony/TelephonyManager",
            "android.telephony.TelephonyManager",
        ] {
            let rule = r
                .api(class, "getDeviceId")
                .unwrap_or_else(|| panic!("{class}"));
            assert_eq!(rule.display, "TelephonyManager.getDeviceId");
            // getDeviceId returns the IMEI on GSM and the MEID on CDMA phones (API reference);
            // issue #12 §4: one call is one record, IMEI, not two (getMeid stays MEID's).
            assert_eq!(ids(&r, &rule.data_types), ["imei"]);
        }
        let imsi = r
            .api("Landroid/telephony/TelephonyManager;", "getSubscriberId")
            .expect("imsi");
        assert_eq!(ids(&r, &imsi.data_types), ["imsi"]);
        assert!(
            r.api("Landroid/telephony/TelephonyManager;", "getPhoneType")
                .is_none()
        );
        assert!(
            r.api("Lcom/example/TelephonyManager;", "getDeviceId")
                .is_none()
        );
        assert!(r.api("", "").is_none());
        assert!(r.api("L;", "getDeviceId").is_none());
        assert!(r.api(";L", "getDeviceId").is_none());
    }

    /// Issue #12 §4: reads the code pass missed, each checked against the Android reference
    /// (AccountManager, SubscriptionManager) or Amazon's Fire OS advertising-ID page.
    #[test]
    fn regulator_reads_are_rules() {
        let r = rules();
        let accounts = r
            .api(
                "Landroid/accounts/AccountManager;",
                "getAccountsByTypeAndFeatures",
            )
            .expect("getAccountsByTypeAndFeatures");
        assert_eq!(ids(&r, &accounts.data_types), ["account_info"]);
        for m in [
            "getActiveSubscriptionInfoList",
            "getActiveSubscriptionInfo",
            "getActiveSubscriptionInfoForSimSlotIndex",
        ] {
            let rule = r
                .api("Landroid/telephony/SubscriptionManager;", m)
                .unwrap_or_else(|| panic!("{m}"));
            assert_eq!(ids(&r, &rule.data_types), ["iccid", "phone_number"], "{m}");
        }
        // A count is not a record.
        assert!(
            r.api(
                "Landroid/telephony/SubscriptionManager;",
                "getActiveSubscriptionInfoCount"
            )
            .is_none()
        );
        let info = |m: &str| {
            ids(
                &r,
                &r.api("Landroid/telephony/SubscriptionInfo;", m)
                    .expect("SubscriptionInfo")
                    .data_types,
            )
        };
        assert_eq!(info("getIccId"), ["iccid"]);
        assert_eq!(info("getNumber"), ["phone_number"]);
        let secure = r
            .api("Landroid/provider/Settings$Secure;", "getString")
            .expect("Settings$Secure");
        assert_eq!(
            ids(&r, secure.data_types_with_marker("advertising_id")),
            ["amazon_ad_id"]
        );
        let meid = r
            .api("Landroid/telephony/TelephonyManager;", "getMeid")
            .expect("getMeid");
        assert_eq!(ids(&r, &meid.data_types), ["meid"]);
    }

    #[test]
    fn inner_class_and_conditional_rule() {
        let r = rules();
        let rule = r
            .api("Landroid/provider/Settings$Secure;", "getString")
            .expect("Settings$Secure");
        assert!(
            rule.data_types.is_empty(),
            "getString alone reveals nothing"
        );
        assert_eq!(
            ids(&r, rule.data_types_with_marker("android_id")),
            ["android_id"]
        );
        assert_eq!(
            ids(&r, rule.data_types_with_marker("bluetooth_address")),
            ["bluetooth_mac"]
        );
        assert!(rule.data_types_with_marker("screen_brightness").is_empty());
        // The outer class is a different class.
        assert!(r.api("Landroid/provider/Settings;", "getString").is_none());
        assert!(
            r.api("android.provider.Settings$Secure", "getString")
                .is_some()
        );
    }

    #[test]
    fn fields_superclasses_and_constructors() {
        let r = rules();
        let serial = r
            .field("Landroid/os/Build;", "SERIAL")
            .expect("Build.SERIAL");
        assert_eq!(ids(&r, &serial.data_types), ["device_serial"]);
        assert_eq!(serial.kind, RuleKind::Field);
        assert!(r.field("Landroid/os/Build;", "SERIAL_X").is_none());
        assert!(
            r.api("Landroid/os/Build;", "SERIAL").is_none(),
            "fields are not methods"
        );
        let sms = r
            .field("Landroid/provider/Telephony$Sms;", "CONTENT_URI")
            .expect("sms uri");
        assert_eq!(ids(&r, &sms.data_types), ["sms"]);
        let nls = r
            .superclass("Landroid/service/notification/NotificationListenerService;")
            .expect("listener");
        assert_eq!(ids(&r, &nls.data_types), ["notifications"]);
        assert!(r.superclass("Landroid/app/Activity;").is_none());
        let rec = r
            .api("Landroid/media/AudioRecord;", "<init>")
            .expect("AudioRecord ctor");
        assert_eq!(ids(&r, &rec.data_types), ["microphone"]);
    }

    #[test]
    fn sdk_identifier_apis_stay_apart() {
        let r = rules();
        let gms = r
            .api(
                "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;",
                "getAdvertisingIdInfo",
            )
            .expect("gms");
        let hms = r
            .api(
                "Lcom/huawei/hms/ads/identifier/AdvertisingIdClient;",
                "getAdvertisingIdInfo",
            )
            .expect("hms");
        assert_eq!(ids(&r, &gms.data_types), ["gaid"]);
        assert_eq!(ids(&r, &hms.data_types), ["oaid"]);
        assert_ne!(gms.display, hms.display);
        let msa = r
            .api("Lcom/bun/miitmdid/core/MdidSdkHelper;", "InitSdk")
            .expect("msa");
        assert_eq!(ids(&r, &msa.data_types), ["oaid"]);
        let supplier = r
            .api("Lcom/bun/miitmdid/interfaces/IdSupplier;", "getOAID")
            .expect("supplier");
        assert_eq!(ids(&r, &supplier.data_types), ["oaid"]);
    }

    #[test]
    fn markers_respect_their_match_mode() {
        let r = rules();
        let texts =
            |s: &str| -> Vec<String> { r.find_markers(s).iter().map(|m| m.text.clone()).collect() };
        assert_eq!(texts("content://sms/inbox"), ["content://sms"]);
        assert!(
            texts("see content://sms").is_empty(),
            "prefix marker inside text"
        );
        assert_eq!(texts("cat /proc/net/arp"), ["/proc/net/arp"]);
        assert_eq!(texts("ro.serialno"), ["ro.serialno"]);
        assert!(
            texts("ro.serialno.x").is_empty(),
            "exact marker with a suffix"
        );
        assert!(
            texts("android_id").is_empty(),
            "argument markers are not standalone"
        );
        assert!(r.argument_marker("android_id").is_some());
        assert!(r.argument_marker("android_idx").is_none());
        assert!(texts("").is_empty());
        assert_eq!(
            texts("content://com.android.contacts/data/phones"),
            ["content://com.android.contacts"]
        );
        assert_eq!(
            texts("content://com.vivo.vms.IdProvider/IdentifierId/OAID"),
            ["content://com.vivo.vms.IdProvider/IdentifierId"]
        );
        // Non-ASCII and long strings are fine.
        assert!(texts(&"设备".repeat(10_000)).is_empty());
    }

    #[test]
    fn permission_protection_levels_follow_the_android_reference() {
        let r = rules();
        // Levels from developer.android.com/reference/android/Manifest.permission and the
        // special-access list of the permissions overview.
        let cases = [
            ("android.permission.READ_PHONE_STATE", Protection::Dangerous),
            (
                "android.permission.ACCESS_BACKGROUND_LOCATION",
                Protection::Dangerous,
            ),
            (
                "android.permission.ACCESS_FINE_LOCATION",
                Protection::Dangerous,
            ),
            (
                "android.permission.POST_NOTIFICATIONS",
                Protection::Dangerous,
            ),
            ("android.permission.QUERY_ALL_PACKAGES", Protection::Special),
            (
                "android.permission.SYSTEM_ALERT_WINDOW",
                Protection::Special,
            ),
            (
                "android.permission.REQUEST_INSTALL_PACKAGES",
                Protection::Special,
            ),
            (
                "android.permission.MANAGE_EXTERNAL_STORAGE",
                Protection::Special,
            ),
            (
                "android.permission.PACKAGE_USAGE_STATS",
                Protection::Special,
            ),
            (
                "android.permission.BIND_ACCESSIBILITY_SERVICE",
                Protection::Special,
            ),
            (
                "android.permission.BIND_NOTIFICATION_LISTENER_SERVICE",
                Protection::Special,
            ),
            (
                "android.permission.SCHEDULE_EXACT_ALARM",
                Protection::Special,
            ),
            ("android.permission.INTERNET", Protection::Normal),
            (
                "android.permission.ACCESS_NETWORK_STATE",
                Protection::Normal,
            ),
            (
                "android.permission.READ_PRIVILEGED_PHONE_STATE",
                Protection::Signature,
            ),
            ("android.permission.READ_LOGS", Protection::Signature),
            (
                "com.huawei.android.launcher.permission.CHANGE_BADGE",
                Protection::Unknown,
            ),
            ("READ_PHONE_STATE", Protection::Unknown),
        ];
        for (name, expected) in cases {
            assert_eq!(r.protection(name), expected, "{name}");
        }
        assert!(Protection::Special.is_flagged() && Protection::Dangerous.is_flagged());
        assert!(!Protection::Normal.is_flagged() && !Protection::Unknown.is_flagged());
        let phone = r
            .permission("android.permission.READ_PHONE_STATE")
            .expect("known");
        let mut granted = ids(&r, &phone.data_types);
        granted.retain(|t| ["imei", "imsi", "iccid", "phone_number"].contains(&t.as_str()));
        assert_eq!(granted, ["iccid", "imei", "imsi", "phone_number"]);
        let internet = r.permission("android.permission.INTERNET").expect("known");
        assert!(
            internet.data_types.is_empty(),
            "INTERNET is not a data grant"
        );
    }
}
