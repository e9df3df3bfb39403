//! Where the importer's inputs are, for the tests (same defaults as the binary).

use std::path::PathBuf;

use appaudit_sdk_import::{Inputs, sources::apk_analyzer::WHEEL_NAME};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The inputs, or `None` (with the reason printed) when they are not on this machine; in CI
/// (`CI` set) missing inputs are a failure, never a silent skip.
pub fn inputs() -> Option<Inputs> {
    // `APPAUDIT_SHARED` names ../shared when the work tree is elsewhere (a git worktree).
    let shared = std::env::var_os("APPAUDIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let reference = shared.join("reference");
    let corpus = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/appaudit-corpus"))
        })
        .unwrap_or_default();
    let wheel = corpus.join(WHEEL_NAME);
    let npm_ios = corpus.join("npm-ios");
    let policies = shared.join("policies");
    for needed in [&reference, &wheel, &npm_ios, &policies] {
        if !needed.exists() {
            let message = format!(
                "{} is missing (../shared beside the repository; scripts/fetch-reference.sh fetches the wheel, scripts/fetch-ios-sources.sh the npm packages)",
                needed.display()
            );
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("skipped: {message}");
            return None;
        }
    }
    Some(Inputs {
        reference,
        wheel,
        hand_written: repo().join("sdk-signatures"),
        npm_ios,
        policies,
    })
}
