//! Binaries (Mach-O executables, frameworks, static libraries): who owns each, the SDK classes it
//! defines, the SDKs it calls into, its data access, one native library per binary.

use std::collections::{BTreeMap, BTreeSet};

use appaudit_ios::{BinaryFacts, BinaryRole, IosBundleFacts};
use appaudit_taxonomy::{DataAccessCollector, IosRules};

use super::{Acc, Owners, sdk_id};
use crate::Engine;
use crate::model::{self, Warning};
use crate::sdk_facts::SdkAcc;

/// What the binaries add beside the SDK evidence and data access.
pub(super) struct Binaries {
    /// One per binary, sorted by path.
    pub(super) native_libs: Vec<model::NativeLib>,
    /// Classes defined by each unnamed framework's binaries, by its id.
    pub(super) unnamed_classes: BTreeMap<String, usize>,
}

/// Reads every binary of the input.
pub(super) fn read_binaries(
    engine: &Engine,
    rules: &IosRules,
    facts: &IosBundleFacts,
    owners: &Owners<'_>,
    stats: &mut model::Stats,
    acc: &mut Acc<'_>,
) -> Binaries {
    let mut native_libs = Vec::new();
    let mut unnamed_classes: BTreeMap<String, usize> = BTreeMap::new();
    for bin in &facts.binaries {
        let owner = binary_owner(engine, bin, &|b| owners.sdk(b), &mut acc.sdks);
        let classes = defined_classes(bin);
        stats.classes += classes.len();
        for class in classes {
            if let Some(hit) = engine.matcher.match_objc_class(class) {
                let acc = acc.sdks.entry(hit.sdk).or_default();
                acc.classes += 1;
                acc.hit(&hit, "objc_class", &bin.path, || class.to_owned());
            }
        }
        for lib in &bin.facts.linked_libraries {
            // Only the app's own embedded libraries (`@rpath/X.framework/X`,
            // `@rpath/libX.dylib`): system frameworks are no SDK.
            let library = lib
                .split('/')
                .find(|c| c.ends_with(".framework"))
                .or_else(|| lib.rsplit('/').next())
                .unwrap_or(lib);
            if lib.starts_with('@')
                && let Some(hit) = engine.matcher.match_ios_framework(library)
            {
                acc.sdks
                    .entry(hit.sdk)
                    .or_default()
                    .hit(&hit, "framework", &bin.path, || lib.to_owned());
            }
        }
        // Swift code has no ObjC prefix to match, but its module is usually the SDK's
        // framework name (`Alamofire.Session`), also when linked statically.
        let modules: BTreeSet<&str> = bin
            .facts
            .swift_types
            .iter()
            .filter_map(|t| t.split_once('.').map(|(module, _)| module))
            .collect();
        for module in modules {
            if let Some(hit) = engine.matcher.match_ios_framework(module) {
                acc.sdks
                    .entry(hit.sdk)
                    .or_default()
                    .hit(&hit, "swift_module", &bin.path, || module.to_owned());
            }
        }
        // Importing an SDK's class from another binary is a use of that SDK (dynamic linking
        // keeps the reference visible; static linking does not, hence "unknown" otherwise).
        for class in &bin.facts.imported_classes {
            if let Some(hit) = engine.matcher.match_objc_class(class)
                && Some(hit.sdk) != owner
                && !owner.is_some_and(|o| {
                    engine.db.is_within(o, hit.sdk) || engine.db.is_within(hit.sdk, o)
                })
            {
                acc.sdks.entry(hit.sdk).or_default().calls(
                    1,
                    [(format!("{} imports {class}", bin.path), bin.path.clone())],
                );
            }
        }
        // A binary of an unnamed framework is that framework's (never the app's own executable).
        let unnamed_id = (owner.is_none()
            && bin.role != BinaryRole::MainExecutable
            && bin.role != BinaryRole::AppExtension)
            .then(|| bin.bundle.as_deref().and_then(|b| owners.unnamed(b)))
            .flatten()
            .map(|u| u.id.clone());
        if let Some(id) = &unnamed_id {
            *unnamed_classes.entry(id.clone()).or_default() += classes_len(bin);
        }
        let owner_id = owner
            .and_then(|i| sdk_id(engine, i))
            .or_else(|| unnamed_id.clone());
        record_data_access(rules, &mut acc.access, owner_id.as_deref(), bin);
        if bin.facts.encrypted {
            let slices: Vec<&str> = bin
                .facts
                .slices
                .iter()
                .filter(|s| s.encrypted)
                .map(|s| s.arch.as_str())
                .collect();
            acc.warnings.push(Warning::new(
                bin.path.clone(),
                format!(
                    "FairPlay-encrypted ({}): class/selector analysis limited; ObjC class names and \
                     selectors cannot be read (decrypt the App Store build for a full audit), linked \
                     libraries, imported symbols, plists and privacy manifests are still audited",
                    if slices.is_empty() { "cryptid 1".to_owned() } else { slices.join(", ") }
                ),
            ));
        }
        for w in bin
            .facts
            .warnings
            .iter()
            .filter(|w| !w.contains("FairPlay"))
        {
            acc.warnings.push(Warning::new(bin.path.clone(), w.clone()));
        }
        stats.native_libs += 1;
        native_libs.push(model::NativeLib {
            path: bin.path.clone(),
            abi: (!bin.facts.archs.is_empty()).then(|| bin.facts.archs.join(",")),
            soname: bin.facts.install_name.clone(),
            needed: bin.facts.linked_libraries.clone(),
            exported_symbols: 0,
            jni_packages: Vec::new(),
            sdk: owner_id,
        });
    }
    native_libs.sort_by(|a, b| a.path.cmp(&b.path));
    Binaries {
        native_libs,
        unnamed_classes,
    }
}

pub(super) fn classes_len(bin: &BinaryFacts) -> usize {
    defined_classes(bin).len()
}

/// The SDK a binary belongs to (see the `ios` module docs), recording the name evidence.
pub(super) fn binary_owner(
    engine: &Engine,
    bin: &BinaryFacts,
    bundle_owner: &dyn Fn(&str) -> Option<usize>,
    sdks: &mut BTreeMap<usize, SdkAcc>,
) -> Option<usize> {
    if bin.role != BinaryRole::MainExecutable && bin.role != BinaryRole::AppExtension {
        if let Some(owner) = bin.bundle.as_deref().and_then(bundle_owner) {
            return Some(owner);
        }
        let file = bin.path.rsplit('/').next().unwrap_or(&bin.path);
        if let Some(hit) = engine.matcher.match_ios_framework(file) {
            sdks.entry(hit.sdk)
                .or_default()
                .hit(&hit, "framework", &bin.path, || file.to_owned());
            return Some(hit.sdk);
        }
    }
    let classes = defined_classes(bin);
    let mut only: Option<usize> = None;
    for class in classes {
        let sdk = engine.matcher.match_objc_class(class)?.sdk;
        if only.is_some_and(|o| o != sdk) {
            return None;
        }
        only = Some(sdk);
    }
    only
}

/// The Objective-C classes a binary defines: its `_OBJC_CLASS_$_` symbols, or for a stripped
/// binary the names in `__objc_classname` (which survive stripping).
fn defined_classes(bin: &BinaryFacts) -> &[String] {
    if bin.facts.defined_classes.is_empty() {
        &bin.facts.objc_class_names
    } else {
        &bin.facts.defined_classes
    }
}

/// Data types a binary reaches through imported classes and symbols, and through selectors whose
/// class it imports (selectors alone are too generic: `name`, `model`).
fn record_data_access(
    rules: &IosRules,
    access: &mut DataAccessCollector<'_>,
    accessor: Option<&str>,
    bin: &BinaryFacts,
) {
    for class in &bin.facts.imported_classes {
        if let Some(rule) = rules.symbol(&format!("_OBJC_CLASS_$_{class}")) {
            access.record_ios(accessor, &bin.path, rule);
        }
    }
    for symbol in &bin.facts.imported_symbols {
        if let Some(rule) = rules.symbol(symbol) {
            access.record_ios(accessor, &bin.path, rule);
        }
    }
    for selector in &bin.facts.selectors {
        for rule in rules.selector(selector) {
            if bin
                .facts
                .imported_classes
                .binary_search(&rule.class)
                .is_ok()
            {
                access.record_ios_api(accessor, &bin.path, rule);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use appaudit_ios::{BinaryRole, BundleKind, IosBundleFacts};

    use crate::ios::inventory;
    use crate::ios::test_support::{binary, engine, macho};
    use crate::model::{InputKind, Warning};

    #[test]
    fn binaries_are_attributed_and_cross_binary_imports_are_uses() {
        let engine = engine();
        let jpush_dir = "Payload/A.app/Frameworks/JPush.framework";
        let mut main = macho(
            &["AppDelegate", "WXApi"],
            &["ASIdentifierManager", "JPUSHService", "UIDevice"],
            &["_getifaddrs"],
            &["identifierForVendor", "name", "startUpdatingLocation"],
            false,
        );
        main.swift_types = vec![
            "Bugly.CrashReporter".to_owned(),
            "A.ViewController".to_owned(),
        ];
        main.linked_libraries = vec![
            "/System/Library/Frameworks/UIKit.framework/UIKit".to_owned(),
            "@rpath/AlipaySDK.framework/AlipaySDK".to_owned(),
        ];
        let facts = IosBundleFacts {
            frameworks: vec![
                appaudit_ios::FrameworkInfo {
                    name: "JPush".to_owned(),
                    path: jpush_dir.to_owned(),
                    kind: BundleKind::Framework,
                    bundle_id: None,
                    version: None,
                    executable: None,
                    info: None,
                },
                appaudit_ios::FrameworkInfo {
                    name: "WechatOpenSDK".to_owned(),
                    path: "Payload/A.app/WechatOpenSDK.bundle".to_owned(),
                    kind: BundleKind::ResourceBundle,
                    bundle_id: None,
                    version: None,
                    executable: None,
                    info: None,
                },
            ],
            binaries: vec![
                // App code with WeChat linked in statically: ambiguous, so the app's.
                binary(
                    "Payload/A.app/A",
                    BinaryRole::MainExecutable,
                    Some("Payload/A.app"),
                    main,
                ),
                binary(
                    &format!("{jpush_dir}/JPush"),
                    BinaryRole::Framework,
                    Some(jpush_dir),
                    macho(
                        &["JPUSHService"],
                        &["CLLocationManager"],
                        &[],
                        &["startUpdatingLocation"],
                        false,
                    ),
                ),
                // A library of an unknown name holding only WeChat classes: WeChat's.
                binary(
                    "Payload/A.app/Frameworks/libx.dylib",
                    BinaryRole::Dylib,
                    Some("Payload/A.app"),
                    macho(
                        &["WXApiObject", "WXMediaMessage"],
                        &["ASIdentifierManager"],
                        &[],
                        &[],
                        false,
                    ),
                ),
                binary(
                    "Payload/A.app/PlugIns/W.appex/W",
                    BinaryRole::AppExtension,
                    Some("Payload/A.app/PlugIns/W.appex"),
                    macho(&[], &[], &[], &[], true),
                ),
            ],
            ..Default::default()
        };
        let inv = inventory(&engine, "a.ipa", 1, InputKind::Ipa, &facts, &HashSet::new());
        let sdk = |id: &str| {
            inv.sdks
                .iter()
                .find(|s| s.id == id)
                .unwrap_or_else(|| panic!("{id} missing"))
        };
        let jpush = sdk("jpush");
        assert_eq!(jpush.usage.status, "used");
        assert_eq!(
            jpush.usage.call_sites,
            ["Payload/A.app/A imports JPUSHService"]
        );
        assert!(
            jpush
                .evidence
                .iter()
                .any(|e| e.kind == "framework" && e.location == jpush_dir)
        );
        // Linking an embedded framework is evidence; linking UIKit is not.
        let alipay = sdk("alipay");
        assert_eq!(alipay.evidence.len(), 1);
        assert_eq!(alipay.evidence[0].kind, "framework");
        assert_eq!(alipay.evidence[0].location, "Payload/A.app/A");
        assert_eq!(
            alipay.evidence[0].value,
            "@rpath/AlipaySDK.framework/AlipaySDK"
        );
        let bugly = sdk("tencent-bugly");
        assert_eq!(bugly.evidence.len(), 1);
        assert_eq!(
            (
                bugly.evidence[0].kind.as_str(),
                bugly.evidence[0].value.as_str()
            ),
            ("swift_module", "Bugly")
        );
        let wechat = sdk("wechat-opensdk");
        assert!(
            wechat.evidence.iter().any(|e| e.kind == "resource_bundle"
                && e.location == "Payload/A.app/WechatOpenSDK.bundle")
        );
        assert_eq!(wechat.class_count, 3);
        assert_eq!(wechat.usage.status, "unknown");
        let owner = |path: &str| {
            inv.native_libs
                .iter()
                .find(|l| l.path == path)
                .and_then(|l| l.sdk.clone())
        };
        assert_eq!(owner("Payload/A.app/A"), None);
        assert_eq!(
            owner("Payload/A.app/Frameworks/libx.dylib").as_deref(),
            Some("wechat-opensdk")
        );
        assert_eq!(
            owner(&format!("{jpush_dir}/JPush")).as_deref(),
            Some("jpush")
        );
        let who = |data_type: &str| -> Vec<(Option<String>, Vec<String>)> {
            inv.data_access
                .iter()
                .find(|d| d.data_type == data_type)
                .map(|d| {
                    d.accessors
                        .iter()
                        .map(|a| (a.sdk.clone(), a.apis.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            who("idfa"),
            [
                (None, vec!["ASIdentifierManager".to_owned()]),
                (
                    Some("wechat-opensdk".to_owned()),
                    vec!["ASIdentifierManager".to_owned()]
                )
            ]
        );
        assert_eq!(
            who("idfv"),
            [(None, vec!["UIDevice.identifierForVendor".to_owned()])]
        );
        assert_eq!(
            who("device_name"),
            [(None, vec!["UIDevice.name".to_owned()])]
        );
        assert_eq!(who("ip_address"), [(None, vec!["_getifaddrs".to_owned()])]);
        // The main executable has the selector but not the class: only JPush reads location.
        let location = who("precise_location");
        assert_eq!(location.len(), 1, "{location:?}");
        assert_eq!(location[0].0.as_deref(), Some("jpush"));
        let fairplay: Vec<&Warning> = inv
            .warnings
            .iter()
            .filter(|w| w.message.contains("FairPlay"))
            .collect();
        assert_eq!(fairplay.len(), 1, "{fairplay:?}");
        assert_eq!(fairplay[0].location, "Payload/A.app/PlugIns/W.appex/W");
        assert!(fairplay[0].message.starts_with("FairPlay-encrypted"));
    }
}
