"""One questionary prompt per question kind, each with a way back, a skip and a quit.

questionary has no "back" (its issue #81), so navigation is part of every prompt:
- select prompts (yes_no, choice, scale) end with the extra choices `← back`, `skip`, `quit`;
- the checkbox (multi) carries the same three as boxes: tick one of them alone and press Enter;
- text prompts (number, text, person, date, evidence) take `:back`, `:skip`, `:quit`
  (or `:b`, `:s`, `:q`) typed in place of an answer.
Each prompt's instruction says so. `ask` returns a stored-shape value or a `Nav`.

In a yes/no list the keys y, n and u answer at once (as in the wizard). A refused answer is
printed as one plain `✗ Not saved: …` line above the prompt asked again, never in a bottom
toolbar (which pads the raw output and redraws). The prompt prefix is `›` (QMARK), not `?`,
which reads as the `? UNKNOWN` state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import questionary
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.styles import Style
from questionary import Choice, Separator

from app.core.answers import AnswerError, check_value, display, parse_text
from app.core.model import Kind, Question
from app.core.text import one_line
from app.quick.nav import HINTS, TEXT_NAV, TYPED, Nav, not_saved, text_hint, wrapped

__all__ = ["HINTS", "QMARK", "TEXT_NAV", "TYPED", "Nav", "ask", "read_answer", "text_hint"]

QMARK = "›"
"""Before every prompt; questionary's `?` is the symbol of the `? UNKNOWN` state."""
YES_NO_KEYS = {"y": "yes", "n": "no", "u": "unknown"}


NAV_CHOICES = [
    Choice("← back", value=Nav.back),
    Choice("skip", value=Nav.skip),
    Choice("quit", value=Nav.quit),
]
_PLACEHOLDER = Style([("placeholder", "fg:ansibrightblack italic")])


def ask(
    question: Question, current: Any = None, out: Callable[[str], None] = print, **kwargs: Any
) -> Any:
    """Ask one question; the answer in stored shape, or a Nav. Ctrl-C raises KeyboardInterrupt.

    A refused answer prints `✗ Not saved: …` through `out` and asks again. `kwargs` go to
    questionary (tests pass `input=` and `output=` here or use an app session).
    """
    retry: Any = None
    while True:
        raw = build(question, current, retry=retry, **kwargs).unsafe_ask()
        problem = refusal(question, raw, current)
        if problem is None:
            try:
                return read_answer(question, raw, current)
            except AnswerError as exc:
                problem = str(exc)
        out(not_saved(problem))
        retry = raw  # asked again with what was typed or ticked, to be mended


def refusal(question: Question, raw: Any, current: Any = None) -> str | None:
    """Why what a prompt returned cannot be taken (None when it can)."""
    if isinstance(raw, list):
        navs = [v for v in raw if isinstance(v, Nav)]
        if navs and (len(navs) > 1 or len(raw) > 1):
            return "tick ← back, skip or quit on its own (untick the options)"
        if "unknown" in raw and len(raw) > 1:
            return "tick unknown on its own (untick the options)"
        return None
    if not isinstance(raw, str) or question.kind in (Kind.yes_no, Kind.choice, Kind.scale):
        return None
    if raw.strip().lower() in TYPED or (not raw.strip() and current is not None):
        return None
    if not raw.strip():
        return f"type an answer, or {TEXT_NAV}"
    try:
        parse_text(question, raw)
    except AnswerError as exc:
        return f"{exc} (or {TEXT_NAV})"
    return None


def build(
    question: Question, current: Any = None, retry: Any = None, **kwargs: Any
) -> questionary.Question:
    """The prompt for `question`; `retry` is a refused answer the prompt starts from."""
    kind = question.kind
    if kind in (Kind.yes_no, Kind.choice, Kind.scale):
        return _select(question, current, **kwargs)
    if kind is Kind.multi:
        return _checkbox(question, current, retry, **kwargs)
    return _text(question, current, retry, **kwargs)


def laid_out(text: str, instruction: str) -> tuple[str, str]:
    """The prompt's question and instruction broken only between words at the terminal
    width (prompt_toolkit would break them anywhere): the question's rows under its first
    word, the instruction after it when it fits on its last row, else on rows of its own."""
    rows = wrapped(text, "", "  ", cols=_cols() - 2)
    message = "\n".join(rows)
    if len(rows[-1]) + 3 + len(instruction) <= _cols():
        return message, instruction
    return message, "\n" + "\n".join(wrapped(instruction, "  ", cols=_cols()))


def _cols() -> int:
    from app.quick.nav import width

    return width()


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
    keys = {k: v for k, v in YES_NO_KEYS.items() if v in [c.value for c in choices]}
    letters = f"{', '.join(keys)} answers; " if question.kind is Kind.yes_no else ""
    message, instruction = laid_out(
        question.text, f"({letters}↑↓ Enter; ← back · skip · quit at the end)"
    )
    prompt = questionary.select(
        message,
        choices=choices,
        default=default,
        qmark=QMARK,
        instruction=instruction,
        **kwargs,
    )
    if question.kind is Kind.yes_no:
        bindings = prompt.application.key_bindings
        assert isinstance(bindings, KeyBindings)
        for key, value in keys.items():
            bindings.add(key, eager=True)(_answer_with(value))
    return prompt


def _answer_with(value: str) -> Callable[[Any], None]:
    def answer(event: Any) -> None:
        event.app.exit(result=value)

    return answer


def _checkbox(
    question: Question, current: Any, retry: Any = None, **kwargs: Any
) -> questionary.Question:
    if isinstance(retry, list):
        current = retry
    chosen = set(current) if isinstance(current, list) else set()
    choices: list[Any] = [
        Choice(one_line(option.label), option.id, checked=option.id in chosen)
        for option in question.options
    ]
    if question.unknown_allowed():  # ticked alone: the answer is "unknown"
        unknown = current == "unknown" or "unknown" in chosen
        choices.append(Choice("unknown (find out later)", "unknown", checked=unknown))
    choices += [
        Separator(),
        *(Choice(c.title, c.value, checked=c.value in chosen) for c in NAV_CHOICES),
    ]
    message, instruction = laid_out(
        question.text,
        "(space ticks, Enter confirms; none ticked is an answer; "
        "tick ← back, skip or quit alone to move)",
    )
    return questionary.checkbox(
        message,
        choices=choices,
        qmark=QMARK,
        instruction=instruction,
        **kwargs,
    )


def _text(
    question: Question, current: Any, retry: Any = None, **kwargs: Any
) -> questionary.Question:
    # The current answer is a placeholder, not pre-filled text: Enter on an empty line keeps
    # it, and `:back` typed at once is a command rather than text appended to the old answer.
    shown = _text_default(question, current)
    keep = "; Enter keeps the answer shown" if shown else ""
    message, instruction = laid_out(question.text, f"[{text_hint(question)}; {TEXT_NAV}{keep}]")
    return questionary.text(
        message,
        qmark=QMARK,
        instruction=instruction,
        placeholder=FormattedText([("class:placeholder", shown)]) if shown else None,
        default=retry if isinstance(retry, str) else "",
        style=_PLACEHOLDER,
        **kwargs,
    )


def _text_default(question: Question, current: Any) -> str:
    if current is None:
        return ""
    if question.kind is Kind.number:
        return str(current)
    return "".join(ch if ch.isprintable() else " " for ch in display(question, current))


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
