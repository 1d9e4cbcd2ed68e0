"""The wizard's gate panel and the gate board: fired gates before unknown ones, a gate that
just moved always listed, every row used, titles that fit without cutting a word; `short`
titles and the go/no-go mark in the pack format; the board's detail and keys at 80x24."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Static

from app.core.engine import PANEL_ORDER, GateState, evaluate
from app.core.model import GO_NO_GO_MARK, GO_NO_GO_PREFIX, SHORT_TITLE_MAX
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from app.core.text import fit_words
from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.panels import gate_lines, gate_title
from app.tui.screens.gate_board import GateBoardScreen
from app.tui.screens.preview import PreviewScreen
from app.tui.widgets.text_lines import TextLines
from tests.conftest import EXAMPLES

SMALL = (80, 24)
BADGE = re.compile(r"^[✗!?~] (RED|AMBER|UNKNOWN|WAIVED) *")


@pytest.fixture(scope="module")
def shipped():
    result = load_packs([shipped_dir()])
    assert result.ok, result.problems
    return result.packset


def _gate_rows(text: str) -> list[str]:
    return [line for line in text.split("\n") if BADGE.match(line)]


def _early_amber(packset):
    """Only the KPI baseline answered, "no": one amber fires, every other gate is unknown."""
    evaluation = evaluate(packset, {"kpi_baseline_measured": "no"})
    assert evaluation.gates["no_kpi_baseline"].state is GateState.amber
    assert evaluation.counts()["unknown"] >= 30
    return evaluation


def test_panel_order_puts_unknown_last():
    assert PANEL_ORDER == (GateState.red, GateState.amber, GateState.waived, GateState.unknown)


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_an_amber_shows_before_35_unknowns(shipped, limit):
    evaluation = evaluate(shipped, {})
    assert evaluation.counts()["unknown"] == 35
    evaluation = _early_amber(shipped)
    rows = _gate_rows(gate_lines(evaluation, limit=limit).plain)
    assert rows[0].startswith("! AMBER   No KPI baseline")
    assert len(rows) == limit


def test_the_panel_fills_every_row_it_is_given(shipped):
    evaluation = _early_amber(shipped)
    tight = gate_lines(evaluation, rows=3, width=31).plain.split("\n")
    assert len(tight) == 3 and tight[-1].startswith("! AMBER")  # no room for "… N more"
    for rows in (4, 5, 16, 28):
        lines = gate_lines(evaluation, rows=rows, width=31).plain.split("\n")
        assert len(lines) == rows, lines
        assert lines[-1].startswith("… ") and lines[-1].endswith("more: ctrl+g")
        shown = len(_gate_rows("\n".join(lines)))
        assert lines[-1] == f"… {len(evaluation.gates_in(*PANEL_ORDER)) - shown} more: ctrl+g"
    everything = gate_lines(evaluation, rows=60, width=31).plain.split("\n")
    assert len(everything) == 2 + len(evaluation.gates_in(*PANEL_ORDER))
    assert "more" not in everything[-1]


def test_a_gate_that_just_changed_is_always_listed(shipped):
    evaluation = _early_amber(shipped)
    order = [g for g in evaluation.gates.values() if g.state in PANEL_ORDER]
    last = order[-1].gate  # an unknown gate of the last pack: far below the fold
    assert last.id not in gate_lines(evaluation, rows=6).plain
    for rows in (3, 6, 16):
        text = gate_lines(evaluation, rows=rows, width=31, changed=[last.id]).plain
        assert gate_title(last, 21) in text, text
        assert len(text.split("\n")) == rows
    # Still in panel order: the amber first, the changed unknown after it.
    rows = _gate_rows(gate_lines(evaluation, rows=6, changed={last.id}).plain)
    assert rows[0].startswith("! AMBER") and gate_title(last, 21) in rows[-1]
    # Old callers: `limit` gate lines, the changed one among them.
    assert gate_title(last, 21) in gate_lines(evaluation, limit=2, changed=[last.id]).plain


async def test_the_wizard_panel_shows_the_amber_at_80x24(shipped, tmp_path):
    store = Store.open(tmp_path / "panel.db")
    slug = store.create("Kickoff", packs=shipped.versions()).slug
    Session.open(store, shipped, slug).answer("kpi_baseline_measured", "no")
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#gate-panel", TextLines)
        rows = _gate_rows(panel.plain)
        assert rows[0].startswith("! AMBER   No KPI baseline")
        # What the wizard's `rows=` is to be: the panel's content height (screen height - 8).
        assert panel.content_size.height == SMALL[1] - 8


@pytest.mark.parametrize("width", [31, 36, 40, 52])  # the wizard passes 31 up
def test_no_panel_title_ends_in_a_cut_word(shipped, width):
    evaluation = evaluate(shipped, {})
    lines = _gate_rows(gate_lines(evaluation, limit=99, width=width).plain)
    assert len(lines) == 35
    for line in lines:
        assert len(line) <= width, line
        shown = BADGE.sub("", line).removeprefix(f"{GO_NO_GO_MARK} ")
        assert any(_whole_or_cut_at_a_word(shown, g) for g in shipped.gates.values()), line


def _whole_or_cut_at_a_word(shown: str, gate) -> bool:
    """`shown` is the gate's title or short title, or one of them cut after a whole word."""
    for source in (gate.title, gate.short or ""):
        if shown == source:
            return True
        head = shown.removesuffix("…")
        if shown.endswith("…") and source.startswith(head) and len(source) > len(head):
            if not source[len(head)].isalnum() and not head[-1:].isspace():
                return True
    return False


@pytest.mark.parametrize("width", range(8, 45))
def test_gate_titles_fit_and_end_at_a_word(shipped, width):
    for gate in shipped.gates.values():
        shown = gate_title(gate, width)
        assert len(shown) <= width
        one_word = " " not in shown  # a first word longer than the room has no boundary
        assert _whole_or_cut_at_a_word(shown, gate) or one_word, (gate.id, width, shown)


def test_fit_words():
    assert fit_words("Golden-set accuracy below the agreed bar", 40) == (
        "Golden-set accuracy below the agreed bar"
    )
    assert fit_words("Golden-set accuracy below the agreed bar", 28) == "Golden-set accuracy below…"
    assert fit_words("Security, legal, compliance or IT ops", 18) == "Security, legal…"
    assert fit_words("Supercalifragilistic", 8) == "Superca…"  # one word: no boundary to use


def test_every_shipped_gate_has_a_short_title(shipped):
    assert len(shipped.gates) == 46
    for gate in shipped.gates.values():
        assert gate.short and len(gate.short) <= SHORT_TITLE_MAX, gate.id
        assert gate.short.strip() == gate.short and "\n" not in gate.short
        assert not gate.title.lower().startswith("go/no-go"), gate.id
    shorts = [g.short for g in shipped.gates.values()]
    assert len(set(shorts)) == len(shorts)
    go = {g.id for g in shipped.gates.values() if g.go_no_go}
    assert go == {gid for gid in shipped.gates if gid.startswith("gonogo_")}
    assert len(go) == 6
    gate = shipped.gates["gonogo_accuracy"]
    assert gate.full_title == GO_NO_GO_PREFIX + gate.title
    assert shipped.gates["no_kpi_owner"].full_title == "Nobody owns the KPI"


VALID = (EXAMPLES / "vendor.toml").read_text()
TITLE = 'title = "No data processing agreement"'


@pytest.mark.parametrize(
    ("short", "message"),
    [
        pytest.param('"' + "x" * (SHORT_TITLE_MAX + 1) + '"', "at most 32", id="too-long"),
        pytest.param('""', "at least 1", id="empty"),
        pytest.param('"   "', "at least 1", id="blank"),
        pytest.param('"""two\nlines"""', "must be one line", id="two-lines"),
        pytest.param('"red \\u001b[31m"', "control character", id="escape"),
    ],
)
def test_short_titles_are_checked(tmp_path, short, message):
    path = tmp_path / "p.toml"
    path.write_text(VALID.replace(TITLE, f"{TITLE}\nshort = {short}"))
    problems = [str(p) for p in load_packs([path]).problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}: gates.vendor_no_dpa.short: "), problems
    assert message in problems[0], problems


def test_short_and_go_no_go_are_read(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(VALID.replace(TITLE, f'{TITLE}\nshort = "  No DPA  "\ngo_no_go = true'))
    result = load_packs([path])
    assert result.ok, result.problems
    gate = result.packset.gates["vendor_no_dpa"]
    assert (gate.short, gate.go_no_go) == ("No DPA", True)
    assert gate.full_title == "Go/no-go: No data processing agreement"
    path.write_text(VALID.replace(TITLE, f'{TITLE}\ngo_no_go = "maybe"'))
    assert [p for p in load_packs([path]).problems if "gates.vendor_no_dpa.go_no_go" in str(p)]


# -- the gate board ------------------------------------------------------------------------


def _vendor_store(tmp_path, packset) -> tuple[Store, str]:
    store = Store.open(tmp_path / "board.db")
    slug = store.create("Vendor check", packs=packset.versions()).slug
    session = Session.open(store, packset, slug)
    session.answer("vendor_dpa_signed", "no")
    return store, slug


async def test_ctrl_r_on_the_board_opens_the_receipts_pack(tmp_path, packset):
    store, slug = _vendor_store(tmp_path, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, GateBoardScreen)
        keys = {b.key: b.description for b in board.BINDINGS}  # type: ignore[union-attr]
        assert keys["ctrl+r"] and keys["e"] and keys["escape"]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board


async def test_the_board_at_80x24_shows_the_detail_and_whole_statuses(tmp_path, shipped):
    store = Store.open(tmp_path / "board.db")
    slug = store.create("Kickoff", packs=shipped.versions()).slug
    session = Session.open(store, shipped, slug)
    session.answer("kpi_baseline_measured", "no")
    session.set_followup("no_kpi_baseline", owner="Ana Ruiz", status="in_progress")
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, GateBoardScreen)
        table = board.query_one(DataTable)
        assert table.row_count == 35  # far more rows than the screen has
        detail = board.query_one("#detail", Static)
        assert detail.region.height >= 6 and detail.region.bottom <= SMALL[1] - 1
        gate = shipped.gates[table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value]
        shown = str(detail.render())
        assert gate.full_title in shown
        assert f"Why: {gate.why}" in shown and "Fix: " in shown
        # Every column fits beside the scroll bar: "in progress" is not cut.
        widths = sum(c.get_render_width(table) for c in table.columns.values())
        assert widths <= table.scrollable_content_region.width
        row = [str(cell) for cell in table.get_row("no_kpi_baseline")]
        assert "in progress" in row and "Ana Ruiz" in row
        header = [str(c.label) for c in table.columns.values()]
        assert f"Gate ({GO_NO_GO_MARK} go/no-go)" in header
