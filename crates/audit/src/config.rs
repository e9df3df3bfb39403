//! `appaudit.toml`: the gate, severity overrides, extra signature folders and waivers.
//!
//! ```toml
//! fail_on = "medium"                 # info | low | medium | high
//! signatures = ["sdk-signatures-extra"]
//!
//! [severity]                         # by rule id or name
//! AA103 = "info"
//! sdk-not-found = "low"
//!
//! [[waiver]]
//! rule = "AA101"                     # id or name
//! sdk = "tencent-bugly"              # optional: only this SDK
//! data_type = "android_id"           # optional: only this data type
//! permission = "android.permission.CAMERA"  # optional
//! reason = "Bugly is listed on the web SDK page, linked from the policy"
//! expires = "2027-03-31"             # optional; from that day the waiver no longer applies
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Finding, Severity};
use crate::rules::RuleId;

/// File name looked up in the working directory.
pub const CONFIG_FILE_NAME: &str = "appaudit.toml";

/// Config files larger than this are refused (a real one is a few KB).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than 1 MiB.
    #[error("{}: {len} bytes is too large for a configuration file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        len: u64,
    },
    /// Not valid TOML or not the expected shape.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is not allowed (unknown rule, severity or malformed date).
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong and where.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    fail_on: Option<String>,
    #[serde(default)]
    signatures: Vec<PathBuf>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    sdk: Option<String>,
    data_type: Option<String>,
    permission: Option<String>,
    reason: String,
    expires: Option<String>,
}

/// A calendar date (`YYYY-MM-DD`), compared as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: u32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: u32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
            .then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch(secs / 86_400)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: u64) -> Date {
        let z = i64::try_from(days).unwrap_or(0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u32::try_from(year).unwrap_or(0),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An accepted risk: findings of `rule` (optionally only for one SDK / data type / permission) are not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The rule it silences.
    pub rule: RuleId,
    /// Only findings about this SDK.
    pub sdk: Option<String>,
    /// Only findings about this data type.
    pub data_type: Option<String>,
    /// Only findings about this permission.
    pub permission: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// From this day on the waiver no longer applies.
    pub expires: Option<Date>,
}

impl Waiver {
    /// Whether the waiver covers the finding (ignoring expiry).
    pub fn matches(&self, finding: &Finding) -> bool {
        let field = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| have.as_ref() == Some(w))
        };
        self.rule == finding.rule
            && field(&self.sdk, &finding.sdk)
            && field(&self.data_type, &finding.data_type)
            && field(&self.permission, &finding.permission)
    }

    /// Whether it has expired on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|e| today >= e)
    }

    /// A short description (`AA101 sdk=tencent-bugly`).
    pub fn describe(&self) -> String {
        let mut text = self.rule.code().to_owned();
        for (k, v) in [
            ("sdk", &self.sdk),
            ("data_type", &self.data_type),
            ("permission", &self.permission),
        ] {
            if let Some(v) = v {
                text.push_str(&format!(" {k}={v}"));
            }
        }
        text
    }
}

/// The validated configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The gate (`None`: the command line or the default decides).
    pub fail_on: Option<Severity>,
    /// Extra SDK signature folders, resolved against the config file's folder.
    pub signatures: Vec<PathBuf>,
    /// Severity overrides per rule.
    pub severity: BTreeMap<RuleId, Severity>,
    /// Waivers, in file order.
    pub waivers: Vec<Waiver>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let meta = std::fs::metadata(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge {
                path: path.to_owned(),
                len: meta.len(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Config::parse(&path.display().to_string(), &text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.signatures = config
            .signatures
            .into_iter()
            .map(|p| if p.is_absolute() { p } else { base.join(p) })
            .collect();
        Ok(config)
    }

    /// The config in the working directory, if there is one.
    pub fn discover(dir: &Path) -> Result<Option<Config>, ConfigError> {
        let path = dir.join(CONFIG_FILE_NAME);
        if path.is_file() {
            Config::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Parses config text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            file: file.to_owned(),
            message,
        };
        let severity_of = |text: &str, what: &str| {
            Severity::parse(text).ok_or_else(|| {
                invalid(format!(
                    "{what}: `{text}` is not a severity (info, low, medium, high)"
                ))
            })
        };
        let fail_on = raw
            .fail_on
            .as_deref()
            .map(|s| severity_of(s, "fail_on"))
            .transpose()?;
        let mut severity = BTreeMap::new();
        for (rule, level) in &raw.severity {
            let id = RuleId::parse(rule).ok_or_else(|| {
                invalid(format!(
                    "[severity]: unknown rule `{rule}` (see `appaudit rules`)"
                ))
            })?;
            severity.insert(id, severity_of(level, &format!("[severity] {rule}"))?);
        }
        let mut waivers = Vec::new();
        for (i, w) in raw.waiver.into_iter().enumerate() {
            let n = i + 1;
            let rule = RuleId::parse(&w.rule)
                .ok_or_else(|| invalid(format!("waiver #{n}: unknown rule `{}`", w.rule)))?;
            if w.reason.trim().is_empty() {
                return Err(invalid(format!(
                    "waiver #{n} ({}): `reason` must say why the risk is accepted",
                    w.rule
                )));
            }
            let expires = match w.expires.as_deref() {
                None => None,
                Some(text) => Some(Date::parse(text).ok_or_else(|| {
                    invalid(format!(
                        "waiver #{n}: expires `{text}` is not a YYYY-MM-DD date"
                    ))
                })?),
            };
            waivers.push(Waiver {
                rule,
                sdk: w.sdk,
                data_type: w.data_type,
                permission: w.permission,
                reason: w.reason,
                expires,
            });
        }
        Ok(Config {
            fail_on,
            signatures: raw.signatures,
            severity,
            waivers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let text = r#"
fail_on = "high"
signatures = ["extra"]
[severity]
AA103 = "info"
sdk-not-found = "low"
[[waiver]]
rule = "sdk-undisclosed"
sdk = "tencent-bugly"
reason = "listed on the linked SDK page"
expires = "2027-03-31"
"#;
        let c = Config::parse("t.toml", text).unwrap();
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.severity.get(&RuleId::DataVague), Some(&Severity::Info));
        assert_eq!(c.severity.get(&RuleId::SdkNotFound), Some(&Severity::Low));
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].rule, RuleId::SdkUndisclosed);
        assert_eq!(
            c.waivers[0].expires,
            Some(Date {
                year: 2027,
                month: 3,
                day: 31
            })
        );
    }

    #[test]
    fn rejects_bad_values_with_a_message_naming_them() {
        let cases = [
            ("fail_on = \"severe\"", "severe"),
            ("[severity]\nAA999 = \"low\"", "AA999"),
            ("[[waiver]]\nrule = \"AA101\"\nreason = \" \"", "reason"),
            (
                "[[waiver]]\nrule = \"AA101\"\nreason = \"x\"\nexpires = \"31/03/2027\"",
                "31/03/2027",
            ),
            ("unknown_key = 1", "unknown"),
            ("fail_on = ", "t.toml"),
        ];
        for (text, needle) in cases {
            let err = Config::parse("t.toml", text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn dates_from_the_epoch_match_known_calendar_days() {
        // Known values: `date -u -d @0` and `date -u -d @1767225600` (2026-01-01), 951782400 (2000-02-29).
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(1_767_225_600 / 86_400).to_string(),
            "2026-01-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(951_782_400 / 86_400).to_string(),
            "2000-02-29"
        );
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("2026-01-01").unwrap() < Date::parse("2026-01-02").unwrap());
    }

    #[test]
    fn waiver_expiry_is_inclusive_of_the_expiry_day() {
        let w = Waiver {
            rule: RuleId::SdkUndisclosed,
            sdk: None,
            data_type: None,
            permission: None,
            reason: "r".into(),
            expires: Date::parse("2026-05-01"),
        };
        assert!(!w.expired(Date::parse("2026-04-30").unwrap()));
        assert!(w.expired(Date::parse("2026-05-01").unwrap()));
    }
}
