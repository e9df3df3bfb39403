//! SARIF 2.1.0 output, hand-written serde types (only the properties appaudit fills).
//!
//! A finding inside an APK: the artifact is the APK, the logical location is
//! `classes.dex!Lcom/foo/Bar;->getDeviceId` (or the manifest element); the policy
//! evidence is a second location (policy file + line). `partialFingerprints` is a
//! stable hash of rule, SDK, data type, permission and artifact, so GitHub code
//! scanning tracks a finding across runs.
//!
//! Each call site whose code file is known adds a location of its own: the DEX (or class
//! file) as an artifact nested in the app (`run.artifacts[i].parentIndex` = the app), with the
//! calling class (`type`) and method (`function`) as logical locations.

use std::io::{self, Write};

use serde::Serialize;

use crate::Reporter;
use appaudit_audit::fingerprint::{fingerprint, uri};
use appaudit_audit::rules::{Profile, RuleId};
use appaudit_audit::{AuditReport, Finding, Severity};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF 2.1.0 reporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifReporter;

/// The SARIF log.
#[derive(Debug, Serialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
struct Run {
    tool: SarifTool,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult>,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties>,
}

/// Run-level properties: what a baseline hid (SARIF has no standard place for that count).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    baseline_file: String,
    baseline_hidden: usize,
    baseline_resolved: usize,
}

#[derive(Debug, Serialize)]
struct SarifTool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    regulations: &'static [String],
    #[serde(rename = "cnRules")]
    cn_rules: &'static [String],
    profiles: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Message {
    text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: PartialFingerprints,
    /// `new` when a baseline was applied (every reported result is then new to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties,
}

#[derive(Debug, Serialize)]
struct PartialFingerprints {
    #[serde(rename = "appauditFinding/v1")]
    finding: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sdk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permission: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    message: Message,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Debug, Serialize)]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

/// An entry of `run.artifacts`: the app, or a code file inside it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_index: Option<usize>,
}

/// The calling class of a call-site value: `Lcom/foo/Bar;` from `Lcom/foo/Bar;->m`
/// (or from `Lcom/foo/Bar;->m calls Lx/Y;->n`).
fn caller_class(site: &str) -> Option<&str> {
    site.split_once("->")
        .map(|(class, _)| class)
        .filter(|c| !c.is_empty())
}

/// The calling method: `Lcom/foo/Bar;->m` from either call-site form.
fn caller_method(site: &str) -> &str {
    site.split_once(" calls ")
        .map_or(site, |(caller, _)| caller)
}

/// One location per call site whose code file is known, each file registered once in
/// `artifacts` as nested in the app (index 0).
fn call_site_locations(f: &Finding, artifacts: &mut Vec<Artifact>) -> Vec<Location> {
    let mut out = Vec::new();
    for e in &f.app_evidence {
        if !matches!(e.kind.as_str(), "call_site" | "sdk_call") {
            continue;
        }
        let (Some(file), Some(class)) = (e.location.as_deref(), caller_class(&e.value)) else {
            continue;
        };
        let file_uri = uri(file);
        let index = match artifacts
            .iter()
            .position(|a| a.parent_index == Some(0) && a.location.uri == file_uri)
        {
            Some(i) => i,
            None => {
                artifacts.push(Artifact {
                    location: ArtifactLocation {
                        uri: file_uri.clone(),
                        index: None,
                    },
                    parent_index: Some(0),
                });
                artifacts.len() - 1
            }
        };
        out.push(Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: file_uri,
                    index: Some(index),
                },
                region: None,
            },
            logical_locations: vec![
                LogicalLocation {
                    fully_qualified_name: class.to_owned(),
                    kind: "type",
                },
                LogicalLocation {
                    fully_qualified_name: caller_method(&e.value).to_owned(),
                    kind: "function",
                },
            ],
            message: Message {
                text: format!("call site in {file}: {}", e.value),
            },
        });
    }
    out
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn logical(f: &Finding) -> Vec<LogicalLocation> {
    f.app_evidence
        .iter()
        .filter(|e| e.kind != "not_found")
        .take(5)
        .map(|e| {
            let kind = match e.kind.as_str() {
                "call_site" | "sdk_call" => "function",
                "class" => "type",
                "api" => "function",
                _ => "element",
            };
            let name = match &e.location {
                Some(loc) => format!("{loc}!{}", e.value),
                None => e.value.clone(),
            };
            LogicalLocation {
                fully_qualified_name: name,
                kind,
            }
        })
        .collect()
}

/// Builds the SARIF log for a report.
pub fn to_sarif(report: &AuditReport) -> SarifLog {
    let artifact = uri(&report.inventory.source.path);
    let policy = uri(&report.policy_path);
    let mut artifacts = vec![Artifact {
        location: ArtifactLocation {
            uri: artifact.clone(),
            index: None,
        },
        parent_index: None,
    }];
    let profile = Profile::parse(&report.profile);
    let listed: Vec<RuleId> = RuleId::checked_in(profile, report.declared_path.is_some())
        .filter(|r| report.app_type.is_some() || !r.needs_app_type())
        .collect();
    let rules = listed
        .iter()
        .map(|rule| {
            let info = rule.info();
            let covers = if info.cn_rules.is_empty() {
                String::new()
            } else {
                format!(" Covers: {}.", info.cn_rules.join(", "))
            };
            ReportingDescriptor {
                id: rule.code(),
                name: rule.name(),
                short_description: Message {
                    text: info.what.clone(),
                },
                full_description: Message {
                    text: format!("{} {}", info.what, info.why),
                },
                help: Message {
                    text: format!(
                        "Example: {} Clauses: {}.{covers}",
                        info.example,
                        info.clauses.join("; ")
                    ),
                },
                default_configuration: DefaultConfiguration {
                    level: level(info.default_severity),
                },
                properties: RuleProperties {
                    tags: vec!["privacy", "compliance"],
                    regulations: &info.clauses,
                    cn_rules: &info.cn_rules,
                    profiles: info.profiles.iter().map(|p| p.as_str()).collect(),
                },
            }
        })
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| {
            let mut locations = vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: artifact.clone(),
                        index: Some(0),
                    },
                    region: None,
                },
                logical_locations: logical(f),
                message: Message {
                    text: "in the app".into(),
                },
            }];
            // The other side: the policy, or the `--declared` file its evidence names.
            let document = f.policy_evidence.iter().find_map(|e| e.document.as_deref());
            if !policy.is_empty() || document.is_some() {
                let quoted = f.policy_evidence.iter().find(|e| e.line.is_some());
                locations.push(Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: quoted
                                .and_then(|e| e.document.as_deref())
                                .or(document)
                                .map_or_else(|| policy.clone(), uri),
                            index: None,
                        },
                        region: quoted
                            .and_then(|e| e.line)
                            .filter(|l| *l > 0)
                            .map(|start_line| Region { start_line }),
                    },
                    logical_locations: Vec::new(),
                    message: Message {
                        text: quoted
                            .or(f.policy_evidence.first())
                            .map(|e| match &e.quote {
                                Some(q) => format!("\"{q}\" — {}", e.note),
                                None => e.note.clone(),
                            })
                            .unwrap_or_else(|| "in the policy".into()),
                    },
                });
            }
            // Then one location per call site in a known DEX (after the policy, which stays second).
            locations.extend(call_site_locations(f, &mut artifacts));
            SarifResult {
                rule_id: f.rule.code(),
                rule_index: listed.iter().position(|id| *id == f.rule).unwrap_or(0),
                level: level(f.severity),
                message: Message {
                    text: f.message.clone(),
                },
                locations,
                partial_fingerprints: PartialFingerprints {
                    finding: fingerprint(f, &report.inventory.source.path),
                },
                baseline_state: report.baseline.as_ref().map(|_| "new"),
                properties: ResultProperties {
                    severity: f.severity.as_str(),
                    sdk: f.sdk.clone(),
                    data_type: f.data_type.clone(),
                    permission: f.permission.clone(),
                    disclosure: f.disclosure.map(|d| d.as_str()),
                },
            }
        })
        .collect();
    SarifLog {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: SarifTool {
                driver: Driver {
                    name: "appaudit",
                    version: report.tool.version.clone(),
                    rules,
                },
            },
            artifacts,
            results,
            column_kind: "unicodeCodePoints",
            properties: report.baseline.as_ref().map(|b| RunProperties {
                baseline_file: b.file.clone(),
                baseline_hidden: b.hidden,
                baseline_resolved: b.resolved,
            }),
        }],
    }
}

impl Reporter<AuditReport> for SarifReporter {
    fn write(&self, out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_sarif(report))?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_site_values_split_into_class_and_method() {
        assert_eq!(caller_class("Lcom/a/B;->m"), Some("Lcom/a/B;"));
        assert_eq!(
            caller_class("Lcom/a/B;->m calls Lx/Y;->n"),
            Some("Lcom/a/B;")
        );
        assert_eq!(caller_method("Lcom/a/B;->m calls Lx/Y;->n"), "Lcom/a/B;->m");
        assert_eq!(caller_class("Payload/A.app/A"), None);
    }
}
