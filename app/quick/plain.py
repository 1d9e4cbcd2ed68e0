"""The screen-reader asker: plain numbered lines and a typed answer, no prompt_toolkit at all.

Turned on by `preflight quick --screen-reader` or `TERM=dumb`. Every prompt is printed once as
ordinary lines (the question, its numbered choices, a `> ` prompt) and the answer is one typed
line: `1`, `y`, `n`, `u`, a number, text; several choices as `1 3` or `1,3`; `b`, `s`, `q` (or
`:back`, `:skip`, `:quit`) move; an empty line keeps the shown answer (or skips). A refused
answer prints one `✗ Not saved: …` line and the question is asked again. Nothing is redrawn,
coloured or padded, so the transcript reads top to bottom. End of input raises EOFError.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from app.core.answers import AnswerError, check_value, display, parse_text
from app.core.model import Kind, Question
from app.core.text import one_line
from app.quick.nav import TEXT_NAV, TYPED, Nav, not_saved, text_hint, wrapped

LETTERS = {"b": Nav.back, "s": Nav.skip, "q": Nav.quit}
UNKNOWN_WORDS = ("u", "?", "unknown")
NONE_WORDS = ("none", "-", "0")
NAV_LINE = "  b. back   s. skip   q. quit"


def read_line(prompt: str = "> ") -> str:
    """Print `prompt` (no newline) and read one line from standard input; EOFError at its end."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def choices(question: Question) -> list[tuple[str, Any, str]]:
    """(key typed, stored value, label) for each choice of a list question, in order."""
    kind = question.kind
    items: list[tuple[str, Any, str]]
    if kind is Kind.yes_no:
        items = [("1", "yes", "yes"), ("2", "no", "no")]
    elif kind is Kind.scale:
        items = [(str(n), n, one_line(label)) for n, label in enumerate(question.levels, 1)]
    else:
        items = [
            (str(n), option.id, one_line(option.label))
            for n, option in enumerate(question.options, 1)
        ]
    if question.unknown_allowed():
        items.append(("u", "unknown", "unknown (find out later)"))
    return items


def keys_hint(question: Question, items: list[tuple[str, Any, str]]) -> str:
    numbers = [key for key, _, _ in items if key.isdigit()]
    joint = " or " if len(numbers) == 2 else " to "
    span = f"{numbers[0]}{joint}{numbers[-1]}" if len(numbers) > 1 else numbers[0]
    unknown = ", u for unknown" if question.unknown_allowed() else ""
    if question.kind is Kind.yes_no:
        return f"type y or n (or {span}){unknown}"
    if question.kind is Kind.multi:
        return f"type the numbers, {span}, e.g. 1 3; none for no choice{unknown}"
    return f"type {span}{unknown}"


def ask(
    question: Question,
    current: Any = None,
    *,
    out: Callable[[str], None] = print,
    read: Callable[[], str] = read_line,
) -> Any:
    """Print the question once and read answers until one is good: a stored value or a Nav."""
    lists = question.kind in (Kind.yes_no, Kind.choice, Kind.scale, Kind.multi)
    items = choices(question) if lists else []
    for row in wrapped(question.text, "Question: "):
        out(row)
    for key, _, label in items:
        for row in wrapped(label, f"  {key}. "):
            out(row)
    keep = "; Enter keeps the answer shown" if current is not None else "; Enter skips"
    if lists:
        out(NAV_LINE)
        hint = f"({keys_hint(question, items)}{keep})"
    else:
        hint = f"({text_hint(question)}; {TEXT_NAV}{keep})"
    for row in wrapped(hint, "  "):
        out(row)
    while True:
        raw = read()
        try:
            return read_answer(question, raw, current, items)
        except AnswerError as exc:
            out(not_saved(exc))
            for row in wrapped(question.text, "Again: "):
                out(row)


def read_answer(
    question: Question, raw: str, current: Any, items: list[tuple[str, Any, str]]
) -> Any:
    """What one typed line means for `question`; AnswerError says why it is refused."""
    text = raw.strip()
    lowered = text.lower()
    if not text:
        return current if current is not None else Nav.skip
    if lowered in TYPED:
        return TYPED[lowered]
    if not items:
        return parse_text(question, raw)
    if lowered in LETTERS:
        return LETTERS[lowered]
    by_key = {key: value for key, value, _ in items}
    if question.kind is Kind.multi:
        if lowered in NONE_WORDS:
            return check_value(question, [])
        if lowered in UNKNOWN_WORDS and "u" in by_key:
            return check_value(question, "unknown")
        parts = [p for p in text.replace(",", " ").split() if p]
        picked: list[Any] = []
        for part in parts:
            if part.lower() == "u" and "u" in by_key:
                raise AnswerError("u (unknown) goes on its own")
            if part not in by_key:
                raise AnswerError(
                    f"{part!r} is not one of the numbers ({keys_hint(question, items)})"
                )
            if by_key[part] not in picked:
                picked.append(by_key[part])
        return check_value(question, picked)
    if question.kind is Kind.yes_no:
        word = {"y": "yes", "n": "no", "?": "unknown"}.get(lowered, lowered)
        if word in ("yes", "no") or (word in ("u", "unknown") and "u" in by_key):
            return check_value(question, "unknown" if word == "u" else word)
    if lowered in UNKNOWN_WORDS and "u" in by_key:
        return check_value(question, "unknown")
    if text in by_key:
        return check_value(question, by_key[text])
    raise AnswerError(f"{text!r} is not one of the choices ({keys_hint(question, items)})")


def echo(question: Question, value: Any) -> str:
    """The line confirming what was kept: `  saved: Email • Slack`."""
    return f"  saved: {one_line(display(question, value)) or 'no choice'}"
