//! iOS inputs: IPA, unzipped `.app`, `.framework`, `.xcframework`, static library (`.a`) and
//! bare Mach-O files.
//!
//! `appaudit_ios` reads every plist, privacy manifest and Mach-O binary of the input through a
//! [`FileSource`]; this module turns those facts into an [`Inventory`]: usage descriptions as
//! permissions, SDKs from framework names, bundle ids and Objective-C class prefixes, one native
//! library per binary, data access from imported classes, symbols and selectors, privacy
//! manifests and required-reason gaps.
//!
//! Attribution: Mach-O has no call graph we read, so a binary is the unit. A framework's or
//! static library's binary belongs to the SDK its name (or bundle id) matches. Any other binary,
//! the main executable included, belongs to an SDK only when every Objective-C class it defines
//! is that one SDK's; otherwise (app code mixed with statically linked SDKs) its data access is
//! the app's, because which object file imports an API is no longer visible after linking.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use appaudit_archive::Archive;
use appaudit_ios::{
    BinaryFacts, BinaryRole, BundleKind, FileSource, IosBundleFacts, required_reason_gaps,
};
use appaudit_taxonomy::{DataAccessCollector, IosRules};

use super::Engine;
use super::sdk_facts::{SdkAcc, detected_sdks};
use crate::model::{self, InputKind, Inventory, Warning};

/// A [`FileSource`] over a zip archive (an IPA). Every read goes through [`Archive::read`], so
/// the archive's size, ratio and total limits apply.
pub(super) struct ZipSource<'z, 'a> {
    archive: &'z Archive<'a>,
    /// The last whole entry read: the bundle walk sniffs a file's first bytes and then reads
    /// the same file in full, which would otherwise inflate it twice.
    last: RefCell<Option<(String, Vec<u8>)>>,
}

impl<'z, 'a> ZipSource<'z, 'a> {
    pub(super) fn new(archive: &'z Archive<'a>) -> Self {
        ZipSource {
            archive,
            last: RefCell::new(None),
        }
    }

    fn read_cached(&self, path: &str) -> std::io::Result<Vec<u8>> {
        if let Some((cached, bytes)) = self.last.borrow().as_ref()
            && cached == path
        {
            return Ok(bytes.clone());
        }
        let entry = self.archive.by_name(path).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not an entry of the archive"),
            )
        })?;
        let bytes = self
            .archive
            .read(entry)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        *self.last.borrow_mut() = Some((path.to_owned(), bytes.clone()));
        Ok(bytes)
    }
}

impl FileSource for ZipSource<'_, '_> {
    fn list(&self) -> Vec<String> {
        self.archive
            .entries()
            .iter()
            .filter(|e| !e.is_dir())
            .map(|e| e.name.clone())
            .collect()
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.read_cached(path)
    }

    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        let mut bytes = self.read_cached(path)?;
        bytes.truncate(len);
        Ok(bytes)
    }
}

/// A [`FileSource`] of one file held in memory (a bare `.a` or Mach-O).
pub(super) struct MemSource<'b> {
    name: String,
    bytes: &'b [u8],
}

impl<'b> MemSource<'b> {
    /// `name` is the path shown in the inventory (the file name, so the library name is visible).
    pub(super) fn new(name: &str, bytes: &'b [u8]) -> Self {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        MemSource {
            name: file.to_owned(),
            bytes,
        }
    }
}

impl FileSource for MemSource<'_> {
    fn list(&self) -> Vec<String> {
        vec![self.name.clone()]
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        if path == self.name {
            Ok(self.bytes.to_vec())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not the input"),
            ))
        }
    }

    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        if path == self.name {
            Ok(self
                .bytes
                .get(..len.min(self.bytes.len()))
                .unwrap_or_default()
                .to_vec())
        } else {
            self.read(path)
        }
    }
}

/// Scans one iOS input read through `source`.
pub(super) fn scan_ios(
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
    let mut known_paths: HashSet<&str> = HashSet::new();
    for path in listed {
        known_paths.insert(path);
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if !known_paths.insert(parent) {
                break;
            }
            dir = parent;
        }
    }
    let mut warnings = Vec::new();
    // Encryption is reported once per binary below, with the slices it affects.
    for w in facts.warnings.iter().filter(|w| !w.contains("FairPlay")) {
        warnings.push(split_warning(w, &known_paths, name));
    }

    let mut sdks: BTreeMap<usize, SdkAcc> = BTreeMap::new();
    let mut access = DataAccessCollector::new(&engine.android);
    let sdk_id = |i: usize| engine.db.sdks().get(i).map(|s| s.id.clone());

    // Bundles (frameworks, xcframeworks, extensions, resource bundles): name and bundle id.
    let mut bundle_sdk: BTreeMap<&str, usize> = BTreeMap::new();
    let mut markers = Vec::new();
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
            sdks.entry(hit.sdk)
                .or_default()
                .hit(&hit, kind, &fw.path, || file.to_owned());
            bundle_sdk.insert(&fw.path, hit.sdk);
        }
        if let Some(id) = &fw.bundle_id
            && let Some(hit) = engine.matcher.match_ios_bundle_id(id)
        {
            sdks.entry(hit.sdk)
                .or_default()
                .hit(&hit, "bundle_id", &plist, || id.to_owned());
            bundle_sdk.entry(&fw.path).or_insert(hit.sdk);
        }
        if let Some(info) = &fw.info {
            for w in &info.warnings {
                warnings.push(Warning::new(plist.clone(), w.clone()));
            }
        }
        if fw.kind == BundleKind::Framework
            && (fw.version.is_some() || bundle_sdk.contains_key(fw.path.as_str()))
        {
            markers.push(model::LibraryMarker {
                path: plist.clone(),
                library: fw.name.clone(),
                version: fw.version.clone(),
                sdk: bundle_sdk.get(fw.path.as_str()).and_then(|&i| sdk_id(i)),
            });
        }
    }
    // A bundle inside a matched bundle (an xcframework's slice framework) is the same SDK.
    let bundle_owner = |bundle: &str| -> Option<usize> {
        bundle_sdk
            .iter()
            .filter(|(b, _)| {
                bundle == **b || bundle.strip_prefix(**b).is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|(b, _)| b.len())
            .map(|(_, &i)| i)
    };

    // Embedded frameworks that no rule names but that carry their own bundle id
    // (`com.mob.SMS-SDK`): a third party's code all the same, named by that id.
    let app_id = facts.app.as_ref().and_then(|a| a.info.bundle_id.as_deref());
    let unnamed = unnamed_frameworks(facts, listed, app_id, &bundle_owner);
    let unnamed_owner = |bundle: &str| -> Option<&UnnamedFramework> {
        unnamed
            .iter()
            .filter(|u| {
                bundle == u.path
                    || bundle
                        .strip_prefix(u.path.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|u| u.path.len())
    };
    let mut unnamed_classes: BTreeMap<String, usize> = BTreeMap::new();

    // Binaries: who owns each, the SDK classes it defines, the SDKs it calls into.
    let mut native_libs = Vec::new();
    let mut stats = model::Stats {
        entries: listed.len(),
        ..Default::default()
    };
    for bin in &facts.binaries {
        let owner = binary_owner(engine, bin, &bundle_owner, &mut sdks);
        let classes = defined_classes(bin);
        stats.classes += classes.len();
        for class in classes {
            if let Some(hit) = engine.matcher.match_objc_class(class) {
                let acc = sdks.entry(hit.sdk).or_default();
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
                sdks.entry(hit.sdk)
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
                sdks.entry(hit.sdk)
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
                sdks.entry(hit.sdk).or_default().calls(
                    1,
                    [(format!("{} imports {class}", bin.path), bin.path.clone())],
                );
            }
        }
        // A binary of an unnamed framework is that framework's (never the app's own executable).
        let unnamed_id = (owner.is_none()
            && bin.role != BinaryRole::MainExecutable
            && bin.role != BinaryRole::AppExtension)
            .then(|| bin.bundle.as_deref().and_then(unnamed_owner))
            .flatten()
            .map(|u| u.id.clone());
        if let Some(id) = &unnamed_id {
            *unnamed_classes.entry(id.clone()).or_default() += classes_len(bin);
        }
        let owner_id = owner.and_then(sdk_id).or_else(|| unnamed_id.clone());
        record_data_access(&rules, &mut access, owner_id.as_deref(), bin);
        if bin.facts.encrypted {
            let slices: Vec<&str> = bin
                .facts
                .slices
                .iter()
                .filter(|s| s.encrypted)
                .map(|s| s.arch.as_str())
                .collect();
            warnings.push(Warning::new(
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
            warnings.push(Warning::new(bin.path.clone(), w.clone()));
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
            warnings.push(Warning::new(plist.clone(), w.clone()));
        }
        declare(info, &plist, &mut access);
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
            declare(info, &plist_path(listed, &fw.path), &mut access);
        }
    }

    let privacy_manifests = facts
        .privacy_manifests
        .iter()
        .map(|m| {
            for w in &m.manifest.warnings {
                warnings.push(Warning::new(m.path.clone(), w.clone()));
            }
            model::PrivacyManifest {
                path: m.path.clone(),
                bundle: m.bundle.clone(),
                sdk: m
                    .bundle
                    .as_deref()
                    .and_then(bundle_owner)
                    .and_then(sdk_id)
                    .or_else(|| {
                        m.bundle
                            .as_deref()
                            .and_then(unnamed_owner)
                            .map(|u| u.id.clone())
                    }),
                tracking: m.manifest.tracking,
                tracking_domains: m.manifest.tracking_domains.clone(),
                collected_data_types: m
                    .manifest
                    .collected_data_types
                    .iter()
                    .map(|c| model::CollectedDataType {
                        data_type: c.data_type.clone(),
                        linked: c.linked,
                        tracking: c.tracking,
                        purposes: c.purposes.clone(),
                    })
                    .collect(),
                accessed_api_types: m
                    .manifest
                    .accessed_api_types
                    .iter()
                    .map(|a| model::AccessedApiType {
                        category: a.category.clone(),
                        reasons: a.reasons.clone(),
                    })
                    .collect(),
            }
        })
        .collect();

    let owners: BTreeMap<&str, Option<String>> = native_libs
        .iter()
        .map(|l| (l.path.as_str(), l.sdk.clone()))
        .collect();
    let required_reason_gaps: Vec<model::RequiredReasonGap> = required_reason_gaps(facts)
        .into_iter()
        .map(|g| {
            warnings.push(Warning::new(
                g.binary.clone(),
                format!(
                    "uses required-reason API category {} ({}) but no privacy manifest in the input declares a reason",
                    g.category,
                    g.evidence.join(", ")
                ),
            ));
            model::RequiredReasonGap {
                sdk: owners.get(g.binary.as_str()).cloned().flatten(),
                category: g.category,
                binary: g.binary,
                evidence: g.evidence,
            }
        })
        .collect();
    let required_reason_uses = facts
        .binaries
        .iter()
        .flat_map(|b| {
            appaudit_ios::required_reason_uses(&b.facts)
                .into_iter()
                .map(move |u| (b, u))
        })
        .map(|(b, u)| model::RequiredReasonUse {
            sdk: owners.get(b.path.as_str()).cloned().flatten(),
            category: u.category,
            binary: b.path.clone(),
            evidence: u.evidence,
        })
        .collect();

    // No call graph on iOS: an SDK nobody imports is `unknown`, not `present`.
    let mut detected = detected_sdks(engine, sdks, false);
    for u in &unnamed {
        detected.push(u.detected(unnamed_classes.get(&u.id).copied().unwrap_or(0)));
    }
    detected.sort_by(|a, b| a.id.cmp(&b.id));
    for marker in &mut markers {
        if marker.sdk.is_none()
            && let Some(u) = unnamed.iter().find(|u| marker.path == u.plist)
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
        data_access: access.finish(),
        code_loading: Vec::new(),
        privacy_manifests,
        required_reason_gaps,
        required_reason_uses,
        stats,
        warnings,
    }
}

/// An embedded framework no signature names, identified by its own `CFBundleIdentifier`.
struct UnnamedFramework {
    /// `bundle:<CFBundleIdentifier>`.
    id: String,
    bundle_id: String,
    /// The framework's directory name (`SMS_SDK`).
    name: String,
    /// The bundle directory.
    path: String,
    /// Its Info.plist.
    plist: String,
}

impl UnnamedFramework {
    fn detected(&self, class_count: usize) -> model::DetectedSdk {
        // The owner's domain, as reverse DNS reads it (`com.mob.SMS-SDK` -> `mob.com`).
        let mut labels: Vec<&str> = self.bundle_id.split('.').take(2).collect();
        labels.reverse();
        model::DetectedSdk {
            id: self.id.clone(),
            name: self.name.clone(),
            name_zh: None,
            vendor: labels.join("."),
            category: "unknown".to_owned(),
            packages: Vec::new(),
            class_count,
            matched_rules: Vec::new(),
            evidence: vec![
                model::Evidence {
                    kind: "bundle_id".to_owned(),
                    location: self.plist.clone(),
                    value: self.bundle_id.clone(),
                },
                model::Evidence {
                    kind: "framework".to_owned(),
                    location: self.path.clone(),
                    value: self
                        .path
                        .rsplit('/')
                        .next()
                        .unwrap_or(&self.path)
                        .to_owned(),
                },
            ],
            usage: model::SdkUsage {
                status: "unknown",
                call_sites: Vec::new(),
                call_site_files: Vec::new(),
                call_count: 0,
            },
            documented_data_types: Vec::new(),
            confidence: None,
        }
    }
}

/// Frameworks (and xcframework slices) that carry a real bundle id of their own and that no
/// rule named: not Apple's, not the app's own (same first two reverse-DNS labels as the app's
/// bundle id), not a build-setting placeholder. One per bundle id, the outermost bundle.
fn unnamed_frameworks(
    facts: &IosBundleFacts,
    listed: &HashSet<String>,
    app_id: Option<&str>,
    named: &dyn Fn(&str) -> Option<usize>,
) -> Vec<UnnamedFramework> {
    let org = |id: &str| -> String {
        id.split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".")
            .to_ascii_lowercase()
    };
    let app_org = app_id.filter(|id| id.contains('.')).map(org);
    let mut frameworks: Vec<&appaudit_ios::FrameworkInfo> = facts
        .frameworks
        .iter()
        .filter(|f| matches!(f.kind, BundleKind::Framework | BundleKind::Xcframework))
        .collect();
    frameworks.sort_by_key(|f| (f.path.len(), f.path.clone()));
    let mut out: Vec<UnnamedFramework> = Vec::new();
    for fw in frameworks {
        let Some(id) = fw.bundle_id.as_deref().map(str::trim) else {
            continue;
        };
        let real = id.contains('.')
            && !id.contains(['$', '{', '(', ' ', '/'])
            && !id.to_ascii_lowercase().starts_with("com.apple.");
        if !real
            || named(&fw.path).is_some()
            || app_org.as_deref() == Some(org(id).as_str())
            || out.iter().any(|u| {
                u.bundle_id == id
                    || fw
                        .path
                        .strip_prefix(u.path.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
        {
            continue;
        }
        out.push(UnnamedFramework {
            id: format!("bundle:{id}"),
            bundle_id: id.to_owned(),
            name: fw.name.clone(),
            path: fw.path.clone(),
            plist: plist_path(listed, &fw.path),
        });
    }
    out
}

fn classes_len(bin: &BinaryFacts) -> usize {
    defined_classes(bin).len()
}

/// The SDK a binary belongs to (see the module docs), recording the name evidence.
fn binary_owner(
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

/// The Info.plist describing `bundle`, in iOS or macOS layout.
fn plist_path(listed: &HashSet<String>, bundle: &str) -> String {
    let candidates = [
        format!("{bundle}/Info.plist"),
        format!("{bundle}/Contents/Info.plist"),
        format!("{bundle}/Resources/Info.plist"),
    ];
    candidates
        .iter()
        .find(|c| listed.contains(c.as_str()))
        .cloned()
        .unwrap_or_else(|| {
            listed
                .iter()
                .filter(|p| {
                    p.strip_prefix(bundle)
                        .and_then(|r| r.strip_prefix("/Versions/"))
                        .is_some_and(|r| {
                            r.ends_with("/Resources/Info.plist") && r.matches('/').count() == 2
                        })
                })
                .min()
                .cloned()
                .unwrap_or_else(|| format!("{bundle}/Info.plist"))
        })
}

/// The crate's warnings read `path: message` or `path is …`; the path becomes the location when
/// it is a file or directory of the input, else the input itself is.
fn split_warning(warning: &str, known_paths: &HashSet<&str>, input: &str) -> Warning {
    let known = |p: &str| known_paths.contains(p);
    for sep in [": ", " is "] {
        if let Some((head, tail)) = warning.split_once(sep)
            && !head.is_empty()
            && known(head)
        {
            let message = if sep == ": " {
                tail.to_owned()
            } else {
                format!("is {tail}")
            };
            return Warning::new(head, message);
        }
    }
    Warning::new(input, warning)
}

#[cfg(test)]
mod tests {
    use super::*;
    use appaudit_ios::{Container, MachOFacts};

    fn engine() -> Engine {
        Engine::new(super::super::ScanOptions::default()).expect("engine")
    }

    /// A stored (uncompressed) zip written by hand from the APPNOTE layout, so the test does not
    /// depend on the reader it checks.
    fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        let crc = |data: &[u8]| {
            let mut c = 0xffff_ffffu32;
            for &b in data {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        (c >> 1) ^ 0xedb8_8320
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        };
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in files {
            let offset = out.len() as u32;
            let (n, len, sum) = (name.len() as u16, data.len() as u32, crc(data));
            out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
            for v in [sum, len, len] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
            for v in [sum, len, len] {
                central.extend_from_slice(&v.to_le_bytes());
            }
            central.extend_from_slice(&n.to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let count = files.len() as u16;
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    const INFO_PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.t</string>
<key>CFBundleExecutable</key><string>T</string>
<key>CFBundleShortVersionString</key><string>2.1</string>
<key>CFBundleVersion</key><string>42</string>
<key>MinimumOSVersion</key><string>12.0</string>
<key>NSCameraUsageDescription</key><string>scan codes</string>
<key>NSAppleMusicUsageDescription</key><string>play music</string>
</dict></plist>"#;

    #[test]
    fn zip_source_lists_files_and_reads_through_the_archive() {
        let zip = stored_zip(&[
            ("Payload/T.app/Info.plist", INFO_PLIST.as_bytes()),
            ("Payload/T.app/a.txt", b"hello"),
        ]);
        let archive = Archive::open(&zip, Default::default()).expect("zip");
        let source = ZipSource::new(&archive);
        assert_eq!(
            source.list(),
            ["Payload/T.app/Info.plist", "Payload/T.app/a.txt"]
        );
        assert_eq!(source.read("Payload/T.app/a.txt").expect("read"), b"hello");
        assert_eq!(
            source
                .read_prefix("Payload/T.app/a.txt", 2)
                .expect("prefix"),
            b"he"
        );
        // Cached: the second read hands out the same bytes and inflates nothing more.
        let before = archive.bytes_read();
        assert_eq!(source.read("Payload/T.app/a.txt").expect("read"), b"hello");
        assert_eq!(archive.bytes_read(), before);
        assert_eq!(
            source.read("missing").expect_err("absent").kind(),
            std::io::ErrorKind::NotFound
        );
    }

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

    fn macho(
        defined: &[&str],
        imported: &[&str],
        symbols: &[&str],
        selectors: &[&str],
        encrypted: bool,
    ) -> MachOFacts {
        let list = |v: &[&str]| -> Vec<String> {
            let mut out: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
            out.sort();
            out
        };
        MachOFacts {
            container: Container::Thin,
            slices: Vec::new(),
            archs: vec!["arm64".to_owned()],
            platforms: vec!["ios".to_owned()],
            min_os: None,
            encrypted,
            install_name: None,
            linked_libraries: Vec::new(),
            defined_classes: list(defined),
            imported_classes: list(imported),
            objc_class_names: Vec::new(),
            selectors: list(selectors),
            imported_symbols: list(symbols),
            swift_types: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn binary(
        path: &str,
        role: BinaryRole,
        bundle: Option<&str>,
        facts: MachOFacts,
    ) -> BinaryFacts {
        BinaryFacts {
            path: path.to_owned(),
            role,
            bundle: bundle.map(str::to_owned),
            facts,
        }
    }

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
        let engine = Engine::new(super::super::ScanOptions {
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

    /// Regression (issue #10): MobTech's SMS SDK framework, which no rule names, was shown only
    /// as a library marker without an SDK although its Info.plist says whose it is.
    #[test]
    fn vendor_framework_with_only_its_bundle_id_is_named_by_it() {
        let engine = engine();
        let fw = |name: &str, id: &str| appaudit_ios::FrameworkInfo {
            name: name.to_owned(),
            path: format!("Payload/A.app/Frameworks/{name}.framework"),
            kind: BundleKind::Framework,
            bundle_id: Some(id.to_owned()),
            version: Some("3.3".to_owned()),
            executable: None,
            info: None,
        };
        let sms = "Payload/A.app/Frameworks/SMS_SDK.framework";
        let facts = IosBundleFacts {
            app: Some(appaudit_ios::AppInfo {
                path: "Payload/A.app".to_owned(),
                info: appaudit_ios::InfoPlist {
                    bundle_id: Some("com.example.shop".to_owned()),
                    ..Default::default()
                },
            }),
            frameworks: vec![
                fw("SMS_SDK", "com.mob.SMS-SDK"),
                // The app's own framework, Apple's, and a project template's placeholder.
                fw("ShopCore", "com.example.ShopCore"),
                fw("SwiftUICore", "com.apple.SwiftUICore"),
                fw("Tmpl", "$(PRODUCT_BUNDLE_IDENTIFIER)"),
            ],
            binaries: vec![binary(
                &format!("{sms}/SMS_SDK"),
                BinaryRole::Framework,
                Some(sms),
                macho(
                    &["SMSSDKUIZone", "SMSSDKCore"],
                    &["ASIdentifierManager"],
                    &[],
                    &[],
                    false,
                ),
            )],
            ..Default::default()
        };
        let inv = inventory(&engine, "a.ipa", 1, InputKind::Ipa, &facts, &HashSet::new());
        let ids: Vec<&str> = inv.sdks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["bundle:com.mob.SMS-SDK"],
            "only the vendor's framework"
        );
        let sdk = &inv.sdks[0];
        assert_eq!(sdk.name, "SMS_SDK");
        assert_eq!(sdk.vendor, "mob.com");
        assert_eq!(sdk.class_count, 2);
        assert_eq!(sdk.evidence[0].kind, "bundle_id");
        assert_eq!(sdk.evidence[0].value, "com.mob.SMS-SDK");
        assert_eq!(sdk.evidence[0].location, format!("{sms}/Info.plist"));
        assert_eq!(
            inv.native_libs[0].sdk.as_deref(),
            Some("bundle:com.mob.SMS-SDK")
        );
        let marker = inv
            .library_markers
            .iter()
            .find(|m| m.library == "SMS_SDK")
            .expect("marker");
        assert_eq!(marker.sdk.as_deref(), Some("bundle:com.mob.SMS-SDK"));
        let carrier = inv
            .data_access
            .iter()
            .flat_map(|d| &d.accessors)
            .find(|a| a.sdk.is_some())
            .expect("the framework's reads are its own");
        assert_eq!(carrier.sdk.as_deref(), Some("bundle:com.mob.SMS-SDK"));
    }

    #[test]
    fn warnings_are_split_at_known_paths_only() {
        let known: HashSet<&str> = ["A.app", "A.app/A", "A.app/Info.plist"]
            .into_iter()
            .collect();
        assert_eq!(
            split_warning("A.app/A: truncated", &known, "in.ipa"),
            Warning::new("A.app/A", "truncated")
        );
        assert_eq!(
            split_warning("A.app/A is FairPlay-encrypted (x): y", &known, "in.ipa"),
            Warning::new("A.app/A", "is FairPlay-encrypted (x): y")
        );
        assert_eq!(
            split_warning("input lists 9 files: too many", &known, "in.ipa"),
            Warning::new("in.ipa", "input lists 9 files: too many")
        );
    }

    #[test]
    fn plist_path_follows_ios_and_macos_layouts() {
        let listed: HashSet<String> = [
            "A.framework/Versions/A/Resources/Info.plist",
            "B.app/Info.plist",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        assert_eq!(
            plist_path(&listed, "A.framework"),
            "A.framework/Versions/A/Resources/Info.plist"
        );
        assert_eq!(plist_path(&listed, "B.app"), "B.app/Info.plist");
        assert_eq!(plist_path(&listed, "C.framework"), "C.framework/Info.plist");
    }
}
