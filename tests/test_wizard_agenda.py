"""The wizard on a merged assessment: it opens on the agenda, ctrl+t walks it (disputed, red,
unknown), a disputed question shows each respondent's answer side by side as literal text,
and answering it settles the disagreement; an assessment nobody merged into keeps ctrl+t as
"next unanswered"."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input

from app.core.agenda import DISPUTED, RED, UNKNOWN, Item, counts, following
from app.interchange.merge import Target, plan, source_from
from app.session import Session
from app.store import Store
from app.store.models import AnswerRecord
from app.tui.app import make_app
from app.tui.screens.wizard import WizardScreen
from app.tui.widgets.answer_input import AnswerInput, ChoiceList
from app.tui.widgets.text_lines import TextLines

EVE = "[bold]Eve[/bold]"
"""A respondent whose name reads as Rich markup: it must show as typed."""
EVE_NOTE = "[red]not signed[/red] yet"
COMMON = {
    "vendor_name": "Acme Models",
    "vendor_exit_plan": 3,
    "vendor_cost_per_call": 0.02,
    "vendor_calls_per_day": 10000,
    "vendor_monthly_budget": 50000,  # 0.02 * 10,000 * 10 * 30 = 60,000 at 10x: red
}
ANSWERS = {
    "Ana Ruiz": COMMON | {"vendor_dpa_signed": "yes", "vendor_region": "eu"},
    EVE: COMMON | {"vendor_dpa_signed": "no", "vendor_region": "us"},
}
"""Two respondents who disagree on the DPA and the region; nobody answered vendor_support."""
WALK = [
    ("vendor_dpa_signed", DISPUTED),
    ("vendor_region", DISPUTED),
    ("vendor_cost_per_call", RED),
    ("vendor_calls_per_day", RED),
    ("vendor_monthly_budget", RED),
    ("vendor_support", UNKNOWN),
]
NOTES = {(EVE, "vendor_dpa_signed"): EVE_NOTE}


@pytest.fixture(autouse=True)
def _quick_advance(monkeypatch):
    from app.tui.screens import wizard

    monkeypatch.setattr(wizard, "ADVANCE_AFTER", 0.001)  # Timer divides by it: not 0


def _record(qid: str, value, by: str, notes=NOTES) -> AnswerRecord:
    return AnswerRecord(
        assessment_id=0,
        question_id=qid,
        value=value,
        note=notes.get((by, qid)),
        evidence=None,
        answered_by=by,
        answered_at="2026-11-23T09:00:00Z",
    )


def merged(store: Store, packset, answers=ANSWERS, here: dict | None = None, notes=NOTES) -> str:
    """An assessment with `answers` (name → question → value) merged into it, each name a
    respondent, after `here` (question → (value, by)) was answered in it; its slug."""
    session = Session.create(store, packset, "Kickoff")
    for qid, (value, by) in (here or {}).items():
        session.answer(qid, value, answered_by=by)
    merge_into(session, answers, notes)
    return session.assessment.slug


def merge_into(session: Session, answers=ANSWERS, notes=NOTES) -> None:
    """`preflight merge`, in-process: plan the merge of `answers` and apply it."""
    packset = session.packset
    sources = [
        source_from(
            packset,
            name=name,
            source=f"{name}.preflight.json",
            answers={qid: _record(qid, value, name, notes) for qid, value in given.items()},
        )
        for name, given in answers.items()
    ]
    target = Target(
        answers=session.answers,
        respondents=session.respondents(),
        merged=session.merged_values(),
        disputed=frozenset(session.disputes()),
    )
    session.apply_merge(plan(packset, target, sources).change)


def _notice(app) -> str:
    return app.screen.query_one("#notice", TextLines).plain


def _shown(app, selector: str) -> list[str]:
    """The rows of a TextLines as they are drawn (cut to the width, "…" where cut)."""
    lines = app.screen.query_one(selector, TextLines)
    return [lines.render_line(y).text.rstrip() for y in range(lines.content_size.height)]


async def _settle(pilot) -> None:
    for _ in range(4):  # the voices panel fits itself to the rows left in a layout or two
        await pilot.pause()


def _ctrl_t(app) -> str:
    return app.screen.active_bindings["ctrl+t"].binding.description


# -- the pure part ----------------------------------------------------------------------------


def _items(*ids: str) -> list[Item]:
    return [Item(qid, "area", RED, "gate", 30) for qid in ids]


@pytest.mark.parametrize(
    ("items", "current", "earlier", "expected"),
    [
        (_items("a", "b", "c"), "a", [], "b"),
        (_items("a", "b", "c"), "c", [], "a"),
        (_items("a", "c"), "b", ["a", "b", "c"], "c"),
        (_items("a"), "b", ["a", "b"], "a"),
        (_items("a", "b"), "x", ["a", "b"], "a"),
        (_items("a"), "a", [], "a"),
        (_items("a", "c", "d", "b"), "b", ["a", "b", "c", "d"], "c"),
        (_items("b", "a"), "b", ["a", "b"], "a"),
        (_items("a", "b", "n"), "n", ["a", "b"], "a"),
    ],
    ids=[
        "next",
        "wraps",
        "settled-goes-on",
        "settled-wraps",
        "never-on-it",
        "alone",
        "moved-down-goes-on-from-where-it-was",
        "moved-up-wraps-from-where-it-was",
        "new-on-it",
    ],
)
def test_following_walks_on_from_where_it_was(items, current, earlier, expected):
    assert following(items, current, earlier).question_id == expected


def test_following_an_empty_agenda_is_none_and_counts_name_every_group():
    assert following([], "a", ["a"]) is None
    assert counts(_items("a", "b")) == {DISPUTED: 0, RED: 2, UNKNOWN: 0}


# -- the wizard -------------------------------------------------------------------------------


async def test_a_merged_assessment_opens_on_its_first_disputed_question(store, packset):
    nameless = {name: {**given} for name, given in ANSWERS.items()}
    for given in nameless.values():
        del given["vendor_name"]  # unanswered: the first question, and first open, not first
    slug = merged(store, packset, nameless)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert "vendor_name" not in wizard.session.answers
        assert wizard.current == "vendor_dpa_signed"
        notice = _notice(app).splitlines()
        # 2 x 30 s + 3 x 60 s (numbers) + 60 s (text) + 30 s = 330 s: 6 minutes, rounded up
        assert notice[:2] == [
            "Agenda: 2 disputed · 3 red · 2 unknown",
            "7 questions, ~6 min · ctrl+t next",
        ]
        assert notice[2].startswith("1 of 7 · ≠ disputed: ")
        assert "answering here settles it" in " ".join(notice[2:])
        assert _ctrl_t(app) == "Agenda"

        for _ in range(5):
            await pilot.press("ctrl+t")
            await pilot.pause()
        assert wizard.current == "vendor_name"  # a required question nobody answered
        assert "6 of 7 · ? unknown: required, and nobody has answered it" in _notice(app)


async def test_ctrl_t_walks_disputed_then_red_then_unknown_and_wraps(store, packset):
    slug = merged(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        walked, told = [wizard.current], []
        for _ in range(len(WALK)):
            await pilot.press("ctrl+t")
            await pilot.pause()
            walked.append(wizard.current)
            told.append(" ".join(_notice(app).splitlines()[2:]))
        assert walked == [qid for qid, _ in WALK] + ["vendor_dpa_signed"]  # wrapped round
        assert told[1].startswith("3 of 6 · ✗ red gate: Cost at 10x traffic over budget")
        assert told[4] == "6 of 6 · ? unknown gate: Fragile dependency on one provider"
        assert told[5].startswith("1 of 6 · ≠ disputed")
        assert wizard.session.answers.keys() == set(COMMON)  # walking answers nothing


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_a_disputed_question_shows_each_answer_side_by_side_as_typed(store, packset, size):
    slug = merged(store, packset, here={"vendor_region": ("global", "Priya Raman")})
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        wizard = app.screen
        rows = _shown(app, "#voices")
        tall = size[1] >= 30
        assert rows[0].startswith("≠ Disputed") == tall
        ana, eve = rows[-2:]
        assert ana.split() == ["≠", "Ana", "Ruiz", "yes"] or ana.split() == ["Ana", "Ruiz", "yes"]
        assert EVE in eve and " no " in eve  # the name as typed, never read as markup
        assert eve.endswith(EVE_NOTE) or eve.endswith("…")
        full = wizard.query_one("#voices", TextLines).plain
        assert f"{EVE}  no — {EVE_NOTE}" in full
        _answer_in_view(wizard)

        await pilot.press("ctrl+t")
        await _settle(pilot)
        assert wizard.current == "vendor_region"
        full = wizard.query_one("#voices", TextLines).plain
        assert "Ana Ruiz          EU only" in full or "Ana Ruiz  EU only" in full
        assert "US only" in full
        assert "Priya Raman" in full
        assert "Anywhere the provider chooses (answered here)" in full
        _answer_in_view(wizard)


def _answer_in_view(wizard: WizardScreen) -> None:
    """The question fits: nothing scrolls, the answer and the lines under it are on screen."""
    main = wizard.query_one("#main", VerticalScroll)
    assert main.max_scroll_y == 0
    answer = wizard.query_one(AnswerInput)
    assert main.region.contains_region(answer.region)
    assert main.region.contains_region(wizard.query_one("#status", TextLines).region)


async def test_many_respondents_at_80x24_run_on_and_keep_the_answer_on_screen(store, packset):
    people = {f"Respondent {n} with a long name": ANSWERS[EVE] for n in range(1, 5)}
    people["Ana Ruiz"] = ANSWERS["Ana Ruiz"]
    slug = merged(store, packset, people)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.current == "vendor_dpa_signed"
        rows = _shown(app, "#voices")
        assert 1 <= len(rows) <= 3
        assert rows[0].startswith("≠ Respondent 1 with a long name: no")
        assert rows[-1].endswith("…")  # five answers do not fit: cut, and says so
        _answer_in_view(wizard)


async def test_the_demo_kickoff_at_80x24_fits_every_disputed_question(store):
    """The shipped packs and demo answers, three respondents as in the README's kickoff: each
    disputed question, its long why included, fits with the answer on screen."""
    from app.core.answerfile import demo_answers_path, read_answer_file
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    demo = read_answer_file(demo_answers_path(), shipped).entries
    ana = {e.question_id: e.value for e in demo}
    ben = ana | {"accuracy_measured_pct": 84, "data_lineage_tracked": "yes"}
    ben["judge_agreement_pct"] = 90
    chen = {
        qid: value
        for qid, value in ana.items()
        if not qid.startswith(("rubric_", "data_", "chunk"))
    } | {"kpi_owner_agreed": "unknown"}
    people = {"Ana Silva": ana, "Ben Okoro": ben, "Chen Wei": chen}
    notes = {(name, e.question_id): e.note for e in demo for name in people if e.note}
    slug = merged(store, shipped, people, notes=notes)
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        disputed = list(wizard.session.disputes())
        # Ana and Ben differ on accuracy (86/84 %) and lineage, Chen on the KPI owner; the
        # judge agreement (88/90 %) agrees within the pack's agree_within.
        assert disputed == ["kpi_owner_agreed", "accuracy_measured_pct", "data_lineage_tracked"]
        for _ in disputed:
            assert wizard.current in disputed
            rows = _shown(app, "#voices")
            assert 1 <= len(rows) <= 3
            assert all(row.startswith("≠ ") for row in rows)
            _answer_in_view(wizard)
            await pilot.press("ctrl+t")
            await _settle(pilot)


async def test_answering_a_disputed_question_settles_it_and_the_panel_goes(store, packset):
    slug = merged(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.query_one("#voices", TextLines).display
        await pilot.press("y")
        await _settle(pilot)
        assert wizard.current == "vendor_region"  # moved on as any answer does
        assert "vendor_dpa_signed" not in wizard.session.disputes()
        assert [i.question_id for i in wizard.session.agenda()][:1] == ["vendor_region"]

        await pilot.press("ctrl+b")
        await _settle(pilot)
        assert wizard.current == "vendor_dpa_signed"
        assert not wizard.query_one("#voices", TextLines).display
        assert wizard.query_one("#voices", TextLines).plain == ""

        await pilot.press("ctrl+t")  # from a settled question: on to what is left
        await pilot.pause()
        assert wizard.current == "vendor_region"
        assert _notice(app).startswith("Agenda: 1 disputed · 3 red · 1 unknown")
        assert "1 of 5 · ≠ disputed" in _notice(app)

    # Settled in the store, with the answer: another session finds it so.
    again = Session.open(store, packset, slug)
    assert again.answers["vendor_dpa_signed"].value == "yes"
    assert "vendor_dpa_signed" not in again.disputes()
    settled = again.all_disputes()["vendor_dpa_signed"]
    assert settled.resolved_how == "answered" and settled.resolved_value == "yes"


async def test_a_settled_question_that_turns_red_does_not_skip_the_disputed_after_it(
    store, packset
):
    """Answering the first disputed question "no" turns its gate red: it moves down among the
    red questions, and ctrl+t still goes to the disputed question after where it stood."""
    answers = {
        "Ana Ruiz": ANSWERS["Ana Ruiz"] | {"vendor_region": "eu", "vendor_exit_plan": 3},
        EVE: ANSWERS[EVE] | {"vendor_region": "eu", "vendor_exit_plan": 1},
    }
    slug = merged(store, packset, answers)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert [i.question_id for i in wizard.session.agenda()][:3] == [
            "vendor_dpa_signed",
            "vendor_exit_plan",
            "vendor_cost_per_call",
        ]
        assert wizard.current == "vendor_dpa_signed"
        await pilot.press("n")  # settled, and red: on the agenda again, among the red
        await _settle(pilot)
        assert wizard.current == "vendor_region"  # moved on, as any answer does
        items = [(i.question_id, i.group) for i in wizard.session.agenda()]
        assert items[:2] == [("vendor_exit_plan", DISPUTED), ("vendor_dpa_signed", RED)]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_exit_plan", "the disputed one after it was skipped"
        assert "1 of " in _notice(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_dpa_signed"  # then on down the agenda as it is now


async def test_the_walk_goes_on_from_its_item_when_the_answer_lands_on_a_new_red_question(
    store, packset
):
    """Settling the disputed cost turns the cost gate red: the next question (calls per day,
    where the answer moves on to) is new on the agenda, among the red; ctrl+t goes on from the
    cost's old place, not from there."""
    answers = {
        "Ana Ruiz": ANSWERS["Ana Ruiz"] | {"vendor_cost_per_call": 0.001, "vendor_exit_plan": 3},
        EVE: ANSWERS["Ana Ruiz"] | {"vendor_cost_per_call": 0.03, "vendor_exit_plan": 1},
    }
    slug = merged(store, packset, answers)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        walk = ["vendor_exit_plan", "vendor_cost_per_call", "vendor_support"]
        assert [i.question_id for i in wizard.session.agenda()] == walk
        await pilot.press("ctrl+t")
        await _settle(pilot)
        assert wizard.current == "vendor_cost_per_call"
        await pilot.press(*"0.03", "enter")  # settled; 90,000 a month at 10x: red
        await _settle(pilot)
        assert wizard.current == "vendor_calls_per_day"
        assert ("vendor_calls_per_day", RED) in [
            (i.question_id, i.group) for i in wizard.session.agenda()
        ]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_support", "went on from the new red question"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_exit_plan"  # round to the top


async def test_a_typed_answer_to_a_disputed_number_settles_it_and_reads_back(store, packset):
    answers = dict(ANSWERS)
    answers[EVE] = answers[EVE] | {"vendor_cost_per_call": 0.03}
    slug = merged(store, packset, answers)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        await pilot.press("ctrl+t", "ctrl+t")
        await _settle(pilot)
        assert wizard.current == "vendor_cost_per_call"
        # Disputed, the cost leaves its gate unknown, not red: the agenda is shorter.
        assert _notice(app).startswith("Agenda: 3 disputed · 0 red · 1 unknown\n")
        assert "3 of 4 · ≠ disputed" in _notice(app)
        rows = _shown(app, "#voices")
        assert [r.split()[-1] for r in rows] == ["USD", "USD"]
        assert "0.02" in rows[0] and "0.03" in rows[1]
        await pilot.press(*"0.01", "enter")
        await _settle(pilot)
        assert wizard.current == "vendor_calls_per_day"
        assert wizard.query_one(AnswerInput).hint_text.startswith("✔ Saved as 0.01 USD · ")
        assert "vendor_cost_per_call" not in wizard.session.disputes()
        await pilot.press("ctrl+b")
        await _settle(pilot)
        assert wizard.current == "vendor_cost_per_call"
        assert not wizard.query_one("#voices", TextLines).display


async def test_the_agenda_done_says_so(store, packset):
    agreed = COMMON | {
        "vendor_dpa_signed": "yes",
        "vendor_region": "eu",
        "vendor_support": 3,
        "vendor_cost_per_call": 0.001,
    }
    slug = merged(store, packset, {"Ana Ruiz": agreed, EVE: agreed})
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.session.agenda() == []
        assert _notice(app) == "✔ Agenda done: nothing disputed, red or unknown"
        first = wizard.current
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == first
        assert _notice(app) == "✔ Agenda done: nothing disputed, red or unknown"


async def test_an_assessment_nobody_merged_into_keeps_ctrl_t_as_to_do(store, packset):
    session = Session.create(store, packset, "Vendor check")
    session.answer("vendor_dpa_signed", "no")  # a red gate: on an agenda, were there one
    app = make_app(store=store, packset=packset, open_ref=session.assessment.slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.current == "vendor_name"  # the first unanswered, as ever
        assert _ctrl_t(app) == "To do"
        assert _notice(app) == ""
        assert not wizard.query_one("#voices", TextLines).display
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_region"  # next unanswered (the DPA is answered)
        assert _notice(app) == ""
        titles = [c.title for c in app.get_system_commands(wizard)]
        assert "Next unanswered question" in titles and "Next agenda item" not in titles


async def test_the_palette_offers_the_agenda_on_a_merged_assessment(store, packset):
    slug = merged(store, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Next agenda item" in titles and "Next unanswered question" in titles


async def test_a_merge_from_another_preflight_turns_the_agenda_on(tmp_path, store, packset):
    session = Session.create(store, packset, "Vendor check")
    app = make_app(store=store, packset=packset, open_ref=session.assessment.slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        wizard.show_question("vendor_dpa_signed")
        assert _ctrl_t(app) == "To do"
        with Store.open(tmp_path / "preflight.db") as other:  # `preflight merge` elsewhere
            merge_into(Session.open(other, packset, session.assessment.slug))
        wizard._watch()  # what the WATCH_EVERY timer does
        await _settle(pilot)
        assert _ctrl_t(app) == "Agenda"
        assert EVE in wizard.query_one("#voices", TextLines).plain
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert wizard.current == "vendor_region"


async def test_ctrl_l_on_a_disputed_question_shows_every_answer_whole(store, packset):
    long_note = "first line of a long note\n" + "x" * 150 + " end of note"
    answers = {
        "Ana Ruiz": ANSWERS["Ana Ruiz"] | {"vendor_name": "Acme Models EU " + "y" * 120 + " tail"},
        EVE: ANSWERS[EVE],
    }
    notes = {(EVE, "vendor_name"): long_note}
    slug = merged(store, packset, answers, notes=notes)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        wizard.show_question("vendor_name")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        from app.tui.screens.changes import ChangesScreen

        assert isinstance(app.screen, ChangesScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        flat = " ".join(shown.split())
        assert "The answers in full" in " ".join(
            str(lab.render()) for lab in app.screen.query("Label")
        )
        assert "y" * 120 + " tail" in flat  # nothing cut
        assert "end of note" in flat and "first line of a long note" in shown
        assert EVE in shown  # the name as typed, not markup
        await pilot.press("escape")
        await pilot.pause()
        wizard.show_question("vendor_support")  # not disputed: the usual gate changes only
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        labels = " ".join(str(lab.render()) for lab in app.screen.query("Label"))
        assert "The answers in full" not in labels


# -- another Preflight writes while the wizard is open -------------------------------------


@pytest.mark.parametrize(
    ("qid", "theirs", "agreed", "shown"),
    [
        ("vendor_dpa_signed", "no", "yes", "yes"),
        ("vendor_cost_per_call", 0.03, 0.02, "0.02 USD"),
    ],
    ids=["yes-no", "typed"],
)
async def test_a_remerge_that_settles_the_question_shown_reshows_it_and_leaving_keeps_it(
    tmp_path, store, packset, qid, theirs, agreed, shown
):
    """The wizard sits on a disputed question (no answer); another process merges again and the
    respondents now agree: the question shows the merged answer, its note and its authors, and
    leaving it writes nothing (never the stale, empty fields over the merge)."""
    answers = {"Ana Ruiz": ANSWERS["Ana Ruiz"], EVE: ANSWERS[EVE] | {qid: theirs}}
    slug = merged(store, packset, answers)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        wizard.show_question(qid)
        await _settle(pilot)
        assert qid in wizard.session.disputes() and qid not in wizard.session.answers
        assert wizard.query_one("#voices", TextLines).display
        again = {"Ana Ruiz": answers["Ana Ruiz"] | {qid: agreed}, EVE: answers[EVE] | {qid: agreed}}
        notes = {("Ana Ruiz", qid): "per the May contract", (EVE, qid): "seen it"}
        with Store.open(tmp_path / "preflight.db") as other:  # `preflight merge` elsewhere
            merge_into(Session.open(other, packset, slug), again, notes)
            stored = other.answers(other.get(slug).id)[qid]
        assert (
            stored.value == agreed
            and stored.note == f"Ana Ruiz: per the May contract\n{EVE}: seen it"
        )
        wizard._watch()  # what the WATCH_EVERY timer does
        await _settle(pilot)
        assert not wizard.query_one("#voices", TextLines).display
        assert (
            wizard.query_one("#note", Input).value
            == f"Ana Ruiz: per the May contract {EVE}: seen it"
        )
        status = wizard.query_one("#status", TextLines).plain
        assert status.startswith("✔ Saved") and f"by Ana Ruiz, {EVE}" in status
        answer = wizard.query_one(AnswerInput)
        assert answer.hint_text.startswith(f"↻ Saved elsewhere as {shown} · ")
        if qid == "vendor_dpa_signed":
            prompts = [str(o.prompt) for o in wizard.query_one(ChoiceList).options]
            assert prompts[0] == "● Yes  (y)"
        else:
            assert wizard.query_one("#typed", Input).value == "0.02"

        await pilot.press("ctrl+n")  # leave it, and come back: nothing to save either way
        await _settle(pilot)
        assert wizard.current != qid
        await pilot.press("ctrl+b")
        await _settle(pilot)
        assert wizard.current == qid
        await pilot.press("ctrl+t")
        await _settle(pilot)
    assert store.answers(store.get(slug).id)[qid] == stored, "leaving wrote over the merge"


async def test_a_remerge_that_makes_a_gate_unknown_is_told(tmp_path, store, packset):
    """Another process merges again and a question the gate reads is now disputed (so not
    answered): the gate goes CLEAR → UNKNOWN, and the notice and ctrl+l say so."""
    support = {"vendor_support": 3}
    answers = {name: given | support for name, given in ANSWERS.items()}
    slug = merged(store, packset, answers)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.session.evaluation.gates["vendor_fragile"].state.value == "clear"
        again = dict(answers)
        again[EVE] = again[EVE] | {"vendor_support": 1}
        with Store.open(tmp_path / "preflight.db") as other:  # `preflight merge` elsewhere
            merge_into(Session.open(other, packset, slug), again)
        wizard._watch()
        await _settle(pilot)
        assert wizard.session.evaluation.gates["vendor_fragile"].state.value == "unknown"
        notice = _notice(app)
        assert notice.startswith("↻ updated by another Preflight")
        assert "no gate moved" not in notice
        assert "? UNKNOWN  Fragile dependency on one provider (was ✔ CLEAR)" in notice
        await pilot.press("ctrl+l")
        await pilot.pause()
        story = " ".join(str(w.render()) for w in app.screen.query(".change"))
        assert "Fragile dependency on one provider" in story


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_ticking_a_disputed_multi_choice_keeps_the_answers_in_view(store, size):
    """Each tick is saved at once and the first settles the disagreement; the respondents'
    answers stay on show, "settled by your answer", until the person leaves the question."""
    from app.core.answerfile import demo_answers_path, read_answer_file
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir
    from app.tui.agenda_lines import SETTLED, SETTLES

    shipped = load_packs([shipped_dir()]).packset
    ana = {e.question_id: e.value for e in read_answer_file(demo_answers_path(), shipped).entries}
    ana["eval_methods"] = ["human_review", "rule_checks"]
    ben = ana | {"eval_methods": ["human_review"]}
    slug = merged(store, shipped, {"Ana Silva": ana, "Ben Okoro": ben}, notes={})
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.current == "eval_methods"
        voices = wizard.query_one("#voices", TextLines)
        assert voices.display and "Ana Silva" in voices.plain
        assert SETTLES in " ".join(_notice(app).split())
        await pilot.press("3")  # a tick: saved, and the disagreement settled with it
        await _settle(pilot)
        assert wizard.session.answers["eval_methods"].value == ["llm_judge"]
        assert "eval_methods" not in wizard.session.disputes()
        assert voices.display, "the answers went on the first tick"
        assert "Ana Silva" in voices.plain
        told = " ".join(_notice(app).split())
        assert SETTLED in told and SETTLES not in told
        if size[1] >= 30:
            assert voices.plain.startswith(f"≠ Disputed — the answers given; {SETTLED}")
        await pilot.press("1")  # still ticking
        wizard._settle()  # what the settle timer does
        await _settle(pilot)
        assert wizard.session.answers["eval_methods"].value == ["human_review", "llm_judge"]
        assert voices.display and "Ana Silva" in voices.plain
        assert SETTLED in " ".join(_notice(app).split())
        await pilot.press("ctrl+l")  # the answers whole, still
        await pilot.pause()
        labels = " ".join(str(lab.render()) for lab in app.screen.query("Label"))
        assert "The answers in full" in labels
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("enter")  # done ticking: on to the next question
        await _settle(pilot)
        assert wizard.current != "eval_methods"
        assert not voices.display
        assert SETTLED not in " ".join(_notice(app).split())
        await pilot.press("ctrl+b")
        await _settle(pilot)
        assert wizard.current == "eval_methods"
        assert not voices.display  # settled: nothing to show any more


def _three_voices(shipped):
    """The demo answers three ways: Ana's, Ben's with every yes/no turned round, Chen's with
    every yes/no unknown (so each yes/no question holds three different answers)."""
    from app.core.answerfile import demo_answers_path, read_answer_file

    demo = read_answer_file(demo_answers_path(), shipped).entries
    ana = {e.question_id: e.value for e in demo}
    turned = {"yes": "no", "no": "yes", "unknown": "yes"}
    yes_no = {q for q, v in ana.items() if shipped.questions[q].kind == "yes_no"}
    ben = {q: turned[v] if q in yes_no else v for q, v in ana.items()}
    chen = {q: "unknown" if q in yes_no else v for q, v in ana.items()}
    notes = {("Ana Silva", e.question_id): e.note for e in demo if e.note}
    return {"Ana Silva": ana, "Ben Okoro": ben, "Chen Wei": chen}, notes


def _free_rows(wizard) -> int:
    main = wizard.query_one("#main", VerticalScroll)
    used = max(c.virtual_region_with_margin.bottom for c in main.children if c.display)
    return main.scrollable_content_region.height - used


async def test_at_80x24_every_answer_shows_when_the_rows_are_there(store):
    """Three yes/no answers on a question with a long why: the panel takes the rows the screen
    leaves (it once settled on one row, "Ana Silva: yes · Ben Okoro: no …", with rows free)."""
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    people, notes = _three_voices(shipped)
    slug = merged(store, shipped, people, notes=notes)
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        seen = 0
        for _ in range(len(wizard.session.disputes())):
            await _settle(pilot)
            dispute = wizard.session.disputes()[wizard.current]
            main = wizard.query_one("#main", VerticalScroll)
            rows = _shown(app, "#voices")
            if main.max_scroll_y == 0:  # the question fits: so does every answer, or no row is left
                drawn = " ".join(rows)
                everyone = all(v.name in drawn for v in dispute.voices) and "…" not in drawn
                assert everyone or _free_rows(wizard) <= 0, (wizard.current, rows)
                seen += everyone
            else:
                assert len(rows) == 1  # the question alone overflows: one row, ctrl+l has all
            await pilot.press("ctrl+t")
        assert seen >= 10

        # The rows left change under it (a two-row hint comes and goes): it follows them.
        wizard.show_question("oncall_rotation")
        await _settle(pilot)
        assert len(_shown(app, "#voices")) == 3 and _free_rows(wizard) == 0
        answer = wizard.query_one(AnswerInput)
        usual = answer.hint_text
        answer.set_hint("✗ " + "a hint long enough to take two rows at 80 columns " * 2)
        await _settle(pilot)
        assert wizard.query_one("#main", VerticalScroll).max_scroll_y == 0
        assert len(_shown(app, "#voices")) < 3
        answer.set_hint(usual)
        await _settle(pilot)
        assert len(_shown(app, "#voices")) == 3


async def test_at_120x36_a_long_answer_goes_on_under_it_and_the_notice_takes_the_width(store):
    from app.core.answerfile import demo_answers_path, read_answer_file
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    ana = {e.question_id: e.value for e in read_answer_file(demo_answers_path(), shipped).entries}
    ana["eval_methods"] = ["human_review", "rule_checks", "llm_judge"]
    ben = ana | {"eval_methods": ["human_review"]}
    slug = merged(store, shipped, {"Ana Silva": ana, "Ben Okoro": ben, "Chen Wei": ana}, notes={})
    app = make_app(store=store, packset=shipped, open_ref=slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        assert wizard.current == "eval_methods"
        await pilot.resize_terminal(120, 36)
        await _settle(pilot)
        rows = _shown(app, "#voices")
        assert rows[0].startswith("≠ Disputed")
        drawn = " ".join(" ".join(rows).split())
        assert "…" not in drawn
        assert drawn.count("Hard rule checks • LLM-as-judge") == 2
        assert len(rows) == 6  # the title, Ana and Chen on two rows each, Ben on one
        _answer_in_view(wizard)
        notice = _shown(app, "#notice")
        width = wizard.query_one("#notice", TextLines).content_size.width
        assert width > 60
        assert notice[2].startswith("1 of ") and len(notice[2]) > 50  # wrapped at its width
        assert all(len(row) <= width for row in notice)


def test_answers_run_on_and_cut_at_a_word(packset):
    from app.core.disputes import Dispute, Voice
    from app.tui.agenda_lines import voices_text

    long = "Acme Models " + "EU region hosting " * 4
    dispute = Dispute(
        "vendor_name",
        (Voice("Ana Silva", long), Voice("Ben Okoro", "Acme"), Voice("Chen Wei", "Other")),
        opened_at="2026-11-23T09:00:00Z",
    )
    text = voices_text(packset, dispute, rows=1, heading=False, width=44).plain
    assert text.endswith(" …") and len(text) <= 44
    assert text[:-2].rstrip() + " " in "≠ Ana Silva: " + long  # whole words only


def test_ctrl_l_never_sends_a_terminal_escape(store, packset):
    from app.core.disputes import Dispute, Voice
    from app.tui.agenda_lines import voices_in_full

    dispute = Dispute(
        "vendor_name",
        (Voice("Ana", "x\x1b]0;PWNED\x07 tail\nsecond line", note="n\x1b[31mRED"),),
        "t",
    )
    (block,) = voices_in_full(packset, dispute)
    assert "\x1b" not in block.plain and "\x07" not in block.plain
    assert "tail\nsecond line" in block.plain  # the answer whole, its lines kept


async def test_an_assessment_deleted_elsewhere_says_so_and_saves_nothing(tmp_path, store, packset):
    """Deleted by another Preflight while open: the wizard says so, and since ids are never
    given again, no later save can land in a new assessment (found in review)."""
    from app.tui.widgets.answer_input import AnswerInput

    session = Session.create(store, packset, "Ben")
    app = make_app(store=store, packset=packset, open_ref=session.assessment.slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await _settle(pilot)
        wizard = app.screen
        with Store.open(tmp_path / "preflight.db") as other:  # `preflight delete`, `new`
            other.delete(session.assessment.slug)
            gamma = other.create("Gamma")
        wizard._watch()  # what the WATCH_EVERY timer does
        await _settle(pilot)
        hint = str(wizard.query_one(AnswerInput).query_one("#hint").render())
        assert "deleted by another Preflight" in hint
        assert wizard.title == "Ben"
        await pilot.press("y")
        await _settle(pilot)
        assert store.answers(gamma.id) == {}
