//! Reading a privacy policy with the built-in taxonomy and SDK database.
//!
//! PDF text extraction (`pdf-extract`) panics, and can overflow its stack, on
//! hostile files by its maintainer's design, so it runs in a child process: this
//! binary re-executed with the hidden `__extract-pdf` subcommand, under a time
//! limit. A crash there is a clear error about the PDF, never a crash of the audit.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use appaudit_policy::{FormatHint, Lexicon};

/// The hidden subcommand that extracts a PDF's text layer to stdout.
pub const EXTRACT_PDF_SUBCOMMAND: &str = "__extract-pdf";

/// How long PDF extraction may take before the child is killed.
const PDF_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Builds the lexicon from the built-in taxonomy and SDK database.
pub fn builtin_lexicon() -> anyhow::Result<Lexicon> {
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin()?;
    let db = appaudit_sdk::SignatureDb::builtin()?;
    Ok(Lexicon::new(&taxonomy, &db)?)
}

/// Reads the policy at `path` with the built-in lexicon.
pub fn read(path: &Path) -> anyhow::Result<appaudit_policy::PolicyReading> {
    read_with(path, &builtin_lexicon()?)
}

/// Reads the policy at `path` with `lexicon`; PDFs go through a child process.
pub fn read_with(path: &Path, lexicon: &Lexicon) -> anyhow::Result<appaudit_policy::PolicyReading> {
    let shown = path.display();
    if FormatHint::from_path(path) == FormatHint::Pdf {
        let text = extract_pdf_in_child(path)
            .with_context(|| format!("{shown}: cannot read the PDF's text"))?;
        return appaudit_policy::read_policy_text(&text, FormatHint::Pdf, lexicon)
            .with_context(|| format!("{shown}: cannot read the policy"));
    }
    appaudit_policy::read_policy_file(path, lexicon)
        .with_context(|| format!("{shown}: cannot read the policy"))
}

/// Reads one policy published as several documents (`--policy main.html --policy sdks.md`):
/// one document is read as [`read_with`] reads it; several are read as one policy whose
/// quotes each name their file.
pub fn read_all(
    paths: &[std::path::PathBuf],
    lexicon: &Lexicon,
) -> anyhow::Result<appaudit_policy::PolicyReading> {
    match paths {
        [] => bail!("no policy given"),
        [one] => read_with(one, lexicon),
        many => {
            let mut texts: Vec<(String, Vec<u8>, Option<String>, FormatHint)> = Vec::new();
            for path in many {
                let shown = path.display().to_string();
                let hint = FormatHint::from_path(path);
                if hint == FormatHint::Pdf {
                    let text = extract_pdf_in_child(path)
                        .with_context(|| format!("{shown}: cannot read the PDF's text"))?;
                    texts.push((shown, Vec::new(), Some(text), hint));
                } else {
                    let len = std::fs::metadata(path)
                        .with_context(|| format!("{shown}: cannot read the policy"))?
                        .len();
                    if len > appaudit_policy::MAX_INPUT_BYTES as u64 {
                        bail!(
                            "{shown}: the policy is {len} bytes, more than the {}-byte limit",
                            appaudit_policy::MAX_INPUT_BYTES
                        );
                    }
                    let bytes = std::fs::read(path)
                        .with_context(|| format!("{shown}: cannot read the policy"))?;
                    texts.push((shown, bytes, None, hint));
                }
            }
            let documents: Vec<appaudit_policy::PolicyDocument<'_>> = texts
                .iter()
                .map(|(name, bytes, text, hint)| match text {
                    Some(text) => appaudit_policy::PolicyDocument::Text {
                        name: name.clone(),
                        text,
                        hint: *hint,
                    },
                    None => appaudit_policy::PolicyDocument::Bytes {
                        name: name.clone(),
                        bytes,
                        hint: *hint,
                    },
                })
                .collect();
            appaudit_policy::read_policy_documents(&documents, lexicon)
                .context("cannot read the policy")
        }
    }
}

/// Reads the policy at `path` with `lexicon`, PDFs included, all in this process: for a
/// host whose executable is not `appaudit` (the Python module, where `current_exe()` is the
/// interpreter). `appaudit_policy::extract_pdf_text` catches the PDF extractor's panics; a
/// stack overflow on a hostile PDF is not caught, which the CLI's child process would survive.
/// The reading is the one [`read_with`] gives (the PDF text is read as plain text either way).
pub fn read_in_process(
    path: &Path,
    lexicon: &Lexicon,
) -> anyhow::Result<appaudit_policy::PolicyReading> {
    appaudit_policy::read_policy_file(path, lexicon)
        .with_context(|| format!("{}: cannot read the policy", path.display()))
}

fn extract_pdf_in_child(path: &Path) -> anyhow::Result<String> {
    let exe = std::env::current_exe()
        .context("cannot find the appaudit executable to run the PDF reader")?;
    let mut child = Command::new(exe)
        .arg(EXTRACT_PDF_SUBCOMMAND)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start the PDF reader")?;
    // Drain stdout on a thread so a large text layer cannot block the child.
    let mut stdout = child.stdout.take().context("PDF reader has no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        stdout.read_to_end(&mut text).map(|_| text)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > PDF_TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "the PDF reader took longer than {}s and was stopped",
                PDF_TIME_LIMIT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader
        .join()
        .map_err(|_| anyhow::anyhow!("PDF reader output thread failed"))??;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let err = err.trim();
        bail!(
            "the PDF reader failed ({status}){}",
            if err.is_empty() {
                String::new()
            } else {
                format!(": {err}")
            }
        );
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// The child side: extracts `path`'s text layer (the `__extract-pdf` subcommand).
pub fn extract_pdf_to_stdout(path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let text = appaudit_policy::extract_pdf_text(&bytes)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
