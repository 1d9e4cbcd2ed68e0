"""Each rule in one place: one day reader, one participant per name, one printable check."""

from __future__ import annotations

import argparse

import pytest

from app.commands._snapshot import day
from app.core.answers import AnswerError, check_value
from app.core.days import DayError, is_day, parse_day
from app.core.model import Kind, Question
from app.core.text import has_control
from app.errors import PreflightError
from app.session import Session

NOT_DAYS = ["2026-W01-1", "20260101", "2026-001", "2026-02-30", "26-01-01", "", "2026-1-1"]


@pytest.mark.parametrize("text", NOT_DAYS)
def test_every_reader_of_a_day_refuses_the_same_texts(text, store):
    with pytest.raises(DayError):
        parse_day(text)
    assert not is_day(text)  # the follow-up dialog's check
    with pytest.raises(AnswerError):
        check_value(Question(id="d", text="When?", help="h", kind=Kind.date), text)
    with pytest.raises(argparse.ArgumentTypeError):
        day(text)
    a = store.create("Days")
    with pytest.raises(PreflightError, match="YYYY-MM-DD|calendar"):
        store.set_followup(a.id, "g", due=text or " ")
    with pytest.raises(PreflightError):
        store.set_waiver(a.id, "g", reason="r", approver="a", expires=text)


def test_a_real_day_reads_the_same_everywhere():
    assert parse_day(" 2026-03-01 ") == "2026-03-01" == day("2026-03-01")


def test_one_participant_per_name_through_the_session(store, packset):
    session = Session.create(store, packset, "People")
    dana = session.add_participant("Dana Ortiz", "Security")
    with pytest.raises(PreflightError, match="already a participant"):
        session.add_participant("dana  ORTIZ", "someone")
    assert session.ensure_participant("DANA ORTIZ", "ignored") == dana
    assert session.participant_named("dana ortiz") == dana
    assert [p.name for p in session.participants()] == ["Dana Ortiz"]


def test_session_create_caches_the_first_summary(store, packset):
    session = Session.create(store, packset, "Fresh", "a pilot")
    cached = store.get(session.id).summary
    assert cached.total == sum(a.visible for a in session.evaluation.areas.values()) > 0
    assert cached.verdict == session.evaluation.verdict.value
    assert store.get(session.id).description == "a pilot"


@pytest.mark.parametrize(
    ("text", "newline_ok", "bad"),
    [
        ("plain", False, False),
        ("two\nlines", True, False),
        ("two\nlines", False, True),
        ("tab\there", True, True),
        ("esc \x1b[31m", True, True),
        ("c1 \x9b", True, True),
        ("del \x7f", True, True),
    ],
)
def test_one_printable_check(text, newline_ok, bad):
    assert has_control(text, allow_newline=newline_ok) is bad


def test_evidence_refuses_c1_controls_like_names_do(store):
    q = Question(id="e", text="Link?", help="h", kind=Kind.evidence)
    with pytest.raises(AnswerError):
        check_value(q, "https://example.com/\x9b31m")
    a = store.create("C1")
    with pytest.raises(PreflightError):
        store.add_participant(a.id, "Dana\x9b", "x")
