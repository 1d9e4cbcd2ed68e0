"""Answer values: checking a value against its question, and reading typed-in text.

Every front end (wizard, plain mode, answer files) goes through `check_value`, so a value
that reaches the store has one shape per kind:

    yes_no   "yes" | "no" | "unknown"     scale   1 | 2 | 3
    choice   option id | "unknown"        number  int | float within bounds
    multi    [option ids] in pack order   text    str
             | "unknown"
    person   {"name": str, "role": str}   date    "YYYY-MM-DD"
    evidence path or URL (str)
"""

from __future__ import annotations

import math
import re
from typing import Any

from app.core import expr
from app.core.days import DayError, parse_day
from app.core.model import Kind, Question
from app.core.text import has_control

YES_NO = ("yes", "no", "unknown")
MAX_TEXT = 1_048_576
MAX_EVIDENCE = 2_000
_PERSON = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<role>[^()]*)\)\s*$")


class AnswerError(ValueError):
    """A value that does not fit its question; the message is meant for the person answering."""


def check_value(question: Question, value: Any) -> Any:
    """Return `value` in its stored shape, or raise AnswerError saying what is wrong."""
    checker = _CHECKERS[question.kind]
    return checker(question, value)


TODAY_WORD = "today"
"""What a person may type for a date question to mean the day it is answered on."""


def parse_text(question: Question, text: str) -> Any:
    """Read what a person typed into a one-line prompt, then check it."""
    raw = text.strip()
    if not raw:
        raise AnswerError("empty answer")
    kind = question.kind
    if kind in (Kind.choice, Kind.multi) and question.unknown_allowed():
        if raw.lower() in ("u", "?", "unknown"):
            return check_value(question, "unknown")
    if kind is Kind.yes_no:
        lowered = raw.lower()
        value: Any = {"y": "yes", "n": "no", "u": "unknown", "?": "unknown"}.get(lowered, lowered)
    elif kind is Kind.multi:
        value = [part.strip() for part in raw.split(",") if part.strip()]
    elif kind is Kind.scale:
        value = _int_or_text(raw)
    elif kind is Kind.date:
        if raw.lower() == TODAY_WORD:
            return TODAY_WORD  # the session saves its day instead (it knows which day that is)
        try:
            parse_day(raw, expected=f"YYYY-MM-DD or {TODAY_WORD}")  # as the hint offers
        except DayError as exc:
            raise AnswerError(str(exc)) from None
        value = raw
    elif kind is Kind.number:
        try:
            value = float(_bare_number(raw, question.unit).replace(",", "").replace("_", ""))
        except ValueError:
            unit = f" in {question.unit}" if question.unit else ""
            raise AnswerError(f"{raw!r} is not a number{unit}") from None
        if value.is_integer() and abs(value) < 2**53:
            value = int(value)
    else:
        value = raw if kind is not Kind.text else text
    return check_value(question, value)


CHOICE_SEPARATOR = " • "
"""Between the choices of a multi-choice answer wherever it is shown on one line."""

CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
"""A leading sign people type for a currency, by the code a question's unit names."""


def _bare_number(raw: str, unit: str | None) -> str:
    """The number in `$0.012`, `88 %`, `120 ms`: a currency sign where the unit is that
    currency (USD, USD/month), a trailing `%` where the unit is a percentage, the unit itself
    typed after the number. Anything else stays, and is then not a number."""
    number = raw
    units = (unit or "").upper()
    if unit:
        number = number.removesuffix(unit).strip()
        code = units.split("/")[0].strip()
        if number.upper().endswith(code) and code.isalpha() and len(code) == 3:
            number = number[: -len(code)].strip()  # "0.02 USD" for a unit of "USD/month"
    if "%" in units or "PERCENT" in units:
        number = number.removesuffix("%").strip()
    sign = number[:1]
    if sign in CURRENCIES and CURRENCIES[sign] in units:
        number = number[1:].strip()
    elif number[:1] == "-" and number[1:2] in CURRENCIES and CURRENCIES[number[1:2]] in units:
        number = "-" + number[2:].strip()
    return number


def expression_value(question: Question, stored: Any) -> Any:
    """What an expression sees for a stored answer: "unknown" reads as UNKNOWN, a person by name."""
    if stored is None:
        return expr.UNKNOWN
    if stored == "unknown" and question.kind in _MAY_BE_UNKNOWN:
        return expr.UNKNOWN
    if question.kind is Kind.person and isinstance(stored, dict):
        return stored.get("name", "")
    if question.kind is Kind.multi and isinstance(stored, list):
        return tuple(stored)
    return stored


def display(question: Question, stored: Any) -> str:
    """A short human reading of a stored answer (single line; callers escape for their medium).

    Never raises: a value of another shape (kept in a disagreement or the history from before
    a pack changed a question's kind, or carried by a file) reads as it is."""
    if stored is None:
        return ""
    try:
        return _display(question, stored)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        return str(stored)


def _display(question: Question, stored: Any) -> str:
    kind = question.kind
    if stored == "unknown" and kind in (Kind.choice, Kind.multi):
        return "unknown"
    if kind is Kind.choice:
        return question.option_label(stored)
    if kind is Kind.multi:
        # Labels may hold commas; the pack format keeps CHOICE_SEPARATOR out of them.
        return CHOICE_SEPARATOR.join(question.option_label(v) for v in stored) or "(none)"
    if kind is Kind.scale:
        label = question.levels[stored - 1] if 1 <= stored <= len(question.levels) else ""
        return f"{stored} — {label}" if label else str(stored)
    if kind is Kind.number:
        number = f"{stored:,}" if isinstance(stored, int) else f"{stored:,.4g}"
        return f"{number} {question.unit}" if question.unit else number
    if kind is Kind.person:
        name, role = stored.get("name", ""), stored.get("role", "")
        return f"{name} ({role})" if role else name
    return str(stored)


# -- per-kind checks ---------------------------------------------------------------------------


def _int_or_text(raw: str) -> Any:
    try:
        return int(raw)
    except ValueError:
        return raw


_MAY_BE_UNKNOWN = (Kind.yes_no, Kind.choice, Kind.multi)


def _is_unknown(question: Question, value: Any) -> bool:
    """`value` is "unknown" and the question takes it (its `allow_unknown`)."""
    return (
        isinstance(value, str) and value.strip().lower() == "unknown" and question.unknown_allowed()
    )


def _check_yes_no(question: Question, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in YES_NO:
        if value.strip().lower() != "unknown" or question.unknown_allowed():
            return value.strip().lower()
    allowed = "yes, no or unknown" if question.unknown_allowed() else "yes or no"
    raise AnswerError(f"expected {allowed}, got {_show(value)}")


def _check_choice(question: Question, value: Any) -> str:
    ids = question.option_ids()
    if isinstance(value, str) and value.strip() in ids:
        return value.strip()
    if _is_unknown(question, value):
        return "unknown"
    shown = ", ".join(ids) + (" or unknown" if question.unknown_allowed() else "")
    raise AnswerError(f"expected one of {shown}; got {_show(value)}")


def _check_multi(question: Question, value: Any) -> list[str] | str:
    ids = question.option_ids()
    if _is_unknown(question, value):
        return "unknown"
    if not isinstance(value, (list, tuple)):
        unknown = ', or "unknown"' if question.unknown_allowed() else ""
        raise AnswerError(
            f"expected a list of option ids ({', '.join(ids)}){unknown}, got {_show(value)}"
        )
    chosen = []
    for item in value:
        if not isinstance(item, str) or item.strip() not in ids:
            raise AnswerError(f"{_show(item)} is not an option (options: {', '.join(ids)})")
        chosen.append(item.strip())
    return [option for option in ids if option in chosen]


def _check_scale(question: Question, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3:
        return value
    if isinstance(value, float) and value in (1.0, 2.0, 3.0):
        return int(value)
    raise AnswerError(f"expected 1, 2 or 3, got {_show(value)}")


def _check_number(question: Question, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnswerError(f"expected a number, got {_show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerError("expected a finite number")
    if abs(value) > expr.MAX_NUMBER:
        raise AnswerError(f"{_show(value)} is beyond the limit of ±1e15")
    unit = f" {question.unit}" if question.unit else ""
    if question.min is not None and value < question.min:
        raise AnswerError(f"{value}{unit} is below the minimum of {question.min:g}{unit}")
    if question.max is not None and value > question.max:
        raise AnswerError(f"{value}{unit} is above the maximum of {question.max:g}{unit}")
    return value


def _check_text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"expected text, got {_show(value)}")
    if not value.strip():
        raise AnswerError("empty answer")
    if len(value) > MAX_TEXT:
        raise AnswerError(f"longer than {MAX_TEXT:,} characters")
    return value


def person_from_text(text: str) -> dict[str, str]:
    """`"Priya Raman (tech lead)"` → {name, role}; AnswerError when it is not that shape."""
    match = _PERSON.match(text)
    if not match:
        raise AnswerError('expected a name and a role, as "Name (role)"')
    return _check_person_parts({"name": match["name"], "role": match["role"]})


def _check_person(question: Question, value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return person_from_text(value)
    return _check_person_parts(value)


def _check_person_parts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) - {"name", "role"}:
        raise AnswerError('expected "Name (role)" or {name, role}')
    name, role = value.get("name"), value.get("role", "")
    if not isinstance(name, str) or not name.strip():
        raise AnswerError("a person needs a name")
    if not isinstance(role, str) or not role.strip():
        raise AnswerError('a person needs a role too, as "Name (role)": who they are here')
    if len(name) > 300 or len(role) > 300:
        raise AnswerError("name and role are limited to 300 characters each")
    if has_control(name) or has_control(role):
        raise AnswerError("a name or role cannot hold control characters or line breaks")
    return {"name": name.strip(), "role": role.strip()}


def _check_date(question: Question, value: Any) -> str:
    try:
        return parse_day(value)
    except DayError as exc:
        raise AnswerError(str(exc)) from None


def _check_evidence(question: Question, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerError("expected a path or URL")
    value = value.strip()
    if len(value) > MAX_EVIDENCE:
        raise AnswerError(f"longer than {MAX_EVIDENCE:,} characters")
    if has_control(value):
        raise AnswerError("a path or URL cannot hold control characters or line breaks")
    return value


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int of over 4,300 digits (a TOML hex literal can hold one)
        return "a number too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


_CHECKERS = {
    Kind.yes_no: _check_yes_no,
    Kind.choice: _check_choice,
    Kind.multi: _check_multi,
    Kind.scale: _check_scale,
    Kind.number: _check_number,
    Kind.text: _check_text,
    Kind.person: _check_person,
    Kind.date: _check_date,
    Kind.evidence: _check_evidence,
}
