//! The signature schema: what one `[[sdk]]` entry of a `sdk-signatures/*.toml` file holds.

use serde::{Deserialize, Serialize};

/// Which market an SDK mainly serves; Chinese-market SDKs are subject to the MIIT/TC260 SDK rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Market {
    /// Mainland-China market (vendor based in, or SDK built for, China).
    Cn,
    /// Everywhere else / worldwide.
    Global,
}

/// What an SDK is for. Serialized in snake_case (`crash_reporting`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Push notifications.
    Push,
    /// Usage analytics.
    Analytics,
    /// Install attribution / mobile measurement (AppsFlyer, Adjust …).
    Attribution,
    /// Crash reporting.
    CrashReporting,
    /// Application performance monitoring.
    Apm,
    /// Advertising / ad mediation.
    Ads,
    /// Maps, geolocation, geocoding.
    MapsLocation,
    /// Third-party login and social sharing.
    LoginShare,
    /// Payments.
    Payment,
    /// Carrier one-click login (number verification).
    OneClickLogin,
    /// Device identifiers (OAID, UTDID …).
    DeviceId,
    /// Customer service / in-app feedback.
    CustomerService,
    /// Instant messaging.
    Im,
    /// Real-time audio/video and live streaming.
    RtcLive,
    /// Risk control, anti-fraud, device fingerprinting, captcha.
    Security,
    /// Cloud storage, HTTP DNS and other backend services.
    Cloud,
    /// Speech recognition / synthesis.
    Speech,
    /// Customer engagement / in-app messaging / marketing automation.
    Engagement,
    /// Embedded browser engines.
    Webview,
    /// App frameworks (React Native, Flutter …): recognised, not tracking.
    Framework,
    /// General-purpose libraries (OkHttp, Glide …): recognised, not tracking.
    Utility,
}

impl Category {
    /// Whether SDKs of this category normally process personal data on their own behalf.
    pub fn is_data_processing(self) -> bool {
        !matches!(self, Category::Framework | Category::Utility)
    }
}

/// A platform an SDK ships on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Platform {
    /// Android (jar/aar/.so).
    Android,
    /// iOS (framework/static library).
    Ios,
}

/// One match rule: a pattern plus where the fact comes from.
///
/// In TOML a rule is either a bare string (its source is the entry's `source`) or
/// `{ pattern = "…", source = "…" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawRule")]
pub struct Rule {
    /// The pattern, whose syntax depends on the rule kind (see `sdk-signatures/README.md`).
    pub pattern: String,
    /// Where this fact was observed; `None` means the entry's default `source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRule {
    Bare(String),
    Full(FullRule),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullRule {
    pattern: String,
    #[serde(default)]
    source: Option<String>,
}

impl From<RawRule> for Rule {
    fn from(raw: RawRule) -> Self {
        match raw {
            RawRule::Bare(pattern) => Rule {
                pattern,
                source: None,
            },
            RawRule::Full(FullRule { pattern, source }) => Rule { pattern, source },
        }
    }
}

/// The kinds of match rule, one list of [`Rule`]s each in [`Rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleKind {
    /// Dotted Java package prefix (`cn.jpush.android`), matched at package boundaries.
    JavaPackage,
    /// Native library file name or glob (`libjcore*.so`).
    NativeLib,
    /// Manifest component class: exact name, or a package prefix written `pkg.*`.
    Component,
    /// Manifest `<meta-data android:name>` key, exact or glob.
    MetaData,
    /// Path inside the package (`assets/…`), glob.
    Asset,
    /// Library marker file path (`META-INF/….version`), glob.
    LibraryMarker,
    /// iOS framework / static library name (case-insensitive), glob.
    IosFramework,
    /// Objective-C class-name prefix (`JPUSH`).
    ObjcClass,
    /// iOS embedded-framework bundle identifier, exact or glob.
    IosBundleId,
    /// Network host the SDK talks to (`bugly.qq.com`: the host and its subdomains), or a glob
    /// (`mst*.is.autonavi.com`); matched against URLs and host names in DEX `const-string`s
    /// and native `.rodata` strings. Weaker evidence than code: an SDK seen only so is
    /// reported with a low confidence.
    Host,
}

impl RuleKind {
    /// Java packages and manifest components share one namespace (a component is a class).
    pub fn namespace(self) -> RuleKind {
        match self {
            RuleKind::Component => RuleKind::JavaPackage,
            other => other,
        }
    }

    /// The comparable form of a pattern: package prefixes end with `.`, iOS framework names are
    /// case-insensitive, component prefixes `pkg.*` become `pkg.`.
    pub fn normalize(self, pattern: &str) -> String {
        match self {
            RuleKind::JavaPackage => format!("{pattern}."),
            RuleKind::Component => pattern.strip_suffix('*').unwrap_or(pattern).to_owned(),
            RuleKind::IosFramework | RuleKind::Host => pattern.to_ascii_lowercase(),
            _ => pattern.to_owned(),
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [RuleKind; 10] = [
        RuleKind::JavaPackage,
        RuleKind::NativeLib,
        RuleKind::Component,
        RuleKind::MetaData,
        RuleKind::Asset,
        RuleKind::LibraryMarker,
        RuleKind::IosFramework,
        RuleKind::ObjcClass,
        RuleKind::IosBundleId,
        RuleKind::Host,
    ];

    /// The TOML key of this kind's rule list.
    pub fn key(self) -> &'static str {
        match self {
            RuleKind::JavaPackage => "java_packages",
            RuleKind::NativeLib => "native_libs",
            RuleKind::Component => "components",
            RuleKind::MetaData => "meta_data",
            RuleKind::Asset => "assets",
            RuleKind::LibraryMarker => "library_markers",
            RuleKind::IosFramework => "ios_frameworks",
            RuleKind::ObjcClass => "objc_class_prefixes",
            RuleKind::IosBundleId => "ios_bundle_ids",
            RuleKind::Host => "hosts",
        }
    }

    /// The platform whose binaries this kind of rule looks at (hosts: Android, the only
    /// platform whose strings are matched today; an iOS entry may carry them too).
    pub fn platform(self) -> Platform {
        match self {
            RuleKind::IosFramework | RuleKind::ObjcClass | RuleKind::IosBundleId => Platform::Ios,
            _ => Platform::Android,
        }
    }
}

/// All match rules of one SDK.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Dotted Java package prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub java_packages: Vec<Rule>,
    /// Native library names / globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub native_libs: Vec<Rule>,
    /// Manifest component classes (exact, or `pkg.*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Rule>,
    /// Manifest meta-data keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta_data: Vec<Rule>,
    /// Package paths of bundled assets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<Rule>,
    /// Library marker files naming the library and version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub library_markers: Vec<Rule>,
    /// iOS framework / static library names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ios_frameworks: Vec<Rule>,
    /// Objective-C class-name prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objc_class_prefixes: Vec<Rule>,
    /// iOS embedded-framework bundle ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ios_bundle_ids: Vec<Rule>,
    /// Network hosts (domain suffixes) and host globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<Rule>,
}

impl Rules {
    /// The rule list of one kind.
    pub fn of(&self, kind: RuleKind) -> &[Rule] {
        match kind {
            RuleKind::JavaPackage => &self.java_packages,
            RuleKind::NativeLib => &self.native_libs,
            RuleKind::Component => &self.components,
            RuleKind::MetaData => &self.meta_data,
            RuleKind::Asset => &self.assets,
            RuleKind::LibraryMarker => &self.library_markers,
            RuleKind::IosFramework => &self.ios_frameworks,
            RuleKind::ObjcClass => &self.objc_class_prefixes,
            RuleKind::IosBundleId => &self.ios_bundle_ids,
            RuleKind::Host => &self.hosts,
        }
    }

    /// The rule list of one kind, to add to.
    pub(crate) fn of_mut(&mut self, kind: RuleKind) -> &mut Vec<Rule> {
        match kind {
            RuleKind::JavaPackage => &mut self.java_packages,
            RuleKind::NativeLib => &mut self.native_libs,
            RuleKind::Component => &mut self.components,
            RuleKind::MetaData => &mut self.meta_data,
            RuleKind::Asset => &mut self.assets,
            RuleKind::LibraryMarker => &mut self.library_markers,
            RuleKind::IosFramework => &mut self.ios_frameworks,
            RuleKind::ObjcClass => &mut self.objc_class_prefixes,
            RuleKind::IosBundleId => &mut self.ios_bundle_ids,
            RuleKind::Host => &mut self.hosts,
        }
    }

    /// Whether there is no rule at all.
    pub fn is_empty(&self) -> bool {
        RuleKind::ALL.iter().all(|k| self.of(*k).is_empty())
    }
}

/// One third-party SDK: identity, what it collects, and how to recognise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    /// Stable kebab-case id (`jpush`, `umeng-push`).
    pub id: String,
    /// Display name (`JPush`).
    pub name: String,
    /// Chinese display name (`极光推送`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// Other names policies use for it, English and Chinese, including common misspellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Vendor (brand or company) name.
    pub vendor: String,
    /// The vendor's legal entity name in Chinese, as Chinese policies cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_zh: Option<String>,
    /// Main market.
    pub market: Market,
    /// What the SDK is for.
    pub category: Category,
    /// Id of the SDK this one is a module of (its rules may nest inside the parent's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Product home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// The vendor's privacy policy / SDK data-processing statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<String>,
    /// Platforms the SDK ships on.
    pub platforms: Vec<Platform>,
    /// Taxonomy ids of the personal data the vendor says the SDK collects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_types: Vec<String>,
    /// Where `data_types` comes from (the vendor's own documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_types_source: Option<String>,
    /// Default source of the rules that name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Classes (dotted, fully qualified) only this product ships, when its packages also hold
    /// classes of a shared base library (`com.google.android.gms.auth` holds Sign-In classes
    /// that `play-services-base` carries): without one of them, or a library marker, native
    /// library or asset of its own, the product is not reported and its classes count for its
    /// `parent`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marker_classes: Vec<Rule>,
    /// Free-text remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// How to recognise the SDK.
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
}

impl Sdk {
    /// The dotted Java package prefixes of this SDK (`cn.jpush.android`).
    pub fn java_packages(&self) -> impl Iterator<Item = &str> {
        self.rules.java_packages.iter().map(|r| r.pattern.as_str())
    }

    /// Every name a policy might use for this SDK: name, Chinese name, aliases, vendor and legal entity.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.name_zh.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(std::iter::once(self.vendor.as_str()))
            .chain(self.vendor_zh.as_deref())
    }

    /// The source of a rule: its own, else the entry's default.
    pub fn rule_source<'a>(&'a self, rule: &'a Rule) -> Option<&'a str> {
        rule.source.as_deref().or(self.source.as_deref())
    }
}
