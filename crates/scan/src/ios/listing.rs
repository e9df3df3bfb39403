//! The iOS bundles of an input as the inventory lists them: each framework's (xcframework's,
//! extension's, resource bundle's) identity from its own `Info.plist`, and every slice an
//! xcframework's `AvailableLibraries` names.

use appaudit_ios::{BundleKind, IosBundleFacts};

use crate::model;

fn kind_name(kind: BundleKind) -> &'static str {
    match kind {
        BundleKind::App => "app",
        BundleKind::AppExtension => "app_extension",
        BundleKind::Framework => "framework",
        BundleKind::Xcframework => "xcframework",
        BundleKind::ResourceBundle => "resource_bundle",
    }
}

/// One entry per bundle other than the app, sorted by path; `owner` names the SDK a bundle
/// directory belongs to.
pub(super) fn bundles(
    facts: &IosBundleFacts,
    owner: &dyn Fn(&str) -> Option<String>,
) -> Vec<model::Bundle> {
    let mut out: Vec<model::Bundle> = facts
        .frameworks
        .iter()
        .map(|fw| {
            let info = fw.info.as_ref();
            model::Bundle {
                path: fw.path.clone(),
                kind: kind_name(fw.kind).to_owned(),
                bundle_id: fw.bundle_id.clone(),
                version: fw.version.clone(),
                build: info.and_then(|i| i.build.clone()),
                minimum_os: info.and_then(|i| i.minimum_os.clone()),
                sdk: owner(&fw.path),
                slices: info
                    .map(|i| {
                        i.xcframework_libraries
                            .iter()
                            .map(|l| model::XcframeworkSlice {
                                identifier: l.identifier.clone(),
                                platform: l.platform.clone(),
                                variant: l.variant.clone(),
                                archs: l.architectures.clone(),
                                library_path: l.library_path.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
