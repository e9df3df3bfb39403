//! `appaudit._native`: the Rust side of the Python package.
//!
//! Every function takes plain arguments (the pure-Python wrappers in `appaudit/__init__.py`
//! normalise paths, bytes and options), runs the library with the GIL released, and returns
//! the JSON text the CLI prints, so `json.loads` gives exactly the documented contract.
//! Errors are raised as the exception classes of `appaudit._errors`, one per kind, with the
//! message the CLI prints after `appaudit: error: `.
//!
//! PyO3's macros expand to `unsafe` blocks, so this crate does not take the workspace's
//! `forbid(unsafe_code)` lint; it has no `unsafe` of its own.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use appaudit_audit::{AuditOptions, Config, Knowledge, Profile, Severity};
use appaudit_policy::{FormatHint, Lexicon};
use appaudit_scan::{Engine, ScanError, ScanOptions};

/// Why a call failed, before it becomes a Python exception.
#[derive(Debug, thiserror::Error)]
enum NativeError {
    /// A scan could not run (the kind picks the exception class).
    #[error("{message}")]
    Scan {
        /// `ReadError`, `UnsupportedInputError`, `ArchiveError` or `SetupError`.
        class: &'static str,
        /// The CLI's message.
        message: String,
    },
    /// The policy could not be read.
    #[error("{0}")]
    Policy(String),
    /// The audit configuration file is invalid.
    #[error("{0}")]
    Config(String),
    /// A bad argument (limits, profile, fail_on).
    #[error("{0}")]
    Options(String),
    /// Loading the built-in knowledge failed.
    #[error("{0}")]
    Setup(String),
}

impl NativeError {
    fn class(&self) -> &'static str {
        match self {
            NativeError::Scan { class, .. } => class,
            NativeError::Policy(_) => "PolicyError",
            NativeError::Config(_) => "ConfigError",
            NativeError::Options(_) => "OptionsError",
            NativeError::Setup(_) => "SetupError",
        }
    }

    fn from_scan(err: &ScanError) -> Self {
        let class = match err {
            ScanError::Io { .. } => "ReadError",
            ScanError::Unsupported { .. } => "UnsupportedInputError",
            ScanError::Archive { .. } => "ArchiveError",
            _ => "SetupError",
        };
        // The words `appaudit scan` prints for a file that failed.
        NativeError::Scan {
            class,
            message: appaudit_report::error_lines(err).join(": "),
        }
    }

    fn into_py(self, py: Python<'_>) -> PyErr {
        let message = self.to_string();
        let class = self.class();
        let raised = py
            .import("appaudit._errors")
            .and_then(|m| m.getattr(class))
            .and_then(|cls| cls.call1((message.clone(),)));
        match raised {
            Ok(value) => PyErr::from_value(value),
            Err(_) => PyRuntimeError::new_err(format!("{class}: {message}")),
        }
    }
}

/// The CLI's rendering of an anyhow error chain (`src/main.rs`), without `appaudit: error: `.
fn cli_message(err: &anyhow::Error) -> String {
    appaudit_report::error_lines(err.as_ref()).join("\n  caused by: ")
}

/// Scan options as the Python caller gave them; also the engine cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct OptionsKey {
    max_entry_mib: Option<u64>,
    max_total_mib: Option<u64>,
    max_entries: Option<usize>,
    max_dex_mib: Option<u64>,
    skip_code_scan: bool,
    signatures: Vec<PathBuf>,
}

impl OptionsKey {
    /// The validated scan options (the checks of the CLI's `--max-*` flags).
    fn options(&self) -> Result<ScanOptions, NativeError> {
        let mib = |v: u64, name: &str| -> Result<u64, NativeError> {
            if v == 0 {
                return Err(NativeError::Options(format!("{name} must be at least 1")));
            }
            v.checked_mul(1 << 20)
                .ok_or_else(|| NativeError::Options(format!("{name} is too large")))
        };
        let mut options = ScanOptions::default();
        if let Some(v) = self.max_entry_mib {
            options.limits.max_entry_size = mib(v, "max_entry_mib")?;
        }
        if let Some(v) = self.max_total_mib {
            options.limits.max_total_size = mib(v, "max_total_mib")?;
        }
        if let Some(v) = self.max_entries {
            if v == 0 {
                return Err(NativeError::Options(
                    "max_entries must be at least 1".to_owned(),
                ));
            }
            options.limits.max_entries = v;
        }
        if let Some(v) = self.max_dex_mib {
            options.max_dex_size = Some(mib(v, "max_dex_mib")?);
        }
        options.skip_code_scan = self.skip_code_scan;
        options.extra_signature_dirs = self.signatures.clone();
        Ok(options)
    }
}

/// An engine and, built on first use, the policy lexicon from the same knowledge.
struct Loaded {
    engine: Engine,
    lexicon: OnceLock<Result<Lexicon, String>>,
}

impl Loaded {
    fn lexicon(&self) -> Result<&Lexicon, NativeError> {
        self.lexicon
            .get_or_init(|| {
                Lexicon::new(self.engine.taxonomy(), self.engine.signatures())
                    .map_err(|e| format!("policy lexicon: {e}"))
            })
            .as_ref()
            .map_err(|e| NativeError::Setup(e.clone()))
    }
}

/// Engines by options: the SDK database and taxonomy are compiled once per process for each
/// set of options used, not once per call.
fn loaded(key: &OptionsKey) -> Result<Arc<Loaded>, NativeError> {
    static CACHE: OnceLock<Mutex<HashMap<OptionsKey, Arc<Loaded>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        return Ok(hit);
    }
    let engine = Engine::new(key.options()?).map_err(|e| NativeError::from_scan(&e))?;
    let entry = Arc::new(Loaded {
        engine,
        lexicon: OnceLock::new(),
    });
    if let Ok(mut c) = cache.lock() {
        c.insert(key.clone(), Arc::clone(&entry));
    }
    Ok(entry)
}

/// What to scan.
enum App<'a> {
    Path(PathBuf),
    Bytes { name: String, data: &'a [u8] },
}

impl App<'_> {
    fn shown(&self) -> String {
        match self {
            App::Path(p) => p.display().to_string(),
            App::Bytes { name, .. } => name.clone(),
        }
    }

    fn scan(&self, engine: &Engine) -> Result<appaudit_scan::model::Inventory, ScanError> {
        match self {
            App::Path(p) => engine.scan_path(p),
            App::Bytes { name, data } => engine.scan_bytes(name, data),
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, NativeError> {
    serde_json::to_string(value).map_err(|e| NativeError::Setup(format!("JSON: {e}")))
}

#[allow(clippy::too_many_arguments)]
fn key(
    max_entry_mib: Option<u64>,
    max_total_mib: Option<u64>,
    max_entries: Option<usize>,
    max_dex_mib: Option<u64>,
    skip_code_scan: bool,
    signatures: Vec<PathBuf>,
) -> OptionsKey {
    OptionsKey {
        max_entry_mib,
        max_total_mib,
        max_entries,
        max_dex_mib,
        skip_code_scan,
        signatures,
    }
}

/// Scans the file or bundle directory at `path`; returns the inventory as JSON text.
#[pyfunction]
#[pyo3(signature = (path, *, max_entry_mib=None, max_total_mib=None, max_entries=None, max_dex_mib=None, skip_code_scan=false, signatures=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn scan_path(
    py: Python<'_>,
    path: PathBuf,
    max_entry_mib: Option<u64>,
    max_total_mib: Option<u64>,
    max_entries: Option<usize>,
    max_dex_mib: Option<u64>,
    skip_code_scan: bool,
    signatures: Vec<PathBuf>,
) -> PyResult<String> {
    let k = key(
        max_entry_mib,
        max_total_mib,
        max_entries,
        max_dex_mib,
        skip_code_scan,
        signatures,
    );
    py.detach(|| {
        let l = loaded(&k)?;
        let inv = App::Path(path)
            .scan(&l.engine)
            .map_err(|e| NativeError::from_scan(&e))?;
        to_json(&inv)
    })
    .map_err(|e| e.into_py(py))
}

/// Scans an input given as bytes (`name` gives its kind by extension and names it in the
/// inventory and in errors); returns the inventory as JSON text.
#[pyfunction]
#[pyo3(signature = (name, data, *, max_entry_mib=None, max_total_mib=None, max_entries=None, max_dex_mib=None, skip_code_scan=false, signatures=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn scan_bytes(
    py: Python<'_>,
    name: String,
    data: &Bound<'_, PyBytes>,
    max_entry_mib: Option<u64>,
    max_total_mib: Option<u64>,
    max_entries: Option<usize>,
    max_dex_mib: Option<u64>,
    skip_code_scan: bool,
    signatures: Vec<PathBuf>,
) -> PyResult<String> {
    let k = key(
        max_entry_mib,
        max_total_mib,
        max_entries,
        max_dex_mib,
        skip_code_scan,
        signatures,
    );
    // `bytes` is immutable and `data` keeps it alive for the whole call.
    let data = data.as_bytes();
    py.detach(|| {
        let l = loaded(&k)?;
        let inv = App::Bytes { name, data }
            .scan(&l.engine)
            .map_err(|e| NativeError::from_scan(&e))?;
        to_json(&inv)
    })
    .map_err(|e| e.into_py(py))
}

/// The format hint for `read_policy_text`'s `format` argument.
fn format_hint(format: &str) -> Result<FormatHint, NativeError> {
    Ok(match format {
        "auto" => FormatHint::Auto,
        "text" => FormatHint::Text,
        "markdown" => FormatHint::Markdown,
        "html" => FormatHint::Html,
        other => {
            return Err(NativeError::Options(format!(
                "unknown policy format `{other}` (text, markdown, html or auto)"
            )));
        }
    })
}

/// What policy to read.
enum Policy {
    Path(PathBuf),
    Text { text: String, format: FormatHint },
}

impl Policy {
    fn read(&self, lexicon: &Lexicon) -> Result<appaudit_policy::PolicyReading, NativeError> {
        match self {
            Policy::Path(p) => {
                appaudit_policy::read_file(p, lexicon, appaudit_policy::PdfText::InProcess)
                    .map_err(|e| NativeError::Policy(cli_message(&anyhow::Error::from(e))))
            }
            Policy::Text { text, format } => {
                // `Auto` sniffs the bytes, as for a file without a known extension.
                appaudit_policy::read_policy_bytes(text.as_bytes(), *format, lexicon)
                    .map_err(|e| NativeError::Policy(cli_message(&anyhow::Error::from(e))))
            }
        }
    }

    fn shown(&self) -> String {
        match self {
            Policy::Path(p) => p.display().to_string(),
            Policy::Text { .. } => "<text>".to_owned(),
        }
    }
}

fn policy_of(
    py: Python<'_>,
    path: Option<PathBuf>,
    text: Option<String>,
    format: &str,
) -> PyResult<Policy> {
    match (path, text) {
        (Some(p), None) => Ok(Policy::Path(p)),
        (None, Some(text)) => Ok(Policy::Text {
            text,
            format: format_hint(format).map_err(|e| e.into_py(py))?,
        }),
        _ => Err(pyo3::exceptions::PyTypeError::new_err(
            "give exactly one of path= and text=",
        )),
    }
}

/// Reads a privacy policy (a file by `path`, or `text` in `format`); returns the reading as
/// JSON text.
#[pyfunction]
#[pyo3(signature = (*, path=None, text=None, format="auto"))]
fn read_policy(
    py: Python<'_>,
    path: Option<PathBuf>,
    text: Option<String>,
    format: &str,
) -> PyResult<String> {
    let policy = policy_of(py, path, text, format)?;
    py.detach(|| {
        let l = loaded(&OptionsKey::default())?;
        let reading = policy.read(l.lexicon()?)?;
        to_json(&reading)
    })
    .map_err(|e| e.into_py(py))
}

/// Audits an app (a path, or `data` bytes named `name`) against a policy (a path, or text);
/// returns the audit report as JSON text (`appaudit audit --format json`).
#[pyfunction]
#[pyo3(signature = (*, app_path=None, app_name=None, app_data=None, policy_path=None, policy_text=None, policy_format="auto", profile=None, fail_on=None, config=None, max_entry_mib=None, max_total_mib=None, max_entries=None, max_dex_mib=None, skip_code_scan=false, signatures=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn audit(
    py: Python<'_>,
    app_path: Option<PathBuf>,
    app_name: Option<String>,
    app_data: Option<&Bound<'_, PyBytes>>,
    policy_path: Option<PathBuf>,
    policy_text: Option<String>,
    policy_format: &str,
    profile: Option<String>,
    fail_on: Option<String>,
    config: Option<PathBuf>,
    max_entry_mib: Option<u64>,
    max_total_mib: Option<u64>,
    max_entries: Option<usize>,
    max_dex_mib: Option<u64>,
    skip_code_scan: bool,
    signatures: Vec<PathBuf>,
) -> PyResult<String> {
    let app = match (app_path, app_data) {
        (Some(p), None) => App::Path(p),
        (None, Some(d)) => App::Bytes {
            name: app_name.unwrap_or_else(|| "<bytes>".to_owned()),
            data: d.as_bytes(),
        },
        _ => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "give exactly one of app_path= and app_data=",
            ));
        }
    };
    let policy = policy_of(py, policy_path, policy_text, policy_format)?;
    let mut k = key(
        max_entry_mib,
        max_total_mib,
        max_entries,
        max_dex_mib,
        skip_code_scan,
        signatures,
    );
    py.detach(|| {
        // `all` (or none) runs every rule, as `--profile all` does.
        let profile = match profile.as_deref() {
            None | Some("all") => None,
            Some(p) => Some(Profile::parse(p).ok_or_else(|| {
                NativeError::Options(format!("unknown profile `{p}` (cn, apple, play or all)"))
            })?),
        };
        let fail_on = fail_on
            .as_deref()
            .map(|s| {
                Severity::parse(s).ok_or_else(|| {
                    NativeError::Options(format!(
                        "unknown severity `{s}` for fail_on (info, low, medium or high)"
                    ))
                })
            })
            .transpose()?;
        let config = config
            .as_deref()
            .map(Config::load)
            .transpose()
            .map_err(|e| NativeError::Config(cli_message(&anyhow::Error::from(e))))?;
        if let Some(c) = &config {
            k.signatures.extend(c.signatures.iter().cloned());
        }
        let l = loaded(&k)?;
        let inventory = app
            .scan(&l.engine)
            .with_context(|| format!("scanning {}", app.shown()))
            .map_err(|e| match e.downcast_ref::<ScanError>() {
                Some(s) => NativeError::Scan {
                    class: NativeError::from_scan(s).class(),
                    message: cli_message(&e),
                },
                None => NativeError::Setup(cli_message(&e)),
            })?;
        let reading = policy.read(l.lexicon()?)?;
        let mut options = AuditOptions {
            policy_path: policy.shown(),
            profile,
            ..AuditOptions::default()
        };
        if let Some(c) = &config {
            options.apply_config(c, fail_on.is_some());
        }
        if let Some(f) = fail_on {
            options.fail_on = f;
        }
        let knowledge = Knowledge {
            taxonomy: l.engine.taxonomy(),
            signatures: l.engine.signatures(),
        };
        let report = appaudit_audit::audit(&inventory, &reading, knowledge, &options);
        let mut out = Vec::new();
        appaudit_report::audit::reporter(appaudit_report::audit::Format::Json, false)
            .write(&mut out, &report)
            .map_err(|e| NativeError::Setup(format!("JSON: {e}")))?;
        String::from_utf8(out).map_err(|e| NativeError::Setup(format!("JSON: {e}")))
    })
    .map_err(|e| e.into_py(py))
}

/// Path names `appaudit scan DIR` treats as inputs, under `dir`, sorted (as `scan DIR` finds them).
#[pyfunction]
fn collect_inputs(py: Python<'_>, dir: PathBuf) -> PyResult<Vec<String>> {
    py.detach(|| {
        appaudit_scan::collect_inputs(&dir)
            .map(|v| v.iter().map(|p| p.display().to_string()).collect())
            .map_err(|e| NativeError::Scan {
                class: "ReadError",
                message: format!("{}: cannot list folder: {e}", dir.display()),
            })
    })
    .map_err(|e| e.into_py(py))
}

/// True for a file name `appaudit scan DIR` treats as an input.
#[pyfunction]
fn is_scannable_name(name: &str) -> bool {
    appaudit_scan::is_scannable_name(name)
}

/// The `appaudit._native` module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(scan_path, m)?)?;
    m.add_function(wrap_pyfunction!(scan_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(read_policy, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_function(wrap_pyfunction!(collect_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(is_scannable_name, m)?)?;
    Ok(())
}
