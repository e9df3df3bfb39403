"""appaudit: does what a mobile app collects match what its privacy policy says?

Three calls, each returning exactly the JSON the command line prints, as a ``dict``:

- :func:`scan` — ``appaudit scan APP --format json``: the app's inventory (permissions, SDKs,
  native libraries, data access with evidence); contract in ``docs/json-schema.md``.
- :func:`read_policy` — ``appaudit policy FILE --format json``: what a privacy policy declares.
- :func:`audit` — ``appaudit audit APP --policy FILE --format json``: findings, verdict, and
  both readings.

The Rust code runs with the GIL released, so threads scan in parallel. Errors are raised as
the classes in :mod:`appaudit._errors` (all subclasses of :class:`AppauditError`) with the
message the CLI prints. The store-scale batch job is :mod:`appaudit.batch`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _native
from ._errors import (
    AppauditError,
    ArchiveError,
    ConfigError,
    OptionsError,
    PolicyError,
    ReadError,
    SetupError,
    UnsupportedInputError,
)

__version__: str = _native.__version__

__all__ = [
    "scan",
    "read_policy",
    "audit",
    "collect_inputs",
    "is_scannable_name",
    "Limits",
    "AppauditError",
    "ReadError",
    "UnsupportedInputError",
    "ArchiveError",
    "SetupError",
    "PolicyError",
    "ConfigError",
    "OptionsError",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]
BytesLike = Union[bytes, bytearray, memoryview]

# Extensions `appaudit policy` reads by name; a string ending in one is taken as a path.
_POLICY_EXTENSIONS = (".txt", ".text", ".md", ".mdx", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".docx")


@dataclass(frozen=True)
class Limits:
    """Resource limits of a scan: the CLI's ``--max-entry-mib``, ``--max-total-mib``,
    ``--max-entries`` and ``--max-dex-mib`` (see ``docs/limits.md``). ``None`` keeps the default.
    """

    max_entry_mib: Optional[int] = None
    max_total_mib: Optional[int] = None
    max_entries: Optional[int] = None
    max_dex_mib: Optional[int] = None


_LIMIT_KEYS = tuple(f.name for f in fields(Limits))


def _limit_kwargs(limits: Union[None, Limits, Mapping[str, Optional[int]]]) -> Dict[str, Any]:
    if limits is None:
        return {}
    if isinstance(limits, Limits):
        values = {k: getattr(limits, k) for k in _LIMIT_KEYS}
    elif isinstance(limits, Mapping):
        unknown = sorted(set(limits) - set(_LIMIT_KEYS))
        if unknown:
            raise OptionsError(f"unknown limit {', '.join(unknown)} (known: {', '.join(_LIMIT_KEYS)})")
        values = dict(limits)
    else:
        raise TypeError(f"limits must be a Limits, a mapping or None, not {type(limits).__name__}")
    out: Dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionsError(f"{key} must be an integer, not {type(value).__name__}")
        if value < 1:
            raise OptionsError(f"{key} must be at least 1")
        out[key] = value
    return out


def _common(
    limits: Union[None, Limits, Mapping[str, Optional[int]]],
    skip_code_scan: bool,
    signatures: Optional[Iterable[PathLike]],
) -> Dict[str, Any]:
    kw = _limit_kwargs(limits)
    kw["skip_code_scan"] = bool(skip_code_scan)
    kw["signatures"] = [os.fspath(s) for s in (signatures or [])]
    return kw


def scan(
    path_or_bytes: Union[PathLike, BytesLike],
    *,
    limits: Union[None, Limits, Mapping[str, Optional[int]]] = None,
    skip_code_scan: bool = False,
    signatures: Optional[Iterable[PathLike]] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Scans one app or SDK file and returns its inventory (``appaudit scan APP --format json``).

    ``path_or_bytes`` is a path (APK, XAPK/APKS/APKM, AAB, JAR, AAR, DEX, ``.so``, IPA, an iOS
    ``.app``/``.framework`` folder) or the file's bytes; for bytes, ``name`` (default
    ``"<bytes>"``) stands for the path in the inventory and in errors, and its extension tells
    a ``.class`` or ``.aar`` apart. ``limits`` is a :class:`Limits` or a mapping of its fields;
    ``skip_code_scan`` skips the bytecode pass; ``signatures`` adds SDK signature folders.

    Raises :class:`ReadError`, :class:`UnsupportedInputError`, :class:`ArchiveError`,
    :class:`SetupError` or :class:`OptionsError`, with the CLI's message.
    """
    kw = _common(limits, skip_code_scan, signatures)
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        return json.loads(_native.scan_bytes(name if name is not None else "<bytes>", data, **kw))
    if isinstance(path_or_bytes, (str, os.PathLike)):
        return json.loads(_native.scan_path(os.fspath(path_or_bytes), **kw))
    raise TypeError(f"scan() takes a path or bytes, not {type(path_or_bytes).__name__}")


def _policy_kwargs(path_or_text: Union[PathLike, str], format: str, prefix: str) -> Dict[str, Any]:
    if isinstance(path_or_text, os.PathLike):
        return {f"{prefix}path": os.fspath(path_or_text)}
    if not isinstance(path_or_text, str):
        raise TypeError(f"a policy is a path or its text, not {type(path_or_text).__name__}")
    one_line = "\n" not in path_or_text and "\r" not in path_or_text and len(path_or_text) < 4096
    if one_line and (os.path.isfile(path_or_text) or path_or_text.lower().endswith(_POLICY_EXTENSIONS)):
        return {f"{prefix}path": path_or_text}
    return {f"{prefix}text": path_or_text, f"{prefix}format": format}


def read_policy(path_or_text: Union[PathLike, str], *, format: str = "auto") -> Dict[str, Any]:
    """Reads a privacy policy and returns the reading (``appaudit policy FILE --format json``).

    ``path_or_text`` is a path (text, Markdown, HTML, PDF or DOCX, any common encoding) or the
    policy's text. A ``str`` is a path when it is one line that names an existing file or ends
    in a policy extension (``.txt``, ``.md``, ``.html``, ``.pdf``, ``.docx`` …); otherwise it is
    the text, read as ``format``: ``"auto"`` (HTML when it looks like HTML, else plain text),
    ``"text"``, ``"markdown"`` or ``"html"``. Pass a :class:`pathlib.Path` to force a path.

    PDFs are read in this process (the CLI uses a child process); the extractor's panics are
    caught and raised as :class:`PolicyError`.
    """
    kw = _policy_kwargs(path_or_text, format, "")
    return json.loads(_native.read_policy(**kw))


def audit(
    app: Union[PathLike, BytesLike],
    policy: Union[PathLike, str],
    *,
    profile: Optional[str] = None,
    fail_on: Optional[str] = None,
    config: Optional[PathLike] = None,
    limits: Union[None, Limits, Mapping[str, Optional[int]]] = None,
    skip_code_scan: bool = False,
    signatures: Optional[Iterable[PathLike]] = None,
    name: Optional[str] = None,
    policy_format: str = "auto",
) -> Dict[str, Any]:
    """Audits an app against its privacy policy (``appaudit audit APP --policy P --format json``).

    ``app`` is as for :func:`scan`, ``policy`` as for :func:`read_policy`. ``profile`` picks the
    rules, as ``--profile`` does: ``"cn"``, ``"apple"``, ``"play"`` or ``"all"`` (the default); ``fail_on`` is the gate severity
    (``"info"``, ``"low"``, ``"medium"``, ``"high"``; default the config's, else high);
    ``config`` is an ``appaudit.toml`` (never looked up in the working directory, unlike the CLI).
    The report's ``verdict`` says pass or fail; no exception is raised for findings.
    """
    kw = _common(limits, skip_code_scan, signatures)
    if isinstance(app, (bytes, bytearray, memoryview)):
        kw["app_data"] = bytes(app)
        kw["app_name"] = name if name is not None else "<bytes>"
    elif isinstance(app, (str, os.PathLike)):
        kw["app_path"] = os.fspath(app)
    else:
        raise TypeError(f"audit() takes the app as a path or bytes, not {type(app).__name__}")
    pkw = _policy_kwargs(policy, policy_format, "policy_")
    kw.update(pkw)
    if config is not None:
        kw["config"] = os.fspath(config)
    return json.loads(_native.audit(profile=profile, fail_on=fail_on, **kw))


def collect_inputs(folder: PathLike) -> List[str]:
    """The files (and iOS bundle folders) ``appaudit scan FOLDER`` would scan, sorted."""
    return _native.collect_inputs(os.fspath(folder))


def is_scannable_name(name: str) -> bool:
    """True when ``appaudit scan FOLDER`` treats a file of this name as an input."""
    return _native.is_scannable_name(name)
