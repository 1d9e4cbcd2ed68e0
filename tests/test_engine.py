"""Gate semantics, table-driven: unknown blocks, hidden ignored, derived values, score bands,
and the verdict's order of precedence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.core.engine import GateState, Verdict, changes, evaluate
from app.core.packs import load_packs

PACK = textwrap.dedent(
    """
    id = "pilot"
    title = "Pilot"
    version = "1.0"
    description = "A pack for testing the engine."

    [[questions]]
    id = "owner_named"
    text = "Is the KPI owner named?"
    help = "Someone must own the number."
    kind = "yes_no"

    [[questions]]
    id = "retrieves"
    text = "Does it retrieve documents?"
    help = "Retrieval questions only when it does."
    kind = "yes_no"

    [[questions]]
    id = "overlap_pct"
    text = "Chunk overlap?"
    help = "10-15% is the usual range."
    kind = "number"
    unit = "%"
    min = 0
    max = 100
    show_if = 'retrieves == "yes"'

    [[questions]]
    id = "p95_ms"
    text = "Measured p95 latency"
    help = "From load tests."
    kind = "number"
    required = false

    [[questions]]
    id = "sla_ms"
    text = "Latency SLA"
    help = "Agreed with the business."
    kind = "number"
    required = false

    [[questions]]
    id = "cost"
    text = "Cost per call"
    help = "USD."
    kind = "number"
    required = false

    [[questions]]
    id = "calls"
    text = "Calls per day"
    help = "At pilot."
    kind = "number"
    required = false

    [[questions]]
    id = "budget"
    text = "Monthly budget"
    help = "USD."
    kind = "number"
    required = false

    [[questions]]
    id = "r1"
    text = "Rubric 1"
    help = "1-3."
    kind = "scale"
    levels = ["low", "mid", "high"]
    required = false

    [[questions]]
    id = "r2"
    text = "Rubric 2"
    help = "1-3."
    kind = "scale"
    levels = ["low", "mid", "high"]
    required = false

    [[questions]]
    id = "cost_levers"
    text = "Which cost levers will you pull?"
    help = "Only asked when the cost at 10x traffic is over budget."
    kind = "text"
    required = false
    show_if = "cost_10x > budget"

    [[derived]]
    id = "cost_10x"
    title = "Monthly cost at 10x"
    expr = "cost * calls * 10 * 30"

    [[scores]]
    id = "rubric"
    title = "Rubric"
    questions = ["r1", "r2"]
    bands = [{ label = "Trap", max = 3 }, { label = "Strong", min = 5 }]

    [[gates]]
    id = "no_owner"
    title = "No KPI owner"
    level = "red"
    when = 'owner_named == "no"'
    why = "Nobody owns the number."
    fix = "Name an owner."
    receipt = "success_definition"

    [[gates]]
    id = "thin_overlap"
    title = "Chunk overlap outside 10-15%"
    level = "amber"
    when = "overlap_pct < 10 or overlap_pct > 15"
    why = "Context is lost between chunks."
    fix = "Set overlap to 10-15%."
    receipt = "data_reality_check"

    [[gates]]
    id = "slow"
    title = "p95 over SLA"
    level = "red"
    when = "p95_ms > sla_ms"
    why = "Users wait longer than agreed."
    fix = "Cut latency."
    receipt = "production_plan"

    [[gates]]
    id = "expensive"
    title = "Cost at 10x over budget"
    level = "red"
    when = "cost_10x > budget"
    why = "Growth breaks the budget."
    fix = "Cut cost per call."
    receipt = "production_plan"

    [[gates]]
    id = "trap"
    title = "Pilot trap"
    level = "amber"
    when = "rubric <= 3"
    why = "The rubric says this use case is a trap."
    fix = "Pick a better first use case."
    receipt = "success_definition"
    """
)

BASE = {"owner_named": "yes", "retrieves": "no"}


@pytest.fixture(scope="module")
def packset(tmp_path_factory) -> object:
    folder: Path = tmp_path_factory.mktemp("packs")
    (folder / "pilot.toml").write_text(PACK)
    result = load_packs([folder])
    assert result.ok, result.problems
    return result.packset


@pytest.mark.parametrize(
    ("answers", "gate", "state"),
    [
        pytest.param({}, "no_owner", GateState.unknown, id="unanswered-is-unknown"),
        pytest.param(
            {"owner_named": "unknown"}, "no_owner", GateState.unknown, id="unknown-answer"
        ),
        pytest.param({"owner_named": "no"}, "no_owner", GateState.red, id="red"),
        pytest.param({"owner_named": "yes"}, "no_owner", GateState.clear, id="clear"),
        pytest.param(
            {"retrieves": "no", "overlap_pct": 2},
            "thin_overlap",
            GateState.inactive,
            id="hidden-answer-never-gated",
        ),
        pytest.param(
            {"retrieves": "yes", "overlap_pct": 2},
            "thin_overlap",
            GateState.amber,
            id="shown-answer-gated",
        ),
        pytest.param(
            {"retrieves": "yes"}, "thin_overlap", GateState.unknown, id="shown-unanswered"
        ),
        pytest.param({}, "thin_overlap", GateState.inactive, id="hidden-until-parent-answered"),
        pytest.param({"p95_ms": 900, "sla_ms": 800}, "slow", GateState.red, id="numeric-red"),
        pytest.param({"p95_ms": 800, "sla_ms": 800}, "slow", GateState.clear, id="numeric-edge"),
        pytest.param({"p95_ms": 900}, "slow", GateState.unknown, id="numeric-missing-side"),
        pytest.param(
            {"cost": 0.02, "calls": 10_000, "budget": 50_000},
            "expensive",
            GateState.red,
            id="derived-10x-over",  # 0.02 * 10,000 * 10 * 30 = 60,000
        ),
        pytest.param(
            {"cost": 0.02, "calls": 10_000, "budget": 60_000},
            "expensive",
            GateState.clear,
            id="derived-10x-at-budget",
        ),
        pytest.param({"r1": 1, "r2": 2}, "trap", GateState.amber, id="score-band-trap"),
        pytest.param({"r1": 3, "r2": 3}, "trap", GateState.clear, id="score-strong"),
        pytest.param({"r1": 1}, "trap", GateState.unknown, id="score-part-missing"),
    ],
)
def test_gate_state(packset, answers, gate, state):
    assert evaluate(packset, answers).gates[gate].state is state


def test_hidden_answer_is_kept_but_not_counted(packset):
    answers = {**BASE, "overlap_pct": 2}
    result = evaluate(packset, answers)
    assert result.visible["overlap_pct"] is False
    area = result.areas["pilot"]
    assert area.visible == 9 and area.answered == 2
    # The answer returns, and counts, once the question shows again.
    result = evaluate(packset, {**answers, "retrieves": "yes"})
    assert result.areas["pilot"].answered == 3
    assert result.gates["thin_overlap"].state is GateState.amber


def test_score_and_band(packset):
    result = evaluate(packset, {"r1": 3, "r2": 2})
    assert result.scores["rubric"].value == 5
    assert result.scores["rubric"].band.label == "Strong"
    assert evaluate(packset, {"r1": 1}).scores["rubric"].value is None


FULL_GO = {
    "owner_named": "yes",
    "retrieves": "no",
    "p95_ms": 500,
    "sla_ms": 800,
    "cost": 0.01,
    "calls": 100,
    "budget": 1_000,
    "r1": 3,
    "r2": 3,
}


@pytest.mark.parametrize(
    ("changes_", "verdict"),
    [
        pytest.param({}, Verdict.go, id="go"),
        pytest.param({"r1": 1, "r2": 1}, Verdict.conditional, id="amber-only"),
        pytest.param({"owner_named": "unknown"}, Verdict.incomplete, id="unknown-gate"),
        pytest.param(
            {"r1": 1, "r2": 1, "owner_named": None}, Verdict.incomplete, id="unknown-beats-amber"
        ),
        pytest.param({"owner_named": "no", "r1": 1, "r2": 1}, Verdict.no_go, id="red-beats-all"),
        pytest.param({"owner_named": "no", "p95_ms": None}, Verdict.no_go, id="red-beats-unknown"),
        pytest.param({"retrieves": "yes"}, Verdict.incomplete, id="required-unanswered"),
    ],
)
def test_verdict_precedence(packset, changes_, verdict):
    answers = {k: v for k, v in {**FULL_GO, **changes_}.items() if v is not None}
    result = evaluate(packset, answers)
    assert result.verdict is verdict, result.reasons


def test_waiver_clears_a_red_gate(packset):
    answers = {**FULL_GO, "owner_named": "no"}
    assert evaluate(packset, answers).verdict is Verdict.no_go
    waived = evaluate(packset, answers, waived={"no_owner"})
    assert waived.gates["no_owner"].state is GateState.waived
    assert waived.gates["no_owner"].fired is GateState.red
    assert waived.verdict is Verdict.go


def test_reasons_name_the_gates(packset):
    result = evaluate(packset, {**FULL_GO, "owner_named": "no"})
    assert result.reasons[0].ref == "no_owner"
    assert "No KPI owner" in result.reasons[0].text


def test_changes_report_turned_and_cleared(packset):
    before = evaluate(packset, FULL_GO)
    after = evaluate(packset, {**FULL_GO, "owner_named": "no"})
    moved = changes(before, after)
    assert [(c.gate.id, c.before, c.after) for c in moved] == [
        ("no_owner", GateState.clear, GateState.red)
    ]
    assert [c.after for c in changes(after, before)] == [GateState.clear]


def test_show_if_can_read_a_derived_value(packset):
    over = {"cost": 0.02, "calls": 10_000, "budget": 50_000}
    assert evaluate(packset, over).visible["cost_levers"] is True
    assert evaluate(packset, {**over, "budget": 70_000}).visible["cost_levers"] is False
    assert evaluate(packset, {}).visible["cost_levers"] is False
