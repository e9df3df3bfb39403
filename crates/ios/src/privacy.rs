//! `PrivacyInfo.xcprivacy`: Apple privacy manifests of an app, framework or resource bundle.

use plist::{Dictionary, Value};
use serde::Serialize;

use crate::IosError;
use crate::info_plist::{read_dict, strings_at, value_kind};

/// Facts read from one privacy manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrivacyManifest {
    /// `NSPrivacyTracking`; `None` when the key is absent.
    pub tracking: Option<bool>,
    /// `NSPrivacyTrackingDomains`.
    pub tracking_domains: Vec<String>,
    /// `NSPrivacyCollectedDataTypes`.
    pub collected_data_types: Vec<CollectedDataType>,
    /// `NSPrivacyAccessedAPITypes`: required-reason API categories with their reason codes.
    pub accessed_api_types: Vec<AccessedApiType>,
    /// Entries of unexpected shape, reported instead of failing (a manifest Apple would reject is
    /// itself a finding).
    pub warnings: Vec<String>,
}

/// One `NSPrivacyCollectedDataTypes` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CollectedDataType {
    /// `NSPrivacyCollectedDataType`, e.g. `NSPrivacyCollectedDataTypeDeviceID`.
    pub data_type: String,
    /// `NSPrivacyCollectedDataTypeLinked`: linked to the user's identity.
    pub linked: Option<bool>,
    /// `NSPrivacyCollectedDataTypeTracking`: used for tracking.
    pub tracking: Option<bool>,
    /// `NSPrivacyCollectedDataTypePurposes`.
    pub purposes: Vec<String>,
}

/// One `NSPrivacyAccessedAPITypes` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessedApiType {
    /// `NSPrivacyAccessedAPIType`, e.g. `NSPrivacyAccessedAPICategoryUserDefaults`.
    pub category: String,
    /// `NSPrivacyAccessedAPITypeReasons`, e.g. `CA92.1`.
    pub reasons: Vec<String>,
}

const WHAT: &str = "PrivacyInfo.xcprivacy";

impl PrivacyManifest {
    /// Parses a privacy manifest (binary or XML plist).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IosError> {
        let dict = read_dict(bytes, WHAT)?;
        let mut warnings = Vec::new();
        let tracking = match dict.get("NSPrivacyTracking") {
            None => None,
            Some(Value::Boolean(b)) => Some(*b),
            Some(other) => {
                warnings.push(format!(
                    "NSPrivacyTracking is {}, expected a boolean",
                    value_kind(other)
                ));
                None
            }
        };
        let tracking_domains = strings_at(&dict, "NSPrivacyTrackingDomains", &mut warnings);
        let collected_data_types = entries(&dict, "NSPrivacyCollectedDataTypes", &mut warnings)
            .into_iter()
            .filter_map(|(i, entry)| {
                let key = format!("NSPrivacyCollectedDataTypes[{i}]");
                let Some(data_type) = entry
                    .get("NSPrivacyCollectedDataType")
                    .and_then(Value::as_string)
                else {
                    warnings.push(format!("{key} has no NSPrivacyCollectedDataType string"));
                    return None;
                };
                Some(CollectedDataType {
                    data_type: data_type.to_owned(),
                    linked: entry
                        .get("NSPrivacyCollectedDataTypeLinked")
                        .and_then(Value::as_boolean),
                    tracking: entry
                        .get("NSPrivacyCollectedDataTypeTracking")
                        .and_then(Value::as_boolean),
                    purposes: strings_at(
                        entry,
                        "NSPrivacyCollectedDataTypePurposes",
                        &mut warnings,
                    ),
                })
            })
            .collect();
        let accessed_api_types = entries(&dict, "NSPrivacyAccessedAPITypes", &mut warnings)
            .into_iter()
            .filter_map(|(i, entry)| {
                let key = format!("NSPrivacyAccessedAPITypes[{i}]");
                let Some(category) = entry
                    .get("NSPrivacyAccessedAPIType")
                    .and_then(Value::as_string)
                else {
                    warnings.push(format!("{key} has no NSPrivacyAccessedAPIType string"));
                    return None;
                };
                let reasons = strings_at(entry, "NSPrivacyAccessedAPITypeReasons", &mut warnings);
                if reasons.is_empty() {
                    warnings.push(format!("{key} ({category}) declares no reason"));
                }
                Some(AccessedApiType {
                    category: category.to_owned(),
                    reasons,
                })
            })
            .collect();
        Ok(PrivacyManifest {
            tracking,
            tracking_domains,
            collected_data_types,
            accessed_api_types,
            warnings,
        })
    }
}

/// The dictionaries in the array at `key`, with their indexes; other shapes become warnings.
fn entries<'a>(
    dict: &'a Dictionary,
    key: &str,
    warnings: &mut Vec<String>,
) -> Vec<(usize, &'a Dictionary)> {
    match dict.get(key) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.as_dictionary() {
                Some(d) => Some((i, d)),
                None => {
                    warnings.push(format!(
                        "{key}[{i}] is {}, expected a dictionary",
                        value_kind(item)
                    ));
                    None
                }
            })
            .collect(),
        Some(other) => {
            warnings.push(format!("{key} is {}, expected an array", value_kind(other)));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>NSPrivacyTracking</key><true/>
<key>NSPrivacyTrackingDomains</key><array><string>t.example.com</string></array>
<key>NSPrivacyCollectedDataTypes</key><array>
  <dict>
    <key>NSPrivacyCollectedDataType</key><string>NSPrivacyCollectedDataTypeDeviceID</string>
    <key>NSPrivacyCollectedDataTypeLinked</key><false/>
    <key>NSPrivacyCollectedDataTypeTracking</key><true/>
    <key>NSPrivacyCollectedDataTypePurposes</key><array><string>NSPrivacyCollectedDataTypePurposeAnalytics</string></array>
  </dict>
  <string>stray</string>
</array>
<key>NSPrivacyAccessedAPITypes</key><array>
  <dict><key>NSPrivacyAccessedAPIType</key><string>NSPrivacyAccessedAPICategoryUserDefaults</string>
        <key>NSPrivacyAccessedAPITypeReasons</key><array><string>CA92.1</string></array></dict>
  <dict><key>NSPrivacyAccessedAPIType</key><string>NSPrivacyAccessedAPICategoryDiskSpace</string>
        <key>NSPrivacyAccessedAPITypeReasons</key><array/></dict>
</array>
</dict></plist>"#;

    #[test]
    fn reads_every_section() {
        let m = PrivacyManifest::from_bytes(MANIFEST.as_bytes()).unwrap();
        assert_eq!(m.tracking, Some(true));
        assert_eq!(m.tracking_domains, ["t.example.com"]);
        assert_eq!(m.collected_data_types.len(), 1);
        let c = &m.collected_data_types[0];
        assert_eq!(c.data_type, "NSPrivacyCollectedDataTypeDeviceID");
        assert_eq!((c.linked, c.tracking), (Some(false), Some(true)));
        assert_eq!(c.purposes, ["NSPrivacyCollectedDataTypePurposeAnalytics"]);
        assert_eq!(m.accessed_api_types.len(), 2);
        assert_eq!(m.accessed_api_types[0].reasons, ["CA92.1"]);
        assert!(m.accessed_api_types[1].reasons.is_empty());
        // The stray string and the reason-less category.
        assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    }

    #[test]
    fn malformed_manifests_are_clear_errors_and_never_panic() {
        let err = PrivacyManifest::from_bytes(b"<plist><string>x</string></plist>").unwrap_err();
        assert!(err.to_string().contains("root is a string"), "{err}");
        let err = PrivacyManifest::from_bytes(b"not a plist").unwrap_err();
        assert!(
            err.to_string().starts_with("PrivacyInfo.xcprivacy"),
            "{err}"
        );
        let bytes = MANIFEST.as_bytes();
        for len in 0..bytes.len() {
            let _ = PrivacyManifest::from_bytes(&bytes[..len]);
        }
    }

    #[test]
    fn wrong_shapes_are_warnings() {
        let xml = r#"<plist><dict><key>NSPrivacyTracking</key><string>YES</string>
<key>NSPrivacyAccessedAPITypes</key><dict/></dict></plist>"#;
        let m = PrivacyManifest::from_bytes(xml.as_bytes()).unwrap();
        assert_eq!(m.tracking, None);
        assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    }
}
