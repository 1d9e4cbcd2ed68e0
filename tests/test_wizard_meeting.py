"""The wizard's meeting keys: f3 shows what changed since the last export (or a moment typed
there), gates that flipped first, as literal text; f4 records a decision in words or the
go/no-go decision as the person answering, and a refusal keeps the dialog open with why."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.packview import digest
from app.tui.screens.decision import DecisionDialog
from app.tui.screens.since import SinceScreen
from app.tui.widgets.text_lines import TextLines

SIZE = (80, 24)
HOSTILE = "[red]Acme[/red] \x1b[31mModels"


def _notice(app) -> str:
    """The notice's text, its wrapped rows joined again."""
    return " ".join(app.screen.query_one("#notice", TextLines).plain.split())


def _lines(app) -> list[str]:
    return [str(w.render()) for w in app.screen.query("#since-lines Static").results(Static)]


def _error(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def assessment(store: Store, packset):
    session = Session.create(store, packset, "Kickoff")
    session.add_participant("Ana Ruiz", "lead")
    session.answer("vendor_name", HOSTILE, answered_by="Ana Ruiz")
    session.answer("vendor_dpa_signed", "no", answered_by="Ana Ruiz")  # → red: no DPA
    return session


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_since_lists_the_gate_that_flipped_first_and_hostile_text_literally(
    store, packset, assessment
):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SinceScreen)
        lines = _lines(app)
        assert "since its creation" in lines[0]
        gates_at = next(i for i, line in enumerate(lines) if line.startswith("Gates that"))
        answers_at = next(i for i, line in enumerate(lines) if line.startswith("Answers"))
        assert gates_at < answers_at
        assert any("✗ RED" in line and "No data processing agreement" in line for line in lines)
        shown = "\n".join(lines)
        assert "[red]Acme[/red]" in shown  # as typed, never read as markup
        assert "\x1b" not in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, SinceScreen)


async def test_since_a_moment_typed_and_a_bad_one(store, packset, assessment):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await _type(pilot, "last week")
        await pilot.press("enter")
        await pilot.pause()
        error = _error(app, "#since-error")
        assert "'last week' is not a date" in error and "--since" not in error
        field = app.screen.query_one("#since-input", Input)
        field.value = "2999-01-01"
        await pilot.press("enter")
        await pilot.pause()
        assert _error(app, "#since-error") == ""
        lines = _lines(app)
        assert "since 2999-01-01T00:00:00Z" in lines[0]
        assert "No changes." in lines


async def test_since_follows_the_last_export(store, packset, assessment, tmp_path):
    from app.tui.packview import export

    export(assessment, tmp_path / "out")
    assessment.answer("vendor_dpa_signed", "yes", answered_by="Ana Ruiz")
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        lines = _lines(app)
        assert "since the last export" in lines[0]
        assert any(line.startswith("  ✔ CLEAR ← ✗ RED") for line in lines)
        assert not any("vendor_name" in line for line in lines)  # answered before the export


async def test_decide_records_a_note_by_the_person_answering(store, packset, assessment):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.answering_as = "Ana Ruiz"
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)
        await _type(pilot, "Sign the DPA before go-live")
        gates = app.screen.query_one("#decision-gate", OptionList)
        gates.highlighted = 1  # the first gate listed: an open one
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionDialog)
        notice = _notice(app)
        assert "Decision recorded" in notice and "Sign the DPA" in notice
    (decision,) = Session.open(store, packset, assessment.id).decisions()
    assert decision.text == "Sign the DPA before go-live"
    assert decision.decided_by == "Ana Ruiz"
    assert decision.gate_id == "vendor_no_dpa"


async def test_decide_an_empty_note_is_refused_and_the_dialog_stays(store, packset, assessment):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)
        assert "cannot be empty" in _error(app, "#decision-error")
    assert Session.open(store, packset, assessment.id).decisions() == []


async def test_decide_the_verdict_needs_a_person_then_an_override_over_no_go(
    store, packset, assessment
):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#decision-kind", OptionList).highlighted = 1  # GO
        await pilot.press("enter")
        await pilot.pause()
        assert "say who is deciding" in _error(app, "#decision-error")
        await pilot.press("escape")
        app.screen.answering_as = "Ana Ruiz"
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#decision-kind", OptionList).highlighted = 1  # GO
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)
        assert "override" in _error(app, "#decision-error").lower()
        app.screen.query_one("#decision-override", Input).value = "CFO accepts the risk"
        app.screen.query_one("#decision-override", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionDialog)
        notice = _notice(app)
        assert "Decision: GO by Ana Ruiz" in notice
    session = Session.open(store, packset, assessment.id)
    (decision,) = session.decisions()
    assert (decision.verdict, decision.computed_verdict) == ("GO", "NO-GO")
    assert decision.override == "CFO accepts the risk"
    assert decision.digest == digest(session)


async def test_the_palette_lists_the_meeting_keys(store, packset, assessment):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Changes since…" in titles and "Record a decision" in titles


# -- the meeting clock ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _timebox(app) -> str:
    from app.tui.widgets.meeting_header import Timebox

    return str(app.screen.query_one(Timebox).render())


def _open_wizard(app, session, minutes=None, clock=None):
    from app.tui.screens.wizard import WizardScreen

    app.push_screen(WizardScreen(session, minutes=minutes, clock=clock))


async def test_without_minutes_the_header_has_no_clock(store, packset, assessment):
    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _timebox(app) == ""
        assert app.screen.timekeeper is None


async def test_the_header_counts_the_area_against_its_box_and_says_over(store, packset, assessment):
    clock = Clock()
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SIZE) as pilot:
        _open_wizard(app, assessment, minutes=10, clock=clock)
        await pilot.pause()
        keeper = app.screen.timekeeper
        (box,) = keeper.boxes  # one area (the example pack): all ten minutes
        assert box.minutes == 10
        assert _timebox(app) == "⏱ Model vendor 0:00 of 10 min"
        clock.now += 125
        app.screen.show_time()
        assert _timebox(app) == "⏱ Model vendor 2:05 of 10 min"
        clock.now += 600
        app.screen.show_time()
        assert _timebox(app) == "! Model vendor 12:05 of 10 min · over · f6"


async def test_f6_goes_to_the_next_area_with_a_box(store, tmp_path):
    from app.core.agenda import timeboxes
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    session = Session.create(store, shipped, "Kickoff")
    session.answer("oncall_rotation", "no")  # production: a red gate
    boxes = timeboxes(shipped, session.agenda(), 45)
    areas = [b.area for b in boxes]
    app = make_app(store=store, packset=shipped)
    async with app.run_test(size=(120, 36)) as pilot:
        _open_wizard(app, session, minutes=45, clock=Clock())
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in areas:
            await pilot.press("f6")
            await pilot.pause()
            here = shipped.question_pack[screen.current]
            seen.append(here)
            assert screen.timekeeper.area == here
            assert _timebox(app).startswith(f"⏱ {shipped.pack(here).title} 0:00 of ")
        assert sorted(seen) == sorted(areas)  # each area with a box, once round


async def test_keep_time_from_the_palette_asks_the_minutes(store, packset, assessment):
    from app.tui.screens.dialogs import TextDialog

    app = make_app(store=store, packset=packset, open_ref=assessment.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.action_keep_time()
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "zero"
        await pilot.press("enter")
        await pilot.pause()
        assert "not a number of minutes" in _notice(app)
        assert app.screen.timekeeper is None
        app.screen.action_keep_time()
        await pilot.pause()
        app.screen.query_one(Input).value = "20"
        await pilot.press("enter")
        await pilot.pause()
        assert "Keeping 20 min: Model vendor 20" in _notice(app)
        assert _timebox(app).startswith("⏱ Model vendor 0:0")
