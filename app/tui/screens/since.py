"""Changes since… (f3 in the wizard): what `preflight diff` shows, gates that flipped first.

Since the last export by default (else since the assessment was created); a day or a date and
time typed at the top compares with the answers as they stood then. Read-only: nothing here
writes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from app.core.states import SYMBOLS, WORDS
from app.errors import PreflightError
from app.session import Session
from app.tui.render import STYLES, literal

SECTIONS = (
    "Gates that changed",
    "Answers changed",
    "Notes",
    "Evidence",
    "Waivers",
    "Follow-ups now overdue",
    "Disagreements",
    "Decisions",
    "Pack versions",
)
"""The report's section headings (`app.interchange.diff.render_text`), shown in bold."""


def styled(line: str) -> Text:
    """One report line as literal text (its indent kept): a section heading bold, a state
    badge in its colour."""
    indent = len(line) - len(line.lstrip(" "))
    text = Text(" " * indent) + literal(line)
    if line.startswith(SECTIONS):
        text.stylize("bold")
        return text
    plain = text.plain
    for state, symbol in SYMBOLS.items():
        word = f"{symbol} {WORDS[state]}"
        start = plain.find(word)
        while start != -1:
            text.stylize(STYLES.get(state, ""), start, start + len(word))
            start = plain.find(word, start + len(word))
    return text


class SinceScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f3", "close", "Close", id="close"),
        Binding("pagedown", "scroll(1)", "Down", show=False),
        Binding("pageup", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="since"):
            yield Label("Changes since…", classes="dialog-title")
            yield Input(
                id="since-input",
                compact=True,
                placeholder="a day (2026-11-20) or date and time; empty: the last export",
            )
            yield Static("", id="since-error", markup=False)
            yield VerticalScroll(id="since-lines")
            yield Label("enter compares · pageup/pagedown scroll · escape closes", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        self.show(None)

    @on(Input.Submitted, "#since-input")
    def _submit(self, event: Input.Submitted) -> None:
        self.show(event.value.strip() or None)

    def show(self, since: str | None) -> None:
        """Compare with `since` (None: the last export) and list what changed."""
        from app.interchange import changes, diff

        error = self.query_one("#since-error", Static)
        try:
            start = changes.at(since) if since is not None else None
            found, heading = self.session.changes(start)
        except (diff.MomentError, PreflightError) as exc:
            # The message names the command-line option; here the field is the option.
            error.update(literal(f"✗ {exc}".replace("--since ", ""), STYLES["red"]))
            return
        error.update("")
        lines = diff.render_text(found, heading)
        box = self.query_one("#since-lines", VerticalScroll)
        box.remove_children()
        box.mount_all(Static(styled(line), classes="change") for line in lines)

    def action_scroll(self, pages: int) -> None:
        box = self.query_one("#since-lines", VerticalScroll)
        box.scroll_page_down() if pages > 0 else box.scroll_page_up()

    def action_close(self) -> None:
        self.dismiss(None)
