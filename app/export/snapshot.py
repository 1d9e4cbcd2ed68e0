"""The receipts-pack snapshot: everything an export shows, gathered once, plus the digests.

`make_snapshot` is pure: the CLI and the wizard read the records from the store and hand them
in, and every export format is a function of the resulting `PackData`. Nothing here reads a
clock: the pack date is the day of the latest answer (or the day given), and waivers are
judged active on that day, so the same stored data always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app import __version__
from app.core.disputes import Dispute
from app.core.engine import BLOCKING, Evaluation, evaluate
from app.core.model import PRESENCE_WORDS, Kind, Presence, ReceiptDef
from app.core.packs import PackSet

if TYPE_CHECKING:  # app.store imports SQLite; the builder only needs the record types
    from app.store.models import (
        AnswerRecord,
        Assessment,
        Decision,
        GateFollowUp,
        Participant,
        Respondent,
        Waiver,
    )


class ReceiptStatus:
    present = "present"
    partial = "partial"
    missing = "missing"


SHELF_BADGES = {"present": "✔ PRESENT", "partial": "◐ PARTIAL", "missing": "✗ MISSING"}
"""Receipt states as symbol + word, like gate badges."""

RECEIPT_RULE = (
    "Present: every required question that evidences it is answered and no gate on it is "
    "red, amber or unknown. Missing: none of its questions has an answer. Partial: in between."
)


@dataclass(frozen=True)
class ReceiptShelfItem:
    receipt: str
    """The receipt's id (its title: `PackSet.receipt_title`)."""
    status: str
    answered: int
    """Visible evidencing questions with a real answer (not unanswered, not "unknown")."""
    total: int
    blocking: list[str]
    """Ids of gates on this receipt that are red, unknown or amber (waived ones are not)."""
    evidence: list[str]
    """Evidence references (paths or URLs) attached to its answers, in question order."""
    unknown: int = 0
    """Visible evidencing questions answered "unknown" (neither answered nor open)."""


@dataclass(frozen=True)
class Changes:
    """What changed since the assessment's last export (`app.interchange.changes.since`).

    The last export is the latest one of a different pack: exports with the digest the pack
    has now (this very pack written again, or exported already) are passed over, so exporting
    the same answers twice gives the same bytes, and the wizard's preview stays the file
    written."""

    since: str | None
    """When the last export was written; None: there is none (this is the first)."""
    report: dict[str, Any] = field(default_factory=dict)
    """`app.interchange.diff.compare`'s report (plus its `decisions` and `since`)."""
    headline: str = ""
    """The report in one line: "2 gates cleared, 1 new red"."""

    @property
    def first(self) -> bool:
        return self.since is None


@dataclass(frozen=True)
class PackData:
    """One assessment as exported: the records, the packs, their evaluation, the date."""

    assessment: Assessment
    participants: list[Participant]
    answers: dict[str, AnswerRecord]
    followups: dict[str, GateFollowUp]
    waivers: dict[str, Waiver]
    packset: PackSet
    evaluation: Evaluation
    date: str
    version: str = __version__
    digest: str = ""
    shelf: list[ReceiptShelfItem] = field(default_factory=list)
    respondents: list[Respondent] = field(default_factory=list)
    """The self-assessments merged into this one (`preflight merge`), first merged first."""
    disputes: dict[str, Dispute] = field(default_factory=dict)
    """Question id → its latest disagreement, open or settled, in pack order (questions no
    pack in use asks last)."""
    decisions: list[Decision] = field(default_factory=list)
    """The decision log (`preflight decide`), oldest first; not part of the digest: a decision
    is about the pack, and recording one must not make it out of date."""
    changes: Changes | None = None
    """What changed since the last export; None when not known (a snapshot not read from a
    store): then nothing about it is shown. Not part of the digest either: recording an
    export must not make the pack out of date."""

    @property
    def latest_verdict(self) -> Decision | None:
        """The go/no-go decision in force: the latest one recorded."""
        verdicts = [d for d in self.decisions if d.kind == "verdict"]
        return verdicts[-1] if verdicts else None

    @property
    def versions(self) -> dict[str, str]:
        return self.packset.versions()

    @property
    def open_disputes(self) -> dict[str, Dispute]:
        """The disagreements still to settle: each question counts as not answered."""
        return {qid: d for qid, d in self.disputes.items() if d.open}

    @property
    def settled_disputes(self) -> dict[str, Dispute]:
        return {qid: d for qid, d in self.disputes.items() if not d.open}


def decision_words(data: PackData, decision: Decision | None = None) -> str | None:
    """A go/no-go decision (default: the latest) as one plain line (`Decision: GO by … on …`),
    saying when the pack digest differs from the one it was decided on; None when none was
    recorded."""
    from app.core.decisions import decision_line

    d = decision or data.latest_verdict
    if d is None or d.verdict is None:
        return None
    return decision_line(
        verdict=d.verdict,
        by=d.decided_by,
        day=d.decided_at[:10],
        computed=d.computed_verdict,
        gates=d.open_gates,
        override=d.override,
        changed=d.digest != data.digest,
    )


def pack_date(assessment: Assessment, answers: Mapping[str, AnswerRecord]) -> str:
    """The day of the latest answer; the creation day when nothing is answered yet."""
    days = [record.answered_at[:10] for record in answers.values() if record.answered_at]
    return max(days) if days else assessment.created_at[:10]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def answers_digest(
    answers: Mapping[str, AnswerRecord],
    waivers: Mapping[str, Waiver],
    versions: Mapping[str, str],
    tool_version: str = __version__,
    disputes: Mapping[str, Dispute] | None = None,
) -> str:
    """SHA-256 over what decides the pack: each answer's value, note and evidence link, the
    waivers, the pack ids and versions, the Preflight version, and (on a merged assessment
    only, so other packs keep their digest) every disagreement with who said what, so a
    re-merge that changes a respondent's answer makes `verify` say the pack is out of date."""
    payload = {
        "answers": {
            qid: {
                "value": record.value,
                "note": record.note,
                "evidence": record.evidence.ref if record.evidence else None,
            }
            for qid, record in sorted(answers.items())
        },
        "waivers": {
            gid: {"reason": w.reason, "approver": w.approver, "expires": w.expires}
            for gid, w in sorted(waivers.items())
        },
        "packs": dict(sorted(versions.items())),
        "preflight": tool_version,
    }
    if disputes:
        payload["disputes"] = {
            qid: {
                "voices": [[v.name, v.value, v.note, v.evidence, v.here] for v in d.voices],
                "settled": [d.resolved_at, d.resolved_by, d.resolved_value, d.resolved_how],
            }
            for qid, d in sorted(disputes.items())
        }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def make_snapshot(
    assessment: Assessment,
    participants: Iterable[Participant],
    answers: Mapping[str, AnswerRecord],
    followups: Mapping[str, GateFollowUp],
    waivers: Mapping[str, Waiver],
    packset: PackSet,
    date: str | None = None,
    version: str = __version__,
    respondents: Iterable[Respondent] = (),
    disputes: Mapping[str, Dispute] | None = None,
    decisions: Iterable[Decision] = (),
    changes: Changes | None = None,
) -> PackData:
    """Evaluate the answers on the pack date (waivers active then, and what `today` reads) and
    build the snapshot.

    The respondents and their disagreements are shown, not judged: a disputed question has no
    stored answer, so it already counts as not answered. The disagreements are in the digest."""
    answers = dict(sorted(answers.items()))
    day = date or pack_date(assessment, answers)
    values = {qid: record.value for qid, record in answers.items()}
    waived = {gid for gid, waiver in waivers.items() if waiver.active_on(day)}
    evaluation = evaluate(packset, values, waived, day)
    return PackData(
        assessment=assessment,
        participants=list(participants),
        answers=answers,
        followups=dict(sorted(followups.items())),
        waivers=dict(sorted(waivers.items())),
        packset=packset,
        evaluation=evaluation,
        date=day,
        version=version,
        digest=answers_digest(answers, waivers, packset.versions(), version, disputes),
        shelf=receipt_shelf(packset, evaluation, answers),
        respondents=list(respondents),
        disputes=_pack_order(packset, disputes or {}),
        decisions=list(decisions),
        changes=changes,
    )


def _pack_order(packset: PackSet, disputes: Mapping[str, Dispute]) -> dict[str, Dispute]:
    rank = {qid: i for i, qid in enumerate(packset.questions)}
    return dict(sorted(disputes.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def snapshot_from_store(
    store: Any,
    ref: int | str,
    packset: PackSet,
    date: str | None = None,
    with_changes: bool = True,
):
    """The snapshot of assessment `ref` as stored now: what export, check, verify and the
    wizard's preview all render, with what changed since the last export (see `Changes`);
    `with_changes` False skips reading that from the history, for a command that needs only
    the digest or the gates (the digest does not cover it).

    Read before the export being made is recorded, so "the last export" is the one before."""
    assessment = store.get(ref)
    if assessment.pack_selection is not None:  # the packs it is made of (`preflight packs`)
        packset = packset.select(packset.closed(assessment.pack_selection))
    answers = store.answers(assessment.id)
    data = make_snapshot(
        assessment,
        store.participants(assessment.id),
        answers,
        store.followups(assessment.id),
        store.waivers(assessment.id),
        packset,
        date=date,
        respondents=store.respondents(assessment.id),
        disputes=store.disputes(assessment.id, open_only=False),
        decisions=store.decisions(assessment.id),
    )
    if not with_changes:
        return data
    return replace(data, changes=changes_since_export(store, data, answers))


def changes_since_export(
    store: Any, data: PackData, answers: Mapping[str, AnswerRecord]
) -> Changes:
    """What changed in `data`'s assessment since its last export of a different pack (judged
    on the pack date), from the exports log and the history's indexed reads."""
    from app.interchange import changes, diff

    records = store.exports(data.assessment.id)
    # Pass over the latest exports of this very pack (same digest): writing it again is not a
    # change, and the bytes stay the same.
    run = len(records)
    while run and records[run - 1].digest == data.digest:
        run -= 1
    if run == 0:
        return Changes(None)
    start = changes.after_export(records[run - 1])
    report, _ = changes.since(
        store, data.packset, data.assessment, data.date, start, answers_now=dict(answers)
    )
    return Changes(start.when, report, diff.headline(report))


def receipt_rule(receipt: ReceiptDef) -> str | None:
    """A declared receipt's rule in words, when it is not RECEIPT_RULE's (None when it is)."""
    if receipt.present is Presence.all_required:
        return None
    return (
        f"{receipt.title}: present when {PRESENCE_WORDS[receipt.present]} and no gate on it is "
        "red, amber or unknown."
    )


def has_real_answer(record: AnswerRecord | None) -> bool:
    return record is not None and record.value is not None and record.value != "unknown"


def _said_unknown(record: AnswerRecord | None) -> bool:
    return record is not None and record.value == "unknown"


def evidence_refs(question_kind: Kind, record: AnswerRecord | None) -> list[str]:
    """The references an answer carries: its attached evidence, and the value of an evidence
    question."""
    if record is None:
        return []
    refs = []
    if question_kind is Kind.evidence and isinstance(record.value, str):
        refs.append(record.value)
    if record.evidence is not None and record.evidence.ref not in refs:
        refs.append(record.evidence.ref)
    return refs


def receipt_shelf(
    packset: PackSet, evaluation: Evaluation, answers: Mapping[str, AnswerRecord]
) -> list[ReceiptShelfItem]:
    """The receipts in use and their status (see RECEIPT_RULE, and `receipt_rule` for one a
    pack declares with another rule)."""
    out = []
    for receipt, definition in packset.shelf().items():
        questions = [
            q
            for pack in packset.packs
            for q in pack.questions
            if receipt in q.receipts and evaluation.visible.get(q.id)
        ]
        answered = [q for q in questions if has_real_answer(answers.get(q.id))]
        needed = {
            Presence.all_required: [q for q in questions if q.required],
            Presence.all_answered: questions,
            Presence.any_answered: [],
        }[definition.present]
        required_missing = [q for q in needed if not has_real_answer(answers.get(q.id))]
        blocking = [
            gid
            for gid, result in evaluation.gates.items()
            if result.gate.receipt == receipt and result.state in BLOCKING
        ]
        if not answered:
            status = ReceiptStatus.missing
        elif required_missing or blocking:
            status = ReceiptStatus.partial
        else:
            status = ReceiptStatus.present
        evidence = [ref for q in questions for ref in evidence_refs(q.kind, answers.get(q.id))]
        unknown = sum(1 for q in questions if _said_unknown(answers.get(q.id)))
        out.append(
            ReceiptShelfItem(
                receipt, status, len(answered), len(questions), blocking, evidence, unknown
            )
        )
    return out
