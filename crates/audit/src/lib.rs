#![deny(missing_docs)]
//! Compares what an app does (an [`appaudit_model::Inventory`]) with what its privacy
//! policy says (an [`appaudit_policy::PolicyReading`]) and reports the differences.
//!
//! Every finding has a stable rule id ([`RuleId`]), a severity, a one-line message,
//! evidence from both sides and the regulation it serves. Every data type the app
//! touches is classified the way PoliCheck does: clear, vague, omitted or incorrect.
//! [`audit`] is pure: configuration (gate, severity overrides, waivers) comes in
//! [`AuditOptions`]; the reports of an [`AuditReport`] are written by `appaudit-report`.

pub mod baseline;
pub mod config;
pub mod declare;
pub mod declared;
pub mod diff;
pub mod fingerprint;
mod model;
pub mod rules;

pub use config::{Config, ConfigError, Date, Waiver};
pub use model::{
    AUDIT_SCHEMA_VERSION, AppEvidence, AuditReport, DataDisclosure, Disclosure, Finding,
    PolicyEvidence, ReaderDisclosure, Severity, Summary, Tool, Verdict, WaivedFinding,
};
pub use rules::Knowledge;
pub use rules::{Profile, RuleId, RuleInfo, ServiceType};

use std::collections::BTreeMap;

/// Settings of one audit run.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Findings at or above this severity make the verdict `fail`.
    pub fail_on: Severity,
    /// Severity overrides per rule.
    pub severity: BTreeMap<RuleId, Severity>,
    /// Accepted risks.
    pub waivers: Vec<Waiver>,
    /// The day waiver expiry is judged against.
    pub today: Date,
    /// The policy file, as given (reports cite it).
    pub policy_path: String,
    /// Version of the tool, for the report header.
    pub tool_version: String,
    /// Only the rules of this profile run (`None`: all).
    pub profile: Option<Profile>,
    /// The app's service type (`--app-type`): AA117 runs only with one.
    pub app_type: Option<&'static ServiceType>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            fail_on: Severity::High,
            severity: BTreeMap::new(),
            waivers: Vec::new(),
            today: Date::today(),
            policy_path: String::new(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            profile: None,
            app_type: None,
        }
    }
}

impl AuditOptions {
    /// Applies a configuration file: its gate (unless `keep_fail_on`), overrides and waivers.
    pub fn apply_config(&mut self, config: &Config, keep_fail_on: bool) {
        if !keep_fail_on && let Some(f) = config.fail_on {
            self.fail_on = f;
        }
        self.severity
            .extend(config.severity.iter().map(|(k, v)| (*k, *v)));
        self.waivers.extend(config.waivers.iter().cloned());
    }
}

/// Audits an inventory against a policy reading.
pub fn audit(
    inventory: &appaudit_model::Inventory,
    policy: &appaudit_policy::PolicyReading,
    knowledge: Knowledge<'_>,
    options: &AuditOptions,
) -> AuditReport {
    let severity_of = severity_of(options);
    let comparison = rules::compare(inventory, policy, knowledge, &severity_of, options.app_type);
    finish(inventory, policy, comparison, None, options)
}

/// Audits an inventory against a store declaration (`--declared`: rules AA301–AA304) and, when
/// one is given, a policy reading (every other rule). Without a policy only the declaration's
/// rules run and the report's policy is empty.
pub fn audit_declared(
    inventory: &appaudit_model::Inventory,
    policy: Option<&appaudit_policy::PolicyReading>,
    declared: &declared::DeclaredFile,
    knowledge: Knowledge<'_>,
    options: &AuditOptions,
) -> Result<AuditReport, declared::DeclaredError> {
    let severity_of = severity_of(options);
    let mut found = declared::compare(inventory, declared, knowledge, &severity_of)?;
    let empty;
    let (policy, mut comparison) = match policy {
        Some(p) => (
            p,
            rules::compare(inventory, p, knowledge, &severity_of, options.app_type),
        ),
        None => {
            empty = no_policy();
            (
                &empty,
                rules::Comparison {
                    findings: Vec::new(),
                    disclosures: Vec::new(),
                },
            )
        }
    };
    comparison.findings.append(&mut found);
    rules::sort_findings(&mut comparison.findings);
    Ok(finish(
        inventory,
        policy,
        comparison,
        Some(declared.path.clone()),
        options,
    ))
}

/// The reading of no policy (an audit of a declaration alone).
fn no_policy() -> appaudit_policy::PolicyReading {
    appaudit_policy::PolicyReading {
        language: String::new(),
        format: appaudit_policy::FormatHint::Auto,
        encoding: String::new(),
        sections: Vec::new(),
        missing_sections: Vec::new(),
        data_types: Vec::new(),
        sdks: Vec::new(),
        mentions: Vec::new(),
        permissions: Vec::new(),
        documents: Vec::new(),
        lines: Vec::new(),
        emphasis: None,
        emphasis_shown: Vec::new(),
    }
}

fn severity_of(options: &AuditOptions) -> impl Fn(RuleId) -> Severity + '_ {
    |rule: RuleId| {
        options
            .severity
            .get(&rule)
            .copied()
            .unwrap_or(rule.info().default_severity)
    }
}

/// Profile filter, waivers, summary and verdict.
fn finish(
    inventory: &appaudit_model::Inventory,
    policy: &appaudit_policy::PolicyReading,
    mut comparison: rules::Comparison,
    declared_path: Option<String>,
    options: &AuditOptions,
) -> AuditReport {
    comparison
        .findings
        .retain(|f| f.rule.info().in_profile(options.profile));

    let mut notes = Vec::new();
    let active: Vec<&Waiver> = options
        .waivers
        .iter()
        .filter(|w| {
            if w.expired(options.today) {
                notes.push(format!(
                    "waiver {} expired on {} and no longer applies (reason was: {})",
                    w.describe(),
                    w.expires.map(|d| d.to_string()).unwrap_or_default(),
                    w.reason
                ));
                false
            } else {
                true
            }
        })
        .collect();
    let mut used = vec![false; active.len()];
    let mut findings = Vec::new();
    let mut waived = Vec::new();
    for mut finding in comparison.findings {
        // A policy read from several documents: each quote names its file and its line there.
        for e in &mut finding.policy_evidence {
            // A quote of the `--declared` file already names it.
            if e.document.is_none()
                && let Some(line) = e.line
                && let (Some(document), local) = policy.locate(line)
            {
                e.document = Some(document.to_owned());
                e.line = Some(local);
            }
        }
        match active.iter().position(|w| w.matches(&finding)) {
            Some(i) => {
                if let Some(flag) = used.get_mut(i) {
                    *flag = true;
                }
                let w = active.get(i);
                waived.push(WaivedFinding {
                    reason: w.map(|w| w.reason.clone()).unwrap_or_default(),
                    expires: w.and_then(|w| w.expires).map(|d| d.to_string()),
                    finding,
                });
            }
            None => findings.push(finding),
        }
    }
    for (w, hit) in active.iter().zip(&used) {
        if !hit {
            notes.push(format!(
                "waiver {} matched no finding (stale?)",
                w.describe()
            ));
        }
    }

    let mut summary = Summary {
        waived: waived.len(),
        ..Summary::default()
    };
    for f in &findings {
        match f.severity {
            Severity::High => summary.high += 1,
            Severity::Medium => summary.medium += 1,
            Severity::Low => summary.low += 1,
            Severity::Info => summary.info += 1,
        }
    }
    let verdict = if findings.iter().any(|f| f.severity >= options.fail_on) {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    AuditReport {
        schema_version: AUDIT_SCHEMA_VERSION,
        tool: Tool {
            name: "appaudit".into(),
            version: options.tool_version.clone(),
        },
        verdict,
        fail_on: options.fail_on,
        profile: options.profile.map_or("all", Profile::as_str).to_owned(),
        summary,
        findings,
        waived,
        notes,
        disclosures: comparison.disclosures,
        policy_path: options.policy_path.clone(),
        declared_path,
        app_type: options.app_type.map(|t| t.id.clone()),
        inventory: inventory.clone(),
        policy: policy.clone(),
        baseline: None,
    }
}

#[cfg(test)]
mod tests;
