"""Plain mode walk: keys through prompt_toolkit's pipe input, answers checked in the real Store."""

from __future__ import annotations

import pytest

from tests.quick_keys import (
    BACK,
    CTRL_C,
    DOWN,
    ENTER,
    QUIT,
    SKIP,
    SPACE,
    UP,
    assessment,
    kinds_folder,
    packset,
    stored,
    walk,
)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "quick.db"


def test_answer_see_red_gate_go_back_skip_quit(db):
    packs = packset()
    with assessment(db, packs) as session:
        slug = session.assessment.slug
        keys = (
            "Acme Models"
            + ENTER  # vendor_name
            + DOWN
            + ENTER  # vendor_dpa_signed: no → red gate
            + BACK  # region: back to the DPA question
            + UP
            + ENTER  # DPA: pointer on "no", up to "yes" → gate clears
            + SKIP  # region: skipped
            + QUIT  # exit plan: quit
        )
        result, printed = walk(session, packs, keys)
    assert result.ending == "quit"
    assert result.saved == ["vendor_name", "vendor_dpa_signed", "vendor_dpa_signed"]
    assert result.questions == 2  # the summary counts questions, not writes
    red = "✗ RED  No data processing agreement — fix: Sign the provider's DPA and link it as evidence."
    assert red in printed
    assert any(line.startswith("✔ CLEAR  No data processing agreement") for line in printed)
    assert printed.index(red) < next(
        i for i, line in enumerate(printed) if line.startswith("✔ CLEAR")
    )
    assert "  now: no" in printed  # back shows the current answer
    assert stored(db, packs, slug) == {"vendor_name": "Acme Models", "vendor_dpa_signed": "yes"}


def test_ctrl_c_keeps_everything_answered(db):
    packs = packset()
    with assessment(db, packs) as session:
        slug = session.assessment.slug
        result, _ = walk(session, packs, "Acme" + ENTER + ENTER + CTRL_C)
    assert result.ending == "interrupted"
    assert stored(db, packs, slug) == {"vendor_name": "Acme", "vendor_dpa_signed": "yes"}


def test_resume_starts_at_first_unanswered(db):
    packs = packset()
    with assessment(db, packs) as session:
        session.answer("vendor_name", "Acme")
        session.answer("vendor_dpa_signed", "yes")
        session.answer("vendor_exit_plan", 2)
        result, printed = walk(session, packs, QUIT)
    # The first header printed is the region question (3rd visible), not the vendor name.
    assert printed[1] == "Model vendor · 3 of 8"
    assert "Data residency" in printed[2]


def test_only_unanswered_skips_answered_and_area_limits(db, tmp_path):
    packs = packset(kinds_folder(tmp_path))
    with assessment(db, packs) as session:
        for qid, value in [("k_yes", "yes"), ("k_choice", "a"), ("k_scale", 2)]:
            session.answer(qid, value)
        _, printed = walk(
            session, packs, ENTER + "40" + ENTER + QUIT_TEXT, only_unanswered=True, area="kinds"
        )
    headers = [line for line in printed if "· " in line and " of " in line]
    assert headers == ["Every kind · 3 of 8", "Every kind · 5 of 8", "Every kind · 6 of 8"]


QUIT_TEXT = ":quit" + ENTER


def test_show_if_question_appears_when_answer_shows_it(db):
    packs = packset()
    with assessment(db, packs) as session:
        session.answer("vendor_name", "Acme")
        session.answer("vendor_dpa_signed", "yes")
        for qid, value in [
            ("vendor_exit_plan", 2),
            ("vendor_support", 3),
            ("vendor_cost_per_call", 0.01),
            ("vendor_calls_per_day", 100),
            ("vendor_monthly_budget", 1000),
        ]:
            session.answer(qid, value)
        # region: "US only" → the EU transfer question appears next.
        keys = DOWN + ENTER + "https://legal.example/scc" + ENTER
        _, printed = walk(session, packs, keys, only_unanswered=True)
        assert session.answers["vendor_eu_transfer_basis"].value == "https://legal.example/scc"
    assert "Model vendor · 9 of 9  (optional)" in printed


def test_every_kind_through_its_prompt(db, tmp_path):
    packs = packset(kinds_folder(tmp_path))
    keys = (
        UP * 4
        + ENTER  # yes_no: wraps past quit/skip/back to "unknown"
        + DOWN
        + ENTER  # choice: Option B
        + SPACE
        + DOWN
        + DOWN
        + SPACE
        + ENTER  # multi: X and Z
        + DOWN * 2
        + ENTER  # scale: 3
        + "abc"
        + ENTER
        + "\x7f" * 3
        + "120"
        + ENTER
        + "\x7f" * 3
        + "60"
        + ENTER  # number
        + "Dana Whitfield (Head of Support)"
        + ENTER
        + "2026-02-30"
        + ENTER
        + "\x7f" * 2
        + "28"
        + ENTER  # date: bad day, then fixed
        + "https://wiki.example/x"
        + ENTER
    )
    with assessment(db, packs) as session:
        slug = session.assessment.slug
        result, printed = walk(session, packs, keys)
    assert result.ending == "done"
    assert stored(db, packs, slug) == {
        "k_yes": "unknown",
        "k_choice": "b",
        "k_multi": ["x", "z"],
        "k_scale": 3,
        "k_number": 60,
        "k_person": {"name": "Dana Whitfield", "role": "Head of Support"},
        "k_date": "2026-02-28",
        "k_evidence": "https://wiki.example/x",
    }
    assert "✗ RED  Too many tickets — fix: Cut the queue below 50." in printed
    assert "  saved: X • Z" in printed  # the checkbox's own echo says only "done (2 selections)"
    # Refused typed answers: one plain line each, above the prompt asked again.
    assert (
        "✗ Not saved: 120 tickets is above the maximum of 100 tickets (or :back, :skip or :quit)"
        in printed
    )


def test_y_n_u_answer_a_yes_no_list_at_once(db, tmp_path):
    packs = packset(kinds_folder(tmp_path))
    with assessment(db, packs) as session:
        slug = session.assessment.slug
        result, _ = walk(session, packs, "u" + BACK + "n" + QUIT)
        assert result.saved == ["k_yes", "k_yes"] and result.questions == 1
        result, _ = walk(session, packs, BACK + "y" + QUIT)
    assert stored(db, packs, slug) == {"k_yes": "yes"}


def test_text_prompt_commands_and_defaults(db, tmp_path):
    packs = packset(kinds_folder(tmp_path))
    with assessment(db, packs) as session:
        slug = session.assessment.slug
        session.answer("k_number", 10)
        session.answer("k_person", "Dana (Lead)")
        # Start at k_yes (first unanswered); skip the four selects, keep the number (Enter on
        # the shown default), go back from the person prompt, keep the number, skip the person.
        keys = SKIP * 2 + (UP * 2 + SPACE + ENTER) + SKIP + ENTER + ":back" + ENTER + ENTER
        keys += ":s" + ENTER + ":q" + ENTER
        result, printed = walk(session, packs, keys)
    assert result.ending == "quit"
    assert result.saved == []  # unchanged answers are not rewritten
    assert stored(db, packs, slug) == {"k_number": 10, "k_person": {"name": "Dana", "role": "Lead"}}
    assert printed.count("Every kind · 5 of 8") == 2, "\n".join(printed)


def test_multi_nav_box_must_be_alone(db, tmp_path):
    packs = packset(kinds_folder(tmp_path))
    with assessment(db, packs) as session:
        session.answer("k_yes", "yes")
        session.answer("k_choice", "a")
        # Tick X and "quit": refused (a plain line above the prompt asked again, with both
        # still ticked and the pointer back on X); untick X, Enter → quit.
        keys = SPACE + UP + SPACE + ENTER + SPACE + ENTER
        result, printed = walk(session, packs, keys)
    assert result.ending == "quit"
    assert "✗ Not saved: tick ← back, skip or quit on its own (untick the options)" in printed


def test_back_at_first_question_stays(db):
    packs = packset()
    with assessment(db, packs) as session:
        _, printed = walk(session, packs, ":back" + ENTER + ":quit" + ENTER)
    assert "(this is the first question)" in printed


class _Tty:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    from app.quick.lines import paint, use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(_Tty())
    assert paint("✗ RED", "red", True) == "\x1b[31m✗ RED\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(_Tty())
    monkeypatch.delenv("NO_COLOR")
    import io

    assert not use_colour(io.StringIO())


def test_stored_text_with_escapes_is_shown_clean(db):
    packs = packset()
    with assessment(db, packs) as session:
        session.answer("vendor_name", "Acme\x1b[2J\nCorp")
        _, printed = walk(session, packs, BACK + ":q" + ENTER)  # resume at DPA, back to name
    assert "  now: Acme[2J Corp" in printed
    assert not any("\x1b" in line for line in printed)
