"""Shared fixtures: a store on a temporary file and the example pack set."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.packs import load_packs
from app.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "preflight.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def packset():
    result = load_packs([EXAMPLES])
    assert result.ok, result.problems
    return result.packset
