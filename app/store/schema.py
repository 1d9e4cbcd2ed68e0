"""Schema versions, applied in order at open with `sqlite_utils.Migrations`.

Never edit a shipped migration: add a new one to STEPS. Each migration also sets
`PRAGMA user_version` so the version is visible in any SQLite browser; the list of applied
names in `_sqlite_migrations` is what the store checks to refuse a database from a newer
Preflight. sqlite-utils is imported only when a database needs migrating (`migrations()`):
importing it costs more than the home screen's whole budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "preflight"
MIGRATIONS_TABLE = "_sqlite_migrations"
"""Where sqlite_utils.Migrations records applied names (checked in the tests)."""


def m0001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE assessments (
            id          INTEGER PRIMARY KEY,
            slug        TEXT NOT NULL UNIQUE,
            name        TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            packs       TEXT NOT NULL DEFAULT '{}',  -- JSON: pack id -> version
            archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
            created_at  TEXT NOT NULL,               -- ISO 8601 UTC
            updated_at  TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE answers (
            assessment_id        INTEGER NOT NULL
                                 REFERENCES assessments(id) ON DELETE CASCADE,
            question_id          TEXT NOT NULL,
            value                TEXT NOT NULL,      -- JSON
            note                 TEXT,
            evidence_ref         TEXT,
            evidence_sha256      TEXT,
            evidence_captured_at TEXT,
            answered_by          TEXT,
            answered_at          TEXT NOT NULL,
            PRIMARY KEY (assessment_id, question_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE answer_history (
            id            INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id   TEXT NOT NULL,
            old_value     TEXT,                       -- JSON; NULL when there was none
            new_value     TEXT,                       -- JSON; NULL when cleared
            note          TEXT,
            changed_by    TEXT,
            changed_at    TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE participants (
            id            INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            role          TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """
        CREATE TABLE gate_followups (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            gate_id       TEXT NOT NULL,
            owner         TEXT,
            due           TEXT,                       -- YYYY-MM-DD
            status        TEXT NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'in_progress', 'done')),
            note          TEXT,
            updated_at    TEXT NOT NULL,
            PRIMARY KEY (assessment_id, gate_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE waivers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            gate_id       TEXT NOT NULL,
            reason        TEXT NOT NULL,
            approver      TEXT NOT NULL,
            expires       TEXT NOT NULL,              -- YYYY-MM-DD, last day it applies
            created_at    TEXT NOT NULL,
            PRIMARY KEY (assessment_id, gate_id)
        )"""
    )
    db.execute("CREATE INDEX participants_by_assessment ON participants (assessment_id)")
    db.execute("PRAGMA user_version = 1")


def m0002_summary(db: Database) -> None:
    # The cached Summary lets `preflight list` skip re-evaluating every assessment.
    db.execute("ALTER TABLE assessments ADD COLUMN summary TEXT NOT NULL DEFAULT '{}'")
    db.execute(
        "CREATE INDEX answer_history_by_question ON answer_history (assessment_id, question_id, id)"
    )
    db.execute("PRAGMA user_version = 2")


def m0003_by_change(db: Database) -> None:
    # `Store.list` (home screen, `preflight list`) reads assessments newest change first;
    # with this index SQLite walks it in order and stops at the LIMIT instead of sorting all.
    db.execute(
        "CREATE INDEX assessments_by_change ON assessments (archived, updated_at DESC, id DESC)"
    )
    db.execute("PRAGMA user_version = 3")


def m0004_evidence_unhashed(db: Database) -> None:
    # An evidence path that could not be hashed (missing, a special file, too large, ~user
    # unknown) is kept as typed, with the reason beside it instead of a silent blank.
    db.execute("ALTER TABLE answers ADD COLUMN evidence_unhashed TEXT")
    db.execute("PRAGMA user_version = 4")


def m0005_one_participant_per_name(db: Database) -> None:
    # One participant per name in an assessment, case and spacing aside ("Priya Raman" and
    # "priya  raman" are one person). The key is Python's casefold, which SQLite's NOCASE (ASCII
    # only) cannot express, so it is a column. Rows that already clash are merged into the
    # first added (keeping a role it lacked); answers name people as text, so none is lost.
    from app.core.text import name_key

    db.execute("ALTER TABLE participants ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    kept: dict[tuple[int, str], tuple[int, str]] = {}
    rows = db.execute("SELECT id, assessment_id, name, role FROM participants ORDER BY id")
    for pid, assessment_id, name, role in rows.fetchall():
        key = (assessment_id, name_key(name))
        if key not in kept:
            kept[key] = (pid, role)
            db.execute("UPDATE participants SET name_key = ? WHERE id = ?", [key[1], pid])
            continue
        first, first_role = kept[key]
        if not (first_role or "").strip() and (role or "").strip():
            db.execute("UPDATE participants SET role = ? WHERE id = ?", [role, first])
            kept[key] = (first, role)
        db.execute("DELETE FROM participants WHERE id = ?", [pid])
    db.execute("DROP INDEX IF EXISTS participants_by_assessment")
    db.execute(
        "CREATE UNIQUE INDEX participants_one_per_name ON participants (assessment_id, name_key)"
    )
    db.execute("PRAGMA user_version = 5")


def m0006_answering_as(db: Database) -> None:
    # Who was answering last in this assessment, so reopening the wizard keeps it.
    db.execute("ALTER TABLE assessments ADD COLUMN answering_as TEXT")
    db.execute("PRAGMA user_version = 6")


def m0007_respondents(db: Database) -> None:
    # Merging self-assessments (`preflight merge`): each source is a respondent with its own
    # answers; a question they answer differently holds a disagreement, and counts as not
    # answered, until somebody answers it here. Disagreements are never deleted: a resolved
    # one keeps who said what beside the answer that settled it.
    db.execute(
        """
        CREATE TABLE respondents (
            id            INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            name_key      TEXT NOT NULL,              -- app.core.text.name_key(name)
            source        TEXT NOT NULL,              -- the slug or file it was merged from
            source_digest TEXT,                       -- the assessment file's digest, if one
            merged_at     TEXT NOT NULL,
            UNIQUE (assessment_id, name_key)
        )"""
    )
    db.execute(
        """
        CREATE TABLE respondent_answers (
            respondent_id        INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            question_id          TEXT NOT NULL,
            value                TEXT NOT NULL,      -- JSON
            note                 TEXT,
            evidence_ref         TEXT,
            evidence_sha256      TEXT,
            evidence_unhashed    TEXT,
            evidence_captured_at TEXT,
            answered_by          TEXT,
            answered_at          TEXT NOT NULL,
            PRIMARY KEY (respondent_id, question_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE disagreements (
            id             INTEGER PRIMARY KEY,
            assessment_id  INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id    TEXT NOT NULL,
            opened_at      TEXT NOT NULL,
            earlier        TEXT,      -- JSON: the answer given here that the respondents dispute
            earlier_by     TEXT,
            resolved_at    TEXT,      -- NULL while open
            resolved_by    TEXT,
            resolved_value TEXT,      -- JSON: the answer that settled it
            resolved_how   TEXT CHECK (resolved_how IN ('answered', 'merged'))
        )"""
    )
    db.execute(
        "CREATE UNIQUE INDEX disagreements_open ON disagreements (assessment_id, question_id) "
        "WHERE resolved_at IS NULL"
    )
    db.execute(
        """
        CREATE TABLE merged_answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            question_id   TEXT NOT NULL,
            value         TEXT NOT NULL,              -- JSON: what the last merge agreed
            PRIMARY KEY (assessment_id, question_id)
        )"""
    )
    db.execute("PRAGMA user_version = 7")


def m0008_settled_voices(db: Database) -> None:
    # What each respondent had answered, kept with a disagreement when it is settled: a later
    # merge replaces the respondents' answers, and must not rewrite who said what before the
    # team decided. (An open disagreement shows the respondents' answers as they are now.)
    db.execute(
        """
        CREATE TABLE disagreement_voices (
            disagreement_id INTEGER NOT NULL REFERENCES disagreements(id) ON DELETE CASCADE,
            position        INTEGER NOT NULL,
            name            TEXT NOT NULL,
            value           TEXT NOT NULL,            -- JSON
            note            TEXT,
            evidence        TEXT,
            here            INTEGER NOT NULL DEFAULT 0 CHECK (here IN (0, 1)),
            PRIMARY KEY (disagreement_id, position)
        )"""
    )
    db.execute("PRAGMA user_version = 8")


def m0009_exports(db: Database) -> None:
    # Every receipts pack written (`preflight export`, the wizard's export): `preflight diff`
    # starts from the last one by default ("what changed since we last sent the pack?").
    db.execute(
        """
        CREATE TABLE exports (
            id            INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            path          TEXT NOT NULL,              -- as written (relative paths stay so)
            format        TEXT NOT NULL,              -- md, json or html
            digest        TEXT NOT NULL,              -- the pack's sha256 digest
            packs         TEXT NOT NULL DEFAULT '{}', -- JSON: pack id -> version exported
            exported_at   TEXT NOT NULL,              -- ISO 8601 UTC
            history_mark  INTEGER NOT NULL DEFAULT 0  -- the last answer_history id then
        )"""
    )
    db.execute("CREATE INDEX exports_by_assessment ON exports (assessment_id, exported_at, id)")
    # `preflight diff` replays the history up to a moment: each question's last line then is
    # one seek in this index, not a walk over every line (100,000 in a long-lived assessment).
    db.execute(
        "CREATE INDEX answer_history_by_time ON answer_history (assessment_id, question_id, "
        "changed_at)"
    )
    db.execute("PRAGMA user_version = 9")


def m0010_decisions(db: Database) -> None:
    # The decision log (`preflight decide`): notes of what was decided, and the go/no-go
    # decision itself, with what Preflight computed at that moment (the verdict, the pack
    # digest the export shows, the gates still open) so a reviewer can see what it rested on.
    db.execute(
        """
        CREATE TABLE decisions (
            id               INTEGER PRIMARY KEY,
            assessment_id    INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            kind             TEXT NOT NULL CHECK (kind IN ('note', 'verdict')),
            text             TEXT,                -- the decision (a note), or the verdict's note
            gate_id          TEXT,                -- the gate a note is about, if one
            decided_by       TEXT,                -- a participant's name
            decided_at       TEXT NOT NULL,       -- ISO 8601 UTC
            verdict          TEXT CHECK (verdict IN ('GO', 'CONDITIONAL', 'NO-GO')),
            computed_verdict TEXT,                -- what Preflight computed then
            digest           TEXT,                -- the pack digest then (answers_digest)
            open_gates       TEXT NOT NULL DEFAULT '{}',  -- JSON: state -> [gate id]
            override         TEXT                 -- why a verdict overrides the computed one
        )"""
    )
    db.execute("CREATE INDEX decisions_by_assessment ON decisions (assessment_id, decided_at, id)")
    db.execute("PRAGMA user_version = 10")


def m0011_pack_selection(db: Database) -> None:
    # The packs an assessment is made of (`preflight new --packs`, `preflight packs`): a JSON
    # list of pack ids; NULL means every pack in use, which is what older assessments keep.
    db.execute("ALTER TABLE assessments ADD COLUMN pack_selection TEXT")
    db.execute("PRAGMA user_version = 11")


def m0012_export_page_date(db: Database) -> None:
    # The day an exported page was judged on (its pack date, or `--date`): "since the last
    # export" judges the old side on it, as the page in hand was. NULL for older exports.
    db.execute("ALTER TABLE exports ADD COLUMN page_date TEXT")
    db.execute("PRAGMA user_version = 12")


def m0013_assessment_ids(db: Database) -> None:
    # The highest assessment id ever given. SQLite gives a new row the highest id in use + 1,
    # so deleting the newest assessment freed its id for the next one: a wizard still open on
    # the deleted assessment then wrote into the new one. Ids now only grow.
    db.execute(
        "CREATE TABLE assessment_ids (only INTEGER PRIMARY KEY CHECK (only = 1), "
        "last INTEGER NOT NULL)"
    )
    db.execute(
        "INSERT INTO assessment_ids VALUES (1, COALESCE((SELECT MAX(id) FROM assessments), 0))"
    )
    db.execute("PRAGMA user_version = 13")


STEPS = [
    ("0001_initial", m0001_initial),
    ("0002_summary_and_history_index", m0002_summary),
    ("0003_assessments_by_change", m0003_by_change),
    ("0004_evidence_unhashed", m0004_evidence_unhashed),
    ("0005_one_participant_per_name", m0005_one_participant_per_name),
    ("0006_answering_as", m0006_answering_as),
    ("0007_respondents", m0007_respondents),
    ("0008_settled_voices", m0008_settled_voices),
    ("0009_exports", m0009_exports),
    ("0010_decisions", m0010_decisions),
    ("0011_pack_selection", m0011_pack_selection),
    ("0012_export_page_date", m0012_export_page_date),
    ("0013_assessment_ids", m0013_assessment_ids),
]
"""Every migration in order, by the name recorded in the database."""
KNOWN = [name for name, _ in STEPS]
SCHEMA_VERSION = int(KNOWN[-1].split("_", 1)[0])
"""The number in the last migration's name (what it sets `user_version` to)."""


def migrations() -> Migrations:
    """The sqlite_utils.Migrations for STEPS."""
    from sqlite_utils import Migrations

    registry = Migrations(MIGRATION_SET)
    for name, step in STEPS:
        registry(name=name)(step)
    return registry
