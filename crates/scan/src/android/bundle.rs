//! App Bundles (AAB): where a module's entry goes in the APK bundletool builds, and the
//! modules' manifests.

use std::collections::BTreeSet;

use appaudit_archive::Archive;

use super::Facts;
use crate::model::Warning;

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
pub(super) fn bundle_modules(archive: &Archive<'_>, facts: &mut Facts<'_>) {
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
