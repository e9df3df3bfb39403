//! The audit result: findings with two-sided evidence, the disclosure matrix and the verdict.
//! This is the `audit --format json` contract (`AUDIT_SCHEMA_VERSION`).

use serde::Serialize;

use crate::rules::RuleId;

/// Version of the audit JSON schema. Fields are only added; this changes when one is removed or changes meaning.
pub const AUDIT_SCHEMA_VERSION: u32 = 1;

/// How serious a finding is. Ordered: `Info < Low < Medium < High`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational (a stale policy).
    Info,
    /// Worth fixing.
    Low,
    /// Should be fixed before release.
    Medium,
    /// A likely violation.
    High,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// One step lower (for evidence that weighs less, e.g. an SDK that is bundled but never called).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }

    /// Parses `info`, `low`, `medium` or `high`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// PoliCheck's disclosure classes for a data type (or an SDK's use of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosure {
    /// Named precisely.
    Clear,
    /// Covered only by a broad term ("device information").
    Vague,
    /// Not mentioned.
    Omitted,
    /// Contradicted ("we do not collect …").
    Incorrect,
}

impl Disclosure {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::Clear => "clear",
            Disclosure::Vague => "vague",
            Disclosure::Omitted => "omitted",
            Disclosure::Incorrect => "incorrect",
        }
    }
}

/// Evidence from the app: where in the scanned file the behaviour shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AppEvidence {
    /// `permission`, `api_call`, `marker`, `class`, `component`, `meta_data`, `native_lib`, … or `sdk_usage`.
    pub kind: String,
    /// Archive entry (`AndroidManifest.xml`, `classes.dex`, `lib/arm64-v8a/libx.so`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The thing itself: permission name, `Lcom/foo/Bar;->getImei`, API name, class descriptor.
    pub value: String,
    /// Who it belongs to: an SDK id, or `None` for the app's own code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

/// Evidence from the policy: a quote with its line, or the statement that nothing was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PolicyEvidence {
    /// `quote` (the text below is in the policy), `not_mentioned` or `section_missing`.
    pub kind: String,
    /// Exact text from the policy (for `quote`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// 1-based line of the quote (in `document` when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The document holding the quote, when the policy was read from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// What this evidence shows ("JPush row lists: device identifiers, IMEI").
    pub note: String,
}

impl PolicyEvidence {
    /// A quote at a line.
    pub fn quote(quote: &str, line: usize, note: impl Into<String>) -> Self {
        PolicyEvidence {
            kind: "quote".into(),
            quote: Some(quote.to_owned()),
            line: Some(line),
            document: None,
            note: note.into(),
        }
    }

    /// Nothing in the policy.
    pub fn not_mentioned(note: impl Into<String>) -> Self {
        PolicyEvidence {
            kind: "not_mentioned".into(),
            quote: None,
            line: None,
            document: None,
            note: note.into(),
        }
    }

    /// A required section is missing.
    pub fn section_missing(note: impl Into<String>) -> Self {
        PolicyEvidence {
            kind: "section_missing".into(),
            quote: None,
            line: None,
            document: None,
            note: note.into(),
        }
    }
}

/// One difference between the app and its policy.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable rule id (`AA101`).
    pub rule: RuleId,
    /// The rule's kebab-case name.
    pub rule_name: &'static str,
    /// Severity after configuration and weighting.
    pub severity: Severity,
    /// One line.
    pub message: String,
    /// SDK id concerned, if any.
    pub sdk: Option<String>,
    /// Taxonomy data type id concerned, if any.
    pub data_type: Option<String>,
    /// Permission concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// PoliCheck class, where it applies.
    pub disclosure: Option<Disclosure>,
    /// Evidence from the app.
    pub app_evidence: Vec<AppEvidence>,
    /// Evidence from the policy.
    pub policy_evidence: Vec<PolicyEvidence>,
    /// The clauses of the regulations or store rules it serves (from `rules.toml`).
    pub regulations: &'static [String],
    /// The `cn_rules.json` ids the rule covers (`CN-S04`).
    pub cn_rules: &'static [String],
}

impl Finding {
    /// A finding of `rule` with no subject or evidence yet; clauses and CN ids from the rule.
    pub(crate) fn new(rule: RuleId, severity: Severity, message: String) -> Finding {
        Finding {
            rule,
            rule_name: rule.name(),
            severity,
            message,
            sdk: None,
            data_type: None,
            permission: None,
            disclosure: None,
            app_evidence: Vec::new(),
            policy_evidence: Vec::new(),
            regulations: &rule.info().clauses,
            cn_rules: &rule.info().cn_rules,
        }
    }

    /// The key waivers and fingerprints use: rule, SDK, data type, permission.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.rule.code(),
            self.sdk.as_deref().unwrap_or(""),
            self.data_type.as_deref().unwrap_or(""),
            self.permission.as_deref().unwrap_or("")
        )
    }
}

/// A finding a waiver silenced, with the waiver's reason.
#[derive(Debug, Clone, Serialize)]
pub struct WaivedFinding {
    /// The finding.
    pub finding: Finding,
    /// The waiver's reason.
    pub reason: String,
    /// The waiver's expiry date (`YYYY-MM-DD`), if any.
    pub expires: Option<String>,
}

/// Who reads a data type, and how the policy covers that reader.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReaderDisclosure {
    /// SDK id, or `None` for the app's own code.
    pub sdk: Option<String>,
    /// `code` (an API call or marker in its code) or `permission` (only a requested permission grants it).
    pub via: &'static str,
    /// Whether the SDK is called from outside its own code (`used`), only bundled (`present`), or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<&'static str>,
    /// How the policy covers this reader's access.
    pub disclosure: Disclosure,
}

/// One data type the app touches, classified.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataDisclosure {
    /// Taxonomy id.
    pub data_type: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
    /// The overall class (the policy's best statement about the type, whoever collects it).
    pub disclosure: Disclosure,
    /// Every reader with its own class (entity-sensitive).
    pub readers: Vec<ReaderDisclosure>,
}

/// `pass` or `fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No finding at or above the gate.
    Pass,
    /// At least one finding at or above the gate.
    Fail,
}

/// Counts of findings.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
    /// Informational findings.
    pub info: usize,
    /// Findings silenced by waivers.
    pub waived: usize,
}

/// The whole audit: the inputs as read, the findings and the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Schema version ([`AUDIT_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `appaudit` and its version.
    pub tool: Tool,
    /// `pass` or `fail`, against `fail_on`.
    pub verdict: Verdict,
    /// The gate: findings at or above this severity fail the audit.
    pub fail_on: Severity,
    /// The rule profile the audit ran (`all`, `cn`, `apple`, `play`).
    pub profile: String,
    /// Counts.
    pub summary: Summary,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Findings silenced by a waiver.
    pub waived: Vec<WaivedFinding>,
    /// Notes about the configuration (expired waivers, waivers that matched nothing).
    pub notes: Vec<String>,
    /// Every data type the app touches, classified (the who-reads-what matrix).
    pub disclosures: Vec<DataDisclosure>,
    /// The policy file that was read (empty when only `--declared` was given).
    pub policy_path: String,
    /// The store declaration compared with the app (`--declared`); absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_path: Option<String>,
    /// The app's service type (`--app-type`, the slug of 第五条's table); absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// The app inventory.
    pub inventory: appaudit_model::Inventory,
    /// The policy reading.
    pub policy: appaudit_policy::PolicyReading,
    /// The baseline applied (`--baseline`) and what it hid; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::baseline::BaselineUse>,
}

/// The producing tool.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `appaudit`.
    pub name: String,
    /// Version.
    pub version: String,
}
