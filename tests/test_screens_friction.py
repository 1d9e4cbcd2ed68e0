"""Friction found in a team kickoff at 80x24 and 120x36: enter does the obvious thing, every
screen lists its keys, confirmations sit on a line of the screen (never a toast over it), the
follow-up status reads without colour, the home screen keeps its verdicts in view, and the
receipts preview cuts nothing at 80 columns."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Footer, Input, Markdown, OptionList, Static

from app.session import Session
from app.tui.app import make_app
from app.tui.screens.dialogs import NewAssessmentDialog, TextDialog
from app.tui.screens.followup import FollowUpDialog
from app.tui.screens.home import HomeScreen, fit
from app.tui.screens.participants import ParticipantsScreen
from app.tui.screens.preview import PreviewScreen, fit_tables

SMALL = (80, 24)


def shown(app) -> str:
    """What the top screen draws, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _static(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _board_session(store, packset) -> str:
    slug = store.create("Board", packs=packset.versions()).slug
    Session.open(store, packset, slug).answer("vendor_dpa_signed", "no")
    return slug


# -- 1. enter does the obvious thing ---------------------------------------------------------


async def test_enter_in_the_name_moves_to_the_role_and_enter_there_adds(packset, store):
    slug = store.create("People", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ParticipantsScreen)
        await pilot.press(*"Ana Ruiz", "enter")
        await pilot.pause()
        assert app.focused is dialog.query_one("#role", Input)
        assert "✗" not in _static(app, "#notice")
        await pilot.press(*"security", "enter")
        await pilot.pause()
        assert [p.name for p in dialog.session.participants()] == ["Ana Ruiz"]
        assert "✔ Added Ana Ruiz (security)" in _static(app, "#notice")
        assert app.focused is dialog.query_one("#name", Input)
        # Both filled, enter in the name adds at once.
        dialog.query_one("#role", Input).value = "data owner"
        await pilot.press(*"Lee Chan", "enter")
        await pilot.pause()
        assert [p.name for p in dialog.session.participants()] == ["Ana Ruiz", "Lee Chan"]
        assert not app._notifications


async def test_enter_on_the_people_list_picks_the_highlighted_person(packset, store):
    slug = store.create("People", packs=packset.versions()).slug
    session = Session.open(store, packset, slug)
    session.add_participant("Ana Ruiz", "security")
    session.add_participant("Lee Chan", "data owner")
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        wizard = app.screen
        await pilot.press("ctrl+o")
        await pilot.pause()
        people = app.screen.query_one("#people", OptionList)
        assert people.highlighted == 0
        await pilot.press("shift+tab")  # from the name field back to the list
        await pilot.pause()
        assert app.focused is people
        await pilot.press("enter")  # no ↓ first
        await pilot.pause()
        assert app.screen is wizard and wizard.answering_as == "Ana Ruiz"


async def test_enter_in_a_follow_up_field_saves(packset, store):
    slug = _board_session(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        board = app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press(*"Lee Chan", "tab", *"2026-12-15", "enter")
        await pilot.pause()
        assert app.screen is board
    followup = store.followups(store.get(slug).id)["vendor_no_dpa"]
    assert (followup.owner, followup.due) == ("Lee Chan", "2026-12-15")


async def test_a_bad_follow_up_date_keeps_the_dialog_open_and_says_why(packset, store):
    slug = _board_session(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g", "enter")
        await pilot.pause()
        await pilot.press("tab", *"next week", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpDialog)
        assert "Due date must be YYYY-MM-DD" in _static(app, "#error")
    assert "vendor_no_dpa" not in store.followups(store.get(slug).id)


@pytest.mark.parametrize(
    "screen",
    [
        HomeScreen,
        PreviewScreen,
        ParticipantsScreen,
        FollowUpDialog,
        TextDialog,
        NewAssessmentDialog,
    ],
)
def test_every_binding_says_what_it_does(screen):
    for binding in screen.BINDINGS:
        assert binding.description, (screen.__name__, binding.key)


async def test_every_screen_and_dialog_shows_a_footer(packset, store):
    slug = _board_session(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        wizard = app.screen
        for keys, kind, footer_text in (
            (["ctrl+o"], ParticipantsScreen, "esc Close"),
            (["ctrl+r"], PreviewScreen, "Export"),
            (["ctrl+g", "enter"], FollowUpDialog, "Save"),
        ):
            await pilot.press(*keys)
            await pilot.pause()
            assert isinstance(app.screen, kind)
            assert app.screen.query(Footer), kind
            assert footer_text in shown(app).splitlines()[-1], kind
            while app.screen is not wizard:
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("escape")  # the wizard, back home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAssessmentDialog) and app.screen.query(Footer)
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog) and app.screen.query(Footer)


# -- 2. confirmations on a line, not a toast --------------------------------------------------


async def test_home_and_preview_confirm_on_a_line_not_a_toast(
    packset, store, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the export goes to ./exports
    slug = store.create("Vendor check", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert "✔ Archived vendor-check (h shows archived ones)" in _static(app, "#home-notice")
        await pilot.press("h", "a")
        await pilot.pause()
        assert "✔ Restored vendor-check" in _static(app, "#home-notice")
        app.open_assessment(slug)
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "✔ Exported" in _static(app, "#preview-notice")
        await pilot.press("ctrl+s")  # the files exist now: say so, and how to replace them
        await pilot.pause()
        assert "Press ctrl+s again to replace them" in _static(app, "#preview-notice")
        assert not app._notifications


# -- 3. the follow-up status without colour ---------------------------------------------------


async def test_follow_up_status_shows_symbol_word_and_marker(packset, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    slug = _board_session(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g", "enter")
        await pilot.pause()
        screen = shown(app)
        assert "▶ ● open" in screen and "◐ in progress" in screen and "✔ done" in screen
        app.screen.query_one("#followup-status", OptionList).focus()
        await pilot.press("down")
        await pilot.pause()
        screen = shown(app)
        assert "▶ ◐ in progress" in screen and "▶ ● open" not in screen
        await pilot.press("enter")  # enter on the status saves too
        await pilot.pause()
    status = store.followups(store.get(slug).id)["vendor_no_dpa"].status.value
    assert status == "in_progress"


# -- 4. the home screen -----------------------------------------------------------------------


async def test_home_shows_verdicts_with_their_symbol(packset, store):
    slug = store.create("Vendor check", packs=packset.versions()).slug
    Session.open(store, packset, slug).answer("vendor_dpa_signed", "no")
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        row = app.screen.query_one("#assessments").get_row_at(0)
        assert "✗ NO-GO" in [cell.plain for cell in row]
        assert "✗ NO-GO" in shown(app)


async def test_an_archived_only_list_says_how_many_and_how_to_show_them(packset, store):
    for name in ("Old pilot", "Older pilot"):
        store.set_archived(store.create(name, packs=packset.versions()).slug, True)
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        empty = _static(app, "#empty")
        assert "No assessments yet" not in empty
        assert "2 archived" in empty and "Press h" in empty
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.query_one("#assessments").row_count == 2


LONG = "Support-ticket summariser for the EMEA customer care team, phase two rollout"


async def test_a_long_name_never_pushes_the_verdict_off_and_columns_follow_a_resize(packset, store):
    store.create(LONG, "Summarises tickets for agents", packs=packset.versions())
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        lines = shown(app).splitlines()
        row = next(line for line in lines if line.lstrip().startswith("Support-ticket"))
        assert "? INCOMPLETE" in row and re.search(r"\d{4}-\d\d-\d\d", row)
        name = row.split("…")[0].strip()  # cut at a word, with "…"
        assert LONG.startswith(name + " ") and len(name) >= len("Support-ticket")
        assert "Updated" in lines[1] and "Gates" not in lines[1]
        # The line under the table has the name in full, the slug and the description.
        detail = " ".join(_static(app, "#home-detail").split())
        assert LONG in detail and "Summarises tickets for agents" in detail
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        lines = shown(app).splitlines()
        assert "Gates" in lines[1]
        row = next(line for line in lines if line.lstrip().startswith("Support-ticket"))
        assert "? INCOMPLETE" in row and "…" in row
        assert len(row.split("…")[0]) > len("Support-ticket summariser for")


def test_fit_cuts_at_a_word_boundary():
    assert fit("Claims triage", 20) == "Claims triage"
    assert fit("Support-ticket summariser for the EMEA team", 20) == "Support-ticket…"
    assert fit("Supercalifragilisticexpialidocious", 10) == "Supercali…"


async def test_new_assessment_takes_an_optional_description(packset, store):
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # no name: the dialog stays and says so
        await pilot.pause()
        assert isinstance(app.screen, NewAssessmentDialog)
        assert "Give the pilot a name" in _static(app, "#error")
        await pilot.press(*"Claims triage", "tab", *"Routes claims to adjusters", "enter")
        await pilot.pause()
        await pilot.press("escape")  # the wizard it opened, back home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Routes claims to adjusters" in _static(app, "#home-detail")
    assert store.get("claims-triage").description == "Routes claims to adjusters"


# -- 5. the receipts preview at 80 columns ----------------------------------------------------


def _with_followups(store, packset) -> str:
    slug = store.create("Vendor check", packs=packset.versions()).slug
    session = Session.open(store, packset, slug)
    session.answer("vendor_dpa_signed", "no")
    for gate_id in [
        g.gate.id for g in session.evaluation.gates.values() if g.state.value != "clear"
    ]:
        session.set_followup(gate_id, owner="Marco Okafor", due="2026-12-15", note="on it")
    return slug


async def test_preview_at_80_columns_cuts_no_due_date(packset, store):
    slug = _with_followups(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        # Textual squeezes a wide table's cells and ends them in "…": at 80 columns the
        # receipts table is a list (the gates and areas are lists on the page itself).
        source = preview.query_one(Markdown).source
        assert "| Receipt |" not in source and "due 2026-12-15" in source
        assert len(preview.query("MarkdownTable")) == 0
        screen = shown(app)
        assert "2026-12-…" not in screen and "2026-12-15" in screen
        preview.query_one("VerticalScroll").scroll_end(animate=False)
        await pilot.pause()
        screen = shown(app)
        assert "RED Model vendor" in screen and "…" not in screen
        await pilot.resize_terminal(200, 40)  # wide enough: the tables are back
        await pilot.pause()
        await pilot.pause()
        assert preview.query("MarkdownTable")


def test_fit_tables_keeps_a_table_that_fits_and_lists_one_that_does_not():
    page = "# T\n\n| A | B |\n| --- | --- |\n| 1 | x \\| y |\n\nafter\n"
    assert fit_tables(page, 80) == page
    assert fit_tables(page, 12) == "# T\n\n- **1** · B: x \\| y\n\nafter\n"
