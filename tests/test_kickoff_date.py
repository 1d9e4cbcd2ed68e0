"""The kickoff is asked once, as a day, and the weeks since are derived on the day each
evaluation is made (`today`): nobody updates a number at each review, and a pilot stalls
with time alone. Every evaluator hands the day in: the session (its day), an export (the
pack date), each side of a diff (its own day), a merge, the portfolio (its build day)."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from app.commands.diff import report
from app.core import expr
from app.core.answers import TODAY_WORD, parse_text
from app.core.engine import GateState, evaluate, evaluate_changed
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from app.export.snapshot import make_snapshot
from app.interchange.diff import render_text
from app.session import Session
from app.store import rows

PACK = textwrap.dedent(
    """
    id = "clock"
    title = "Clock"
    version = "1.0"
    description = "A pack that reads the day."

    [[questions]]
    id = "kickoff"
    text = "On what day did the pilot kick off?"
    help = "A day."
    kind = "date"

    [[questions]]
    id = "dated"
    text = "Is there a production date?"
    help = "Yes or no."
    kind = "yes_no"

    [[questions]]
    id = "late_note"
    text = "Why so long?"
    help = "Asked after 90 days."
    kind = "text"
    required = false
    show_if = "days_between(kickoff, today) > 90"

    [[derived]]
    id = "weeks"
    title = "Weeks since kickoff"
    expr = "days_between(kickoff, today) // 7"
    unit = "weeks"

    [[gates]]
    id = "stalled"
    title = "Pilot stalled"
    level = "amber"
    when = 'weeks > 26 and dated == "no"'
    why = "Stuck."
    fix = "Date it."
    receipt = "production_plan"
    """
)


@pytest.fixture(scope="module")
def clock_pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clock")
    (folder / "clock.toml").write_text(PACK, encoding="utf-8")
    result = load_packs([folder])
    assert result.ok, result.problems
    return result.packset


@pytest.fixture(scope="module")
def shipped():
    result = load_packs([shipped_dir()])
    assert result.ok, result.problems
    return result.packset


# -- the expression ----------------------------------------------------------------------------


def test_days_between_counts_days_forwards_and_backwards():
    between = expr.parse("days_between(a, b)")
    assert between.evaluate({"a": "2026-01-01", "b": "2026-01-15"}) == 14
    assert between.evaluate({"a": "2026-01-15", "b": "2026-01-01"}) == -14
    assert between.evaluate({"a": "2024-02-28", "b": "2024-03-01"}) == 2  # a leap year
    assert between.evaluate({"a": expr.UNKNOWN, "b": "2026-01-01"}) is expr.UNKNOWN
    assert between.evaluate({"a": expr.HIDDEN, "b": "2026-01-01"}) is expr.HIDDEN
    value, why = between.evaluate_why({"a": "next week", "b": "2026-01-01"})
    assert value is expr.UNKNOWN and why == "days_between() takes two days as YYYY-MM-DD"
    assert between.evaluate_why({"a": 3, "b": "2026-01-01"})[1] == why


def test_today_is_a_name_every_pack_may_read_and_none_may_define(tmp_path):
    assert "today" in expr.parse("days_between(kickoff, today) > 7").names
    for section, extra in (
        ("questions", 'kind = "date"\ntext = "When?"'),
        ("derived", 'title = "Now"\nexpr = "1"'),
    ):
        (tmp_path / "p.toml").write_text(
            'id = "p"\ntitle = "P"\nversion = "1"\ndescription = "d"\n\n'
            f'[[{section}]]\nid = "today"\n{extra}\n',
            encoding="utf-8",
        )
        result = load_packs([tmp_path])
        assert not result.ok
        found = [(p.location, p.message) for p in result.problems]
        assert any(
            "'today' is a reserved word in expressions" in message and section in location
            for location, message in found
        ), found


def test_a_misspelt_today_is_a_load_error_that_suggests_it(tmp_path):
    (tmp_path / "p.toml").write_text(
        PACK.replace("days_between(kickoff, today) // 7", "days_between(kickoff, todya) // 7"),
        encoding="utf-8",
    )
    result = load_packs([tmp_path])
    assert not result.ok
    assert [p.location for p in result.problems] == ["derived.weeks.expr"]
    assert "unknown name(s) todya" in result.problems[0].message
    assert "did you mean today?" in result.problems[0].message


# -- the engine ----------------------------------------------------------------------------


def test_the_weeks_follow_the_day_and_the_pilot_stalls_with_time(shipped):
    answers = {"kickoff_date": "2026-01-01", "production_date_set": "no"}
    on_time = evaluate(shipped, answers, today="2026-07-02")  # 182 days: 26 weeks
    assert on_time.derived("weeks_since_kickoff") == 26
    assert on_time.gates["stalled_pilot"].state is GateState.clear
    late = evaluate(shipped, answers, today="2026-07-09")
    assert late.derived("weeks_since_kickoff") == 27
    assert late.gates["stalled_pilot"].state is GateState.amber
    dated = evaluate(shipped, {**answers, "production_date_set": "yes"}, today="2026-07-09")
    assert dated.gates["stalled_pilot"].state is GateState.clear


def test_without_a_day_what_reads_it_is_unknown_not_guessed(shipped):
    found = evaluate(shipped, {"kickoff_date": "2026-01-01", "production_date_set": "no"})
    assert found.today is None
    assert found.derived("weeks_since_kickoff") is None
    assert found.gates["stalled_pilot"].state is GateState.unknown


def test_a_show_if_may_read_the_day(clock_pack):
    answers = {"kickoff": "2026-01-01"}
    assert not evaluate(clock_pack, answers, today="2026-03-01").visible["late_note"]
    assert evaluate(clock_pack, answers, today="2026-06-01").visible["late_note"]


def test_the_incremental_evaluation_recomputes_what_reads_the_day_when_it_moves(clock_pack):
    answers = {"kickoff": "2026-01-01", "dated": "no"}
    before = evaluate(clock_pack, answers, today="2026-03-01")
    for day in ("2026-03-02", "2026-07-10", "2027-01-01", "2025-12-01"):
        moved = evaluate_changed(clock_pack, before, dict(answers), today=day)
        full = evaluate(clock_pack, answers, today=day)
        assert moved.values == full.values
        assert moved.visible == full.visible
        assert {g: r.state for g, r in moved.gates.items()} == {
            g: r.state for g, r in full.gates.items()
        }
        assert moved.areas == full.areas and moved.verdict is full.verdict
        assert moved.today == day
        before = moved
    # The same day and the same answers: nothing to do.
    assert evaluate_changed(clock_pack, before, dict(answers), today=before.today) is before


def test_dependants_of_the_day_reach_its_readers(clock_pack):
    nodes, gates = clock_pack.dependants({expr.TODAY})
    assert set(nodes) == {"late_note", "weeks"} and gates == ["stalled"]
    assert clock_pack.gate_reads_day("stalled")


# -- the session and the people ----------------------------------------------------------


def test_typing_today_for_a_date_saves_the_sessions_day(store, shipped):
    session = Session.create(store, shipped, "Pilot", today=lambda: "2026-12-01")
    question = shipped.questions["kickoff_date"]
    typed = parse_text(question, " Today ")
    assert typed == TODAY_WORD
    record, _ = session.answer("kickoff_date", typed)
    assert record.value == "2026-12-01"
    assert session.evaluation.derived("weeks_since_kickoff") == 0


def test_an_open_session_counts_on_its_own_day_and_a_later_one_sees_the_stall(store, shipped):
    days = iter(["2026-03-01"] * 10)
    session = Session.create(store, shipped, "Pilot", today=lambda: next(days, "2026-03-01"))
    session.answer("kickoff_date", "2026-01-05")
    session.answer("production_date_set", "no")
    assert session.evaluation.gates["stalled_pilot"].state is GateState.clear
    assert session.evaluation.derived("weeks_since_kickoff") == 7
    later = Session.open(store, shipped, session.id, today=lambda: "2026-09-01")
    assert later.evaluation.derived("weeks_since_kickoff") == 34
    assert later.evaluation.gates["stalled_pilot"].state is GateState.amber
    # A sitting that runs past midnight: the next answer is judged on the new day.
    clock = ["2026-07-05"]
    running = Session.open(store, shipped, session.id, today=lambda: clock[0])
    assert running.evaluation.gates["stalled_pilot"].state is GateState.clear  # 26 weeks
    clock[0] = "2026-07-13"
    _, moved = running.answer("team_skills", ["devops"])
    assert running.evaluation.gates["stalled_pilot"].state is GateState.amber
    assert "stalled_pilot" in {m.gate.id for m in moved}
    assert store.get(session.id).summary.amber == running.evaluation.counts()["amber"]


def test_an_export_counts_the_weeks_on_its_pack_date_so_it_never_changes(store, shipped):
    session = Session.create(store, shipped, "Pilot", today=lambda: "2026-12-01")
    session.answer("kickoff_date", "2025-12-29")
    record = session.answers["kickoff_date"]
    answers = {"kickoff_date": record}
    pinned = make_snapshot(session.assessment, [], answers, {}, {}, shipped, date="2026-03-02")
    assert pinned.evaluation.derived("weeks_since_kickoff") == 9
    assert pinned.evaluation.today == "2026-03-02"
    undated = make_snapshot(session.assessment, [], answers, {}, {}, shipped)
    assert undated.evaluation.today == record.answered_at[:10]  # the pack date


def test_the_demo_page_shows_the_weeks_as_of_its_date():
    from tests.export_demo import demo_data

    data = demo_data()
    assert data.date == "2026-03-02"
    assert data.evaluation.derived("weeks_since_kickoff") == 9
    from app.export.page import render_page

    assert "- Weeks since kickoff: 9 weeks" in render_page(data)


def test_check_judges_the_weeks_on_the_real_day(cli, tmp_path):
    import datetime as dt

    db = tmp_path / "p.db"
    assert cli("new", "Pilot", db=db).returncode == 0
    kickoff = (dt.date.today() - dt.timedelta(days=7 * 30)).isoformat()
    answers = tmp_path / "a.toml"
    answers.write_text(
        f'kickoff_date = "{kickoff}"\nproduction_date_set = "no"\n', encoding="utf-8"
    )
    saved = cli("quick", "pilot", "--answers", str(answers), db=db)
    assert saved.returncode == 3, saved.stderr  # saved; INCOMPLETE, as the rest is unanswered
    out = cli("check", "pilot", db=db).stdout
    assert re.search(r"! AMBER +Pilot stalled", out), out
    shown = cli("export", "pilot", "--format", "json", "--out", str(tmp_path / "x.json"), db=db)
    assert shown.returncode == 0, shown.stderr
    found = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    weeks = next(d for d in found["derived"] if d["id"] == "weeks_since_kickoff")
    assert weeks["value"] == 30  # answered today, so the pack date is today


# -- diff: the day alone can move a gate ----------------------------------------------------


class _Clock:
    at = "2026-01-05T09:00:00Z"

    def __call__(self) -> str:
        return self.at


def test_diff_says_the_day_moved_a_gate_that_no_answer_moved(store, clock_pack, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(rows, "now", clock)
    session = Session.create(store, clock_pack, "Pilot", today=lambda: "2026-01-05")
    session.answer("kickoff", "2026-01-05")
    session.answer("dated", "no")
    found, heading = report(store, clock_pack, "pilot", since="2026-01-06", today="2026-09-01")
    assert [(g["gate"], g["old"], g["new"]) for g in found["gates"]] == [
        ("stalled", "clear", "amber")
    ]
    gate = found["gates"][0]
    assert gate["moved_by"] == [] and gate["day"] == ["2026-01-06", "2026-09-01"]
    text = "\n".join(render_text(found, heading))
    assert "moved by: the day (2026-01-06 → 2026-09-01)" in text
    assert found["answers"] == []


def test_an_answer_file_may_say_today_for_a_date(tmp_path, shipped):
    from app.core.answerfile import read_answer_file

    path = tmp_path / "a.toml"
    path.write_text('kickoff_date = "today"\n', encoding="utf-8")
    found = read_answer_file(path, shipped, today="2026-12-01")
    assert [(e.question_id, e.value) for e in found.entries] == [("kickoff_date", "2026-12-01")]


def test_diff_since_an_export_judges_its_side_on_the_pages_date(cli, tmp_path):
    """The page in hand was judged on its own date: "since the last export" starts there, so
    a gate the calendar moved since the page shows up, named as moved by the day."""
    import datetime as dt

    db = tmp_path / "p.db"
    assert cli("new", "Pilot", "--packs", "adoption", db=db).returncode == 0
    today = dt.date.today()
    kickoff, page_day = today - dt.timedelta(weeks=30), today - dt.timedelta(weeks=10)
    answers = tmp_path / "a.toml"
    answers.write_text(
        f'kickoff_date = "{kickoff.isoformat()}"\nproduction_date_set = "no"\n', encoding="utf-8"
    )
    cli("quick", "pilot", "--answers", str(answers), db=db)
    out = tmp_path / "out"
    done = cli("export", "pilot", "--date", page_day.isoformat(), "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    page = next(out.glob("*-receipts.md")).read_text(encoding="utf-8")
    assert "- Weeks since kickoff: 20 weeks" in page
    found = cli("diff", "pilot", db=db).stdout
    assert re.search(r"! AMBER ← ✔ CLEAR +Pilot stalled", found), found
    assert f"moved by: the day ({page_day.isoformat()} → {today.isoformat()})" in found


def test_kickoff_dates_a_few_days_apart_agree_at_the_middle_day_given(shipped):
    from app.interchange.merge import agreement

    kickoff = shipped.questions["kickoff_date"]
    assert kickoff.agree_within == 7
    assert agreement(kickoff, ["2026-01-05", "2026-01-07"]) == (True, "2026-01-05")
    assert agreement(kickoff, ["2026-01-09", "2026-01-05", "2026-01-07"]) == (True, "2026-01-07")
    assert agreement(kickoff, ["2026-01-05", "2026-01-12"]) == (True, "2026-01-05")
    assert agreement(kickoff, ["2026-01-05", "2026-01-13"]) == (False, None)
    assert agreement(kickoff, ["2026-01-05", "2026-01-05"]) == (True, "2026-01-05")


def test_agree_within_fits_numbers_and_dates_only(tmp_path):
    (tmp_path / "p.toml").write_text(
        PACK.replace('kind = "text"', 'kind = "text"\nagree_within = 2'), encoding="utf-8"
    )
    found = [p.message for p in load_packs([tmp_path]).problems]
    assert any("agree_within only fits number and date questions, not text" in m for m in found)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("days_between(kickoff, n1) > 3", "days_between() takes days; n1 is a number question"),
        ("days_between(n1, today) > 3", "days_between() takes days; n1 is a number question"),
        ('days_between(kickoff, "tomorrow") > 3', "takes days as YYYY-MM-DD, not 'tomorrow'"),
        ('days_between(kickoff, "2026-02-30") > 3', "not '2026-02-30'"),
        ("days_between(kickoff, 20260101) > 3", "not 20260101"),
        ("today", "today is a day: read it through days_between(day, today)"),
        ('today > "2026-01-01"', "today is a day: read it through days_between"),
        ("today + 1 > 3", "today is a day: read it through days_between"),
    ],
)
def test_a_day_read_wrongly_is_refused_when_the_pack_loads(tmp_path, when, message):
    text = PACK.replace(
        "when = 'weeks > 26 and dated == \"no\"'", f"when = '{when}'"
    ) + textwrap.dedent(
        """
        [[questions]]
        id = "n1"
        text = "A number?"
        help = "Any."
        kind = "number"
        """
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    found = [(p.location, p.message) for p in load_packs([tmp_path]).problems]
    assert any(loc == "gates.stalled.when" and message in m for loc, m in found), found


def test_a_score_cannot_add_up_the_day(tmp_path):
    text = (
        "format = 2\n"
        + PACK
        + textwrap.dedent(
            """
        [[scores]]
        id = "s1"
        title = "S"
        items = ["today"]
        """
        )
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    found = [(p.location, p.message) for p in load_packs([tmp_path]).problems]
    assert ("scores.s1.items[0]", "today is a day, not a number to score") in found, found


def test_a_kickoff_still_to_come_counts_no_weeks(shipped):
    later = evaluate(shipped, {"kickoff_date": "2027-06-01"}, today="2026-12-01")
    assert later.derived("weeks_since_kickoff") == 0


def test_a_bad_day_typed_says_today_is_an_answer_too(shipped):
    from app.core.answers import AnswerError

    with pytest.raises(AnswerError, match=r"expected a date as YYYY-MM-DD or today, got 'next"):
        parse_text(shipped.questions["kickoff_date"], "next week")


@pytest.mark.parametrize("given", ["TODAY", " today ", "Today"])
def test_an_answer_file_takes_today_as_the_wizard_does(tmp_path, shipped, given):
    from app.core.answerfile import read_answer_file

    path = tmp_path / "a.toml"
    path.write_text(f'kickoff_date = "{given}"\n', encoding="utf-8")
    found = read_answer_file(path, shipped, today="2026-12-01")
    assert [e.value for e in found.entries] == ["2026-12-01"]


def test_an_answer_file_giving_the_weeks_is_told_to_give_the_kickoff_date(tmp_path, shipped):
    """A file written for the old pack (`weeks_since_kickoff = 9`) names what to answer."""
    from app.core.answerfile import AnswerFileError, read_answer_file

    path = tmp_path / "a.toml"
    path.write_text('weeks_since_kickoff = 9\nkickof_date = "2026-01-01"\n', encoding="utf-8")
    with pytest.raises(AnswerFileError) as caught:
        read_answer_file(path, shipped, today="2026-12-01")
    assert caught.value.lines == [
        f"{path}: weeks_since_kickoff: is worked out from other answers, not asked; "
        "answer kickoff_date instead",
        f"{path}: kickof_date: unknown question id; did you mean kickoff_date?",
    ]
