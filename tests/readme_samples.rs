//! The README's sample outputs are the binary's: every shown line of each sample block
//! (a fenced block that starts with `$ appaudit …`) must appear, in order, in what that
//! command prints today. `…` marks lines left out. So the README cannot drift again.

mod common;

use common::{appaudit, repo};

/// One sample: the command's arguments and the lines shown for it.
struct Sample {
    args: Vec<String>,
    shown: Vec<String>,
}

fn readme_samples() -> Vec<Sample> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut samples = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line != "```" {
            continue;
        }
        let mut block: Vec<&str> = Vec::new();
        for inner in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            block.push(inner);
        }
        let Some(command) = block.first().and_then(|l| l.strip_prefix("$ appaudit ")) else {
            continue;
        };
        samples.push(Sample {
            args: command.split_whitespace().map(str::to_owned).collect(),
            shown: block[1..].iter().map(|l| l.trim_end().to_owned()).collect(),
        });
    }
    samples
}

/// The first shown line (skipping `…`) that `printed` lacks at or after the previous match.
fn first_missing<'a>(shown: &'a [String], printed: &str) -> Option<&'a str> {
    let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
    let mut at = 0;
    for line in shown.iter().filter(|l| l.trim() != "…") {
        match printed[at..].iter().position(|p| p == line) {
            Some(offset) => at += offset + 1,
            None => return Some(line),
        }
    }
    None
}

#[test]
fn readme_sample_outputs_match_the_binary() {
    let samples = readme_samples();
    assert!(
        samples.len() >= 2,
        "the README shows a scan and an audit sample"
    );
    for sample in samples {
        let args: Vec<&str> = sample.args.iter().map(String::as_str).collect();
        let (_, stdout, stderr) = appaudit(&args);
        if let Some(line) = first_missing(&sample.shown, &stdout) {
            panic!(
                "README sample `appaudit {}` shows a line the binary does not print (in that order):\n{line}\n\nprinted:\n{stdout}\n{stderr}",
                args.join(" ")
            );
        }
    }
}

#[test]
fn a_drifted_or_reordered_line_is_caught() {
    let printed = "SDKs (6)\n  used JPush\n  present Bugly\n";
    let shown = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        first_missing(&shown(&["SDKs (6)", "…", "  present Bugly"]), printed),
        None
    );
    assert_eq!(
        first_missing(&shown(&["SDKs (7)"]), printed),
        Some("SDKs (7)")
    );
    assert_eq!(
        first_missing(&shown(&["  present Bugly", "  used JPush"]), printed),
        Some("  used JPush")
    );
}
