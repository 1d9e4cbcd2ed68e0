"""Open and settled disagreements where people read them: `preflight check`, the receipts
pack (page, appendix, JSON, HTML) and plain mode."""

from __future__ import annotations

import json

import pytest

from app.commands.check import dispute_lines
from app.core.answerfile import demo_answers_path, read_answer_file
from app.core.packs import load_packs
from app.core.summary import exit_code
from app.core.text import one_line
from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import MAX_LINES, WIDTH, render_page
from app.export.seal import read_any
from app.export.snapshot import snapshot_from_store
from app.export.write import redate, render_pack_html
from app.interchange.merge import Target, plan, source_from
from app.quick.lines import dispute_lines as quick_lines
from app.session import Session
from app.store import Store
from app.store.models import AnswerRecord
from tests.conftest import run_cli
from tests.export_demo import demo_data, shipped_packset
from tests.export_md import html_tags, links, nonblank, rendered_text, structure
from tests.quick_keys import ENTER, walk

EVE = "[x](javascript:1) <b>|Eve|"
"""A respondent whose name is Markdown, HTML and table pipes at once."""
NOTE = "Misses on multi-issue tickets\nfix in progress | <i>soon</i>"


def _record(qid, value, note=None, by=None):
    return AnswerRecord(
        assessment_id=0,
        question_id=qid,
        value=value,
        note=note,
        answered_by=by,
        answered_at="2026-11-30T10:00:00Z",
    )


def _merge(session, packset, *sources):
    target = Target(
        answers=session.answers,
        respondents=session.respondents(),
        merged=session.merged_values(),
        disputed=frozenset(session.disputes()),
    )
    outcome = plan(packset, target, list(sources))
    session.apply_merge(outcome.change)
    return outcome


def _demo_source(packset, name, changes=None, drop=(), note=None):
    """The shipped demo answers as `name`'s self-assessment, with some answers changed."""
    entries = read_answer_file(demo_answers_path(), packset).entries
    answers = {
        e.question_id: _record(e.question_id, e.value, e.note, name)
        for e in entries
        if not e.question_id.startswith(drop or "\0")
    }
    for qid, value in (changes or {}).items():
        answers[qid] = _record(qid, value, note, name)
    return source_from(
        packset, name=name, source=f"{name[:4]}.preflight.json", answers=answers, digest="0" * 64
    )


def _kickoff(store, packset):
    """The brief's kickoff: Ana as the demo, Ben (a hostile name) and Chen each differing."""
    session = Session.create(store, packset, "kickoff")
    _merge(
        session,
        packset,
        _demo_source(packset, "Ana Silva"),
        _demo_source(
            packset,
            EVE,
            {"accuracy_measured_pct": 84, "data_lineage_tracked": "yes", "judge_agreement_pct": 93},
            note=NOTE,
        ),
        _demo_source(
            packset,
            "Chen Wei",
            {"kpi_owner_agreed": "unknown"},
            drop=("rubric_", "data_", "chunk"),
        ),
    )
    return session


@pytest.fixture
def kickoff_db(tmp_path):
    db = tmp_path / "kickoff.db"
    with Store.open(db) as store:
        assert len(_kickoff(store, shipped_packset()).disputes()) == 4
    return db


def _data(db, packset=None):
    with Store.open(db) as store:
        return snapshot_from_store(store, "kickoff", packset or shipped_packset())


# -- check ---------------------------------------------------------------------------------------


def test_check_lists_each_open_disagreement_and_keeps_the_exit_code(kickoff_db):
    done = run_cli("check", "kickoff", db=kickoff_db)
    assert done.returncode == 1, done.stderr  # NO-GO: the red gates decide, as before
    out = done.stdout.splitlines()
    assert (
        "  4 open disagreements among 3 respondents; each counts as unanswered until answered here:"
    ) in out
    eve = one_line(EVE)
    assert (
        "  ≠ DISPUTED   Data readiness: Is lineage tracked from each source to the model's "
        f"input? — Ana Silva: no · {eve}: yes"
    ) in out
    assert (
        "  ≠ DISPUTED   Acceptance criteria: Has a named business person agreed to own the KPI "
        "target? — Ana Silva: yes · [x](javascript:1) <b>|Eve|: yes · Chen Wei: unknown"
    ) in out
    disputed = [line for line in out if line.startswith("  ≠ DISPUTED")]
    assert len(disputed) == 4
    assert not any("\x1b" in line for line in out)
    # A disputed required question is listed once, with its answers, not also as unanswered.
    unanswered = [line for line in out if line.startswith("  ? UNANSWERED")]
    assert not any("lineage" in line or "own the KPI target" in line for line in unanswered)


def test_a_disputed_required_question_keeps_check_incomplete_and_answering_settles_it(tmp_path):
    packset = _tiny(tmp_path)
    with Store.open(tmp_path / "t.db") as store:
        session = Session.create(store, packset, "kickoff")
        _merge(
            session, packset, _src(packset, "Ana", ready="yes"), _src(packset, "Ben", ready="no")
        )
        data = snapshot_from_store(store, "kickoff", packset)
        assert exit_code(data.evaluation.verdict) == 3  # INCOMPLETE, never GO
        assert dispute_lines(data) == [
            "  1 open disagreement among 2 respondents; each counts as unanswered until answered "
            "here:",
            "  ≠ DISPUTED   Tiny: Ready? — Ana: yes · Ben: no",
        ]
        session.answer("ready", "yes", answered_by="Lead")
        data = snapshot_from_store(store, "kickoff", packset)
        assert data.evaluation.verdict.value == "GO"
        assert dispute_lines(data) == ["  No open disagreements among 2 respondents (1 settled)."]


def test_check_of_an_assessment_never_merged_says_nothing_about_disagreements():
    assert dispute_lines(demo_data()) == []


# -- the receipts pack -------------------------------------------------------------------------


def test_the_page_counts_open_disagreements_within_its_limits(kickoff_db):
    page = render_page(_data(kickoff_db))
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= WIDTH
    assert (
        "Open disagreements: 4 among 3 respondents, each counted as unanswered (listed in the "
        "appendix)." in lines
    )
    assert len(html_tags(page)) == 2  # the two machine comments: the hostile name is text
    assert not any(href.lower().startswith("javascript") for href in links(page))


def test_a_disputed_success_answer_says_so_on_the_page():
    from app.core.disputes import Dispute, Voice
    from app.export.snapshot import make_snapshot
    from app.store.models import Respondent

    data = demo_data()
    answers = {q: r for q, r in data.answers.items() if q != "accuracy_threshold_pct"}
    voices = (Voice("Ana", 90), Voice("Ben", 95, note="the contract says 95"))
    people = [
        Respondent(id=i, assessment_id=1, name=n, source="f", merged_at="t")
        for i, n in enumerate(("Ana", "Ben"), 1)
    ]
    merged = make_snapshot(
        data.assessment,
        data.participants,
        answers,
        {},
        {},
        data.packset,
        respondents=people,
        disputes={"accuracy_threshold_pct": Dispute("accuracy_threshold_pct", voices, "t")},
    )
    page = render_page(merged)
    assert "- Accuracy bar: not answered yet: the respondents disagree (see the appendix)" in page
    assert "Open disagreements: 1 among 2 respondents" in page
    unmerged = make_snapshot(data.assessment, [], answers, {}, {}, data.packset)
    assert merged.digest != unmerged.digest  # the seal covers who said what
    other = {"accuracy_threshold_pct": Dispute("accuracy_threshold_pct", voices[:1], "t")}
    remerged = make_snapshot(
        data.assessment, [], answers, {}, {}, data.packset, respondents=people, disputes=other
    )
    assert remerged.digest not in (merged.digest, unmerged.digest)


def test_the_page_of_an_assessment_never_merged_is_unchanged():
    data = demo_data()
    assert data.respondents == [] and data.disputes == {}
    assert "disagreement" not in render_page(data) + render_appendix(data)
    assert '"disputes"' not in render_json(data) and '"respondents"' not in render_json(data)


def test_the_appendix_lists_open_and_settled_disagreements_with_every_answer(kickoff_db):
    packset = shipped_packset()
    with Store.open(kickoff_db) as store:
        session = Session.open(store, packset, "kickoff")
        session.answer("judge_agreement_pct", 89, answered_by="Dana Lead")  # settled by answering
        session.answer("judge_agreement_pct", 91, answered_by="Dana Lead")  # and changed after
        eve = _demo_source(  # the same file but for lineage, where Eve now agrees
            packset,
            EVE,
            {"accuracy_measured_pct": 84, "judge_agreement_pct": 93, "data_lineage_tracked": "no"},
            note=NOTE,
        )
        assert _merge(session, packset, eve).settled == ["data_lineage_tracked"]  # by a merge
        data = snapshot_from_store(store, "kickoff", packset)
    assert sorted(data.open_disputes) == ["accuracy_measured_pct", "kpi_owner_agreed"]
    appendix = render_appendix(data)
    headings, tables = structure(appendix)
    h2 = [h for level, h in headings if level == 2]
    # Read from a store, the appendix opens with what changed since the last export.
    assert h2[:5] == [
        "Changes since the last export",
        "Participants",
        "Respondents",
        "Open disagreements",
        "Settled disagreements",
    ]
    h3 = [h for level, h in headings if level == 3]
    assert h3 == [
        "kpi_owner_agreed Has a named business person agreed to own the KPI target?",
        "accuracy_measured_pct What pass rate does the current version reach on the golden set?",
        "judge_agreement_pct How often does the LLM judge agree with human scores on the golden "
        "set?",
        "data_lineage_tracked Is lineage tracked from each source to the model's input?",
    ]
    voices = [t for t in tables if t.header == ["Respondent", "Answer", "Note", "Evidence"]]
    assert len(voices) == 4
    accuracy = voices[1].rows
    assert [row[:2] for row in accuracy] == [
        ["Ana Silva", "86 %"],
        [one_line(EVE), "84 %"],
        ["Chen Wei", "86 %"],
    ]
    assert accuracy[1][2] == one_line(NOTE)  # the note on one line, pipes and tags as typed
    for table in tables:
        assert all(len(row) == len(table.header) for row in table.rows)
    respondents = next(t for t in tables if t.header[0] == "Respondent" and "Source" in t.header)
    assert [row[0] for row in respondents.rows] == ["Ana Silva", one_line(EVE), "Chen Wei"]
    assert "Acceptance criteria · required · settled " in appendix
    assert "by Dana Lead, answered here: 89 %; the answer now: 91 %" in appendix
    assert "by a later merge: the respondents agreed; the answer now: no" in appendix
    assert "disputed (see Open disagreements)" in appendix  # the areas' tables point there
    assert len(html_tags(appendix)) == 2
    assert not any(href.lower().startswith("javascript") for href in links(appendix))


def test_the_hostile_name_renders_literally_everywhere(kickoff_db):
    from tests.export_md import MD

    appendix = render_appendix(_data(kickoff_db))
    cells = [rendered_text(t) for t in MD.parse(appendix) if t.type == "inline"]
    named = [cell for cell in cells if "|Eve" in cell]
    # Alone: participants, respondents and her answer to each of 4 questions; in "By" lists too.
    assert sum(cell == EVE for cell in named) == 6
    assert all(EVE in cell for cell in named)
    html = render_pack_html(_data(kickoff_db))
    assert "<b>|Eve|" not in html and "&lt;b&gt;|Eve|" in html
    assert 'href="javascript' not in html


def test_json_carries_the_disagreements_and_keeps_its_seal(kickoff_db):
    text = render_json(_data(kickoff_db))
    doc = json.loads(text)
    assert [r["name"] for r in doc["respondents"]] == ["Ana Silva", EVE, "Chen Wei"]
    disputes = {d["question_id"]: d for d in doc["disputes"]}
    assert set(disputes) == {
        "kpi_owner_agreed",
        "judge_agreement_pct",
        "accuracy_measured_pct",
        "data_lineage_tracked",
    }
    accuracy = disputes["accuracy_measured_pct"]
    assert accuracy["open"] is True and accuracy["pack"] == "acceptance"
    assert [(v["name"], v["value"], v["display"]) for v in accuracy["voices"]] == [
        ("Ana Silva", 86, "86 %"),
        (EVE, 84, "84 %"),
        ("Chen Wei", 86, "86 %"),
    ]
    assert accuracy["voices"][1]["note"] == NOTE  # stored text, exactly
    assert read_any(text).intact


def test_verify_passes_on_every_format_of_a_merged_export(kickoff_db, tmp_path):
    out = tmp_path / "packs"
    for fmt in ("md", "json", "html"):
        done = run_cli("export", "kickoff", "--format", fmt, "--out", f"{out}/", db=kickoff_db)
        assert done.returncode == 0, done.stderr
    files = sorted(out.iterdir())
    assert len(files) == 4
    for path in files:
        checked = run_cli("verify", str(path), db=kickoff_db)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    page = (out / "kickoff-receipts.md").read_text()
    assert "Open disagreements: 4 among 3 respondents" in page


def test_another_date_keeps_the_disagreements(kickoff_db):
    data = _data(kickoff_db)
    later = redate(data, "2030-01-01")
    assert later.disputes == data.disputes and later.respondents == data.respondents


# -- plain mode ----------------------------------------------------------------------------------

TINY = """
id = "tiny"
title = "Tiny"
version = "1.0"
description = "Two questions."

[[questions]]
id = "ready"
text = "Ready?"
help = "Yes or no."
kind = "yes_no"

[[questions]]
id = "cases"
text = "How many cases?"
help = "Exact."
kind = "number"
required = false
min = 0
max = 1000
"""


def _tiny(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir(exist_ok=True)
    (folder / "tiny.toml").write_text(TINY)
    result = load_packs([folder], use_cache=False)
    assert result.ok, result.problems
    return result.packset


def _src(packset, name, note=None, **answers):
    return source_from(
        packset,
        name=name,
        source=f"{name}.json",
        answers={qid: _record(qid, v, note, name) for qid, v in answers.items()},
    )


def test_plain_mode_shows_the_voices_and_answering_settles_the_disagreement(tmp_path):
    packset = _tiny(tmp_path)
    with Store.open(tmp_path / "t.db") as store:
        session = Session.create(store, packset, "kickoff")
        _merge(session, packset, _src(packset, "Ana", ready="yes"), _src(packset, EVE, ready="no"))
        result, printed = walk(session, packset, ENTER + ":q" + ENTER, answered_by="Lead")
        assert result.saved == ["ready"]
        shown = printed.index(f"  Respondents disagree: Ana: yes · {one_line(EVE)}: no")
        assert printed[shown - 2] == "Tiny · 1 of 2"
        assert "  Disagreement settled: yes (each respondent's answer is kept)" in printed
        assert session.disputes() == {}
        settled = Session.open(store, packset, "kickoff").all_disputes()["ready"]
        assert (settled.resolved_how, settled.resolved_by, settled.resolved_value) == (
            "answered",
            "Lead",
            "yes",
        )
        assert [v.value for v in settled.voices] == ["yes", "no"]


def test_plain_mode_gives_each_voice_a_line_when_there_are_notes_or_it_is_long(tmp_path):
    packset = _tiny(tmp_path)
    with Store.open(tmp_path / "t.db") as store:
        session = Session.create(store, packset, "kickoff")
        _merge(
            session,
            packset,
            _src(packset, "Ana", cases=1),
            _src(packset, "Ben", note="counted twice\n\x1b[31mred", cases=2),
        )
        assert quick_lines(packset, session.disputes()["cases"]) == [
            "  Respondents disagree:",
            "    Ana: 1",
            "    Ben: 2 — counted twice [31mred",
        ]
        long_names = Session.create(store, packset, "second")
        people = [_src(packset, f"Respondent number {n} " + "x" * 20, cases=n) for n in (1, 2, 3)]
        _merge(long_names, packset, *people)
        lines = quick_lines(packset, long_names.disputes()["cases"])
        assert lines[0] == "  Respondents disagree:" and len(lines) == 4
        assert all(line.startswith("    Respondent number ") for line in lines[1:])


def test_an_answer_file_says_which_disagreements_it_settled(kickoff_db, tmp_path):
    answers = tmp_path / "settle.toml"
    answers.write_text("judge_agreement_pct = 89\n")
    done = run_cli(
        "quick", "kickoff", "--as", "Dana Lead (Lead)", "--answers", str(answers), db=kickoff_db
    )
    assert done.returncode == 1, done.stderr
    assert "Settled 1 disagreement(s): judge_agreement_pct." in done.stdout.splitlines()
    check = run_cli("check", "kickoff", db=kickoff_db).stdout
    assert "3 open disagreements among 3 respondents (1 settled)" in check
