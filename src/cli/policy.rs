//! Reading a privacy policy with the built-in taxonomy and SDK database, PDFs in a child
//! process.
//!
//! PDF text extraction (`pdf-extract`) panics, and can overflow its stack, on
//! hostile files by its maintainer's design, so the CLI runs it in a child process: this
//! binary re-executed with the hidden `__extract-pdf` subcommand, under a time
//! limit. A crash there is a clear error about the PDF, never a crash of the audit.
//! Library users read PDFs in their own process ([`appaudit_policy::PdfText::InProcess`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use appaudit_policy::{ExtractError, Lexicon, PdfText};

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
    read_all(&[path.to_path_buf()], &builtin_lexicon()?)
}

/// Reads one policy published as several documents (`--policy main.html --policy sdks.md`),
/// PDFs through the child process ([`appaudit_policy::read_files`]).
pub fn read_all(
    paths: &[PathBuf],
    lexicon: &Lexicon,
) -> anyhow::Result<appaudit_policy::PolicyReading> {
    let extract = |path: &Path| -> Result<String, ExtractError> { Ok(extract_pdf_in_child(path)?) };
    Ok(appaudit_policy::read_files(
        paths,
        lexicon,
        PdfText::External(&extract),
    )?)
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
