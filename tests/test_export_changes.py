"""'Changes since the last export': the page's one line, the appendix's short section and the
JSON object, through the wizard's export and the CLI; the first export says it is the first,
writing the same pack again keeps its bytes, hostile text stays literal, `verify` still
matches, and the page keeps its budget."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.core.packs import load_packs
from app.core.text import one_line
from app.export.appendix import MAX_CHANGED_ANSWERS, render_appendix
from app.export.jsonout import render_json
from app.export.page import MAX_LINES, WIDTH, render_page
from app.export.seal import read_sealed
from app.export.snapshot import Changes, snapshot_from_store
from app.interchange import diff
from app.session import Session
from app.store import rows
from app.tui import packview
from tests.conftest import run_cli
from tests.export_demo import demo_data
from tests.export_md import MD, html_tags, links, nonblank, rendered_text

PACK = """
id = "d"
title = "Changes test"
version = "1.0"
description = "Questions for changes."

[[questions]]
id = "ready"
text = "Ready?"
help = "Yes or no."
kind = "yes_no"

[[questions]]
id = "detail"
text = "Which detail?"
help = "Free text."
kind = "text"

[[questions]]
id = "latency"
text = "p95 latency?"
help = "Milliseconds."
kind = "number"
unit = "ms"
min = 0
max = 100000

[[gates]]
id = "not_ready"
title = "Not ready"
level = "red"
when = 'ready == "no"'
why = "Not ready."
fix = "Get ready."
receipt = "production_plan"

[[gates]]
id = "slow"
title = "Too slow"
level = "red"
when = "latency > 1000"
why = "Slow."
fix = "Speed up."
receipt = "production_plan"
"""


@pytest.fixture(scope="module")
def cpack_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cpack")
    (folder / "d.toml").write_text(PACK, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cpack(cpack_dir):
    result = load_packs([cpack_dir], use_cache=False)
    assert result.ok, result.problems
    return result.packset


class Clock:
    def __init__(self) -> None:
        self.at = "2026-11-24T10:00:00Z"

    def __call__(self) -> str:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(rows, "now", found)
    return found


@pytest.fixture
def session(store, cpack, clock):
    made = Session.create(store, cpack, "Pilot", today=lambda: "2026-11-30")
    made.answer("ready", "yes", answered_by="Ana")
    made.answer("detail", "plain")
    made.answer("latency", 2000, answered_by="Ana")  # "Too slow" is red
    return made


def _files(written):
    page = next(p for p in written if p.name.endswith("-receipts.md"))
    appendix = next(p for p in written if p.name.endswith("-appendix.md"))
    return page, appendix


def _since_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Since ")]


def test_the_first_export_says_it_is_the_first(session, tmp_path):
    page, appendix = _files(packview.export(session, tmp_path / "one"))
    assert _since_lines(page.read_text()) == []
    text = appendix.read_text()
    assert "## Changes since the last export" in text
    assert "None to compare: this is the first export of this assessment." in text
    data = snapshot_from_store(session.store, session.id, session.packset)
    assert json.loads(render_json(data))["changes_since_last_export"] is None


def test_a_second_export_says_which_gates_cleared_and_turned_red(session, clock, tmp_path):
    packview.export(session, tmp_path / "one")
    clock.at = "2026-11-30T09:00:00Z"
    session.answer("latency", 200, answered_by="Bo")  # "Too slow" clears
    session.answer("ready", "no", answered_by="Bo")  # "Not ready" turns red
    preview = packview.pack_markdown(session)  # the wizard's preview, before exporting
    line = "Since 2026-11-24 (last export): 1 gate cleared, 1 new red, 2 answers changed."
    assert _since_lines(preview) == [line]

    page, appendix = _files(packview.export(session, tmp_path / "two"))
    shown = page.read_text()
    assert _since_lines(shown) == [line]
    assert shown.index("Questions:") < shown.index(line) < shown.index("## Blocking gates")
    text = appendix.read_text()
    section = text[text.index("## Changes since the last export") : text.index("## Participants")]
    assert "Since the last export, 2026-11-24T10:00:00Z: 1 gate cleared, 1 new red" in section
    assert "- ✗ RED ← ✔ CLEAR · Not ready · moved by ready" in section
    assert "- ✔ CLEAR ← ✗ RED · Too slow · moved by latency" in section
    assert "- latency: 2,000 ms → 200 ms (by Bo, 2026-11-30T09:00:00Z)" in section
    assert "- ready: yes → no (by Bo, 2026-11-30T09:00:00Z)" in section

    data = snapshot_from_store(session.store, session.id, session.packset)
    doc = json.loads(render_json(data))["changes_since_last_export"]
    assert doc["since"] == "2026-11-24T10:00:00Z"
    assert doc["headline"] == "1 gate cleared, 1 new red, 2 answers changed"
    assert sorted(g["gate"] for g in doc["gates"]) == ["not_ready", "slow"]


def test_writing_the_same_pack_again_keeps_its_bytes(session, clock, tmp_path):
    packview.export(session, tmp_path / "one")
    clock.at = "2026-11-30T09:00:00Z"
    session.answer("latency", 200, answered_by="Bo")
    first = [p.read_bytes() for p in _files(packview.export(session, tmp_path / "two"))]
    clock.at = "2026-11-30T10:00:00Z"
    again = [p.read_bytes() for p in _files(packview.export(session, tmp_path / "two", True))]
    assert again == first  # still "since" the export before the first of this pack
    assert packview.pack_markdown(session).encode() == first[0]  # the preview is the file


def test_changes_are_not_in_the_digest(session, clock, tmp_path):
    before = snapshot_from_store(session.store, session.id, session.packset)
    packview.export(session, tmp_path / "one")
    clock.at = "2026-11-30T09:00:00Z"
    session.answer("latency", 200)
    session.answer("latency", 2000)  # back as it was: only the history moved
    after = snapshot_from_store(session.store, session.id, session.packset)
    assert after.digest == before.digest
    assert after.changes is not None and after.changes.first  # the same pack: none to compare


def test_verify_matches_the_second_export(session, clock, tmp_path):
    """What `verify` recomputes (the digest of the snapshot now) is what the second export
    carries: recording it changed the changes, not the digest (the CLI run is below)."""
    packview.export(session, tmp_path / "one")
    clock.at = "2026-11-30T09:00:00Z"
    session.answer("latency", 200, answered_by="Bo")
    page, appendix = _files(packview.export(session, tmp_path / "two"))
    now = snapshot_from_store(session.store, session.id, session.packset)
    for path in (page, appendix):
        claim = read_sealed(path.read_text())
        assert claim.intact and claim.digest == now.digest


def test_hostile_text_in_a_changed_answer_stays_literal(session, clock, tmp_path):
    packview.export(session, tmp_path / "one")
    hostile = "**b** <script>x</script> [x](javascript:y) `t` | \\* &amp; # h \x1b[31m r \u202e"
    clock.at = "2026-11-30T09:00:00Z"
    session.answer("detail", hostile, answered_by="<b>Eve</b> _x_")
    _, appendix = _files(packview.export(session, tmp_path / "two"))
    text = appendix.read_text()
    assert "\x1b" not in text and "\u202e" not in text
    assert len(html_tags(text)) == 2  # the two machine comments only
    assert not any(href.lower().startswith("javascript") for href in links(text))
    tokens = MD.parse(text)
    items = [
        rendered_text(t) for t in tokens if t.type == "inline" and t.content.startswith("detail")
    ]
    assert items == [
        f"detail: plain → {one_line(hostile)} (by <b>Eve</b> _x_, 2026-11-30T09:00:00Z)"
    ]


def test_many_changed_answers_are_counted_with_the_command(store, cpack, clock, tmp_path):
    made = Session.create(store, cpack, "Many", today=lambda: "2026-11-30")
    packview.export(made, tmp_path / "one")
    clock.at = "2026-11-30T09:00:00Z"
    made.answer("ready", "yes")
    made.answer("detail", "x")
    made.answer("latency", 5)
    data = snapshot_from_store(store, made.id, cpack)
    assert data.changes is not None
    report = dict(data.changes.report)
    one = report["answers"][0]
    report["answers"] = [one] * (MAX_CHANGED_ANSWERS + 3)
    big = dataclasses.replace(data, changes=dataclasses.replace(data.changes, report=report))
    text = render_appendix(big)
    assert text.count("- ready: (none) → yes") == MAX_CHANGED_ANSWERS
    assert "- …and 3 more — run `preflight diff many --since 2026-11-24T10:00:00Z`" in text


@pytest.mark.parametrize(
    "headline",
    [
        "1 gate cleared, 1 new red",
        "12 gates cleared, 13 new red, 14 new amber, 15 new unknown, 1,234 answers changed",
        "1 gate changed, 2 notes changed, 3 evidence links changed, 4 waivers added, 5 waivers "
        "expired, 6 waivers expiring, 7 follow-ups overdue, 8 disagreements opened",
    ],
)
def test_the_page_keeps_its_budget_with_the_line(headline):
    """The demo page is full already: the line still fits, whole words only."""
    data = demo_data()
    full = render_page(data)
    report = {"since": "2026-11-24T10:00:00Z"}
    changed = dataclasses.replace(data, changes=Changes("2026-11-24T10:00:00Z", report, headline))
    page = render_page(changed)
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES and max(len(line) for line in lines) <= WIDTH
    flat = " ".join(page.split())
    assert f"Since 2026-11-24 (last export): {headline}." in flat
    assert page != full
    for line in page.splitlines():
        assert not line.rstrip("\\").endswith(("gate", "gat", "cle"))  # no cut word


def test_headline_counts_what_a_reviewer_asks_first():
    empty = {
        "gates": [],
        "answers": [],
        "notes": [],
        "evidence": [],
        "waivers": {"added": [], "expired": [], "expiring": []},
        "followups_overdue": [],
        "disagreements": {"opened": [], "resolved": []},
        "packs": [],
        "decisions": [],
    }
    assert diff.headline(empty) == "no changes"
    gates = [
        {"old": "red", "new": "clear"},
        {"old": "amber", "new": "waived"},
        {"old": "clear", "new": "red"},
        {"old": "clear", "new": "amber"},
        {"old": "red", "new": "unknown"},
        {"old": "clear", "new": "waived"},  # not blocking before either: not "cleared"
    ]
    full = empty | {"gates": gates, "answers": [{}] * 3, "notes": [{}]}
    assert diff.headline(full) == (
        "2 gates cleared, 1 new red, 1 new amber, 1 new unknown, 3 answers changed"
    )
    quiet = empty | {"notes": [{}], "decisions": [{}, {}]}
    assert diff.headline(quiet) == "1 note changed, 2 decisions recorded"


def test_cli_export_twice_with_a_change_between(tmp_path):
    db = tmp_path / "p.db"
    work = tmp_path / "work"
    work.mkdir()
    assert run_cli("--db", str(db), "demo", "--no-open").returncode == 0
    first = run_cli("--db", str(db), "export", "demo", "--out", "one/", cwd=work)
    assert first.returncode == 0, first.stderr
    answers = tmp_path / "change.toml"
    answers.write_text('oncall_rotation = "yes"\nkpi_owner_agreed = "no"\n')
    done = run_cli("--db", str(db), "quick", "demo", "--answers", str(answers), "--as", "Bo (SRE)")
    assert done.returncode in (0, 1), done.stderr
    second = run_cli("--db", str(db), "export", "demo", "--out", "two/", cwd=work)
    assert second.returncode == 0, second.stderr
    page = (work / "two" / "demo-receipts.md").read_text()
    since = _since_lines(page)
    assert len(since) == 1 and since[0].endswith(": 1 gate cleared, 1 new red, 2 answers changed.")
    assert len(nonblank(page)) <= MAX_LINES
    appendix = (work / "two" / "demo-appendix.md").read_text()
    assert "- ✔ CLEAR ← ✗ RED · Nobody on call · moved by oncall_rotation" in appendix
    assert "first export" in (work / "one" / "demo-appendix.md").read_text()
    for name in ("demo-receipts.md", "demo-appendix.md"):
        check = run_cli("--db", str(db), "verify", str(work / "two" / name))
        assert check.returncode == 0 and "OK: matches" in check.stdout, check.stdout
