//! Bundles (frameworks, xcframeworks, extensions, resource bundles): the SDK each one's name or
//! bundle id names, their Info.plist warnings, and a library marker per framework.

use std::collections::{BTreeMap, HashSet};

use appaudit_ios::{BundleKind, IosBundleFacts};

use super::paths::plist_path;
use super::{Acc, sdk_id};
use crate::Engine;
use crate::model::{self, Warning};

/// Matches every bundle of the input: the SDK each names (by bundle directory) and the markers.
pub(super) fn read_bundles<'f>(
    engine: &Engine,
    facts: &'f IosBundleFacts,
    listed: &HashSet<String>,
    acc: &mut Acc<'_>,
) -> (BTreeMap<&'f str, usize>, Vec<model::LibraryMarker>) {
    let mut bundle_sdk: BTreeMap<&str, usize> = BTreeMap::new();
    let mut markers = Vec::new();
    // Bundles (frameworks, xcframeworks, extensions, resource bundles): name and bundle id.
    for fw in &facts.frameworks {
        let plist = plist_path(listed, &fw.path);
        // The matcher strips `.framework`/`.xcframework` itself; a resource bundle
        // (`AlipaySDK.bundle`) is matched by its stem.
        let by_name = match fw.kind {
            BundleKind::Framework | BundleKind::Xcframework => engine
                .matcher
                .match_ios_framework(&fw.path)
                .map(|hit| (hit, "framework")),
            BundleKind::ResourceBundle => engine
                .matcher
                .match_ios_framework(&fw.name)
                .map(|hit| (hit, "resource_bundle")),
            BundleKind::AppExtension | BundleKind::App => None,
        };
        if let Some((hit, kind)) = by_name {
            let file = fw.path.rsplit('/').next().unwrap_or(&fw.path);
            acc.sdks
                .entry(hit.sdk)
                .or_default()
                .hit(&hit, kind, &fw.path, || file.to_owned());
            bundle_sdk.insert(&fw.path, hit.sdk);
        }
        if let Some(id) = &fw.bundle_id
            && let Some(hit) = engine.matcher.match_ios_bundle_id(id)
        {
            acc.sdks
                .entry(hit.sdk)
                .or_default()
                .hit(&hit, "bundle_id", &plist, || id.to_owned());
            bundle_sdk.entry(&fw.path).or_insert(hit.sdk);
        }
        if let Some(info) = &fw.info {
            for w in &info.warnings {
                acc.warnings.push(Warning::new(plist.clone(), w.clone()));
            }
        }
        if fw.kind == BundleKind::Framework
            && (fw.version.is_some() || bundle_sdk.contains_key(fw.path.as_str()))
        {
            markers.push(model::LibraryMarker {
                path: plist.clone(),
                library: fw.name.clone(),
                version: fw.version.clone(),
                sdk: bundle_sdk
                    .get(fw.path.as_str())
                    .and_then(|&i| sdk_id(engine, i)),
            });
        }
    }
    (bundle_sdk, markers)
}

/// The SDK owning `bundle`: a bundle inside a matched bundle (an xcframework's slice framework)
/// is the same SDK.
pub(super) fn named_owner(bundle_sdk: &BTreeMap<&str, usize>, bundle: &str) -> Option<usize> {
    bundle_sdk
        .iter()
        .filter(|(b, _)| {
            bundle == **b || bundle.strip_prefix(**b).is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|(b, _)| b.len())
        .map(|(_, &i)| i)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use appaudit_ios::{BinaryRole, BundleKind, IosBundleFacts};

    use crate::ios::inventory;
    use crate::ios::test_support::{binary, macho};
    use crate::model::{self, InputKind};
    use crate::{Engine, ScanOptions};

    #[test]
    fn bundle_ids_attribute_frameworks_binaries_and_manifests() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("test.toml"),
            r#"
[[sdk]]
id = "opaque-test-sdk"
name = "Opaque"
vendor = "Test Vendor"
market = "global"
category = "analytics"
privacy_policy = "https://example.com/p"
platforms = ["ios"]
source = "test"
[sdk.rules]
ios_bundle_ids = ["com.testvendor.*"]
"#,
        )
        .expect("write");
        let engine = Engine::new(ScanOptions {
            extra_signature_dirs: vec![dir.path().to_path_buf()],
            ..Default::default()
        })
        .expect("engine");
        let fw = "Payload/A.app/Frameworks/Opaque.framework";
        let facts = IosBundleFacts {
            frameworks: vec![appaudit_ios::FrameworkInfo {
                name: "Opaque".to_owned(),
                path: fw.to_owned(),
                kind: BundleKind::Framework,
                bundle_id: Some("com.testvendor.opaque".to_owned()),
                version: Some("3.1".to_owned()),
                executable: None,
                info: None,
            }],
            binaries: vec![binary(
                &format!("{fw}/Opaque"),
                BinaryRole::Framework,
                Some(fw),
                macho(&["Zzz"], &["ASIdentifierManager"], &[], &[], false),
            )],
            ..Default::default()
        };
        let inv = inventory(&engine, "a.ipa", 1, InputKind::Ipa, &facts, &HashSet::new());
        let sdk = inv
            .sdks
            .iter()
            .find(|s| s.id == "opaque-test-sdk")
            .expect("detected");
        assert_eq!(
            sdk.evidence,
            [model::Evidence {
                kind: "bundle_id".to_owned(),
                location: format!("{fw}/Info.plist"),
                value: "com.testvendor.opaque".to_owned(),
            }]
        );
        assert_eq!(inv.native_libs[0].sdk.as_deref(), Some("opaque-test-sdk"));
        assert_eq!(inv.library_markers.len(), 1);
        assert_eq!(inv.library_markers[0].version.as_deref(), Some("3.1"));
        assert_eq!(
            inv.library_markers[0].sdk.as_deref(),
            Some("opaque-test-sdk")
        );
        let idfa = inv
            .data_access
            .iter()
            .find(|d| d.data_type == "idfa")
            .expect("idfa");
        assert_eq!(idfa.accessors[0].sdk.as_deref(), Some("opaque-test-sdk"));
    }
}
