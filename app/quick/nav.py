"""Navigation shared by both plain-mode askers (questionary and screen reader), and what they
print around a prompt: help wrapped at word boundaries and the one-line "not saved" error.

Nothing here imports prompt_toolkit, so the screen-reader mode loads none of it.
"""

from __future__ import annotations

import shutil
import textwrap
from enum import Enum

from app.core.model import Kind, Question
from app.core.text import one_line


class Nav(Enum):
    back = "back"
    skip = "skip"
    quit = "quit"


TYPED = {
    ":back": Nav.back,
    ":b": Nav.back,
    ":skip": Nav.skip,
    ":s": Nav.skip,
    ":quit": Nav.quit,
    ":q": Nav.quit,
}
TEXT_NAV = ":back, :skip or :quit"
NOT_SAVED = "✗ Not saved:"
"""The start of the plain line printed above a re-asked prompt (never a bottom toolbar)."""


def width() -> int:
    """The terminal's width (COLUMNS wins), 80 when it cannot be told; at least 20."""
    return max(20, shutil.get_terminal_size((80, 24)).columns)


def wrapped(
    value: object, first: str, rest: str | None = None, cols: int | None = None
) -> list[str]:
    """`value` on one line per row, broken only between words at the terminal width: `first`
    before the first row, `rest` (spaces as wide as `first` by default) before the others."""
    text = one_line(value)
    rest = " " * len(first) if rest is None else rest
    rows = textwrap.wrap(
        text,
        width=cols or width(),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return rows or [first.rstrip()]


def not_saved(message: object) -> str:
    return f"{NOT_SAVED} {one_line(message)}"


HINTS = {
    Kind.text: "text",
    Kind.person: "Name (role)",
    Kind.date: "YYYY-MM-DD or today",
    Kind.evidence: "a path or URL",
}


def text_hint(question: Question) -> str:
    """What a typed answer looks like: `a number, in tickets, 0 to 100`, `YYYY-MM-DD`."""
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
