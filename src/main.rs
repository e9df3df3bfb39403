//! The `appaudit` command line: parse flags, build a validated config, call the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = appaudit::cli::Cli::parse();
    match appaudit::cli::run(cli) {
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
                appaudit::cli::error_lines(err.as_ref()).join("\n  caused by: ")
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{message}");
            }
            ExitCode::from(2)
        }
    }
}
