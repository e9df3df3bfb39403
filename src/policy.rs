//! Reading a privacy policy with the built-in taxonomy and SDK database.

use std::path::Path;

use anyhow::Context;

/// Reads the policy at `path` with the built-in lexicon.
pub fn read(path: &Path) -> anyhow::Result<appaudit_policy::PolicyReading> {
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin()?;
    let db = appaudit_sdk::SignatureDb::builtin()?;
    let lexicon = appaudit_policy::Lexicon::new(&taxonomy, &db)?;
    appaudit_policy::read_policy_file(path, &lexicon).with_context(|| format!("reading policy {}", path.display()))
}
