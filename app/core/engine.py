"""The gate engine: from stored answers to visibility, scores, gates and the verdict.

`evaluate` is a pure function of the pack set, the answers, the active waivers and the day they
are judged on (what `today` reads in an expression), cheap enough to run on every keypress. Rules users rely on:

- an unanswered (or "unknown") answer read by a gate leaves the gate UNKNOWN, which blocks GO;
- a question hidden by `show_if` keeps its stored answer but is never counted, scored or gated
  while hidden: a gate that can only be decided by hidden answers is INACTIVE;
- verdict: NO-GO if any red gate; else INCOMPLETE if any unknown gate or unanswered required
  question; else CONDITIONAL if any amber gate; else GO. Waived gates never block.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from app.core import expr
from app.core.answers import expression_value
from app.core.model import Band, Gate, Kind, PointsOf, Question, Score, ScoreMethod, find_band
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
    maximum: float | None
    """The highest value the visible parts allow (3 a scale question in format 1); None when
    a part has no known highest value (a number without `max`, a derived value)."""


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
    answers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The stored answers it was worked out from (what `evaluate_changed` compares against)."""
    waived: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """The active waivers it counted."""
    today: str | None = field(default=None, repr=False, compare=False)
    """The day `today` read (None: not given, so it read as unknown)."""

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


def visibility(
    packset: PackSet, answers: Mapping[str, Any], today: str | None = None
) -> dict[str, bool]:
    """Which questions `answers` show (as `evaluate(...).visible`), without judging any gate
    and walking only what some `show_if` reads: what a merge needs of each respondent."""
    shown = _walk(packset, answers, packset.visibility_order, today)[1]
    return {name: shown.get(name, True) for name in packset.eval_order if name in packset.questions}


def _walk(
    packset: PackSet,
    answers: Mapping[str, Any],
    order: list[str] | None = None,
    today: str | None = None,
) -> tuple[dict[str, Any], dict[str, bool], dict[str, ScoreResult], dict[str, str]]:
    """Questions, scores and derived values in dependency order (`order`: a part of it that
    holds everything it reads): their values for expressions, which questions show, the
    scores, and the faults of derived values."""
    values: dict[str, Any] = {expr.TODAY: _day_value(today)}
    visible: dict[str, bool] = {}
    scores: dict[str, ScoreResult] = {}
    faults: dict[str, str] = {}
    formats = {pack.id: pack.format for pack in packset.packs}
    for name in packset.eval_order if order is None else order:
        _step(packset, name, answers, values, visible, scores, faults, formats)
    return values, visible, scores, faults


def _day_value(today: str | None) -> Any:
    return expr.UNKNOWN if today is None else today


def _step(
    packset: PackSet,
    name: str,
    answers: Mapping[str, Any],
    values: dict[str, Any],
    visible: dict[str, bool],
    scores: dict[str, ScoreResult],
    faults: dict[str, str],
    formats: Mapping[str, int],
) -> None:
    """Work out one name of `eval_order` (everything it reads already is), in place: its value
    and those of `points(...)`/`band(...)` on it, its visibility, score and fault."""
    faults.pop(name, None)
    question = packset.questions.get(name)
    if question is not None:
        shown = True
        if question.show_if is not None:
            condition = packset.compiled.get(f"show_if:{name}")
            shown = condition is not None and condition.evaluate(values) is True
        visible[name] = shown
        values[name] = expression_value(question, answers.get(name)) if shown else expr.HIDDEN
        if question.has_points():
            values[f"points:{name}"] = points_value(question, values[name])
    elif name in packset.scores:
        score = packset.scores[name]
        fmt = formats.get(packset.score_pack.get(name, ""), 1)
        if score.items:
            result, values[name], fault = _combine(packset, score, values, scores, fmt)
            scores[name] = result
            if fault is not None:
                faults[name] = fault
        else:
            scores[name] = result = _score(score, values)
            values[name] = _score_value(result, score, visible)
        if score.bands:
            values[f"band:{name}"] = _band_value(score.bands, values[name], fmt)
    else:
        compiled = packset.compiled.get(f"derived:{name}")
        if compiled is None:
            values[name] = expr.UNKNOWN
            return
        values[name], fault = _evaluate(compiled, values, faults, f"derived value {name!r}")
        if fault is not None:
            faults[name] = fault
        derived = packset.derived.get(name)
        if derived is not None and derived.bands:
            fmt = formats.get(packset.derived_pack.get(name, ""), 1)
            values[f"band:{name}"] = _band_value(derived.bands, values[name], fmt)


def points_value(question: Question, value: Any) -> Any:
    """What an answer (as an expression sees it) is worth: the chosen option's points, the
    ticked options' sum (or max, by `points_of`; none ticked is 0), yes's or no's points."""
    if value is expr.UNKNOWN or value is expr.HIDDEN:
        return value
    if question.kind is Kind.yes_no and question.points is not None:
        if value == "yes":
            return question.points.yes
        return question.points.no if value == "no" else expr.UNKNOWN
    worth = {o.id: o.points for o in question.options if o.points is not None}
    if question.kind is Kind.multi and isinstance(value, tuple):
        ticked = [worth[v] for v in value if v in worth]
        if question.points_of is PointsOf.max:
            return max(ticked, default=0)
        return sum(ticked)
    return worth.get(value, expr.UNKNOWN) if isinstance(value, str) else expr.UNKNOWN


def _band_value(bands: list[Band], value: Any, fmt: int) -> Any:
    """What `band(x)` reads: the label of the band `value` falls in; UNKNOWN or HIDDEN with
    the value, and UNKNOWN for a value in no band or not a number."""
    if value is expr.UNKNOWN or value is expr.HIDDEN:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return expr.UNKNOWN
    band = find_band(bands, value, fmt)
    return band.label if band is not None else expr.UNKNOWN


def _part_value(packset: PackSet, name: str, values: Mapping[str, Any]) -> Any:
    """A score item's number: a question's points when it has them, else the value itself."""
    question = packset.questions.get(name)
    if question is not None and question.has_points():
        return values.get(f"points:{name}", expr.UNKNOWN)
    return values.get(name, expr.UNKNOWN)


def _part_maximum(packset: PackSet, name: str, scores: Mapping[str, ScoreResult]) -> float | None:
    question = packset.questions.get(name)
    if question is None:
        done = scores.get(name)
        return done.maximum if done is not None else None
    if question.kind is Kind.yes_no and question.points is not None:
        return max(question.points.yes, question.points.no)
    worth = [o.points for o in question.options if o.points is not None]
    if worth:
        if question.kind is Kind.multi and question.points_of is not PointsOf.max:
            return max(0, sum(w for w in worth if w > 0))
        return max(worth) if question.kind is Kind.choice else max(0, max(worth))
    if question.kind is Kind.scale:
        return 3
    return question.max


def combine(method: ScoreMethod, parts: list[tuple[float, float]]) -> float:
    """`parts` (value, weight) combined by `method`; weights count for sum and weighted_mean.
    Raises ZeroDivisionError for a weighted mean whose weights sum to 0."""
    values = [v for v, _ in parts]
    if method is ScoreMethod.sum:
        return sum(v * w for v, w in parts)
    if method is ScoreMethod.mean:
        return sum(values) / len(values)
    if method is ScoreMethod.weighted_mean:
        return sum(v * w for v, w in parts) / sum(w for _, w in parts)
    return min(values) if method is ScoreMethod.min else max(values)


def _bounded_or_none(value: float) -> float | None:
    return value if abs(value) <= expr.MAX_NUMBER else None


def _combine(
    packset: PackSet,
    score: Score,
    values: Mapping[str, Any],
    scores: Mapping[str, ScoreResult],
    fmt: int,
) -> tuple[ScoreResult, Any, str | None]:
    """A format 2 score: its result, its value for expressions and, if a fault made it
    unknown, why. Hidden items are left out; any other unknown item makes it UNKNOWN."""
    method = score.how()
    parts: list[tuple[str, Any, float, float | None]] = []
    for part in score.parts():
        value = _part_value(packset, part.id, values)
        if value is expr.HIDDEN:
            continue
        weight = 1 if part.weight is None else part.weight
        parts.append((part.id, value, weight, _part_maximum(packset, part.id, scores)))
    maximum: float | None = None
    tops = [(top, w) for _, _, w, top in parts if top is not None and w >= 0]
    if parts and len(tops) == len(parts):
        try:
            maximum = _bounded_or_none(combine(method, tops))
        except ZeroDivisionError:
            maximum = None

    def result(total: float | None) -> ScoreResult:
        band = find_band(score.bands, total, fmt) if total is not None else None
        return ScoreResult(score.id, score.title, total, band, maximum)

    if not parts:
        return result(None), expr.HIDDEN, None
    if any(v is expr.UNKNOWN for _, v, _, _ in parts):
        return result(None), expr.UNKNOWN, None
    numbers: list[tuple[float, float]] = []
    for name, value, weight, _ in parts:
        if not isinstance(value, (int, float)):
            return result(None), expr.UNKNOWN, f"score {score.id!r}: {name!r} is not a number"
        numbers.append((int(value) if isinstance(value, bool) else value, weight))
    try:
        total = combine(method, numbers)
    except ZeroDivisionError:
        return result(None), expr.UNKNOWN, f"score {score.id!r}: its weights add up to 0"
    if not abs(total) <= expr.MAX_NUMBER:
        return result(None), expr.UNKNOWN, f"score {score.id!r} is {expr.OUT_OF_RANGE}"
    return result(total), total, None


def evaluate(
    packset: PackSet,
    answers: Mapping[str, Any],
    waived: Set[str] = frozenset(),
    today: str | None = None,
) -> Evaluation:
    """Work out everything the screens show from `answers` (question id → stored value), on
    the day `today` (YYYY-MM-DD; None: what reads it is unknown)."""
    values, visible, scores, faults = _walk(packset, answers, None, today)
    gates = {gid: _gate(packset, gid, values, faults, waived) for gid in packset.gates}
    areas = {pack.id: _area(pack.id, packset, answers, visible, gates) for pack in packset.packs}
    verdict, reasons = _verdict(packset, gates, areas)
    return Evaluation(
        visible,
        values,
        gates,
        scores,
        areas,
        verdict,
        reasons,
        faults,
        answers=dict(answers),
        waived=frozenset(waived),
        today=today,
    )


def evaluate_changed(
    packset: PackSet,
    previous: Evaluation,
    answers: Mapping[str, Any],
    waived: Set[str] = frozenset(),
    changed: Set[str] | None = None,
    today: str | None = None,
) -> Evaluation:
    """`evaluate(packset, answers, waived, today)`, worked out from `previous` (an evaluation
    of the same pack set): only what reads a changed answer (or the day, when it is another),
    directly or not, is computed again, and the area counts move by difference. `changed`: the
    question ids whose answers differ from those `previous` was made from (None: found by
    comparing). Other waivers than `previous` counted mean a full evaluation. `previous` is
    left as it was."""
    if frozenset(waived) != previous.waived:
        return evaluate(packset, answers, waived, today)
    before = previous.answers
    if changed is None:
        changed = {q for q in before.keys() | answers.keys() if before.get(q) != answers.get(q)}
    changed = {q for q in changed if q in packset.questions}
    if today != previous.today:
        changed.add(expr.TODAY)  # a sitting that runs past midnight
    if not changed:
        return evaluate(packset, answers, waived, today) if answers != before else previous
    nodes, readers = packset.dependants(changed)
    values = dict(previous.values)
    values[expr.TODAY] = _day_value(today)
    visible = dict(previous.visible)
    scores = dict(previous.scores)
    faults = dict(previous.faults)
    formats = {pack.id: pack.format for pack in packset.packs}
    for name in nodes:
        _step(packset, name, answers, values, visible, scores, faults, formats)
    if faults.keys() != previous.faults.keys():  # in eval_order, as a full evaluation has them
        faults = {n: faults[n] for n in packset.eval_order if n in faults}
    gates = dict(previous.gates)
    moved: list[tuple[GateResult, GateResult]] = []
    for gid in readers:
        result = _gate(packset, gid, values, faults, waived)
        old = gates[gid]
        if (result.state, result.fired, result.reason) != (old.state, old.fired, old.reason):
            gates[gid] = result
            if result.state is not old.state:
                moved.append((old, result))
    areas = dict(previous.areas)
    touched = {q for q in nodes if q in packset.questions} | (changed - {expr.TODAY})
    for pack_id in {packset.question_pack[q] for q in touched}:
        areas[pack_id] = _area_moved(
            packset,
            areas[pack_id],
            [q for q in touched if packset.question_pack[q] == pack_id],
            before,
            answers,
            previous.visible,
            visible,
        )
    for old, new in moved:
        area = areas[new.pack_id]
        counts = {s: 0 for s in (GateState.red, GateState.amber, GateState.unknown)}
        for state, step in ((old.state, -1), (new.state, 1)):
            if state in counts:
                counts[state] += step
        areas[new.pack_id] = replace(
            area,
            red=area.red + counts[GateState.red],
            amber=area.amber + counts[GateState.amber],
            unknown_gates=area.unknown_gates + counts[GateState.unknown],
        )
    missing_moved = any(
        areas[p].required_missing != previous.areas[p].required_missing for p in areas
    )
    if missing_moved:
        verdict, reasons = _verdict(packset, gates, areas)
    elif moved:
        verdict, reasons = _verdict_moved(previous, gates)
    else:
        verdict, reasons = previous.verdict, list(previous.reasons)
    return Evaluation(
        visible,
        values,
        gates,
        scores,
        areas,
        verdict,
        reasons,
        faults,
        answers=dict(answers),
        waived=previous.waived,
        today=today,
    )


def _gate(
    packset: PackSet,
    gid: str,
    values: Mapping[str, Any],
    faults: Mapping[str, str],
    waived: Set[str],
) -> GateResult:
    gate = packset.gates[gid]
    compiled = packset.compiled.get(f"gate:{gid}")
    outcome, fault = (
        _evaluate(compiled, values, faults, "its condition") if compiled else (expr.UNKNOWN, None)
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
    return GateResult(gate, packset.gate_pack[gid], state, fired, fault)


def _area_moved(
    packset: PackSet,
    area: AreaProgress,
    questions: list[str],
    before: Mapping[str, Any],
    answers: Mapping[str, Any],
    was_visible: Mapping[str, bool],
    visible: Mapping[str, bool],
) -> AreaProgress:
    """`area` with the questions in `questions` (of its pack) counted as they are now."""
    shown = answered = unknown = 0
    missing_moved = False
    for qid in questions:
        question = packset.questions[qid]
        for sign, seen, stored in ((-1, was_visible, before), (1, visible, answers)):
            if not seen.get(qid):
                continue
            value = stored.get(qid)
            shown += sign
            if value is not None:
                answered += sign
                if value == "unknown":
                    unknown += sign
        if question.required:
            was = bool(was_visible.get(qid)) and before.get(qid) is None
            now = bool(visible.get(qid)) and answers.get(qid) is None
            missing_moved = missing_moved or was != now
    missing = area.required_missing
    if missing_moved:
        pack = packset.pack(area.pack_id)
        missing = [
            q.id
            for q in pack.questions
            if q.required and visible.get(q.id) and answers.get(q.id) is None
        ]
    return replace(
        area,
        visible=area.visible + shown,
        answered=area.answered + answered,
        unknown_answers=area.unknown_answers + unknown,
        required_missing=missing,
    )


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


def _verdict_moved(
    previous: Evaluation, gates: Mapping[str, GateResult]
) -> tuple[Verdict, list[Reason]]:
    """`_verdict` when only gate states moved since `previous`: the unanswered questions'
    reasons are those of `previous`, and a gate that stays blocking keeps its reason."""
    said: dict[tuple[str, str], Reason] = {}
    tail: list[Reason] = []
    for index, reason in enumerate(previous.reasons):
        if reason.state == "unanswered":
            tail = previous.reasons[index:]
            break
        said[reason.state, reason.ref] = reason
    blocking: dict[GateState, list[GateResult]] = {state: [] for state in BLOCKING}
    for result in gates.values():
        found = blocking.get(result.state)
        if found is not None:
            found.append(result)
    reasons: list[Reason] = []
    for state, results in blocking.items():
        for result in results:
            gate = result.gate
            known = said.get((state.value, gate.id))
            if known is None:
                known = Reason(state.value, f"{gate.full_title} — {gate.why}", gate.id)
            reasons.append(known)
    if blocking[GateState.red]:
        verdict = Verdict.no_go
    elif blocking[GateState.unknown] or tail:
        verdict = Verdict.incomplete
    elif blocking[GateState.amber]:
        verdict = Verdict.conditional
    else:
        verdict = Verdict.go
    return verdict, reasons + tail


def _verdict(
    packset: PackSet, gates: Mapping[str, GateResult], areas: Mapping[str, AreaProgress]
) -> tuple[Verdict, list[Reason]]:
    reasons: list[Reason] = []
    blocking: dict[GateState, list[GateResult]] = {state: [] for state in BLOCKING}
    for result in gates.values():
        found = blocking.get(result.state)
        if found is not None:
            found.append(result)
    for state, results in blocking.items():
        for result in results:
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
