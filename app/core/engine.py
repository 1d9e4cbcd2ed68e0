"""The gate engine: from stored answers to visibility, scores, gates and the verdict.

`evaluate` is a pure function of the pack set, the answers and the active waivers, cheap enough
to run on every keypress. Rules users rely on:

- an unanswered (or "unknown") answer read by a gate leaves the gate UNKNOWN, which blocks GO;
- a question hidden by `show_if` keeps its stored answer but is never counted, scored or gated
  while hidden: a gate that can only be decided by hidden answers is INACTIVE;
- verdict: NO-GO if any red gate; else INCOMPLETE if any unknown gate or unanswered required
  question; else CONDITIONAL if any amber gate; else GO. Waived gates never block.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.core import expr
from app.core.answers import expression_value
from app.core.model import Band, Gate, Score
from app.core.packs import PackSet


class GateState(StrEnum):
    red = "red"
    amber = "amber"
    unknown = "unknown"
    clear = "clear"
    waived = "waived"
    inactive = "inactive"


class Verdict(StrEnum):
    go = "GO"
    conditional = "CONDITIONAL"
    no_go = "NO-GO"
    incomplete = "INCOMPLETE"


class AreaState(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"
    unknown = "unknown"


SEVERITY = (
    GateState.red,
    GateState.unknown,
    GateState.amber,
    GateState.waived,
    GateState.clear,
    GateState.inactive,
)
"""The order of gate states, most severe first: the verdict, the board and the receipts pack
list gates in it (an unknown gate blocks GO more surely than an amber one)."""
BLOCKING = SEVERITY[:3]
"""The states that stop GO (red, unknown, amber), in severity order."""
OPEN = SEVERITY[:4]
"""The states a gate board or receipts page lists: the blocking ones and the waived."""
_RANK = {state: rank for rank, state in enumerate(SEVERITY)}
PANEL_ORDER = (GateState.red, GateState.amber, GateState.waived, GateState.unknown)
"""The wizard's gate panel: the one list that puts unknown last. While a kickoff is under way
most gates are unknown only because their question is not answered yet, the least news on a
panel of 10–30 rows; a fired amber (or a waiver) is news, and must not fall under "… N more"."""


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    pack_id: str
    state: GateState
    fired: GateState
    """The state before waivers: red, amber, unknown, clear or inactive."""
    reason: str | None = None
    """Why the gate is unknown when a fault did it, not a missing answer: e.g. a derived value
    it reads is out of range, or its condition divides by zero."""


@dataclass(frozen=True)
class ScoreResult:
    id: str
    title: str
    value: float | None
    """None while a visible component is unanswered (or every component is hidden)."""
    band: Band | None
    maximum: int


@dataclass(frozen=True)
class AreaProgress:
    pack_id: str
    title: str
    visible: int
    answered: int
    unknown_answers: int
    required_missing: list[str]
    red: int
    amber: int
    unknown_gates: int

    @property
    def state(self) -> AreaState:
        if self.red:
            return AreaState.red
        if self.unknown_gates or self.required_missing:
            return AreaState.unknown
        if self.amber:
            return AreaState.amber
        return AreaState.green


@dataclass(frozen=True)
class Reason:
    state: str
    text: str
    ref: str
    """The gate or question id this reason is about."""


@dataclass
class Evaluation:
    visible: dict[str, bool]
    values: dict[str, Any]
    """Every name an expression can read: questions, derived values and scores."""
    gates: dict[str, GateResult]
    scores: dict[str, ScoreResult]
    areas: dict[str, AreaProgress]
    verdict: Verdict
    reasons: list[Reason] = field(default_factory=list)
    faults: dict[str, str] = field(default_factory=dict)
    """Derived values that are unknown because of a fault, by id: why (empty when none is)."""

    def gates_in(self, *states: GateState) -> list[GateResult]:
        wanted = set(states)
        return [g for g in self.gates.values() if g.state in wanted]

    def counts(self) -> dict[str, int]:
        out = {state.value: 0 for state in GateState}
        for result in self.gates.values():
            out[result.state.value] += 1
        return out

    def derived(self, name: str) -> Any:
        value = self.values.get(name, expr.UNKNOWN)
        return None if value is expr.UNKNOWN or value is expr.HIDDEN else value


@dataclass(frozen=True)
class GateChange:
    gate: Gate
    before: GateState
    after: GateState


def visibility(packset: PackSet, answers: Mapping[str, Any]) -> dict[str, bool]:
    """Which questions `answers` show (as `evaluate(...).visible`), without judging any gate
    and walking only what some `show_if` reads: what a merge needs of each respondent."""
    shown = _walk(packset, answers, packset.visibility_order)[1]
    return {name: shown.get(name, True) for name in packset.eval_order if name in packset.questions}


def _walk(
    packset: PackSet, answers: Mapping[str, Any], order: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, bool], dict[str, ScoreResult], dict[str, str]]:
    """Questions, scores and derived values in dependency order (`order`: a part of it that
    holds everything it reads): their values for expressions, which questions show, the
    scores, and the faults of derived values."""
    values: dict[str, Any] = {}
    visible: dict[str, bool] = {}
    scores: dict[str, ScoreResult] = {}
    faults: dict[str, str] = {}
    for name in packset.eval_order if order is None else order:
        question = packset.questions.get(name)
        if question is not None:
            shown = True
            if question.show_if is not None:
                condition = packset.compiled.get(f"show_if:{name}")
                shown = condition is not None and condition.evaluate(values) is True
            visible[name] = shown
            values[name] = expression_value(question, answers.get(name)) if shown else expr.HIDDEN
        elif name in packset.scores:
            scores[name] = result = _score(packset.scores[name], values)
            values[name] = _score_value(result, packset.scores[name], visible)
        else:
            compiled = packset.compiled.get(f"derived:{name}")
            if compiled is None:
                values[name] = expr.UNKNOWN
                continue
            values[name], fault = _evaluate(compiled, values, faults, f"derived value {name!r}")
            if fault is not None:
                faults[name] = fault
    return values, visible, scores, faults


def evaluate(
    packset: PackSet, answers: Mapping[str, Any], waived: Set[str] = frozenset()
) -> Evaluation:
    """Work out everything the screens show from `answers` (question id → stored value)."""
    values, visible, scores, faults = _walk(packset, answers)
    gates: dict[str, GateResult] = {}
    for gid, gate in packset.gates.items():
        compiled = packset.compiled.get(f"gate:{gid}")
        outcome, fault = (
            _evaluate(compiled, values, faults, "its condition")
            if compiled
            else (expr.UNKNOWN, None)
        )
        if outcome is expr.HIDDEN:
            fired = GateState.inactive
        elif outcome is expr.UNKNOWN:
            fired = GateState.unknown
        elif outcome:
            fired = GateState(gate.level.value)
        else:
            fired = GateState.clear
        blocking = fired in BLOCKING
        state = GateState.waived if blocking and gid in waived else fired
        gates[gid] = GateResult(gate, packset.gate_pack[gid], state, fired, fault)

    areas = {pack.id: _area(pack.id, packset, answers, visible, gates) for pack in packset.packs}
    verdict, reasons = _verdict(packset, gates, areas)
    return Evaluation(visible, values, gates, scores, areas, verdict, reasons, faults)


def _evaluate(
    compiled: expr.Expression, values: Mapping[str, Any], faults: Mapping[str, str], subject: str
) -> tuple[Any, str | None]:
    """The value and, when a fault made it UNKNOWN, why: `subject`'s own fault ("derived value
    'x' is out of range (over 1e15)") or that of a derived value it reads."""
    value, fault = compiled.evaluate_why(values)
    if fault is not None:
        if fault == expr.OUT_OF_RANGE:
            return value, f"{subject} is {fault}"
        return value, f"{subject} cannot be computed ({fault})"
    if value is expr.UNKNOWN and faults:
        fault = next((faults[n] for n in sorted(compiled.names) if n in faults), None)
    return value, fault


def _score(score: Score, values: Mapping[str, Any]) -> ScoreResult:
    """The sum of the visible parts; None while one of them is unanswered."""
    shown = [values.get(q, expr.UNKNOWN) for q in score.questions]
    shown = [p for p in shown if p is not expr.HIDDEN]
    total: float | None = None
    if shown and all(isinstance(p, (int, float)) for p in shown):
        total = sum(shown)
    band = score.band_for(total) if total is not None else None
    return ScoreResult(score.id, score.title, total, band, 3 * len(shown))


def _score_value(result: ScoreResult, score: Score, visible: Mapping[str, bool]) -> Any:
    if result.value is not None:
        return result.value
    all_hidden = not any(visible.get(q, False) for q in score.questions)
    return expr.HIDDEN if all_hidden else expr.UNKNOWN


def _area(
    pack_id: str,
    packset: PackSet,
    answers: Mapping[str, Any],
    visible: Mapping[str, bool],
    gates: Mapping[str, GateResult],
) -> AreaProgress:
    pack = packset.pack(pack_id)
    shown = [q for q in pack.questions if visible.get(q.id)]
    answered = [q for q in shown if answers.get(q.id) is not None]
    unknown_answers = sum(1 for q in answered if answers.get(q.id) == "unknown")
    missing = [q.id for q in shown if q.required and answers.get(q.id) is None]
    mine = [g for g in gates.values() if g.pack_id == pack_id]
    return AreaProgress(
        pack_id=pack_id,
        title=pack.title,
        visible=len(shown),
        answered=len(answered),
        unknown_answers=unknown_answers,
        required_missing=missing,
        red=sum(1 for g in mine if g.state is GateState.red),
        amber=sum(1 for g in mine if g.state is GateState.amber),
        unknown_gates=sum(1 for g in mine if g.state is GateState.unknown),
    )


def _verdict(
    packset: PackSet, gates: Mapping[str, GateResult], areas: Mapping[str, AreaProgress]
) -> tuple[Verdict, list[Reason]]:
    reasons: list[Reason] = []
    for state in BLOCKING:
        for result in gates.values():
            if result.state is state:
                gate = result.gate
                reasons.append(Reason(state.value, f"{gate.full_title} — {gate.why}", gate.id))
    for area in areas.values():
        for qid in area.required_missing:
            text = f"Unanswered ({area.title}): {packset.questions[qid].text}"
            reasons.append(Reason("unanswered", text, qid))
    states = {r.state for r in reasons}
    if "red" in states:
        verdict = Verdict.no_go
    elif "unknown" in states or "unanswered" in states:
        verdict = Verdict.incomplete
    elif "amber" in states:
        verdict = Verdict.conditional
    else:
        verdict = Verdict.go
    return verdict, reasons


def changes(before: Evaluation | None, after: Evaluation) -> list[GateChange]:
    """Gates whose state moved between two evaluations (all non-clear ones when `before` is None)."""
    out = []
    for gid, result in after.gates.items():
        old = before.gates[gid].state if before and gid in before.gates else GateState.clear
        if old is not result.state:
            out.append(GateChange(result.gate, old, result.state))
    return out


def severity(state: GateState) -> int:
    """Sort key in SEVERITY order: red first, then unknown, amber, waived, clear, inactive."""
    return _RANK[state]
