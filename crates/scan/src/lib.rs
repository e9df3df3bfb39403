//! The scan pipeline: input file → archive → extractors → inventory.
//!
//! [`Engine`] holds everything compiled once (the SDK matcher, the data-type
//! rules) and scans any number of inputs, in parallel, without printing.
#![deny(missing_docs)]

mod android;
mod inputs;
mod ios;
mod kind;
pub mod mmap;
pub mod progress;
mod sdk_facts;
mod startup;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use appaudit_archive::{Archive, Limits};
use appaudit_sdk::{Matcher, SignatureDb};
use appaudit_taxonomy::{AndroidRules, Taxonomy};

pub use appaudit_model as model;
pub use inputs::{collect_inputs, is_scannable_name};
use kind::{classify_zip, ios_bundle_kind};
use model::{InputKind, Inventory, Warning};
pub use progress::{NoProgress, Progress};

/// How a scan is configured (validated before any work starts).
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Resource limits for every archive opened.
    pub limits: Limits,
    /// Largest DEX or class file parsed, in bytes.
    pub max_dex_size: Option<u64>,
    /// Extra `sdk-signatures/`-style directories merged over the built-in database.
    pub extra_signature_dirs: Vec<PathBuf>,
    /// Skip the bytecode pass (sensitive-API use, SDK usage): SDKs, permissions and
    /// native libraries only, in about half the time.
    pub skip_code_scan: bool,
}

/// Why a scan could not run at all (a corrupt part of an input is a warning instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The input.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not an input appaudit knows.
    #[error("{path}: {reason}")]
    Unsupported {
        /// The input.
        path: String,
        /// What it is and why it is refused.
        reason: String,
    },
    /// The archive itself is unreadable (not just one entry).
    #[error("{path}: {source}")]
    Archive {
        /// The input.
        path: String,
        /// What the archive reader said.
        source: appaudit_archive::ArchiveError,
    },
    /// The signature database or taxonomy failed to load.
    #[error("{0}")]
    Setup(String),
}

/// Default largest DEX/class file: far above any real one (the largest DEX is
/// limited to 64k methods, in practice under 20 MB).
pub const DEFAULT_MAX_DEX_SIZE: u64 = 256 << 20;

/// The compiled knowledge a scan needs, built once.
pub struct Engine {
    pub(crate) db: SignatureDb,
    pub(crate) matcher: Matcher,
    pub(crate) taxonomy: Taxonomy,
    pub(crate) android: AndroidRules,
    pub(crate) options: ScanOptions,
    pub(crate) progress: Arc<dyn Progress>,
    /// SDK initialisations the start-up walk looks for (CN-C01).
    pub(crate) startup: startup::InitTable,
}

impl Engine {
    /// Loads the built-in SDK database and taxonomy (plus any extra signature
    /// directories) and compiles their matchers.
    pub fn new(options: ScanOptions) -> Result<Self, ScanError> {
        let mut db = SignatureDb::builtin()
            .map_err(|e| ScanError::Setup(format!("built-in SDK signatures: {e}")))?;
        for dir in &options.extra_signature_dirs {
            let extra = SignatureDb::load_dir(dir)
                .map_err(|e| ScanError::Setup(format!("signatures in {}: {e}", dir.display())))?;
            db.merge(extra)
                .map_err(|e| ScanError::Setup(format!("signatures in {}: {e}", dir.display())))?;
        }
        let taxonomy =
            Taxonomy::builtin().map_err(|e| ScanError::Setup(format!("built-in taxonomy: {e}")))?;
        let matcher = Matcher::new(&db);
        let android = AndroidRules::new(&taxonomy);
        let startup = startup::InitTable::builtin()
            .map_err(|e| ScanError::Setup(format!("built-in SDK init table: {e}")))?;
        Ok(Self {
            startup,
            db,
            matcher,
            taxonomy,
            android,
            options,
            progress: Arc::new(NoProgress),
        })
    }

    /// Reports scan events to `progress` (a terminal bar, a log); the default reports nothing.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Scans every input, in parallel, in order; one result per input.
    pub fn scan_all(&self, inputs: &[PathBuf]) -> Vec<Result<Inventory, ScanError>> {
        self.progress.inputs(inputs.len());
        // Files in parallel; each scan parallelises inside too, rayon balances both.
        inputs.par_iter().map(|p| self.scan_path(p)).collect()
    }

    /// The SDK database in use.
    pub fn signatures(&self) -> &SignatureDb {
        &self.db
    }

    /// The taxonomy in use.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    fn max_dex_size(&self) -> u64 {
        self.options.max_dex_size.unwrap_or(DEFAULT_MAX_DEX_SIZE)
    }

    /// Scans one input file (or an unzipped bundle directory).
    pub fn scan_path(&self, path: &Path) -> Result<Inventory, ScanError> {
        let shown = path.display().to_string();
        self.progress.input_started(&shown);
        let result = self.scan_path_inner(path, &shown);
        self.progress.input_done(&shown);
        result
    }

    fn scan_path_inner(&self, path: &Path, shown: &str) -> Result<Inventory, ScanError> {
        let shown = shown.to_owned();
        let io = |source| ScanError::Io {
            path: shown.clone(),
            source,
        };
        if path.is_dir() {
            let kind = ios_bundle_kind(path).ok_or_else(|| ScanError::Unsupported {
                path: shown.clone(),
                reason: "a directory that is not an iOS .app, .framework or .xcframework bundle"
                    .to_owned(),
            })?;
            let source = appaudit_ios::DirSource::new(path).map_err(|e| ScanError::Io {
                path: shown.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            // A bundle's size is the sum of its files (what an IPA would hold, uncompressed).
            let base = path.parent().unwrap_or(Path::new("."));
            let size = appaudit_ios::FileSource::list(&source)
                .iter()
                .filter_map(|rel| std::fs::symlink_metadata(base.join(rel)).ok())
                .map(|m| m.len())
                .sum();
            return Ok(ios::scan_ios(self, &shown, size, &source, kind));
        }
        let bytes = mmap::open(path).map_err(io)?;
        self.scan_bytes(&shown, &bytes)
    }

    /// Scans one input given as bytes; `name` is used for its kind (extension) and in messages.
    pub fn scan_bytes(&self, name: &str, bytes: &[u8]) -> Result<Inventory, ScanError> {
        let lower = name.to_ascii_lowercase();
        if bytes.starts_with(b"dex\n") {
            return Ok(android::scan_bare_dex(self, name, bytes));
        }
        if bytes.starts_with(b"\x7fELF") {
            return Ok(android::scan_bare_so(self, name, bytes));
        }
        if bytes.starts_with(b"\xca\xfe\xba\xbe") && lower.ends_with(".class") {
            return Ok(android::scan_bare_class(self, name, bytes));
        }
        // Fat Mach-O shares Java's 0xcafebabe; a `.class` name was handled just above.
        if appaudit_ios::looks_like_macho(bytes) {
            let source = ios::MemSource::new(name, bytes);
            return Ok(ios::scan_ios(
                self,
                name,
                bytes.len() as u64,
                &source,
                InputKind::IosLibrary,
            ));
        }
        let archive =
            Archive::open(bytes, self.options.limits).map_err(|source| ScanError::Archive {
                path: name.to_owned(),
                source,
            })?;
        let kind = classify_zip(&archive, &lower).map_err(|reason| ScanError::Unsupported {
            path: name.to_owned(),
            reason,
        })?;
        match kind {
            InputKind::Apk
            | InputKind::SplitApks
            | InputKind::Aab
            | InputKind::Jar
            | InputKind::Aar => {
                android::scan_archive(self, name, bytes.len() as u64, &archive, kind)
            }
            InputKind::Ipa => {
                let source = ios::ZipSource::new(&archive);
                let mut inventory = ios::scan_ios(self, name, bytes.len() as u64, &source, kind);
                // Zip-level problems first: they explain any entry that could not be read.
                let zip_warnings = archive
                    .anomalies()
                    .iter()
                    .chain(archive.read_anomalies().iter())
                    .map(|a| Warning::new("(zip)", a.to_string()))
                    .collect::<Vec<_>>();
                inventory.warnings.splice(0..0, zip_warnings);
                inventory.stats.inflated_bytes = archive.bytes_read();
                Ok(inventory)
            }
            other => Err(ScanError::Unsupported {
                path: name.to_owned(),
                reason: format!("{other:?} inputs are not supported yet"),
            }),
        }
    }
}

/// The name serde gives a unit enum variant (`Protection::Dangerous` → `dangerous`),
/// so reports use exactly the spelling of the data files.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
