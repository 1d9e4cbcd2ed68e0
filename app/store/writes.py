"""Answers and their append-only history: the part of the store written on every keypress."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.store import rows
from app.store.merges import resolve_open
from app.store.models import AnswerRecord, HistoryEntry, Summary
from app.store.plumbing import Plumbing

_UPSERT = (
    "INSERT INTO answers (assessment_id, question_id, value, note, evidence_ref, "
    "evidence_sha256, evidence_unhashed, evidence_captured_at, answered_by, answered_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value, "
    "note = excluded.note, evidence_ref = excluded.evidence_ref, "
    "evidence_sha256 = excluded.evidence_sha256, "
    "evidence_unhashed = excluded.evidence_unhashed, "
    "evidence_captured_at = excluded.evidence_captured_at, "
    "answered_by = excluded.answered_by, answered_at = excluded.answered_at"
)
_HISTORY = (
    "INSERT INTO answer_history (assessment_id, question_id, old_value, new_value, note, "
    "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


SummaryFor = Callable[[dict[str, Any]], Summary]
"""Builds the cached summary from the answers as committed (question id → value)."""

EvidenceColumns = tuple[str | None, str | None, str | None, str | None]
"""evidence_ref, evidence_sha256, evidence_unhashed, evidence_captured_at."""


def _stored_evidence(old: dict) -> EvidenceColumns:
    return (
        old["evidence_ref"],
        old["evidence_sha256"],
        old["evidence_unhashed"],
        old["evidence_captured_at"],
    )


def _entry(entry: Any) -> tuple[str, Any, str | None, str | None]:
    """A `(question_id, value, note, evidence)` tuple, or anything with those attributes."""
    if hasattr(entry, "question_id"):
        return entry.question_id, entry.value, entry.note, entry.evidence
    qid, value, note, evidence = entry
    return qid, value, note, evidence


class AnswerWrites(Plumbing):
    """Mixed into `Store`; relies on its `_write`, `_query`, `_require`, `_touch`."""

    def answers(self, assessment_id: int) -> dict[str, AnswerRecord]:
        found = self._query(
            "SELECT * FROM answers WHERE assessment_id = ? ORDER BY question_id", [assessment_id]
        )
        return {r["question_id"]: rows.answer(r) for r in found}

    def history(self, assessment_id: int, question_id: str | None = None) -> list[HistoryEntry]:
        sql = "SELECT * FROM answer_history WHERE assessment_id = ?"
        params: list[Any] = [assessment_id]
        if question_id is not None:
            sql += " AND question_id = ?"
            params.append(question_id)
        return [rows.history(r) for r in self._query(sql + " ORDER BY id", params)]

    def save_answer(
        self,
        assessment_id: int,
        question_id: str,
        value: Any,
        *,
        note: str | None = None,
        evidence: str | None = None,
        answered_by: str | None = None,
        summary: Summary | SummaryFor | None = None,
    ) -> AnswerRecord:
        """Set one answer, append its history, cache `summary`: one transaction, committed.

        `note` and `evidence` left at None keep what is stored; pass "" to remove them.
        """
        if value is None:
            raise ValueError("save_answer needs a value; use clear_answer to remove one")
        # Hashed outside the write lock: reading a file must not hold up another writer.
        hashed = rows.hash_evidence(evidence) if evidence else (None, None)
        when = rows.now()
        with self._write():
            self._require(assessment_id)
            old = self._old(assessment_id, question_id)
            if note is None:
                note = old["note"] if old else None
            if evidence is None and old is not None and old["evidence_ref"] is not None:
                ev = _stored_evidence(old)
            else:
                ev = self._evidence(old, evidence or None, hashed, when)
            self._put(assessment_id, question_id, value, note or None, ev, answered_by, when, old)
            self._set_summary(assessment_id, summary)
            row = self._old(assessment_id, question_id)
        assert row is not None
        return rows.answer(row)

    def clear_answer(
        self,
        assessment_id: int,
        question_id: str,
        *,
        answered_by: str | None = None,
        summary: Summary | SummaryFor | None = None,
    ) -> None:
        when = rows.now()
        with self._write():
            self._require(assessment_id)
            old = self._old(assessment_id, question_id)
            if old is not None:
                self._clear_row(assessment_id, question_id, old, answered_by, when)
            self._set_summary(assessment_id, summary)

    def replace_answers(
        self,
        assessment_id: int,
        entries: Iterable[Any],
        answered_by: str | None = None,
        summary: Summary | SummaryFor | None = None,
        clear_others: bool = False,
        participants: Sequence[tuple[str, str]] = (),
        followups: Mapping[str, Mapping[str, Any]] | None = None,
        waivers: Mapping[str, Mapping[str, str]] | None = None,
    ) -> dict[str, AnswerRecord]:
        """Write every entry, all or nothing; an entry's None note or evidence keeps the stored
        one. `participants` (name, role) not yet in the assessment are added in the same
        transaction, so a kill never leaves the people of a file without its answers; so are
        `followups` (gate id → the fields given: owner, due, status, note; one left out keeps
        what is stored) and `waivers` (gate id → reason, approver, expires), written before the
        summary is cached, so the summary sees the waivers.

        With `clear_others`, answers not in `entries` are cleared too and entries are written
        exactly as given (the demo reset).
        """
        items = [_entry(e) for e in entries]
        people = [
            (self._checked_name(name), self._checked_role(role)) for name, role in participants
        ]
        follow = {gid: self._checked_followup(fields) for gid, fields in (followups or {}).items()}
        waive = {gid: self._checked_waiver(**fields) for gid, fields in (waivers or {}).items()}
        hashes = {ev: rows.hash_evidence(ev) for _, _, _, ev in items if ev}
        when = rows.now()
        with self._write() as db:
            self._require(assessment_id)
            self._add_missing_participants(assessment_id, people)
            current = {
                r["question_id"]: r
                for r in db.query("SELECT * FROM answers WHERE assessment_id = ?", [assessment_id])
            }
            for qid, value, note, evidence in items:
                if value is None:
                    raise ValueError(f"{qid}: an entry needs a value")
                old = current.get(qid)
                hashed = hashes.get(evidence or "", (None, None))
                ev = self._evidence(old, evidence or None, hashed, when)
                if not clear_others and old is not None:
                    # An answer file that gives only a value keeps the note and link already
                    # there (as save_answer does); the demo reset writes exactly what it has.
                    if note is None:
                        note = old["note"]
                    if evidence is None:
                        ev = _stored_evidence(old)
                self._put(assessment_id, qid, value, note or None, ev, answered_by, when, old)
            if clear_others:
                keep = {qid for qid, *_ in items}
                for qid, old in current.items():
                    if qid not in keep:
                        self._clear_row(assessment_id, qid, old, answered_by, when)
            self._put_followups(assessment_id, follow)
            self._put_waivers(assessment_id, waive)
            self._set_summary(assessment_id, summary)
        return self.answers(assessment_id)

    # -- helpers, called inside a write transaction -----------------------------------------

    def _old(self, assessment_id: int, question_id: str) -> dict | None:
        found = list(
            self.sql.query(
                "SELECT * FROM answers WHERE assessment_id = ? AND question_id = ?",
                [assessment_id, question_id],
            )
        )
        return found[0] if found else None

    def _clear_row(
        self, assessment_id: int, question_id: str, old: dict, by: str | None, when: str
    ) -> None:
        """Remove a stored answer and append the history line that says so."""
        self.sql.execute(
            "DELETE FROM answers WHERE assessment_id = ? AND question_id = ?",
            [assessment_id, question_id],
        )
        self._kept(assessment_id, question_id, None)
        self.sql.execute(_HISTORY, [assessment_id, question_id, old["value"], None, None, by, when])
        self._touch(assessment_id, when)

    @staticmethod
    def _evidence(
        old: dict | None, ref: str | None, hashed: tuple[str | None, str | None], when: str
    ) -> EvidenceColumns:
        if ref is None:
            return None, None, None, None
        sha, unhashed = hashed
        if old is not None and old["evidence_ref"] == ref and old["evidence_sha256"] == sha:
            # Same file, same bytes: keep the time it was captured.
            return ref, sha, unhashed, old["evidence_captured_at"]
        return ref, sha, unhashed, when

    def _put(
        self,
        assessment_id: int,
        question_id: str,
        value: Any,
        note: str | None,
        ev: EvidenceColumns,
        answered_by: str | None,
        when: str,
        old: dict | None,
    ) -> None:
        text = rows.dump(value)
        if old is not None and (
            old["value"],
            old["note"],
            old["evidence_ref"],
            old["evidence_sha256"],
            old["evidence_unhashed"],
        ) == (text, note, ev[0], ev[1], ev[2]):
            # Nothing changed: no new history line, no new timestamp. An open disagreement
            # beside an answer (never written so, but a file could carry one) still settles.
            resolve_open(self.sql, assessment_id, question_id, text, answered_by, when)
            return
        self.sql.execute(_UPSERT, [assessment_id, question_id, text, note, *ev, answered_by, when])
        self._kept(assessment_id, question_id, text)
        # Answering a disputed question settles it; the respondents' answers stay beside it.
        resolve_open(self.sql, assessment_id, question_id, text, answered_by, when)
        self.sql.execute(
            _HISTORY,
            [
                assessment_id,
                question_id,
                old["value"] if old else None,
                text,
                note,
                answered_by,
                when,
            ],
        )
        self._touch(assessment_id, when)
