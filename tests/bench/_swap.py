"""The question-swap floor: a bare Textual app whose key replaces a question view (a Label and
an OptionList of 3–9 options, or an Input, the way the wizard shows a choice or a typed
question) with the next one."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList

SIZES = (3, 5, 9, 0, 4, 7)
"""Options of each question in turn; 0: a typed question (an Input)."""


class SwapApp(App[None]):
    BINDINGS = [Binding("y", "swap", "y"), Binding("n", "swap", "n")]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="question"):
            yield from self._view(0)

    def _view(self, index: int) -> list[Label | OptionList | Input]:
        size = SIZES[index % len(SIZES)]
        label = Label(f"Question {index + 1}: how does the pilot handle case {index}?")
        if size == 0:
            return [label, Input(placeholder="type an answer")]
        return [label, OptionList(*(f"Option {i + 1} for question {index}" for i in range(size)))]

    async def action_swap(self) -> None:
        self.index += 1
        box = self.query_one("#question", Vertical)
        await box.remove_children()
        await box.mount_all(self._view(self.index))
