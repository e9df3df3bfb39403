//! `appaudit signatures stats | list | show ID | check DIR`: look inside the SDK database.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use appaudit_sdk::{RuleKind, SignatureDb};
use clap::{Args, Subcommand};

/// `appaudit signatures`.
#[derive(Debug, Args)]
pub struct SignaturesArgs {
    /// What to show.
    #[command(subcommand)]
    pub command: SignaturesCommand,
    /// Extra signature directory loaded over the built-in database; repeatable.
    #[arg(long = "signatures", value_name = "DIR", global = true)]
    pub signatures: Vec<PathBuf>,
}

/// The `signatures` subcommands.
#[derive(Debug, Subcommand)]
pub enum SignaturesCommand {
    /// Counts: entries and rules, by market, category, rule kind and source.
    Stats {
        /// Print JSON (`entries`, `rules`, `by_market`, `by_category`, …).
        #[arg(long)]
        json: bool,
    },
    /// One line per entry: id, market, category, name.
    List {
        /// Only this market (`cn`, `global`).
        #[arg(long)]
        market: Option<String>,
        /// Only this category (`push`, `ads` …).
        #[arg(long)]
        category: Option<String>,
    },
    /// One entry with every rule and its source.
    Show {
        /// The entry's id (`jpush`).
        id: String,
    },
    /// Validate a directory of signature files against the schema and the built-in database.
    Check {
        /// The directory.
        dir: PathBuf,
    },
}

fn load(extra: &[PathBuf]) -> anyhow::Result<SignatureDb> {
    let mut db = SignatureDb::builtin().context("built-in signatures")?;
    for dir in extra {
        let user = SignatureDb::load_dir(dir)
            .with_context(|| format!("signature directory {}", dir.display()))?;
        db.merge(user)
            .with_context(|| format!("signature directory {}", dir.display()))?;
    }
    Ok(db)
}

fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

/// Runs `appaudit signatures …`.
pub fn run_signatures(args: SignaturesArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.command {
        SignaturesCommand::Stats { json } => {
            let stats = load(&args.signatures)?.stats();
            if json {
                serde_json::to_writer_pretty(&mut out, &stats)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{} entries ({} imported from public lists), {} rules, {} with vendor-stated data types",
                    stats.entries, stats.generated_entries, stats.rules, stats.with_data_types
                )?;
                for (title, counts) in [
                    ("by market", &stats.by_market),
                    ("by category", &stats.by_category),
                    ("rules by kind", &stats.rules_by_kind),
                    ("rules by source", &stats.rules_by_source),
                ] {
                    writeln!(out, "{title}:")?;
                    let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
                    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    for (key, n) in rows {
                        writeln!(out, "  {n:>6}  {key}")?;
                    }
                }
            }
        }
        SignaturesCommand::List { market, category } => {
            let db = load(&args.signatures)?;
            for sdk in db.sdks() {
                let (m, c) = (name_of(&sdk.market), name_of(&sdk.category));
                if market.as_ref().is_some_and(|x| *x != m)
                    || category.as_ref().is_some_and(|x| *x != c)
                {
                    continue;
                }
                writeln!(out, "{:<40} {:<6} {:<16} {}", sdk.id, m, c, sdk.name)?;
            }
        }
        SignaturesCommand::Show { id } => {
            let db = load(&args.signatures)?;
            let index = db.index_of(&id).with_context(|| {
                format!("no SDK with id `{id}`; `appaudit signatures list` lists them")
            })?;
            let sdk = &db.sdks()[index];
            writeln!(out, "{} — {}", sdk.id, sdk.name)?;
            if let Some(zh) = &sdk.name_zh {
                writeln!(out, "  name_zh:  {zh}")?;
            }
            writeln!(
                out,
                "  vendor:   {}{}",
                sdk.vendor,
                sdk.vendor_zh
                    .as_deref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            )?;
            writeln!(
                out,
                "  market:   {}   category: {}",
                name_of(&sdk.market),
                name_of(&sdk.category)
            )?;
            if let Some(parent) = &sdk.parent {
                writeln!(out, "  parent:   {parent}")?;
            }
            if !sdk.aliases.is_empty() {
                writeln!(out, "  aliases:  {}", sdk.aliases.join(", "))?;
            }
            for (label, value) in [
                ("homepage", &sdk.homepage),
                ("privacy", &sdk.privacy_policy),
            ] {
                if let Some(v) = value {
                    writeln!(out, "  {label}: {v}")?;
                }
            }
            if !sdk.data_types.is_empty() {
                writeln!(
                    out,
                    "  collects (vendor-stated): {}",
                    sdk.data_types.join(", ")
                )?;
                if let Some(source) = &sdk.data_types_source {
                    writeln!(out, "    source: {source}")?;
                }
            }
            writeln!(out, "  file:     {}", db.origin(index).unwrap_or("?"))?;
            writeln!(out, "  rules:")?;
            for kind in RuleKind::ALL {
                for rule in sdk.rules.of(kind) {
                    writeln!(
                        out,
                        "    {:<20} {:<50} {}",
                        kind.key(),
                        rule.pattern,
                        sdk.rule_source(rule).unwrap_or("?")
                    )?;
                }
            }
        }
        SignaturesCommand::Check { dir } => {
            let user = SignatureDb::load_dir(&dir)
                .with_context(|| format!("signature directory {}", dir.display()))?;
            let added = user.sdks().len();
            let rules = user.stats().rules;
            let mut db = SignatureDb::builtin().context("built-in signatures")?;
            db.merge(user).with_context(|| {
                format!(
                    "signature directory {} against the built-in database",
                    dir.display()
                )
            })?;
            writeln!(
                out,
                "{}: {added} entries, {rules} rules, valid",
                dir.display()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
