"""Markup injection: every string a person or a pack wrote reaches the screen as literal text.

Rich and Textual read `[...]` in a plain `str` as markup: `[/draft]` crashed the home screen
(MarkupError), `[draft]` vanished and `[reverse]` / `[link=…]` were applied. These tests put
such names in every place they are shown and read back what the screen draws.
"""

from __future__ import annotations

import textwrap

import pytest
from rich.text import Text

from app.core.packs import load_packs
from app.session import Session
from app.tui.app import make_app
from app.tui.screens.gate_board import GateBoardScreen
from app.tui.screens.home import HomeScreen
from app.tui.screens.wizard import WizardScreen

SIZE = (140, 40)
HOSTILE = [
    "Q3 pilot [/draft]",
    "[draft] x",
    "[reverse]boom[/reverse]",
    "[link=https://evil.example]click[/link]",
    "[bold red]x",
]

PACK = textwrap.dedent(
    """
    id = "hostile"
    title = "[b]Area[/b]"
    version = "1.0"
    description = "[/draft] a pack whose every text is markup"

    [[questions]]
    id = "h_choice"
    text = "Pick [reverse]one[/reverse] [/draft]"
    help = "See [link=https://evil.example]click[/link]"
    kind = "choice"
    options = [{ id = "a", label = "[draft] A" }, { id = "b", label = "[bold red]B" }]

    [[questions]]
    id = "h_scale"
    text = "Scale [/x]"
    help = "Levels [/y]"
    kind = "scale"
    levels = ["[low]", "[/mid]", "[b]high"]

    [[questions]]
    id = "h_number"
    text = "Count [/n]"
    help = "Units [/u]"
    kind = "number"
    unit = "[/kg]"

    [[gates]]
    id = "h_gate"
    title = "Gate [/draft] [b]x"
    level = "red"
    when = "h_choice == 'a'"
    why = "Why [reverse]boom[/reverse]"
    fix = "Fix [link=https://evil.example]click[/link]"
    receipt = "production_plan"
    """
)


@pytest.fixture
def hostile_packset(tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "hostile.toml").write_text(PACK, encoding="utf-8")
    result = load_packs([folder], use_cache=False)
    assert result.ok, result.problems
    return result.packset


def shown(app) -> str:
    """What the top screen draws, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _raw(store, sql: str, *params) -> None:
    with store.conn:
        store.conn.execute(sql, params)


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_home_lists_hostile_names_literally(packset, store):
    for name in HOSTILE:
        store.create(name, packs=packset.versions())
    # A database written by another tool may hold what the store itself refuses.
    odd = store.create("odd", packs=packset.versions())
    _raw(store, "UPDATE assessments SET name = ? WHERE id = ?", "\x1b[31mred", odd.id)
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#assessments")
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert all(isinstance(cell, Text) for cell in table.get_row_at(0))
        assert sorted(cell.plain for cell in names) == sorted([*HOSTILE, "[31mred"])
        screen = shown(app)
        for name in HOSTILE:
            assert name in screen
        assert "[31mred" in screen and "\x1b" not in screen
        # Rename shows the current name as typed.
        table.move_cursor(row=[c.plain for c in names].index("Q3 pilot [/draft]"))
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#dialog-input").value == "Q3 pilot [/draft]"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_wizard_and_palette_show_pack_and_user_text_literally(store, hostile_packset):
    slug = store.create("Q3 pilot [/draft]", packs=hostile_packset.versions()).slug
    app = make_app(store=store, packset=hostile_packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        screen = shown(app)
        for literal in (
            "Q3 pilot [/draft]",  # header
            "[b]Area[/b]",  # sidebar and crumb
            "Pick [reverse]one[/reverse] [/draft]",
            "See [link=https://evil.example]click[/link]",
            "[draft] A",
            "[bold red]B",
        ):
            assert literal in screen, literal
        assert "[b]Area[/b] · question 1 of 3" in screen
        await pilot.press("1")  # the red gate fires
        await pilot.pause(0.2)
        screen = _flat(shown(app))
        assert "Gate [/draft] [b]x" in screen and "Why [reverse]boom[/reverse]" in screen
        wizard.go("h_scale")
        await pilot.pause()
        screen = shown(app)
        assert all(level in screen for level in ("[low]", "[/mid]", "[b]high"))
        wizard.go("h_number")
        await pilot.pause()
        assert "In [/kg]." in shown(app)

        # The palette: "Go to area: [b]Area[/b]" as typed, both listed and searched.
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        assert "Go to area: [b]Area[/b]" in shown(app)
        await pilot.press(*"Area[/b")
        await pilot.pause(0.5)
        assert "Go to area: [b]Area[/b]" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is wizard and wizard.current == "h_scale"  # its first unanswered


async def test_gate_board_and_follow_up_show_hostile_text_literally(store, hostile_packset):
    slug = store.create("Q3 pilot [/draft]", packs=hostile_packset.versions()).slug
    session = Session.open(store, hostile_packset, slug)
    session.answer("h_choice", "a")
    session.set_followup("h_gate", owner="\x1b[31m[/own]", note="[draft] note")
    session.set_waiver("h_gate", reason="[/why]", approver="[b]CISO", expires="2099-01-31")
    # Hand-edited or written by another tool: the board still shows it, literally.
    _raw(store, "UPDATE gate_followups SET due = ?", "[/due]")
    app = make_app(store=store, packset=hostile_packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, GateBoardScreen)
        row = board.query_one("DataTable").get_row_at(0)
        assert all(isinstance(cell, Text) for cell in row)
        assert [cell.plain for cell in row[1:4]] == [
            "Gate [/draft] [b]x",
            "[31m[/own]",
            "[/due]",
        ]
        screen = _flat(shown(app))
        for literal in (
            "Q3 pilot [/draft]",
            "Gate [/draft] [b]x",
            "[31m[/own]",
            "Why: Why [reverse]boom[/reverse]",
            "Fix: Fix [link=https://evil.example]click[/link]",
            "[b]Area[/b] · blocks",
            "by [b]CISO: [/why]",
        ):
            assert literal in screen, literal
        assert "\x1b" not in screen

        await pilot.press("enter")  # the follow-up dialog
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#owner").value == "[31m[/own]"
        assert dialog.query_one("#note").value == "[draft] note"
        assert dialog.query_one("#reason").value == "[/why]"
        assert dialog.query_one("#approver").value == "[b]CISO"
        screen = shown(app)
        assert "Gate [/draft] [b]x" in screen and "[31m[/own]" in screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board


async def test_participants_and_preview_show_hostile_text_literally(store, hostile_packset):
    slug = store.create("Q3 pilot [/draft]", packs=hostile_packset.versions()).slug
    session = Session.open(store, hostile_packset, slug)
    store.add_participant(session.id, "[reverse]boom[/reverse]", "[link=https://evil.example]x")
    session.answer("h_choice", "a", note="[draft] a note")
    app = make_app(store=store, packset=hostile_packset, open_ref=slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wizard = app.screen
        wizard.go("h_choice")
        await pilot.pause()
        assert wizard.query_one("#note").value == "[draft] a note"
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen = shown(app)
        assert "[reverse]boom[/reverse] — [link=https://evil.example]x" in screen
        await pilot.press(*"[/draft]", "tab", *"[b]lead", "enter")
        await pilot.pause()
        assert "[/draft] — [b]lead" in shown(app)
        await pilot.press(*"[/draft]", "tab", *"again", "enter")
        await pilot.pause()
        assert "✗ [/draft] is already a participant" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is wizard
        await pilot.press("f2")
        await pilot.pause()
        assert "Answering as [reverse]boom[/reverse]" in shown(app)

        await pilot.press("ctrl+r")  # the receipts pack preview
        await pilot.pause(0.5)
        screen = _flat(shown(app))
        assert "Q3 pilot [/draft]" in screen
        assert "Gate [/draft] [b]x" in screen


def _smuggle(packset) -> None:
    """Escapes and breaks in every pack text, as a pack that skipped validation would hold."""
    pack = packset.pack("hostile")
    object.__setattr__(pack, "title", "\x1b[31mArea\x07")
    choice, scale, number = (packset.questions[q] for q in ("h_choice", "h_scale", "h_number"))
    object.__setattr__(choice, "text", "Pick\x1b]8;;https://evil.example\x07 one")
    object.__setattr__(choice, "help", "Help\nover\x1b[2J lines")
    for option in choice.options:
        object.__setattr__(option, "label", f"\x1b[1m{option.id}\x1b[0m")
    object.__setattr__(scale, "levels", ["\x1b[7mlow", "mid\r", "high"])
    object.__setattr__(number, "unit", "\x1b[31mkg")
    gate = packset.gates["h_gate"]
    object.__setattr__(gate, "title", "Gate\x1b[5m blink")
    object.__setattr__(gate, "fix", "Fix\x1b[0m it")


def test_plain_mode_prints_pack_text_without_escapes(monkeypatch, tmp_path, hostile_packset):
    import questionary

    from app.core.summary import verdict_lines
    from app.quick import prompts
    from tests.quick_keys import ENTER, QUIT, assessment, walk

    _smuggle(hostile_packset)
    asked: list[str] = []
    for kind in ("select", "checkbox", "text"):
        original = getattr(questionary, kind)

        def record(message, *args, _original=original, **kwargs):
            titles = [c.title for c in kwargs.get("choices", []) if hasattr(c, "title")]
            asked.extend([message, kwargs.get("instruction") or "", *map(str, titles)])
            return _original(message, *args, **kwargs)

        monkeypatch.setattr(prompts.questionary, kind, record)

    with assessment(tmp_path / "quick.db", hostile_packset) as session:
        # h_choice: the first option (the red gate fires); h_scale: quit.
        result, printed = walk(session, hostile_packset, ENTER + QUIT)
        summary = verdict_lines(session.evaluation, "Pilot")
    assert result.ending == "quit"
    assert "[31mArea · 1 of 3" in printed
    assert "  why: Help over[2J lines" in printed
    assert "✗ RED  Gate[5m blink — fix: Fix[0m it" in printed
    assert "Pick]8;;https://evil.example one" in asked and "[1ma[0m" in asked
    assert "1 — [7mlow" in asked and "2 — mid" in asked
    assert "a number, in [31mkg" in prompts.text_hint(hostile_packset.questions["h_number"])
    for shown in (printed, asked, summary):
        assert not any(ch in line for line in shown for ch in "\x1b\x07\r\n"), shown


async def test_tui_shows_pack_text_without_escapes(store, hostile_packset):
    _smuggle(hostile_packset)
    slug = store.create("Pilot", packs=hostile_packset.versions()).slug
    Session.open(store, hostile_packset, slug).answer("h_choice", "a")
    app = make_app(store=store, packset=hostile_packset, open_ref=slug)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wizard = app.screen
        wizard.go("h_number")
        await pilot.pause()
        seen.append(shown(app))
        await pilot.press("ctrl+g")
        await pilot.pause()
        seen.append(shown(app))
        await pilot.press("escape", "ctrl+p")
        await pilot.pause(0.5)
        await pilot.press(*"area")
        await pilot.pause(0.5)
        seen.append(shown(app))
    wizard_text, board, palette = seen
    assert "[31mArea" in wizard_text  # the sidebar
    assert "[31mArea · question 3 of 3" in wizard_text
    assert "In [31mkg." in wizard_text
    assert "[31mArea · blocks" in board
    assert "Go to area: [31mArea" in palette
    assert not any(ch in text for text in seen for ch in "\x1b\x07")
