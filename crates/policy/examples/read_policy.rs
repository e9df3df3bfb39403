//! Reads a policy and prints what was found: `cargo run -p appaudit-policy --example read_policy -- FILE [--json]`.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: read_policy FILE [--json]");
        std::process::exit(2);
    };
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin()?;
    let lexicon = match args
        .iter()
        .position(|a| a == "--sdks")
        .and_then(|i| args.get(i + 1))
    {
        Some(list) => {
            #[derive(serde::Deserialize)]
            struct List {
                sdk: Vec<appaudit_policy::KnownSdk>,
            }
            let list: List = toml::from_str(&std::fs::read_to_string(list)?)?;
            appaudit_policy::Lexicon::with_sdks(&taxonomy, list.sdk)?
        }
        None => appaudit_policy::Lexicon::new(&taxonomy, &appaudit_sdk::SignatureDb::builtin()?)?,
    };
    let started = std::time::Instant::now();
    let reading = appaudit_policy::read_policy_file(Path::new(path), &lexicon)?;
    let elapsed = started.elapsed();
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&reading)?);
    } else {
        let text = appaudit_report::policy::text::TextReporter;
        print!("{}", appaudit_report::render(&text, &reading)?);
    }
    eprintln!("read in {elapsed:?}");
    Ok(())
}
