//! Privacy manifests (`PrivacyInfo.xcprivacy`), each with the SDK whose bundle holds it, and
//! required-reason API categories a binary uses that no manifest declares a reason for.

use std::collections::BTreeMap;

use appaudit_ios::IosBundleFacts;

use super::{Owners, sdk_id};
use crate::Engine;
use crate::model::{self, Warning};

/// The input's privacy manifests; their warnings go to `warnings`.
pub(super) fn privacy_manifests(
    engine: &Engine,
    facts: &IosBundleFacts,
    owners: &Owners<'_>,
    warnings: &mut Vec<Warning>,
) -> Vec<model::PrivacyManifest> {
    facts
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
                    .and_then(|b| owners.sdk(b))
                    .and_then(|i| sdk_id(engine, i))
                    .or_else(|| {
                        m.bundle
                            .as_deref()
                            .and_then(|b| owners.unnamed(b))
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
        .collect()
}

/// The required-reason gaps, each owned by its binary's SDK (from `native_libs`) and also
/// said as a warning.
pub(super) fn required_reason_gaps(
    facts: &IosBundleFacts,
    native_libs: &[model::NativeLib],
    warnings: &mut Vec<Warning>,
) -> Vec<model::RequiredReasonGap> {
    let owners: BTreeMap<&str, Option<String>> = native_libs
        .iter()
        .map(|l| (l.path.as_str(), l.sdk.clone()))
        .collect();
    appaudit_ios::required_reason_gaps(facts)
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
        .collect()
}

/// Every required-reason API use of every binary, declared or not, with the SDK owning the
/// binary (what `audit --declared` compares with a privacy manifest).
pub(super) fn required_reason_uses(
    facts: &IosBundleFacts,
    native_libs: &[model::NativeLib],
) -> Vec<model::RequiredReasonUse> {
    let owners: BTreeMap<&str, Option<String>> = native_libs
        .iter()
        .map(|l| (l.path.as_str(), l.sdk.clone()))
        .collect();
    facts
        .binaries
        .iter()
        // Apple's embedded Swift runtime covers its own API use; it is not the app's.
        .filter(|b| appaudit_ios::apple_runtime(&b.path).is_none())
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
        .collect()
}
