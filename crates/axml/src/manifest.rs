//! The manifest model: what Android's `PackageParser` reads from an AndroidManifest.xml.
//!
//! Elements are taken only where PackageParser looks for them (e.g. `<uses-permission>`
//! directly under `<manifest>`); misplaced ones are reported in `warnings`, since Android
//! ignores them. Only `<meta-data>` is collected from anywhere, as SDK evidence.

use serde::Serialize;

use crate::document::{AxmlDocument, Element, SourceFormat, Value};

/// A number, or the text found instead (a resource reference, a codename, a
/// `${placeholder}` in a vendor manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum NumberOrText {
    /// A plain non-negative integer.
    Number(u64),
    /// Anything else, rendered as written.
    Text(String),
}

/// A `<uses-permission>` (or `-sdk-23` / `-sdk-m`) request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesPermission {
    /// Permission name.
    pub name: String,
    /// `android:maxSdkVersion`, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sdk_version: Option<NumberOrText>,
    /// True for `<uses-permission-sdk-23>` / `<uses-permission-sdk-m>` (requested on API 23+ only).
    pub sdk_23_only: bool,
    /// Source line of the element.
    pub line: u32,
}

/// A `<permission>` the app declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredPermission {
    /// Permission name.
    pub name: String,
    /// Decoded protection level, e.g. `dangerous`, `signature|privileged`; `None` when
    /// absent (Android then uses `normal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection_level: Option<String>,
    /// Source line of the element.
    pub line: u32,
}

/// A `<uses-feature>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesFeature {
    /// Feature name (absent for a `glEsVersion`-only entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `android:required` (default true).
    pub required: bool,
    /// Source line of the element.
    pub line: u32,
}

/// One `<data>` element of an intent filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntentData {
    /// `android:scheme`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// `android:host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `android:port`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// `android:path`, `pathPrefix` or `pathPattern`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `android:mimeType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// An `<intent-filter>` (or a `<queries>` `<intent>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntentFilter {
    /// Action names.
    pub actions: Vec<String>,
    /// Category names.
    pub categories: Vec<String>,
    /// Data elements.
    pub data: Vec<IntentData>,
}

/// The `<queries>` element (package visibility, API 30+).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Queries {
    /// `<package android:name>` entries.
    pub packages: Vec<String>,
    /// `<intent>` entries.
    pub intents: Vec<IntentFilter>,
    /// `<provider android:authorities>` entries.
    pub providers: Vec<String>,
}

/// The `<application>` element's privacy/security-relevant attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Application class, fully qualified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `android:label` rendered (string or `@0x7f...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `android:debuggable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debuggable: Option<bool>,
    /// `android:allowBackup`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_backup: Option<bool>,
    /// `android:usesCleartextTraffic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses_cleartext_traffic: Option<bool>,
    /// `android:networkSecurityConfig` (`@0x7f...` or the string in a text manifest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_security_config: Option<String>,
    /// `android:appComponentFactory`, fully qualified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_component_factory: Option<String>,
    /// `android:testOnly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_only: Option<bool>,
    /// `android:backupAgent`, fully qualified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_agent: Option<String>,
    /// `android:fullBackupContent` rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_backup_content: Option<String>,
    /// `android:permission` guarding the whole application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// `android:process`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Source line of the element.
    pub line: u32,
}

/// Component kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// `<activity>`.
    Activity,
    /// `<activity-alias>`.
    ActivityAlias,
    /// `<service>`.
    Service,
    /// `<receiver>`.
    Receiver,
    /// `<provider>`.
    Provider,
}

impl ComponentKind {
    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            _ => return None,
        })
    }
}

/// An application component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Kind of component.
    pub kind: ComponentKind,
    /// Class name, fully qualified as Android resolves it against the package.
    pub name: String,
    /// `android:exported` as written (`None`: Android's default applies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported: Option<bool>,
    /// `android:enabled` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `android:permission`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// `android:readPermission` (providers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_permission: Option<String>,
    /// `android:writePermission` (providers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_permission: Option<String>,
    /// `android:process`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Provider authorities (`;`-separated in the file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<String>,
    /// `android:targetActivity` of an activity-alias, fully qualified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_activity: Option<String>,
    /// Intent filters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intent_filters: Vec<IntentFilter>,
    /// `<meta-data>` children.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meta_data: Vec<MetaData>,
    /// Source line of the element.
    pub line: u32,
}

/// A `<meta-data>` entry (SDK keys such as `JPUSH_APPKEY` are strong SDK evidence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaData {
    /// `android:name`.
    pub name: String,
    /// `android:value` rendered as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `android:resource` rendered (`@0x7f...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `application`, the owning component's name, or the parent element's tag.
    pub parent: String,
    /// Source line of the element.
    pub line: u32,
}

/// What Android reads from a manifest, for the audit report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// `package`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `android:versionCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_code: Option<NumberOrText>,
    /// `android:versionName` rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_name: Option<String>,
    /// `android:sharedUserId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_user_id: Option<String>,
    /// `<uses-sdk android:minSdkVersion>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_sdk: Option<NumberOrText>,
    /// `<uses-sdk android:targetSdkVersion>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_sdk: Option<NumberOrText>,
    /// Requested permissions, in file order.
    pub uses_permissions: Vec<UsesPermission>,
    /// Permissions the app defines.
    pub permissions: Vec<DeclaredPermission>,
    /// Hardware/software features used.
    pub uses_features: Vec<UsesFeature>,
    /// Package-visibility queries.
    pub queries: Queries,
    /// The (first) `<application>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
    /// Components of the application.
    pub components: Vec<Component>,
    /// Every `<meta-data>` in the file.
    pub meta_data: Vec<MetaData>,
    /// Structural anomalies Android would ignore or reject.
    pub warnings: Vec<String>,
}

/// Protection level base values (`R.attr.protectionLevel`, low 4 bits).
const PROTECTION_BASES: [&str; 5] = [
    "normal",
    "dangerous",
    "signature",
    "signatureOrSystem",
    "internal",
];

/// Protection level flags (`PermissionInfo.PROTECTION_FLAG_*`).
const PROTECTION_FLAGS: &[(u32, &str)] = &[
    (0x10, "privileged"),
    (0x20, "development"),
    (0x40, "appop"),
    (0x80, "pre23"),
    (0x100, "installer"),
    (0x200, "verifier"),
    (0x400, "preinstalled"),
    (0x800, "setup"),
    (0x1000, "instant"),
    (0x2000, "runtime"),
    (0x4000, "oem"),
    (0x8000, "vendorPrivileged"),
    (0x1_0000, "textClassifier"),
    (0x2_0000, "wellbeing"),
    (0x4_0000, "documenter"),
    (0x8_0000, "configurator"),
    (0x10_0000, "incidentReportApprover"),
    (0x20_0000, "appPredictor"),
    (0x40_0000, "module"),
    (0x80_0000, "companion"),
    (0x100_0000, "retailDemo"),
    (0x200_0000, "recents"),
    (0x400_0000, "role"),
    (0x800_0000, "knownSigner"),
];

/// Renders a numeric `protectionLevel` as `base|flag|flag`.
pub fn protection_level_name(level: u32) -> String {
    let base = (level & 0xf) as usize;
    let mut parts = vec![
        PROTECTION_BASES
            .get(base)
            .map(|s| (*s).to_string())
            .unwrap_or_else(|| format!("0x{base:x}")),
    ];
    let mut unknown = level & !0xf;
    for &(bit, name) in PROTECTION_FLAGS {
        if level & bit != 0 {
            parts.push(name.to_string());
            unknown &= !bit;
        }
    }
    if unknown != 0 {
        parts.push(format!("0x{unknown:x}"));
    }
    parts.join("|")
}

/// Resolves a class name against the package like `PackageParser.buildClassName`:
/// `.Foo` and `Foo` (no dot) become `pkg.Foo`; anything with a dot elsewhere is kept.
pub fn resolve_class_name(package: Option<&str>, class: &str) -> String {
    match package {
        Some(pkg) if class.starts_with('.') => format!("{pkg}{class}"),
        Some(pkg) if !class.is_empty() && !class.contains('.') => format!("{pkg}.{class}"),
        _ => class.to_string(),
    }
}

fn number_or_text(value: &Value) -> NumberOrText {
    match value.as_i64().and_then(|n| u64::try_from(n).ok()) {
        Some(n) => NumberOrText::Number(n),
        None => NumberOrText::Text(value.render()),
    }
}

struct Reader<'a> {
    doc: &'a AxmlDocument,
    format: SourceFormat,
    package: Option<String>,
}

impl<'a> Reader<'a> {
    fn attr(&self, e: &'a Element, name: &str) -> Option<&'a Value> {
        e.android_attr(self.format, name).map(|a| &a.value)
    }

    fn string(&self, e: &Element, name: &str) -> Option<String> {
        e.android_attr(self.format, name).map(|a| a.value.render())
    }

    fn bool(&self, e: &Element, name: &str) -> Option<bool> {
        self.attr(e, name).and_then(Value::as_bool)
    }

    fn class(&self, e: &Element, name: &str) -> Option<String> {
        self.string(e, name)
            .map(|c| resolve_class_name(self.package.as_deref(), &c))
    }

    fn children(&self, index: usize) -> impl Iterator<Item = (usize, &'a Element)> + 'a {
        self.doc.children(index)
    }

    fn intent_filter(&self, index: usize) -> IntentFilter {
        let mut filter = IntentFilter::default();
        for (_, child) in self.children(index) {
            match child.name.as_str() {
                "action" => filter.actions.extend(self.string(child, "name")),
                "category" => filter.categories.extend(self.string(child, "name")),
                "data" => {
                    let path = ["path", "pathPrefix", "pathPattern"]
                        .iter()
                        .find_map(|p| self.string(child, p));
                    filter.data.push(IntentData {
                        scheme: self.string(child, "scheme"),
                        host: self.string(child, "host"),
                        port: self.string(child, "port"),
                        path,
                        mime_type: self.string(child, "mimeType"),
                    });
                }
                _ => {}
            }
        }
        filter
    }

    fn meta_data(&self, e: &Element, parent: String) -> Option<MetaData> {
        Some(MetaData {
            name: self.string(e, "name")?,
            value: self.string(e, "value"),
            resource: self.string(e, "resource"),
            parent,
            line: e.line,
        })
    }
}

impl Manifest {
    /// Builds the model from a decoded document (binary or text).
    pub fn from_document(doc: &AxmlDocument) -> Manifest {
        let mut m = Manifest::default();
        let Some(root_index) = doc.root_index() else {
            m.warnings.push("document has no element".to_string());
            return m;
        };
        let Some(root) = doc.elements.get(root_index) else {
            return m;
        };
        if root.name != "manifest" {
            m.warnings.push(format!(
                "root element is <{}>, not <manifest> (Android rejects this)",
                root.name
            ));
            return m;
        }
        let package = root.plain_attr("package").map(|a| a.value.render());
        let r = Reader {
            doc,
            format: doc.format,
            package: package.clone(),
        };
        m.package = package;
        m.version_code = r.attr(root, "versionCode").map(number_or_text);
        m.version_name = r.string(root, "versionName");
        m.shared_user_id = r.string(root, "sharedUserId");

        let mut application_index = None;
        for (index, child) in r.children(root_index) {
            match child.name.as_str() {
                "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                    let Some(name) = r.string(child, "name") else {
                        m.warnings.push(format!(
                            "<{}> at line {} has no android:name",
                            child.name, child.line
                        ));
                        continue;
                    };
                    m.uses_permissions.push(UsesPermission {
                        name,
                        max_sdk_version: r.attr(child, "maxSdkVersion").map(number_or_text),
                        sdk_23_only: child.name != "uses-permission",
                        line: child.line,
                    });
                }
                "permission" => {
                    if let Some(name) = r.string(child, "name") {
                        let protection_level = r.attr(child, "protectionLevel").map(|v| {
                            match v.as_i64().and_then(|n| u32::try_from(n).ok()) {
                                Some(level) if !matches!(v, Value::String(_)) => {
                                    protection_level_name(level)
                                }
                                _ => v.render(),
                            }
                        });
                        m.permissions.push(DeclaredPermission {
                            name,
                            protection_level,
                            line: child.line,
                        });
                    }
                }
                "uses-feature" => m.uses_features.push(UsesFeature {
                    name: r.string(child, "name"),
                    required: r.bool(child, "required").unwrap_or(true),
                    line: child.line,
                }),
                "uses-sdk" => {
                    // PackageParser keeps the last <uses-sdk> it sees.
                    if let Some(v) = r.attr(child, "minSdkVersion") {
                        m.min_sdk = Some(number_or_text(v));
                    }
                    if let Some(v) = r.attr(child, "targetSdkVersion") {
                        m.target_sdk = Some(number_or_text(v));
                    }
                }
                "queries" => read_queries(&r, index, &mut m.queries),
                "application" => {
                    if application_index.is_some() {
                        m.warnings.push(format!(
                            "second <application> at line {} ignored, as Android does",
                            child.line
                        ));
                    } else {
                        application_index = Some(index);
                    }
                }
                _ => {}
            }
        }

        if let Some(app_index) = application_index
            && let Some(app) = doc.elements.get(app_index)
        {
            m.application = Some(Application {
                name: r.class(app, "name"),
                label: r.string(app, "label"),
                debuggable: r.bool(app, "debuggable"),
                allow_backup: r.bool(app, "allowBackup"),
                uses_cleartext_traffic: r.bool(app, "usesCleartextTraffic"),
                network_security_config: r.string(app, "networkSecurityConfig"),
                app_component_factory: r.class(app, "appComponentFactory"),
                test_only: r.bool(app, "testOnly"),
                backup_agent: r.class(app, "backupAgent"),
                full_backup_content: r.string(app, "fullBackupContent"),
                permission: r.string(app, "permission"),
                process: r.string(app, "process"),
                line: app.line,
            });
            for (index, child) in r.children(app_index) {
                let Some(kind) = ComponentKind::from_tag(&child.name) else {
                    continue;
                };
                let Some(name) = r.class(child, "name") else {
                    m.warnings.push(format!(
                        "<{}> at line {} has no android:name (Android rejects this)",
                        child.name, child.line
                    ));
                    continue;
                };
                let mut component = Component {
                    kind,
                    name: name.clone(),
                    exported: r.bool(child, "exported"),
                    enabled: r.bool(child, "enabled"),
                    permission: r.string(child, "permission"),
                    read_permission: r.string(child, "readPermission"),
                    write_permission: r.string(child, "writePermission"),
                    process: r.string(child, "process"),
                    authorities: r
                        .string(child, "authorities")
                        .map(|a| {
                            a.split(';')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    target_activity: r.class(child, "targetActivity"),
                    intent_filters: Vec::new(),
                    meta_data: Vec::new(),
                    line: child.line,
                };
                for (grand_index, grand) in r.children(index) {
                    match grand.name.as_str() {
                        "intent-filter" => {
                            component.intent_filters.push(r.intent_filter(grand_index));
                        }
                        "meta-data" => {
                            component.meta_data.extend(r.meta_data(grand, name.clone()));
                        }
                        _ => {}
                    }
                }
                m.components.push(component);
            }
        }

        collect_meta_data(&r, &mut m);
        flag_misplaced_permissions(doc, root_index, &mut m);
        m
    }
}

fn read_queries(r: &Reader<'_>, index: usize, queries: &mut Queries) {
    for (child_index, child) in r.children(index) {
        match child.name.as_str() {
            "package" => queries.packages.extend(r.string(child, "name")),
            "intent" => queries.intents.push(r.intent_filter(child_index)),
            "provider" => queries.providers.extend(r.string(child, "authorities")),
            _ => {}
        }
    }
}

/// Every `<meta-data>` in the document, labelled with its owner.
fn collect_meta_data(r: &Reader<'_>, m: &mut Manifest) {
    for e in r.doc.elements.iter().filter(|e| e.name == "meta-data") {
        let parent = e.parent.and_then(|p| r.doc.elements.get(p));
        let label = match parent {
            Some(p) if p.name == "application" => "application".to_string(),
            Some(p) if ComponentKind::from_tag(&p.name).is_some() => {
                r.class(p, "name").unwrap_or_else(|| p.name.clone())
            }
            Some(p) => p.name.clone(),
            None => String::new(),
        };
        if let Some(md) = r.meta_data(e, label) {
            m.meta_data.push(md);
        }
    }
}

/// A `<uses-permission>` anywhere but directly under `<manifest>` is ignored by Android;
/// say so, since a reader of the raw XML might count it.
fn flag_misplaced_permissions(doc: &AxmlDocument, root_index: usize, m: &mut Manifest) {
    for e in &doc.elements {
        if e.name.starts_with("uses-permission") && e.parent != Some(root_index) {
            m.warnings.push(format!(
                "<{}> at line {} is not directly under <manifest>; Android ignores it",
                e.name, e.line
            ));
        }
    }
}
