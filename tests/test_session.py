"""The session service: checked answers, gate changes, cached summaries, waivers."""

from __future__ import annotations

import pytest

from app.core.answerfile import AnswerEntry
from app.core.answers import AnswerError
from app.core.engine import GateState, Verdict
from app.session import Session, summary_of


@pytest.fixture
def session(store, packset):
    a = store.create("Vendor check", packs=packset.versions())
    return Session.open(store, packset, a.slug, today=lambda: "2026-03-01")


ALL_GOOD = [
    ("vendor_name", "Acme AI", None, None),
    ("vendor_dpa_signed", "yes", "signed in May", "https://contracts/dpa"),
    ("vendor_region", "eu", None, None),
    ("vendor_exit_plan", 3, None, None),
    ("vendor_support", 3, None, None),
    ("vendor_cost_per_call", 0.001, None, None),
    ("vendor_calls_per_day", 1000, None, None),
    ("vendor_monthly_budget", 1000, None, None),
]


def test_answer_reports_gate_changes_and_caches_summary(session, store):
    record, moved = session.answer("vendor_dpa_signed", "no", answered_by="Ana")
    assert record.value == "no" and record.answered_by == "Ana"
    assert [(c.gate.id, c.before, c.after) for c in moved] == [
        ("vendor_no_dpa", GateState.unknown, GateState.red)
    ]
    assert session.evaluation.verdict is Verdict.no_go
    cached = store.get(session.id).summary
    assert cached == summary_of(session.evaluation)
    assert (cached.answered, cached.total, cached.verdict, cached.red) == (1, 8, "NO-GO", 1)
    _, moved = session.answer("vendor_dpa_signed", "yes")
    assert [(c.gate.id, c.after) for c in moved] == [("vendor_no_dpa", GateState.clear)]


def test_values_are_checked_before_saving(session, store):
    with pytest.raises(AnswerError):
        session.answer("vendor_exit_plan", 7)
    with pytest.raises(AnswerError, match="unknown question"):
        session.answer("nope", "yes")
    assert store.answers(session.id) == {}
    record, _ = session.answer("vendor_dpa_signed", True)
    assert record.value == "yes", "stored in its checked shape"


def test_clear_and_apply(session, store):
    session.answer("vendor_dpa_signed", "no")
    moved = session.clear("vendor_dpa_signed", answered_by="Bo")
    assert [(c.gate.id, c.after) for c in moved] == [("vendor_no_dpa", GateState.unknown)]
    assert store.history(session.id, "vendor_dpa_signed")[-1].new_value is None

    session.apply([AnswerEntry(*e) for e in ALL_GOOD], answered_by="file")
    assert session.evaluation.verdict is Verdict.go
    assert store.get(session.id).summary.verdict == "GO"
    assert store.answers(session.id)["vendor_dpa_signed"].evidence.ref == "https://contracts/dpa"

    bad = [*ALL_GOOD[:2], ("vendor_support", 9, None, None)]
    with pytest.raises(AnswerError, match="vendor_support"):
        session.apply(bad, clear_others=True)
    assert len(store.answers(session.id)) == len(ALL_GOOD), "all or nothing"

    session.apply(ALL_GOOD[:1], clear_others=True)
    assert set(session.answers) == {"vendor_name"}
    fresh = Session.open(store, session.packset, session.id)
    assert set(fresh.answers) == {"vendor_name"}
    assert fresh.assessment.summary.answered == 1


def test_waivers_clear_gates_until_they_expire(session, store, packset):
    session.answer("vendor_dpa_signed", "no")
    session = Session.open(store, packset, session.id, today=lambda: "2026-03-01")  # cold cache
    waiver, moved = session.set_waiver(
        "vendor_no_dpa", reason="DPA in signature", approver="CISO", expires="2026-03-31"
    )
    assert waiver.expires == "2026-03-31"
    assert [(c.gate.id, c.after) for c in moved] == [("vendor_no_dpa", GateState.waived)]
    assert store.get(session.id).summary.red == 0
    later = Session.open(store, packset, session.id, today=lambda: "2026-04-01")
    assert later.evaluation.gates["vendor_no_dpa"].state is GateState.red
    moved = session.remove_waiver("vendor_no_dpa")
    assert [(c.gate.id, c.after) for c in moved] == [("vendor_no_dpa", GateState.red)]


def test_followups_pass_through(session):
    f = session.set_followup(
        "vendor_no_dpa", owner="Ana", due="2026-04-01", status="open", note="chase legal"
    )
    assert session.followups() == {"vendor_no_dpa": f}


def test_answer_file_keeps_notes_and_links_it_does_not_mention(store, packset):
    from app.session import Session

    session = Session(store, packset, store.create("Keep notes", packs=packset.versions()))
    session.answer("vendor_name", "Acme", note="from the kickoff", evidence="https://x.example/a")
    session.apply([("vendor_name", "Acme Models", None, None)])
    record = store.answers(session.id)["vendor_name"]
    assert (record.value, record.note) == ("Acme Models", "from the kickoff")
    assert record.evidence.ref == "https://x.example/a"
