//! The CI integrations shipped in the repository: `action.yml` (composite GitHub Action) and
//! `ci/gitlab-ci.yml` (GitLab job template). Both are parsed as YAML and the shell their steps
//! run is executed for real against the demo sample, with the variables a runner would set,
//! so every `appaudit` command line in them is checked by the CLI itself; the reports they
//! leave are checked with `serde_json` and `xmllint`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_yaml::Value;

const APK: &str = "samples/appaudit-demo.apk";
const POLICY: &str = "samples/appaudit-demo-privacy.txt";

fn load(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v:?}"))
}

/// PATH with the freshly built `appaudit` first.
fn path_with_appaudit() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_appaudit")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn abs(rel: &str) -> String {
    repo().join(rel).to_str().unwrap().to_owned()
}

/// Replaces `${{ inputs.NAME }}` with the given input values (what the Actions runner does).
fn expand_inputs(text: &str, inputs: &BTreeMap<&str, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), value);
    }
    assert!(
        !out.contains("${{ inputs."),
        "an input the test does not set: {out}"
    );
    out
}

fn run_shell(shell: &str, script: &str, env: &BTreeMap<String, String>, cwd: &Path) -> i32 {
    let out = Command::new(shell)
        .arg("-e")
        .arg("-c")
        .arg(script)
        .envs(env)
        .env("PATH", path_with_appaudit())
        .current_dir(cwd)
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "{shell} exited {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out.status.code().unwrap_or(-1)
}

fn step<'a>(steps: &'a [Value], id_or_name: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| s["id"].as_str() == Some(id_or_name) || s["name"].as_str() == Some(id_or_name))
        .unwrap_or_else(|| panic!("no step {id_or_name}"))
}

fn outputs(file: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Runs the Action's `audit` step as the runner would; returns the exit code and `$GITHUB_OUTPUT`.
fn run_action_audit(action: &Value, baseline: &str, tmp: &Path) -> (i32, BTreeMap<String, String>) {
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let audit = step(steps, "audit");
    assert_eq!(s(audit, "shell"), "bash");
    let inputs: BTreeMap<&str, String> = [
        ("app", abs(APK)),
        ("policy", abs(POLICY)),
        ("fail-on", "high".to_owned()),
        ("baseline", baseline.to_owned()),
        ("config", String::new()),
    ]
    .into();
    // Every input the Action declares is one the test sets.
    let declared: Vec<&str> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    for name in inputs.keys() {
        assert!(declared.contains(name), "input {name} not declared");
    }
    let mut env: BTreeMap<String, String> = audit["env"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                expand_inputs(v.as_str().unwrap(), &inputs),
            )
        })
        .collect();
    let out_file = tmp.join("github_output");
    std::fs::write(&out_file, "").unwrap();
    env.insert("RUNNER_TEMP".into(), tmp.to_str().unwrap().into());
    env.insert("GITHUB_OUTPUT".into(), out_file.to_str().unwrap().into());
    env.insert(
        "GITHUB_STEP_SUMMARY".into(),
        tmp.join("summary.md").to_str().unwrap().into(),
    );
    let code = run_shell("bash", s(audit, "run"), &env, tmp);
    (code, outputs(&out_file))
}

#[test]
fn the_github_action_runs_appaudit_uploads_sarif_comments_and_gates() {
    let action = load("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_sequence().unwrap();

    // The install step builds this repository's `appaudit` binary, and is skipped when one is on PATH.
    let install = step(steps, "install");
    let script = s(install, "run");
    assert!(script.contains("cargo install --locked") && script.contains("$GITHUB_ACTION_PATH"));
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("[[bin]]\nname = \"appaudit\""));
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        run_shell("bash", script, &BTreeMap::new(), tmp.path()),
        0,
        "install must be a no-op when appaudit is installed"
    );

    // The audit step, run for real on the demo: high findings → status 1, verdict fail.
    let (code, out) = run_action_audit(&action, "", tmp.path());
    assert_eq!(
        code, 0,
        "the audit step records the verdict; the Gate step fails"
    );
    assert_eq!(out["verdict"], "fail");
    assert_eq!(out["status"], "1");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out["sarif"]).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        21,
        "the demo's 21 findings (the MEID pair went with getDeviceId as IMEI once)"
    );
    let md = std::fs::read_to_string(&out["markdown"]).unwrap();
    assert!(
        md.starts_with("## appaudit: com.example.appauditdemo"),
        "{md}"
    );
    let summary = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap();
    assert_eq!(summary, md, "the job summary shows the report");

    // SARIF goes to code scanning from the file the audit step wrote.
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(
        upload["with"]["sarif_file"],
        "${{ steps.audit.outputs.sarif }}"
    );
    // One pull-request comment, found by a marker and updated on later runs.
    let comment = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/github-script@"))
        })
        .expect("a comment step");
    let js = s(&comment["with"], "script");
    assert!(js.contains("updateComment") && js.contains("createComment"));
    assert!(js.contains("<!-- appaudit-report -->"));
    assert_eq!(
        comment["env"]["APPAUDIT_MARKDOWN"],
        "${{ steps.audit.outputs.markdown }}"
    );

    // The gate: fails the job exactly when the audit failed.
    let gate = step(steps, "Gate");
    for (status, want) in [("1", 1), ("0", 0)] {
        let env: BTreeMap<String, String> =
            [("APPAUDIT_STATUS".to_owned(), status.to_owned())].into();
        assert_eq!(run_shell("bash", s(gate, "run"), &env, tmp.path()), want);
    }

    // With a baseline of today's findings nothing is new: the verdict passes.
    let base = tmp.path().join("base.json");
    let (c, _, e) = appaudit(&[
        "audit",
        &abs(APK),
        "--policy",
        &abs(POLICY),
        "--write-baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(c, 0, "{e}");
    let (code, out) = run_action_audit(&action, base.to_str().unwrap(), tmp.path());
    assert_eq!(code, 0);
    assert_eq!(out["verdict"], "pass");
    assert_eq!(out["status"], "0");
}

/// Runs the template's `.appaudit` job (before_script + script) like a GitLab shell runner.
fn run_gitlab_job(job: &Value, overrides: &[(&str, String)], cwd: &Path) -> i32 {
    let mut env: BTreeMap<String, String> = job["variables"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                v.as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (k, v) in overrides {
        assert!(env.contains_key(*k), "the template has no variable {k}");
        env.insert((*k).to_owned(), v.clone());
    }
    let lines = |key: &str| -> String {
        job[key]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let script = format!("{}\n{}", lines("before_script"), lines("script"));
    run_shell("sh", &script, &env, cwd)
}

#[test]
fn the_gitlab_template_writes_code_quality_and_junit_reports_and_gates() {
    let ci = load("ci/gitlab-ci.yml");
    let job = &ci[".appaudit"];
    let reports = &job["artifacts"]["reports"];
    let cq = s(reports, "codequality");
    let junit = s(reports, "junit");
    assert_eq!(job["artifacts"]["when"], "always");

    let dir = tempfile::tempdir().unwrap();
    let vars = vec![("APPAUDIT_APP", abs(APK)), ("APPAUDIT_POLICY", abs(POLICY))];
    assert_eq!(
        run_gitlab_job(job, &vars, dir.path()),
        1,
        "the demo's high findings fail the job"
    );
    let issues: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(cq)).unwrap()).unwrap();
    assert_eq!(
        issues.as_array().unwrap().len(),
        21,
        "the demo's 21 findings (the MEID pair went with getDeviceId as IMEI once)"
    );
    let xml: PathBuf = dir.path().join(junit);
    let out = Command::new("xmllint")
        .args(["--noout", xml.to_str().unwrap()])
        .output()
        .expect("xmllint");
    assert!(out.status.success());

    // A baseline makes it pass; a broken one is an error (exit 2), not a pass.
    let base = dir.path().join("base.json");
    let (c, _, e) = appaudit(&[
        "audit",
        &abs(APK),
        "--policy",
        &abs(POLICY),
        "--write-baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(c, 0, "{e}");
    let mut with_base = vars.clone();
    with_base.push(("APPAUDIT_BASELINE", base.to_str().unwrap().to_owned()));
    assert_eq!(run_gitlab_job(job, &with_base, dir.path()), 0);
    let issues: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(cq)).unwrap()).unwrap();
    assert_eq!(issues[0]["check_name"], "appaudit-baseline");

    std::fs::write(&base, "not a baseline").unwrap();
    assert_eq!(run_gitlab_job(job, &with_base, dir.path()), 2);

    // Higher gate from the variable is honoured: --fail-on info still fails on the demo.
    let mut info = vars.clone();
    info.push(("APPAUDIT_FAIL_ON", "info".to_owned()));
    assert_eq!(run_gitlab_job(job, &info, dir.path()), 1);
}
