"""The incremental evaluation (`evaluate_changed`, which the answer and clear keys use) always
equals a full `evaluate`: after any sequence of answers, cleared answers and waivers, over the
shipped packs, the example pack, the example rubrics and the test rubrics (format 2 scores),
and on days that move (what reads `today`: the shipped weeks since kickoff)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.answers import AnswerError, check_value
from app.core.engine import Evaluation, evaluate, evaluate_changed
from app.core.model import Kind, Question
from app.core.packs import PackSet, load_packs
from app.core.paths import shipped_dir

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {
    "shipped": shipped_dir(),
    "example": ROOT / "questionnaires" / "examples",
    "example rubrics": ROOT / "questionnaires" / "examples" / "rubrics",
    "test rubrics": ROOT / "tests" / "packs" / "rubrics",
    "kinds": ROOT / "tests" / "packs",
}
_PACKSETS: dict[str, PackSet] = {}


def packset_of(name: str) -> PackSet:
    if name not in _PACKSETS:
        result = load_packs([FOLDERS[name]])
        assert result.ok, result.problems
        _PACKSETS[name] = result.packset
    return _PACKSETS[name]


def _candidates(question: Question) -> list[Any]:
    """Raw answers worth trying; those `check_value` refuses are left out."""
    options = [o.id for o in question.options]
    raw: list[Any] = ["unknown"]
    if question.kind is Kind.yes_no:
        raw += ["yes", "no"]
    elif question.kind is Kind.choice:
        raw += options
    elif question.kind is Kind.multi:
        raw += [[], options[:1], options[1:2], options[:2], options[::2], options]
    elif question.kind is Kind.scale:
        raw += [0, 1, 2, 3]
    elif question.kind is Kind.number:
        low = question.min if question.min is not None else -5
        high = question.max if question.max is not None else 1e6
        raw += [low, high, (low + high) / 2, 0, 1, 7, 100, 2500, 1e6]
    elif question.kind is Kind.date:
        raw += ["2024-01-31", "2026-06-30", "2031-12-01"]
    elif question.kind is Kind.person:
        raw += [{"name": "Priya Raman", "role": "owner"}, "Sam Ode (lead)"]
    else:
        raw += ["yes", "a note", "https://example.com/runbook", "0"]
    out = []
    for value in raw:
        try:
            stored = check_value(question, value)
        except (AnswerError, TypeError, ValueError):
            continue
        if stored not in out:
            out.append(stored)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a is b or a == b


def assert_same(incremental: Evaluation, full: Evaluation) -> None:
    assert incremental.visible == full.visible
    assert list(incremental.values) == list(full.values)
    for name, value in full.values.items():
        assert _same(incremental.values[name], value), name
    assert list(incremental.gates) == list(full.gates)
    for gid, result in full.gates.items():
        got = incremental.gates[gid]
        assert (got.state, got.fired, got.reason, got.pack_id) == (
            result.state,
            result.fired,
            result.reason,
            result.pack_id,
        ), gid
        assert got.gate is result.gate
    assert incremental.scores == full.scores
    assert incremental.areas == full.areas
    assert [a.state for a in incremental.areas.values()] == [a.state for a in full.areas.values()]
    assert incremental.verdict is full.verdict
    assert incremental.reasons == full.reasons
    assert list(incremental.faults.items()) == list(full.faults.items())
    assert incremental.answers == full.answers
    assert incremental.waived == full.waived
    assert incremental.today == full.today


@st.composite
def sequences(
    draw: st.DrawFn,
) -> tuple[str, list[tuple[str, Any]], set[str], set[str], list[str | None]]:
    name = draw(st.sampled_from(sorted(FOLDERS)))
    packset = packset_of(name)
    answerable = {q: _candidates(packset.questions[q]) for q in packset.questions}
    qids = sorted(q for q, values in answerable.items() if values)
    step = st.sampled_from(qids).flatmap(
        lambda q: st.tuples(st.just(q), st.none() | st.sampled_from(answerable[q]))
    )
    steps = draw(st.lists(step, min_size=1, max_size=40))
    days = draw(st.lists(st.sampled_from(DAYS), min_size=len(steps), max_size=len(steps)))
    gates = sorted(packset.gates)
    waived = draw(st.sets(st.sampled_from(gates), max_size=3)) if gates else set()
    later = draw(st.sets(st.sampled_from(gates), max_size=3)) if gates else set()
    return name, steps, waived, later, days


DAYS: list[str | None] = [None, "2024-01-31", "2026-06-30", "2026-07-01", "2031-12-01"]
"""Days to judge on, the kickoff dates `_candidates` offers among them (None: no day given)."""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequences())
def test_incremental_equals_full(
    case: tuple[str, list[tuple[str, Any]], set[str], set[str], list[str | None]],
):
    name, steps, waived, later, days = case
    packset = packset_of(name)
    answers: dict[str, Any] = {}
    current = evaluate(packset, answers, waived, days[0])
    for i, ((qid, value), day) in enumerate(zip(steps, days, strict=True)):
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
        if i == len(steps) // 2:
            waived = later  # other waivers: worked out in full, then incrementally again
        # Both ways of telling what changed: compared, and named (with a name that did not).
        hint = None if i % 2 else {qid, "no_such_question"}
        current = evaluate_changed(packset, current, dict(answers), waived, hint, day)
        assert_same(current, evaluate(packset, answers, waived, day))


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_every_question_answered_in_turn(name: str):
    """Each question through each of its values, on top of all the others answered."""
    packset = packset_of(name)
    answers: dict[str, Any] = {}
    current = evaluate(packset, answers)
    for rounds in range(2):
        for qid, question in packset.questions.items():
            values = _candidates(question)
            for value in values if rounds == 0 else values[::-1]:
                answers[qid] = value
                current = evaluate_changed(packset, current, dict(answers))
                assert_same(current, evaluate(packset, answers))
    for qid in list(answers):
        del answers[qid]
        current = evaluate_changed(packset, current, dict(answers))
        assert_same(current, evaluate(packset, answers))


def test_nothing_changed_is_the_same_evaluation():
    packset = packset_of("shipped")
    current = evaluate(packset, {})
    assert evaluate_changed(packset, current, {}) is current


def test_dependants_reach_what_reads_a_question_transitively():
    packset = packset_of("test rubrics")
    for qid in packset.questions:
        nodes, gates = packset.dependants({qid})
        assert nodes[0] == qid or qid not in packset.eval_order
        order = {n: i for i, n in enumerate(packset.eval_order)}
        assert [order[n] for n in nodes] == sorted(order[n] for n in nodes)
        for node in nodes[1:]:
            assert node in packset.scores or node in packset.derived or node in packset.questions
        for gid in gates:
            reads = packset.compiled[f"gate:{gid}"].names
            assert reads & set(nodes), gid
