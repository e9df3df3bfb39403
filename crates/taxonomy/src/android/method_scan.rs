//! [`MethodScan`]: pairs, within one method, a call with the argument string it needs
//! and a reflective class-name string with a method-name string.

use super::push_unique;
use super::rules::{AndroidRules, ClassKey, class_key};
use super::types::{ClassHandle, DataTypeId};
use crate::collector::DataAccessCollector;

/// Per-method evidence gathering: feed it the invokes, static field reads and constant
/// strings of ONE method (or one class, for more recall and less precision), then
/// [`MethodScan::flush`] into a collector. It resolves the co-occurrence rules:
///
/// * a call whose data types depend on an argument (`Settings$Secure.getString`) counts
///   only for the argument markers (`"android_id"`) seen in the same scope;
/// * a reflective call counts when the scope holds both the class-name string
///   (`"android.telephony.TelephonyManager"`) and a method-name string of a rule of that
///   class (`"getDeviceId"`); each alone proves nothing;
/// * a reflective lookup counts when the scope calls a lookup method
///   (`Class.getDeclaredMethod`) and loads a getter name of the lookup table (`"getImei"`),
///   whatever the receiver's class (`tm.getClass().getDeclaredMethod("getImei")`).
///
/// Buffers are reused across methods; their size is bounded by the number of rules,
/// whatever the method contains.
#[derive(Debug)]
pub struct MethodScan<'r> {
    rules: &'r AndroidRules,
    calls: Vec<u32>,
    reflective_classes: Vec<u32>,
    reflective_members: Vec<&'r str>,
    arguments: Vec<&'r str>,
    markers: Vec<u32>,
    /// Lookup methods called (`Class.getDeclaredMethod`, their display form).
    lookups: Vec<&'r str>,
    /// Getter names loaded (`getImei`) with the method rule each stands for.
    looked_up: Vec<(&'r str, u32)>,
}

impl<'r> MethodScan<'r> {
    /// An empty scan over `rules`.
    pub fn new(rules: &'r AndroidRules) -> Self {
        MethodScan {
            rules,
            calls: Vec::new(),
            reflective_classes: Vec::new(),
            reflective_members: Vec::new(),
            arguments: Vec::new(),
            markers: Vec::new(),
            lookups: Vec::new(),
            looked_up: Vec::new(),
        }
    }

    /// An invoke of `class`→`method` (any descriptor form). Returns whether it hit a rule.
    pub fn invoke(&mut self, class: &str, method: &str) -> bool {
        let Some(rules) = self.rules.class(class) else {
            return false;
        };
        if let Some(idx) = rules.methods.get(method) {
            push_unique(&mut self.calls, *idx);
            return true;
        }
        self.lookup(rules, method)
    }

    fn lookup(&mut self, rules: &'r super::rules::ClassRules, method: &str) -> bool {
        match rules.lookups.get(method) {
            Some(display) => {
                push_unique(&mut self.lookups, &**display);
                true
            }
            None => false,
        }
    }

    /// [`MethodScan::invoke`] for a class already resolved with [`AndroidRules::class_handle`];
    /// a method of the class that no rule names still counts as a reference to the class
    /// (for reflection pairing), exactly as `invoke` + `class_reference` would.
    pub fn invoke_in(&mut self, class: ClassHandle, method: &str) -> bool {
        let Some(rules) = self.rules.classes.get(class.0 as usize) else {
            return false;
        };
        match rules.methods.get(method) {
            Some(idx) => {
                push_unique(&mut self.calls, *idx);
                true
            }
            None => {
                push_unique(&mut self.reflective_classes, class.0);
                self.lookup(rules, method)
            }
        }
    }

    /// [`MethodScan::field`] for a class already resolved with [`AndroidRules::class_handle`].
    pub fn field_in(&mut self, class: ClassHandle, field: &str) -> bool {
        let Some(idx) = self
            .rules
            .classes
            .get(class.0 as usize)
            .and_then(|c| c.fields.get(field))
        else {
            return false;
        };
        push_unique(&mut self.calls, *idx);
        true
    }

    /// A static field read. Returns whether it hit a rule.
    pub fn field(&mut self, class: &str, field: &str) -> bool {
        let Some(idx) = self.rules.class(class).and_then(|c| c.fields.get(field)) else {
            return false;
        };
        push_unique(&mut self.calls, *idx);
        true
    }

    /// A class the method references without calling a rule of it (`checkcast`,
    /// `const-class`, an invoke of another method): it stands in for the class-name
    /// string when the method reflects on an object of that class.
    pub fn class_reference(&mut self, class: &str) -> bool {
        let idx = match class_key(class) {
            ClassKey::Internal(k) => self.rules.by_internal.get(k),
            ClassKey::Binary(k) => self.rules.by_binary.get(k),
        };
        let Some(&idx) = idx else { return false };
        push_unique(&mut self.reflective_classes, idx);
        true
    }

    /// A constant string loaded by the method. Returns whether it was relevant.
    pub fn string(&mut self, constant: &str) -> bool {
        let rules = self.rules;
        let mut relevant = false;
        if let Some(m) = rules.argument_markers.get_key_value(constant) {
            push_unique(&mut self.arguments, &**m.0);
            relevant = true;
        }
        if let Some(c) = rules.reflective_class(constant) {
            push_unique(&mut self.reflective_classes, c);
            relevant = true;
        }
        if let Some(name) = rules.reflective_member(constant) {
            push_unique(&mut self.reflective_members, name);
            relevant = true;
        }
        if let Some((name, &idx)) = rules.lookup_names.get_key_value(constant) {
            push_unique(&mut self.looked_up, (&**name, idx));
            relevant = true;
        }
        for idx in rules.marker_indices(constant) {
            push_unique(&mut self.markers, idx);
            relevant = true;
        }
        relevant
    }

    /// Whether nothing relevant was fed since the last flush.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
            && self.reflective_classes.is_empty()
            && self.reflective_members.is_empty()
            && self.arguments.is_empty()
            && self.markers.is_empty()
            && self.lookups.is_empty()
            && self.looked_up.is_empty()
    }

    /// Records the evidence of the scope into `out`, attributed to `accessor` (an SDK id,
    /// `None` for the app) at call site `caller_class`→`caller_method`, and clears the scan.
    pub fn flush(
        &mut self,
        out: &mut DataAccessCollector<'_>,
        accessor: Option<&str>,
        caller_class: &str,
        caller_method: &str,
    ) {
        let rules = self.rules;
        let site = (accessor, caller_class, caller_method);
        let cancelled: Vec<DataTypeId> = self
            .calls
            .iter()
            .filter_map(|&idx| rules.rule_by_index(idx))
            .flat_map(|r| r.cancels.iter().copied())
            .collect();
        for &idx in &self.calls {
            if let Some(rule) = rules.rule_by_index(idx) {
                out.record_call(site.0, site.1, site.2, rule);
                for arg in &self.arguments {
                    out.record_call_with_marker(site.0, site.1, site.2, rule, arg, &cancelled);
                }
            }
        }
        // Getter names a class + name pairing already explained (`MSimTelephonyManager` +
        // `"getDeviceId"`): a lookup of the same name says nothing more.
        let mut paired: Vec<&str> = Vec::new();
        for &class_idx in &self.reflective_classes {
            for member in &self.reflective_members {
                let Some(idx) = rules.method_rule_index(class_idx, member) else {
                    continue;
                };
                // A direct call of the same API in the scope already says it all.
                if self.calls.contains(&idx) {
                    continue;
                }
                paired.push(member);
                if let Some(rule) = rules.rule_by_index(idx) {
                    out.record_reflective_call(site.0, site.1, site.2, rule, None);
                    for arg in &self.arguments {
                        out.record_reflective_call(site.0, site.1, site.2, rule, Some(arg));
                    }
                }
            }
        }
        if !self.lookups.is_empty() {
            for &(name, idx) in &self.looked_up {
                // A direct call or a class + name pairing of the same API already says it.
                if self.calls.contains(&idx) || paired.contains(&name) {
                    continue;
                }
                if let Some(rule) = rules.rule_by_index(idx) {
                    for lookup in &self.lookups {
                        out.record_lookup(site.0, site.1, site.2, rule, lookup, name);
                    }
                }
            }
        }
        for &idx in &self.markers {
            if let Some(marker) = rules.marker_by_index(idx) {
                out.record_marker(site.0, site.1, site.2, marker);
            }
        }
        self.clear();
    }

    /// Drops the evidence gathered since the last flush.
    pub fn clear(&mut self) {
        self.calls.clear();
        self.reflective_classes.clear();
        self.reflective_members.clear();
        self.arguments.clear();
        self.markers.clear();
        self.lookups.clear();
        self.looked_up.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::rules;
    use super::*;

    #[test]
    fn method_scan_pairs_argument_markers_and_reflection() {
        let r = rules();
        let collect = |feed: &dyn Fn(&mut MethodScan<'_>)| -> Vec<(String, Vec<String>)> {
            let mut scan = MethodScan::new(&r);
            feed(&mut scan);
            let mut c = DataAccessCollector::new(&r);
            scan.flush(&mut c, None, "Lapp/A;", "m");
            assert!(scan.is_empty(), "flush clears");
            c.finish()
                .into_iter()
                .map(|d| {
                    (
                        d.data_type,
                        d.accessors.into_iter().flat_map(|a| a.apis).collect(),
                    )
                })
                .collect()
        };
        let got = collect(&|s| {
            s.invoke("Landroid/provider/Settings$Secure;", "getString");
            s.string("android_id");
        });
        assert_eq!(
            got,
            [(
                "android_id".to_owned(),
                vec!["Settings$Secure.getString(\"android_id\")".to_owned()]
            )]
        );
        assert!(
            collect(&|s| {
                s.invoke("Landroid/provider/Settings$Secure;", "getString");
                s.string("screen_brightness");
            })
            .is_empty()
        );
        assert!(
            collect(&|s| {
                s.string("android_id");
            })
            .is_empty()
        );
        // CN-N06: a MAIN/LAUNCHER activity query reads the app list; narrowed to one package it does not,
        // and a query without a broad intent is targeted too.
        let launcher = collect(&|s| {
            s.invoke(
                "Landroid/content/pm/PackageManager;",
                "queryIntentActivities",
            );
            s.string("android.intent.category.LAUNCHER");
        });
        assert_eq!(launcher.len(), 1);
        assert_eq!(launcher[0].0, "installed_apps");
        assert!(
            collect(&|s| {
                s.invoke(
                    "Landroid/content/pm/PackageManager;",
                    "queryIntentActivities",
                );
                s.string("android.intent.category.LAUNCHER");
                s.invoke("Landroid/content/Intent;", "setPackage");
            })
            .is_empty()
        );
        assert!(
            collect(&|s| {
                s.invoke(
                    "Landroid/content/pm/PackageManager;",
                    "queryIntentActivities",
                );
                s.string("android.support.customtabs.action.CustomTabsService");
            })
            .is_empty()
        );
        // A full-list API needs no marker, and a narrowing call does not cancel it.
        let full = collect(&|s| {
            s.invoke(
                "Landroid/content/pm/PackageManager;",
                "getInstalledPackages",
            );
            s.invoke("Landroid/content/Intent;", "setPackage");
        });
        assert_eq!(full.len(), 1);
        // Reflection needs the class and the method name in the same scope.
        let got = collect(&|s| {
            s.string("android.telephony.TelephonyManager");
            s.string("getSubscriberId");
        });
        assert_eq!(
            got,
            [(
                "imsi".to_owned(),
                vec!["TelephonyManager.getSubscriberId via reflection".to_owned()]
            )]
        );
        assert!(
            collect(&|s| {
                s.string("getSubscriberId");
            })
            .is_empty()
        );
        assert!(
            collect(&|s| {
                s.string("android.telephony.TelephonyManager");
                s.string("getString");
            })
            .is_empty(),
            "a method name of another class does not pair"
        );
        let got = collect(&|s| {
            s.class_reference("Landroid/telephony/TelephonyManager;");
            s.string("getDeviceId");
        });
        assert_eq!(
            got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
            ["imei"]
        );
        let got = collect(&|s| {
            s.string("content://sms/inbox");
        });
        assert_eq!(got, [("sms".to_owned(), vec![])]);
    }

    fn collect(
        r: &AndroidRules,
        feed: &dyn Fn(&mut MethodScan<'_>),
    ) -> Vec<(String, Vec<String>, Vec<String>)> {
        let mut scan = MethodScan::new(r);
        feed(&mut scan);
        let mut c = DataAccessCollector::new(r);
        scan.flush(&mut c, Some("sdk"), "Lsdk/A;", "m");
        assert!(scan.is_empty(), "flush clears");
        c.finish()
            .into_iter()
            .map(|d| {
                let a = d.accessors.into_iter().next().expect("one accessor");
                (d.data_type, a.apis, a.call_sites)
            })
            .collect()
    }

    /// Issue #12 §4: `tm.getClass().getDeclaredMethod("getImei")` names no class, only the
    /// lookup and the getter; the pair counts in one method, each alone does not.
    #[test]
    fn reflective_lookup_of_a_getter_name() {
        let r = rules();
        let got = collect(&r, &|s| {
            s.invoke("Ljava/lang/Object;", "getClass");
            s.invoke("Ljava/lang/Class;", "getDeclaredMethod");
            s.string("getImei");
        });
        assert_eq!(
            got,
            [(
                "imei".to_owned(),
                vec!["reflection: Class.getDeclaredMethod looks up getImei".to_owned()],
                vec!["Lsdk/A;->m".to_owned()]
            )]
        );
        // The resolved-handle path the DEX scan takes gives the same.
        let class = r.class_handle("Ljava/lang/Class;").expect("lookup class");
        let got = collect(&r, &|s| {
            s.invoke_in(class, "getMethod");
            s.string("getSerial");
            s.string("getMacAddress");
        });
        let types: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(types, ["device_serial", "wifi_mac"]);
        assert_eq!(got[0].1, ["reflection: Class.getMethod looks up getSerial"]);
        assert!(
            collect(&r, &|s| {
                s.string("getImei");
            })
            .is_empty(),
            "a name alone"
        );
        assert!(
            collect(&r, &|s| {
                s.invoke("Ljava/lang/Class;", "getDeclaredMethod");
                s.string("getString");
            })
            .is_empty(),
            "a name outside the table"
        );
        assert!(
            collect(&r, &|s| {
                s.invoke("Ljava/lang/Class;", "forName");
                s.string("getImei");
            })
            .is_empty(),
            "forName looks up a class, not a method"
        );
        // A direct call of the same API in the method already says it: one label, not two.
        let got = collect(&r, &|s| {
            s.invoke("Landroid/telephony/TelephonyManager;", "getSubscriberId");
            s.invoke("Ljava/lang/Class;", "getMethod");
            s.string("getSubscriberId");
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, ["TelephonyManager.getSubscriberId"]);
        // A class-name string of another class with a rule of that name pairs first.
        let got = collect(&r, &|s| {
            s.string("android.telephony.MSimTelephonyManager");
            s.invoke("Ljava/lang/Class;", "getMethod");
            s.string("getDeviceId");
        });
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1,
            ["MSimTelephonyManager.getDeviceId via reflection"]
        );
        // getDeviceId by reflection is IMEI once.
        let got = collect(&r, &|s| {
            s.invoke("Ljava/lang/Class;", "getMethod");
            s.string("getDeviceId");
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "imei");
    }

    /// Amazon Fire OS: `Settings.Secure.getString(cr, "advertising_id")`.
    #[test]
    fn fire_os_advertising_id() {
        let r = rules();
        let got = collect(&r, &|s| {
            s.invoke("Landroid/provider/Settings$Secure;", "getString");
            s.string("advertising_id");
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "amazon_ad_id");
        assert_eq!(got[0].1, ["Settings$Secure.getString(\"advertising_id\")"]);
        assert!(
            collect(&r, &|s| {
                s.string("advertising_id");
            })
            .is_empty()
        );
    }
}
