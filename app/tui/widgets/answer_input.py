"""The input for the current question: the right control for its kind, reused across questions.

Three controls are built once (an option list, a checkbox list and a one-line input) and the one
that fits the question is shown; rebuilding widgets on every question would cost a recompose
(~100 ms) on the path from a keypress to the repaint.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.core.answers import display
from app.core.model import Kind, Question
from app.core.text import one_line

PAINT_AFTER = 0.05
"""Seconds after a tick that its row repaints if the answer was not saved (and painted) by then."""
YES_NO_KEYS = {"y": "yes", "n": "no", "u": "unknown"}
PLACEHOLDERS = {
    Kind.number: "a number",
    Kind.text: "type the answer",
    Kind.person: "Name (role)",
    Kind.date: "YYYY-MM-DD or today",
    Kind.evidence: "a path or URL to the artifact",
}


class ChoiceList(OptionList):
    """Options for yes/no, choice and scale questions, with single-key answers."""

    class Picked(Message):
        def __init__(self, value: Any) -> None:
            super().__init__()
            self.value = value

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, compact=True, **kwargs)
        self.values: list[Any] = []
        self.kind: Kind | None = None

    def on_key(self, event: Key) -> None:
        key = event.key
        if self.kind is Kind.yes_no and key in YES_NO_KEYS and YES_NO_KEYS[key] in self.values:
            event.stop()
            self.post_message(self.Picked(YES_NO_KEYS[key]))
        elif key == "u" and "unknown" in self.values:  # a choice whose pack allows unknown
            event.stop()
            self.post_message(self.Picked("unknown"))
        elif key.isdigit() and 1 <= int(key) <= len(self.values):
            event.stop()
            self.post_message(self.Picked(self.values[int(key) - 1]))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self.values[event.option_index]))


class TickList(OptionList):
    """Options of a multi-choice question: ☑ ticked, ☐ not (a symbol, never colour alone).

    Space (or a digit) ticks the highlighted (or numbered) option and posts the new selection;
    enter asks for the next question. Where the pack allows unknown, a last row "Unknown (u)"
    (or the key u) answers "unknown", which unticks the options (and ticking one unticks it).
    """

    class Ticked(Message):
        def __init__(self, chosen: list[str] | str) -> None:
            super().__init__()
            self.chosen = chosen

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, compact=True, **kwargs)
        self.question: Question | None = None
        self.chosen: set[str] = set()
        self.unknown = False
        """The answer is "unknown" (only where the question allows it)."""
        self._unpainted: set[int] = set()
        """Rows ticked or unticked and not yet repainted (see `toggle`)."""
        self._paint_timer: Timer | None = None

    def _rows(self) -> int:
        assert self.question is not None
        return len(self.question.options) + (1 if self.question.unknown_allowed() else 0)

    def show(self, question: Question, stored: list[str] | str | None) -> None:
        self.question = question
        self.unknown = stored == "unknown"
        self.chosen = set(stored) if isinstance(stored, list) else set()
        self._unpainted.clear()
        self.set_options(Option(self._prompt(i)) for i in range(self._rows()))
        self.highlighted = 0

    def _prompt(self, index: int) -> Text:
        assert self.question is not None
        if index == len(self.question.options):
            return Text(f"{'☑' if self.unknown else '☐'} u  Unknown")
        option = self.question.options[index]
        box = "☑" if option.id in self.chosen else "☐"
        return Text(f"{box} {index + 1}  {one_line(option.label)}")

    def toggle(self, index: int) -> None:
        """Tick or untick row `index` and post the new selection. The rows repaint when the
        answer is saved (`paint`, called by the wizard with the sidebar and gate panel), so
        the tick and what it changed show in one frame; a fallback timer paints them if
        nothing does within `PAINT_AFTER`."""
        assert self.question is not None
        options = len(self.question.options)
        if index == options:
            self.unknown = not self.unknown
            self.chosen = set()
            self._unpainted.update(range(self._rows()))
            self._paint_soon()
            self.post_message(self.Ticked("unknown" if self.unknown else []))
            return
        option_id = self.question.options[index].id
        self.chosen ^= {option_id}
        self._unpainted.add(index)
        if self.unknown:
            self.unknown = False
            self._unpainted.add(options)
        self._paint_soon()
        self.post_message(self.Ticked([o for o in self.question.option_ids() if o in self.chosen]))

    def _paint_soon(self) -> None:
        if self._paint_timer is None:
            self._paint_timer = self.set_timer(PAINT_AFTER, self.paint)

    def paint(self) -> None:
        """Repaint the rows ticked or unticked since the last paint."""
        if self._paint_timer is not None:
            self._paint_timer.stop()
            self._paint_timer = None
        rows, self._unpainted = sorted(self._unpainted), set()
        if self.question is None:
            return
        for row in rows:
            if row < self._rows():
                self.replace_option_prompt_at_index(row, self._prompt(row))

    class Done(Message):
        """Enter: the ticks are set; go on."""

    def on_key(self, event: Key) -> None:
        if self.question is None:
            return
        if event.key == "enter":
            # Handled here, before OptionList's own enter binding would select the row.
            event.stop()
            self.post_message(self.Done())
        elif event.key == "space" and self.highlighted is not None:
            event.stop()
            self.toggle(self.highlighted)
        elif event.key.isdigit() and 1 <= int(event.key) <= len(self.question.options):
            event.stop()
            self.toggle(int(event.key) - 1)
        elif event.key == "u" and self.question.unknown_allowed():
            event.stop()
            self.toggle(len(self.question.options))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        # Only a click gets here (enter is taken in on_key): a click ticks the row.
        event.stop()
        self.toggle(event.option_index)


class AnswerInput(Vertical):
    """Shows the control for one question and posts `Answered` with the raw value given."""

    DEFAULT_CSS = """
    AnswerInput { height: auto; }
    AnswerInput ChoiceList { height: auto; max-height: 12; }
    AnswerInput TickList { height: auto; max-height: 12; }
    AnswerInput #hint { color: $text-muted; height: auto; }
    AnswerInput #hint.-error { color: $error; }
    """

    class Answered(Message):
        """A value was given; `typed` is True when it is text still to be parsed."""

        def __init__(self, value: Any, typed: bool) -> None:
            super().__init__()
            self.value = value
            self.typed = typed

    class Advance(Message):
        """The person confirmed the current answer and wants the next question."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question: Question | None = None
        self.shown_text: str | None = None
        """What the one-line input showed for the stored answer (None for list kinds)."""
        self.hint_text = ""
        """What the hint line says now."""
        self.people: list[str] = []
        """Participants, `Name (role)`, offered as completions for person questions."""

    def pending_text(self) -> str | None:
        """Typed text that differs from the stored answer and is not saved yet, if any."""
        if self.shown_text is None:
            return None
        value = self.query_one("#typed", Input).value
        return value if value.strip() != self.shown_text.strip() else None

    def compose(self) -> ComposeResult:
        yield ChoiceList(id="choices")
        yield TickList(id="multi")
        # select_on_focus off: arriving on an answer must not select it, or the first key
        # typed would replace the whole stored answer.
        yield Input(id="typed", compact=True, select_on_focus=False)
        yield Static("", id="hint", markup=False)

    def show(self, question: Question, stored: Any) -> None:
        """Configure the controls for `question`, with the stored answer preselected."""
        self.question = question
        choices = self.query_one("#choices", ChoiceList)
        multi = self.query_one("#multi", TickList)
        typed = self.query_one("#typed", Input)
        kind = question.kind
        choices.display = kind in (Kind.yes_no, Kind.choice, Kind.scale)
        multi.display = kind is Kind.multi
        typed.display = not (choices.display or multi.display)
        hint = ""
        if choices.display:
            labels, values = _choices(question)
            choices.kind = kind
            choices.values = values
            choices.set_options(
                Option(Text(("● " if v == stored else "  ") + label)) for label, v in labels
            )
            choices.highlighted = values.index(stored) if stored in values else 0
            keys = "y / n / u" if kind is Kind.yes_no else f"1–{len(question.options or values)}"
            if kind is Kind.yes_no and "unknown" not in values:
                keys = "y / n"
            elif kind is Kind.choice and "unknown" in values:
                keys += " / u"
            hint = f"{keys} answers (or ↑↓ enter)"
            choices.focus(scroll_visible=False)
        elif multi.display:
            multi.show(question, stored)
            hint = "space or 1–9 ticks (saved at once); enter goes on"
            if question.unknown_allowed():
                hint = "space or 1–9 ticks, u unknown (saved at once); enter goes on"
            multi.focus(scroll_visible=False)
        else:
            typed.placeholder = PLACEHOLDERS[kind]
            typed.value = "" if stored is None else one_line(display(question, stored))
            if kind is Kind.number:
                typed.value = "" if stored is None else str(stored)
                bounds = _bounds(question)
                hint = f"In {one_line(question.unit)}. " if question.unit else ""
                hint += f"{bounds}. " if bounds else ""
            if kind is Kind.person:
                hint = "A participant's name (→ completes), or Name (role). "
            self._suggest()
            hint += "Enter saves."
            typed.cursor_position = len(typed.value)  # type at the end, never mid-answer
            typed.focus(scroll_visible=False)
        self.shown_text = typed.value if typed.display else None
        self.set_hint(hint)

    def saved(self, stored: Any) -> str | None:
        """The answer was saved: a typed one now shows as stored (moving on does not save it a
        second time), and the hint says how it was understood (`✔ Saved as 0.012 USD`), which
        is also returned, for the wizard to repeat under the next question."""
        if self.question is None:
            return None
        typed = self.query_one("#typed", Input)
        if not typed.display:
            return None
        self.shown_text = typed.value
        if self.question.kind is Kind.text:
            return None
        readback = f"✔ Saved as {one_line(display(self.question, stored))}"
        self.set_hint(readback)
        return readback

    def offer(self, names: list[str]) -> None:
        """Complete these names (participants) as a person question's answer is typed."""
        self.people = names
        if self.question is not None and self.question.kind is Kind.person:
            self._suggest()

    def _suggest(self) -> None:
        typed = self.query_one("#typed", Input)
        is_person = self.question is not None and self.question.kind is Kind.person
        people = self.people if is_person else []
        typed.suggester = SuggestFromList(people, case_sensitive=False) if people else None

    def focus_control(self) -> None:
        """Focus whichever control the current question uses."""
        for selector in ("#choices", "#multi", "#typed"):
            widget = self.query_one(selector)
            if widget.display:
                widget.focus(scroll_visible=False)
                return

    def set_hint(self, text: str, error: bool = False) -> None:
        hint = self.query_one("#hint", Static)
        width = hint.content_size.width if hint.display else 0
        # One line before and after (the usual case: "✔ Saved as 12"): the hint keeps its
        # height, so no layout pass (~10 ms on the 1,000-question pack) before the frame.
        one_row = all(t and "\n" not in t and cell_len(t) <= width for t in (text, self.hint_text))
        self.hint_text = text
        hint.update(text, layout=not one_row)
        hint.set_class(error, "-error")

    def mark(self, stored: Any) -> None:
        """Move the ● to the stored choice without rebuilding the list (and repaint the ticks
        of a multi-choice question)."""
        if self.question is not None and self.question.kind is Kind.multi:
            self.query_one("#multi", TickList).paint()
            return
        if self.question is None or self.question.kind not in (
            Kind.yes_no,
            Kind.choice,
            Kind.scale,
        ):
            return
        choices = self.query_one("#choices", ChoiceList)
        labels, values = _choices(self.question)
        for index, (label, value) in enumerate(labels):
            prompt = ("● " if value == stored else "  ") + label
            # Replace only the rows whose ● moved: each replacement repaints the list.
            if str(choices.get_option_at_index(index).prompt) != prompt:
                choices.replace_option_prompt_at_index(index, Text(prompt))

    @on(ChoiceList.Picked)
    def _picked(self, event: ChoiceList.Picked) -> None:
        event.stop()
        self.post_message(self.Answered(event.value, typed=False))

    @on(TickList.Ticked)
    def _ticked(self, event: TickList.Ticked) -> None:
        event.stop()
        self.post_message(self.Answered(event.chosen, typed=False))

    @on(Input.Submitted, "#typed")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.pending_text() is None and self.shown_text:
            # Unchanged: don't write it again (a multi-line answer shown on one line would be
            # flattened by a re-save); just go on.
            self.post_message(self.Advance())
            return
        self.post_message(self.Answered(self.accepted_text(event.value), typed=True))

    def accepted_text(self, value: str) -> str:
        """What Enter means: a completion on show (a participant's `Name (role)`) is taken,
        as it reads on screen; otherwise the text as typed."""
        typed = self.query_one("#typed", Input)
        suggestion = getattr(typed, "_suggestion", "") or ""
        if suggestion and value and suggestion.casefold().startswith(value.casefold()):
            return suggestion
        return value

    @on(TickList.Done)
    def _ticks_done(self, event: TickList.Done) -> None:
        event.stop()
        self.post_message(self.Advance())


def _choices(question: Question) -> tuple[list[tuple[str, Any]], list[Any]]:
    labels: list[tuple[str, Any]]
    if question.kind is Kind.yes_no:
        labels = [("Yes  (y)", "yes"), ("No  (n)", "no")]
    elif question.kind is Kind.scale:
        labels = [(f"{i}  {one_line(label)}", i) for i, label in enumerate(question.levels, 1)]
    else:
        labels = [(f"{i}  {one_line(o.label)}", o.id) for i, o in enumerate(question.options, 1)]
    if question.kind is not Kind.scale and question.unknown_allowed():
        labels.append(("Unknown  (u)" if question.kind is Kind.yes_no else "u  Unknown", "unknown"))
    return labels, [value for _, value in labels]


def _bounds(question: Question) -> str:
    low, high = question.min, question.max
    if low is not None and high is not None:
        return f"From {_num(low)} to {_num(high)}"
    if low is not None:
        return f"At least {_num(low)}"
    if high is not None:
        return f"At most {_num(high)}"
    return ""


def _num(value: float) -> str:
    """10000000.0 → 10,000,000 (not 1e+07)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
