"""The store-scale job: scan (and audit) many apps on Ray Data, results as a Parquet dataset.

    python -m appaudit.batch INPUT... --out OUT [--policy-map CSV] [--address ADDR]

INPUT is a folder (every file ``appaudit scan FOLDER`` would scan), a glob, a file, or a
manifest (``.csv`` or ``.parquet`` with a ``path`` column and an optional ``policy`` column),
on local disk or object storage (``s3://``, ``gs://``, any URI pyarrow's filesystems open).
Without ``--address`` a local Ray is started on this machine with ``--workers`` workers; with
one, the job runs on that cluster (``ray start --head`` prints the address; on Kubernetes,
KubeRay's head service, e.g. ``ray://raycluster-head-svc:10001``).

OUT gets one row per input file: ``path``, ``sha256``, ``package``, ``version``, ``sdks``,
``data_types``, ``findings`` (when the input has a policy), ``error`` (null when fine), nested
columns for the rest of the inventory, and ``inventory``: the exact JSON of
``appaudit scan FILE --format json``. No input is lost: a file that fails is a row with its
error; a worker that dies has its task retried, and an input whose worker died on every try
is retried alone and, if it kills that worker too, becomes an error row. A re-run with the
same OUT skips inputs whose path and sha256 already have a row.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import glob as globlib
import hashlib
import io
import json
import os
import re
import signal
import socket
import sys
import tempfile
import time
import uuid
import warnings
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.fs as pafs
import pyarrow.parquet as pq

import appaudit

__all__ = ["SCHEMA", "BatchError", "Summary", "expand_inputs", "load_policy_map", "run", "scan_one", "main"]

MANIFEST_SUFFIXES = (".csv", ".parquet")
_GLOB_CHARS = re.compile(r"[*?\[]")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

_SDK = pa.struct(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("vendor", pa.string()),
        ("category", pa.string()),
        ("status", pa.string()),
        ("call_count", pa.int64()),
        ("class_count", pa.int64()),
        ("confidence", pa.string()),
    ]
)
_DATA_ACCESS = pa.struct(
    [
        ("data_type", pa.string()),
        ("permissions", pa.list_(pa.string())),
        # Who reads it: SDK ids, and "app" for the app's own code.
        ("readers", pa.list_(pa.string())),
        ("apis", pa.list_(pa.string())),
    ]
)
_PERMISSION = pa.struct([("name", pa.string()), ("protection", pa.string()), ("data_types", pa.list_(pa.string()))])
_NATIVE = pa.struct([("path", pa.string()), ("abi", pa.string()), ("soname", pa.string()), ("sdk", pa.string())])
_FINDING = pa.struct(
    [
        ("rule", pa.string()),
        ("rule_name", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("sdk", pa.string()),
        ("data_type", pa.string()),
    ]
)
_SUMMARY = pa.struct([(k, pa.int64()) for k in ("high", "medium", "low", "info", "waived")])

#: The columns of every output row (one per input file).
SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("kind", pa.string()),
        ("platform", pa.string()),
        ("package", pa.string()),
        ("version", pa.string()),
        ("version_code", pa.string()),
        ("min_sdk", pa.string()),
        ("target_sdk", pa.string()),
        ("sdks", pa.list_(pa.string())),
        ("sdks_used", pa.list_(pa.string())),
        ("data_types", pa.list_(pa.string())),
        ("permission_names", pa.list_(pa.string())),
        ("sdk_details", pa.list_(_SDK)),
        ("data_access", pa.list_(_DATA_ACCESS)),
        ("permissions", pa.list_(_PERMISSION)),
        ("native_libs", pa.list_(_NATIVE)),
        ("warnings", pa.list_(pa.string())),
        ("policy", pa.string()),
        ("verdict", pa.string()),
        ("summary", _SUMMARY),
        ("findings", pa.list_(_FINDING)),
        ("policy_sdks", pa.list_(pa.string())),
        ("inventory", pa.string()),
        ("audit", pa.string()),
        ("error", pa.string()),
        ("error_kind", pa.string()),
        ("seconds", pa.float64()),
        ("run_id", pa.string()),
    ]
)


class BatchError(Exception):
    """A problem with the job's arguments or inputs, found before any work starts."""


# --- inputs -------------------------------------------------------------------------------


def _is_uri(s: str) -> bool:
    return bool(_URI.match(s))


def _fs_for(uri: str) -> Tuple[pafs.FileSystem, str]:
    try:
        return pafs.FileSystem.from_uri(uri)
    except Exception as e:  # pyarrow raises ArrowInvalid / ArrowNotImplementedError
        raise BatchError(f"{uri}: cannot open its filesystem: {e}") from e


def _join_uri(uri: str, fs_path: str, base_fs_path: str) -> str:
    """The URI of `fs_path`, found under `base_fs_path`, which `uri` names."""
    rel = fs_path[len(base_fs_path) :].lstrip("/")
    return uri.rstrip("/") + "/" + rel if rel else uri


def _list_remote(uri: str) -> List[str]:
    fs, base = _fs_for(uri)
    pattern = None
    if _GLOB_CHARS.search(uri):
        # List under the part before the first wildcard, then match the whole pattern.
        head = _GLOB_CHARS.split(base, maxsplit=1)[0]
        base_dir = head.rsplit("/", 1)[0]
        pattern = base
        uri = uri[: len(uri) - len(base)] + base_dir
        base = base_dir
    info = fs.get_file_info(base)
    if info.type == pafs.FileType.File and pattern is None:
        return [uri]
    if info.type != pafs.FileType.Directory:
        raise BatchError(f"{uri}: no such file or folder")
    found = []
    for f in fs.get_file_info(pafs.FileSelector(base, recursive=True)):
        if f.type != pafs.FileType.File:
            continue
        if pattern is not None and not fnmatch.fnmatchcase(f.path, pattern):
            continue
        if pattern is None and not appaudit.is_scannable_name(f.base_name):
            continue
        found.append(_join_uri(uri, f.path, base))
    return sorted(found)


def _read_manifest(path: str) -> List[Dict[str, Optional[str]]]:
    """Rows of a CSV or Parquet manifest: `path` (required) and `policy` (optional)."""
    if _is_uri(path):
        fs, p = _fs_for(path)
        opener = lambda: fs.open_input_file(p)  # noqa: E731
    else:
        opener = lambda: open(path, "rb")  # noqa: E731
    try:
        with opener() as f:
            data = f.read()
    except OSError as e:
        raise BatchError(f"{path}: cannot read the manifest: {e}") from e
    if path.lower().endswith(".parquet"):
        table = pq.read_table(io.BytesIO(data))
        if "path" not in table.column_names:
            raise BatchError(f"{path}: the manifest has no `path` column")
        paths = table.column("path").to_pylist()
        policies = table.column("policy").to_pylist() if "policy" in table.column_names else [None] * len(paths)
    else:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        if reader.fieldnames is None or "path" not in reader.fieldnames:
            raise BatchError(f"{path}: the manifest has no `path` column")
        rows = list(reader)
        paths = [r["path"] for r in rows]
        policies = [r.get("policy") or None for r in rows]
    base = os.path.dirname(path) if not _is_uri(path) else None
    out = []
    for p, pol in zip(paths, policies):
        if not p:
            continue
        out.append({"path": _relative_to(p, base), "policy": _relative_to(pol, base) if pol else None})
    return out


def _relative_to(p: str, base: Optional[str]) -> str:
    """A manifest's relative local paths are relative to the manifest's folder."""
    if base is None or _is_uri(p) or os.path.isabs(p):
        return p
    return os.path.join(base, p)


def expand_inputs(inputs: Sequence[str]) -> List[Dict[str, Optional[str]]]:
    """The input files named by folders, globs, files and manifests, in order, each once."""
    items: List[Dict[str, Optional[str]]] = []
    for given in inputs:
        if given.lower().endswith(MANIFEST_SUFFIXES) and not _GLOB_CHARS.search(given):
            items.extend(_read_manifest(given))
        elif _is_uri(given):
            items.extend({"path": p, "policy": None} for p in _list_remote(given))
        elif _GLOB_CHARS.search(given):
            matched = sorted(globlib.glob(given, recursive=True))
            if not matched:
                raise BatchError(f"{given}: the pattern matches no file")
            for m in matched:
                if os.path.isdir(m) and not m.lower().endswith((".app", ".framework", ".xcframework")):
                    items.extend({"path": p, "policy": None} for p in appaudit.collect_inputs(m))
                else:
                    items.append({"path": m, "policy": None})
        elif os.path.isdir(given):
            items.extend({"path": p, "policy": None} for p in appaudit.collect_inputs(given))
        elif os.path.exists(given):
            items.append({"path": given, "policy": None})
        else:
            raise BatchError(f"{given}: no such file or folder")
    seen = set()
    unique = []
    for it in items:
        if it["path"] not in seen:
            seen.add(it["path"])
            unique.append(it)
    return unique


def load_policy_map(path: str) -> Tuple[Dict[str, str], Dict[str, str]]:
    """A CSV with a `policy` column and a `path` or `package` column (or both): the policy of
    each app path, and of each package name (applied after the scan)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            rows = list(reader)
    except OSError as e:
        raise BatchError(f"{path}: cannot read the policy map: {e}") from e
    if "policy" not in fields or not ({"path", "package"} & set(fields)):
        raise BatchError(f"{path}: the policy map needs a `policy` column and a `path` or `package` column")
    base = os.path.dirname(path)
    by_path, by_package = {}, {}
    for r in rows:
        pol = r.get("policy")
        if not pol:
            continue
        pol = _relative_to(pol, base)
        if r.get("path"):
            by_path[_relative_to(r["path"], base)] = pol
        if r.get("package"):
            by_package[r["package"]] = pol
    return by_path, by_package


# --- one input ----------------------------------------------------------------------------


def _sha256_local(path: str) -> str:
    h = hashlib.sha256()
    if os.path.isdir(path):
        # A bundle folder: its files' relative paths and contents, in sorted order.
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                h.update(os.path.relpath(full, path).encode("utf-8", "surrogateescape") + b"\0")
                with open(full, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
        return h.hexdigest()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _local_policy(policy: str, tmpdir: str) -> Tuple[str, Optional[str]]:
    """A local path for `policy` (downloaded when it is a URI), and the URI to cite."""
    if not _is_uri(policy):
        return policy, None
    fs, p = _fs_for(policy)
    suffix = os.path.splitext(p)[1]
    local = os.path.join(tmpdir, "policy" + suffix)
    with fs.open_input_file(p) as f, open(local, "wb") as out:
        out.write(f.read())
    return local, policy


def _strs(values: Iterable[Any]) -> List[str]:
    return [v for v in values if isinstance(v, str)]


def _row_from_inventory(row: Dict[str, Any], inv: Dict[str, Any]) -> None:
    src, app = inv.get("source", {}), inv.get("app", {})
    row.update(
        size=src.get("size"),
        kind=src.get("kind"),
        platform=app.get("platform"),
        package=app.get("package"),
        version=app.get("version_name"),
        version_code=app.get("version_code"),
        min_sdk=app.get("min_sdk"),
        target_sdk=app.get("target_sdk"),
    )
    sdks = inv.get("sdks") or []
    row["sdks"] = [s.get("id") for s in sdks]
    row["sdks_used"] = [s.get("id") for s in sdks if (s.get("usage") or {}).get("status") == "used"]
    row["sdk_details"] = [
        {
            "id": s.get("id"),
            "name": s.get("name"),
            "vendor": s.get("vendor"),
            "category": s.get("category"),
            "status": (s.get("usage") or {}).get("status"),
            "call_count": (s.get("usage") or {}).get("call_count"),
            "class_count": s.get("class_count"),
            "confidence": s.get("confidence"),
        }
        for s in sdks
    ]
    access = inv.get("data_access") or []
    row["data_types"] = [a.get("data_type") for a in access]
    row["data_access"] = [
        {
            "data_type": a.get("data_type"),
            "permissions": _strs(a.get("permissions") or []),
            "readers": [acc.get("sdk") or "app" for acc in a.get("accessors") or []],
            "apis": sorted({api for acc in a.get("accessors") or [] for api in _strs(acc.get("apis") or [])}),
        }
        for a in access
    ]
    perms = inv.get("permissions") or []
    row["permission_names"] = [p.get("name") for p in perms]
    row["permissions"] = [
        {"name": p.get("name"), "protection": p.get("protection"), "data_types": _strs(p.get("data_types") or [])}
        for p in perms
    ]
    row["native_libs"] = [
        {"path": n.get("path"), "abi": n.get("abi"), "soname": n.get("soname"), "sdk": n.get("sdk")}
        for n in inv.get("native_libs") or []
    ]
    row["warnings"] = [w if isinstance(w, str) else json.dumps(w, ensure_ascii=False) for w in inv.get("warnings") or []]
    row["inventory"] = json.dumps(inv, ensure_ascii=False)


def _row_from_audit(row: Dict[str, Any], report: Dict[str, Any]) -> None:
    row["verdict"] = report.get("verdict")
    row["summary"] = {k: (report.get("summary") or {}).get(k) for k in ("high", "medium", "low", "info", "waived")}
    row["findings"] = [{k: f.get(k) for k in ("rule", "rule_name", "severity", "message", "sdk", "data_type")} for f in report.get("findings") or []]
    # SDK ids the policy names (mentions that match no known SDK have none).
    row["policy_sdks"] = [m["sdk_id"] for m in (report.get("policy") or {}).get("sdks") or [] if m.get("sdk_id")]
    rest = {k: v for k, v in report.items() if k != "inventory"}
    row["audit"] = json.dumps(rest, ensure_ascii=False)


@dataclass
class ScanSettings:
    """What every worker needs to scan one input."""

    skip_code_scan: bool = False
    limits: Optional[Dict[str, int]] = None
    policy_by_package: Optional[Dict[str, str]] = None
    fail_on: Optional[str] = None
    run_id: str = ""


def _fault_injection(path: str) -> None:
    """Testing only: `APPAUDIT_BATCH_KILL_WORKER=SUBSTRING:MARKER_DIR` makes the worker process
    kill itself (SIGKILL, as the kernel's OOM killer would) the first time it reaches an input
    whose path contains SUBSTRING; `SUBSTRING:always` on every try. Several specs are separated
    by `;`. Unset in production."""
    for spec in os.environ.get("APPAUDIT_BATCH_KILL_WORKER", "").split(";"):
        needle, sep, marker_dir = spec.rpartition(":")
        if not sep or not needle or needle not in path:
            continue
        if marker_dir != "always":
            marker = os.path.join(marker_dir, hashlib.sha256(path.encode()).hexdigest())
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                continue
            os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def scan_one(path: str, policy: Optional[str], expect_sha: Optional[str], s: ScanSettings) -> Optional[Dict[str, Any]]:
    """Scans (and audits, when it has a policy) one input; its output row, or None when
    `expect_sha` says it is already in the results unchanged. Never raises for a bad input."""
    _fault_injection(path)
    start = time.perf_counter()
    row: Dict[str, Any] = {"path": path, "policy": policy, "run_id": s.run_id}
    kw: Dict[str, Any] = {"skip_code_scan": s.skip_code_scan, "limits": s.limits}
    try:
        if _is_uri(path):
            fs, p = _fs_for(path)
            with fs.open_input_file(p) as f:
                data = f.read()
            row["sha256"] = hashlib.sha256(data).hexdigest()
            target: Any = data
            kw["name"] = path
        else:
            try:
                row["sha256"] = _sha256_local(path)
            except OSError:
                # Unreadable: let the scan say so in the CLI's words.
                row["sha256"] = None
            target = path
        if expect_sha is not None and row["sha256"] == expect_sha:
            return None
        if policy is None and s.policy_by_package:
            inv = appaudit.scan(target, **kw)
            policy = s.policy_by_package.get(inv.get("app", {}).get("package") or "")
            row["policy"] = policy
            if policy is None:
                _row_from_inventory(row, inv)
        if policy is not None:
            with tempfile.TemporaryDirectory() as tmp:
                local, uri = _local_policy(policy, tmp)
                report = appaudit.audit(target, local, fail_on=s.fail_on, **kw)
            if uri is not None:
                report["policy_path"] = uri
            _row_from_inventory(row, report["inventory"])
            _row_from_audit(row, report)
        elif "inventory" not in row:
            _row_from_inventory(row, appaudit.scan(target, **kw))
    except appaudit.AppauditError as e:
        row["error"], row["error_kind"] = str(e), type(e).__name__
    except OSError as e:
        row["error"], row["error_kind"] = f"{path}: cannot read: {e}", "ReadError"
    except Exception as e:  # a bug must not lose the input: record it
        row["error"], row["error_kind"] = f"{path}: {type(e).__name__}: {e}", "InternalError"
    row["seconds"] = time.perf_counter() - start
    return row


class _Scanner:
    """The Ray Data actor: one per worker, keeps appaudit's compiled knowledge warm."""

    def __init__(self, settings: ScanSettings):
        self.settings = settings

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows = []
        for item in batch.to_pylist():
            row = scan_one(item["path"], item.get("policy"), item.get("expect_sha"), self.settings)
            if row is not None:
                rows.append(row)
        return pa.Table.from_pylist(rows, schema=SCHEMA)


# --- the job ------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did."""

    inputs: int
    skipped: int
    scanned: int
    failed: int
    lost_retried: int
    #: From the first task to the last row written (what apps/s is over).
    seconds: float
    #: Listing inputs, reading earlier results, starting or joining Ray.
    startup_seconds: float = 0.0

    @property
    def apps_per_second(self) -> float:
        done = self.scanned + self.failed
        return done / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"appaudit batch: {self.inputs} inputs, {self.skipped} already done, {self.scanned} scanned, "
            f"{self.failed} failed, {self.lost_retried} retried alone after worker deaths; "
            f"{self.seconds:.1f} s, {self.apps_per_second:.2f} apps/s (+{self.startup_seconds:.1f} s to start)"
        )


def _out_fs(out: str) -> Tuple[pafs.FileSystem, str]:
    if _is_uri(out):
        return _fs_for(out)
    return pafs.LocalFileSystem(), os.path.abspath(out)


def _existing(fs: pafs.FileSystem, root: str, columns: List[str]) -> pa.Table:
    info = fs.get_file_info(root)
    if info.type == pafs.FileType.NotFound:
        return pa.table({c: pa.array([], SCHEMA.field(c).type) for c in columns})
    files = [f.path for f in fs.get_file_info(pafs.FileSelector(root, recursive=True)) if f.path.endswith(".parquet")]
    if not files:
        return pa.table({c: pa.array([], SCHEMA.field(c).type) for c in columns})
    return pa.concat_tables([pq.read_table(f, filesystem=fs, columns=columns) for f in files])


def _validate_address(address: str) -> None:
    if address == "auto" or address.startswith("ray://"):
        return
    if re.fullmatch(r"[A-Za-z0-9.\-]+:\d{1,5}", address) or re.fullmatch(r"\[[0-9A-Fa-f:]+\]:\d{1,5}", address):
        return
    raise BatchError(f"invalid --address {address!r}: expected HOST:PORT (from `ray start --head`), ray://HOST:PORT or auto")


def _probe_address(address: str, timeout: float = 10.0) -> None:
    """Fails fast when nothing answers at the cluster address (`ray.init` would wait minutes)."""
    if address == "auto":
        return
    hostport = address[len("ray://") :] if address.startswith("ray://") else address
    host, _, port = hostport.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as e:
        raise BatchError(f"cannot reach the Ray cluster at --address {address}: {e}") from e


def _init_ray(address: Optional[str], workers: int, threads: int) -> None:
    import ray

    env = {"env_vars": {"RAYON_NUM_THREADS": str(threads)}}
    if os.environ.get("APPAUDIT_BATCH_KILL_WORKER"):
        env["env_vars"]["APPAUDIT_BATCH_KILL_WORKER"] = os.environ["APPAUDIT_BATCH_KILL_WORKER"]
    try:
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, runtime_env=env, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(address=address, runtime_env=env, log_to_driver=False, logging_level="ERROR")
    except Exception as e:
        raise BatchError(f"cannot connect to the Ray cluster at {address}: {e}") from e


def _write(ds, out: str, run_id: str, fs: pafs.FileSystem, root: str) -> None:
    from ray.data.datasource import FilenameProvider

    class _Names(FilenameProvider):
        def get_filename_for_task(self, write_uuid, task_index):
            return f"part-{run_id}-{write_uuid}-{task_index:06d}"

    ds.write_parquet(root, filesystem=fs, filename_provider=_Names())


def run(
    inputs: Sequence[str],
    out: str,
    *,
    policy_map: Optional[str] = None,
    address: Optional[str] = None,
    workers: int = 2,
    threads_per_worker: int = 1,
    skip_code_scan: bool = False,
    limits: Optional[Dict[str, int]] = None,
    fail_on: Optional[str] = None,
    files_per_task: Optional[int] = None,
    task_retries: int = 3,
    progress: Optional[bool] = None,
) -> Summary:
    """Runs the job; returns its summary. Raises :class:`BatchError` before any work for bad
    arguments (an invalid address, a missing input, a bad manifest)."""
    if address is not None:
        _validate_address(address)
        _probe_address(address)
    if workers < 1 or threads_per_worker < 1 or (files_per_task is not None and files_per_task < 1):
        raise BatchError("--workers, --threads-per-worker and --files-per-task must be at least 1")
    by_path, by_package = load_policy_map(policy_map) if policy_map else ({}, {})
    items = expand_inputs(inputs)
    if not items:
        raise BatchError(f"no app or SDK files found in {list(inputs)}")
    for it in items:
        if it["policy"] is None:
            it["policy"] = by_path.get(it["path"])
    if files_per_task is None:
        # About four tasks per worker for a small run, at most 64 inputs per task: Ray's cost
        # per task (tens of ms) stays small next to the scans, and a task that must be retried
        # after a worker death redoes little.
        files_per_task = max(1, min(64, -(-len(items) // (workers * 4))))
    fs, root = _out_fs(out)
    done = _existing(fs, root, ["path", "sha256"])
    known = {p: s for p, s in zip(done.column("path").to_pylist(), done.column("sha256").to_pylist()) if s}
    for it in items:
        it["expect_sha"] = known.get(it["path"])
    started = time.perf_counter()
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    settings = ScanSettings(
        skip_code_scan=skip_code_scan, limits=limits, policy_by_package=by_package or None, fail_on=fail_on, run_id=run_id
    )

    _init_ray(address, workers, threads_per_worker)
    import ray
    import ray.data

    start = time.perf_counter()

    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray").setLevel(logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = sys.stderr.isatty() if progress is None else progress
    # A block whose worker died on every retry is dropped here and retried alone below.
    ctx.max_errored_blocks = -1
    fs.create_dir(root, recursive=True)

    def job(batch_items: List[Dict[str, Any]], per_task: int, alone: bool = False) -> None:
        blocks = max(1, (len(batch_items) + per_task - 1) // per_task)
        ds = ray.data.from_items(batch_items, override_num_blocks=blocks)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = ds.map_batches(
                _Scanner,
                fn_constructor_args=(settings,),
                batch_size=per_task,
                batch_format="pyarrow",
                # Alone: one task at a time per worker, so an input that kills its worker
                # takes no other input's task down with it.
                compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1 if alone else None),
                num_cpus=threads_per_worker,
                # A dead worker is restarted and its task retried `task_retries` times.
                max_restarts=-1,
                max_task_retries=task_retries,
            )
        _write(ds, out, run_id, fs, root)

    try:
        job(items, files_per_task)
        written = set(_this_run(fs, root, run_id).column("path").to_pylist())
        # Inputs without a row of this run and none before: their task failed on every try.
        lost = [it for it in items if it["path"] not in written and it["expect_sha"] is None]
        if lost:
            job(lost, 1, alone=True)
            written = set(_this_run(fs, root, run_id).column("path").to_pylist())
            still = [it for it in lost if it["path"] not in written]
            if still:
                rows = [
                    {
                        "path": it["path"],
                        "policy": it["policy"],
                        "run_id": run_id,
                        "error": f"{it['path']}: the worker scanning it died on each of {task_retries + 1} tries, "
                        "alone on the last (a crash or the memory limit)",
                        "error_kind": "WorkerDied",
                    }
                    for it in still
                ]
                with fs.open_output_stream(f"{root}/part-{run_id}-lost.parquet") as f:
                    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), f)
    finally:
        if address is None:
            ray.shutdown()
    mine = _this_run(fs, root, run_id)
    _drop_superseded(fs, root, run_id, set(mine.column("path").to_pylist()))
    errors = mine.column("error").to_pylist()
    failed = sum(e is not None for e in errors)
    return Summary(
        inputs=len(items),
        skipped=len(items) - len(set(mine.column("path").to_pylist())),
        scanned=len(errors) - failed,
        failed=failed,
        lost_retried=len(lost),
        seconds=time.perf_counter() - start,
        startup_seconds=start - started,
    )


def _parts(fs: pafs.FileSystem, root: str) -> List[str]:
    return sorted(f.path for f in fs.get_file_info(pafs.FileSelector(root, recursive=True)) if f.path.endswith(".parquet"))


def _this_run(fs: pafs.FileSystem, root: str, run_id: str) -> pa.Table:
    """The `path` and `error` of every row this run wrote (told by its `run_id` column)."""
    cols = ["path", "error", "run_id"]
    files = _parts(fs, root)
    if not files:
        return pa.table({c: pa.array([], pa.string()) for c in cols})
    table = pa.concat_tables([pq.read_table(f, filesystem=fs, columns=cols) for f in files])
    return table.filter(pa.compute.equal(table.column("run_id"), run_id))


def _drop_superseded(fs: pafs.FileSystem, root: str, run_id: str, rescanned: set) -> None:
    """Rows of earlier runs for inputs this run scanned again (unreadable before, or changed
    since) are removed, so the dataset keeps one row per input."""
    for f in _parts(fs, root):
        head = pq.read_table(f, filesystem=fs, columns=["path", "run_id"])
        stale = [p in rescanned and r != run_id for p, r in zip(head.column("path").to_pylist(), head.column("run_id").to_pylist())]
        if not any(stale):
            continue
        kept = pq.read_table(f, filesystem=fs).filter(pa.array([not x for x in stale]))
        if kept.num_rows == 0:
            fs.delete_file(f)
            continue
        tmp = f + ".tmp"
        with fs.open_output_stream(tmp) as o:
            pq.write_table(kept, o)
        fs.move(tmp, f)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m appaudit.batch", description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="folder, glob, file, or CSV/Parquet manifest (local or s3://, gs://)")
    p.add_argument("--out", required=True, help="output Parquet dataset folder (local or object storage)")
    p.add_argument("--policy-map", metavar="CSV", help="CSV with `policy` and `path` or `package` columns")
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1), help="parallel scans (default: CPU count)")
    p.add_argument("--threads-per-worker", type=int, default=1, help="threads inside one scan (default 1)")
    p.add_argument("--files-per-task", type=int, help="inputs per Ray task (default: inputs / (4 x workers), at most 64)")
    p.add_argument("--retries", type=int, default=3, help="retries of a task whose worker died (default 3)")
    p.add_argument("--skip-code-scan", action="store_true", help="no bytecode pass (about twice as fast)")
    p.add_argument("--fail-on", choices=["info", "low", "medium", "high"], help="audit gate severity for the verdict column")
    for name in ("max-entry-mib", "max-total-mib", "max-entries", "max-dex-mib"):
        p.add_argument(f"--{name}", type=int, help="limit, as for `appaudit scan`")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a = p.parse_args(argv)
    limits = {k: getattr(a, k) for k in ("max_entry_mib", "max_total_mib", "max_entries", "max_dex_mib") if getattr(a, k) is not None}
    try:
        summary = run(
            a.inputs,
            a.out,
            policy_map=a.policy_map,
            address=a.address,
            workers=a.workers,
            threads_per_worker=a.threads_per_worker,
            skip_code_scan=a.skip_code_scan,
            limits=limits or None,
            fail_on=a.fail_on,
            files_per_task=a.files_per_task,
            task_retries=a.retries,
            progress=False if a.quiet else None,
        )
    except BatchError as e:
        print(f"appaudit batch: error: {e}", file=sys.stderr)
        return 2
    print(summary.line(), file=sys.stderr)
    return 0 if summary.failed == 0 else 2


if __name__ == "__main__":
    # Run the importable module's main, so Ray pickles `appaudit.batch` classes by reference.
    from appaudit.batch import main as _main

    sys.exit(_main())
