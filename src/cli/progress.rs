//! The terminal progress bar (indicatif) behind the library's [`Progress`] events: files done,
//! the current file and the rate for a folder scan; entries done and the current entry inside
//! one app. Drawn on standard error only when it is a terminal, never with `--quiet`.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use appaudit_scan::{NoProgress, Progress};

/// A bar on standard error.
pub struct Bar {
    bar: ProgressBar,
    /// Several inputs: count files and ignore the entries inside each.
    batch: AtomicBool,
}

/// Bar templates (indicatif syntax); the rate is per second.
const FILES_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files · {per_sec} · {wide_msg}";
const ENTRIES_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} entries · {per_sec} · {wide_msg}";

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar {
            bar,
            batch: AtomicBool::new(false),
        }
    }

    /// Removes the bar from the terminal (the report follows on standard output).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn inputs(&self, total: usize) {
        if total > 1 {
            self.batch.store(true, Ordering::Relaxed);
            self.bar.set_style(style(FILES_TEMPLATE));
            self.bar.set_length(total as u64);
            self.bar.set_position(0);
            self.bar.tick();
        }
    }

    fn input_started(&self, path: &str) {
        if self.batch.load(Ordering::Relaxed) {
            self.bar.set_message(path.to_owned());
        }
    }

    fn input_done(&self, _path: &str) {
        if self.batch.load(Ordering::Relaxed) {
            self.bar.inc(1);
        }
    }

    fn entries(&self, total: usize) {
        if !self.batch.load(Ordering::Relaxed) {
            self.bar.set_style(style(ENTRIES_TEMPLATE));
            self.bar.set_length(total as u64);
            self.bar.set_position(0);
            self.bar.tick();
        }
    }

    fn entry_done(&self, entry: &str) {
        if !self.batch.load(Ordering::Relaxed) {
            self.bar.set_message(entry.to_owned());
            self.bar.inc(1);
        }
    }
}

/// What the engine reports to, and the bar to clear afterwards (none when quiet or when
/// standard error is not a terminal).
pub fn for_stderr(quiet: bool) -> (Arc<dyn Progress>, Option<Arc<Bar>>) {
    if quiet || !std::io::stderr().is_terminal() {
        return (Arc::new(NoProgress), None);
    }
    let bar = Arc::new(Bar::new());
    (bar.clone(), Some(bar))
}
