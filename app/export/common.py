"""Small pieces shared by the page and the appendix: numbers, table rows, people.

The verdict's badge and meaning come from `app.core.summary`, as `check` prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.core.text import format_number
from app.export import escape

if TYPE_CHECKING:  # app.store imports SQLite; the builder only needs the record types
    from app.store.models import Participant, Waiver


number = format_number
"""A number for people (the one rule, in app.core.text)."""


def row(cells: Sequence[str]) -> str:
    """A GFM table row from cells that are already escaped."""
    return "| " + " | ".join(cell or "—" for cell in cells) + " |"


class Safe(str):
    """A cell that is already Markdown (a badge, a number, links): never escaped or cut."""


def fit_row(cells: Sequence[str], width: int = 120) -> list[str]:
    """Escape raw cells and cut the longest ones until the table row fits in `width`.

    `Safe` cells keep their text; the others share what is left, each getting at least 8
    characters, the shortest keeping their full text (water-filling).
    """
    overhead = 4 + 3 * (len(cells) - 1)
    fixed = sum(max(1, len(c)) for c in cells if isinstance(c, Safe))
    natural = {
        i: max(1, len(escape.text(c))) for i, c in enumerate(cells) if not isinstance(c, Safe)
    }  # an empty cell still shows "—"
    budget = width - overhead - fixed
    cap = max(natural.values(), default=0)
    while cap > 8 and sum(min(n, cap) for n in natural.values()) > budget:
        cap -= 1
    out = []
    for cell in cells:
        out.append(cell if isinstance(cell, Safe) else escape.fit(cell, cap))
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [row(header), row(["---"] * len(header)), *(row(r) for r in rows)]


def join_fit(
    items: Sequence[str],
    width: int,
    more: str = "+{n} more in the appendix",
    total: int | None = None,
) -> str:
    """Escaped `items` joined with `, ` within `width`; `more` counts what did not fit (out of
    `total`, when some items could not be shown at all)."""
    total = len(items) if total is None else total
    out: list[str] = []
    for item in items:
        left = total - len(out) - 1
        tail = ", " + more.format(n=left) if left else ""
        if len(", ".join([*out, item])) + len(tail) > width:
            break
        out.append(item)
    if len(out) < total:
        out.append(more.format(n=total - len(out)))
    return ", ".join(out)


def person(participant: Participant, width: int = 0) -> str:
    label = f"{participant.name} ({participant.role})" if participant.role else participant.name
    return escape.fit(label, width) if width else escape.text(label)


def waiver_text(waiver: Waiver | None, today: str) -> str:
    """`until DAY by WHO: why`, or `expired DAY: why` once the day has passed."""
    if waiver is None:
        return ""
    if not waiver.active_on(today):
        return f"expired {waiver.expires}: {waiver.reason}"
    return f"until {waiver.expires} by {waiver.approver}: {waiver.reason}"
