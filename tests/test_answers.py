"""Answer values by kind: what is accepted, how it is stored, what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.answers import AnswerError, check_value, display, parse_text
from app.core.packs import load_packs
from tests.conftest import EXAMPLES

PACKSET = load_packs([EXAMPLES]).packset
Q = PACKSET.questions


def _q(kind: str):
    from app.core.model import Kind, Option, Question

    two = [Option(id="a", label="A"), Option(id="b", label="B")]
    extra = {
        "choice": {"options": two},
        "multi": {"options": two},
        "scale": {"levels": ["low", "mid", "high"]},
        "number": {"min": 0, "max": 100, "unit": "ms"},
    }.get(kind, {})
    return Question(id="q", text="Q?", help="Why.", kind=Kind(kind), **extra)


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("yes_no", "Yes", "yes"),
        ("yes_no", True, "yes"),
        ("yes_no", "unknown", "unknown"),
        ("choice", "b", "b"),
        ("multi", ["b", "a"], ["a", "b"]),
        ("multi", [], []),
        ("scale", 2, 2),
        ("number", 42.5, 42.5),
        ("number", 0, 0),
        ("text", "hello | <b>", "hello | <b>"),
        ("person", "Ana Ruiz (KPI owner)", {"name": "Ana Ruiz", "role": "KPI owner"}),
        ("person", {"name": "Ana", "role": "security"}, {"name": "Ana", "role": "security"}),
        ("date", "2026-12-01", "2026-12-01"),
        ("date", dt.date(2026, 12, 1), "2026-12-01"),
        ("evidence", "https://example.com/eval.md", "https://example.com/eval.md"),
    ],
)
def test_accepts(kind, value, stored):
    assert check_value(_q(kind), value) == stored


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("yes_no", "maybe", "expected yes, no or unknown"),
        ("choice", "c", "expected one of a, b"),
        ("multi", ["a", "z"], "'z' is not an option"),
        ("multi", "a", "expected a list"),
        ("scale", 4, "expected 1, 2 or 3"),
        ("scale", True, "expected 1, 2 or 3"),
        ("number", 101, "above the maximum of 100 ms"),
        ("number", -1, "below the minimum"),
        ("number", "12", "expected a number"),
        ("number", float("nan"), "finite"),
        ("text", "   ", "empty"),
        ("person", "", "expected a name and a role"),
        ("person", "Alice", "expected a name and a role"),
        ("person", {"name": "Alice", "role": ""}, "needs a role"),
        ("date", "2026-02-30", "not a day in the calendar"),
        ("date", "next week", "YYYY-MM-DD"),
        ("evidence", "a\nb", "control characters"),
    ],
)
def test_refuses(kind, value, message):
    with pytest.raises(AnswerError) as caught:
        check_value(_q(kind), value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("yes_no", "y", "yes"),
        ("yes_no", "?", "unknown"),
        ("multi", "a, b", ["a", "b"]),
        ("scale", "3", 3),
        ("number", "1_0", 10),
        ("number", "0.25", 0.25),
        ("number", "50 ms", 50),
    ],
)
def test_parse_text(kind, typed, stored):
    assert parse_text(_q(kind), typed) == stored


def _number(unit: str | None):
    from app.core.model import Kind, Question

    return Question(id="n", text="How much?", help="h", kind=Kind.number, unit=unit)


@pytest.mark.parametrize(
    ("unit", "typed", "stored"),
    [
        ("USD", "$0.012", 0.012),
        ("USD/month", "$1,200", 1200),
        ("USD/month", "1,200 USD", 1200),
        ("USD", "-$5", -5),
        ("%", "88%", 88),
        ("%", "88 %", 88),
        ("ms", "9,000", 9000),
        ("ms", "120 ms", 120),
    ],
)
def test_numbers_as_people_write_them(unit, typed, stored):
    assert parse_text(_number(unit), typed) == stored


@pytest.mark.parametrize(
    ("unit", "typed"),
    [("cases", "$5"), ("cases", "50%"), ("ms", "€3"), (None, "$1"), ("EUR", "$1")],
)
def test_a_sign_the_unit_does_not_name_is_refused(unit, typed):
    with pytest.raises(AnswerError, match="is not a number"):
        parse_text(_number(unit), typed)


def test_display():
    assert display(Q["vendor_region"], "eu") == "EU only"
    assert display(Q["vendor_exit_plan"], 3) == "3 — Ready to switch"
    assert display(Q["vendor_monthly_budget"], 5000) == "5,000 USD/month"


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ("participants = 5", "_meta.participants: expected a list"),
        ("answered_as = [1]", "_meta.answered_as: expected a participant's name"),
        ('participants = [{ name = "A" }]', "_meta.participants[0]"),
    ],
)
def test_answer_file_meta_problems_are_lines_not_tracebacks(tmp_path, meta, message):
    from app.core.answerfile import AnswerFileError, read_answer_file

    path = tmp_path / "answers.toml"
    path.write_text(f'vendor_name = "Acme"\n\n[_meta]\n{meta}\n')
    with pytest.raises(AnswerFileError) as caught:
        read_answer_file(path, PACKSET)
    assert any(message in line for line in caught.value.lines), caught.value.lines
