//! `appaudit audit`, `rules`, `explain` and `diff`: flags and dispatch only; the logic is in `appaudit-audit`.
//!
//! Exit codes (the CI gate): 0 no finding at or above `--fail-on`, 1 findings at or above it,
//! 2 the audit could not run (bad input, unreadable file, bad configuration).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use appaudit_audit::{AuditOptions, Config, Knowledge, Profile, Severity, Verdict};
use appaudit_report::audit::{self as report, Format};
use appaudit_report::diff::{DiffFormat, diff_reporter};
use clap::Args;

use super::LimitArgs;

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Grouped findings for a terminal, with a verdict line.
    Terminal,
    /// The versioned JSON contract: inventory, policy reading, verdict, findings.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// GitLab Code Quality JSON (the `codequality` report of a job).
    Gitlab,
    /// JUnit XML: one test case per rule, failures at or above --fail-on.
    Junit,
}

impl From<AuditFormat> for Format {
    fn from(f: AuditFormat) -> Format {
        match f {
            AuditFormat::Terminal => Format::Terminal,
            AuditFormat::Json => Format::Json,
            AuditFormat::Sarif => Format::Sarif,
            AuditFormat::Markdown => Format::Markdown,
            AuditFormat::Html => Format::Html,
            AuditFormat::Gitlab => Format::Gitlab,
            AuditFormat::Junit => Format::Junit,
        }
    }
}

/// Severity names for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any finding fails.
    Info,
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High only.
    High,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Severity {
        match f {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
        }
    }
}

/// Rule profiles for `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// Chinese regulators (认定方法, GB/T 35273, GB/T 41391, TC260 guides).
    Cn,
    /// Apple App Store review.
    Apple,
    /// Google Play policies and Data safety.
    Play,
    /// Every rule.
    All,
}

impl ProfileArg {
    fn profile(self) -> Option<Profile> {
        match self {
            ProfileArg::Cn => Some(Profile::Cn),
            ProfileArg::Apple => Some(Profile::Apple),
            ProfileArg::Play => Some(Profile::Play),
            ProfileArg::All => None,
        }
    }
}

/// `appaudit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The app: APK, XAPK/APKS/APKM, AAB, AAR, JAR or IPA.
    #[arg(value_name = "APP")]
    pub app: PathBuf,
    /// Its privacy policy (text, Markdown, HTML, PDF or DOCX). Repeat it for a policy
    /// published as several documents (`--policy main.html --policy sdk-list.md`): they are
    /// read as one policy and each quote names its file.
    #[arg(long, value_name = "FILE", required_unless_present = "declared")]
    pub policy: Vec<PathBuf>,
    /// A store declaration to compare with the app: a Google Play Data safety CSV (the columns
    /// `declare --store play --format csv` writes) or a `PrivacyInfo.xcprivacy` (rules AA301–AA304).
    #[arg(long, value_name = "FILE")]
    pub declared: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Terminal)]
    pub format: AuditFormat,
    /// Run only the rules of this profile (`appaudit rules` shows each rule's profiles).
    #[arg(long, value_enum, default_value_t = ProfileArg::All)]
    pub profile: ProfileArg,
    /// The app's service type under 常见类型App必要个人信息范围规定 第五条: a slug (`utility_tools`,
    /// `map_navigation`) or the Chinese name (`实用工具`, `地图导航类`). Enables AA117 (CN-N01):
    /// reads beyond the type's necessary personal information.
    #[arg(long, value_name = "TYPE")]
    pub app_type: Option<String>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) on findings at or above this severity [default: the config's `fail_on`, else high].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file [default: ./appaudit.toml when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Accepted findings: an appaudit baseline (--write-baseline) or an appaudit SARIF log;
    /// only findings not in it are reported and gate the exit code.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every finding of this run (before --baseline hides any) as a baseline to FILE;
    /// the run then exits 0 unless the audit could not run.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Limits and signatures.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `appaudit rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the rule table as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only the rules of this profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::All)]
    pub profile: ProfileArg,
}

/// `appaudit explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id (`AA101`) or name (`sdk-undisclosed`).
    #[arg(value_name = "RULE")]
    pub rule: String,
}

/// `appaudit diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old build.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new build.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Limits and signatures.
    #[command(flatten)]
    pub limits: LimitArgs,
}

fn load_config(explicit: Option<&Path>) -> anyhow::Result<Option<Config>> {
    match explicit {
        Some(path) => Ok(Some(Config::load(path)?)),
        None => {
            let cwd = std::env::current_dir().context("cannot determine the working directory")?;
            Ok(Config::discover(&cwd)?)
        }
    }
}

/// Runs `appaudit audit`.
pub fn run_audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    // An unknown service type is an input error: refuse before the scan.
    let app_type = args.app_type.as_deref().map(parse_app_type).transpose()?;
    let config = load_config(args.config.as_deref())?;
    // A bad baseline is an input error: refuse before the (slower) scan.
    let baseline = args
        .baseline
        .as_deref()
        .map(appaudit_audit::baseline::Baseline::load)
        .transpose()?;
    let mut scan_options = args.limits.options()?;
    if let Some(c) = &config {
        scan_options
            .extra_signature_dirs
            .extend(c.signatures.iter().cloned());
    }
    let (engine, bar) = args.limits.engine_with(scan_options)?;
    // A declaration that does not parse is refused before the scan.
    let declared = args
        .declared
        .as_deref()
        .map(|p| appaudit_audit::declared::DeclaredFile::load(p, engine.taxonomy()))
        .transpose()?;
    let inventory = engine.scan_path(&args.app);
    if let Some(bar) = bar {
        bar.finish();
    }
    let inventory = inventory.with_context(|| format!("scanning {}", args.app.display()))?;
    // PDFs are read in a child process (see `super::policy`).
    let policy = if args.policy.is_empty() {
        None
    } else {
        let lexicon = appaudit_policy::Lexicon::new(engine.taxonomy(), engine.signatures())?;
        Some(super::policy::read_all(&args.policy, &lexicon)?)
    };

    let mut options = AuditOptions {
        policy_path: args
            .policy
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: args.profile.profile(),
        app_type,
        ..AuditOptions::default()
    };
    if let Some(c) = &config {
        options.apply_config(c, args.fail_on.is_some());
    }
    if let Some(f) = args.fail_on {
        options.fail_on = f.into();
    }
    let knowledge = Knowledge {
        taxonomy: engine.taxonomy(),
        signatures: engine.signatures(),
    };
    let mut audit = match (&declared, &policy) {
        (Some(d), p) => {
            appaudit_audit::audit_declared(&inventory, p.as_ref(), d, knowledge, &options)?
        }
        (None, Some(p)) => appaudit_audit::audit(&inventory, p, knowledge, &options),
        (None, None) => anyhow::bail!("audit needs --policy FILE or --declared FILE"),
    };
    if let Some(path) = &args.write_baseline {
        let file = appaudit_audit::baseline::BaselineFile::from_report(&audit);
        file.write(path)?;
        writeln!(
            std::io::stderr(),
            "appaudit: baseline of {} finding{} written to {}",
            file.findings.len(),
            if file.findings.len() == 1 { "" } else { "s" },
            path.display()
        )?;
    }
    if let Some(b) = &baseline {
        appaudit_audit::baseline::apply(&mut audit, b);
    }

    let reporter = report::reporter(
        args.format.into(),
        args.output.is_none() && super::use_color(),
    );
    super::write_output(args.output.as_deref(), |out| reporter.write(out, &audit))?;
    if let Some(path) = &args.output {
        // Keep the verdict visible in CI logs when the report goes to a file.
        writeln!(
            std::io::stderr(),
            "appaudit: {} — {} high, {} medium, {} low, {} info{}; report written to {}",
            match audit.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
            },
            audit.summary.high,
            audit.summary.medium,
            audit.summary.low,
            audit.summary.info,
            audit
                .baseline
                .as_ref()
                .map(|b| format!(", {} hidden by baseline {}", b.hidden, b.file))
                .unwrap_or_default(),
            path.display()
        )?;
    }
    if args.write_baseline.is_some() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(match audit.verdict {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Fail => ExitCode::from(1),
    })
}

/// `--app-type`: a slug or Chinese name of the 39 service types, else an error listing them all.
fn parse_app_type(text: &str) -> anyhow::Result<&'static appaudit_audit::ServiceType> {
    if let Some(t) = appaudit_audit::ServiceType::lookup(text) {
        return Ok(t);
    }
    let valid: Vec<String> = appaudit_audit::rules::service_types()
        .iter()
        .map(|t| format!("  {:>2} {:<22} {}", t.number, t.id, t.zh))
        .collect();
    anyhow::bail!(
        "unknown --app-type {text:?}; valid service types (常见类型App必要个人信息范围规定 第五条), by slug or Chinese name:\n{}",
        valid.join("\n")
    )
}

/// Runs `appaudit rules`.
pub fn run_rules(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let profile = args.profile.profile();
    let rules: Vec<_> = appaudit_audit::rules::catalogue()
        .iter()
        .filter(|r| r.in_profile(profile))
        .collect();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rules)?;
        out.write_all(b"\n")?;
    } else {
        for info in rules {
            let profiles: Vec<&str> = info.profiles.iter().map(|p| p.as_str()).collect();
            let covers = if info.cn_rules.is_empty() {
                "-".to_owned()
            } else {
                info.cn_rules.join(",")
            };
            writeln!(
                out,
                "{}  {:<30} {:<7} {:<14} {:<20} {}{}",
                info.id,
                info.name,
                info.default_severity.as_str(),
                profiles.join(","),
                covers,
                if info.dynamic {
                    "[needs dynamic analysis] ".to_owned()
                } else if let Some(flag) = &info.needs_flag {
                    format!("[needs {flag}] ")
                } else {
                    String::new()
                },
                info.what
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `appaudit explain RULE`: exit 2 naming the id when no rule has it.
pub fn run_explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let rule = appaudit_audit::rules::lookup(&args.rule)
        .with_context(|| format!("unknown rule `{}`; `appaudit rules` lists them", args.rule))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(appaudit_audit::rules::explain(rule).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `appaudit diff OLD NEW`.
pub fn run_diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let (engine, bar) = args.limits.engine()?;
    let old = engine.scan_path(&args.old);
    let new = engine.scan_path(&args.new);
    if let Some(bar) = bar {
        bar.finish();
    }
    let old = old.with_context(|| format!("scanning {}", args.old.display()))?;
    let new = new.with_context(|| format!("scanning {}", args.new.display()))?;
    let d = appaudit_audit::diff::diff(&old, &new);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let format = if args.json {
        DiffFormat::Json
    } else {
        DiffFormat::Text
    };
    diff_reporter(format).write(&mut out, &d)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
