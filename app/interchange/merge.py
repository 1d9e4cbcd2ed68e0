"""Merging respondents: self-assessments in, agreed answers and disagreements out.

Pure: the assessment being merged into (its answers, respondents, what earlier merges agreed)
and the incoming respondents in, a `MergeChange` for the store out. The rules:

- A respondent's answers are the ones visible under their own answers (an answer to a question
  their own answers hide is not a voice) and asked by the packs in use.
- Only questions a respondent's answer changed in (new, different, or withdrawn) are looked at
  again, so re-merging a newer file from the same person does not reopen what the team settled.
- Those questions: if every voice agrees, that is the answer; if any differs, the question
  holds a disagreement and counts as not answered. The voices are the respondents who answered
  it, and the answer already given here when somebody gave it here (not a merge).
- Agreement is equality of the stored values, except: text compares case and spacing aside,
  a person by name (case and spacing aside), and a number whose question sets `agree_within`
  agrees when highest minus lowest is within it, at the median (whole numbers: the lower
  middle one), a date likewise in days, at the middle day given; either only when every one
  of the values reads the same to every gate.
- An answer given here (not by a merge) is a voice; a merge never marks it as its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.answers import AnswerError, check_value
from app.core.engine import evaluate, visibility
from app.core.model import Kind, Question
from app.core.packs import PackSet
from app.core.text import name_key, name_problem, one_line
from app.store.models import AnswerRecord, Assessment, MergeChange, Respondent


@dataclass(frozen=True)
class Source:
    """One self-assessment to merge: a respondent with the answers they gave."""

    name: str
    source: str
    """The slug or file it comes from, as the person typed it."""
    digest: str | None
    role: str
    answers: dict[str, AnswerRecord]
    """Their visible answers to questions the packs in use ask."""
    left_out: int = 0
    """Answers not counted: hidden under their own answers, or to questions not asked here."""


@dataclass(frozen=True)
class Target:
    """The assessment merged into, as stored."""

    answers: Mapping[str, AnswerRecord]
    respondents: Sequence[Respondent]
    merged: Mapping[str, Any]
    """Question id → what the last merge agreed (an answer still equal to it came from a merge)."""
    disputed: frozenset[str]
    """Questions with an open disagreement."""


@dataclass
class Outcome:
    """A merge's `change` for the store and what it did, for the person running it."""

    change: MergeChange
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    agreed: list[str] = field(default_factory=list)
    disputed: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    """Questions whose disagreement this merge settled (the respondents now agree)."""
    within: list[tuple[str, list[Any], AnswerRecord | None]] = field(default_factory=list)
    """Questions agreed only within `agree_within`: (id, the values, the answer given here)."""


class MergeError(ValueError):
    """A merge that cannot be done as asked (two sources with one name, a bad name)."""


# -- sources ---------------------------------------------------------------------------------


def respondent_name(
    assessment: Assessment,
    answers: Mapping[str, AnswerRecord],
    participants: Sequence[str] = (),
) -> str:
    """Who a self-assessment is by: the person it was last answered as, else the one person
    who gave all its answers, else its only participant, else the assessment's name."""
    candidates: list[str | None] = [assessment.answering_as]
    givers = {r.answered_by for r in answers.values() if r.answered_by}
    if len(givers) == 1:
        candidates.append(givers.pop())
    if len(participants) == 1:
        candidates.append(participants[0])
    for name in candidates:
        if name and name_problem(name) is None:
            return name.strip()
    return assessment.name


def source_from(
    packset: PackSet,
    *,
    name: str,
    source: str,
    answers: Mapping[str, AnswerRecord],
    digest: str | None = None,
    role: str = "",
    checked: bool = False,
    today: str | None = None,
) -> Source:
    """A `Source` of the answers that count: visible under the respondent's own answers, asked
    by the packs in use, and fitting their question (`checked`: a file's answers were checked
    when it was read; an assessment's here were checked when saved, perhaps under other packs;
    `today`: the day a `show_if` reading `today` is judged on)."""
    values = {qid: r.value for qid, r in answers.items()}
    visible = visibility(packset, values, today)
    kept: dict[str, AnswerRecord] = {}
    for qid, record in answers.items():
        question = packset.questions.get(qid)
        if question is None or not visible.get(qid, False):
            continue
        if not checked:
            try:
                if check_value(question, record.value) != record.value:
                    continue
            except AnswerError:
                continue
        kept[qid] = record
    return Source(name, source, digest, role, kept, len(answers) - len(kept))


# -- agreeing --------------------------------------------------------------------------------


def agreement(question: Question, values: Sequence[Any]) -> tuple[bool, Any]:
    """Whether `values` (stored answers to `question`) agree, and the agreed value if so."""
    first = values[0]
    kind = question.kind
    if kind is Kind.number:
        low, high = min(values), max(values)
        if question.agree_within is not None and len(values) > 1:
            if high - low > question.agree_within:
                return False, None
            if all(type(v) is int for v in values):
                return True, sorted(values)[(len(values) - 1) // 2]  # an answer someone gave
            middle = _median(values)
            if isinstance(middle, float) and middle.is_integer():
                middle = int(middle)
            return True, middle
        return low == high, first
    if kind is Kind.date and question.agree_within is not None and len(values) > 1:
        days = sorted(dt.date.fromisoformat(v) for v in values)
        if (days[-1] - days[0]).days > question.agree_within:
            return False, None
        return True, days[(len(days) - 1) // 2].isoformat()  # the middle day someone gave
    if kind is Kind.text:
        key = name_key(first)
        return all(name_key(v) == key for v in values), _most_common(values)
    if kind is Kind.person:
        key = name_key(first.get("name", ""))
        if not all(name_key(v.get("name", "")) == key for v in values):
            return False, None
        with_role = [v for v in values if v.get("role", "").strip()] or list(values)
        return True, _most_common(with_role)
    return all(v == first for v in values), first


def _most_common(values: Sequence[Any]) -> Any:
    """The spelling most respondents wrote (the first of them on a tie): "Marco Okafor" over
    one respondent's "marco okafor"."""
    keys = [json.dumps(v, sort_keys=True) for v in values]
    best = max(range(len(values)), key=lambda i: (keys.count(keys[i]), -i))
    return values[best]


def _median(values: Sequence[float]) -> float:
    """The middle value, or the mean of the two middle ones (`statistics` costs ~5 ms to
    import, a tenth of a merge's own work)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _same(a: AnswerRecord | None, b: AnswerRecord | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.value == b.value


# -- planning --------------------------------------------------------------------------------


def plan(
    packset: PackSet, target: Target, sources: Sequence[Source], today: str | None = None
) -> Outcome:
    """What merging `sources` into `target` writes (see the module's rules), judged on the day
    `today`."""
    seen: dict[str, Source] = {}
    for s in sources:
        problem = name_problem(s.name)
        if problem is not None:
            raise MergeError(f"{one_line(s.source)}: respondent name: {problem}")
        key = name_key(s.name)
        if key in seen:
            first = seen[key]
            if first.digest is not None and first.digest == s.digest:
                raise MergeError(
                    f"{one_line(first.source)} and {one_line(s.source)} hold the same "
                    "assessment (one digest); give it once"
                )
            raise MergeError(
                f"{one_line(first.source)} and {one_line(s.source)} are both by "
                f"{one_line(s.name)!r}: merge one of them in a run of its own with "
                "--name OTHER-NAME (or set who answers it: F2 in the wizard, quick --as)"
            )
        seen[key] = s

    stored = {name_key(r.name): r for r in target.respondents}
    everyone: dict[str, dict[str, AnswerRecord]] = {k: dict(r.answers) for k, r in stored.items()}
    names = {k: r.name for k, r in stored.items()}
    outcome = Outcome(change=MergeChange(respondents=[]))
    touched: set[str] = set()
    for s in sources:
        key = name_key(s.name)
        before = everyone.get(key, {})
        (outcome.updated if key in stored else outcome.added).append(s.name)
        for qid in set(before) | set(s.answers):
            if not _same(before.get(qid), s.answers.get(qid)):
                touched.add(qid)
        everyone[key] = dict(s.answers)
        names[key] = s.name
        outcome.change.respondents.append(
            Respondent(
                id=0,
                assessment_id=0,
                name=s.name,
                source=s.source,
                source_digest=s.digest,
                merged_at="",
                answers=dict(s.answers),
            )
        )
        outcome.change.participants.append((s.name, s.role))

    order = {qid: i for i, qid in enumerate(packset.questions)}
    for qid in sorted(touched, key=lambda q: order.get(q, len(order))):
        question = packset.questions.get(qid)
        if question is None:
            continue
        _settle(question, target, everyone, names, outcome)
    _split_by_gates(packset, target, outcome, today)
    return outcome


def _settle(
    question: Question,
    target: Target,
    everyone: Mapping[str, Mapping[str, AnswerRecord]],
    names: Mapping[str, str],
    outcome: Outcome,
) -> None:
    qid = question.id
    change = outcome.change
    voices = [(names[k], answers[qid]) for k, answers in everyone.items() if qid in answers]
    current = target.answers.get(qid)
    from_merge = current is not None and target.merged.get(qid, _NOTHING) == current.value
    local = current if current is not None and not from_merge else None
    if not voices:
        # Nobody who merged answers it any more: an answer a merge gave goes, one given here stays.
        if from_merge:
            change.cleared.append(qid)
        if qid in target.disputed:
            change.closed[qid] = None
            outcome.settled.append(qid)
        change.merged[qid] = None
        return
    values = [r.value for _, r in voices] + ([local.value] if local is not None else [])
    agreed, value = agreement(question, values)
    if not agreed:
        _dispute(qid, target, local, outcome)
        return
    outcome.agreed.append(qid)
    if len({json.dumps(v, sort_keys=True) for v in values}) > 1:
        outcome.within.append((qid, values, local))  # agreed by tolerance: checked at the end
    if qid in target.disputed:
        change.closed[qid] = value
        outcome.settled.append(qid)
    if local is not None:
        # The answer given here stays, and stays its own: no merge mark, so a later merge
        # that disagrees with it hears it as a voice instead of replacing it.
        change.merged[qid] = None
        return
    change.merged[qid] = value
    if current is not None and current.value == value:
        return  # the answer a merge gave already says it
    change.answers.append(_agreed_record(qid, value, voices))


def _dispute(qid: str, target: Target, local: AnswerRecord | None, outcome: Outcome) -> None:
    """`qid` holds a disagreement: its answer goes, and it opens (or stays open)."""
    change = outcome.change
    outcome.disputed.append(qid)
    change.merged[qid] = None
    if target.answers.get(qid) is not None:
        change.cleared.append(qid)
    if qid not in target.disputed:
        change.opened[qid] = (local.value, local.answered_by) if local is not None else (None, None)


def _split_by_gates(packset: PackSet, target: Target, outcome: Outcome, today: str | None) -> None:
    """Numbers that agree only within `agree_within` agree for real only when every one of
    them reads the same to every gate, given the merged answers to everything else: a median
    must never decide a gate that one respondent's own answer would have decided otherwise."""
    change = outcome.change
    base = {q: r.value for q, r in target.answers.items() if q not in change.cleared}
    base.update({r.question_id: r.value for r in change.answers})
    for qid, values, local in outcome.within:
        readings = set()
        for value in {json.dumps(v): v for v in values}.values():
            gates = evaluate(packset, base | {qid: value}, today=today).gates
            readings.add(tuple(sorted((gid, g.state.value) for gid, g in gates.items())))
        if len(readings) == 1:
            continue
        outcome.agreed.remove(qid)
        change.answers[:] = [r for r in change.answers if r.question_id != qid]
        base.pop(qid, None)
        if qid in change.closed:  # it stays open after all
            del change.closed[qid]
            outcome.settled.remove(qid)
        _dispute(qid, target, local, outcome)


_NOTHING = object()


def _agreed_record(
    qid: str, value: Any, voices: Sequence[tuple[str, AnswerRecord]]
) -> AnswerRecord:
    """The answer the respondents agree on: their notes (each named when several differ), the
    first evidence given, and who agreed."""
    notes = [(name, r.note.strip()) for name, r in voices if r.note and r.note.strip()]
    distinct = list(dict.fromkeys(note for _, note in notes))
    if len(distinct) == 1:
        note: str | None = distinct[0]
    elif distinct:
        note = "\n".join(f"{name}: {text}" for name, text in notes)
    else:
        note = None
    evidence = next((r.evidence for _, r in voices if r.evidence is not None), None)
    return AnswerRecord(
        assessment_id=0,
        question_id=qid,
        value=value,
        note=note,
        evidence=evidence,
        answered_by=", ".join(name for name, _ in voices),
        answered_at="",
    )
