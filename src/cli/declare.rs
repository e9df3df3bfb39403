//! `appaudit declare`: flags and dispatch only; the drafting is in `appaudit_audit::declare`.
//!
//! Exit codes: 0 the draft was written, 2 it could not be (not an app of the store's
//! platform, unreadable file).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use appaudit_audit::declare;
use clap::Args;

use super::LimitArgs;

/// The store to draft for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Store {
    /// Google Play's Data safety form (Android app).
    Play,
    /// Apple's privacy manifest, `PrivacyInfo.xcprivacy` (iOS app).
    Apple,
}

/// Output formats of `declare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeclareFormat {
    /// The draft with its evidence as JSON (either store).
    Json,
    /// One row per Data safety data type (`--store play`).
    Csv,
    /// `PrivacyInfo.xcprivacy` plist XML (`--store apple`).
    Plist,
}

/// `appaudit declare`.
#[derive(Debug, Args)]
pub struct DeclareArgs {
    /// The app: APK, XAPK/APKS/APKM or AAB for Play; IPA or .app for Apple.
    #[arg(value_name = "APP")]
    pub app: PathBuf,
    /// Which store's declaration to draft.
    #[arg(long, value_enum)]
    pub store: Store,
    /// Output format [default: json for play, plist for apple].
    #[arg(long, value_enum)]
    pub format: Option<DeclareFormat>,
    /// Write the draft to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Limits and signatures.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Runs `appaudit declare`.
pub fn run_declare(args: DeclareArgs) -> anyhow::Result<ExitCode> {
    let format = args.format.unwrap_or(match args.store {
        Store::Play => DeclareFormat::Json,
        Store::Apple => DeclareFormat::Plist,
    });
    match (args.store, format) {
        (Store::Play, DeclareFormat::Plist) => {
            anyhow::bail!("--format plist is for --store apple; use json or csv")
        }
        (Store::Apple, DeclareFormat::Csv) => {
            anyhow::bail!("--format csv is for --store play; use plist or json")
        }
        _ => {}
    }
    let (engine, bar) = args.limits.engine()?;
    let inventory = engine.scan_path(&args.app);
    if let Some(bar) = bar {
        bar.finish();
    }
    let inventory = inventory.with_context(|| format!("scanning {}", args.app.display()))?;
    let text = match args.store {
        Store::Play => {
            let decl = declare::draft_play(&inventory, engine.taxonomy(), engine.signatures())?;
            match format {
                DeclareFormat::Csv => declare::render_play_csv(&decl),
                _ => serde_json::to_string_pretty(&decl)? + "\n",
            }
        }
        Store::Apple => {
            let decl = declare::draft_apple(&inventory, engine.taxonomy(), engine.signatures())?;
            match format {
                DeclareFormat::Json => serde_json::to_string_pretty(&decl)? + "\n",
                _ => declare::render_xcprivacy(&decl),
            }
        }
    };
    super::write_output(args.output.as_deref(), |out: &mut dyn Write| {
        out.write_all(text.as_bytes())
    })?;
    Ok(ExitCode::SUCCESS)
}
