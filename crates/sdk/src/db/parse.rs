//! The signature file format: TOML read into the schema types, with errors naming the file,
//! the line of the entry's `id` and the key.

use serde::Deserialize;

use super::SignatureError;
use crate::schema::Sdk;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    #[serde(default)]
    sdk: Vec<toml::Value>,
    #[serde(default)]
    extend: Vec<toml::Value>,
    /// Written by the importer from public lists (`sdk-signatures/imported/`): its rules rank
    /// below hand-written ones, which may refine them (see `validate_no_shadowing`).
    #[serde(default)]
    generated: bool,
}

/// Rules added to an entry defined elsewhere (`[[extend]]`): how the generated files add the
/// public lists' facts to a hand-written entry without copying or overriding it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Extension {
    /// Id of the entry the rules are added to.
    pub(super) id: String,
    #[serde(default)]
    pub(super) rules: crate::schema::Rules,
    /// Data types to record for an entry that states none (an app's SDK table as a second
    /// source): an entry that already has `data_types` (the vendor's own list) is an error.
    #[serde(default)]
    pub(super) data_types: Vec<String>,
    /// Where `data_types` come from; required with them.
    #[serde(default)]
    pub(super) data_types_source: Option<String>,
    /// The entry is one of the importer's generated files (`imported/`): the extension applies
    /// only when those are loaded with it (the importer reads the hand-written files alone),
    /// and naming a hand-written entry is an error.
    #[serde(default)]
    pub(super) imported: bool,
}

/// The same file read straight into the schema types: one pass instead of two. Only its
/// errors are poorer (no entry id), so a file it rejects is read again by [`parse_file`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TypedFile {
    #[serde(default)]
    pub(super) sdk: Vec<Sdk>,
    #[serde(default)]
    pub(super) extend: Vec<Extension>,
    #[serde(default)]
    pub(super) generated: bool,
}

/// One file's entries, extensions and `generated` flag.
pub(super) fn parse_file(
    file: &str,
    text: &str,
) -> Result<(Vec<Sdk>, Vec<Extension>, bool), SignatureError> {
    if let Ok(typed) = toml::from_str::<TypedFile>(text) {
        return Ok((typed.sdk, typed.extend, typed.generated));
    }
    parse_file_slow(file, text)
}

fn parse_file_slow(
    file: &str,
    text: &str,
) -> Result<(Vec<Sdk>, Vec<Extension>, bool), SignatureError> {
    let parsed: SignatureFile = toml::from_str(text).map_err(|e| SignatureError::Syntax {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let entry_name = |value: &toml::Value, n: usize| {
        value
            .get("id")
            .and_then(toml::Value::as_str)
            .map_or_else(|| format!("#{n}"), str::to_owned)
    };
    let mut sdks = Vec::with_capacity(parsed.sdk.len());
    for (n, value) in parsed.sdk.into_iter().enumerate() {
        let entry = entry_name(&value, n);
        let sdk: Sdk = value
            .try_into()
            .map_err(|e: toml::de::Error| invalid_entry(file, text, entry, e))?;
        sdks.push(sdk);
    }
    let mut extends = Vec::with_capacity(parsed.extend.len());
    for (n, value) in parsed.extend.into_iter().enumerate() {
        let entry = entry_name(&value, n);
        let extension: Extension = value
            .try_into()
            .map_err(|e: toml::de::Error| invalid_entry(file, text, entry, e))?;
        extends.push(extension);
    }
    Ok((sdks, extends, parsed.generated))
}

/// A schema error in one entry, with the line of its `id` so the user finds it.
fn invalid_entry(file: &str, text: &str, entry: String, error: toml::de::Error) -> SignatureError {
    let needle = format!("\"{entry}\"");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains(&needle))
        .map(|n| n + 1);
    SignatureError::Invalid {
        file: match line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        },
        entry,
        message: error.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::SignatureDb;
    use super::super::test_support::{BASE, entry};

    #[test]
    fn truncated_files_never_panic() {
        let text = format!(
            "{BASE}{}",
            entry(
                "beta",
                "parent = \"alpha\"",
                "java_packages = [\"com.alpha.b\"]"
            )
        );
        for cut in (0..=text.len()).filter(|&n| text.is_char_boundary(n)) {
            let _ = SignatureDb::from_toml("t.toml", &text[..cut]);
        }
    }
}
