//! Embedded frameworks no signature names but that carry their own bundle id
//! (`com.mob.SMS-SDK`): a third party's code all the same, named by that id.

use std::collections::HashSet;

use appaudit_ios::{BundleKind, IosBundleFacts};

use super::paths::plist_path;
use crate::model;

/// An embedded framework no signature names, identified by its own `CFBundleIdentifier`.
pub(super) struct UnnamedFramework {
    /// `bundle:<CFBundleIdentifier>`.
    pub(super) id: String,
    pub(super) bundle_id: String,
    /// The framework's directory name (`SMS_SDK`).
    pub(super) name: String,
    /// The bundle directory.
    pub(super) path: String,
    /// Its Info.plist.
    pub(super) plist: String,
}

impl UnnamedFramework {
    pub(super) fn detected(&self, class_count: usize) -> model::DetectedSdk {
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
pub(super) fn unnamed_frameworks(
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use appaudit_ios::{BinaryRole, BundleKind, IosBundleFacts};

    use crate::ios::inventory;
    use crate::ios::test_support::{binary, engine, macho};
    use crate::model::InputKind;

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
}
