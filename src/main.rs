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
            let mut message = format!("appaudit: error: {err}");
            // Error types that print their source inside their own text (thiserror's
            // `{source}`) would show each cause twice; a cause already said is left out.
            for cause in err.chain().skip(1) {
                let cause = cause.to_string();
                if !message.contains(&cause) {
                    message.push_str(&format!("\n  caused by: {cause}"));
                }
            }
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{message}");
            }
            ExitCode::from(2)
        }
    }
}
