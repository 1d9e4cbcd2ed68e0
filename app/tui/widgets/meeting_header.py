"""The wizard's header: Textual's, with the meeting clock (`app.tui.timekeeper`) where the
clock would be. Empty and as wide as Textual's clock space until the meeting clock starts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Header, Static
from textual.widgets._header import HeaderIcon, HeaderTitle


class Timebox(Static):
    DEFAULT_CSS = """
    Timebox {
        dock: right;
        width: auto;
        min-width: 10;
        padding: 0 1;
    }
    """


class MeetingHeader(Header):
    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield Timebox("", id="timebox", markup=False)
