"""The baseline for every benchmark: a bare Textual app (Header, DataTable, Static) that pushes
one screen on mount, the way Preflight pushes its home screen, and updates the Static on y/n."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static


class BareScreen(Screen):
    BINDINGS = [Binding("y", "press('y')", "y"), Binding("n", "press('n')", "n")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="table", cursor_type="row")
        yield Static("ready", id="status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Slug", "Answered", "Verdict", "Gates", "Updated")
        for i in range(self.rows):
            table.add_row(
                f"Pilot {i}",
                f"pilot-{i}",
                "10/74",
                "NO-GO",
                "✗1 !2 ?3",
                "2025-01-01 10:00",
                key=str(i),
            )
        table.focus()

    def action_press(self, key: str) -> None:
        self.count += 1
        self.query_one("#status", Static).update(f"pressed {key} ({self.count})")


class BareApp(App[None]):
    TITLE = "Bare"

    def __init__(self, rows: int = 1) -> None:
        super().__init__()
        self.rows = rows

    def on_mount(self) -> None:
        self.push_screen(BareScreen(self.rows))
