#![deny(missing_docs)]
//! The inventory: what one app (or SDK file) contains, as plain data.
//!
//! This is the `scan --format json` output contract; other tools read it.
//! Fields are only ever added; `schema_version` changes when one is removed
//! or changes meaning. `docs/json-schema.md` documents every field.

use serde::Serialize;

/// Version of the inventory JSON schema.
pub const INVENTORY_SCHEMA_VERSION: u32 = 1;

/// How a permission is granted (shared with the permission catalogue of appaudit-taxonomy).
pub use appaudit_taxonomy::Protection;

/// Everything appaudit found in one input.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    /// Schema version of this object ([`INVENTORY_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The file that was scanned.
    pub source: Source,
    /// Identity of the app (or of the SDK file).
    pub app: AppInfo,
    /// Permissions the app requests (Android) or usage descriptions it declares (iOS).
    pub permissions: Vec<Permission>,
    /// Third-party SDKs detected, with evidence.
    pub sdks: Vec<DetectedSdk>,
    /// SDKs the manifest configures (meta-data keys, components) whose code is not in the
    /// app: status `configured`, never counted as bundled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configured_sdks: Vec<DetectedSdk>,
    /// Native libraries (ELF `.so`, Mach-O binaries).
    pub native_libs: Vec<NativeLib>,
    /// Manifest components (activities, services, receivers, providers).
    pub components: Vec<Component>,
    /// Manifest meta-data entries (SDK keys and settings).
    pub meta_data: Vec<MetaData>,
    /// Library markers (`META-INF/*.version`, `*.properties`).
    pub library_markers: Vec<LibraryMarker>,
    /// Personal data the code reads, by data type, with who reads it.
    pub data_access: Vec<appaudit_taxonomy::DataAccess>,
    /// Calls that load code at run time (`new DexClassLoader`, `System.load`), by API and
    /// caller SDK (hot update / dynamic code loading).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code_loading: Vec<CodeLoading>,
    /// SDK initialisations and sensitive reads reachable from the app's start-up code
    /// (`Application.onCreate`/`attachBaseContext`, its own providers' `onCreate`) through
    /// its own methods, before any consent dialog can show (CN-C01, static).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub startup_calls: Vec<StartupCall>,
    /// iOS bundles other than the app (frameworks, xcframeworks, app extensions, resource
    /// bundles), each with the identity its own `Info.plist` gives and, for an xcframework, every
    /// slice its `AvailableLibraries` lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<Bundle>,
    /// iOS privacy manifests (`PrivacyInfo.xcprivacy`) in the input, each with its owner.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub privacy_manifests: Vec<PrivacyManifest>,
    /// iOS required-reason API categories a binary uses that no privacy manifest of the
    /// input declares with a reason (Apple rejects such uploads).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_reason_gaps: Vec<RequiredReasonGap>,
    /// Every iOS required-reason API category each binary uses, declared or not (what
    /// `audit --declared` compares a privacy manifest with).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_reason_uses: Vec<RequiredReasonUse>,
    /// Counts of what was read.
    pub stats: Stats,
    /// What could not be read, and why. The rest was still audited.
    pub warnings: Vec<Warning>,
}

/// A call reached from the app's start-up code (see [`Inventory::startup_calls`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StartupCall {
    /// `sdk_init` (a call of the SDK's initialisation, from `data/sdk_init_methods.toml`) or
    /// `sensitive_read` (an API or field of the taxonomy).
    pub kind: &'static str,
    /// Where the walk started: `Application.onCreate`, `Application.attachBaseContext` or
    /// `ContentProvider.onCreate`.
    pub entry: &'static str,
    /// The call reached, as written in the code (`Lcn/jpush/android/api/JPushInterface;->init`).
    pub call: String,
    /// The SDK it initialises (`sdk_init`), or the SDK owning the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    /// Data types a `sensitive_read` reveals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_types: Vec<String>,
    /// The app methods from the entry to the caller, then the call:
    /// `["Lcom/app/App;->onCreate", "Lcom/app/App;->initSdks", "Lcn/jpush/…;->init"]`.
    pub path: Vec<String>,
    /// The code file of the method making the call (`classes2.dex`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Where the init method's role is documented (`sdk_init`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An iOS bundle inside the input (see [`Inventory::bundles`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Bundle {
    /// The bundle directory in the input (`Payload/Demo.app/Frameworks/OAuth.framework`).
    pub path: String,
    /// `framework`, `xcframework`, `app_extension` or `resource_bundle`.
    pub kind: String,
    /// `CFBundleIdentifier` of its own `Info.plist`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
    /// `CFBundleShortVersionString`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `CFBundleVersion` (build number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// `MinimumOSVersion` (or `LSMinimumSystemVersion` for a macOS slice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_os: Option<String>,
    /// The SDK the bundle belongs to, when one is identified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    /// An xcframework's slices, as its `AvailableLibraries` lists them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slices: Vec<XcframeworkSlice>,
}

/// One `AvailableLibraries` entry of an xcframework.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct XcframeworkSlice {
    /// `LibraryIdentifier`: the slice directory (`ios-arm64_x86_64-simulator`).
    pub identifier: String,
    /// `SupportedPlatform` (`ios`, `macos`, `tvos`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `SupportedPlatformVariant` (`simulator`, `maccatalyst`); absent for devices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// `SupportedArchitectures`.
    pub archs: Vec<String>,
    /// `LibraryPath` (`X.framework`, `libX.a`).
    pub library_path: String,
}

/// One iOS privacy manifest (`PrivacyInfo.xcprivacy`).
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyManifest {
    /// Path inside the input.
    pub path: String,
    /// The bundle directory it belongs to (`Payload/Demo.app`, `…/OAuth.framework`), if any.
    pub bundle: Option<String>,
    /// SDK id of that bundle, when it is a known SDK's framework; `None` for the app's own.
    pub sdk: Option<String>,
    /// `NSPrivacyTracking`, when present.
    pub tracking: Option<bool>,
    /// `NSPrivacyTrackingDomains`.
    pub tracking_domains: Vec<String>,
    /// `NSPrivacyCollectedDataTypes`.
    pub collected_data_types: Vec<CollectedDataType>,
    /// `NSPrivacyAccessedAPITypes`: required-reason API categories with their reasons.
    pub accessed_api_types: Vec<AccessedApiType>,
}

/// One `NSPrivacyCollectedDataTypes` entry.
#[derive(Debug, Clone, Serialize)]
pub struct CollectedDataType {
    /// Apple's identifier, e.g. `NSPrivacyCollectedDataTypeDeviceID`.
    pub data_type: String,
    /// `NSPrivacyCollectedDataTypeLinked`.
    pub linked: Option<bool>,
    /// `NSPrivacyCollectedDataTypeTracking`.
    pub tracking: Option<bool>,
    /// `NSPrivacyCollectedDataTypePurposes`.
    pub purposes: Vec<String>,
}

/// One `NSPrivacyAccessedAPITypes` entry.
#[derive(Debug, Clone, Serialize)]
pub struct AccessedApiType {
    /// e.g. `NSPrivacyAccessedAPICategoryUserDefaults`.
    pub category: String,
    /// Declared reason codes, e.g. `CA92.1`.
    pub reasons: Vec<String>,
}

/// A required-reason API category used without a declared reason.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredReasonGap {
    /// e.g. `NSPrivacyAccessedAPICategoryDiskSpace`.
    pub category: String,
    /// Path of the binary that uses it.
    pub binary: String,
    /// SDK id of that binary, `None` for the app's own (or an unknown) binary.
    pub sdk: Option<String>,
    /// What shows the use: `symbol _stat`, `class NSUserDefaults`, `selector systemUptime`.
    pub evidence: Vec<String>,
}

/// A required-reason API category one binary uses (declared or not).
#[derive(Debug, Clone, Serialize)]
pub struct RequiredReasonUse {
    /// e.g. `NSPrivacyAccessedAPICategoryUserDefaults`.
    pub category: String,
    /// Path of the binary that uses it.
    pub binary: String,
    /// SDK id of that binary, `None` for the app's own (or an unknown) binary.
    pub sdk: Option<String>,
    /// What shows the use: `symbol _stat`, `class NSUserDefaults`, `selector systemUptime`.
    pub evidence: Vec<String>,
}

/// The scanned file.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Path as given on the command line.
    pub path: String,
    /// What kind of input it is.
    pub kind: InputKind,
    /// Size in bytes.
    pub size: u64,
}

/// The kinds of input appaudit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Android application package.
    Apk,
    /// A zip of split APKs (XAPK, APKS, APKM), audited as one app.
    SplitApks,
    /// An Android App Bundle (`.aab`): modules with protobuf manifests, audited as one app.
    Aab,
    /// Java archive (an SDK before integration, or a dependency).
    Jar,
    /// Android library archive.
    Aar,
    /// A bare DEX file.
    Dex,
    /// A bare ELF shared object.
    So,
    /// iOS app archive.
    Ipa,
    /// An unzipped iOS `.app` directory.
    AppBundle,
    /// An iOS framework, xcframework or static library.
    IosLibrary,
}

/// Identity of the app.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AppInfo {
    /// `android` or `ios`.
    pub platform: &'static str,
    /// Package name (Android) or bundle id (iOS); null for an SDK file without a manifest.
    pub package: Option<String>,
    /// Human version.
    pub version_name: Option<String>,
    /// Android versionCode / iOS CFBundleVersion.
    pub version_code: Option<String>,
    /// Minimum SDK level / minimum iOS version.
    pub min_sdk: Option<String>,
    /// Target SDK level.
    pub target_sdk: Option<String>,
    /// Application flags from the manifest (debuggable, allowBackup …), only those present.
    pub flags: std::collections::BTreeMap<String, String>,
}

/// A requested permission.
#[derive(Debug, Clone, Serialize)]
pub struct Permission {
    /// Full name (`android.permission.READ_PHONE_STATE`) or plist key (`NSCameraUsageDescription`).
    pub name: String,
    /// How it is granted; JSON `dangerous`, `special`, `normal`, `signature` or `unknown`.
    pub protection: Protection,
    /// Data types the permission grants access to (taxonomy ids).
    pub data_types: Vec<String>,
    /// `maxSdkVersion`, when limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sdk_version: Option<String>,
    /// Requested only on API 23+ (`uses-permission-sdk-23`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sdk_23_only: bool,
    /// The stated purpose (iOS usage description text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Where it was declared (manifest path inside the archive).
    pub declared_in: String,
}

/// An SDK found in the app.
#[derive(Debug, Clone, Serialize)]
pub struct DetectedSdk {
    /// Stable id from `sdk-signatures/`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Chinese name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// Vendor.
    pub vendor: String,
    /// Category (push, analytics, ads …).
    pub category: String,
    /// Java package prefixes that matched (dotted).
    pub packages: Vec<String>,
    /// Number of defined classes attributed to the SDK.
    pub class_count: usize,
    /// The rules that matched: kind, pattern and how many times.
    pub matched_rules: Vec<RuleHit>,
    /// Sample evidence with its location.
    pub evidence: Vec<Evidence>,
    /// Whether code outside the SDK calls into it.
    pub usage: SdkUsage,
    /// Data types the vendor documents the SDK collects.
    pub documented_data_types: Vec<String>,
    /// `low` when the SDK was seen only by weak signals (network hosts in strings, manifest
    /// declarations); omitted (high) when its code, native libraries or markers are there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<&'static str>,
}

/// One matched rule of an SDK.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleHit {
    /// Rule kind (`java_package`, `native_lib`, `component`, `meta_data` …).
    pub kind: String,
    /// The rule's pattern.
    pub pattern: String,
    /// How many things it matched.
    pub count: usize,
}

/// A piece of evidence, with where it was found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// What kind of thing (`class`, `native_lib`, `jni_export`, `component`, `meta_data`, `asset`,
    /// `library_marker`; iOS: `framework`, `resource_bundle`, `objc_class`, `bundle_id`,
    /// `swift_module`).
    pub kind: String,
    /// Where: archive entry (`classes3.dex`, `lib/arm64-v8a/libjcore.so`, `AndroidManifest.xml`).
    pub location: String,
    /// The value itself (class descriptor, symbol, key = value …).
    pub value: String,
}

/// Whether an SDK is called by code outside its own packages.
#[derive(Debug, Clone, Serialize)]
pub struct SdkUsage {
    /// `used` (called from the app or another SDK), `present` (bundled, never called from outside),
    /// `unknown` (no bytecode was read), or `configured` (only in [`Inventory::configured_sdks`]:
    /// declared in the manifest, code absent).
    pub status: &'static str,
    /// Sample calling sites: `Lcom/example/MainActivity;->onCreate -> Lcn/jpush/android/api/JPushInterface;->init`.
    pub call_sites: Vec<String>,
    /// The code file (`classes2.dex`; nested archives as `outer!inner`) of each of `call_sites`,
    /// in the same order; empty when no file was known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub call_site_files: Vec<String>,
    /// Total number of calls from outside.
    pub call_count: usize,
}

/// A native library.
#[derive(Debug, Clone, Serialize)]
pub struct NativeLib {
    /// Path inside the archive.
    pub path: String,
    /// ABI directory (`arm64-v8a`), if under `lib/<abi>/`; for Mach-O, the architectures
    /// (`arm64`, `armv7,arm64`).
    pub abi: Option<String>,
    /// `DT_SONAME`; for Mach-O, the install name (`LC_ID_DYLIB`).
    pub soname: Option<String>,
    /// `DT_NEEDED` libraries; for Mach-O, the linked libraries and frameworks (`LC_LOAD_DYLIB` …).
    pub needed: Vec<String>,
    /// Number of exported dynamic symbols (not counted for Mach-O: 0).
    pub exported_symbols: usize,
    /// Java packages named by JNI exports (`Java_cn_jpush_...` → `cn.jpush`…), dotted.
    pub jni_packages: Vec<String>,
    /// SDK id matched by file name or JNI package.
    pub sdk: Option<String>,
}

/// Calls of one code-loading API by one SDK (or the app's own code).
#[derive(Debug, Clone, Serialize)]
pub struct CodeLoading {
    /// The API, for reports (`new DexClassLoader`).
    pub api: String,
    /// SDK id of the calling code, `None` for the app's own.
    pub sdk: Option<String>,
    /// Sample call sites (`Lcom/foo/Patch;->load`).
    pub call_sites: Vec<String>,
    /// The code file of each sample call site (`classes2.dex`), index for index.
    pub call_site_files: Vec<String>,
    /// Calls in total.
    pub call_count: usize,
}

/// A manifest component.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// activity, activity-alias, service, receiver, provider.
    pub kind: String,
    /// Fully-qualified class name.
    pub name: String,
    /// `android:exported`, when set.
    pub exported: Option<bool>,
    /// Intent-filter actions.
    pub actions: Vec<String>,
    /// SDK id the component belongs to, if any.
    pub sdk: Option<String>,
}

/// A manifest meta-data entry.
#[derive(Debug, Clone, Serialize)]
pub struct MetaData {
    /// Key.
    pub name: String,
    /// Value (or resource reference), rendered as text.
    pub value: Option<String>,
    /// Element it hangs off (`application` or a component name).
    pub parent: String,
    /// SDK id the key belongs to, if any.
    pub sdk: Option<String>,
}

/// A library marker file.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryMarker {
    /// Path inside the archive.
    pub path: String,
    /// Library name derived from the path.
    pub library: String,
    /// Version text, if the file holds one.
    pub version: Option<String>,
    /// SDK id, if a rule matched.
    pub sdk: Option<String>,
}

/// Counts of what was read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Archive entries.
    pub entries: usize,
    /// DEX files parsed.
    pub dex_files: usize,
    /// JVM class files parsed.
    pub class_files: usize,
    /// Defined classes seen.
    pub classes: usize,
    /// Native libraries read.
    pub native_libs: usize,
    /// Bytes inflated from the archive.
    pub inflated_bytes: u64,
}

/// Something that could not be read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Warning {
    /// Where (archive entry, or the file itself).
    pub location: String,
    /// What went wrong.
    pub message: String,
}

impl Warning {
    /// A warning about `location`.
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }
}
