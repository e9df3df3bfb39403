"""The Ray Data batch job: one Ray run (Ray starts slowly) checked every way, plus the checks
that need no Ray (bad arguments fail before any work)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from appaudit import batch

from conftest import DEMO_APK, REPO


def _run_batch(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "appaudit.batch", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=900,
    )


def _rows(out: Path):
    return pq.read_table(out).to_pylist()


def test_batch_on_local_ray_equals_cli_jsonl_and_loses_no_input(corpus, cli, tmp_path):
    # The CLI's row for every corpus input is the oracle.
    code, jsonl, err = cli("scan", corpus, "--format", "jsonl", "-q")
    assert code in (0, 2), err
    want = {}
    for line in jsonl.splitlines():
        r = json.loads(line)
        want[r["path"] if "error" in r else r["source"]["path"]] = r
    assert len(want) > 40

    # Bad inputs beside them: a truncated APK, and a manifest naming a missing file.
    extra = tmp_path / "extra"
    extra.mkdir()
    bad = extra / "truncated.apk"
    bad.write_bytes(DEMO_APK.read_bytes()[:2000])
    missing = extra / "gone.apk"
    manifest = tmp_path / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "policy"])
        w.writerow([str(missing), ""])
        w.writerow([str(DEMO_APK), str(REPO / "samples" / "appaudit-demo-privacy.txt")])
    code, bad_err_out, bad_err = cli("scan", bad, "--format", "json")
    assert code == 2

    # One worker process is SIGKILLed the first time it reaches this input (its task is
    # retried), and every time it reaches a copy of the demo app (a file that always kills its
    # worker: after the retries, it is tried alone, then recorded as an error row).
    victim = next(p for p in sorted(want) if p.endswith("settings_apk-debug.apk"))
    poison = extra / "poison-demo.apk"
    poison.write_bytes(DEMO_APK.read_bytes())
    markers = tmp_path / "markers"
    markers.mkdir()
    out = tmp_path / "results"
    kill = f"settings_apk-debug.apk:{markers};poison-demo.apk:always"
    p = _run_batch(corpus, extra, manifest, "--out", out, "--workers", "2", "--retries", "1", "-q",
                   env={"APPAUDIT_BATCH_KILL_WORKER": kill})
    assert p.returncode == 2, p.stderr  # the truncated, missing and poison files failed
    assert len(list(markers.iterdir())) == 1, "the fault injection never killed a worker"
    failing = sum("error" in r for r in want.values()) + 3
    assert f"{failing} failed" in p.stderr and "apps/s" in p.stderr, p.stderr

    rows = _rows(out)
    by_path = {r["path"]: r for r in rows}
    assert len(rows) == len(by_path) == len(want) + 4, "one row per input, none lost or doubled"
    assert by_path[str(poison)]["error_kind"] == "WorkerDied", by_path[str(poison)]
    assert "died on each of 2 tries" in by_path[str(poison)]["error"]

    # Row for row what `appaudit scan DIR --format jsonl` says.
    for path, cli_row in want.items():
        row = by_path[path]
        if "error" in cli_row:
            assert row["error"] == cli_row["error"], path
            assert row["inventory"] is None
        else:
            assert row["error"] is None, (path, row["error"])
            inv = json.loads(row["inventory"])
            assert inv == cli_row, path
            assert row["sdks"] == [s["id"] for s in cli_row["sdks"]]
            assert row["data_types"] == [d["data_type"] for d in cli_row["data_access"]]
            assert row["package"] == cli_row["app"]["package"]
    assert by_path[victim]["error"] is None and by_path[victim]["package"] == "io.appium.settings"

    # The bad inputs are rows with the CLI's words.
    prefix = "appaudit: error: "
    assert by_path[str(bad)]["error"] == bad_err[len(prefix):].rstrip("\n")
    assert by_path[str(bad)]["error_kind"] == "ArchiveError"
    assert by_path[str(missing)]["error_kind"] == "ReadError" and "cannot read" in by_path[str(missing)]["error"]
    assert by_path[str(bad)]["sha256"] is not None and by_path[str(missing)]["sha256"] is None

    # The manifest's policy was audited: findings as `appaudit audit --format json` gives them.
    demo = by_path[str(DEMO_APK)]
    code, audit_json, err = cli("audit", DEMO_APK, "--policy", REPO / "samples" / "appaudit-demo-privacy.txt", "--format", "json")
    report = json.loads(audit_json)
    assert demo["verdict"] == report["verdict"] == "fail"
    assert [f["rule"] for f in demo["findings"]] == [f["rule"] for f in report["findings"]]
    assert json.loads(demo["inventory"]) == report["inventory"]

    # A re-run with the same --out skips what is done (by path and sha256); only the missing
    # file is tried again, and its row is replaced, not doubled.
    p2 = _run_batch(corpus, extra, manifest, "--out", out, "--workers", "2", "-q")
    assert p2.returncode == 2, p2.stderr
    # The poison file's row has no sha256 (it was never read to the end), so it is tried
    # again too; without the fault injection it now scans, and its old row is replaced.
    assert f"{len(want) + 2} already done" in p2.stderr, p2.stderr
    again = _rows(out)
    assert len(again) == len(rows)
    assert sorted(r["path"] for r in again) == sorted(by_path)
    healed = next(r for r in again if r["path"] == str(poison))
    assert healed["error"] is None and healed["package"] == "com.example.appauditdemo"


def test_invalid_address_fails_before_any_work(tmp_path):
    p = _run_batch(DEMO_APK, "--out", tmp_path / "o", "--address", "not an address")
    assert p.returncode == 2
    assert "invalid --address 'not an address'" in p.stderr
    assert not (tmp_path / "o").exists()
    # Well formed, but nothing listens there (port 1): refused at once, not after ray.init's
    # minutes of retrying.
    p = _run_batch(DEMO_APK, "--out", tmp_path / "o", "--address", "127.0.0.1:1")
    assert p.returncode == 2
    assert "cannot reach the Ray cluster at --address 127.0.0.1:1" in p.stderr, p.stderr
    assert not (tmp_path / "o").exists()


def test_missing_input_fails_before_any_work(tmp_path):
    with pytest.raises(batch.BatchError, match="no such file or folder"):
        batch.run([str(tmp_path / "nothing-here")], str(tmp_path / "o"))
    with pytest.raises(batch.BatchError, match="matches no file"):
        batch.run([str(tmp_path / "*.apk")], str(tmp_path / "o"))


def test_manifests_csv_and_parquet_name_the_same_inputs(tmp_path):
    import pyarrow as pa

    csv_path = tmp_path / "m.csv"
    csv_path.write_text("path,policy\nsub/a.apk,p.txt\n/abs/b.apk,\n")
    pq.write_table(pa.table({"path": ["sub/a.apk", "/abs/b.apk"], "policy": ["p.txt", None]}), tmp_path / "m.parquet")
    want = [{"path": str(tmp_path / "sub" / "a.apk"), "policy": str(tmp_path / "p.txt")}, {"path": "/abs/b.apk", "policy": None}]
    assert batch.expand_inputs([str(csv_path)]) == want
    assert batch.expand_inputs([str(tmp_path / "m.parquet")]) == want
    (tmp_path / "bad.csv").write_text("file\nx.apk\n")
    with pytest.raises(batch.BatchError, match="no `path` column"):
        batch.expand_inputs([str(tmp_path / "bad.csv")])


def test_folder_and_glob_inputs_match_scan_dir(corpus):
    folder = corpus / "io.appium.settings@8.0.10"
    import appaudit

    assert [i["path"] for i in batch.expand_inputs([str(folder)])] == appaudit.collect_inputs(folder)
    globbed = batch.expand_inputs([str(folder / "**" / "*.apk")])
    assert [i["path"] for i in globbed] == [p for p in appaudit.collect_inputs(folder) if p.endswith(".apk")]


def test_object_storage_uris_go_through_pyarrow_filesystems(corpus):
    """file:// is the pyarrow filesystem that needs no network; s3:// and gs:// take the same path."""
    folder = corpus / "io.appium.settings@8.0.10"
    items = batch.expand_inputs([f"file://{folder}"])
    assert [i["path"] for i in items] == [f"file://{p}" for p in sorted(__import__("appaudit").collect_inputs(folder))]
    row = batch.scan_one(items[0]["path"], None, None, batch.ScanSettings())
    assert row.get("error") is None, row.get("error")
    local = batch.scan_one(items[0]["path"][len("file://"):], None, None, batch.ScanSettings())
    assert row["sha256"] == local["sha256"] and row["sdks"] == local["sdks"]
    assert json.loads(row["inventory"])["source"]["path"] == items[0]["path"]


def test_policy_map_by_path_and_by_package(tmp_path, cli):
    policy = REPO / "samples" / "appaudit-demo-privacy.txt"
    copy = tmp_path / "renamed.apk"
    copy.write_bytes(DEMO_APK.read_bytes())
    m = tmp_path / "policies.csv"
    m.write_text(f"path,package,policy\n,com.example.appauditdemo,{policy}\n{tmp_path / 'other.apk'},,p.txt\n")
    by_path, by_package = batch.load_policy_map(str(m))
    assert by_package == {"com.example.appauditdemo": str(policy)}
    assert by_path == {str(tmp_path / "other.apk"): str(tmp_path / "p.txt")}
    # The package is known only after the scan: the row is audited all the same.
    row = batch.scan_one(str(copy), None, None, batch.ScanSettings(policy_by_package=by_package))
    code, out, err = cli("audit", copy, "--policy", policy, "--format", "json")
    report = json.loads(out)
    assert row["policy"] == str(policy) and row["verdict"] == report["verdict"]
    assert [f["rule"] for f in row["findings"]] == [f["rule"] for f in report["findings"]]
    assert row["summary"] == report["summary"]
    assert json.loads(row["audit"]) == {k: v for k, v in report.items() if k != "inventory"}
    (tmp_path / "bad.csv").write_text("path,policy_file\nx.apk,p.txt\n")
    with pytest.raises(batch.BatchError, match="needs a `policy` column"):
        batch.load_policy_map(str(tmp_path / "bad.csv"))
