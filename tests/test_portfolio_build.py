"""`preflight portfolio build`: from a database, from files, from a folder; a rebuild replaces
(never duplicates); every view against a hand-made expectation; hostile names kept literally;
a damaged or newer source is named and skipped while the rest is built (exit 1).

The views compare with SQLite's `date('now')`, so the hand-made data is dated relative to the
real today (follow-ups due yesterday and tomorrow, waivers expiring in 10 and 40 days, one
pilot last touched 90 days ago)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.core.packs import load_packs
from app.interchange import bundle
from app.portfolio import schema
from app.portfolio.build import Source, build, identity
from app.session import Session
from app.store import Store
from app.store.models import (
    AnswerRecord,
    Assessment,
    FollowUpStatus,
    GateFollowUp,
    Waiver,
)

TODAY = dt.date.today()
HOSTILE_TEAM = "<script>alert(1)</script> | **ops** [x](javascript:alert(1)) \\ `tick`"
HOSTILE_NAME = "Beta <img src=x onerror=alert(1)> *pilot* | &amp;"

PACK = """
id = "tiny"
title = "Tiny checks"
version = "1.0"
description = "Three questions and three gates for the portfolio tests."
{questions}
[[gates]]
id = "tiny_owner"
title = "Nobody owns it"
level = "red"
when = 'tiny_q1 == "no"'
why = "No owner."
fix = "Name one."
receipt = "production_plan"
go_no_go = true

[[gates]]
id = "tiny_rollback"
title = "No rollback"
level = "red"
when = 'tiny_q2 == "no"'
why = "No plan."
fix = "Write one."
receipt = "production_plan"

[[gates]]
id = "tiny_cost"
title = "Cost unknown"
level = "amber"
when = 'tiny_q3 == "no"'
why = "Money."
fix = "Estimate."
receipt = "production_plan"
"""
QUESTIONS = {
    "tiny_q1": "Is there an owner?",
    "tiny_q2": "Is there a rollback plan?",
    "tiny_q3": "Is the cost known?",
}


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def stamp(offset: int) -> str:
    return f"{day(offset)}T09:00:00Z"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-pack")
    questions = "".join(
        f'\n[[questions]]\nid = "{qid}"\ntext = "{text}"\nhelp = "Help."\nkind = "yes_no"\n'
        'receipts = ["production_plan"]\n'
        for qid, text in QUESTIONS.items()
    )
    (folder / "tiny.toml").write_text(PACK.format(questions=questions), encoding="utf-8")
    result = load_packs([folder])
    assert result.ok, result.problems
    return result.packset


def content(
    packset,
    slug: str,
    name: str,
    values: dict[str, str],
    *,
    updated: int = 0,
    followups: dict[str, tuple[str, int, FollowUpStatus]] | None = None,
    waivers: dict[str, int] | None = None,
    notes: dict[str, str] | None = None,
    packs: dict[str, str] | None = None,
    archived: bool = False,
) -> dict:
    """An assessment file's content made by hand: `values` question → answer, follow-ups gate →
    (owner, due in days from today, status), waivers gate → expires in days from today."""
    assessment = Assessment(
        id=0,
        slug=slug,
        name=name,
        packs=packs or {"tiny": "1.0"},
        archived=archived,
        created_at="2026-01-05T10:00:00Z",
        updated_at=stamp(updated),
    )
    answers = {
        qid: AnswerRecord(
            assessment_id=0,
            question_id=qid,
            value=value,
            note=(notes or {}).get(qid),
            answered_by="Ann",
            answered_at=stamp(updated),
        )
        for qid, value in values.items()
    }
    follow = {
        gid: GateFollowUp(
            assessment_id=0,
            gate_id=gid,
            owner=owner,
            due=day(due),
            status=status,
            updated_at=stamp(updated),
        )
        for gid, (owner, due, status) in (followups or {}).items()
    }
    waived = {
        gid: Waiver(
            assessment_id=0,
            gate_id=gid,
            reason=f"accepted for {gid}",
            approver="Cleo",
            expires=day(expires),
            created_at=stamp(updated),
        )
        for gid, expires in (waivers or {}).items()
    }
    return bundle.build(assessment, [], answers, [], follow, waived, bundle.packs_in_use(packset))


def write_file(path: Path, data: dict) -> Path:
    path.write_bytes(bundle.dumps(data))
    return path


def alpha(packset, **kw):
    """NO-GO: both red gates fire; the owner gate's follow-up was due yesterday, the rollback's
    is due tomorrow; a waiver on the (clear) cost gate expires in 40 days."""
    values = kw.pop("values", {"tiny_q1": "no", "tiny_q2": "no", "tiny_q3": "yes"})
    return content(
        packset,
        "alpha",
        "Alpha",
        values,
        followups={
            "tiny_owner": ("Ann", -1, FollowUpStatus.open),
            "tiny_rollback": ("Bob", 1, FollowUpStatus.in_progress),
        },
        waivers={"tiny_cost": 40},
        notes={"tiny_q2": "the rollback runbook is a zebra of a document"},
        **kw,
    )


def beta(packset):
    """NO-GO on the owner gate; the amber cost gate waived (expires in 10 days); its owner
    follow-up was due 5 days ago but is done."""
    return content(
        packset,
        "beta",
        HOSTILE_NAME,
        {"tiny_q1": "no", "tiny_q2": "yes", "tiny_q3": "no"},
        followups={"tiny_owner": ("Dee", -5, FollowUpStatus.done)},
        waivers={"tiny_cost": 10},
    )


def gamma(packset):
    """GO, last touched 90 days ago; its waiver expired three days ago."""
    return content(
        packset,
        "gamma",
        "Gamma",
        {"tiny_q1": "yes", "tiny_q2": "yes", "tiny_q3": "yes"},
        updated=-90,
        waivers={"tiny_rollback": -3},
    )


@pytest.fixture
def files(tmp_path, tiny):
    folder = tmp_path / "shared"
    folder.mkdir()
    return [
        write_file(folder / "alpha.preflight.json", alpha(tiny)),
        write_file(folder / "beta.preflight.json", beta(tiny)),
        write_file(folder / "gamma.preflight.json", gamma(tiny)),
    ]


def query(path: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def portfolio(tmp_path, tiny, files):
    out = tmp_path / "portfolio.db"
    teams = ["red-team", HOSTILE_TEAM, "quiet"]
    report = build([Source(p, t) for p, t in zip(files, teams, strict=True)], out, tiny)
    assert not report.problems
    return out


# -- the views, against a hand-made expectation ----------------------------------------------


def test_pilots_are_evaluated_with_the_installed_packs(portfolio):
    rows = {r["slug"]: r for r in query(portfolio, "SELECT * FROM pilots")}
    assert set(rows) == {"alpha", "beta", "gamma"}
    a, b, g = rows["alpha"], rows["beta"], rows["gamma"]
    assert (a["verdict"], a["red"], a["amber"], a["waived"]) == ("NO-GO", 2, 0, 0)
    assert (b["verdict"], b["red"], b["amber"], b["waived"]) == ("NO-GO", 1, 0, 1)
    assert (g["verdict"], g["red"], g["amber"], g["waived"]) == ("GO", 0, 0, 0)
    assert "Nobody owns it" in a["verdict_words"] and "No rollback" in a["verdict_words"]
    assert (a["answered"], a["total"]) == (3, 3)
    assert a["identity"] == identity("alpha", "2026-01-05T10:00:00Z")
    assert a["packs"] == json.dumps({"tiny": "1.0"}) and a["packs_differ"] == 0
    assert b["name"] == HOSTILE_NAME and b["team"] == HOSTILE_TEAM  # literal, unescaped
    assert g["last_change"] == stamp(-90)
    gates = query(
        portfolio,
        "SELECT p.slug, g.gate, g.state, g.overdue, g.owner, g.go_no_go FROM gates g "
        "JOIN pilots p ON p.id = g.pilot_id ORDER BY p.slug, g.gate",
    )
    states = {(r["slug"], r["gate"]): r["state"] for r in gates}
    assert states == {
        ("alpha", "tiny_cost"): "clear",
        ("alpha", "tiny_owner"): "red",
        ("alpha", "tiny_rollback"): "red",
        ("beta", "tiny_cost"): "waived",
        ("beta", "tiny_owner"): "red",
        ("beta", "tiny_rollback"): "clear",
        ("gamma", "tiny_cost"): "clear",
        ("gamma", "tiny_owner"): "clear",
        ("gamma", "tiny_rollback"): "clear",
    }
    overdue = {(r["slug"], r["gate"]) for r in gates if r["overdue"]}
    assert overdue == {("alpha", "tiny_owner")}
    assert {r["gate"] for r in gates if r["go_no_go"]} == {"tiny_owner"}


def test_blockers(portfolio):
    assert query(portfolio, "SELECT * FROM blockers") == [
        {
            "gate": "tiny_owner",
            "title": "Nobody owns it",
            "pack": "tiny",
            "pilots_blocked": 2,
            "pilots": f"Alpha, {HOSTILE_NAME}",
            "teams": f"{HOSTILE_TEAM}, red-team",
        },
        {
            "gate": "tiny_rollback",
            "title": "No rollback",
            "pack": "tiny",
            "pilots_blocked": 1,
            "pilots": "Alpha",
            "teams": "red-team",
        },
    ]


def test_followups_overdue(portfolio):
    assert query(portfolio, "SELECT * FROM followups_overdue") == [
        {
            "team": "red-team",
            "pilot": "Alpha",
            "slug": "alpha",
            "gate": "tiny_owner",
            "title": "Nobody owns it",
            "owner": "Ann",
            "due": day(-1),
            "status": "open",
            "days_overdue": 1,
        }
    ]


def test_waivers_expiring(portfolio):
    assert query(portfolio, "SELECT * FROM waivers_expiring") == [
        {
            "team": HOSTILE_TEAM,
            "pilot": HOSTILE_NAME,
            "slug": "beta",
            "gate": "tiny_cost",
            "approver": "Cleo",
            "reason": "accepted for tiny_cost",
            "expires": day(10),
            "days_left": 10,
        }
    ]


def test_stale_pilots(portfolio):
    assert query(portfolio, "SELECT * FROM stale_pilots") == [
        {
            "team": "quiet",
            "pilot": "Gamma",
            "slug": "gamma",
            "verdict": "GO",
            "last_change": stamp(-90),
            "days_since": 90,
        }
    ]


def test_answers_are_searchable(portfolio):
    found = query(
        portfolio,
        "SELECT a.question, a.value, a.text, a.pack FROM answers a JOIN answers_fts f "
        "ON f.rowid = a.id WHERE answers_fts MATCH ?",
        ["zebra"],
    )
    assert found == [
        {"question": "tiny_q2", "value": "no", "text": QUESTIONS["tiny_q2"], "pack": "tiny"}
    ]
    assert len(query(portfolio, "SELECT * FROM answers")) == 9


def test_schema_has_the_contracts_names_and_foreign_keys(portfolio):
    conn = sqlite3.connect(portfolio)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert set(schema.TABLES) | set(schema.VIEWS) | {"answers_fts"} <= names
    fks = {t: [r[2] for r in conn.execute(f"PRAGMA foreign_key_list({t})")] for t in schema.TABLES}
    assert fks["pilots"] == ["sources"]
    assert fks["gates"] == fks["waivers"] == fks["answers"] == ["pilots"]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_archived_pilots_are_kept_but_out_of_the_views(tmp_path, tiny):
    path = write_file(tmp_path / "old.preflight.json", alpha(tiny, archived=True))
    out = tmp_path / "p.db"
    build([Source(path)], out, tiny)
    assert query(out, "SELECT slug, archived, team FROM pilots") == [
        {"slug": "alpha", "archived": 1, "team": "old"}
    ]
    for view in schema.VIEWS:
        assert query(out, f"SELECT * FROM {view}") == [], view


def test_other_pack_versions_are_noted(tmp_path, tiny):
    path = write_file(tmp_path / "a.preflight.json", alpha(tiny, packs={"tiny": "0.9"}))
    out = tmp_path / "p.db"
    build([Source(path)], out, tiny)
    (row,) = query(out, "SELECT verdict, packs, packs_differ, packs_note FROM pilots")
    assert row["verdict"] == "NO-GO" and row["packs_differ"] == 1
    assert json.loads(row["packs"]) == {"tiny": "0.9"}
    assert "tiny 0.9 recorded, 1.0 installed" in row["packs_note"]


# -- sources: a folder, a database, rebuilds -------------------------------------------------


def test_a_folder_is_one_team(tmp_path, tiny, files):
    out = tmp_path / "p.db"
    report = build([Source(files[0].parent)], out, tiny)
    assert report.summary() == "3 pilot(s) from 3 source(s): 3 added, 0 replaced, 0 unchanged"
    assert {r["team"] for r in query(out, "SELECT team FROM pilots")} == {"shared"}
    assert [r["kind"] for r in query(out, "SELECT kind FROM sources")] == ["file"] * 3


def test_a_portfolio_in_its_source_folder_is_not_a_source(tmp_path, tiny, files):
    out = files[0].parent / "portfolio.db"
    build([Source(files[0].parent)], out, tiny)
    again = build([Source(files[0].parent)], out, tiny)
    assert not again.problems and again.total("unchanged") == 3
    assert len(query(out, "SELECT * FROM sources")) == 3


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_of(path: Path, tiny, *contents: dict) -> Path:
    with Store.open(path) as store:
        for data in contents:
            found = bundle.read(bundle.dumps(data))
            Session.restore(
                store,
                tiny,
                found.assessment,
                answers=found.answers,
                followups=found.followups,
                waivers=found.waivers,
            )
    return path


def test_a_database_is_read_without_a_write(tmp_path, tiny):
    db = store_of(tmp_path / "team-b.db", tiny, alpha(tiny), gamma(tiny))
    before = sorted(p.name for p in tmp_path.iterdir())
    digest = sha(db)
    out = tmp_path / "p.db"
    report = build([Source(db)], out, tiny)
    assert not report.problems
    assert sha(db) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "p.db"])
    rows = query(out, "SELECT slug, team, verdict FROM pilots ORDER BY slug")
    assert rows == [
        {"slug": "alpha", "team": "team-b", "verdict": "NO-GO"},
        {"slug": "gamma", "team": "team-b", "verdict": "GO"},
    ]
    assert query(out, "SELECT kind, assessments FROM sources") == [
        {"kind": "database", "assessments": 2}
    ]


def test_a_database_and_its_file_are_one_pilot(tmp_path, tiny, files):
    db = store_of(tmp_path / "team-b.db", tiny, alpha(tiny))
    out = tmp_path / "p.db"
    report = build([Source(db), Source(files[0])], out, tiny)
    assert len(query(out, "SELECT * FROM pilots")) == 1
    assert report.total("added") == 1 and report.total("older") == 1


def test_rebuild_replaces_never_duplicates(tmp_path, tiny, files, portfolio):
    again = build([Source(files[0].parent)], portfolio, tiny)
    assert (again.total("added"), again.total("replaced"), again.total("unchanged")) == (0, 0, 3)
    # Alpha moved on: its rollback is planned now; the rebuild replaces its rows.
    newer = alpha(tiny, values={"tiny_q1": "no", "tiny_q2": "yes", "tiny_q3": "yes"}, updated=1)
    write_file(files[0], newer)
    report = build([Source(files[0], "red-team")], portfolio, tiny)
    assert (report.total("added"), report.total("replaced"), report.total("unchanged")) == (0, 1, 0)
    assert len(query(portfolio, "SELECT * FROM pilots")) == 3
    (row,) = query(portfolio, "SELECT id, red, last_change FROM pilots WHERE slug = 'alpha'")
    assert row["red"] == 1 and row["last_change"] == stamp(1)
    gates = query(portfolio, "SELECT * FROM gates WHERE pilot_id = ?", [row["id"]])
    assert len(gates) == 3 and len(query(portfolio, "SELECT * FROM gates")) == 9
    assert len(query(portfolio, "SELECT * FROM answers")) == 9
    assert [r["pilots_blocked"] for r in query(portfolio, "SELECT * FROM blockers")] == [2]
    # An older file never replaces the newer pilot.
    old = write_file(tmp_path / "alpha-old.preflight.json", alpha(tiny))
    stale = build([Source(old, "red-team")], portfolio, tiny)
    assert stale.total("older") == 1 and stale.total("replaced") == 0
    (row,) = query(portfolio, "SELECT red FROM pilots WHERE slug = 'alpha'")
    assert row["red"] == 1
    assert len(query(portfolio, "SELECT * FROM builds")) == 4


def test_rebuild_keeps_known_files_without_evaluating_them(tmp_path, tiny, files, monkeypatch):
    from app.portfolio import build as module

    out = tmp_path / "p.db"
    build([Source(files[0].parent)], out, tiny)
    before = query(out, "SELECT * FROM pilots ORDER BY id")

    def no_evaluation(*args, **kwargs):
        raise AssertionError("evaluated a pilot the portfolio already holds")

    monkeypatch.setattr(module, "evaluate", no_evaluation)
    again = build([Source(files[0].parent)], out, tiny)
    assert (again.total("unchanged"), again.total("added"), again.total("replaced")) == (3, 0, 0)
    assert query(out, "SELECT * FROM pilots ORDER BY id") == before
    # A waiver that lapses after the build (so the verdict may move): evaluated again.
    build([Source(files[1])], out, tiny, today=day(9))
    with pytest.raises(AssertionError, match="evaluated"):
        build([Source(files[1])], out, tiny, today=day(12))


def test_an_output_that_is_not_a_portfolio_is_refused(tmp_path, tiny, files):
    from app.portfolio.build import PortfolioError

    db = store_of(tmp_path / "team.db", tiny, alpha(tiny))
    digest = sha(db)
    with pytest.raises(PortfolioError, match="not a portfolio"):
        build([Source(files[0])], db, tiny)
    with pytest.raises(PortfolioError, match="one of the sources"):
        build([Source(files[0])], files[0], tiny)
    assert sha(db) == digest


# -- bad sources -----------------------------------------------------------------------------


def test_bad_sources_are_named_and_the_rest_is_built(tmp_path, tiny, files):
    bad = tmp_path / "bad"
    bad.mkdir()
    edited = json.loads(files[0].read_text())
    edited["assessment"]["name"] = "Edited"
    (bad / "edited.preflight.json").write_text(json.dumps(edited))
    newer = json.loads(files[1].read_text())
    newer["format_version"] = 99
    (bad / "newer.preflight.json").write_text(json.dumps(newer))
    (bad / "garbage.db").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    future = store_of(tmp_path / "future.db", tiny, gamma(tiny))
    conn = sqlite3.connect(future)
    conn.execute("PRAGMA user_version = 9999")
    conn.close()
    out = tmp_path / "p.db"
    report = build(
        [Source(bad), Source(future), Source(tmp_path / "missing.db"), Source(files[2])],
        out,
        tiny,
    )
    problems = {Path(s.path).name: s.problem for s in report.problems}
    assert set(problems) == {
        "edited.preflight.json",
        "newer.preflight.json",
        "garbage.db",
        "future.db",
        "missing.db",
    }
    assert "digest" in problems["edited.preflight.json"]
    assert "newer" in problems["newer.preflight.json"]
    assert "newer Preflight" in problems["future.db"]
    assert "snapshot" not in problems["future.db"]  # names the source, not the copy
    assert query(out, "SELECT slug FROM pilots") == [{"slug": "gamma"}]
    assert "5 source(s) skipped" in report.summary()
    recorded = query(out, "SELECT path, problem FROM sources WHERE problem IS NOT NULL")
    assert len(recorded) == 5


# -- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.conftest import run_cli

    path = tmp_path_factory.mktemp("demo") / "support.db"
    result = run_cli("demo", "--no-open", db=path)
    assert result.returncode == 0, result.stderr
    return path


def test_cli_builds_and_reports(tmp_path, cli, demo_db):
    shared = tmp_path / "demo.preflight.json"
    assert cli("share", "demo", "--out", str(shared), db=demo_db).returncode == 0
    broken = tmp_path / "broken.preflight.json"
    broken.write_text("{")
    out = tmp_path / "portfolio.db"
    team = HOSTILE_TEAM + "\x1b[31m\u202e"
    digest = sha(demo_db)
    result = cli(
        "portfolio", "build", str(demo_db), str(broken), "--team", team, str(shared),
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "broken.preflight.json" in result.stderr and "skipped" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "\u202e" not in result.stdout + result.stderr
    assert "1 pilot(s) from 2 source(s): 1 added" in result.stdout
    assert "1 source(s) skipped" in result.stdout
    assert sha(demo_db) == digest
    (row,) = query(out, "SELECT team, verdict FROM pilots")
    assert row == {"team": team, "verdict": "NO-GO"}  # stored literally
    again = cli("portfolio", "build", str(demo_db), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 replaced, 1 unchanged" in again.stdout


def test_cli_usage(tmp_path, cli):
    assert cli("portfolio", "build", "--out", str(tmp_path / "p.db")).returncode == 2
    assert cli("portfolio").returncode == 2
    assert cli("portfolio", "build", str(tmp_path)).returncode == 2  # no --out


def test_a_database_open_in_a_wizard_is_read_as_a_snapshot(tmp_path, tiny):
    db = store_of(tmp_path / "live.db", tiny, alpha(tiny))
    with Store.open(db) as writer:  # another process's wizard: its -wal file exists
        Session.open(writer, tiny, "alpha").answer("tiny_q2", "yes")
        assert Path(f"{db}-wal").exists()
        out = tmp_path / "p.db"
        report = build([Source(db)], out, tiny)
        assert not report.problems
        assert query(out, "SELECT red FROM pilots") == [{"red": 1}]


def test_an_assessment_whose_packs_are_not_installed_leaves_only_itself_out(tmp_path, tiny):
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    db = tmp_path / "team-c.db"
    with Store.open(db) as store:
        Session.create(store, shipped, "Chosen", packs=["acceptance"])  # not in `tiny`
        Session.create(store, shipped, "Every pack")
    out = tmp_path / "p.db"
    report = build([Source(db)], out, tiny)
    assert [s.path for s in report.problems] == [str(db)]  # said, and the build exits 1
    (source,) = report.sources
    assert source.problem is None
    assert [p.split(":")[0] for p in source.left_out] == ["chosen"]
    assert "left out chosen:" in source.line() and "acceptance" in source.line()
    assert "1 assessment(s) left out" in report.summary()
    assert [r["slug"] for r in query(out, "SELECT slug FROM pilots")] == ["every-pack"]
    (row,) = query(out, "SELECT assessments, problem FROM sources")
    assert row["assessments"] == 1 and row["problem"].startswith("left out chosen:")
