//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The real-input corpus; `None` only when `APPAUDIT_SKIP_CORPUS=1`, a loud failure when missing.
pub fn corpus_dir() -> Option<PathBuf> {
    if std::env::var_os("APPAUDIT_SKIP_CORPUS").is_some_and(|v| v == "1") {
        return None;
    }
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/appaudit-corpus")
        });
    assert!(
        dir.is_dir(),
        "corpus not found at {} (run shared/corpus/fetch.sh, set APPAUDIT_CORPUS, or set \
         APPAUDIT_SKIP_CORPUS=1)",
        dir.display()
    );
    Some(dir)
}
