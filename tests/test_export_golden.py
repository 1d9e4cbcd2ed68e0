"""Golden files: the example pack with fixed answers and the shipped demo, byte for byte.

Regenerate with `PREFLIGHT_UPDATE_GOLDEN=1 pytest tests/test_export_golden.py`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import render_page
from app.export.write import render_pack_html
from tests.export_demo import demo_data
from tests.export_support import vendor_data

GOLDEN = Path(__file__).parent / "golden" / "export"
RENDER = {
    "receipts.md": render_page,
    "appendix.md": render_appendix,
    "receipts.json": render_json,
    "receipts.html": render_pack_html,
}
DATA = {"vendor": vendor_data, "demo": demo_data}


@pytest.mark.parametrize("part", sorted(RENDER))
@pytest.mark.parametrize("name", sorted(DATA))
def test_golden(name, part):
    text = RENDER[part](DATA[name]())
    path = GOLDEN / f"{name}-{part}"
    if os.environ.get("PREFLIGHT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no golden file {path}; run with PREFLIGHT_UPDATE_GOLDEN=1"
    assert text.encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("name", sorted(DATA))
def test_same_records_same_bytes(name):
    first, second = DATA[name](), DATA[name]()
    for render in RENDER.values():
        assert render(first) == render(second)


def test_demo_page_says_what_matters():
    page = render_page(demo_data())
    assert "## Verdict: ✗ NO-GO" in page
    assert "Packs: acceptance 1.2, data 1.1, security 1.1, production 1.2, adoption 1.3" in page
    assert "Monthly cost at 10x pilot traffic: 14,400 USD/month — ✗ OVER the budget" in page
    assert "Deployability rubric: 12 of 15 — Workable with care" in page
