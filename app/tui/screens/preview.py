"""Pack preview: the receipts pack rendered as Markdown, and export from here."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session

MARGIN = 8
"""Columns the page loses around its tables: the scroll bar and the Markdown padding."""


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (`\\|` is a pipe inside a cell)."""
    cells, cell, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
        escaped = char == "\\" and not escaped
    return [*cells, cell.strip()]


def _table_width(rows: list[list[str]]) -> int:
    """How wide a table is drawn with no cell wrapped: its widest cells, padding and rules."""
    columns = max(len(row) for row in rows)
    widest = [max((cell_len(r[i]) for r in rows if i < len(r)), default=0) for i in range(columns)]
    return sum(widest) + 3 * columns + 1


def _as_list(rows: list[list[str]]) -> list[str]:
    """A table as one list item a row: the first cell in bold, then `Header: cell` pairs, so
    every word wraps instead of being cut to fit a column."""
    header, body = rows[0], rows[2:]
    lines = []
    for row in body:
        first, *rest = row
        pairs = (f"{h}: {c}" for h, c in zip(header[1:], rest, strict=False))
        lines.append(f"- **{first}** · " + " · ".join(pairs))
    return [*lines, ""]


def fit_tables(markdown: str, width: int) -> str:
    """The page for a terminal `width` columns wide: each table that would not fit without
    cutting its cells (Textual ends a squeezed cell with "…") becomes a list that wraps."""
    out: list[str] = []
    table: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            lines, table = table, []
            rows = [_cells(row) for row in lines]
            if len(rows) > 2 and _table_width(rows) > width - MARGIN:
                out.extend(_as_list(rows))
                if line == "":
                    continue  # _as_list ends with the blank line
            else:
                out.extend(lines)
        out.append(line)
    return "\n".join(out[:-1]) + ("\n" if markdown.endswith("\n") else "")


class PreviewScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="export"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.replace_next = False
        """Set after an export found existing files: the next ctrl+s replaces them."""
        self.text = ""
        """The page as exported; shown with wide tables as lists (see `fit_tables`)."""
        self.shown_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(id="pack")
        yield Static("", id="preview-notice", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        from app.tui.packview import pack_markdown

        self.title = one_line(self.session.assessment.name)
        self.sub_title = "Receipts pack"
        try:
            self.text = pack_markdown(self.session)
        except PreflightError as exc:
            self.text = f"The pack cannot be built right now: {exc}"
            self._say(f"✗ {one_line(exc)}")
        self._show()

    def on_resize(self, event: events.Resize) -> None:
        if self.text and self.size.width != self.shown_width:
            self._show()

    def _show(self) -> None:
        self.shown_width = self.size.width or self.app.size.width
        page = fit_tables(self.text, self.shown_width)
        self.query_one(Markdown).update(page)
        if page != self.text:
            self._say("Wide tables are shown as lists here; the exported page keeps them.")

    def _say(self, message: str) -> None:
        """Export results and problems on a line above the footer, over nothing."""
        self.query_one("#preview-notice", Static).update(Text(message))

    def action_export(self) -> None:
        from app.export.write import PackExists
        from app.tui.packview import export

        try:
            paths = export(self.session, force=self.replace_next)
        except PackExists as exc:
            self.replace_next = True
            message = str(exc).replace("; use --force to replace", "")
            self._say(f"✗ Not exported: {one_line(message)}. Press ctrl+s again to replace them.")
            return
        except PreflightError as exc:
            self._say(f"✗ Not exported: {one_line(exc)}")
            return
        self.replace_next = False
        self._say("✔ Exported " + ", ".join(str(p) for p in paths))

    def action_back(self) -> None:
        self.dismiss(None)
