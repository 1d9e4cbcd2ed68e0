"""`allow_unknown` (pack format 2): "unknown" answers a choice or multi question where the pack
says so, and can be taken from a yes/no one; it reads as UNKNOWN in expressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import expr
from app.core.answerfile import AnswerFileError, read_answer_file
from app.core.answers import AnswerError, check_value, display, expression_value, parse_text
from app.core.engine import GateState, evaluate
from app.core.model import Kind
from app.core.packs import load_packs
from app.quick.prompts import read_answer, select_choices
from app.session import Session
from app.tui.app import make_app
from app.tui.screens.wizard import WizardScreen

PACK = """
format = 2
id = "unsure"
title = "Unsure"
version = "1.0"
description = "Questions where unknown is, or is not, an answer."

[[questions]]
id = "u_choice"
text = "Which region?"
help = "Where the data is processed."
kind = "choice"
allow_unknown = true
options = [{ id = "eu", label = "EU" }, { id = "us", label = "US" }]

[[questions]]
id = "u_multi"
text = "Which channels?"
help = "Where it runs."
kind = "multi"
allow_unknown = true
options = [{ id = "web", label = "Web" }, { id = "mail", label = "Mail" }]

[[questions]]
id = "u_plain"
text = "Which tier?"
help = "No unknown here."
kind = "choice"
options = [{ id = "gold", label = "Gold" }, { id = "tin", label = "Tin" }]

[[questions]]
id = "u_yes"
text = "Signed?"
help = "Yes or no only."
kind = "yes_no"
allow_unknown = false

[[gates]]
id = "u_us"
title = "Data in the US"
level = "red"
receipt = "security_compliance_map"
when = "u_choice == 'us'"
why = "US processing needs a transfer basis."
fix = "Choose EU processing."
"""


@pytest.fixture
def pack_dir(tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "unsure.toml").write_text(PACK)
    return folder


@pytest.fixture
def packs(pack_dir):
    result = load_packs([pack_dir])
    assert result.ok, result.problems
    return result.packset


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "p.toml").write_text(text)
    return [str(p) for p in load_packs([tmp_path / "p.toml"], use_cache=False).problems]


# -- the model ---------------------------------------------------------------------------------


def test_defaults_are_yes_no_only(packs):
    q = packs.questions
    assert q["u_choice"].unknown_allowed() and q["u_multi"].unknown_allowed()
    assert not q["u_plain"].unknown_allowed() and not q["u_yes"].unknown_allowed()


def test_allow_unknown_needs_format_2(tmp_path):
    found = _problems(tmp_path, PACK.replace("format = 2\n", ""))
    assert any("allow_unknown needs `format = 2` at the top of the pack" in p for p in found)


def test_allow_unknown_fits_only_yes_no_choice_and_multi(tmp_path):
    text = PACK.replace(
        'kind = "yes_no"\nallow_unknown = false', 'kind = "text"\nallow_unknown = true'
    )
    found = _problems(tmp_path, text)
    assert any("allow_unknown only fits yes_no, choice and multi" in p for p in found), found


def test_format_2_and_allow_unknown_survive_the_pack_cache(pack_dir):
    first = load_packs([pack_dir]).packset  # written to the cache
    again = load_packs([pack_dir]).packset  # read from it
    assert again.packs == first.packs
    assert again.pack("unsure").format == 2
    assert again.questions["u_yes"].allow_unknown is False


# -- checking and reading answers --------------------------------------------------------------


def test_check_value(packs):
    q = packs.questions
    assert check_value(q["u_choice"], "unknown") == "unknown"
    assert check_value(q["u_multi"], "unknown") == "unknown"
    assert check_value(q["u_multi"], ["mail", "web"]) == ["web", "mail"]
    with pytest.raises(AnswerError, match="expected one of gold, tin; got"):
        check_value(q["u_plain"], "unknown")
    with pytest.raises(AnswerError, match="expected yes or no"):
        check_value(q["u_yes"], "unknown")
    with pytest.raises(AnswerError, match="eu, us or unknown"):
        check_value(q["u_choice"], "asia")
    assert parse_text(q["u_choice"], "u") == "unknown"
    assert parse_text(q["u_multi"], "?") == "unknown"
    assert display(q["u_multi"], "unknown") == "unknown"


def test_unknown_reads_as_unknown_in_expressions(packs):
    q = packs.questions
    assert expression_value(q["u_choice"], "unknown") is expr.UNKNOWN
    assert evaluate(packs, {"u_choice": "unknown"}).gates["u_us"].state is GateState.unknown
    assert evaluate(packs, {"u_choice": "eu"}).gates["u_us"].state is GateState.clear
    evaluation = evaluate(packs, {"u_choice": "unknown", "u_multi": "unknown"})
    assert evaluation.areas["unsure"].answered == 2


def test_an_answer_file_may_say_unknown(tmp_path, packs):
    path = tmp_path / "a.toml"
    path.write_text('u_choice = "unknown"\nu_multi = "unknown"\n')
    found = read_answer_file(path, packs)
    assert [(e.question_id, e.value) for e in found.entries] == [
        ("u_choice", "unknown"),
        ("u_multi", "unknown"),
    ]
    path.write_text('u_plain = "unknown"\nu_yes = "unknown"\n')
    with pytest.raises(AnswerFileError) as caught:
        read_answer_file(path, packs)
    assert "u_plain" in str(caught.value) and "u_yes" in str(caught.value)


def test_quick_mode_offers_unknown_where_allowed(packs):
    q = packs.questions
    assert [c.value for c in select_choices(q["u_choice"])] == ["eu", "us", "unknown"]
    assert [c.value for c in select_choices(q["u_plain"])] == ["gold", "tin"]
    assert [c.value for c in select_choices(q["u_yes"])] == ["yes", "no"]
    assert read_answer(q["u_choice"], "unknown") == "unknown"
    assert read_answer(q["u_multi"], ["unknown"]) == "unknown"
    assert read_answer(q["u_multi"], ["web"]) == ["web"]
    assert q["u_plain"].kind is Kind.choice


# -- the wizard --------------------------------------------------------------------------------


async def test_wizard_key_u_answers_unknown_on_a_choice_and_a_multi(store, packs):
    Session.create(store, packs, "Unsure")
    app = make_app(store=store, packset=packs, open_ref="unsure")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.current == "u_choice"
        await pilot.press("u")
        await pilot.pause()
        assert wizard.session.answers["u_choice"].value == "unknown"
        assert wizard.session.evaluation.gates["u_us"].state is GateState.unknown
        while wizard.current != "u_multi":
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("1")  # tick Web
        await pilot.pause()
        assert wizard.session.answers["u_multi"].value == ["web"]
        await pilot.press("u")  # unknown unticks it
        await pilot.pause()
        assert wizard.session.answers["u_multi"].value == "unknown"
        await pilot.press("2")  # and a tick takes unknown away
        await pilot.pause()
        assert wizard.session.answers["u_multi"].value == ["mail"]
