//! The app's identity (bundle id, versions, minimum OS, ATS) and its usage descriptions as
//! permissions: the app's first, then its extensions'; an SDK on its own is named by its one
//! framework bundle id.

use std::collections::{BTreeSet, HashSet};

use appaudit_ios::{BundleKind, IosBundleFacts};
use appaudit_taxonomy::{DataAccessCollector, IosRules};

use super::Acc;
use super::paths::plist_path;
use crate::model::{self, InputKind, Warning};

/// The app's identity and permissions; purpose strings that reveal data types are data access.
pub(super) fn read_identity(
    facts: &IosBundleFacts,
    listed: &HashSet<String>,
    kind: InputKind,
    rules: &IosRules,
    acc: &mut Acc<'_>,
) -> (model::AppInfo, Vec<model::Permission>) {
    // Identity and usage descriptions: the app's first, then its extensions'.
    let mut app = model::AppInfo {
        platform: "ios",
        ..Default::default()
    };
    let mut permissions = Vec::new();
    let mut seen_keys = BTreeSet::new();
    let mut declare =
        |info: &appaudit_ios::InfoPlist, plist: &str, access: &mut DataAccessCollector<'_>| {
            for usage in &info.usage_descriptions {
                if let Some(rule) = rules.plist_key(&usage.key) {
                    access.record_ios_plist_key(rule);
                }
                // An extension may repeat the app's key with its own purpose: both are evidence.
                if !seen_keys.insert((usage.key.clone(), plist.to_owned())) {
                    continue;
                }
                permissions.push(model::Permission {
                    name: usage.key.clone(),
                    // A purpose string gates personal data exactly when it maps to a data type.
                    protection: if usage.data_types.is_empty() {
                        model::Protection::Normal
                    } else {
                        model::Protection::Dangerous
                    },
                    data_types: usage.data_types.clone(),
                    max_sdk_version: None,
                    sdk_23_only: false,
                    purpose: Some(usage.text.clone()),
                    declared_in: plist.to_owned(),
                });
            }
            if !info.queried_url_schemes.is_empty()
                && let Some(rule) = rules.plist_key("LSApplicationQueriesSchemes")
            {
                access.record_ios_plist_key(rule);
            }
        };
    if let Some(a) = &facts.app {
        let plist = plist_path(listed, &a.path);
        let info = &a.info;
        app.package = info.bundle_id.clone();
        app.version_name = info.version.clone();
        app.version_code = info.build.clone();
        app.min_sdk = info.minimum_os.clone();
        if let Some(ats) = &info.ats {
            app.flags.insert(
                "NSAllowsArbitraryLoads".to_owned(),
                ats.allows_arbitrary_loads.to_string(),
            );
        }
        for w in &info.warnings {
            acc.warnings.push(Warning::new(plist.clone(), w.clone()));
        }
        declare(info, &plist, &mut acc.access);
    } else if kind == InputKind::IosLibrary {
        // An SDK on its own (not an app whose Info.plist is unreadable): its identity is the
        // one framework bundle id it carries.
        let ids: BTreeSet<(&String, Option<&String>)> = facts
            .frameworks
            .iter()
            .filter_map(|f| Some((f.bundle_id.as_ref()?, f.version.as_ref())))
            .collect();
        if let [(id, version)] = ids.iter().collect::<Vec<_>>().as_slice() {
            app.package = Some((*id).clone());
            app.version_name = version.cloned();
        }
    }
    for fw in facts
        .frameworks
        .iter()
        .filter(|f| f.kind == BundleKind::AppExtension)
    {
        if let Some(info) = &fw.info {
            declare(info, &plist_path(listed, &fw.path), &mut acc.access);
        }
    }
    (app, permissions)
}
