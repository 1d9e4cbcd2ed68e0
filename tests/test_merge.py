"""Merging respondents: agreement, disagreement, tolerance, hidden and partial answers,
resolution by answering, re-merging, the verdict, and hostile names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.agenda import DISPUTED, RED, UNKNOWN
from app.core.packs import load_packs
from app.interchange.merge import MergeError, Target, plan, source_from
from app.session import Session
from app.store.models import AnswerRecord, ResolvedHow

PACK = """
id = "m"
title = "Merge test"
version = "1.0"
description = "Questions for merging."

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
agree_within = 50

[[questions]]
id = "cases"
text = "How many cases?"
help = "Exact."
kind = "number"
min = 0
max = 1000

[[questions]]
id = "goal"
text = "Goal?"
help = "Text."
kind = "text"
required = false

[[questions]]
id = "owner"
text = "Owner?"
help = "A person."
kind = "person"

[[questions]]
id = "methods"
text = "Methods?"
help = "Several."
kind = "multi"
options = [{ id = "a", label = "A" }, { id = "b", label = "B" }]

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
def mpack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mpack")
    (folder / "m.toml").write_text(PACK)
    result = load_packs([folder], use_cache=False)
    assert result.ok, result.problems
    return result.packset


def rec(qid, value, note=None, by=None):
    return AnswerRecord(
        assessment_id=0,
        question_id=qid,
        value=value,
        note=note,
        answered_by=by,
        answered_at="2026-11-30T10:00:00Z",
    )


def src(packset, name, **answers):
    return source_from(
        packset,
        name=name,
        source=f"{name.lower()}.preflight.json",
        answers={qid: rec(qid, v, by=name) for qid, v in answers.items()},
    )


def merge(session, packset, *sources):
    target = Target(
        answers=session.answers,
        respondents=session.respondents(),
        merged=session.merged_values(),
        disputed=frozenset(session.disputes()),
    )
    outcome = plan(packset, target, list(sources))
    session.apply_merge(outcome.change)
    return outcome


@pytest.fixture
def kickoff(store, mpack):
    return Session.create(store, mpack, "kickoff")


def test_agreeing_answers_are_the_answer_and_each_respondent_is_kept(kickoff, mpack):
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", ready="yes", cases=12, methods=["a", "b"]),
        src(mpack, "Ben", ready="yes", cases=12, methods=["a", "b"]),
    )
    answers = kickoff.answers
    assert answers["ready"].value == "yes" and answers["cases"].value == 12
    assert answers["ready"].answered_by == "Ana, Ben"
    assert kickoff.disputes() == {}
    people = kickoff.respondents()
    assert [p.name for p in people] == ["Ana", "Ben"]
    assert people[1].answers["cases"].value == 12
    assert {p.name for p in kickoff.participants()} == {"Ana", "Ben"}


def test_differing_answers_are_disputed_and_count_as_not_answered(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"), src(mpack, "Ben", ready="no"))
    assert "ready" not in kickoff.answers
    dispute = kickoff.disputes()["ready"]
    assert [(v.name, v.value) for v in dispute.voices] == [("Ana", "yes"), ("Ben", "no")]
    evaluation = kickoff.evaluation
    assert evaluation.verdict.value == "INCOMPLETE"  # never GO while a required one is disputed
    assert evaluation.gates["not_ready"].state.value == "unknown"  # no gate decided by a pick
    assert kickoff.assessment.summary.answered == 0


def test_partial_answers_take_whoever_answered(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", cases=7), src(mpack, "Ben", ready="no"))
    assert kickoff.answers["cases"].value == 7 and kickoff.answers["cases"].answered_by == "Ana"
    assert kickoff.answers["ready"].value == "no"
    assert kickoff.disputes() == {}


def test_an_answer_hidden_under_the_respondents_own_answers_is_not_a_voice(kickoff, mpack):
    ana = src(mpack, "Ana", ready="no", detail="stale detail")  # detail hidden for Ana
    assert "detail" not in ana.answers and ana.left_out == 1
    ben = src(mpack, "Ben", ready="no")
    merge(kickoff, mpack, ana, ben)
    assert "detail" not in kickoff.answers and kickoff.disputes() == {}
    assert "detail" not in kickoff.respondents()[0].answers


def test_numbers_within_agree_within_agree_at_their_median(kickoff, mpack):
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", latency=200, cases=3),
        src(mpack, "Ben", latency=240, cases=4),
        src(mpack, "Chen", latency=210),
    )
    assert kickoff.answers["latency"].value == 210
    assert "cases" in kickoff.disputes()  # no tolerance on count: 3 and 4 differ


def test_numbers_beyond_agree_within_are_disputed_and_even_medians(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", latency=200), src(mpack, "Ben", latency=251))
    assert "latency" in kickoff.disputes()
    other = Session.create(kickoff.store, mpack, "other")
    merge(other, mpack, src(mpack, "Ana", latency=225), src(mpack, "Ben", latency=200))
    assert other.answers["latency"].value == 200  # whole numbers: the lower middle one
    third = Session.create(kickoff.store, mpack, "third")
    merge(third, mpack, src(mpack, "Ana", latency=200.5), src(mpack, "Ben", latency=225))
    assert third.answers["latency"].value == 212.75


def test_a_median_never_decides_a_gate_one_answer_would_decide_otherwise(kickoff, mpack):
    # `slow` is red over 1000 ms: 990 and 1020 agree within 50, but read differently to it.
    merge(kickoff, mpack, src(mpack, "Ana", latency=990), src(mpack, "Ben", latency=1020))
    assert "latency" in kickoff.disputes() and "latency" not in kickoff.answers
    other = Session.create(kickoff.store, mpack, "other")
    merge(other, mpack, src(mpack, "Ana", latency=1010), src(mpack, "Ben", latency=1040))
    assert other.answers["latency"].value == 1010  # both red: they agree
    assert other.evaluation.gates["slow"].state.value == "red"


def test_the_shipped_gates_split_close_numbers_across_a_threshold(store):
    from tests.export_demo import shipped_packset

    packs = shipped_packset()
    session = Session.create(store, packs, "kickoff")
    merge(
        session,
        packs,
        src(packs, "Ana", p95_latency_ms=400, latency_sla_ms=420),
        src(packs, "Ben", p95_latency_ms=440, latency_sla_ms=420),
    )
    assert "p95_latency_ms" in session.disputes()  # Ben's alone would be over the SLA


def test_a_merge_never_claims_an_answer_given_here(kickoff, mpack):
    kickoff.answer("ready", "yes", answered_by="Lead")
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"))  # agrees with the lead
    assert kickoff.answers["ready"].answered_by == "Lead"
    merge(kickoff, mpack, src(mpack, "Ana", ready="no"))  # Ana changes her mind
    assert "ready" not in kickoff.answers
    voices = kickoff.disputes()["ready"].voices
    assert [(v.name, v.value, v.here) for v in voices] == [
        ("Ana", "no", False),
        ("Lead", "yes", True),
    ]


def test_text_and_people_agree_case_and_spacing_aside(kickoff, mpack):
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", goal="Cut  handle time", owner={"name": "Dana Whit", "role": ""}),
        src(mpack, "Ben", goal="cut handle time", owner={"name": "dana whit", "role": "Ops"}),
    )
    assert kickoff.answers["goal"].value == "Cut  handle time"  # a tie: the first spelling
    assert kickoff.answers["owner"].value == {"name": "dana whit", "role": "Ops"}  # has a role


def test_agreed_text_takes_the_spelling_most_respondents_wrote(kickoff, mpack):
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", goal="marco okafor", owner={"name": "dana whit", "role": "ops"}),
        src(mpack, "Ben", goal="Marco Okafor", owner={"name": "Dana Whit", "role": "Ops"}),
        src(mpack, "Chen", goal="Marco Okafor", owner={"name": "Dana Whit", "role": "Ops"}),
    )
    assert kickoff.answers["goal"].value == "Marco Okafor"
    assert kickoff.answers["owner"].value == {"name": "Dana Whit", "role": "Ops"}
    assert kickoff.disputes() == {}


def test_agreed_notes_name_who_wrote_them(kickoff, mpack):
    ana = source_from(
        mpack, name="Ana", source="a", answers={"ready": rec("ready", "yes", "baseline ok")}
    )
    ben = source_from(
        mpack, name="Ben", source="b", answers={"ready": rec("ready", "yes", "signed")}
    )
    merge(kickoff, mpack, ana, ben)
    assert kickoff.answers["ready"].note == "Ana: baseline ok\nBen: signed"


def test_answering_settles_a_dispute_and_keeps_what_each_respondent_said(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"), src(mpack, "Ben", ready="no"))
    kickoff.answer("ready", "yes", answered_by="Lead")
    assert kickoff.disputes() == {}
    assert Session.open(kickoff.store, mpack, kickoff.id).disputes() == {}
    settled = kickoff.all_disputes()["ready"]
    assert settled.resolved_how == ResolvedHow.answered
    assert (settled.resolved_by, settled.resolved_value) == ("Lead", "yes")
    assert [(v.name, v.value) for v in settled.voices] == [("Ana", "yes"), ("Ben", "no")]
    assert kickoff.answers["ready"].value == "yes"


def test_an_answer_file_settles_a_dispute_too(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", cases=1), src(mpack, "Ben", cases=2))
    kickoff.apply([("cases", 2, None, None)], answered_by="Lead")
    assert kickoff.disputes() == {}
    assert kickoff.all_disputes()["cases"].resolved_value == 2


def test_re_merging_a_respondent_updates_them_and_keeps_what_was_settled(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"), src(mpack, "Ben", ready="no"))
    kickoff.answer("ready", "yes", answered_by="Lead")
    # Ben's newer file: same answer to `ready`, a new one to `count`.
    outcome = merge(kickoff, mpack, src(mpack, "ben", ready="no", cases=5))
    assert outcome.updated == ["ben"] and outcome.added == []
    assert len(kickoff.respondents()) == 2
    assert kickoff.answers["ready"].value == "yes"  # not reopened: Ben's answer did not change
    assert kickoff.answers["cases"].value == 5
    # Ana now says no: the question opens again, with the team's answer among the voices.
    merge(kickoff, mpack, src(mpack, "Ana", ready="no"))
    dispute = kickoff.disputes()["ready"]
    assert "ready" not in kickoff.answers
    assert [(v.name, v.value, v.here) for v in dispute.voices] == [
        ("Ana", "no", False),
        ("ben", "no", False),
        ("Lead", "yes", True),
    ]


def test_a_merge_that_brings_agreement_settles_the_dispute(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"), src(mpack, "Ben", ready="no"))
    outcome = merge(kickoff, mpack, src(mpack, "Ben", ready="yes"))
    assert outcome.settled == ["ready"]
    assert kickoff.answers["ready"].value == "yes" and kickoff.disputes() == {}
    settled = kickoff.all_disputes()["ready"]
    assert settled.resolved_how == ResolvedHow.merged and settled.resolved_value == "yes"


def test_an_answer_given_here_is_a_voice(kickoff, mpack):
    kickoff.answer("cases", 9, answered_by="Lead")
    merge(kickoff, mpack, src(mpack, "Ana", cases=10))
    assert "cases" not in kickoff.answers
    voices = kickoff.disputes()["cases"].voices
    assert [(v.name, v.value, v.here) for v in voices] == [("Ana", 10, False), ("Lead", 9, True)]
    # History keeps the answer that was removed, and who removed it.
    last = kickoff.store.history(kickoff.id, "cases")[-1]
    assert (last.old_value, last.new_value, last.changed_by) == (9, None, "preflight merge")


def test_the_agenda_puts_disputes_first_then_red_then_unknown(kickoff, mpack):
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", ready="no", cases=1, latency=5000),
        src(mpack, "Ben", ready="no", cases=2, latency=5000),
    )
    items = kickoff.agenda()
    assert [(i.question_id, i.group) for i in items] == [
        ("cases", DISPUTED),
        ("ready", RED),
        ("latency", RED),
        ("owner", UNKNOWN),
        ("methods", UNKNOWN),
    ]
    assert items[0].reason == "Ana: 1 · Ben: 2"
    assert items[1].reason == "Not ready"


def test_hostile_names_are_kept_literally_and_bad_ones_refused(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "[bold]Eve[/bold] <b>|x|</b>", ready="yes"))
    assert kickoff.respondents()[0].name == "[bold]Eve[/bold] <b>|x|</b>"
    target = Target(answers={}, respondents=[], merged={}, disputed=frozenset())
    with pytest.raises(MergeError, match="control"):
        plan(mpack, target, [src(mpack, "Eve\x1b[31m")])
    with pytest.raises(MergeError, match="both by"):
        plan(mpack, target, [src(mpack, "Ana"), src(mpack, "ana ")])


# -- the command -------------------------------------------------------------------------------


def _answers(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


@pytest.fixture
def three(cli, tmp_path):
    """Three self-assessments of the shipped packs, shared as files."""
    db = tmp_path / "own.db"
    files = []
    for name, body in [
        ("ana", 'kpi_baseline_measured = "yes"\ngolden_set_size = 120\n'),
        ("ben", 'kpi_baseline_measured = "no"\ngolden_set_size = 120\n'),
        ("chen", 'golden_set_size = 120\neval_owner = "Chen Wei (PM)"\n'),
    ]:
        assert cli("new", f"{name} self", db=db).returncode == 0
        answers = _answers(tmp_path, name, body)
        done = cli(
            "quick",
            f"{name}-self",
            "--as",
            f"{name.title()} (eng)",
            "--answers",
            str(answers),
            db=db,
        )
        assert done.returncode in (0, 1, 3), done.stderr
        out = tmp_path / f"{name}.preflight.json"
        assert cli("share", f"{name}-self", "--out", str(out), db=db).returncode == 0
        files.append(str(out))
    return files


def test_cli_merge_files_into_a_new_assessment(cli, three, tmp_path):
    db = tmp_path / "lead.db"
    done = cli("merge", *three, "--into", "kickoff", db=db)
    assert done.returncode == 0, done.stderr
    assert "kickoff: 3 respondent(s); added Ana, Ben, Chen" in done.stdout
    assert "1 disputed" in done.stdout
    check = cli("check", "kickoff", db=db)
    assert check.returncode == 3  # INCOMPLETE
    again = cli("merge", three[1], "--into", "kickoff", db=db)
    assert "3 respondent(s); updated Ben" in again.stdout
    assert "0 question(s) agreed, 0 disputed" in again.stdout


def test_cli_merge_from_slugs_and_refusals(cli, three, tmp_path):
    db = tmp_path / "lead.db"
    for f in three:
        assert cli("import", f, db=db).returncode == 0
    done = cli("merge", "ana-self", "ben-self", "--into", "kickoff", db=db)
    assert done.returncode == 0, done.stderr
    into_self = cli("merge", "kickoff", "--into", "kickoff", db=db)
    assert into_self.returncode == 2 and "is the assessment merged into" in into_self.stderr
    missing = cli("merge", "nope.preflight.json", "--into", "kickoff", db=db)
    assert missing.returncode == 4 and "nope.preflight.json: no such file" in missing.stderr
    two_names = cli("merge", "ana-self", "ben-self", "--name", "X", "--into", "k2", db=db)
    assert two_names.returncode == 2
    same = cli("merge", "ana-self", three[0], "--into", "k3", db=db)
    assert same.returncode == 2 and "both by" in same.stderr
    listed = cli("list", db=db).stdout
    assert "k2" not in listed and "k3" not in listed  # a refused merge creates nothing


def test_cli_merge_refuses_a_damaged_file_and_writes_nothing(cli, three, tmp_path):
    db = tmp_path / "lead.db"
    content = json.loads(Path(three[0]).read_text())
    content["answers"][0]["value"] = "edited"
    bad = tmp_path / "bad.preflight.json"
    bad.write_text(json.dumps(content))
    done = cli("merge", three[1], str(bad), "--into", "kickoff", db=db)
    assert done.returncode == 4 and "bad.preflight.json: digest" in done.stderr
    assert "kickoff" not in cli("list", db=db).stdout


def test_the_shipped_packs_let_close_measurements_agree(store):
    from tests.export_demo import shipped_packset

    packs = shipped_packset()
    session = Session.create(store, packs, "kickoff")
    merge(
        session,
        packs,
        src(packs, "Ana", p95_latency_ms=400, latency_sla_ms=800),
        src(packs, "Ben", p95_latency_ms=420, latency_sla_ms=800),
        src(packs, "Chen", p95_latency_ms=430, latency_sla_ms=750),
    )
    assert session.answers["p95_latency_ms"].value == 420  # within agree_within = 50 ms
    assert "latency_sla_ms" in session.disputes()  # an SLA is a decision: no tolerance


def test_visibility_is_what_a_full_evaluation_shows():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from app.core.engine import evaluate, visibility
    from tests.export_demo import shipped_packset

    packs = shipped_packset()
    guarded = {q for q in packs.questions if packs.questions[q].show_if}
    read = sorted(
        {n for q in guarded for n in packs.compiled[f"show_if:{q}"].names} & set(packs.questions)
    )
    assert guarded and read

    def answer(qid):
        q = packs.questions[qid]
        if q.kind.value == "yes_no":
            return st.sampled_from(["yes", "no", "unknown"])
        if q.kind.value == "choice":
            return st.sampled_from(q.option_ids())
        if q.kind.value == "multi":
            return st.lists(st.sampled_from(q.option_ids()), unique=True)
        return st.none()

    @settings(max_examples=150, deadline=None)
    @given(st.fixed_dictionaries({}, optional={qid: answer(qid) for qid in read}))
    def check(values):
        values = {k: v for k, v in values.items() if v is not None}
        assert visibility(packs, values) == evaluate(packs, values).visible

    check()


def test_a_merge_into_a_new_assessment_is_one_transaction(store, mpack, monkeypatch):
    # A failure while writing the merge leaves no empty assessment behind.
    from app.store.merges import MergeWrites

    def boom(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(MergeWrites, "_put_respondent", boom)
    outcome = plan(
        mpack,
        Target(answers={}, respondents=[], merged={}, disputed=frozenset()),
        [src(mpack, "Ana", ready="yes")],
    )
    with pytest.raises(RuntimeError), store.transaction():
        session = Session.create(store, mpack, "kickoff")
        session.apply_merge(outcome.change)
    assert store.assessments() == []


def test_a_disputed_question_the_answers_hide_waits_off_the_agenda(kickoff, mpack):
    # Both disputed: `detail` is shown only when `ready` is yes, and `ready` is open.
    merge(
        kickoff,
        mpack,
        src(mpack, "Ana", ready="yes", detail="one"),
        src(mpack, "Ben", ready="yes", detail="two"),
        src(mpack, "Chen", ready="no"),
    )
    assert set(kickoff.disputes()) == {"ready", "detail"}
    assert [i.question_id for i in kickoff.agenda() if i.group == DISPUTED] == ["ready"]
    kickoff.answer("ready", "yes")
    assert [i.question_id for i in kickoff.agenda() if i.group == DISPUTED] == ["detail"]


def test_cli_merge_says_what_is_wrong_with_its_sources(cli, three, tmp_path):
    db = tmp_path / "lead.db"
    twice = cli("merge", three[0], three[0], "--into", "kickoff", db=db)
    assert twice.returncode == 2 and "given twice" in twice.stderr
    copy = tmp_path / "copy.preflight.json"
    copy.write_bytes(Path(three[0]).read_bytes())
    same = cli("merge", three[0], str(copy), "--into", "kickoff", db=db)
    assert same.returncode == 2 and "hold the same assessment" in same.stderr
    bad_name = cli("merge", three[0], "--name", "Eve\x1b[2J", "--into", "kickoff", db=db)
    assert bad_name.returncode == 2 and bad_name.stderr.startswith("preflight: --name: ")
    toml = tmp_path / "answers.toml"
    toml.write_text('kpi_baseline_measured = "yes"\n')
    answer_file = cli("merge", str(toml), "--into", "kickoff", db=db)
    assert answer_file.returncode == 4 and "an answer file, not an assessment file" in (
        answer_file.stderr
    )
    assert "kickoff" not in cli("list", db=db).stdout


def test_cli_merge_into_a_name_finds_it_the_second_time(cli, three, tmp_path):
    db = tmp_path / "lead.db"
    first = cli("merge", three[0], "--into", "Q3 kickoff", db=db)
    assert first.returncode == 0 and first.stdout.startswith("q3-kickoff: 1 respondent(s)")
    again = cli("merge", three[1], "--into", "Q3 kickoff", db=db)
    assert again.stdout.startswith("q3-kickoff: 2 respondent(s)"), again.stdout
    assert "q3-kickoff-2" not in cli("list", db=db).stdout


def test_quick_as_names_the_respondent(cli, tmp_path):
    # Answered with `quick --as`, then once more by a colleague on the same machine: the file
    # still names its owner, so merging the newer file updates her.
    db, lead = tmp_path / "own.db", tmp_path / "lead.db"
    assert cli("new", "Support summariser", db=db).returncode == 0
    answers = _answers(tmp_path, "a", 'kpi_baseline_measured = "yes"\n')
    cli("quick", "support-summariser", "--as", "Ana Silva (eng)", "--answers", str(answers), db=db)
    out = tmp_path / "ana.preflight.json"
    assert cli("share", "support-summariser", "--out", str(out), db=db).returncode == 0
    assert "added Ana Silva" in cli("merge", str(out), "--into", "kickoff", db=lead).stdout
    more = _answers(tmp_path, "b", "golden_set_size = 120\n")
    cli("quick", "support-summariser", "--as", "Ben (eng)", "--answers", str(more), db=db)
    cli("quick", "support-summariser", "--as", "Ana Silva", "--answers", str(answers), db=db)
    assert cli("share", "support-summariser", "--out", str(out), "--force", db=db).returncode == 0
    again = cli("merge", str(out), "--into", "kickoff", db=lead)
    assert "1 respondent(s); updated Ana Silva" in again.stdout, again.stdout


def test_a_value_of_another_shape_in_a_disagreement_never_crashes(store, mpack):
    from app.core.answers import display

    assert display(mpack.questions["latency"], "lots") == "lots"
    assert display(mpack.questions["owner"], "just text") == "just text"


def test_a_settled_disagreement_keeps_who_said_what_through_later_merges(kickoff, mpack):
    merge(kickoff, mpack, src(mpack, "Ana", ready="yes"), src(mpack, "Ben", ready="no"))
    kickoff.answer("ready", "no", answered_by="Lead")
    merge(kickoff, mpack, src(mpack, "Ana", ready="no"))  # Ana's newer file agrees now
    settled = kickoff.all_disputes()["ready"]
    assert [(v.name, v.value) for v in settled.voices] == [("Ana", "yes"), ("Ben", "no")]
    # A merge that settles keeps the answers that disagreed, not the ones that agree.
    merge(kickoff, mpack, src(mpack, "Ana", cases=1), src(mpack, "Ben", cases=2))
    merge(kickoff, mpack, src(mpack, "Ben", cases=1))
    by_merge = kickoff.all_disputes()["cases"]
    assert by_merge.resolved_how == ResolvedHow.merged and by_merge.resolved_value == 1
    assert [(v.name, v.value) for v in by_merge.voices] == [("Ana", 1), ("Ben", 2)]


def test_a_failed_write_inside_a_transaction_is_undone_alone(store, mpack):
    session = Session.create(store, mpack, "kickoff")
    with store.transaction():
        session.answer("ready", "yes")
        with pytest.raises(ValueError):
            store.save_answer(session.id, "cases", None)  # refused before writing
        try:
            with store._write() as db:
                db.execute("UPDATE answers SET note = 'half' WHERE assessment_id = ?", [session.id])
                raise RuntimeError("fails after writing")
        except RuntimeError:
            pass
    assert store.answers(session.id)["ready"].note is None  # the failed write left nothing
    assert store.answers(session.id)["ready"].value == "yes"  # the rest committed
