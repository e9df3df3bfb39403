"""The README's two DuckDB queries run on batch rows and give what the rows' own JSON says."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import appaudit
from appaudit import batch

from conftest import DEMO_APK, DEMO_POLICY, REPO


def _readme_queries():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Queries over the results (DuckDB)") :]
    section = section[: section.index("\n## ")]
    queries = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    assert len(queries) == 2, queries
    return queries


def test_readme_duckdb_queries(corpus, tmp_path):
    # The demo app twice: once with its own policy (a table row names JPush, line 22), once
    # with a policy that names no SDK; and corpus SDK files without a policy.
    silent = tmp_path / "silent-privacy.txt"
    silent.write_text("Privacy policy\n\nWe collect your email address to create your account.\n")
    copy = tmp_path / "demo-copy.apk"
    shutil.copy(DEMO_APK, copy)
    inputs = [(str(DEMO_APK), str(DEMO_POLICY)), (str(copy), str(silent))]
    inputs += [(p, None) for p in appaudit.collect_inputs(corpus / "jpush-phonegap-plugin@3.8.6")]
    inputs += [(p, None) for p in appaudit.collect_inputs(corpus / "cordova-plugin-jcore@1.4.4")]
    settings = batch.ScanSettings(run_id="test")
    rows = [batch.scan_one(p, pol, None, settings) for p, pol in inputs]
    out = tmp_path / "results"
    out.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=batch.SCHEMA), out / "part-0.parquet")

    q1, q2 = (q.replace("'results/*.parquet'", f"'{out}/*.parquet'") for q in _readme_queries())

    # 1. JPush shipped, policy silent about it: from the inventory and audit JSON of each row.
    want = []
    for r in sorted(rows, key=lambda r: r["path"]):
        if r.get("error") or not r.get("policy"):
            continue
        inv, report = json.loads(r["inventory"]), json.loads(r["audit"])
        named = {m["sdk_id"] for m in report["policy"]["sdks"]}
        if "jpush" in {s["id"] for s in inv["sdks"]} and "jpush" not in named:
            want.append((r["path"], inv["app"]["package"], inv["app"]["version_name"]))
    got = duckdb.sql(q1).fetchall()
    assert got == want
    assert got == [(str(copy), "com.example.appauditdemo", "1.2.0")]

    # 2. SDK counts by category, from the inventories.
    counts = Counter()
    for r in rows:
        if not r.get("error"):
            for s in json.loads(r["inventory"])["sdks"]:
                counts[(s["category"], s["id"])] += 1
    want2 = sorted(((c, i, n) for (c, i), n in counts.items()), key=lambda t: (-t[2], t[1]))[:20]
    got2 = duckdb.sql(q2).fetchall()
    assert got2 == want2
    # By hand: JPush is in the demo (twice) and in the plugin's Android jar (`unzip -l`: 446
    # cn/jpush/ entries) and iOS library; JCore in those four and the 5 files of the jcore plugin.
    assert got2[0] == ("push", "jcore", 9)
    assert ("push", "jpush", 4) in got2
