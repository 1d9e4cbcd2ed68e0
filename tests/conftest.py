"""Shared fixtures: a clean environment, a store on a temporary file, the example pack set,
and running the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Before any test module loads packs at import time: never the user's own pack cache.
os.environ["PREFLIGHT_CACHE_DIR"] = tempfile.mkdtemp(prefix="preflight-test-cache-")

from app.core.packs import load_packs
from app.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
KINDS = ROOT / "tests" / "packs"
"""A small pack with one question of every kind."""


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path, tmp_path_factory):
    """Keep the user's database, packs, pack cache, crash logs and colour settings out of
    every test."""
    monkeypatch.setenv("PREFLIGHT_DB", str(tmp_path / "preflight.db"))
    monkeypatch.setenv("PREFLIGHT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path_factory.mktemp("pack-cache")))
    monkeypatch.delenv("PREFLIGHT_QUESTIONNAIRES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def run_python(code: str, env: dict | None = None, check: bool = False):
    """Run `code` in a fresh interpreter from the repo root, e.g. to see what a start imports."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=check,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


def run_cli(*args: str, db: Path | None = None, input: str | None = None, env=None, cwd=None):
    """Run `python -m app ARGS` as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})}
    if db is not None:
        full_env["PREFLIGHT_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=120,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def store(tmp_path):
    """A store on a temporary file."""
    with Store.open(tmp_path / "preflight.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def packset():
    """The example pack set (questionnaires/examples)."""
    result = load_packs([EXAMPLES])
    assert result.ok, result.problems
    return result.packset


@pytest.fixture(scope="session")
def kinds_packset():
    """tests/packs/kinds.toml: one question of every kind and a red gate on the number."""
    result = load_packs([KINDS])
    assert result.ok, result.problems
    return result.packset


def pytest_terminal_summary(terminalreporter):
    """The slowest fuzz cases of the run (tests/test_fuzz_packs.py), when it ran."""
    fuzz = next((m for n, m in list(sys.modules.items()) if n.endswith("test_fuzz_packs")), None)
    slowest = getattr(fuzz, "SLOWEST", None)
    if slowest:
        terminalreporter.write_sep("-", "slowest fuzz cases")
        for seconds, case in slowest:
            terminalreporter.write_line(f"{seconds:7.3f} s  {case[:160]}")
