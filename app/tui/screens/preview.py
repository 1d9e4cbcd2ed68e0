"""Pack preview: the receipts pack rendered as Markdown, and export from here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session


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

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(id="pack")
        yield Footer()

    def on_mount(self) -> None:
        from app.tui.packview import pack_markdown

        self.title = one_line(self.session.assessment.name)
        self.sub_title = "Receipts pack"
        try:
            text = pack_markdown(self.session)
        except PreflightError as exc:
            text = f"The pack cannot be built right now: {exc}"
            self.notify(text, severity="error", timeout=10, markup=False)
        self.query_one(Markdown).update(text)

    def action_export(self) -> None:
        from app.export.write import PackExists
        from app.tui.packview import export

        try:
            paths = export(self.session, force=self.replace_next)
        except PackExists as exc:
            self.replace_next = True
            message = str(exc).replace("; use --force to replace", "")
            self.notify(
                f"✗ Not exported: {message}\nPress ctrl+s again to replace them.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        except PreflightError as exc:
            self.notify(f"✗ Not exported: {exc}", severity="error", timeout=10, markup=False)
            return
        self.replace_next = False
        self.notify("\n".join(str(p) for p in paths), title="✔ Exported", markup=False)

    def action_back(self) -> None:
        self.dismiss(None)
