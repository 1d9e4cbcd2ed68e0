"""The gate board: every red, unknown, amber and waived gate with its fix and follow-up.

The table takes the rows left over; the highlighted gate's title, why, fix and waiver below it
keep a fixed height (`GateBoardScreen #detail` in preflight.tcss), so they show at 80x24 too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from app.core.engine import OPEN, GateResult, severity
from app.core.model import GO_NO_GO_MARK
from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session
from app.tui.panels import marked_title
from app.tui.render import literal, styled_badge

if TYPE_CHECKING:
    from textual.widgets.data_table import RowKey


OWNER_WIDTH = 12
STATUS_WIDTH = len("in progress")
GATE_MIN = 26
FIXED_COLUMNS = 9 + OWNER_WIDTH + 10 + STATUS_WIDTH + 5 * 2 + 2
"""Every column but the gate's, their padding (one cell each side) and the scroll bar."""


class GateBoardScreen(Screen[None]):
    BINDINGS = [
        Binding("e", "edit", "Edit follow-up (enter)", id="edit"),
        Binding("ctrl+r", "preview", "Pack", id="preview"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail", markup=False)
        yield Static(id="board-notice", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = one_line(self.session.assessment.name)
        self.sub_title = "Gate board"
        table = self.query_one(DataTable)
        # Sized to fit the terminal (80 columns up) with the scroll bar showing; the title in
        # full, the area, why, fix and waiver show below.
        self.gate_width = max(GATE_MIN, self.app.size.width - FIXED_COLUMNS)
        for label, width in (
            ("State", 9),
            (f"Gate ({GO_NO_GO_MARK} go/no-go)", self.gate_width),
            ("Owner", OWNER_WIDTH),
            ("Due", 10),
            ("Status", STATUS_WIDTH),
        ):
            table.add_column(label, width=width)
        self.reload()
        table.focus()

    def results(self) -> list[GateResult]:
        gates = [g for g in self.session.evaluation.gates.values() if g.state in OPEN]
        return sorted(gates, key=lambda g: (severity(g.state), g.pack_id, g.gate.title))

    def reload(self, keep: str | None = None) -> None:
        """Refill the table; `keep` puts the cursor back on that gate's row."""
        table = self.query_one(DataTable)
        followups = self.session.followups()
        table.clear()
        for result in self.results():
            gate = result.gate
            follow = followups.get(gate.id)
            # Text cells only: DataTable reads a str cell as markup.
            table.add_row(
                styled_badge(result.state.value, 9),
                literal(marked_title(gate, self.gate_width)),
                _cell((follow.owner if follow else None) or "—", OWNER_WIDTH),
                _cell((follow.due if follow else None) or "—", 10),
                _cell(follow.status.value.replace("_", " ") if follow else "open", STATUS_WIDTH),
                key=gate.id,
            )
        if not table.row_count:
            self.query_one("#detail", Static).update(Text("No blocking gates.", style="green"))
        elif keep is not None:
            keys = [result.gate.id for result in self.results()]
            if keep in keys:
                table.move_cursor(row=keys.index(keep))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        gate_id = _gate_id(event.row_key)
        gate = self.session.packset.gates[gate_id]
        area = one_line(self.session.packset.pack(self.session.packset.gate_pack[gate_id]).title)
        text = Text()
        text.append(one_line(gate.full_title), style="bold")
        text.append(f"\nWhy: {one_line(gate.why)}\nFix: {one_line(gate.fix)}")
        receipt = one_line(self.session.packset.receipt_title(gate.receipt)).lower()
        text.append(f"\n{area} · blocks the {receipt}", style="dim")
        waiver = self.session.waivers().get(gate_id)
        if waiver:
            text.append(
                f"\nWaived until {waiver.expires} by {one_line(waiver.approver)}: "
                f"{one_line(waiver.reason)}",
                style="cyan",
            )
        self.query_one("#detail", Static).update(text)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._edit(_gate_id(event.row_key))

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._edit(_gate_id(table.coordinate_to_cell_key(table.cursor_coordinate).row_key))

    def _edit(self, gate_id: str) -> None:
        from app.tui.screens.followup import FollowUpDialog

        dialog = FollowUpDialog(
            self.session.packset.gates[gate_id],
            self.session.followups().get(gate_id),
            self.session.waivers().get(gate_id),
            people=[p.name for p in self.session.participants()],
        )
        self.app.push_screen(dialog, lambda result: self._save(gate_id, result))

    def _save(self, gate_id: str, result: dict | None) -> None:
        if result is None:
            return
        try:
            self.session.set_followup(gate_id, **result["followup"])
            waiver = result["waiver"]
            if waiver:
                self.session.set_waiver(gate_id, **waiver)
            elif gate_id in self.session.waivers():
                self.session.remove_waiver(gate_id)
        except PreflightError as exc:
            self._say(Text(f"✗ Not saved: {one_line(exc)}", style="bold red"))
            return
        title = one_line(self.session.packset.gates[gate_id].title)
        self._say(Text(f"✔ Follow-up saved: {title}", style="green"))
        self.reload(keep=gate_id)

    def _say(self, text: Text) -> None:
        """Confirmations and errors on a line of the board, never a toast over its cells."""
        self.query_one("#board-notice", Static).update(text)

    def action_preview(self) -> None:
        """ctrl+r, as in the wizard: the receipts pack as it will be exported."""
        from app.tui.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.session))

    def action_back(self) -> None:
        self.dismiss(None)


def _cell(value: str, width: int) -> Text:
    text = literal(value)
    text.truncate(width, overflow="ellipsis")
    return text


def _gate_id(key: RowKey) -> str:
    """The gate a row shows: every row is added with its gate's id as the key."""
    assert key.value is not None
    return key.value
