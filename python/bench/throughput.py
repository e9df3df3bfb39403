"""Throughput figures for the store-scale plan (docs/store-scale.md): apps per second of
`appaudit scan DIR --format jsonl`, of the batch job with 1 and 2 workers, and the Python
call overhead per app. Run on a release build (`pip install ./python`, `cargo build --release`):

    python python/bench/throughput.py CORPUS_DIR [--cli target/release/appaudit] [--repeat 3]

Prints one line per measurement (the median of --repeat runs). Not a test: figures vary by
machine; the plan quotes the ones measured on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import appaudit
from appaudit import _native


def _median(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--cli", default="target/release/appaudit")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-batch", action="store_true")
    a = p.parse_args()
    inputs = appaudit.collect_inputs(a.corpus)
    n = len(inputs)
    size = sum(os.path.getsize(x) if os.path.isfile(x) else 0 for x in inputs)
    print(f"corpus: {n} inputs, {size / 1e6:.0f} MB")

    def cli(threads=None):
        env = dict(os.environ)
        if threads:
            env["RAYON_NUM_THREADS"] = str(threads)
        subprocess.run([a.cli, "scan", a.corpus, "--format", "jsonl", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t = _median(cli, a.repeat)
    print(f"cli scan DIR --format jsonl, all cores: {t:.2f} s, {n / t:.1f} apps/s")
    t1 = _median(lambda: cli(1), a.repeat)
    print(f"cli scan DIR --format jsonl, 1 thread: {t1:.2f} s, {n / t1:.1f} apps/s")

    def py_loop(fn):
        for x in inputs:
            try:
                fn(x)
            except appaudit.AppauditError:
                pass

    # Python in this process, one call after another (rayon inside each call uses all cores
    # unless RAYON_NUM_THREADS=1 was set before the first call).
    appaudit.scan(inputs[0]) if inputs else None
    tn = _median(lambda: py_loop(_native.scan_path), a.repeat)
    tp = _median(lambda: py_loop(appaudit.scan), a.repeat)
    print(f"python _native.scan_path loop: {tn:.2f} s, {n / tn:.1f} apps/s")
    print(f"python appaudit.scan loop (+ json.loads): {tp:.2f} s, {n / tp:.1f} apps/s; "
          f"dict conversion {(tp - tn) / n * 1e3:.2f} ms/app")
    if os.environ.get("RAYON_NUM_THREADS") == "1":
        print(f"python overhead vs CLI (both 1 thread): {(tp - t1) / n * 1e3:.2f} ms/app")

    if not a.skip_batch:
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                t = time.perf_counter()
                r = subprocess.run(
                    [sys.executable, "-m", "appaudit.batch", a.corpus, "--out", out, "--workers", str(workers), "-q"],
                    capture_output=True, text=True,
                )
                wall = time.perf_counter() - t
                line = [x for x in r.stderr.splitlines() if x.startswith("appaudit batch:")]
                print(f"batch --workers {workers}: wall {wall:.1f} s (with Ray start); {line[-1] if line else r.stderr[-500:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
