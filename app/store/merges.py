"""Respondents, their answers and disagreements: what `preflight merge` keeps.

A disagreement is never deleted: answering its question here (any front end, any answer file)
resolves it in the same transaction as the answer (`resolve_open`), and the respondents'
answers stay beside it, so who said what before the team decided is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.core.disputes import Dispute, Voice
from app.core.text import name_key
from app.store import rows
from app.store.models import (
    AnswerRecord,
    Disagreement,
    MergeChange,
    ResolvedHow,
    Respondent,
    Summary,
)
from app.store.plumbing import Plumbing

if TYPE_CHECKING:
    from app.store.store import Writer
    from app.store.writes import SummaryFor

_RESPONDENT_ANSWER = (
    "INSERT INTO respondent_answers (respondent_id, question_id, value, note, evidence_ref, "
    "evidence_sha256, evidence_unhashed, evidence_captured_at, answered_by, answered_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
MERGE_BY = "preflight merge"
"""Who the store says removed an answer the respondents dispute, or settled a disagreement
that a merge brought into agreement."""
_RESOLVE = (
    "UPDATE disagreements SET resolved_at = ?, resolved_by = ?, resolved_value = ?, "
    "resolved_how = ? WHERE assessment_id = ? AND question_id = ? AND resolved_at IS NULL"
)


class MergeWrites(Plumbing):
    """Mixed into `Store`; relies on its `_write`, `_query`, `_require`, `_touch`, `_put`."""

    def respondents(self, assessment_id: int) -> list[Respondent]:
        """Every respondent merged into the assessment, in the order first merged, with answers."""
        people = self._query(
            "SELECT * FROM respondents WHERE assessment_id = ? ORDER BY id", [assessment_id]
        )
        answers = self._query(
            "SELECT ra.* FROM respondent_answers ra JOIN respondents r ON r.id = ra.respondent_id "
            "WHERE r.assessment_id = ? ORDER BY ra.respondent_id, ra.question_id",
            [assessment_id],
        )
        by_person: dict[int, dict[str, AnswerRecord]] = {}
        for row in answers:
            record = rows.answer(row | {"assessment_id": assessment_id})
            by_person.setdefault(row["respondent_id"], {})[row["question_id"]] = record
        return [
            Respondent(
                id=p["id"],
                assessment_id=assessment_id,
                name=p["name"],
                source=p["source"],
                source_digest=p["source_digest"],
                merged_at=p["merged_at"],
                answers=by_person.get(p["id"], {}),
            )
            for p in people
        ]

    def disagreements(self, assessment_id: int, *, open_only: bool = False) -> list[Disagreement]:
        """Disagreements oldest first; with `open_only`, the ones still to settle."""
        sql = "SELECT * FROM disagreements WHERE assessment_id = ?"
        if open_only:
            sql += " AND resolved_at IS NULL"
        found = [rows.disagreement(r) for r in self._query(sql + " ORDER BY id", [assessment_id])]
        if open_only or not found:
            return found
        kept: dict[int, list[Voice]] = {}
        for row in self._query(
            "SELECT v.* FROM disagreement_voices v JOIN disagreements d ON d.id = v.disagreement_id "
            "WHERE d.assessment_id = ? ORDER BY v.disagreement_id, v.position",
            [assessment_id],
        ):
            kept.setdefault(row["disagreement_id"], []).append(rows.voice(row))
        return [dataclasses.replace(d, voices=tuple(kept.get(d.id, ()))) for d in found]

    def disputes(self, assessment_id: int, *, open_only: bool = True) -> dict[str, Dispute]:
        """Question id → its disagreement with every answer in it (respondents' in the order
        they were first merged, then the one given here); the latest per question."""
        found = self.disagreements(assessment_id, open_only=open_only)
        if not found:
            return {}
        voices: dict[str, list[Voice]] = {}
        rows_ = self._query(
            "SELECT r.name, ra.question_id, ra.value, ra.note, ra.evidence_ref "
            "FROM respondent_answers ra JOIN respondents r ON r.id = ra.respondent_id "
            "WHERE r.assessment_id = ? AND ra.question_id IN "
            "(SELECT question_id FROM disagreements WHERE assessment_id = ?) "
            "ORDER BY r.id",
            [assessment_id, assessment_id],
        )
        for row in rows_:
            voices.setdefault(row["question_id"], []).append(
                Voice(
                    name=row["name"],
                    value=rows.load(row["value"]),
                    note=row["note"],
                    evidence=row["evidence_ref"],
                )
            )
        out: dict[str, Dispute] = {}
        for d in found:
            if d.voices:  # settled: who said what, as it stood then
                these = list(d.voices)
            else:
                these = list(voices.get(d.question_id, ()))
                if d.earlier is not None:
                    these.append(Voice(name=d.earlier_by or "here", value=d.earlier, here=True))
            out[d.question_id] = Dispute(
                question_id=d.question_id,
                voices=tuple(these),
                opened_at=d.opened_at,
                resolved_at=d.resolved_at,
                resolved_by=d.resolved_by,
                resolved_value=d.resolved_value,
                resolved_how=None if d.resolved_how is None else d.resolved_how.value,
            )
        return out

    def merged_values(self, assessment_id: int) -> dict[str, Any]:
        """Question id → the value the last merge agreed on (to tell its answers from ones
        given here)."""
        found = self._query(
            "SELECT question_id, value FROM merged_answers WHERE assessment_id = ?",
            [assessment_id],
        )
        return {r["question_id"]: rows.load(r["value"]) for r in found}

    # -- writing -----------------------------------------------------------------------------

    def apply_merge(
        self,
        assessment_id: int,
        change: MergeChange,
        summary: Summary | SummaryFor | None = None,
    ) -> None:
        """Write one merge: respondents and their answers, the agreed answers (with history),
        the disputed answers removed, disagreements opened and closed, and the summary; one
        transaction, so a kill leaves the assessment as before or as merged."""
        when = rows.now()
        with self._write() as db:
            self._require(assessment_id)
            self._add_missing_participants(assessment_id, change.participants)
            for qid, agreed in change.closed.items():
                # Settled before the respondents' new answers are written: the voices it keeps
                # are the answers that disagreed.
                resolve_open(
                    db, assessment_id, qid, rows.dump(agreed), MERGE_BY, when, ResolvedHow.merged
                )
            for person in change.respondents:
                self._put_respondent(db, assessment_id, person, when)
            # A question that opens a disagreement has no answer, whatever the plan read.
            for qid in dict.fromkeys([*change.cleared, *change.opened]):
                old = self._old(assessment_id, qid)
                if old is not None:
                    self._clear_row(assessment_id, qid, old, MERGE_BY, when)
            for record in change.answers:
                old = self._old(assessment_id, record.question_id)
                self._put(
                    assessment_id,
                    record.question_id,
                    record.value,
                    record.note,
                    rows.evidence_columns(record.evidence),
                    record.answered_by,
                    when,
                    old,
                )
            for qid, (earlier, earlier_by) in change.opened.items():
                db.execute(
                    "INSERT INTO disagreements (assessment_id, question_id, opened_at, earlier, "
                    "earlier_by) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (assessment_id, question_id) WHERE resolved_at IS NULL "
                    "DO NOTHING",
                    [assessment_id, qid, when, rows.dump(earlier), earlier_by],
                )
            for qid, value in change.merged.items():
                if value is None:
                    db.execute(
                        "DELETE FROM merged_answers WHERE assessment_id = ? AND question_id = ?",
                        [assessment_id, qid],
                    )
                else:
                    db.execute(
                        "INSERT INTO merged_answers (assessment_id, question_id, value) "
                        "VALUES (?, ?, ?) ON CONFLICT (assessment_id, question_id) "
                        "DO UPDATE SET value = excluded.value",
                        [assessment_id, qid, rows.dump(value)],
                    )
            self._touch(assessment_id, when)
            self._set_summary(assessment_id, summary)

    def _put_respondent(self, db: Writer, assessment_id: int, person: Respondent, when: str) -> int:
        key = name_key(person.name)
        found = db.execute(
            "SELECT id FROM respondents WHERE assessment_id = ? AND name_key = ?",
            [assessment_id, key],
        ).fetchone()
        merged_at = person.merged_at or when
        if found is None:
            cursor = db.execute(
                "INSERT INTO respondents (assessment_id, name, name_key, source, source_digest, "
                "merged_at) VALUES (?, ?, ?, ?, ?, ?)",
                [assessment_id, person.name, key, person.source, person.source_digest, merged_at],
            )
            assert cursor.lastrowid is not None  # an INSERT always sets it
            rid = cursor.lastrowid
        else:
            rid = found[0]
            db.execute(
                "UPDATE respondents SET name = ?, source = ?, source_digest = ?, merged_at = ? "
                "WHERE id = ?",
                [person.name, person.source, person.source_digest, merged_at, rid],
            )
            db.execute("DELETE FROM respondent_answers WHERE respondent_id = ?", [rid])
        self._put_respondent_answers(db, rid, person.answers.values())
        return rid

    @staticmethod
    def _put_respondent_answers(db: Writer, rid: int, answers: Iterable[AnswerRecord]) -> None:
        db.conn.executemany(
            _RESPONDENT_ANSWER,
            [
                [
                    rid,
                    a.question_id,
                    rows.dump(a.value),
                    a.note,
                    *rows.evidence_columns(a.evidence),
                    a.answered_by,
                    a.answered_at,
                ]
                for a in answers
            ],
        )

    def _restore_merges(
        self,
        db: Writer,
        assessment_id: int,
        respondents: Sequence[Respondent],
        disagreements: Sequence[Disagreement],
        merged: Mapping[str, Any],
    ) -> None:
        """Inside `restore`: the respondents, disagreements and merge marks as given."""
        for person in respondents:
            self._put_respondent(db, assessment_id, person, person.merged_at)
        for d in disagreements:
            cursor = db.execute(
                "INSERT INTO disagreements (assessment_id, question_id, opened_at, earlier, "
                "earlier_by, resolved_at, resolved_by, resolved_value, resolved_how) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    assessment_id,
                    d.question_id,
                    d.opened_at,
                    rows.dump(d.earlier),
                    d.earlier_by,
                    d.resolved_at,
                    d.resolved_by,
                    rows.dump(d.resolved_value),
                    None if d.resolved_how is None else d.resolved_how.value,
                ],
            )
            if d.voices:
                assert cursor.lastrowid is not None  # an INSERT always sets it
                put_voices(
                    db,
                    cursor.lastrowid,
                    [
                        (v.name, rows.dump(v.value), v.note, v.evidence, int(v.here))
                        for v in d.voices
                    ],
                )
        for qid, value in merged.items():
            db.execute(
                "INSERT INTO merged_answers (assessment_id, question_id, value) VALUES (?, ?, ?)",
                [assessment_id, qid, rows.dump(value)],
            )


def resolve_open(
    db: Writer,
    assessment_id: int,
    question_id: str,
    value_json: str | None,
    by: str | None,
    when: str,
    how: ResolvedHow = ResolvedHow.answered,
) -> None:
    """Inside a write that answers `question_id` (or a merge that agrees on it): settle its
    open disagreement, if any, keeping each answer in it as it stands now."""
    found = db.execute(
        "SELECT id, earlier, earlier_by FROM disagreements "
        "WHERE assessment_id = ? AND question_id = ? AND resolved_at IS NULL",
        [assessment_id, question_id],
    ).fetchone()
    if found is None:
        return
    did, earlier, earlier_by = found
    db.execute(_RESOLVE, [when, by, value_json, how.value, assessment_id, question_id])
    voices = db.execute(
        "SELECT r.name, ra.value, ra.note, ra.evidence_ref FROM respondent_answers ra "
        "JOIN respondents r ON r.id = ra.respondent_id "
        "WHERE r.assessment_id = ? AND ra.question_id = ? ORDER BY r.id",
        [assessment_id, question_id],
    ).fetchall()
    kept = [(name, value, note, ref, 0) for name, value, note, ref in voices]
    if earlier is not None:
        kept.append((earlier_by or "here", earlier, None, None, 1))
    put_voices(db, did, kept)


def put_voices(db: Writer, disagreement_id: int, voices: Iterable[tuple[Any, ...]]) -> None:
    """(name, value JSON, note, evidence, here) rows, in order."""
    db.conn.executemany(
        "INSERT INTO disagreement_voices (disagreement_id, position, name, value, note, "
        "evidence, here) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(disagreement_id, i, *v) for i, v in enumerate(voices)],
    )
