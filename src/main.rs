//! The `appaudit` command line: parse flags, build a validated config, call the library
//! crates.
//!
//! The pipeline reads left to right: archive → extract (manifest, DEX, class files, native
//! libraries) → inventory (`appaudit-scan`, `appaudit_model::Inventory`) → policy
//! (`appaudit-policy`) → compare (`appaudit-audit`) → report (`appaudit-report`). Each step
//! takes and returns plain data; nothing prints except the reporters, which the CLI calls.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`appaudit scan x.apk | head`) is not a failure.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let message = format!(
                "appaudit: error: {}",
                cli::error_lines(err.as_ref()).join("\n  caused by: ")
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{message}");
            }
            ExitCode::from(2)
        }
    }
}
