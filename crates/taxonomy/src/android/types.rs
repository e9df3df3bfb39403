//! The records the compiled Android tables hold.

use serde::Serialize;

use crate::{MarkerKind, MarkerMatch, Protection};

/// Index of a data type in the taxonomy the rules were built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataTypeId(pub(crate) u16);

impl DataTypeId {
    /// Position of the data type in `Taxonomy::data_types`.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Names of a data type, copied out of the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct DataTypeMeta {
    /// Stable id (`imei`).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
}

/// What kind of code element a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A method invocation.
    Method,
    /// A static field read.
    Field,
    /// A class extending the rule's class.
    Superclass,
}

/// Data types a call reveals only together with an argument string in the same method.
#[derive(Debug, Clone)]
pub struct MarkerCondition {
    /// The argument string (`android_id`).
    pub marker: String,
    /// Data types revealed when the marker is present.
    pub data_types: Vec<DataTypeId>,
}

/// A sensitive API, field or superclass.
#[derive(Debug, Clone)]
pub struct ApiRule {
    /// Display form for reports: `TelephonyManager.getDeviceId`, `Build.SERIAL`,
    /// `extends NotificationListenerService` (short class name for `android.*`/`java.*`,
    /// the full name otherwise, so `com.huawei…AdvertisingIdClient` and the GMS one stay apart).
    pub display: String,
    /// Java binary name of the class.
    pub class: String,
    /// Method or field name (empty for a superclass rule).
    pub member: String,
    /// What it matches.
    pub kind: RuleKind,
    /// Data types revealed by the call alone.
    pub data_types: Vec<DataTypeId>,
    /// Data types revealed only with an argument marker in the same method.
    pub marker_conditions: Vec<MarkerCondition>,
    /// Data types whose marker-conditioned reveal this call cancels in the same method
    /// (`Intent.setPackage` makes a MAIN/LAUNCHER query one package's, not the app list).
    pub cancels: Vec<DataTypeId>,
}

impl ApiRule {
    /// The data types revealed when `marker` is one of the method's constant strings.
    pub fn data_types_with_marker(&self, marker: &str) -> &[DataTypeId] {
        self.marker_conditions
            .iter()
            .find(|c| c.marker == marker)
            .map_or(&[], |c| c.data_types.as_slice())
    }
}

/// A constant string that reveals a data type.
#[derive(Debug, Clone)]
pub struct MarkerRule {
    /// The marker text.
    pub text: String,
    /// How it is compared.
    pub match_kind: MarkerMatch,
    /// Standalone evidence or call argument.
    pub kind: MarkerKind,
    /// Data types it reveals (for argument markers: the types that declare it).
    pub data_types: Vec<DataTypeId>,
}

/// Classification of one Android permission.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionInfo {
    /// Full name.
    pub name: String,
    /// How it is granted.
    pub protection: Protection,
    /// Raw AOSP level, where known.
    pub aosp_protection_level: Option<String>,
    /// Data types it grants.
    #[serde(skip)]
    pub data_types: Vec<DataTypeId>,
}

/// A class that some rule names, resolved by [`AndroidRules::class_handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassHandle(pub(crate) u32);
