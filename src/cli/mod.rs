//! Command-line flags and the dispatch to the library. No analysis here.

pub mod audit;
pub mod declare;
pub mod policy;
pub mod progress;
pub mod signatures;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

pub use appaudit_report::error_lines;
use appaudit_report::{self as report, ScanFailure, ScanOutcome};
use appaudit_scan::{self as scan, Engine, ScanOptions};

/// Does what a mobile app collects match what its privacy policy says?
#[derive(Debug, Parser)]
#[command(name = "appaudit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory an app or SDK file: permissions, SDKs, native libraries, data access.
    Scan(ScanArgs),
    /// Read a privacy policy: declared data types, SDKs, permissions, structure.
    Policy(PolicyArgs),
    /// Internal: extract a PDF's text layer in a child process.
    #[command(name = "__extract-pdf", hide = true)]
    ExtractPdf {
        /// The PDF.
        path: PathBuf,
    },
    /// Audit an app against its privacy policy; exit 0 pass, 1 findings at or above --fail-on, 2 error.
    Audit(audit::AuditArgs),
    /// List every audit rule with its id, name and default severity.
    Rules(audit::RulesArgs),
    /// Explain one audit rule: what, why, an example and the regulations it serves.
    Explain(audit::ExplainArgs),
    /// Draft a store declaration from the app: Play Data safety (`--store play`) or an
    /// Apple privacy manifest (`--store apple`).
    Declare(declare::DeclareArgs),
    /// List SDKs, permissions and data types that appeared or vanished between two builds.
    Diff(audit::DiffArgs),
    /// Look inside the SDK database: stats, list, show ID, check DIR.
    Signatures(signatures::SignaturesArgs),
}

/// Flags shared by every command that opens apps.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Extra SDK signature directory (same schema as `sdk-signatures/`); repeatable.
    #[arg(long = "signatures", value_name = "DIR")]
    pub signatures: Vec<PathBuf>,
    /// Largest uncompressed size of one archive entry, in MiB.
    #[arg(long, value_name = "MIB")]
    pub max_entry_mib: Option<u64>,
    /// Most uncompressed bytes read from one archive in total, in MiB.
    #[arg(long, value_name = "MIB")]
    pub max_total_mib: Option<u64>,
    /// Most entries accepted in one archive.
    #[arg(long, value_name = "N")]
    pub max_entries: Option<usize>,
    /// Largest DEX or class file parsed, in MiB.
    #[arg(long, value_name = "MIB")]
    pub max_dex_mib: Option<u64>,
    /// Skip the bytecode pass: no data access or SDK usage, about twice as fast.
    #[arg(long)]
    pub skip_code_scan: bool,
    /// No progress bar (it is only drawn when standard error is a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl LimitArgs {
    /// The engine for these flags, reporting progress on a terminal unless `--quiet`;
    /// call `finish` on the returned bar when the scanning is over.
    pub fn engine(&self) -> anyhow::Result<(Engine, Option<std::sync::Arc<progress::Bar>>)> {
        self.engine_with(self.options()?)
    }

    /// [`engine`](Self::engine) with options adjusted by the caller.
    pub fn engine_with(
        &self,
        options: ScanOptions,
    ) -> anyhow::Result<(Engine, Option<std::sync::Arc<progress::Bar>>)> {
        let (events, bar) = progress::for_stderr(self.quiet);
        Ok((Engine::new(options)?.with_progress(events), bar))
    }

    fn options(&self) -> anyhow::Result<ScanOptions> {
        let mut options = ScanOptions::default();
        let mib = |v: u64, flag: &str| -> anyhow::Result<u64> {
            anyhow::ensure!(v > 0, "--{flag} must be at least 1");
            v.checked_mul(1 << 20)
                .with_context(|| format!("--{flag} is too large"))
        };
        if let Some(v) = self.max_entry_mib {
            options.limits.max_entry_size = mib(v, "max-entry-mib")?;
        }
        if let Some(v) = self.max_total_mib {
            options.limits.max_total_size = mib(v, "max-total-mib")?;
        }
        if let Some(v) = self.max_entries {
            anyhow::ensure!(v > 0, "--max-entries must be at least 1");
            options.limits.max_entries = v;
        }
        if let Some(v) = self.max_dex_mib {
            options.max_dex_size = Some(mib(v, "max-dex-mib")?);
        }
        options.extra_signature_dirs = self.signatures.clone();
        options.skip_code_scan = self.skip_code_scan;
        Ok(options)
    }
}

/// `appaudit scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// APK, XAPK/APKS/APKM, AAB, JAR, AAR, DEX, .so — or a folder of them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Limits and signatures.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `appaudit policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// The privacy policy: text, Markdown, HTML or PDF, in any common encoding.
    #[arg(value_name = "FILE")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Text)]
    pub format: PolicyFormat,
    /// Write the reading to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `scan` (the reporters' [`report::ScanFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// Human summary for a terminal.
    Text,
    /// One JSON object (or an array for a folder).
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl From<ScanFormat> for report::ScanFormat {
    fn from(format: ScanFormat) -> Self {
        match format {
            ScanFormat::Text => report::ScanFormat::Text,
            ScanFormat::Json => report::ScanFormat::Json,
            ScanFormat::Jsonl => report::ScanFormat::Jsonl,
        }
    }
}

/// Output formats of `policy` (the reporters' [`report::policy::PolicyFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyFormat {
    /// Human-readable, with quote, section and line for each item.
    Text,
    /// The documented JSON contract.
    Json,
}

impl From<PolicyFormat> for report::policy::PolicyFormat {
    fn from(format: PolicyFormat) -> Self {
        match format {
            PolicyFormat::Text => report::policy::PolicyFormat::Text,
            PolicyFormat::Json => report::policy::PolicyFormat::Json,
        }
    }
}

fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Runs a parsed command line; the exit code says how it went.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Policy(args) => run_policy(args),
        Command::ExtractPdf { path } => {
            policy::extract_pdf_to_stdout(&path).map(|()| ExitCode::SUCCESS)
        }
        Command::Audit(args) => audit::run_audit(args),
        Command::Rules(args) => audit::run_rules(args),
        Command::Explain(args) => audit::run_explain(args),
        Command::Diff(args) => audit::run_diff(args),
        Command::Declare(args) => declare::run_declare(args),
        Command::Signatures(args) => signatures::run_signatures(args),
    }
}

fn run_scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let (engine, bar) = args.limits.engine()?;
    let mut inputs = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let found = scan::collect_inputs(path)
                .with_context(|| format!("{}: cannot list folder", path.display()))?;
            inputs.extend(found);
        } else {
            inputs.push(path.clone());
        }
    }
    anyhow::ensure!(
        !inputs.is_empty(),
        "no app or SDK files found in {:?}",
        args.paths
    );
    let outcomes: Vec<ScanOutcome> = engine
        .scan_all(&inputs)
        .into_iter()
        .zip(&inputs)
        .map(|(result, p)| match result {
            Ok(inv) => ScanOutcome::Scanned(Box::new(inv)),
            Err(e) => ScanOutcome::Failed(ScanFailure {
                path: p.display().to_string(),
                error: error_lines(&e).join(": "),
            }),
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish();
    }
    let failures: Vec<&ScanFailure> = outcomes
        .iter()
        .filter_map(|o| match o {
            ScanOutcome::Failed(f) => Some(f),
            ScanOutcome::Scanned(_) => None,
        })
        .collect();
    let reporter = report::scan_reporter(args.format.into(), args.output.is_none() && use_color());
    write_output(args.output.as_deref(), |out| reporter.write(out, &outcomes))?;
    // Failures also go to stderr so JSON on stdout stays parseable and scripts see them;
    // the text report of several files lists them in its closing summary instead.
    let summarised = args.format == ScanFormat::Text && outcomes.len() > 1 && args.output.is_none();
    if !summarised {
        let mut err = std::io::stderr().lock();
        for f in &failures {
            writeln!(err, "appaudit: error: {}", f.error)?;
        }
        if inputs.len() > 1 {
            writeln!(
                err,
                "appaudit: scanned {} of {} files, {} failed",
                outcomes.len() - failures.len(),
                inputs.len(),
                failures.len()
            )?;
        }
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Runs `write` against `-o FILE` when given, else standard output; flushes either.
fn write_output(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

fn run_policy(args: PolicyArgs) -> anyhow::Result<ExitCode> {
    let reading = policy::read(&args.path)?;
    let reporter = report::policy::policy_reporter(args.format.into());
    write_output(args.output.as_deref(), |out| reporter.write(out, &reading))?;
    Ok(ExitCode::SUCCESS)
}
