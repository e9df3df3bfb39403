//! Baselines: a CI gate that fails only on what is new.
//!
//! A baseline is the set of findings an earlier run accepted, identified by the stable
//! fingerprints SARIF carries (`partialFingerprints["appauditFinding/v1"]`, FNV-1a of the
//! finding key and the app path as typed, see [`crate::fingerprint::fingerprint`]).
//! Two files are accepted as a baseline:
//!
//! * appaudit's own versioned JSON (`appaudit audit … --write-baseline FILE`), top-level
//!   key `appaudit_baseline` holding [`BASELINE_VERSION`];
//! * a SARIF 2.1.0 log written by `appaudit audit --format sarif`.
//!
//! Because the fingerprint includes the app path, a baseline written for `build/app.aab`
//! would match nothing when the next run is given `./build/app.aab`. The matcher therefore
//! recomputes this run's fingerprints with the path the baseline records, and the report
//! says so in a note when the two paths differ.
//!
//! Hostile input: the file is read up to [`MAX_BASELINE_BYTES`]; anything that is not one of
//! the two formats is a [`BaselineError`] naming the file and what is wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fingerprint::{fingerprint, uri};
use crate::model::{AuditReport, Finding, Severity, Summary, Verdict};

/// Version of the baseline JSON written by `--write-baseline`.
pub const BASELINE_VERSION: u32 = 1;

/// Largest baseline file read (a baseline of 100,000 findings is about 30 MB).
pub const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be used as a baseline.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_BASELINE_BYTES`].
    #[error("baseline {path} is {size} bytes, more than the {max} bytes a baseline may have")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The file is not JSON.
    #[error("baseline {path} is not JSON: {source}")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// The parser's error (line and column).
        source: serde_json::Error,
    },
    /// The file is JSON but neither an appaudit baseline nor an appaudit SARIF log.
    #[error("{path} is not a baseline: {why}")]
    NotABaseline {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A baseline of a version this appaudit does not read.
    #[error(
        "baseline {path} has version {found}; this appaudit reads version {BASELINE_VERSION} (write a new one with --write-baseline)"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u64,
    },
    /// The baseline could not be written.
    #[error("cannot write baseline {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Which kind of file a baseline was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineKind {
    /// appaudit's own baseline JSON.
    Appaudit,
    /// A SARIF log of an earlier `appaudit audit --format sarif`.
    Sarif,
}

/// One accepted finding in appaudit's baseline JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The SARIF fingerprint (`appauditFinding/v1`).
    pub fingerprint: String,
    /// Rule id (`AA101`), for people reading the file.
    pub rule: String,
    /// Severity when it was accepted.
    pub severity: Severity,
    /// The finding's message when it was accepted.
    pub message: String,
    /// SDK id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    /// Data type id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// Permission, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
}

/// appaudit's baseline JSON, as written by `--write-baseline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// [`BASELINE_VERSION`].
    pub appaudit_baseline: u32,
    /// The appaudit version that wrote it.
    pub tool_version: String,
    /// The app path as typed when it was written (the fingerprints include it).
    pub app: String,
    /// The policy path as typed.
    pub policy: String,
    /// The accepted findings.
    pub findings: Vec<BaselineEntry>,
}

impl BaselineFile {
    /// The baseline that accepts every finding of `report`.
    pub fn from_report(report: &AuditReport) -> BaselineFile {
        let app = report.inventory.source.path.clone();
        let mut findings: Vec<BaselineEntry> = report
            .findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: fingerprint(f, &app),
                rule: f.rule.code().to_owned(),
                severity: f.severity,
                message: f.message.clone(),
                sdk: f.sdk.clone(),
                data_type: f.data_type.clone(),
                permission: f.permission.clone(),
            })
            .collect();
        findings.sort_by(|a, b| (&a.rule, &a.fingerprint).cmp(&(&b.rule, &b.fingerprint)));
        BaselineFile {
            appaudit_baseline: BASELINE_VERSION,
            tool_version: report.tool.version.clone(),
            app,
            policy: report.policy_path.clone(),
            findings,
        }
    }

    /// Writes it as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| BaselineError::Write {
            path: path.to_owned(),
            source: std::io::Error::other(e),
        })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|source| BaselineError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

/// A baseline as read: fingerprints (with how often each was accepted) and the app path they were made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The file it was read from, as given.
    pub file: String,
    /// Which format it was.
    pub kind: BaselineKind,
    /// The app path the fingerprints were computed with; `None` when the file does not say
    /// (a SARIF log without results).
    pub app: Option<String>,
    /// Fingerprint → number of accepted findings with it.
    pub fingerprints: BTreeMap<String, usize>,
}

fn not_a_baseline(path: &Path, why: impl Into<String>) -> BaselineError {
    BaselineError::NotABaseline {
        path: path.to_owned(),
        why: why.into(),
    }
}

/// Decodes `%XX` escapes of a SARIF `uri` (the inverse of [`uri`] for what it escapes).
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Baseline {
    /// Reads a baseline file (appaudit baseline JSON or appaudit SARIF).
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let read_err = |source| BaselineError::Read {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(read_err)?.len();
        if size > MAX_BASELINE_BYTES {
            return Err(BaselineError::TooLarge {
                path: path.to_owned(),
                size,
                max: MAX_BASELINE_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        Baseline::parse(path, &bytes)
    }

    /// Parses baseline bytes; `path` names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|source| BaselineError::NotJson {
                path: path.to_owned(),
                source,
            })?;
        let Some(object) = value.as_object() else {
            return Err(not_a_baseline(
                path,
                "the top level is not a JSON object (expected an appaudit baseline or a SARIF log)",
            ));
        };
        if let Some(version) = object.get("appaudit_baseline") {
            let Some(v) = version.as_u64() else {
                return Err(not_a_baseline(
                    path,
                    "`appaudit_baseline` is not a version number",
                ));
            };
            if v != u64::from(BASELINE_VERSION) {
                return Err(BaselineError::Version {
                    path: path.to_owned(),
                    found: v,
                });
            }
            let file: BaselineFile = serde_json::from_value(value)
                .map_err(|e| not_a_baseline(path, format!("malformed appaudit baseline: {e}")))?;
            let mut fingerprints = BTreeMap::new();
            for entry in &file.findings {
                *fingerprints.entry(entry.fingerprint.clone()).or_insert(0) += 1;
            }
            return Ok(Baseline {
                file: path.display().to_string(),
                kind: BaselineKind::Appaudit,
                app: Some(file.app),
                fingerprints,
            });
        }
        if object.contains_key("runs") {
            return Baseline::from_sarif(path, object);
        }
        Err(not_a_baseline(
            path,
            "it has neither the `appaudit_baseline` key of an appaudit baseline nor the `runs` of a SARIF log",
        ))
    }

    fn from_sarif(
        path: &Path,
        log: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Baseline, BaselineError> {
        if log.get("version").and_then(|v| v.as_str()) != Some("2.1.0") {
            return Err(not_a_baseline(
                path,
                "a SARIF log must have \"version\": \"2.1.0\"",
            ));
        }
        let Some(runs) = log.get("runs").and_then(|r| r.as_array()) else {
            return Err(not_a_baseline(path, "SARIF `runs` is not an array"));
        };
        let mut fingerprints = BTreeMap::new();
        let mut app: Option<String> = None;
        let mut appaudit_runs = 0usize;
        for (r, run) in runs.iter().enumerate() {
            let driver = run
                .pointer("/tool/driver/name")
                .and_then(|n| n.as_str())
                .unwrap_or("");
            if driver != "appaudit" {
                continue;
            }
            appaudit_runs += 1;
            let results = match run.get("results") {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::Array(a)) => a,
                Some(_) => {
                    return Err(not_a_baseline(
                        path,
                        format!("SARIF runs[{r}].results is not an array"),
                    ));
                }
            };
            for (i, result) in results.iter().enumerate() {
                let Some(fp) = result
                    .pointer("/partialFingerprints/appauditFinding~1v1")
                    .and_then(|f| f.as_str())
                else {
                    return Err(not_a_baseline(
                        path,
                        format!(
                            "SARIF runs[{r}].results[{i}] has no partialFingerprints[\"appauditFinding/v1\"]"
                        ),
                    ));
                };
                *fingerprints.entry(fp.to_owned()).or_insert(0) += 1;
                if app.is_none()
                    && let Some(u) = result
                        .pointer("/locations/0/physicalLocation/artifactLocation/uri")
                        .and_then(|u| u.as_str())
                {
                    app = Some(percent_decode(u).ok_or_else(|| {
                        not_a_baseline(
                            path,
                            format!("SARIF runs[{r}].results[{i}] has a malformed artifact uri"),
                        )
                    })?);
                }
            }
        }
        if appaudit_runs == 0 {
            return Err(not_a_baseline(
                path,
                "the SARIF log has no run whose tool.driver.name is \"appaudit\"",
            ));
        }
        Ok(Baseline {
            file: path.display().to_string(),
            kind: BaselineKind::Sarif,
            app,
            fingerprints,
        })
    }
}

/// A finding the baseline hid.
#[derive(Debug, Clone, Serialize)]
pub struct BaselinedFinding {
    /// The fingerprint that matched.
    pub fingerprint: String,
    /// The finding.
    pub finding: Finding,
}

/// How a baseline was applied: part of the JSON report (`baseline`).
#[derive(Debug, Clone, Serialize)]
pub struct BaselineUse {
    /// The baseline file, as given.
    pub file: String,
    /// `appaudit` or `sarif`.
    pub kind: BaselineKind,
    /// Number of findings it hid.
    pub hidden: usize,
    /// Accepted fingerprints no finding of this run has any more (fixed since).
    pub resolved: usize,
    /// The app path the baseline's fingerprints were made with, when it differs from this run's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_path_differs: Option<String>,
    /// The hidden findings.
    pub findings: Vec<BaselinedFinding>,
}

/// Applies a baseline to a report: findings whose fingerprint the baseline accepted leave
/// `findings`, and the summary, verdict and notes are recomputed.
pub fn apply(report: &mut AuditReport, baseline: &Baseline) {
    let current = report.inventory.source.path.clone();
    // Fingerprints include the app path: match with the path the baseline was made with.
    let path_for_match = match &baseline.app {
        Some(p) if *p != current && uri(p) != uri(&current) => p.clone(),
        _ => current.clone(),
    };
    let mut remaining = baseline.fingerprints.clone();
    let mut kept = Vec::with_capacity(report.findings.len());
    let mut hidden = Vec::new();
    for f in std::mem::take(&mut report.findings) {
        let fp = fingerprint(&f, &path_for_match);
        match remaining.get_mut(&fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                hidden.push(BaselinedFinding {
                    fingerprint: fp,
                    finding: f,
                });
            }
            _ => kept.push(f),
        }
    }
    let resolved: usize = remaining.values().sum();
    report.findings = kept;
    let app_path_differs = (path_for_match != current).then_some(path_for_match);

    report.notes.push(format!(
        "baseline {} hid {} finding{} already accepted ({} fixed since)",
        baseline.file,
        hidden.len(),
        if hidden.len() == 1 { "" } else { "s" },
        resolved
    ));
    if let Some(old) = &app_path_differs {
        report.notes.push(format!(
            "baseline {} was made for the app path `{old}`, this run's is `{current}`; fingerprints include the path, so this run's were recomputed with the baseline's",
            baseline.file
        ));
    }
    if baseline.kind == BaselineKind::Sarif && baseline.app.is_none() {
        report.notes.push(format!(
            "baseline {} has no results, so it does not say which app path its fingerprints used",
            baseline.file
        ));
    }

    let waived = report.summary.waived;
    let mut summary = Summary {
        waived,
        ..Summary::default()
    };
    for f in &report.findings {
        match f.severity {
            Severity::High => summary.high += 1,
            Severity::Medium => summary.medium += 1,
            Severity::Low => summary.low += 1,
            Severity::Info => summary.info += 1,
        }
    }
    report.summary = summary;
    report.verdict = if report.findings.iter().any(|f| f.severity >= report.fail_on) {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    report.baseline = Some(BaselineUse {
        file: baseline.file.clone(),
        kind: baseline.kind,
        hidden: hidden.len(),
        resolved,
        app_path_differs,
        findings: hidden,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Baseline, BaselineError> {
        Baseline::parse(Path::new("base.json"), text.as_bytes())
    }

    #[test]
    fn percent_decoding_inverts_the_sarif_uri() {
        for p in ["samples/app demo.apk", "a/政策.aab", "x%y.apk", "plain.apk"] {
            assert_eq!(percent_decode(&uri(p)).as_deref(), Some(p));
        }
        assert_eq!(percent_decode("bad%4"), None);
        assert_eq!(percent_decode("bad%zz"), None);
    }

    #[test]
    fn files_that_are_not_baselines_are_refused_with_the_file_name() {
        let cases = [
            ("not json at all", "is not JSON"),
            ("[1, 2]", "top level is not a JSON object"),
            ("{\"a\": 1}", "neither the `appaudit_baseline` key"),
            ("{\"appaudit_baseline\": \"x\"}", "not a version number"),
            (
                "{\"appaudit_baseline\": 1, \"findings\": 3}",
                "malformed appaudit baseline",
            ),
            (
                "{\"version\": \"2.0.0\", \"runs\": []}",
                "version\": \"2.1.0",
            ),
            (
                "{\"version\": \"2.1.0\", \"runs\": {}}",
                "`runs` is not an array",
            ),
            (
                "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"semgrep\"}}}]}",
                "no run whose tool.driver.name is \"appaudit\"",
            ),
            (
                "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"appaudit\"}}, \"results\": [{}]}]}",
                "results[0] has no partialFingerprints",
            ),
        ];
        for (text, want) in cases {
            let err = parse(text).expect_err(text).to_string();
            assert!(err.contains("base.json"), "{err}");
            assert!(err.contains(want), "{text}: {err}");
        }
        let err = parse("{\"appaudit_baseline\": 7}").unwrap_err();
        assert!(
            matches!(err, BaselineError::Version { found: 7, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_sarif_log_gives_its_fingerprints_and_decoded_app_path() {
        let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "appaudit"}},
            "results": [
              {"partialFingerprints": {"appauditFinding/v1": "aa"},
               "locations": [{"physicalLocation": {"artifactLocation": {"uri": "out/my%20app.aab"}}}]},
              {"partialFingerprints": {"appauditFinding/v1": "aa"}},
              {"partialFingerprints": {"appauditFinding/v1": "bb"}}]}]}"#;
        let b = parse(text).unwrap();
        assert_eq!(b.kind, BaselineKind::Sarif);
        assert_eq!(b.app.as_deref(), Some("out/my app.aab"));
        assert_eq!(b.fingerprints.get("aa"), Some(&2));
        assert_eq!(b.fingerprints.get("bb"), Some(&1));
    }
}
