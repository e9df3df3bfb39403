//! The signature database: its type and errors here; loading and merging in [`load`], the
//! file format in [`parse`], the invariants in [`validate`], look-ups in [`query`].

use std::collections::HashMap;
use std::path::PathBuf;

use crate::schema::Sdk;

mod load;
mod parse;
mod query;
mod validate;

/// Why signatures could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A directory or file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid TOML, or its top level is not `[[sdk]]` entries.
    #[error("{file}: {message}")]
    Syntax {
        /// The file name.
        file: String,
        /// What the TOML parser says (with line and column).
        message: String,
    },
    /// One entry breaks the schema or a database invariant.
    #[error("{file}: entry `{entry}`: {message}")]
    Invalid {
        /// The file name.
        file: String,
        /// The entry's id (or `#index` when it has none).
        entry: String,
        /// What is wrong.
        message: String,
    },
}

/// A set of SDK signatures, validated.
#[derive(Debug, Clone, Default)]
pub struct SignatureDb {
    sdks: Vec<Sdk>,
    /// File each entry came from, parallel to `sdks`.
    origins: Vec<String>,
    /// Id -> index into `sdks`.
    by_id: HashMap<String, usize>,
    /// Whether each entry comes from a generated file, parallel to `sdks`.
    generated: Vec<bool>,
}

#[cfg(test)]
mod test_support {
    //! Entries the tests of every part build their files from.

    use super::SignatureDb;

    pub(super) const BASE: &str = r#"
[[sdk]]
id = "alpha"
name = "Alpha"
vendor = "A"
market = "global"
category = "analytics"
privacy_policy = "https://a.example/p"
platforms = ["android"]
source = "test"
[sdk.rules]
java_packages = ["com.alpha"]
native_libs = ["libalpha*.so"]
"#;

    pub(super) fn entry(id: &str, extra: &str, rules: &str) -> String {
        format!(
            "[[sdk]]\nid = \"{id}\"\nname = \"N\"\nvendor = \"V\"\nmarket = \"cn\"\ncategory = \"push\"\n\
             privacy_policy = \"https://x\"\nplatforms = [\"android\"]\nsource = \"test\"\n{extra}\n[sdk.rules]\n{rules}\n"
        )
    }

    pub(super) fn err(text: &str) -> String {
        SignatureDb::from_toml("f.toml", text)
            .expect_err("must be rejected")
            .to_string()
    }
}
