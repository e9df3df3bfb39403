//! Prints the facts of an iOS input (directory or file) as JSON: `cargo run -p appaudit-ios
//! --example ios_facts -- PATH`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: ios_facts PATH")?;
    let started = std::time::Instant::now();
    let source = appaudit_ios::DirSource::new(&path)?;
    let facts = appaudit_ios::IosBundleFacts::scan(&source);
    let gaps = appaudit_ios::required_reason_gaps(&facts);
    eprintln!("scanned in {:?}", started.elapsed());
    let json = serde_json::json!({ "facts": facts, "required_reason_gaps": gaps });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}
