"""One questionary prompt per question kind, each with a way back, a skip and a quit.

questionary has no "back" (its issue #81), so navigation is part of every prompt:
- select prompts (yes_no, choice, scale) end with the extra choices `← back`, `skip`, `quit`;
- the checkbox (multi) carries the same three as boxes: tick one of them alone and press Enter;
- text prompts (number, text, person, date, evidence) take `:back`, `:skip`, `:quit`
  (or `:b`, `:s`, `:q`) typed in place of an answer.
Each prompt's instruction says so. `ask` returns a stored-shape value or a `Nav`.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import questionary
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.styles import Style
from questionary import Choice, Separator

from app.core.answers import AnswerError, check_value, display, parse_text
from app.core.model import Kind, Question
from app.core.text import one_line


class Nav(Enum):
    back = "back"
    skip = "skip"
    quit = "quit"


NAV_CHOICES = [
    Choice("← back", value=Nav.back),
    Choice("skip", value=Nav.skip),
    Choice("quit", value=Nav.quit),
]
TYPED = {
    ":back": Nav.back,
    ":b": Nav.back,
    ":skip": Nav.skip,
    ":s": Nav.skip,
    ":quit": Nav.quit,
    ":q": Nav.quit,
}
TEXT_NAV = ":back, :skip or :quit"
_PLACEHOLDER = Style([("placeholder", "fg:ansibrightblack italic")])
HINTS = {
    Kind.text: "text",
    Kind.person: "Name (role)",
    Kind.date: "YYYY-MM-DD",
    Kind.evidence: "a path or URL",
}


def ask(question: Question, current: Any = None, **kwargs: Any) -> Any:
    """Ask one question; the answer in stored shape, or a Nav. Ctrl-C raises KeyboardInterrupt.

    `kwargs` go to questionary (tests pass `input=` and `output=` here or use an app session).
    """
    return read_answer(question, build(question, current, **kwargs).unsafe_ask(), current)


def build(question: Question, current: Any = None, **kwargs: Any) -> questionary.Question:
    kind = question.kind
    if kind in (Kind.yes_no, Kind.choice, Kind.scale):
        return _select(question, current, **kwargs)
    if kind is Kind.multi:
        return _checkbox(question, current, **kwargs)
    return _text(question, current, **kwargs)


def select_choices(question: Question) -> list[Choice]:
    kind = question.kind
    unknown = [Choice("unknown (find out later)", "unknown")] if question.unknown_allowed() else []
    if kind is Kind.yes_no:
        return [Choice("yes", "yes"), Choice("no", "no"), *unknown]
    if kind is Kind.scale:
        levels = enumerate(question.levels, start=1)
        return [Choice(f"{n} — {one_line(label)}", n) for n, label in levels]
    return [Choice(one_line(option.label), option.id) for option in question.options] + unknown


def _select(question: Question, current: Any, **kwargs: Any) -> questionary.Question:
    choices: list[Any] = select_choices(question)
    default = current if current in [c.value for c in choices] else None
    choices += [Separator(), *NAV_CHOICES]
    return questionary.select(
        one_line(question.text),
        choices=choices,
        default=default,
        instruction="(↑↓ Enter; ← back · skip · quit at the end)",
        **kwargs,
    )


def _checkbox(question: Question, current: Any, **kwargs: Any) -> questionary.Question:
    chosen = set(current) if isinstance(current, list) else set()
    choices: list[Any] = [
        Choice(one_line(option.label), option.id, checked=option.id in chosen)
        for option in question.options
    ]
    if question.unknown_allowed():  # ticked alone: the answer is "unknown"
        choices.append(Choice("unknown (find out later)", "unknown", checked=current == "unknown"))
    choices += [Separator(), *(Choice(c.title, c.value) for c in NAV_CHOICES)]

    def validate(values: list[Any]) -> bool | str:
        navs = [v for v in values if isinstance(v, Nav)]
        if navs and (len(navs) > 1 or len(values) > 1):
            return "Tick ← back, skip or quit on its own (untick the options)"
        if "unknown" in values and len(values) > 1:
            return "Tick unknown on its own (untick the options)"
        return True

    return questionary.checkbox(
        one_line(question.text),
        choices=choices,
        validate=validate,
        instruction="(space ticks, Enter confirms; none ticked is an answer; "
        "tick ← back, skip or quit alone to move)",
        **kwargs,
    )


def _text(question: Question, current: Any, **kwargs: Any) -> questionary.Question:
    # The current answer is a placeholder, not pre-filled text: Enter on an empty line keeps
    # it, and `:back` typed at once is a command rather than text appended to the old answer.
    shown = _text_default(question, current)

    def validate(text: str) -> bool | str:
        if text.strip().lower() in TYPED or (not text.strip() and shown):
            return True
        if not text.strip():
            return f"Type an answer, or {TEXT_NAV}"
        try:
            parse_text(question, text)
        except AnswerError as exc:
            return f"{exc} (or {TEXT_NAV})"
        return True

    keep = "; Enter keeps the answer shown" if shown else ""
    return questionary.text(
        one_line(question.text),
        validate=validate,
        instruction=f"[{text_hint(question)}; {TEXT_NAV}{keep}]",
        placeholder=FormattedText([("class:placeholder", shown)]) if shown else None,
        style=_PLACEHOLDER,
        **kwargs,
    )


def _text_default(question: Question, current: Any) -> str:
    if current is None:
        return ""
    if question.kind is Kind.number:
        return str(current)
    return "".join(ch if ch.isprintable() else " " for ch in display(question, current))


def text_hint(question: Question) -> str:
    if question.kind is not Kind.number:
        return HINTS[question.kind]
    parts = ["a number"]
    if question.unit:
        parts.append(f"in {one_line(question.unit)}")
    if question.min is not None and question.max is not None:
        parts.append(f"{question.min:g} to {question.max:g}")
    elif question.min is not None:
        parts.append(f"at least {question.min:g}")
    elif question.max is not None:
        parts.append(f"at most {question.max:g}")
    return ", ".join(parts)


def read_answer(question: Question, raw: Any, current: Any = None) -> Any:
    """Turn what a prompt returned into a Nav or a stored-shape value."""
    if isinstance(raw, str) and not raw.strip() and current is not None:
        return current
    if isinstance(raw, Nav):
        return raw
    if question.kind is Kind.multi:
        navs = [v for v in raw if isinstance(v, Nav)]
        if navs:
            return navs[0]
        return check_value(question, "unknown" if list(raw) == ["unknown"] else list(raw))
    if isinstance(raw, str) and raw.strip().lower() in TYPED:
        return TYPED[raw.strip().lower()]
    if question.kind in (Kind.yes_no, Kind.choice, Kind.scale):
        return check_value(question, raw)
    return parse_text(question, raw)
