//! Prints a decoded document (JSON) and the manifest model: `cargo run --example axml_dump FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: axml_dump FILE");
    let data = std::fs::read(&path).expect("read file");
    match appaudit_axml::parse_manifest(&data) {
        Ok((manifest, doc)) => {
            for w in &doc.warnings {
                eprintln!("warning: {w}");
            }
            println!("{}", serde_json::to_string_pretty(&manifest).expect("json"));
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
