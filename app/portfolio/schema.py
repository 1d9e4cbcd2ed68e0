"""The portfolio database: tables, the full-text index and the views, as SQL constants.

Dates are ISO strings (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`); foreign keys are declared and
switched on at build. Gates, waivers and answers belong to a pilot and go with it (ON DELETE
CASCADE), so replacing a pilot on rebuild replaces its rows. The views compare with
`date('now')`, so they answer "today" whenever they are read, not when the file was built,
and leave archived pilots out (they are in `pilots`, with `archived` = 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

SOURCES_SQL = """
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('database', 'file')),
    team TEXT NOT NULL,
    digest TEXT,
    read_at TEXT NOT NULL,
    assessments INTEGER NOT NULL DEFAULT 0,
    problem TEXT
)"""

PILOTS_SQL = """
CREATE TABLE IF NOT EXISTS pilots (
    id INTEGER PRIMARY KEY,
    identity TEXT UNIQUE NOT NULL,
    team TEXT NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('GO', 'CONDITIONAL', 'NO-GO', 'INCOMPLETE')),
    verdict_words TEXT NOT NULL,
    answered INTEGER NOT NULL,
    total INTEGER NOT NULL,
    red INTEGER NOT NULL,
    amber INTEGER NOT NULL,
    unknown INTEGER NOT NULL,
    waived INTEGER NOT NULL,
    last_change TEXT NOT NULL,
    last_export TEXT,
    decision TEXT,
    decided_by TEXT,
    decided_at TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    packs TEXT NOT NULL,
    packs_differ INTEGER NOT NULL DEFAULT 0,
    packs_note TEXT,
    source_id INTEGER REFERENCES sources(id),
    source_digest TEXT NOT NULL,
    built_at TEXT NOT NULL
)"""

GATES_SQL = """
CREATE TABLE IF NOT EXISTS gates (
    id INTEGER PRIMARY KEY,
    pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
    gate TEXT NOT NULL,
    title TEXT NOT NULL,
    pack TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('red', 'amber')),
    state TEXT NOT NULL
        CHECK (state IN ('red', 'amber', 'unknown', 'clear', 'waived', 'inactive')),
    go_no_go INTEGER NOT NULL,
    owner TEXT,
    due TEXT,
    status TEXT,
    overdue INTEGER NOT NULL DEFAULT 0
)"""

WAIVERS_SQL = """
CREATE TABLE IF NOT EXISTS waivers (
    id INTEGER PRIMARY KEY,
    pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
    gate TEXT NOT NULL,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    expires TEXT
)"""

ANSWERS_SQL = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    pack TEXT NOT NULL,
    text TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    answered_by TEXT,
    answered_at TEXT
)"""

BUILDS_SQL = """
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY,
    built_at TEXT NOT NULL,
    preflight TEXT NOT NULL,
    packs TEXT NOT NULL,
    packs_sha TEXT NOT NULL,
    sources INTEGER NOT NULL,
    pilots INTEGER NOT NULL,
    problems INTEGER NOT NULL
)"""
"""One row per build: when, with which Preflight and installed packs (`packs_sha` tells a
rebuild whether a pilot kept as is would be evaluated the same way)."""

INDEXES_SQL = """
CREATE INDEX IF NOT EXISTS gates_pilot ON gates(pilot_id);
CREATE INDEX IF NOT EXISTS gates_state ON gates(state, gate);
CREATE INDEX IF NOT EXISTS gates_due ON gates(due);
CREATE INDEX IF NOT EXISTS waivers_pilot ON waivers(pilot_id);
CREATE INDEX IF NOT EXISTS waivers_expires ON waivers(expires);
CREATE INDEX IF NOT EXISTS answers_pilot ON answers(pilot_id);
CREATE INDEX IF NOT EXISTS pilots_source ON pilots(source_id)"""

TABLES = ("sources", "pilots", "gates", "waivers", "answers", "builds")
"""The tables, parents first (the order rows are written in)."""

SCHEMA_SQL = ";\n".join(
    (SOURCES_SQL, PILOTS_SQL, GATES_SQL, WAIVERS_SQL, ANSWERS_SQL, BUILDS_SQL, INDEXES_SQL)
)
"""Every table and index, as one script (idempotent: IF NOT EXISTS)."""

FTS_COLUMNS = ("value", "note", "text")
"""The answers' columns the full-text index (`answers_fts`) covers."""

VIEWS: dict[str, str] = {
    "blockers": """
SELECT r.gate AS gate,
       MAX(r.title) AS title,
       MAX(r.pack) AS pack,
       COUNT(*) AS pilots_blocked,
       GROUP_CONCAT(r.name, ', ') AS pilots,
       (SELECT GROUP_CONCAT(t.team, ', ') FROM (
            SELECT DISTINCT p2.team AS team FROM gates g2 JOIN pilots p2 ON p2.id = g2.pilot_id
            WHERE g2.gate = r.gate AND g2.state = 'red' AND p2.archived = 0
            ORDER BY p2.team) AS t) AS teams
FROM (SELECT g.gate, g.title, g.pack, p.name FROM gates g JOIN pilots p ON p.id = g.pilot_id
      WHERE g.state = 'red' AND p.archived = 0 ORDER BY g.gate, p.name, p.id) AS r
GROUP BY r.gate
ORDER BY pilots_blocked DESC, r.gate""",
    "followups_overdue": """
SELECT p.team AS team, p.name AS pilot, p.slug AS slug, g.gate AS gate, g.title AS title,
       g.owner AS owner, g.due AS due, g.status AS status,
       CAST(julianday(date('now')) - julianday(g.due) AS INTEGER) AS days_overdue
FROM gates g JOIN pilots p ON p.id = g.pilot_id
WHERE p.archived = 0 AND g.due IS NOT NULL AND g.due < date('now') AND COALESCE(g.status, '') <> 'done'
ORDER BY days_overdue DESC, p.team, p.name, g.gate""",
    "waivers_expiring": """
SELECT p.team AS team, p.name AS pilot, p.slug AS slug, w.gate AS gate, w.approver AS approver,
       w.reason AS reason, w.expires AS expires,
       CAST(julianday(date(w.expires)) - julianday(date('now')) AS INTEGER) AS days_left
FROM waivers w JOIN pilots p ON p.id = w.pilot_id
WHERE p.archived = 0 AND w.expires IS NOT NULL
  AND date(w.expires) >= date('now') AND date(w.expires) <= date('now', '+30 days')
ORDER BY w.expires, p.team, p.name, w.gate""",
    "stale_pilots": """
SELECT p.team AS team, p.name AS pilot, p.slug AS slug, p.verdict AS verdict,
       p.last_change AS last_change,
       CAST(julianday(date('now')) - julianday(date(p.last_change)) AS INTEGER) AS days_since
FROM pilots p
WHERE p.archived = 0 AND date(p.last_change) <= date('now', '-60 days')
ORDER BY days_since DESC, p.team, p.name""",
}
"""Each view's name and its SELECT (created as `CREATE VIEW name AS ...`)."""


def create(db: Database) -> None:
    """Create every table, index, the full-text index and the views in `db` (idempotent)."""
    db.conn.executescript(SCHEMA_SQL)
    enable_fts(db)
    create_views(db)


def enable_fts(db: Database) -> None:
    """Full-text search over the answers (FTS5 table `answers_fts`, kept current by triggers)."""
    if "answers_fts" not in db.table_names():
        db.table("answers").enable_fts(list(FTS_COLUMNS), fts_version="FTS5", create_triggers=True)


def create_views(db: Database) -> None:
    """(Re)create every view, so a rebuild with a newer Preflight gets the newer SELECTs."""
    for name, select in VIEWS.items():
        db.conn.execute(f"DROP VIEW IF EXISTS {name}")
        db.conn.execute(f"CREATE VIEW {name} AS {select}")
