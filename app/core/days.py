"""The one reading of a calendar day: answers, follow-up due dates, waiver expiries, `--date`.

`date.fromisoformat` alone also takes `2026-W01-1`, `20260101` and `2026-001` on Python 3.11+,
which the other readers refused, so a day one screen accepted another refused. Here a day is
exactly `YYYY-MM-DD` and real in the calendar.
"""

from __future__ import annotations

import datetime as dt
import re

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayError(ValueError):
    """Not a day as YYYY-MM-DD; the message says what was given."""


def parse_day(value: object, expected: str = "YYYY-MM-DD") -> str:
    """`value` as `YYYY-MM-DD` (a `date` or `datetime` gives its day); DayError otherwise,
    saying what was `expected` (a prompt that also takes "today" says so)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    if not _DAY.fullmatch(text):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise DayError(f"expected a date as {expected}, got {shown}")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DayError(f"{text} is not a day in the calendar") from None


def is_day(value: object) -> bool:
    try:
        parse_day(value)
    except DayError:
        return False
    return True
