"""Shared fixtures: the repository, the CLI binary the results are compared with, the corpus.

The CLI is the oracle for "the same JSON the CLI prints": ``APPAUDIT_BIN`` names it, else
``target/debug/appaudit`` (built with ``cargo build --bin appaudit`` when missing).
The real-input corpus comes from ``scripts/fetch-corpus.sh`` (``APPAUDIT_CORPUS``, default
``~/.cache/appaudit-corpus``); without it the corpus tests fail, unless
``APPAUDIT_SKIP_CORPUS=1`` says the run knowingly has none.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_APK = REPO / "samples" / "appaudit-demo.apk"
DEMO_POLICY = REPO / "samples" / "appaudit-demo-privacy.txt"


def _cli_path() -> Path:
    given = os.environ.get("APPAUDIT_BIN")
    if given:
        return Path(given).resolve()  # relative to where pytest was started
    path = REPO / "target" / "debug" / "appaudit"
    if not path.exists():
        subprocess.run(["cargo", "build", "--bin", "appaudit"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def cli_bin() -> Path:
    return _cli_path()


@pytest.fixture(scope="session")
def cli(cli_bin, tmp_path_factory):
    """Runs the CLI in an empty folder (no appaudit.toml); returns (exit code, stdout, stderr)."""
    cwd = tmp_path_factory.mktemp("cli-cwd")

    def run(*args: str) -> Tuple[int, str, str]:
        p = subprocess.run([str(cli_bin), *map(str, args)], cwd=cwd, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    def run(*args: str):
        code, out, err = cli(*args)
        assert code in (0, 1), f"appaudit {args} failed ({code}): {err}"
        return json.loads(out)

    return run


def cli_error(stderr: str) -> str:
    """The message after the CLI's `appaudit: error: ` (a one-input command prints nothing else)."""
    prefix = "appaudit: error: "
    message = stderr[stderr.index(prefix) + len(prefix) :]
    assert message.endswith("\n"), stderr
    return message[:-1]  # eprintln's newline


@pytest.fixture(scope="session")
def corpus() -> Path:
    env = os.environ.get("APPAUDIT_CORPUS")
    path = Path(env) if env else Path.home() / ".cache" / "appaudit-corpus"
    if (path / "io.appium.settings@8.0.10").is_dir():
        return path
    if os.environ.get("APPAUDIT_SKIP_CORPUS") == "1":
        pytest.skip("APPAUDIT_SKIP_CORPUS=1: no real-input corpus")
    pytest.fail(f"the real-input corpus is missing at {path}: run scripts/fetch-corpus.sh")


@pytest.fixture(scope="session")
def shared() -> Path:
    env = os.environ.get("APPAUDIT_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    if not (path / "policies").is_dir():
        pytest.fail(f"the shared folder is missing at {path} (set APPAUDIT_SHARED)")
    return path
