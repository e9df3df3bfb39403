"""Type stubs of the Rust extension module (python/src/lib.rs). Use the wrappers in
``appaudit`` instead: they take paths, bytes and mappings and return parsed dicts."""

from typing import List, Optional, Sequence

__version__: str

def scan_path(
    path: str,
    *,
    max_entry_mib: Optional[int] = None,
    max_total_mib: Optional[int] = None,
    max_entries: Optional[int] = None,
    max_dex_mib: Optional[int] = None,
    skip_code_scan: bool = False,
    signatures: Sequence[str] = (),
) -> str:
    """Scans a file or bundle folder; the inventory as JSON text."""

def scan_bytes(
    name: str,
    data: bytes,
    *,
    max_entry_mib: Optional[int] = None,
    max_total_mib: Optional[int] = None,
    max_entries: Optional[int] = None,
    max_dex_mib: Optional[int] = None,
    skip_code_scan: bool = False,
    signatures: Sequence[str] = (),
) -> str:
    """Scans an input given as bytes; the inventory as JSON text."""

def read_policy(*, path: Optional[str] = None, text: Optional[str] = None, format: str = "auto") -> str:
    """Reads a policy file or text; the reading as JSON text."""

def audit(
    *,
    app_path: Optional[str] = None,
    app_name: Optional[str] = None,
    app_data: Optional[bytes] = None,
    policy_path: Optional[str] = None,
    policy_text: Optional[str] = None,
    policy_format: str = "auto",
    profile: Optional[str] = None,
    fail_on: Optional[str] = None,
    config: Optional[str] = None,
    max_entry_mib: Optional[int] = None,
    max_total_mib: Optional[int] = None,
    max_entries: Optional[int] = None,
    max_dex_mib: Optional[int] = None,
    skip_code_scan: bool = False,
    signatures: Sequence[str] = (),
) -> str:
    """Audits an app against a policy; the audit report as JSON text."""

def collect_inputs(dir: str) -> List[str]:
    """The inputs `appaudit scan DIR` finds, sorted."""

def is_scannable_name(name: str) -> bool:
    """True for a file name `appaudit scan DIR` treats as an input."""
