"""Pilot tests for the wizard: drive an area, watch a gate turn red and clear, restart on the
same database and find every answer."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from app.core.engine import GateState
from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.wizard import WizardScreen
from app.tui.widgets.text_lines import TextLines

SIZE = (100, 32)
ANSWER_KEYS = {"enter", "space", "y", "n", "u", *"123456789"}


@pytest.fixture(autouse=True)
def _one_key_at_a_time(monkeypatch):
    """Press keys one by one, and after a key that may answer let the wizard's beat
    (ADVANCE_AFTER, 1 ms here) move it to the next question, as a person's typing does."""
    from textual.pilot import Pilot

    from app.tui.screens import wizard

    monkeypatch.setattr(wizard, "ADVANCE_AFTER", 0.001)  # Timer divides by it: not 0
    original = Pilot.press

    async def press(self, *keys):
        for key in keys:
            await original(self, key)
            if key in ANSWER_KEYS:
                await advance_settled(self)

    monkeypatch.setattr(Pilot, "press", press)


async def advance_settled(pilot) -> None:
    """Wait until a pending move to the next question has happened (a few event-loop turns)."""
    for _ in range(20):
        timer = getattr(pilot.app.screen, "_advance_timer", None)
        if timer is None or timer._task is None or timer._task.done():
            break
        await pilot.pause()
    await pilot.pause()


def _gate_panel(app) -> str:
    return app.screen.query_one("#gate-panel", TextLines).plain


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


async def test_drive_an_area_gate_turns_red_then_clears_and_survives_restart(tmp_path, packset):
    db = tmp_path / "wizard.db"
    with Store.open(db) as store:
        slug = store.create("Vendor check", packs=packset.versions()).slug

    store = Store.open(db)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.current == "vendor_name"
        await _type(pilot, "Acme | <b>Models</b>")
        assert wizard.current == "vendor_dpa_signed"

        await pilot.press("n")  # no DPA: the red gate fires at once
        await pilot.pause()
        assert wizard.session.evaluation.gates["vendor_no_dpa"].state is GateState.red
        assert "✗ RED     No data processing" in _gate_panel(app)
        assert "NO-GO" in app.screen.sub_title
        notice = app.screen.query_one("#notice", TextLines).plain.splitlines()
        gate = packset.gates["vendor_no_dpa"]
        assert notice == [
            "after: Is a data processing agreement with the provider signed?",
            "✗ RED  No data processing agreement",
            gate.why,
            'because vendor_dpa_signed=no == "no"',
            f"fix: {gate.fix}",
        ]
        # On screen a line longer than the notice is cut at a word, never mid-word; ctrl+l
        # shows it all.
        panel = app.screen.query_one("#notice", TextLines)
        for y in range(panel.content_size.height):
            shown = panel.render_line(y).text.rstrip()
            if shown.endswith("…"):
                assert notice[y].startswith(shown[:-1].rstrip() + " "), shown
        await pilot.press("ctrl+l")
        await pilot.pause()
        story = " ".join(str(w.render()) for w in app.screen.query(".change"))
        assert gate.why in story and gate.fix in story and "because vendor_dpa_signed=no" in story
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("ctrl+b")
        assert wizard.current == "vendor_dpa_signed"
        await pilot.press("y")  # fixed: the gate clears without leaving the screen
        await pilot.pause()
        assert wizard.session.evaluation.gates["vendor_no_dpa"].state is GateState.clear
        assert "No data processing" not in _gate_panel(app)
        assert app.screen is wizard

        assert wizard.current == "vendor_region"
        await pilot.press("2")  # US only: the transfer-basis question appears
        assert "vendor_eu_transfer_basis" in wizard.order
        await pilot.press("3", "2")  # two scale questions
        await _type(pilot, "0.02")
        await _type(pilot, "10000")
        await _type(pilot, "50000")  # 0.02 * 10,000 * 10 * 30 = 60,000 > 50,000: red
        await pilot.pause()
        assert wizard.session.evaluation.gates["vendor_cost_over_budget"].state is GateState.red
        await pilot.press("ctrl+b")
        assert wizard.current == "vendor_monthly_budget"
        typed = app.screen.query_one("#typed", Input)
        typed.value = ""
        await _type(pilot, "60000")
        await pilot.pause()
        assert wizard.session.evaluation.gates["vendor_cost_over_budget"].state is GateState.clear
        await _type(pilot, "https://example.com/scc.pdf")
    store.close()

    with Store.open(db) as reopened:
        answers = {k: r.value for k, r in reopened.answers(reopened.get(slug).id).items()}
    assert answers == {
        "vendor_name": "Acme | <b>Models</b>",
        "vendor_dpa_signed": "yes",
        "vendor_region": "us",
        "vendor_exit_plan": 3,
        "vendor_support": 2,
        "vendor_cost_per_call": 0.02,
        "vendor_calls_per_day": 10000,
        "vendor_monthly_budget": 60000,
        "vendor_eu_transfer_basis": "https://example.com/scc.pdf",
    }

    # Restart the app on the same file: every answer is there, and the wizard resumes.
    app = make_app(store=Store.open(db), packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.screen.session.answers) == 9
        assert app.screen.session.evaluation.verdict.value == "GO"
    app.store.close()


async def test_a_notice_of_several_gates_shows_every_gate(packset, store):
    from app.core.engine import GateChange

    slug = store.create("Vendor check", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gates = list(packset.gates.values())[:3]
        moved = [GateChange(g, GateState.clear, GateState.red) for g in gates]
        app.screen._announce(moved, "vendor_name")
        await pilot.pause()
        notice = app.screen.query_one("#notice", TextLines)
        shown = [notice.render_line(y).text for y in range(notice.content_size.height)]
        assert shown[0].startswith("after: Which provider serves the model")
        for gate, line in zip(gates, shown[1:], strict=False):
            assert line.startswith(f"✗ RED  {gate.title}")


async def test_bad_value_is_refused_and_kept(tmp_path, packset, store):
    slug = store.create("Bad input", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")  # nothing answered: the first question again
        wizard = app.screen
        wizard.show_question("vendor_calls_per_day")
        await _type(pilot, "lots")
        assert "vendor_calls_per_day" not in wizard.session.answers
        assert app.screen.query_one("#typed", Input).value == "lots"
        assert "not a number" in str(app.screen.query_one("#hint", Static).render())


async def test_store_error_is_a_message_not_a_crash(tmp_path, packset, store, monkeypatch):
    from app.store.errors import StoreError

    slug = store.create("Locked", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def locked(*args, **kwargs):
            raise StoreError("database is locked by another process (wizard.db)")

        monkeypatch.setattr(store, "save_answer", locked)
        await _type(pilot, "Acme")
        await pilot.pause()
        assert app.screen.query_one("#typed", Input).value == "Acme"
        assert any("locked" in str(n.message) for n in app._notifications)
        assert app.screen.session.answers == {}


async def test_home_empty_state_and_new(tmp_path, packset, store):
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "No assessments yet" in str(app.screen.query_one("#empty", Static).render())
        await pilot.press("n")
        await _type(pilot, "Claims triage")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert [a.slug for a in store.assessments()] == ["claims-triage"]


async def test_participants_and_answering_as(tmp_path, packset, store):
    slug = store.create("People", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"Ana Ruiz", "tab", *"security", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        wizard = app.screen
        await pilot.press("f2")
        assert wizard.answering_as == "Ana Ruiz"
        await _type(pilot, "Acme")
    record = store.answers(store.get(slug).id)["vendor_name"]
    assert record.answered_by == "Ana Ruiz"


async def test_gate_board_edits_follow_up_and_waiver(tmp_path, packset, store):
    slug = store.create("Board", packs=packset.versions()).slug
    session = Session.open(store, packset, slug)
    session.answer("vendor_dpa_signed", "no")
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        board = app.screen
        rows = [board.query_one("DataTable").get_row_at(i) for i in range(3)]
        assert "No data processing agree" in str(rows[0][1])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Lee Chan", "tab", *"2026-12-15")
        dialog = app.screen
        dialog.query_one("#reason", Input).value = "Pilot uses synthetic data only"
        dialog.query_one("#approver", Input).value = "CISO"
        dialog.query_one("#expires", Input).value = "2099-01-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
    followup = store.followups(store.get(slug).id)["vendor_no_dpa"]
    assert (followup.owner, followup.due) == ("Lee Chan", "2026-12-15")
    assert store.waivers(store.get(slug).id)["vendor_no_dpa"].approver == "CISO"
    assert (
        Session.open(store, packset, slug).evaluation.gates["vendor_no_dpa"].state.value == "waived"
    )


async def test_home_shows_the_newest_page_and_says_how_to_reach_the_rest(
    monkeypatch, packset, store
):
    from app.tui.screens import home

    monkeypatch.setattr(home, "HOME_LIMIT", 2)
    for name in ("Oldest", "Middle", "Newest"):
        store.create(name, packs=packset.versions())
    store.rename("newest", "Newest pilot")  # the latest change comes first
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#assessments")
        assert [k.value for k in table.rows] == ["newest", "middle"]
        more = app.screen.query_one("#more", Static)
        assert more.display and "2 most recently changed of 3" in str(more.render())
        assert "preflight open SLUG" in str(more.render())


async def test_home_fills_the_rest_of_a_long_list_after_the_first_screenful(packset, store):
    for n in range(60):
        store.create(f"Pilot {n:02d}", packs=packset.versions())
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#assessments")
        # Two reloads in a row (archived on, off) must not leave the first one's rows behind.
        await pilot.press("h", "h")
        for _ in range(3):
            await pilot.pause()
        keys = [k.value for k in table.rows]
        assert len(keys) == 60 and len(set(keys)) == 60
        assert keys[0] == "pilot-59" and keys[-1] == "pilot-00"  # newest first, all of them


# -- every kind, and nothing typed is lost ----------------------------------------------------


async def _kinds_app(store, kinds_packset):
    slug = store.create("Kinds", packs=kinds_packset.versions()).slug
    return make_app(store=store, packset=kinds_packset, open_ref=slug), slug


async def test_typed_text_is_saved_when_moving_on_without_enter(store, kinds_packset):
    app, slug = await _kinds_app(store, kinds_packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_question("k_number")
        await pilot.press("4", "2", "ctrl+n")  # no enter
        await pilot.pause()
        assert app.screen.current == "k_person"
        await pilot.press(*"Ana Ruiz (security)", "ctrl+b")
        await pilot.pause()
        assert app.screen.current == "k_number"
        assert store.answers(store.get(slug).id)["k_number"].value == 42
        # Back on a typed answer the cursor sits at the end: backspace takes the last digit.
        await pilot.press("backspace", "enter")
        await pilot.pause()
    answers = {k: r.value for k, r in store.answers(store.get(slug).id).items()}
    assert answers["k_number"] == 4
    assert answers["k_person"] == {"name": "Ana Ruiz", "role": "security"}


async def test_a_bad_typed_answer_keeps_you_there_until_fixed_or_emptied(store, kinds_packset):
    app, slug = await _kinds_app(store, kinds_packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_question("k_date")
        await pilot.press(*"2026-02-30", "ctrl+n")
        await pilot.pause()
        assert app.screen.current == "k_date"
        assert "not a day in the calendar" in str(app.screen.query_one("#hint", Static).render())
        app.screen.query_one("#typed", Input).value = ""
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.current == "k_evidence"
    assert "k_date" not in store.answers(store.get(slug).id)


async def test_multi_ticks_show_a_symbol_and_save_at_once(store, kinds_packset):
    app, slug = await _kinds_app(store, kinds_packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.show_question("k_multi")
        await pilot.pause()
        await pilot.press("space", "3")
        await pilot.pause()
        ticks = app.screen.query_one("#multi")
        prompts = [str(ticks.get_option_at_index(i).prompt) for i in range(3)]
        assert prompts == ["☑ 1  X", "☐ 2  Y", "☑ 3  Z"]
        assert store.answers(store.get(slug).id)["k_multi"].value == ["x", "z"]
        await pilot.press("1", "3", "enter")  # untick both: an empty answer, then go on
        await pilot.pause()
        assert app.screen.current == "k_scale"
    assert store.answers(store.get(slug).id)["k_multi"].value == []


async def test_a_note_can_be_removed(store, kinds_packset):
    app, slug = await _kinds_app(store, kinds_packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#note", Input).value = "said in the kickoff"
        await pilot.press("y")
        await pilot.pause()
        assert store.answers(store.get(slug).id)["k_yes"].note == "said in the kickoff"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.screen.query_one("#note", Input).value == "said in the kickoff"
        app.screen.query_one("#note", Input).value = ""
        await pilot.press("ctrl+n")  # leaving saves the emptied note
        await pilot.pause()
    assert store.answers(store.get(slug).id)["k_yes"].note is None
    history = store.history(store.get(slug).id, "k_yes")
    assert [h.note for h in history][-1] is None
