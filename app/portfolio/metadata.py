"""The Datasette metadata for a portfolio: titles and descriptions for every table and view,
column notes, facets on team and verdict, and the canned queries a lead asks.

Pure: a dict built from the names in `app.portfolio.schema` (no Datasette, no SQLite here), so
it can be tested, printed, or handed to `datasette -m` by hand. `app.portfolio.serve` passes it
to Datasette in-process.
"""

from __future__ import annotations

import json
from typing import Any

from app.portfolio import schema

DATABASE = "portfolio"
"""The database's name in every URL (`/portfolio/blockers`), whatever the file is called."""

TITLE = "Preflight portfolio"

DESCRIPTION = (
    "Every team's AI pilots in one read-only place, built by `preflight portfolio build` from "
    "Preflight databases and shared assessment files. Start with the queries below: NO-GO "
    "pilots and why, the gates that block the most pilots, overdue follow-ups, waivers that "
    "expire soon and pilots nobody has touched in 60 days."
)

TABLES: dict[str, dict[str, Any]] = {
    "sources": {
        "title": "Sources",
        "description": "Each Preflight database or assessment file the portfolio was built "
        "from: its team, when it was read, how many assessments it held and any problem "
        "reading it.",
        "label_column": "path",
        "facets": ["team", "kind"],
        "columns": {
            "kind": "'database' (a Preflight SQLite file) or 'file' (from preflight share)",
            "digest": "sha256 of the source when it was read",
            "problem": "Why the source, or part of it, could not be read (empty if none)",
        },
    },
    "pilots": {
        "title": "Pilots",
        "description": "One row per assessed AI pilot (an assessment, across rebuilds): its "
        "team, verdict, progress, gate counts, last change and the go/no-go decision recorded.",
        "label_column": "name",
        "facets": ["team", "verdict"],
        "columns": {
            "identity": "Stable across rebuilds: sha256 of the slug and creation time",
            "verdict": "GO, CONDITIONAL, NO-GO or INCOMPLETE, as Preflight computes it",
            "verdict_words": "The verdict as Preflight words it",
            "answered": "Questions answered",
            "total": "Questions asked",
            "red": "Gates red (blocking)",
            "amber": "Gates amber (conditions)",
            "unknown": "Gates that cannot be decided yet",
            "waived": "Gates waived",
            "last_change": "When the assessment last changed",
            "last_export": "When its receipts pack was last exported",
            "decision": "The go/no-go decision recorded, if any",
            "archived": "1 if the assessment is archived",
            "packs": "JSON: each pack id and the version the assessment records",
            "packs_differ": "1 if it was made with other pack versions than the builder's",
            "packs_note": "Which pack versions differ",
            "source_id": "The source it was read from",
            "built_at": "When this row was written",
        },
    },
    "gates": {
        "title": "Gates",
        "description": "Every gate of every pilot with its state (red, amber, unknown, clear, "
        "waived, inactive) and its follow-up: owner, due date and status.",
        "facets": ["state", "pack"],
        "columns": {
            "level": "What the gate is when it fires: red (blocks) or amber (a condition)",
            "state": "red, amber, unknown, clear, waived or inactive",
            "go_no_go": "1 if the gate counts towards the go/no-go verdict",
            "owner": "Who owns the follow-up",
            "due": "When the follow-up is due",
            "status": "The follow-up's status ('done' closes it)",
            "overdue": "1 if the follow-up was overdue when the portfolio was built",
        },
    },
    "waivers": {
        "title": "Waivers",
        "description": "Gates waived on a pilot: the reason, who approved it and when the "
        "waiver expires.",
        "facets": ["approver"],
        "columns": {"expires": "When the waiver ends (empty: no end date)"},
    },
    "answers": {
        "title": "Answers",
        "description": "Every answer of every pilot, with the question's text, the value as "
        "Preflight shows it, the note and who answered when. Full-text searchable (value, "
        "note and question text).",
        "fts_table": "answers_fts",
        "facets": ["pack"],
        "columns": {
            "question": "The question's id in its pack",
            "text": "The question's text",
            "value": "The answer as displayed",
        },
    },
    "builds": {
        "title": "Builds",
        "description": "One row per `preflight portfolio build`: when, with which Preflight "
        "version and installed packs, and how many sources, pilots and problems it saw.",
        "sort_desc": "built_at",
        "columns": {
            "preflight": "The Preflight version that built it",
            "packs": "JSON: the packs installed when it was built",
            "packs_sha": "sha256 of those packs (a rebuild with other packs re-evaluates)",
            "problems": "Sources that could not be read, or not wholly",
        },
    },
}
"""Each table's metadata (Datasette's keys: title, description, columns, facets, ...)."""

VIEWS: dict[str, dict[str, Any]] = {
    "blockers": {
        "title": "Shared blockers",
        "description": "Gates red in at least one pilot, the ones blocking the most pilots "
        "first, with the pilots and teams they block.",
        "columns": {
            "pilots_blocked": "How many pilots have this gate red",
            "pilots": "Their names",
            "teams": "Their teams",
        },
    },
    "followups_overdue": {
        "title": "Overdue follow-ups",
        "description": "Gate follow-ups due before today and not done: who owns them and how "
        "many days late they are.",
        "facets": ["team", "owner"],
        "columns": {"days_overdue": "Days since the due date"},
    },
    "waivers_expiring": {
        "title": "Waivers expiring within 30 days",
        "description": "Waivers that end between today and 30 days from now, soonest first.",
        "facets": ["team", "approver"],
        "columns": {"days_left": "Days until the waiver ends (0: today)"},
    },
    "stale_pilots": {
        "title": "Pilots untouched for 60 days",
        "description": "Pilots whose assessment has not changed in 60 days or more, the "
        "longest idle first.",
        "facets": ["team", "verdict"],
        "columns": {"days_since": "Days since the last change"},
    },
}
"""Each view's metadata (keyed like schema.VIEWS)."""

FTS_TABLES = ("answers_fts",)
"""Full-text tables: hidden, with their shadow tables (Datasette hides them too; said here)."""
FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")

QUERIES: dict[str, dict[str, Any]] = {
    "no_go_pilots": {
        "title": "Which pilots are NO-GO, and why",
        "description": "Every NO-GO pilot (archived ones left out, as in the views) with the "
        "gates that are red on it (the why), most red gates first.",
        "sql": """SELECT p.team AS team, p.name AS pilot, p.slug AS slug, p.red AS red,
       (SELECT GROUP_CONCAT(g.gate || ': ' || g.title, '; ')
          FROM (SELECT gate, title FROM gates
                 WHERE pilot_id = p.id AND state = 'red' ORDER BY gate) AS g) AS red_gates,
       p.verdict_words AS verdict_words, p.decision AS decision, p.last_change AS last_change
FROM pilots p
WHERE p.verdict = 'NO-GO' AND p.archived = 0
ORDER BY p.red DESC, p.team, p.name""",
    },
    "shared_blockers": {
        "title": "Which gates block the most pilots",
        "description": "Gates red in at least one pilot, the most pilots blocked first "
        "(the blockers view).",
        "sql": "SELECT gate, title, pack, pilots_blocked, pilots, teams FROM blockers",
    },
    "overdue_followups": {
        "title": "Whose follow-ups are overdue",
        "description": "Follow-ups due before today and not done, by owner, the most overdue "
        "first.",
        "sql": """SELECT owner, team, pilot, slug, gate, title, due, status, days_overdue
FROM followups_overdue""",
    },
    "waivers_this_month": {
        "title": "Which waivers expire this month",
        "description": "Waivers ending in the next 30 days (today included), soonest first: "
        "renew them or close the gate.",
        "sql": """SELECT team, pilot, slug, gate, approver, reason, expires, days_left
FROM waivers_expiring""",
    },
    "untouched_60_days": {
        "title": "Which pilots have not been touched in 60 days",
        "description": "Pilots whose assessment has not changed in 60 days or more, the "
        "longest idle first.",
        "sql": """SELECT team, pilot, slug, verdict, last_change, days_since
FROM stale_pilots""",
    },
    "search_answers": {
        "title": "Search the answers",
        "description": "Full-text search over every answer, note and question text, archived "
        "pilots' too (the archived column says which); words are matched whole, all of them, "
        "in any order.",
        "sql": """SELECT p.team AS team, p.name AS pilot, p.slug AS slug, a.pack AS pack,
       a.question AS question, a.text AS text, a.value AS value, a.note AS note,
       a.answered_by AS answered_by, a.answered_at AS answered_at, p.archived AS archived
FROM answers_fts
JOIN answers a ON a.rowid = answers_fts.rowid
JOIN pilots p ON p.id = a.pilot_id
WHERE answers_fts MATCH COALESCE(NULLIF(escape_fts(:q), ''), '""')
ORDER BY answers_fts.rank, p.team, p.name, a.question
LIMIT 500""",
    },
}
"""The canned queries (the contract's names), each with its title, description and SQL.
`escape_fts` is Datasette's SQL function (a search of plain words, never an FTS syntax error);
an empty search is the empty phrase, which matches nothing."""


def hidden_tables() -> list[str]:
    """The full-text tables and their shadow tables."""
    return [
        name for fts in FTS_TABLES for name in (fts, *(f"{fts}_{shadow}" for shadow in FTS_SHADOWS))
    ]


def build() -> dict[str, Any]:
    """The whole metadata document, for the database named `DATABASE`."""
    tables: dict[str, dict[str, Any]] = {}
    # A table the schema gains before this file does is still served, only undescribed
    # (tests/test_portfolio_serve.py fails until it is described).
    for name in schema.TABLES:
        tables[name] = dict(TABLES.get(name, {"title": name}))
    for name in schema.VIEWS:
        tables[name] = dict(VIEWS.get(name, {"title": name}))
    for name in hidden_tables():
        tables[name] = {"hidden": True}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {
            DATABASE: {
                "title": TITLE,
                "description": DESCRIPTION,
                "tables": tables,
                "queries": {name: dict(query) for name, query in QUERIES.items()},
            }
        },
    }


def to_json() -> str:
    """`build()` as the JSON file `datasette -m` reads."""
    return json.dumps(build(), indent=2, ensure_ascii=False)
