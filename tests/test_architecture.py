"""The architecture contracts in `.importlinter` (floors, a pure core, front ends apart) hold.

`.ci/run` runs `lint-imports` too; this keeps the contracts in the README's one test command.
The subprocess tests in test_cli_core.py prove the other half: what each command loads at run
time (import-linter reads imports; it cannot see what is imported lazily, on purpose)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.fail("lint-imports is missing: install the test extras, pip install -e '.[test]'")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
