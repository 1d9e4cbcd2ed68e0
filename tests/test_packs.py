"""The shipped content: five packs, their trace to the facts, and the demo answers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from app.core import expr
from app.core.answerfile import demo_answers_path, read_answer_file
from app.core.engine import GateState, Verdict, evaluate
from app.core.model import DEFAULT_RECEIPTS
from app.core.packs import load_packs
from app.core.paths import shipped_dir

PACK_IDS = {"acceptance", "data", "security", "production", "adoption"}

# Backticked words in TRACE.md that look like ids but are not questions, gates, derived or scores.
TRACE_NON_IDS = {r.id for r in DEFAULT_RECEIPTS} | PACK_IDS | {"show_if", "help", "yes_no", "multi"}


@pytest.fixture(scope="module")
def loaded():
    return load_packs([shipped_dir()])


@pytest.fixture(scope="module")
def packset(loaded):
    return loaded.packset


def all_questions(packset):
    return [q for pack in packset.packs for q in pack.questions]


def test_shipped_packs_have_no_problems(loaded):
    assert [str(p) for p in loaded.problems] == []
    assert loaded.notices == []


def test_exactly_the_five_packs(packset):
    assert {pack.id for pack in packset.packs} == PACK_IDS
    for pack in packset.packs:
        assert packset.sources[pack.id].name == f"{pack.id}.toml"


def test_question_counts(packset):
    assert 60 <= len(all_questions(packset)) <= 80
    for pack in packset.packs:
        assert 12 <= len(pack.questions) <= 16, pack.id


def test_ids_unique_across_packs(packset):
    ids = [q.id for q in all_questions(packset)]
    for pack in packset.packs:
        ids += (
            [g.id for g in pack.gates] + [d.id for d in pack.derived] + [s.id for s in pack.scores]
        )
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert dupes == []
    assert not any(i.startswith("vendor_") for i in ids)


def test_every_question_has_help_and_receipts(packset):
    for q in all_questions(packset):
        assert q.help.strip(), q.id
        assert len(q.help) <= 300, f"{q.id}: help longer than two lines"
        assert q.receipts, q.id


def test_every_receipt_is_evidenced(packset):
    evidenced = {r for q in all_questions(packset) for r in q.receipts}
    assert evidenced == {r.id for r in DEFAULT_RECEIPTS}


def test_every_gate_names_a_receipt_and_reads_only_answers(packset):
    for gid, gate in packset.gates.items():
        assert gate.receipt in {r.id for r in DEFAULT_RECEIPTS}, gid
        assert gate.why and gate.fix, gid
        # "unanswered" must leave a gate unknown, so conditions never test answered()/unknown().
        assert "answered(" not in gate.when and "unknown(" not in gate.when, gid


def test_gonogo_gates(packset):
    gonogo = {gid for gid in packset.gates if gid.startswith("gonogo_")}
    assert len(gonogo) >= 5
    assert all(packset.gates[g].level == "red" for g in gonogo)


def test_unanswered_leaves_gates_unknown_or_inactive(packset):
    result = evaluate(packset, {})
    for gid, gate in result.gates.items():
        assert gate.state in (GateState.unknown, GateState.inactive), gid
    assert result.verdict is Verdict.incomplete


def test_rubric_score_and_bands(packset):
    score = packset.scores["deployability"]
    assert len(score.questions) == 5
    assert score.band_for(13).label == "Strong first candidate"
    assert score.band_for(5).label == "Pilot trap"
    assert score.band_for(8).label == "Pilot trap"
    assert score.band_for(9) is not None and score.band_for(12) is not None
    low = {q: 1 for q in score.questions} | {score.questions[0]: 3}  # total 7
    assert evaluate(packset, low).gates["pilot_trap"].state is GateState.red


def test_cost_model(packset):
    answers = {
        "cost_per_call_usd": 0.02,
        "pilot_calls_per_day": 10_000,
        "full_calls_per_day": 1_000_000,
        "monthly_budget_usd": 100_000,
    }
    result = evaluate(packset, answers)
    assert result.derived("monthly_cost_pilot") == pytest.approx(6_000)
    assert result.derived("monthly_cost_10x") == pytest.approx(60_000)
    assert result.derived("monthly_cost_full") == pytest.approx(600_000)
    assert result.gates["gonogo_cost_10x"].state is GateState.clear
    assert result.gates["cost_full_over_budget"].state is GateState.amber
    assert result.visible["cost_levers"] is False
    over = evaluate(packset, answers | {"monthly_budget_usd": 50_000})
    assert over.gates["gonogo_cost_10x"].state is GateState.red
    assert over.visible["cost_levers"] is True


def test_action_questions_hidden_unless_the_pilot_acts(packset):
    quiet = evaluate(packset, {"takes_actions": "no", "irreversible_needs_human": "no"})
    assert quiet.visible["action_tiers"] is False
    assert quiet.gates["irreversible_without_human"].state is GateState.inactive
    acting = evaluate(packset, {"takes_actions": "yes", "irreversible_needs_human": "no"})
    # Asked only when a Tier 3 (irreversible) action is ticked.
    assert acting.visible["irreversible_needs_human"] is False
    assert acting.gates["irreversible_without_human"].state is GateState.inactive
    reversible = {"takes_actions": "yes", "action_tiers": ["tier1_auto", "tier2_review"]}
    assert evaluate(packset, reversible).visible["irreversible_needs_human"] is False
    tier3 = {"takes_actions": "yes", "action_tiers": ["tier3_human"]}
    assert evaluate(packset, tier3).visible["irreversible_needs_human"] is True
    unchecked = evaluate(packset, tier3 | {"irreversible_needs_human": "no"})
    assert unchecked.gates["irreversible_without_human"].state is GateState.red


def test_partly_hand_cleaned_data_is_amber_and_one_feedback_ask_at_a_time(packset):
    for prep, state in (
        ("hand_curated", GateState.amber),
        ("mixed", GateState.amber),
        ("pipeline", GateState.clear),
    ):
        assert evaluate(packset, {"data_prep": prep}).gates["hand_curated_data"].state is state
    for flag, evals, state in (
        ("yes", "yes", GateState.clear),
        ("no", "yes", GateState.amber),
        ("yes", "no", GateState.amber),
        ("no", "unknown", GateState.amber),
    ):
        answers = {"feedback_flag": flag, "feedback_to_evals": evals}
        assert evaluate(packset, answers).gates["no_feedback_loop"].state is state


def test_every_option_fits_one_line_of_the_wizard_at_80_columns(packset):
    """An option is a short label (the longer explanation is in help): 36 characters, the
    answer column's width at 80×24 with its key hint, and a list fits the six-row box."""
    for q in all_questions(packset):
        for option in q.options:
            assert len(option.label) <= 36, (q.id, option.label)
        assert len(q.options) + (1 if q.unknown_allowed() else 0) <= 6, q.id


def test_the_kickoff_is_a_day_asked_once_and_the_weeks_are_derived(packset):
    kickoff = packset.questions["kickoff_date"]
    assert kickoff.kind.value == "date"
    assert "weeks_since_kickoff" not in packset.questions
    assert (
        packset.derived["weeks_since_kickoff"].expr
        == "max(days_between(kickoff_date, today) // 7, 0)"
    )
    assert "weeks_since_kickoff" in packset.compiled["gate:stalled_pilot"].names


# -- TRACE.md --------------------------------------------------------------------------------


def test_trace_names_only_real_ids(packset):
    text = (shipped_dir() / "TRACE.md").read_text(encoding="utf-8")
    known = set(packset.questions) | set(packset.gates) | set(packset.derived) | set(packset.scores)
    named = set(re.findall(r"`([a-z][a-z0-9_]*)`", text))
    assert named, "TRACE.md names no ids"
    unknown = sorted(named - known - TRACE_NON_IDS)
    assert unknown == []


def test_trace_covers_every_fact_section():
    text = (shipped_dir() / "TRACE.md").read_text(encoding="utf-8")
    for section in ("Acceptance", "Data", "Security", "Production", "Adoption", "Receipts"):
        assert section in text


# -- Demo answers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(packset):
    answer_file = read_answer_file(demo_answers_path(), packset)
    answers = {e.question_id: e.value for e in answer_file.entries}
    return answer_file, evaluate(packset, answers)


def test_demo_reads_cleanly(demo, packset):
    answer_file, _ = demo
    assert answer_file.participants
    assert answer_file.answered_as in {p.name for p in answer_file.participants}
    answered = {e.question_id for e in answer_file.entries}
    assert len(answered) >= 0.8 * len(packset.questions)
    assert len(answered) < len(packset.questions)


def test_demo_verdict(demo):
    _, result = demo
    counts = result.counts()
    assert result.verdict is Verdict.no_go
    assert 2 <= counts["red"] <= 4
    # Five since partly hand-cleaned data is amber too (the demo's data_prep is "mixed").
    assert 2 <= counts["amber"] <= 5
    assert counts["unknown"] >= 1


def test_demo_rubric_in_a_band(demo):
    _, result = demo
    score = result.scores["deployability"]
    assert score.value is not None and score.band is not None


def test_demo_hidden_questions_do_not_gate(demo):
    _, result = demo
    assert result.visible["eu_risk_class"] is False
    assert result.gates["eu_high_risk_gaps"].state is GateState.inactive
    assert result.values["eu_high_risk_duties"] is expr.HIDDEN
