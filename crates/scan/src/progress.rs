//! Progress hooks: the scan reports what it is doing through [`Progress`], and prints
//! nothing itself. The CLI draws a bar from these events (`src/cli/progress.rs`); a
//! library user gets [`NoProgress`] unless it sets its own with
//! [`Engine::with_progress`](super::Engine::with_progress).
//!
//! Events may come from several threads at once (inputs and entries are read in parallel).

/// Receives scan events. Every method has an empty default.
pub trait Progress: Send + Sync {
    /// A batch of `total` inputs starts ([`Engine::scan_all`](super::Engine::scan_all)).
    fn inputs(&self, _total: usize) {}
    /// One input starts.
    fn input_started(&self, _path: &str) {}
    /// One input is done (scanned or failed).
    fn input_done(&self, _path: &str) {}
    /// The archive being scanned has `total` entries worth reading (code, native libraries,
    /// manifest, nested archives); each is then reported by [`entry_done`](Self::entry_done).
    fn entries(&self, _total: usize) {}
    /// One entry (`classes2.dex`) has been read and analysed.
    fn entry_done(&self, _entry: &str) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
