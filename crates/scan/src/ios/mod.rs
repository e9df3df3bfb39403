//! iOS inputs: IPA, unzipped `.app`, `.framework`, `.xcframework`, static library (`.a`) and
//! bare Mach-O files.
//!
//! `appaudit_ios` reads every plist, privacy manifest and Mach-O binary of the input through a
//! [`FileSource`] ([`source`]); this module turns those facts into an [`Inventory`]: usage
//! descriptions as permissions, SDKs from framework names, bundle ids and Objective-C class
//! prefixes, one native library per binary, data access from imported classes, symbols and
//! selectors, privacy manifests and required-reason gaps.
//!
//! Attribution: Mach-O has no call graph we read, so a binary is the unit. A framework's or
//! static library's binary belongs to the SDK its name (or bundle id) matches. Any other binary,
//! the main executable included, belongs to an SDK only when every Objective-C class it defines
//! is that one SDK's; otherwise (app code mixed with statically linked SDKs) its data access is
//! the app's, because which object file imports an API is no longer visible after linking.
//!
//! One file per job: [`paths`] (Info.plist paths, warning locations), [`bundles`] (what each
//! bundle's name or id names), [`unnamed`] (frameworks no rule names), [`binaries`] (ownership,
//! classes, imports, data access), [`identity`] (the app and its usage descriptions) and
//! [`privacy`] (privacy manifests, required-reason gaps); [`inventory`] puts them together.

mod binaries;
mod bundles;
mod identity;
mod listing;
mod paths;
mod privacy;
mod source;
#[cfg(test)]
mod test_support;
mod unnamed;

use std::collections::{BTreeMap, HashSet};

use appaudit_ios::{FileSource, IosBundleFacts};
use appaudit_taxonomy::{DataAccessCollector, IosRules};

use crate::Engine;
use crate::model::{self, InputKind, Inventory, Warning};
use crate::sdk_facts::{SdkAcc, detected_sdks};
pub(crate) use source::{MemSource, ZipSource};
use unnamed::{UnnamedFramework, unnamed_frameworks};

/// Scans one iOS input read through `source`.
pub(crate) fn scan_ios(
    engine: &Engine,
    name: &str,
    size: u64,
    source: &dyn FileSource,
    kind: InputKind,
) -> Inventory {
    let facts = IosBundleFacts::scan(source);
    let listed: HashSet<String> = source.list().into_iter().collect();
    inventory(engine, name, size, kind, &facts, &listed)
}

/// What the steps of an iOS scan add to as they go.
struct Acc<'e> {
    sdks: BTreeMap<usize, SdkAcc>,
    access: DataAccessCollector<'e>,
    warnings: Vec<Warning>,
}

/// Who owns a bundle directory: the SDK a rule names (by the bundle's name or id), else an
/// embedded framework no rule names.
struct Owners<'f> {
    named: BTreeMap<&'f str, usize>,
    unnamed: Vec<UnnamedFramework>,
}

impl Owners<'_> {
    /// The SDK a rule names for `bundle` or a bundle enclosing it.
    fn sdk(&self, bundle: &str) -> Option<usize> {
        bundles::named_owner(&self.named, bundle)
    }

    /// The innermost unnamed framework that is `bundle` or encloses it.
    fn unnamed(&self, bundle: &str) -> Option<&UnnamedFramework> {
        self.unnamed
            .iter()
            .filter(|u| {
                bundle == u.path
                    || bundle
                        .strip_prefix(u.path.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|u| u.path.len())
    }
}

/// The id of SDK number `index` of the database.
fn sdk_id(engine: &Engine, index: usize) -> Option<String> {
    engine.db.sdks().get(index).map(|s| s.id.clone())
}

/// The inventory of an input from its facts; `listed` is every file path of the input.
fn inventory(
    engine: &Engine,
    name: &str,
    size: u64,
    kind: InputKind,
    facts: &IosBundleFacts,
    listed: &HashSet<String>,
) -> Inventory {
    let rules = IosRules::new(&engine.taxonomy);
    let known_paths = paths::known_paths(listed);
    let mut acc = Acc {
        sdks: BTreeMap::new(),
        access: DataAccessCollector::new(&engine.android),
        warnings: Vec::new(),
    };
    // Encryption is reported once per binary (`binaries`), with the slices it affects.
    for w in facts.warnings.iter().filter(|w| !w.contains("FairPlay")) {
        acc.warnings
            .push(paths::split_warning(w, &known_paths, name));
    }

    let (named, mut markers) = bundles::read_bundles(engine, facts, listed, &mut acc);
    // Embedded frameworks that no rule names but that carry their own bundle id
    // (`com.mob.SMS-SDK`): a third party's code all the same, named by that id.
    let app_id = facts.app.as_ref().and_then(|a| a.info.bundle_id.as_deref());
    let unnamed = unnamed_frameworks(facts, listed, app_id, &|b| bundles::named_owner(&named, b));
    let owners = Owners { named, unnamed };

    let mut stats = model::Stats {
        entries: listed.len(),
        ..Default::default()
    };
    let binaries::Binaries {
        native_libs,
        unnamed_classes,
    } = binaries::read_binaries(engine, &rules, facts, &owners, &mut stats, &mut acc);
    let (app, permissions) = identity::read_identity(facts, listed, kind, &rules, &mut acc);
    let privacy_manifests = privacy::privacy_manifests(engine, facts, &owners, &mut acc.warnings);
    let required_reason_gaps =
        privacy::required_reason_gaps(facts, &native_libs, &mut acc.warnings);
    let required_reason_uses = privacy::required_reason_uses(facts, &native_libs);

    // No call graph on iOS: an SDK nobody imports is `unknown`, not `present`.
    let mut detected = detected_sdks(engine, acc.sdks, false);
    for u in &owners.unnamed {
        detected.push(u.detected(unnamed_classes.get(&u.id).copied().unwrap_or(0)));
    }
    detected.sort_by(|a, b| a.id.cmp(&b.id));
    for marker in &mut markers {
        if marker.sdk.is_none()
            && let Some(u) = owners.unnamed.iter().find(|u| marker.path == u.plist)
        {
            marker.sdk = Some(u.id.clone());
        }
    }
    markers.sort_by(|a, b| a.path.cmp(&b.path));

    Inventory {
        schema_version: model::INVENTORY_SCHEMA_VERSION,
        source: model::Source {
            path: name.to_owned(),
            kind,
            size,
        },
        app,
        permissions,
        sdks: detected,
        configured_sdks: Vec::new(),
        native_libs,
        components: Vec::new(),
        meta_data: Vec::new(),
        library_markers: markers,
        data_access: acc.access.finish(),
        code_loading: Vec::new(),
        privacy_manifests,
        required_reason_gaps,
        required_reason_uses,
        startup_calls: Vec::new(),
        bundles: listing::bundles(facts, &|b| {
            owners
                .sdk(b)
                .and_then(|i| sdk_id(engine, i))
                .or_else(|| owners.unnamed(b).map(|u| u.id.clone()))
        }),
        stats,
        warnings: acc.warnings,
    }
}

#[cfg(test)]
mod tests {
    use appaudit_archive::Archive;

    use super::*;
    use test_support::{INFO_PLIST, engine, stored_zip};

    #[test]
    fn ipa_with_only_a_plist_gives_identity_and_purposes() {
        let zip = stored_zip(&[("Payload/T.app/Info.plist", INFO_PLIST.as_bytes())]);
        let archive = Archive::open(&zip, Default::default()).expect("zip");
        let inv = scan_ios(
            &engine(),
            "t.ipa",
            zip.len() as u64,
            &ZipSource::new(&archive),
            InputKind::Ipa,
        );
        assert_eq!(inv.app.platform, "ios");
        assert_eq!(inv.app.package.as_deref(), Some("com.example.t"));
        assert_eq!(inv.app.version_name.as_deref(), Some("2.1"));
        assert_eq!(inv.app.version_code.as_deref(), Some("42"));
        assert_eq!(inv.app.min_sdk.as_deref(), Some("12.0"));
        let camera = inv
            .permissions
            .iter()
            .find(|p| p.name == "NSCameraUsageDescription")
            .expect("camera");
        assert_eq!(camera.protection, model::Protection::Dangerous);
        assert_eq!(camera.data_types, ["camera"]);
        assert_eq!(camera.purpose.as_deref(), Some("scan codes"));
        assert_eq!(camera.declared_in, "Payload/T.app/Info.plist");
        // The executable the plist names is missing: a warning about the bundle, nothing else.
        assert!(
            inv.warnings
                .iter()
                .any(|w| w.location == "Payload/T.app" && w.message.contains("CFBundleExecutable"))
        );
        let camera_access = inv
            .data_access
            .iter()
            .find(|d| d.data_type == "camera")
            .expect("camera access");
        assert_eq!(camera_access.permissions, ["NSCameraUsageDescription"]);
        assert!(camera_access.accessors.is_empty());
    }

    #[test]
    fn truncated_ipa_and_bare_inputs_never_panic() {
        let engine = engine();
        let zip = stored_zip(&[
            ("Payload/T.app/Info.plist", INFO_PLIST.as_bytes()),
            ("Payload/T.app/T", b"\xcf\xfa\xed\xfe\x0c\0\0\x01"),
        ]);
        for len in 0..zip.len() {
            let cut = &zip[..len];
            if let Ok(archive) = Archive::open(cut, Default::default()) {
                let _ = scan_ios(
                    &engine,
                    "t.ipa",
                    len as u64,
                    &ZipSource::new(&archive),
                    InputKind::Ipa,
                );
            }
            let _ = scan_ios(
                &engine,
                "x.a",
                len as u64,
                &MemSource::new("dir/x.a", cut),
                InputKind::IosLibrary,
            );
        }
        let ar = b"!<arch>\n#1/20           0           0     0     644     4         `\nabcd";
        for len in 0..ar.len() {
            let inv = scan_ios(
                &engine,
                "y.a",
                len as u64,
                &MemSource::new("y.a", &ar[..len]),
                InputKind::IosLibrary,
            );
            assert!(inv.native_libs.len() <= 1);
        }
    }
}
