"""A gate that clears only because a stricter gate on the same question fired is not good news:
golden set 12 takes "Golden set below 50 cases" (amber) out, because "No usable golden set"
turns red. The wizard's notice and plain mode's gate lines say "superseded by", never "cleared"."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from app.core.engine import GateChange, GateState, changes, evaluate
from app.core.packs import load_packs
from app.core.supersede import SUPERSEDED, superseded
from app.quick import lines
from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.gate_notice import notice_text
from app.tui.screens import wizard as wizard_module
from app.tui.widgets.text_lines import TextLines

PACKS = Path(__file__).resolve().parent.parent / "questionnaires"


@pytest.fixture(scope="module")
def shipped():
    result = load_packs([PACKS / "acceptance.toml"])
    assert result.ok, result.problems
    return result.packset


def _golden(packset, before: int, after: int) -> list[GateChange]:
    return changes(
        evaluate(packset, {"golden_set_size": before}),
        evaluate(packset, {"golden_set_size": after}),
    )


def test_the_amber_gate_is_superseded_by_the_red_one(shipped):
    moved = _golden(shipped, 30, 12)
    states = {c.gate.id: c.after for c in moved}
    assert states == {"golden_set_small": GateState.clear, "golden_set_missing": GateState.red}
    by = superseded(shipped, moved)
    assert set(by) == {"golden_set_small"}
    assert by["golden_set_small"].id == "golden_set_missing"


def test_a_real_clear_is_still_good_news(shipped):
    moved = _golden(shipped, 30, 120)
    assert superseded(shipped, moved) == {}
    assert [line for line in lines.gate_lines(moved, packset=shipped)] == [
        "✔ CLEAR  Golden set below 50 cases — no longer amber"
    ]


def test_plain_mode_says_superseded_not_clear(shipped):
    printed = lines.gate_lines(_golden(shipped, 30, 12), packset=shipped)
    assert not any("CLEAR" in line for line in printed), printed
    assert f"{SUPERSEDED}  Golden set below 50 cases — by No usable golden set" in printed
    assert any(line.startswith("✗ RED  No usable golden set") for line in printed)


def test_the_notice_text_says_superseded_not_cleared(shipped):
    after = evaluate(shipped, {"golden_set_size": 12})
    notice, full = notice_text(shipped, after, _golden(shipped, 30, 12), "golden_set_size")
    assert "cleared" not in notice.plain and "CLEAR" not in notice.plain, notice.plain
    assert "superseded: Golden set below 50 cases (by No usable golden set)" in notice.plain
    assert "» SUPERSEDED  Golden set below 50 cases  (was ! AMBER)" in full.plain
    assert "by No usable golden set, a stricter gate on the same question" in full.plain


async def test_the_wizard_tells_a_typed_12_as_superseded(tmp_path, shipped, monkeypatch):
    monkeypatch.setattr(wizard_module, "ADVANCE_AFTER", 0.001)
    monkeypatch.setattr(wizard_module, "SETTLE_AFTER", 0.2)
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        slug = Session.create(store, shipped, "Golden").assessment.slug
    app = make_app(store=Store.open(db), packset=shipped, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        wizard = app.screen
        for typed in ("30", "12"):
            wizard.go("golden_set_size")
            await pilot.pause()
            app.screen.query_one("#typed", Input).value = ""
            for key in typed:
                await pilot.press(key)
            await pilot.press("enter")
            await pilot.pause(0.05)
        notice = app.screen.query_one("#notice", TextLines).plain
        assert "No usable golden set" in notice
        assert "superseded: Golden set below 50 cases" in notice
        assert "cleared" not in notice, notice
    app.store.close()
