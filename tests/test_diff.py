"""`preflight diff`: each kind of change since a moment or against another state, hidden
answers, waivers judged on an injected day, the default --since from the exports log, files
from `preflight share`, and hostile text."""

from __future__ import annotations

import json

import pytest

from app.commands.diff import report
from app.core.packs import load_packs
from app.interchange import diff
from app.interchange.diff import render_text
from app.session import Session
from app.store import rows

PACK = """
id = "d"
title = "Diff test"
version = "1.0"
description = "Questions for diffs."

[[questions]]
id = "ready"
text = "Ready?"
help = "Yes or no."
kind = "yes_no"

[[questions]]
id = "detail"
text = "Which detail?"
help = "Only asked when ready."
kind = "text"
show_if = 'ready == "yes"'

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
def dpack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dpack")
    (folder / "d.toml").write_text(PACK, encoding="utf-8")
    result = load_packs([folder], use_cache=False)
    assert result.ok, result.problems
    return result.packset


class Clock:
    def __init__(self) -> None:
        self.at = "2026-11-01T09:00:00Z"

    def __call__(self) -> str:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(rows, "now", found)
    return found


@pytest.fixture
def session(store, dpack, clock):
    made = Session.create(store, dpack, "Pilot", today=lambda: "2026-11-20")
    made.answer("ready", "yes", answered_by="Ana", note="all set")
    made.answer("detail", "the detail")
    made.answer("latency", 200)
    return made


def test_gate_flip_names_the_answers_that_moved_it(store, dpack, session, clock):
    clock.at = "2026-11-10T10:00:00Z"
    session.answer("latency", 2000, answered_by="Bo")
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    assert [(g["gate"], g["old"], g["new"], g["moved_by"]) for g in found["gates"]] == [
        ("slow", "clear", "red", ["latency"])
    ]
    assert found["answers"] == [
        {
            "question": "latency",
            "text": "p95 latency?",
            "old": 200,
            "new": 2000,
            "old_reading": "200 ms",
            "new_reading": "2,000 ms",
            "by": "Bo",
            "at": "2026-11-10T10:00:00Z",
            "hidden": False,
            "known": True,
        }
    ]
    text = "\n".join(render_text(found, heading))
    assert "✗ RED ← ✔ CLEAR  Too slow — because latency=2,000 ms > 1000" in text
    assert "latency: 200 ms → 2,000 ms  (by Bo, 2026-11-10T10:00:00Z)" in text
    assert text.index("Gates that changed") < text.index("Answers changed")


def test_hidden_answers_are_labelled_not_dropped(store, dpack, session, clock):
    clock.at = "2026-11-10T10:00:00Z"
    session.answer("ready", "no")
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    by_id = {a["question"]: a for a in found["answers"]}
    assert by_id["ready"]["hidden"] is False
    assert [g["gate"] for g in found["gates"]] == ["not_ready"]
    # detail is still stored but no longer asked: shown, labelled hidden
    session.answer("ready", "yes")
    clock.at = "2026-11-12T10:00:00Z"
    session.answer("detail", "changed detail")
    session.answer("ready", "no")
    found, heading = report(store, dpack, "pilot", since="2026-11-11", today="2026-11-20")
    detail = next(a for a in found["answers"] if a["question"] == "detail")
    assert detail["hidden"] is True
    assert "detail (hidden): the detail → changed detail" in "\n".join(render_text(found, heading))


def test_notes_and_evidence_added_changed_removed(store, dpack, session, clock, tmp_path):
    proof = tmp_path / "proof.txt"
    proof.write_text("ok", encoding="utf-8")
    clock.at = "2026-11-10T10:00:00Z"
    session.answer("ready", "yes", note="")  # removed
    session.answer("latency", 200, note="measured", evidence=str(proof))  # added, added
    found, _ = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    assert found["answers"] == []  # no value moved
    assert {(n["question"], n["change"]) for n in found["notes"]} == {
        ("ready", "removed"),
        ("latency", "added"),
    }
    assert [(e["question"], e["change"]) for e in found["evidence"]] == [("latency", "added")]
    clock.at = "2026-11-11T10:00:00Z"
    session.answer("latency", 200, note="re-measured")
    found, _ = report(store, dpack, "pilot", since="2026-11-10T12:00", today="2026-11-20")
    assert [(n["question"], n["change"], n["old"], n["new"]) for n in found["notes"]] == [
        ("latency", "changed", "measured", "re-measured")
    ]
    assert found["evidence"] == []


def test_waivers_added_expired_and_expiring_on_the_injected_day(store, dpack, session, clock):
    session.answer("latency", 5000)
    clock.at = "2026-11-02T09:00:00Z"
    session.set_waiver("slow", reason="vendor fix", approver="Cy", expires="2026-11-15")
    clock.at = "2026-11-06T09:00:00Z"
    session.set_waiver("not_ready", reason="later", approver="Cy", expires="2026-12-01")
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    waivers = found["waivers"]
    assert [w["gate"] for w in waivers["added"]] == ["not_ready"]
    assert [w["gate"] for w in waivers["expired"]] == ["slow"]
    assert [w["gate"] for w in waivers["expiring"]] == ["not_ready"]
    # the expired waiver lets its gate go red again
    assert [(g["gate"], g["old"], g["new"]) for g in found["gates"]] == [("slow", "waived", "red")]
    text = "\n".join(render_text(found, heading))
    assert "expired: slow — until 2026-11-15" in text
    assert "expiring within 14 days: not_ready — until 2026-12-01" in text
    # judged on another day, nothing has expired yet and nothing is within 14 days
    found, _ = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-10")
    assert found["waivers"]["expired"] == []
    assert [w["gate"] for w in found["waivers"]["expiring"]] == ["slow"]


def test_followups_that_became_overdue(store, dpack, session, clock):
    session.set_followup("slow", owner="Di", due="2026-11-12", status="open")
    session.set_followup("not_ready", owner="Di", due="2026-11-01", status="open")
    session.set_followup("other", owner="Di", due="2026-11-12", status="done")
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    assert [f["gate"] for f in found["followups_overdue"]] == ["slow"]
    assert "slow: due 2026-11-12 (Di, open)" in "\n".join(render_text(found, heading))


def test_disagreements_opened_and_resolved(dpack):
    from app.store.models import Disagreement

    day = "2026-11-20"
    base = dict(answers={}, waivers={}, followups={})
    old_d = Disagreement(
        id=1, assessment_id=1, question_id="ready", opened_at="2026-11-01T00:00:00Z"
    )
    new_d = Disagreement(
        id=2, assessment_id=1, question_id="latency", opened_at="2026-11-10T00:00:00Z"
    )
    settled = Disagreement(
        id=1,
        assessment_id=1,
        question_id="ready",
        opened_at="2026-11-01T00:00:00Z",
        resolved_at="2026-11-11T00:00:00Z",
        resolved_by="Ana",
    )
    old = diff.State(label="a", day=day, disagreements=[old_d], **base)
    new = diff.State(label="b", day=day, disagreements=[settled, new_d], **base)
    found = diff.compare(dpack, old, new, day)
    assert found["disagreements"]["opened"] == [
        {"question": "latency", "at": "2026-11-10T00:00:00Z"}
    ]
    assert [d["question"] for d in found["disagreements"]["resolved"]] == ["ready"]
    found = diff.compare(dpack, new, new, day, since="2026-11-05T00:00:00Z")
    assert [d["question"] for d in found["disagreements"]["opened"]] == ["latency"]
    assert found["disagreements"]["resolved"] == [
        {"question": "ready", "at": "2026-11-11T00:00:00Z", "by": "Ana"}
    ]


def test_replay_matches_the_store(store, dpack, session, clock):
    clock.at = "2026-11-10T10:00:00Z"
    session.answer("latency", 900)
    session.clear("detail")
    when = "2026-11-05T00:00:00Z"
    lines = store.history_as_of(session.id, when)
    assert lines == diff.replay(store.history(session.id), when)
    then = diff.as_of(store.answers(session.id), lines, when)
    assert {q: a.value for q, a in then.items()} == {
        "ready": "yes",
        "detail": "the detail",
        "latency": 200,
    }


def test_since_defaults_to_the_last_export(cli, tmp_path):
    db = tmp_path / "d.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    first = cli("diff", "demo", "--json", db=db)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["gates"]  # since creation: everything moved
    out = tmp_path / "exports"
    done = cli("export", "demo", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    from app.store import Store

    with Store.open(db) as opened:
        logged = opened.exports(opened.get("demo").id)
    assert [e.format for e in logged] == ["md", "md"]
    assert {e.path for e in logged} == {str(p) for p in out.iterdir()}
    after = cli("diff", "demo", db=db)
    assert after.returncode == 0, after.stderr
    assert "since the last export, " + logged[-1].exported_at in after.stdout
    assert "No changes." in after.stdout


def test_against_a_shared_file_and_another_slug(cli, tmp_path):
    db = tmp_path / "d.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    shared = tmp_path / "demo.preflight.json"
    assert cli("share", "demo", "--out", str(shared), db=db).returncode == 0
    assert cli("new", "Other", db=db).returncode == 0
    same = cli("diff", "demo", "--against", str(shared), "--json", db=db)
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["answers"] == []
    other = cli("diff", "demo", "--against", "other", "--json", db=db)
    assert other.returncode == 0, other.stderr
    found = json.loads(other.stdout)
    assert found["verdict"]["old"] == "INCOMPLETE"
    assert found["answers"] and all(a["old"] is None for a in found["answers"])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    broken = cli("diff", "demo", "--against", str(bad), db=db)
    assert broken.returncode == 4 and "Traceback" not in broken.stderr


@pytest.mark.parametrize(
    "args, code",
    [
        (["diff", "demo", "--since", "yesterday"], 2),
        (["diff", "demo", "--since", "2026-13-40"], 2),
        (["diff", "nobody"], 2),
        (["diff", "demo", "--since", "2026-11-01", "--against", "demo"], 2),
    ],
    ids=["words", "impossible-day", "unknown-slug", "since-and-against"],
)
def test_bad_input_says_so(cli, tmp_path, args, code):
    db = tmp_path / "d.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    done = cli(*args, db=db)
    assert done.returncode == code
    assert done.stderr.startswith("preflight: ") and "Traceback" not in done.stderr


def test_hostile_notes_never_reach_the_terminal_raw(store, dpack, session, clock):
    clock.at = "2026-11-10T10:00:00Z"
    hostile = "\x1b[2J\x1b]0;pwned\x07 line\nbreak \u202e evil \x9b31m"
    session.answer("latency", 3000, note=hostile, answered_by="Eve")
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    text = "\n".join(render_text(found, heading))
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in text
    assert "line break" in text
    from app.core.text import terminal_json

    dumped = terminal_json(found)
    assert "\x1b" not in dumped and "\u202e" not in dumped and "\x9b" not in dumped
    assert json.loads(dumped)["notes"][0]["new"] == hostile


def test_a_change_in_the_same_second_as_the_export_is_a_change(store, dpack, session, clock):
    # Stamps have whole seconds: "since the last export" follows the history, not the clock.
    clock.at = "2026-11-10T10:00:00Z"
    store.record_export(session.id, ["pilot.md"], "md", "0" * 64, dpack.versions())
    session.answer("latency", 2000, answered_by="Bo")  # the same second
    found, _ = report(store, dpack, "pilot", today="2026-11-20")
    assert [a["question"] for a in found["answers"]] == ["latency"]
    assert [g["gate"] for g in found["gates"]] == ["slow"]


def test_a_first_answer_in_the_same_second_as_the_export_is_a_change(store, dpack, session, clock):
    # The question had no history line at all before the export: answered in its second, it
    # was not there when the export was written (found in a kickoff: "no changes").
    clock.at = "2026-11-10T10:00:00Z"
    fresh = Session.create(store, dpack, "Fresh", today=lambda: "2026-11-20")
    fresh.answer("ready", "yes")
    store.record_export(fresh.id, ["fresh.md"], "md", "0" * 64, dpack.versions())
    fresh.answer("detail", "given after the export", answered_by="Bo")
    found, _ = report(store, dpack, "fresh", today="2026-11-20")
    (changed,) = found["answers"]
    assert (changed["question"], changed["old"], changed["new"]) == (
        "detail",
        None,
        "given after the export",
    )


def test_decisions_since_the_moment_are_listed(store, dpack, session, clock):
    clock.at = "2026-11-02T09:00:00Z"
    store.add_decision(session.id, "note", text="old news", decided_by="Ana")
    clock.at = "2026-11-10T09:00:00Z"
    store.add_decision(session.id, "note", text="Rehearse \x1b[2J[bold]it[/bold]", gate_id="slow")
    store.add_decision(
        session.id,
        "verdict",
        decided_by="Ana",
        verdict="NO-GO",
        computed_verdict="INCOMPLETE",
        open_gates={"unknown": ["slow"]},
    )
    found, heading = report(store, dpack, "pilot", since="2026-11-05", today="2026-11-20")
    assert [d["text"] or d["verdict"] for d in found["decisions"]] == [
        "Rehearse \x1b[2J[bold]it[/bold]",
        "NO-GO",
    ]
    text = "\n".join(render_text(found, heading))
    assert "Decisions (2)" in text and "\x1b" not in text
    assert "[bold]it[/bold] (slow)" in text  # as typed: a terminal report is not markup
    assert "Decision: NO-GO by Ana on 2026-11-10 (computed: INCOMPLETE, 1 unknown)." in text
