//! The third-party SDK signature database of appaudit and the compiled matcher.
//!
//! Signatures are data: `sdk-signatures/*.toml` at the repository root (schema in its
//! `README.md`), embedded at compile time ([`SignatureDb::builtin`]) and extensible with
//! user directories ([`SignatureDb::load_dir`], [`SignatureDb::merge`]). A [`Matcher`] compiles
//! every rule kind into one automaton so an app's classes, libraries, components, assets and
//! iOS symbols are matched without looping over SDKs.

#![deny(missing_docs)]

mod db;
mod glob;
mod matcher;
mod schema;
mod stats;

pub use db::{SignatureDb, SignatureError};
pub use matcher::{Hit, Matcher};
pub use schema::{Category, Market, Platform, Rule, RuleKind, Rules, Sdk};
pub use stats::Stats;
