"""The store façade: typed records in and out, SQL nowhere else.

One SQLite file holds many assessments. Every write runs in one `BEGIN IMMEDIATE` transaction
and is committed (WAL, synchronous=FULL) before the method returns. Upserts are plain
`INSERT ... ON CONFLICT DO UPDATE` statements: sqlite-utils' `Table.upsert` first probes SQLite
by creating and dropping a scratch table on each new connection, which takes the write lock
twice and doubles the wait under contention, so the store never calls it.

Writes go straight to the sqlite3 connection through `Writer` (the `execute`/`query` pair of
sqlite-utils' `Database`, which is all they used of it): importing sqlite-utils costs ~60 ms,
half of what a whole `merge` or `import` may take. sqlite-utils applies the schema
(`app.store.schema`, its `Migrations`) and is there to inspect the file (`Store.db`).

The connection is opened with `check_same_thread=False` (so a front end may call from a worker
thread; the wizard today saves on its event loop, a write taking ~1 ms)
and every use of it holds `self._lock`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.days import DayError, parse_day
from app.core.text import name_key, name_problem, one_spelling
from app.errors import EXIT_USAGE, PreflightError
from app.store import rows
from app.store.db import DEFAULT_TIMEOUT, mapped, open_database, write
from app.store.decisions import DecisionWrites
from app.store.errors import NotFound, StoreError
from app.store.exports import ExportLog
from app.store.merges import MergeWrites
from app.store.models import (
    AnswerRecord,
    Assessment,
    Decision,
    Disagreement,
    FollowUpStatus,
    GateFollowUp,
    HistoryEntry,
    Participant,
    Respondent,
    Summary,
    Waiver,
)
from app.store.writes import AnswerWrites, SummaryFor

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["Store", "StoreError", "NotFound"]

MAX_ID = 2**63 - 1


class Writer:
    """`execute` and `query` as sqlite-utils' `Database` has them, on a plain connection."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(columns, row, strict=True))


class Store(AnswerWrites, MergeWrites, DecisionWrites, ExportLog):
    """Assessments, answers and their history, participants, follow-ups and waivers,
    respondents and their disagreements, the decision log and the exports log."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.conn = conn
        self.path = path
        self.timeout = timeout
        self._lock = threading.RLock()
        self._db: Database | None = None
        self._writer = Writer(conn)
        self._writing: int | None = None
        """The thread inside a write transaction, so a write within `transaction()` joins it."""
        self._committed: dict[int, tuple[int, dict[str, Any]]] = {}
        """Per assessment, its answers as committed (decoded) and the `PRAGMA data_version` they
        were read at, kept up to date by this connection's own answer writes (`_put`,
        `_clear_row`): while the version is unchanged no other connection has committed, so
        `_set_summary` needs not read every answer back. Dropped on any rollback."""

    @property
    def sql(self) -> Writer:
        """What writes run their statements on (inside `_write`)."""
        return self._writer

    @property
    def db(self) -> Database:
        """sqlite-utils' view of the same connection, to inspect the file (tests, a REPL);
        built on first use, so no command pays its import (~60–250 ms)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    # -- opening -----------------------------------------------------------------------------

    @staticmethod
    def default_path() -> Path:
        from platformdirs import user_data_dir

        return Path(user_data_dir("preflight")) / "preflight.db"

    @classmethod
    def open(cls, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> Store:
        target = Path(path).expanduser() if path is not None else cls.default_path()
        return cls(open_database(target, timeout), target, timeout)

    def close(self) -> None:
        with self._lock, mapped(self.path, self.timeout):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[Writer]:
        if self._writing == threading.get_ident():
            # Inside `transaction()`: its commit covers this write, and a savepoint undoes
            # just this write if it fails (the caller may catch that and go on).
            self.conn.execute("SAVEPOINT nested_write")
            try:
                yield self._writer
            except BaseException:
                self._committed.clear()  # the rows it kept may be undone now
                self.conn.execute("ROLLBACK TO nested_write")
                self.conn.execute("RELEASE nested_write")
                raise
            self.conn.execute("RELEASE nested_write")
            return
        with self._lock:
            try:
                with mapped(self.path, self.timeout), write(self.conn):
                    self._writing = threading.get_ident()
                    try:
                        yield self._writer
                    finally:
                        self._writing = None
            except BaseException:
                self._committed.clear()  # rolled back (or the commit failed): read them again
                raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes as one transaction, one commit: all of them, or none after a kill
        (`preflight merge` creating the assessment it merges into)."""
        with self._write():
            yield

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        """Rows as dicts, read on the plain connection (reads need no sqlite-utils)."""
        with self._lock, mapped(self.path, self.timeout):
            cursor = self.conn.execute(sql, params)
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor]

    def _require(self, assessment_id: int) -> None:
        found = self.conn.execute("SELECT 1 FROM assessments WHERE id = ?", [assessment_id])
        if found.fetchone() is None:
            raise NotFound(f"no assessment with id {assessment_id} (see 'preflight list')")

    def _touch(self, assessment_id: int, when: str) -> None:
        self.sql.execute(
            "UPDATE assessments SET updated_at = ? WHERE id = ?", [when, assessment_id]
        )

    def _set_summary(self, assessment_id: int, summary: Summary | SummaryFor | None) -> None:
        """Cache the summary `list` and home show; call inside the write transaction.

        Given a function, it is called with the answers as committed in this transaction, read
        under the write lock: a writer whose view is older than another process's commit then
        still caches the summary of what the database really holds."""
        if summary is None:
            return
        if callable(summary):
            summary = summary(dict(self._committed_answers(assessment_id)))
        self.sql.execute(
            "UPDATE assessments SET summary = ? WHERE id = ?",
            [rows.dump(asdict(summary)), assessment_id],
        )

    def _committed_answers(self, assessment_id: int) -> dict[str, Any]:
        """The answers as committed, under the write lock: read and decoded only when another
        connection has committed since they were last read (`PRAGMA data_version` moved) or
        this connection has not read them yet; else those kept (O(1) instead of O(answers))."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        known = self._committed.get(assessment_id)
        if known is not None and known[0] == version:
            return known[1]
        found = self.conn.execute(
            "SELECT question_id, value FROM answers WHERE assessment_id = ?", [assessment_id]
        )
        answers = {qid: rows.load(value) for qid, value in found}
        self._committed[assessment_id] = (version, answers)
        return answers

    def _kept(self, assessment_id: int, question_id: str, text: str | None) -> None:
        """Keep `_committed` in step with this connection's write of one answer (None: cleared)."""
        known = self._committed.get(assessment_id)
        if known is None:
            return
        if text is None:
            known[1].pop(question_id, None)
        else:
            known[1][question_id] = rows.load(text)

    # -- assessments -------------------------------------------------------------------------

    def create(
        self,
        name: str,
        description: str = "",
        packs: dict[str, str] | None = None,
        summary: Summary | None = None,
        pack_selection: Sequence[str] | None = None,
    ) -> Assessment:
        """A new assessment with a unique slug and its first cached `summary` (one write);
        `pack_selection` the ids of the packs it is made of (None: every pack in use)."""
        name = _check_name(name)
        base = rows.slug_base(name)
        when = rows.now()
        with self._write() as db:
            taken = {
                r[0]
                for r in db.execute(
                    "SELECT slug FROM assessments WHERE slug = ? OR slug LIKE ?",
                    [base, base[: rows.SLUG_MAX - 2] + "%"],
                )
            }
            slug = rows.unique_slug(base, taken)
            new_id = self._next_assessment_id()
            db.execute(
                "INSERT INTO assessments (id, slug, name, description, packs, archived, "
                "created_at, updated_at, summary, pack_selection) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                [
                    new_id,
                    slug,
                    name,
                    description or "",
                    rows.dump(packs or {}),
                    when,
                    when,
                    rows.dump(asdict(summary or Summary())),
                    _selection_json(pack_selection),
                ],
            )
        return self.get(new_id)

    def _next_assessment_id(self) -> int:
        """An id no assessment of this database ever had (inside the write transaction): ids
        only grow, so nothing still holding a deleted assessment's id can reach a new one."""
        self.sql.execute(
            "UPDATE assessment_ids SET last = MAX(last, COALESCE((SELECT MAX(id) FROM "
            "assessments), 0)) + 1"
        )
        return int(self.conn.execute("SELECT last FROM assessment_ids").fetchone()[0])

    def restore(
        self,
        assessment: Assessment,
        *,
        participants: Sequence[Participant] = (),
        answers: Iterable[AnswerRecord] = (),
        history: Iterable[HistoryEntry] = (),
        followups: Iterable[GateFollowUp] = (),
        waivers: Iterable[Waiver] = (),
        respondents: Sequence[Respondent] = (),
        disagreements: Sequence[Disagreement] = (),
        merged: Mapping[str, Any] | None = None,
        summary: Summary | None = None,
        decisions: Sequence[Decision] = (),
    ) -> Assessment:
        """Recreate an assessment exactly as given (an assessment file being imported): its
        slug, timestamps, answers, history (in order), participants, follow-ups and waivers,
        in ONE transaction; the records' ids are ignored and new ones given. A slug in use is
        refused (exit 2) and nothing is written."""
        name = _check_name(assessment.name)
        people = [(_check_name(p.name, "a participant's name"), p.role) for p in participants]
        with self._write() as db:
            taken = db.execute("SELECT 1 FROM assessments WHERE slug = ?", [assessment.slug])
            if taken.fetchone() is not None:
                raise PreflightError(
                    f"an assessment {assessment.slug!r} exists already; import it under "
                    "another slug with --as NEW-SLUG",
                    EXIT_USAGE,
                )
            new_id = self._next_assessment_id()
            db.execute(
                "INSERT INTO assessments (id, slug, name, description, packs, archived, "
                "created_at, updated_at, summary, answering_as, pack_selection) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    new_id,
                    assessment.slug,
                    name,
                    assessment.description,
                    rows.dump(dict(assessment.packs)),
                    int(assessment.archived),
                    assessment.created_at,
                    assessment.updated_at,
                    rows.dump(asdict(summary or Summary())),
                    assessment.answering_as,
                    _selection_json(assessment.pack_selection),
                ],
            )
            for person, role in people:
                self._insert_participant(new_id, person, role)
            for a in answers:
                db.execute(
                    "INSERT INTO answers (assessment_id, question_id, value, note, evidence_ref, "
                    "evidence_sha256, evidence_unhashed, evidence_captured_at, answered_by, "
                    "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        new_id,
                        a.question_id,
                        rows.dump(a.value),
                        a.note,
                        *rows.evidence_columns(a.evidence),
                        a.answered_by,
                        a.answered_at,
                    ],
                )
            for h in history:
                db.execute(
                    "INSERT INTO answer_history (assessment_id, question_id, old_value, "
                    "new_value, note, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        new_id,
                        h.question_id,
                        rows.dump(h.old_value),
                        rows.dump(h.new_value),
                        h.note,
                        h.changed_by,
                        h.changed_at,
                    ],
                )
            for f in followups:
                db.execute(
                    "INSERT INTO gate_followups (assessment_id, gate_id, owner, due, status, "
                    "note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [new_id, f.gate_id, f.owner, f.due, f.status.value, f.note, f.updated_at],
                )
            for w in waivers:
                db.execute(
                    "INSERT INTO waivers (assessment_id, gate_id, reason, approver, expires, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [new_id, w.gate_id, w.reason, w.approver, w.expires, w.created_at],
                )
            self._restore_merges(db, new_id, respondents, disagreements, merged or {})
            self._insert_decisions(new_id, decisions)
        return self.get(new_id)

    def get(self, ref: int | str) -> Assessment:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
            number = int(ref)
            if not 0 < number <= MAX_ID:  # SQLite's integers end at 2**63 - 1
                raise NotFound(f"no assessment {str(ref)!r} (see 'preflight list')")
            found = self._query("SELECT * FROM assessments WHERE id = ?", [number])
        else:
            found = self._query("SELECT * FROM assessments WHERE slug = ?", [ref.strip().lower()])
        if not found:
            raise NotFound(f"no assessment {str(ref)!r} (see 'preflight list')")
        return rows.assessment(found[0])

    def assessments(
        self, include_archived: bool = False, limit: int | None = None
    ) -> list[Assessment]:
        """Newest change first (archived last): one query along `assessments_by_change`."""
        where = "" if include_archived else "WHERE archived = 0"
        sql = f"SELECT * FROM assessments {where} ORDER BY archived, updated_at DESC, id DESC"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        with self._lock, mapped(self.path, self.timeout):
            cursor = self.conn.execute(sql, params)
            columns = [c[0] for c in cursor.description]
            return [rows.assessment(dict(zip(columns, r, strict=True))) for r in cursor.fetchall()]

    def count(self, include_archived: bool = False) -> int:
        where = "" if include_archived else "WHERE archived = 0"
        with self._lock, mapped(self.path, self.timeout):
            return self.conn.execute(f"SELECT count(*) FROM assessments {where}").fetchone()[0]

    def rename(self, ref: int | str, new_name: str) -> Assessment:
        """A new display name; the slug stays so scripts and links keep working."""
        name = _check_name(new_name)
        target = self.get(ref)
        with self._write() as db:
            db.execute(
                "UPDATE assessments SET name = ?, updated_at = ? WHERE id = ?",
                [name, rows.now(), target.id],
            )
        return self.get(target.id)

    def set_archived(self, ref: int | str, archived: bool = True) -> Assessment:
        target = self.get(ref)
        with self._write() as db:
            db.execute(
                "UPDATE assessments SET archived = ?, updated_at = ? WHERE id = ?",
                [int(archived), rows.now(), target.id],
            )
        return self.get(target.id)

    def delete(self, ref: int | str) -> Assessment:
        """Delete an assessment with its answers, history, participants, follow-ups and waivers."""
        target = self.get(ref)
        with self._write() as db:
            db.execute("DELETE FROM assessments WHERE id = ?", [target.id])
            self._committed.pop(target.id, None)  # its id is never given again: nothing to keep
        return target

    def set_packs(self, ref: int | str, packs: dict[str, str]) -> Assessment:
        target = self.get(ref)
        with self._write() as db:
            db.execute(
                "UPDATE assessments SET packs = ?, updated_at = ? WHERE id = ?",
                [rows.dump(dict(packs)), rows.now(), target.id],
            )
        return self.get(target.id)

    def set_pack_selection(
        self,
        ref: int | str,
        selection: Sequence[str] | None,
        packs: dict[str, str],
        summary: Summary | SummaryFor | None = None,
    ) -> Assessment:
        """Change which packs an assessment is made of (None: every pack in use), with the
        versions now in view and the summary under them, in one write; answers stay as they
        are (those to a pack left out come back when it is chosen again)."""
        target = self.get(ref)
        with self._write() as db:
            db.execute(
                "UPDATE assessments SET pack_selection = ?, packs = ?, updated_at = ? WHERE id = ?",
                [_selection_json(selection), rows.dump(dict(packs)), rows.now(), target.id],
            )
            if summary is not None:
                self._set_summary(target.id, summary)
        return self.get(target.id)

    def set_answering_as(self, assessment_id: int, name: str | None) -> None:
        """Remember who the wizard answers as; not an edit, so `updated_at` stays."""
        with self._write() as db:
            self._require(assessment_id)
            db.execute(
                "UPDATE assessments SET answering_as = ? WHERE id = ?", [name, assessment_id]
            )

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version`: it changes when another connection commits (never
        for this one's own commits), so polling it notices another Preflight's writes."""
        with self._lock, mapped(self.path, self.timeout):
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def save_summary(self, assessment_id: int, summary: Summary | SummaryFor) -> None:
        """Cache what `list` shows; not an edit, so `updated_at` stays."""
        with self._write():
            self._require(assessment_id)
            self._set_summary(assessment_id, summary)

    # -- participants ------------------------------------------------------------------------

    def participants(self, assessment_id: int) -> list[Participant]:
        found = self._query(
            "SELECT id, assessment_id, name, role FROM participants "
            "WHERE assessment_id = ? ORDER BY id",
            [assessment_id],
        )
        return [rows.participant(r) for r in found]

    def add_participant(self, assessment_id: int, name: str, role: str) -> Participant:
        """Add a person; one participant per name, case and spacing aside (the schema's
        `participants_one_per_name` index holds it): a second "priya raman" is refused."""
        name, role = _check_name(name, "a participant's name"), _check_role(role)
        with self._write():
            self._require(assessment_id)
            if self.participant_named(assessment_id, name) is not None:
                raise PreflightError(f"{name} is already a participant", EXIT_USAGE)
            new_id = self._insert_participant(assessment_id, name, role)
            self._touch(assessment_id, rows.now())
        return Participant(id=new_id, assessment_id=assessment_id, name=name, role=role)

    def _insert_participant(self, assessment_id: int, name: str, role: str) -> int:
        """Inside a write: one participants row, with the key that keeps names unique."""
        cursor = self.sql.execute(
            "INSERT INTO participants (assessment_id, name, name_key, role) VALUES (?, ?, ?, ?)",
            [assessment_id, name, name_key(name), role],
        )
        assert cursor.lastrowid is not None  # an INSERT always sets it
        return cursor.lastrowid

    @staticmethod
    def _checked_name(name: str) -> str:
        return _check_name(name, "a participant's name")

    @staticmethod
    def _checked_role(role: str | None) -> str:
        return _check_role(role)

    @staticmethod
    def _checked_followup(fields: Mapping[str, Any]) -> dict[str, Any]:
        return _checked_followup(fields)

    @staticmethod
    def _checked_waiver(reason: str, approver: str, expires: str) -> dict[str, str]:
        return _checked_waiver(reason, approver, expires)

    def _add_missing_participants(
        self, assessment_id: int, people: Sequence[tuple[str, str]]
    ) -> None:
        """Inside a write: add each (name, role) whose name (any case) is not there yet."""
        for name, role in people:
            if self.participant_named(assessment_id, name) is None:
                self._insert_participant(assessment_id, name, role)

    def participant_named(self, assessment_id: int, name: str) -> Participant | None:
        """The participant called `name` (case and spacing aside), or None."""
        found = self._query(
            "SELECT id, assessment_id, name, role FROM participants "
            "WHERE assessment_id = ? AND name_key = ?",
            [assessment_id, name_key(name)],
        )
        return rows.participant(found[0]) if found else None

    # -- gate follow-ups and waivers ---------------------------------------------------------

    def followups(self, assessment_id: int) -> dict[str, GateFollowUp]:
        found = self._query(
            "SELECT * FROM gate_followups WHERE assessment_id = ? ORDER BY gate_id", [assessment_id]
        )
        return {r["gate_id"]: rows.followup(r) for r in found}

    def set_followup(
        self,
        assessment_id: int,
        gate_id: str,
        *,
        owner: str | None = None,
        due: str | None = None,
        status: FollowUpStatus | str = FollowUpStatus.open,
        note: str | None = None,
    ) -> GateFollowUp:
        fields = {"owner": owner, "due": due, "status": status, "note": note}
        checked = _checked_followup(fields)
        with self._write():
            self._require(assessment_id)
            return self._put_followups(assessment_id, {gate_id: checked})[0]

    def _put_followups(
        self, assessment_id: int, followups: Mapping[str, Mapping[str, Any]]
    ) -> list[GateFollowUp]:
        """Inside a write: upsert each gate's follow-up from the fields given (checked by
        `_checked_followup`); a field left out keeps what is stored."""
        out = []
        when = rows.now()
        for gate_id, fields in followups.items():
            found = self.conn.execute(
                "SELECT owner, due, status, note FROM gate_followups "
                "WHERE assessment_id = ? AND gate_id = ?",
                [assessment_id, gate_id],
            ).fetchone()
            stored = dict(zip(("owner", "due", "status", "note"), found or (), strict=False))
            merged = {"status": FollowUpStatus.open.value} | stored | dict(fields)
            record = GateFollowUp(
                assessment_id=assessment_id,
                gate_id=gate_id,
                owner=merged.get("owner") or None,
                due=merged.get("due") or None,
                status=FollowUpStatus(merged["status"]),
                note=merged.get("note") or None,
                updated_at=when,
            )
            self.sql.execute(
                "INSERT INTO gate_followups (assessment_id, gate_id, owner, due, status, note, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assessment_id, gate_id) "
                "DO UPDATE SET owner = excluded.owner, due = excluded.due, "
                "status = excluded.status, note = excluded.note, updated_at = excluded.updated_at",
                [
                    assessment_id,
                    gate_id,
                    record.owner,
                    record.due,
                    record.status.value,
                    record.note,
                    record.updated_at,
                ],
            )
            out.append(record)
        if out:
            self._touch(assessment_id, when)
        return out

    def waivers(self, assessment_id: int) -> dict[str, Waiver]:
        found = self._query(
            "SELECT * FROM waivers WHERE assessment_id = ? ORDER BY gate_id", [assessment_id]
        )
        return {r["gate_id"]: rows.waiver(r) for r in found}

    def set_waiver(
        self, assessment_id: int, gate_id: str, *, reason: str, approver: str, expires: str
    ) -> Waiver:
        checked = _checked_waiver(reason, approver, expires)
        with self._write():
            self._require(assessment_id)
            return self._put_waivers(assessment_id, {gate_id: checked})[0]

    def _put_waivers(
        self, assessment_id: int, waivers: Mapping[str, Mapping[str, str]]
    ) -> list[Waiver]:
        """Inside a write: upsert each gate's waiver (reason, approver, expires; checked by
        `_checked_waiver`)."""
        out = []
        when = rows.now()
        for gate_id, fields in waivers.items():
            record = Waiver(
                assessment_id=assessment_id,
                gate_id=gate_id,
                reason=fields["reason"],
                approver=fields["approver"],
                expires=fields["expires"],
                created_at=when,
            )
            self.sql.execute(
                "INSERT INTO waivers (assessment_id, gate_id, reason, approver, expires, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (assessment_id, gate_id) "
                "DO UPDATE SET reason = excluded.reason, approver = excluded.approver, "
                "expires = excluded.expires, created_at = excluded.created_at",
                [
                    assessment_id,
                    gate_id,
                    record.reason,
                    record.approver,
                    record.expires,
                    record.created_at,
                ],
            )
            out.append(record)
        if out:
            self._touch(assessment_id, when)
        return out

    def remove_waiver(self, assessment_id: int, gate_id: str) -> None:
        with self._write() as db:
            cursor = db.execute(
                "DELETE FROM waivers WHERE assessment_id = ? AND gate_id = ?",
                [assessment_id, gate_id],
            )
            if cursor.rowcount:
                self._touch(assessment_id, rows.now())

    def active_waivers(self, assessment_id: int, today: str) -> set[str]:
        """Gate ids whose waiver still holds on `today` (YYYY-MM-DD; the expiry day included)."""
        found = self._query(
            "SELECT gate_id FROM waivers WHERE assessment_id = ? AND expires >= ?",
            [assessment_id, today],
        )
        return {r["gate_id"] for r in found}


def _check_name(name: str, what: str = "a name") -> str:
    problem = name_problem(name or "", what)
    if problem:
        raise PreflightError(problem, EXIT_USAGE)
    return one_spelling(name)


def _check_role(role: str | None) -> str:
    """A role may be empty; otherwise it follows the name rule."""
    role = (role or "").strip()
    if role and (problem := name_problem(role, "a role")):
        raise PreflightError(problem, EXIT_USAGE)
    return " ".join(role.split())


def _checked_followup(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The follow-up fields given, as stored: status one of FollowUpStatus, due a real day
    (or None); PreflightError (exit 2) otherwise."""
    out = dict(fields)
    if "status" in out:
        try:
            out["status"] = FollowUpStatus(out["status"] or FollowUpStatus.open).value
        except ValueError:
            choices = ", ".join(s.value for s in FollowUpStatus)
            raise PreflightError(f"status must be one of {choices}", EXIT_USAGE) from None
    if "due" in out:
        out["due"] = _check_day(out["due"], "due") if out["due"] else None
    return out


def _checked_waiver(reason: str, approver: str, expires: str) -> dict[str, str]:
    if not (reason or "").strip() or not (approver or "").strip():
        raise PreflightError("a waiver needs a reason and an approver", EXIT_USAGE)
    return {
        "reason": reason.strip(),
        "approver": approver.strip(),
        "expires": _check_day(expires, "expires"),
    }


def _check_day(value: str, what: str) -> str:
    try:
        return parse_day(value)
    except DayError as exc:
        raise PreflightError(f"{what}: {exc}", EXIT_USAGE) from None


def _selection_json(selection: Sequence[str] | None) -> str | None:
    return None if selection is None else rows.dump(list(selection))
