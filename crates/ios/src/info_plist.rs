//! `Info.plist` (binary or XML) of an app, app extension, framework, bundle or xcframework.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use plist::{Dictionary, Value};
use serde::Serialize;

use crate::IosError;

/// Facts read from one `Info.plist`.
///
/// Build-setting placeholders such as `$(PRODUCT_BUNDLE_IDENTIFIER)` are kept verbatim: they
/// show the plist was copied from a project, not taken from a built bundle.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InfoPlist {
    /// `CFBundleIdentifier`.
    pub bundle_id: Option<String>,
    /// `CFBundleDisplayName`, else `CFBundleName`.
    pub name: Option<String>,
    /// `CFBundleExecutable`: file name of the main binary inside the bundle.
    pub executable: Option<String>,
    /// `CFBundleShortVersionString` (marketing version).
    pub version: Option<String>,
    /// `CFBundleVersion` (build number).
    pub build: Option<String>,
    /// `MinimumOSVersion` (iOS) or `LSMinimumSystemVersion` (macOS).
    pub minimum_os: Option<String>,
    /// `CFBundlePackageType`: `APPL`, `FMWK`, `XFWK` (xcframework), `BNDL`, `XPC!` (extension).
    pub package_type: Option<String>,
    /// `CFBundleSupportedPlatforms`, e.g. `iPhoneOS`.
    pub supported_platforms: Vec<String>,
    /// Every purpose string (`NS*UsageDescription`), in file order of sorted keys.
    pub usage_descriptions: Vec<UsageDescription>,
    /// `LSApplicationQueriesSchemes`: URL schemes the app may probe with `canOpenURL`, i.e. the
    /// other apps it can detect as installed.
    pub queried_url_schemes: Vec<String>,
    /// `CFBundleURLTypes[*].CFBundleURLSchemes`: schemes this bundle handles (e.g. `wx…` for
    /// WeChat login callbacks).
    pub url_schemes: Vec<String>,
    /// `UIBackgroundModes`, e.g. `location`, `audio`, `fetch`, `remote-notification`.
    pub background_modes: Vec<String>,
    /// `NSAppTransportSecurity`, when present.
    pub ats: Option<AtsSettings>,
    /// `NSExtension.NSExtensionPointIdentifier` of an app extension.
    pub extension_point: Option<String>,
    /// `AvailableLibraries` of an xcframework's `Info.plist`.
    pub xcframework_libraries: Vec<XcframeworkLibrary>,
    /// Values of unexpected types, reported instead of failing.
    pub warnings: Vec<String>,
}

/// One purpose string and what it unlocks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageDescription {
    /// The key, e.g. `NSCameraUsageDescription`.
    pub key: String,
    /// The text shown to the user (for dictionary-valued keys, the entries joined as `purpose: text`).
    pub text: String,
    /// The protected resource, e.g. `location`; `None` for a key this crate does not know.
    pub resource: Option<String>,
    /// Reach within the resource, e.g. `add-only`, `when-in-use`, `always`.
    pub access: Option<String>,
    /// appaudit taxonomy data-type ids the resource reveals (`data/taxonomy.json`).
    pub data_types: Vec<String>,
}

/// App Transport Security settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AtsSettings {
    /// `NSAllowsArbitraryLoads`: plain HTTP allowed everywhere.
    pub allows_arbitrary_loads: bool,
    /// `NSAllowsArbitraryLoadsInWebContent`.
    pub allows_arbitrary_loads_in_web_content: bool,
    /// `NSAllowsArbitraryLoadsForMedia`.
    pub allows_arbitrary_loads_for_media: bool,
    /// `NSAllowsLocalNetworking`.
    pub allows_local_networking: bool,
    /// `NSExceptionDomains`, sorted by domain.
    pub exception_domains: Vec<AtsException>,
}

/// One `NSExceptionDomains` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AtsException {
    /// The domain.
    pub domain: String,
    /// `NSExceptionAllowsInsecureHTTPLoads` (or the third-party variant).
    pub allows_insecure_http_loads: bool,
    /// `NSIncludesSubdomains`.
    pub includes_subdomains: bool,
    /// `NSExceptionMinimumTLSVersion` (or the third-party variant).
    pub minimum_tls_version: Option<String>,
}

/// One slice of an xcframework (`AvailableLibraries` entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct XcframeworkLibrary {
    /// `LibraryIdentifier`: the slice directory, e.g. `ios-arm64`.
    pub identifier: String,
    /// `LibraryPath`: e.g. `X.framework` or `libX.a`, relative to the slice directory.
    pub library_path: String,
    /// `BinaryPath`, when given (newer Xcode).
    pub binary_path: Option<String>,
    /// `SupportedPlatform`, e.g. `ios`.
    pub platform: Option<String>,
    /// `SupportedPlatformVariant`: `simulator`, `maccatalyst`, or `None` for devices.
    pub variant: Option<String>,
    /// `SupportedArchitectures`.
    pub architectures: Vec<String>,
}

#[derive(serde::Deserialize)]
struct UsageKeyTable {
    key: Vec<UsageKeyRow>,
}

#[derive(serde::Deserialize)]
struct UsageKeyRow {
    key: String,
    resource: String,
    access: Option<String>,
    data_types: Vec<String>,
}

/// The one table of usage keys, shared with appaudit-taxonomy (its data-access rules).
const USAGE_KEYS_TOML: &str = include_str!("../../../data/ios_usage_keys.toml");

fn usage_key_table() -> &'static BTreeMap<String, UsageKeyRow> {
    static TABLE: OnceLock<BTreeMap<String, UsageKeyRow>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is part of the crate and checked by a unit test; an unreadable file would
        // mean a broken build, so fall back to an empty table rather than panicking.
        toml::from_str::<UsageKeyTable>(USAGE_KEYS_TOML)
            .map(|t| t.key.into_iter().map(|r| (r.key.clone(), r)).collect())
            .unwrap_or_default()
    })
}

/// Cap on list lengths taken from one plist, so a hostile file cannot make the report huge.
const MAX_LIST_ITEMS: usize = 4096;

impl InfoPlist {
    /// Parses an `Info.plist` (binary `bplist00` or XML).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IosError> {
        let dict = read_dict(bytes, "Info.plist")?;
        Ok(Self::from_dict(&dict))
    }

    fn from_dict(dict: &Dictionary) -> Self {
        let mut warnings = Vec::new();
        let mut info = InfoPlist {
            bundle_id: string_at(dict, "CFBundleIdentifier", &mut warnings),
            name: string_at(dict, "CFBundleDisplayName", &mut warnings)
                .or_else(|| string_at(dict, "CFBundleName", &mut warnings)),
            executable: string_at(dict, "CFBundleExecutable", &mut warnings),
            version: string_at(dict, "CFBundleShortVersionString", &mut warnings),
            build: string_at(dict, "CFBundleVersion", &mut warnings),
            minimum_os: string_at(dict, "MinimumOSVersion", &mut warnings)
                .or_else(|| string_at(dict, "LSMinimumSystemVersion", &mut warnings)),
            package_type: string_at(dict, "CFBundlePackageType", &mut warnings),
            supported_platforms: strings_at(dict, "CFBundleSupportedPlatforms", &mut warnings),
            queried_url_schemes: strings_at(dict, "LSApplicationQueriesSchemes", &mut warnings),
            background_modes: strings_at(dict, "UIBackgroundModes", &mut warnings),
            ..InfoPlist::default()
        };
        info.usage_descriptions = usage_descriptions(dict, &mut warnings);
        info.url_schemes = url_schemes(dict, &mut warnings);
        info.ats = dict
            .get("NSAppTransportSecurity")
            .and_then(Value::as_dictionary)
            .map(ats_settings);
        info.extension_point = dict
            .get("NSExtension")
            .and_then(Value::as_dictionary)
            .and_then(|d| d.get("NSExtensionPointIdentifier"))
            .and_then(Value::as_string)
            .map(str::to_owned);
        info.xcframework_libraries = xcframework_libraries(dict, &mut warnings);
        info.warnings = warnings;
        info
    }
}

/// Decodes `bytes` as a plist whose root must be a dictionary.
pub(crate) fn read_dict(bytes: &[u8], what: &'static str) -> Result<Dictionary, IosError> {
    let value = Value::from_reader(std::io::Cursor::new(bytes)).map_err(|e| IosError::Plist {
        what,
        detail: e.to_string(),
    })?;
    match value {
        Value::Dictionary(d) => Ok(d),
        other => Err(IosError::PlistShape {
            what,
            detail: format!("root is {}, expected a dictionary", value_kind(&other)),
        }),
    }
}

pub(crate) fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "an array",
        Value::Dictionary(_) => "a dictionary",
        Value::Boolean(_) => "a boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "a date",
        Value::Real(_) => "a real number",
        Value::Integer(_) => "an integer",
        Value::String(_) => "a string",
        Value::Uid(_) => "a UID",
        _ => "an unknown value",
    }
}

pub(crate) fn string_at(
    dict: &Dictionary,
    key: &str,
    warnings: &mut Vec<String>,
) -> Option<String> {
    match dict.get(key)? {
        Value::String(s) => Some(s.clone()),
        // Some tools write numeric versions as numbers; keep them rather than drop them.
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(r.to_string()),
        other => {
            warnings.push(format!("{key} is {}, expected a string", value_kind(other)));
            None
        }
    }
}

pub(crate) fn strings_at(dict: &Dictionary, key: &str, warnings: &mut Vec<String>) -> Vec<String> {
    match dict.get(key) {
        None => Vec::new(),
        Some(value) => strings_of(value, key, warnings),
    }
}

pub(crate) fn strings_of(value: &Value, key: &str, warnings: &mut Vec<String>) -> Vec<String> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if out.len() >= MAX_LIST_ITEMS {
                    warnings.push(format!(
                        "{key}: only the first {MAX_LIST_ITEMS} entries kept"
                    ));
                    break;
                }
                match item.as_string() {
                    Some(s) => out.push(s.to_owned()),
                    None => warnings.push(format!(
                        "{key}[{i}] is {}, expected a string",
                        value_kind(item)
                    )),
                }
            }
            out
        }
        // A single string where an array is expected is a common hand-editing slip.
        Value::String(s) => vec![s.clone()],
        other => {
            warnings.push(format!("{key} is {}, expected an array", value_kind(other)));
            Vec::new()
        }
    }
}

fn is_usage_key(key: &str) -> bool {
    key.ends_with("UsageDescription") || key.ends_with("UsageDescriptionDictionary")
}

fn usage_descriptions(dict: &Dictionary, warnings: &mut Vec<String>) -> Vec<UsageDescription> {
    let table = usage_key_table();
    let mut out: Vec<UsageDescription> = Vec::new();
    for (key, value) in dict.iter().filter(|(k, _)| is_usage_key(k)) {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Dictionary(entries) => entries
                .iter()
                .filter_map(|(purpose, text)| Some(format!("{purpose}: {}", text.as_string()?)))
                .collect::<Vec<_>>()
                .join("\n"),
            other => {
                warnings.push(format!("{key} is {}, expected a string", value_kind(other)));
                continue;
            }
        };
        let row = table.get(key.as_str());
        out.push(UsageDescription {
            key: key.clone(),
            text,
            resource: row.map(|r| r.resource.clone()),
            access: row.and_then(|r| r.access.clone()),
            data_types: row.map(|r| r.data_types.clone()).unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn url_schemes(dict: &Dictionary, warnings: &mut Vec<String>) -> Vec<String> {
    let Some(types) = dict.get("CFBundleURLTypes") else {
        return Vec::new();
    };
    let Some(types) = types.as_array() else {
        warnings.push(format!(
            "CFBundleURLTypes is {}, expected an array",
            value_kind(types)
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in types.iter().filter_map(Value::as_dictionary) {
        out.extend(strings_at(entry, "CFBundleURLSchemes", warnings));
        if out.len() > MAX_LIST_ITEMS {
            out.truncate(MAX_LIST_ITEMS);
            warnings.push(format!(
                "CFBundleURLTypes: only the first {MAX_LIST_ITEMS} schemes kept"
            ));
            break;
        }
    }
    out
}

fn flag(dict: &Dictionary, keys: &[&str]) -> bool {
    keys.iter()
        .any(|k| dict.get(k).and_then(Value::as_boolean).unwrap_or(false))
}

fn ats_settings(dict: &Dictionary) -> AtsSettings {
    let mut exception_domains: Vec<AtsException> = dict
        .get("NSExceptionDomains")
        .and_then(Value::as_dictionary)
        .map(|domains| {
            domains
                .iter()
                .take(MAX_LIST_ITEMS)
                .map(|(domain, v)| {
                    let empty = Dictionary::new();
                    let d = v.as_dictionary().unwrap_or(&empty);
                    AtsException {
                        domain: domain.clone(),
                        allows_insecure_http_loads: flag(
                            d,
                            &[
                                "NSExceptionAllowsInsecureHTTPLoads",
                                "NSThirdPartyExceptionAllowsInsecureHTTPLoads",
                                "NSTemporaryExceptionAllowsInsecureHTTPLoads",
                            ],
                        ),
                        includes_subdomains: flag(d, &["NSIncludesSubdomains"]),
                        minimum_tls_version: [
                            "NSExceptionMinimumTLSVersion",
                            "NSThirdPartyExceptionMinimumTLSVersion",
                            "NSTemporaryExceptionMinimumTLSVersion",
                        ]
                        .iter()
                        .find_map(|k| d.get(k).and_then(Value::as_string))
                        .map(str::to_owned),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    exception_domains.sort_by(|a, b| a.domain.cmp(&b.domain));
    AtsSettings {
        allows_arbitrary_loads: flag(dict, &["NSAllowsArbitraryLoads"]),
        allows_arbitrary_loads_in_web_content: flag(dict, &["NSAllowsArbitraryLoadsInWebContent"]),
        allows_arbitrary_loads_for_media: flag(dict, &["NSAllowsArbitraryLoadsForMedia"]),
        allows_local_networking: flag(dict, &["NSAllowsLocalNetworking"]),
        exception_domains,
    }
}

fn xcframework_libraries(dict: &Dictionary, warnings: &mut Vec<String>) -> Vec<XcframeworkLibrary> {
    let Some(libs) = dict.get("AvailableLibraries").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, lib) in libs.iter().take(MAX_LIST_ITEMS).enumerate() {
        let Some(lib) = lib.as_dictionary() else {
            warnings.push(format!(
                "AvailableLibraries[{i}] is {}, expected a dictionary",
                value_kind(lib)
            ));
            continue;
        };
        let (Some(identifier), Some(library_path)) = (
            string_at(lib, "LibraryIdentifier", warnings),
            string_at(lib, "LibraryPath", warnings),
        ) else {
            warnings.push(format!(
                "AvailableLibraries[{i}] lacks LibraryIdentifier or LibraryPath"
            ));
            continue;
        };
        out.push(XcframeworkLibrary {
            identifier,
            library_path,
            binary_path: string_at(lib, "BinaryPath", warnings),
            platform: string_at(lib, "SupportedPlatform", warnings),
            variant: string_at(lib, "SupportedPlatformVariant", warnings),
            architectures: strings_at(lib, "SupportedArchitectures", warnings),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.demo</string>
<key>CFBundleExecutable</key><string>Demo</string>
<key>CFBundleShortVersionString</key><string>1.2.3</string>
<key>CFBundleVersion</key><string>45</string>
<key>MinimumOSVersion</key><string>13.0</string>
<key>CFBundlePackageType</key><string>APPL</string>
<key>NSCameraUsageDescription</key><string>扫码需要相机</string>
<key>NSPhotoLibraryAddUsageDescription</key><string>save pictures</string>
<key>NSLocationAlwaysAndWhenInUseUsageDescription</key><string>nearby stores</string>
<key>NSFancyNewUsageDescription</key><string>future key</string>
<key>NSLocationTemporaryUsageDescriptionDictionary</key><dict><key>Nav</key><string>turn by turn</string></dict>
<key>LSApplicationQueriesSchemes</key><array><string>weixin</string><string>alipay</string></array>
<key>UIBackgroundModes</key><array><string>location</string><string>fetch</string></array>
<key>CFBundleURLTypes</key><array><dict><key>CFBundleURLSchemes</key><array><string>wx1234</string></array></dict></array>
<key>NSAppTransportSecurity</key><dict>
  <key>NSAllowsArbitraryLoads</key><true/>
  <key>NSExceptionDomains</key><dict>
    <key>example.cn</key><dict><key>NSExceptionAllowsInsecureHTTPLoads</key><true/><key>NSIncludesSubdomains</key><true/></dict>
  </dict>
</dict>
</dict></plist>"#;

    #[test]
    fn reads_identity_usage_keys_schemes_modes_and_ats() {
        let info = InfoPlist::from_bytes(DEMO.as_bytes()).unwrap();
        assert_eq!(info.bundle_id.as_deref(), Some("com.example.demo"));
        assert_eq!(info.executable.as_deref(), Some("Demo"));
        assert_eq!(info.version.as_deref(), Some("1.2.3"));
        assert_eq!(info.build.as_deref(), Some("45"));
        assert_eq!(info.minimum_os.as_deref(), Some("13.0"));
        assert_eq!(info.queried_url_schemes, ["weixin", "alipay"]);
        assert_eq!(info.background_modes, ["location", "fetch"]);
        assert_eq!(info.url_schemes, ["wx1234"]);
        let keys: Vec<&str> = info
            .usage_descriptions
            .iter()
            .map(|u| u.key.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "NSCameraUsageDescription",
                "NSFancyNewUsageDescription",
                "NSLocationAlwaysAndWhenInUseUsageDescription",
                "NSLocationTemporaryUsageDescriptionDictionary",
                "NSPhotoLibraryAddUsageDescription"
            ]
        );
        let camera = &info.usage_descriptions[0];
        assert_eq!(camera.text, "扫码需要相机");
        assert_eq!(camera.data_types, ["camera"]);
        let unknown = &info.usage_descriptions[1];
        assert_eq!(unknown.resource, None);
        let always = &info.usage_descriptions[2];
        assert_eq!(always.access.as_deref(), Some("always"));
        assert!(
            always
                .data_types
                .contains(&"background_location".to_owned())
        );
        assert_eq!(info.usage_descriptions[3].text, "Nav: turn by turn");
        let add_only = &info.usage_descriptions[4];
        assert_eq!(add_only.access.as_deref(), Some("add-only"));
        assert!(add_only.data_types.is_empty());
        let ats = info.ats.unwrap();
        assert!(ats.allows_arbitrary_loads);
        assert_eq!(ats.exception_domains.len(), 1);
        assert!(ats.exception_domains[0].allows_insecure_http_loads);
        assert!(ats.exception_domains[0].includes_subdomains);
        assert!(info.warnings.is_empty(), "{:?}", info.warnings);
    }

    #[test]
    fn binary_and_xml_forms_give_the_same_facts() {
        let value = Value::from_reader(std::io::Cursor::new(DEMO.as_bytes())).unwrap();
        let mut binary = Vec::new();
        value.to_writer_binary(&mut binary).unwrap();
        assert!(binary.starts_with(b"bplist00"));
        assert_eq!(
            InfoPlist::from_bytes(&binary).unwrap(),
            InfoPlist::from_bytes(DEMO.as_bytes()).unwrap()
        );
    }

    #[test]
    fn wrong_value_types_become_warnings() {
        let xml = r#"<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><array/>
<key>NSCameraUsageDescription</key><integer>3</integer>
<key>LSApplicationQueriesSchemes</key><array><string>ok</string><integer>1</integer></array>
</dict></plist>"#;
        let info = InfoPlist::from_bytes(xml.as_bytes()).unwrap();
        assert_eq!(info.bundle_id, None);
        assert!(info.usage_descriptions.is_empty());
        assert_eq!(info.queried_url_schemes, ["ok"]);
        assert_eq!(info.warnings.len(), 3, "{:?}", info.warnings);
    }

    #[test]
    fn malformed_plists_are_clear_errors() {
        let err = InfoPlist::from_bytes(b"<plist><array></array></plist>").unwrap_err();
        assert!(err.to_string().contains("root is an array"), "{err}");
        for bad in [
            &b""[..],
            b"bplist00",
            b"bplist00\xff\xff\xff",
            b"<plist><dict><key>a</key>",
        ] {
            let err = InfoPlist::from_bytes(bad).unwrap_err();
            assert!(err.to_string().starts_with("Info.plist"), "{err}");
        }
    }

    #[test]
    fn truncated_binary_plist_never_panics() {
        let value = Value::from_reader(std::io::Cursor::new(DEMO.as_bytes())).unwrap();
        let mut binary = Vec::new();
        value.to_writer_binary(&mut binary).unwrap();
        for len in 0..binary.len() {
            let _ = InfoPlist::from_bytes(&binary[..len]);
        }
    }

    #[test]
    fn usage_key_table_loads_and_uses_taxonomy_ids() {
        let table = usage_key_table();
        assert!(table.len() >= 30, "table has {} keys", table.len());
        // Independent check: every id must exist in the workspace taxonomy file.
        let taxonomy_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/taxonomy.json");
        let taxonomy: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(taxonomy_path).unwrap()).unwrap();
        let ids: Vec<&str> = taxonomy["data_types"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["id"].as_str())
            .collect();
        for row in table.values() {
            assert!(is_usage_key(&row.key), "{} is not a usage key", row.key);
            for id in &row.data_types {
                assert!(
                    ids.contains(&id.as_str()),
                    "{}: unknown taxonomy id {id}",
                    row.key
                );
            }
        }
    }
}
