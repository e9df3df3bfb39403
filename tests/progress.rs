//! The progress bar: drawn on standard error when it is a terminal (a pty from `script`), with
//! files done, the current file and the rate; absent when standard error is a pipe and with
//! `--quiet`. Standard output (the report) is the same either way.

mod common;

use std::process::Command;

use common::*;

/// Runs `appaudit ARGS` inside a pseudo-terminal (`script -qec`), returning everything the
/// terminal received (stdout and stderr together) and the exit code.
fn in_pty(args: &[&str]) -> (i32, String) {
    let mut cmd = shell_quote(env!("CARGO_BIN_EXE_appaudit"));
    for a in args {
        cmd.push(' ');
        cmd.push_str(&shell_quote(a));
    }
    // A fixed terminal size: `script` gives the pty the size of its own terminal, none under CI.
    let cmd = format!("stty cols 120 rows 40 2>/dev/null; {cmd}");
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .expect("`script` (util-linux) is needed for this test");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A folder of copies of the demo app, so a folder scan has several files to count.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        std::fs::copy(
            repo().join("samples/appaudit-demo.apk"),
            dir.path().join(format!("demo-{i}.apk")),
        )
        .unwrap();
    }
    dir
}

#[test]
fn a_folder_scan_on_a_terminal_shows_files_done_and_the_current_file() {
    let dir = folder();
    let path = dir.path().to_str().unwrap();
    let (code, screen) = in_pty(&["scan", path, "--format", "jsonl", "-o", "/dev/null"]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("/6 files"), "no file count in: {screen:?}");
    assert!(screen.contains("demo-"), "no current file in: {screen:?}");
    assert!(screen.contains("/s"), "no rate in: {screen:?}");
    // Cleared at the end: the last thing drawn erases the line.
    assert!(screen.contains("\x1b["), "{screen:?}");
}

#[test]
fn one_app_on_a_terminal_shows_entries_done() {
    let (code, screen) = in_pty(&[
        "scan",
        "samples/appaudit-demo.apk",
        "--format",
        "json",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains(" entries"), "no entry count in: {screen:?}");
}

#[test]
fn quiet_or_no_terminal_means_no_bar() {
    let dir = folder();
    let path = dir.path().to_str().unwrap();
    // --quiet on a terminal: nothing but the report.
    let (code, screen) = in_pty(&["scan", path, "--format", "jsonl", "-q"]);
    assert_eq!(code, 0);
    assert!(!screen.contains(" files ·"), "{screen:?}");
    assert_eq!(screen.matches("\"package\"").count(), 6);
    // A pipe for stderr: silent, and stdout is the same report.
    let (code, stdout, stderr) = appaudit(&["scan", path, "--format", "jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    // Only the closing line ("scanned 6 of 6 files, 0 failed"), no bar.
    assert!(
        !stderr.contains(" files ·") && !stderr.contains('\x1b') && !stderr.contains('\r'),
        "{stderr:?}"
    );
    assert_eq!(stderr, "appaudit: scanned 6 of 6 files, 0 failed\n");
    assert_eq!(stdout.lines().count(), 6);
    let (code, _, stderr) = appaudit(&[
        "audit",
        "samples/appaudit-demo.apk",
        "--policy",
        "samples/appaudit-demo-privacy.txt",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 1);
    assert!(
        !stderr.contains("entries") && !stderr.contains('\x1b'),
        "{stderr}"
    );
}
