"""Choosing the packs per assessment: `new --packs`, `preflight packs`, packset.toml, the
new-assessment dialog, and everything above the session seeing only the chosen packs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from app.cli import main
from app.core.packs import SelectionError, load_packs, pack_files
from app.core.paths import shipped_dir
from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.screens.dialogs import NewAssessmentDialog
from app.tui.screens.home import HomeScreen

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
FIVE = ["acceptance", "data", "security", "production", "adoption"]

NEEDS_DATA = """
id = "needy"
title = "Needs data"
version = "1.0"
description = "A gate that reads a question of the data pack."

[[questions]]
id = "needy_q"
text = "Anything?"
help = "Something."
kind = "yes_no"

[[gates]]
id = "needy_gate"
title = "Data approved"
level = "red"
receipt = "security_compliance_map"
when = "data_approved_for_ai == 'no'"
why = "Data is not approved."
fix = "Get it approved."
"""


@pytest.fixture(scope="module")
def six():
    result = load_packs([shipped_dir(), EXAMPLES])
    assert result.ok, result.problems
    return result.packset


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the pack set ------------------------------------------------------------------------------


def test_select_keeps_only_the_chosen_packs_in_pack_order(six):
    chosen = six.select(["vendor", "data"])
    assert [p.id for p in chosen.packs] == ["data", "vendor"]
    assert set(chosen.questions) == {q.id for p in chosen.packs for q in p.questions}
    assert all(chosen.gate_pack[g] in ("data", "vendor") for g in chosen.gates)
    assert all(
        n in chosen.questions or n in chosen.derived or n in chosen.scores
        for n in chosen.eval_order
    )
    assert six.select(None) is six and six.select([p.id for p in six.packs]) is six


def test_a_selection_must_hold_what_its_packs_read(tmp_path, six):
    (tmp_path / "needy.toml").write_text(NEEDS_DATA)
    result = load_packs([shipped_dir(), tmp_path])
    assert result.ok, result.problems
    packs = result.packset
    assert packs.needs(["needy", "acceptance"]) == [("needy", "data_approved_for_ai", "data")]
    with pytest.raises(SelectionError, match="'needy' needs pack 'data'"):
        packs.select(["needy"])
    assert packs.closed(["needy"]) == ["data", "needy"]
    assert [p.id for p in packs.select(["needy", "data"]).packs] == ["data", "needy"]


def test_cli_refuses_a_selection_missing_a_needed_pack(tmp_path, capsys):
    (tmp_path / "needy.toml").write_text(NEEDS_DATA)
    code, _, err = run(capsys, "--questionnaires", str(tmp_path), "new", "X", "--packs", "needy")
    assert code == 2
    assert "pack 'needy' needs pack 'data' (it reads 'data_approved_for_ai')" in err


def test_packset_toml_is_not_read_as_a_pack(tmp_path):
    (tmp_path / "packset.toml").write_text('default = ["data"]\n')
    (tmp_path / "needy.toml").write_text(NEEDS_DATA)
    assert [p.name for p in pack_files(tmp_path)] == ["needy.toml"]


# -- new --packs, packs --add / --remove -------------------------------------------------------


def test_new_with_packs_remembers_them_in_pack_order(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    code, out, _ = run(capsys, "--db", db, "new", "Pilot", "--packs", "security, acceptance")
    assert code == 0 and out.strip() == "pilot"
    with Store.open(db) as store:
        made = store.get("pilot")
        assert made.pack_selection == ("acceptance", "security")
        assert list(made.packs) == ["acceptance", "security"]
        total = made.summary.total
    code, out, _ = run(capsys, "--db", db, "list")
    assert f"0/{total}" in out


def test_new_with_an_unknown_pack_lists_the_packs_in_use(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "p.db"), "new", "X", "--packs", "data,nope")
    assert code == 2
    assert "no pack 'nope' in use" in err and ", ".join(FIVE) in err


def test_packs_remove_and_add_keep_every_answer(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    run(capsys, "--db", db, "new", "Pilot")
    packs = load_packs([shipped_dir()]).packset
    with Store.open(db) as store:
        session = Session.open(store, packs, "pilot")
        session.answer("data_approved_for_ai", "yes")
        session.answer("data_contracts", "no")
        before = store.answers(session.id)
    code, out, _ = run(capsys, "--db", db, "packs", "pilot", "--remove", "data")
    assert code == 0
    assert "now made of acceptance, security, production, adoption" in out
    assert "2 stored answer(s) now out of view (kept), 0 back in view" in out
    with Store.open(db) as store:
        assert store.answers(store.get("pilot").id) == before  # untouched
        session = Session.open(store, packs, "pilot")
        assert "data" not in [p.id for p in session.packset.packs]
        assert "data_contracts" not in session.packset.questions
    code, out, _ = run(capsys, "--db", db, "packs", "pilot")
    assert "· data" in out and "2 answer(s) stored" in out and "(not in it)" in out
    code, out, _ = run(capsys, "--db", db, "packs", "pilot", "--add", "data")
    assert "0 stored answer(s) now out of view (kept), 2 back in view" in out
    with Store.open(db) as store:
        again = store.get("pilot")
        assert again.pack_selection is None  # every pack again: later packs join it too
        session = Session.open(store, packs, "pilot")
        assert session.answers["data_contracts"].value == "no"


def test_packs_refuses_unknown_ids_and_an_empty_selection(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    run(capsys, "--db", db, "new", "Pilot", "--packs", "data")
    code, _, err = run(capsys, "--db", db, "packs", "pilot", "--add", "nope")
    assert code == 2 and "no pack 'nope' in use" in err
    code, _, err = run(capsys, "--db", db, "packs", "pilot", "--remove", "data")
    assert code == 2 and "made of no pack" in err


def test_an_assessment_made_before_the_change_keeps_every_pack(tmp_path, capsys):
    db = tmp_path / "old.db"
    run(capsys, "--db", str(db), "new", "Old")
    conn = sqlite3.connect(db)  # as a database migrated from 0010 holds it: NULL
    conn.execute("UPDATE assessments SET pack_selection = NULL")
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        old = store.get("old")
        assert old.pack_selection is None
        session = Session.open(store, load_packs([shipped_dir()]).packset, "old")
        assert [p.id for p in session.packset.packs] == FIVE


def test_packset_toml_names_the_default_for_new(tmp_path, capsys):
    team = tmp_path / "team"
    team.mkdir()
    (team / "vendor.toml").write_text((EXAMPLES / "vendor.toml").read_text())
    (team / "packset.toml").write_text('default = ["vendor", "acceptance"]\n')
    db = str(tmp_path / "p.db")
    code, out, _ = run(capsys, "--db", db, "--questionnaires", str(team), "new", "Team")
    assert code == 0
    code, out, _ = run(
        capsys, "--db", db, "--questionnaires", str(team), "new", "Mine", "--packs", "data"
    )
    with Store.open(db) as store:
        assert store.get("team").pack_selection == ("acceptance", "vendor")
        assert store.get("mine").pack_selection == ("data",)
    (team / "packset.toml").write_text('default = ["nope"]\n')
    code, _, err = run(capsys, "--db", db, "--questionnaires", str(team), "new", "Bad")
    assert code == 2 and "packset.toml: default: no pack 'nope' in use" in err
    (team / "packset.toml").write_text('default = "data"\n')
    code, _, err = run(capsys, "--db", db, "--questionnaires", str(team), "new", "Bad")
    assert code == 2 and "default: give a list of pack ids" in err


# -- what the commands above the session see ---------------------------------------------------


def test_export_shows_only_the_chosen_areas(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    run(capsys, "--db", db, "new", "Pilot", "--packs", "acceptance,data")
    out_file = tmp_path / "pack.json"
    code, _, err = run(capsys, "--db", db, "export", "pilot", "--out", str(out_file))
    assert code == 0, err
    found = json.loads(out_file.read_text())
    assert found["packs"] == {"acceptance": "1.2", "data": "1.1"}
    assert [a["pack"] for a in found["areas"]] == ["acceptance", "data"]
    md = tmp_path / "pack.md"
    code, _, err = run(capsys, "--db", db, "export", "pilot", "--out", str(md))
    assert code == 0, err
    page = md.read_text()
    areas = page[page.index("## Areas") : page.index("## Scores")]
    assert "Acceptance criteria" in areas and "Data readiness" in areas
    assert "Security & compliance" not in areas and "Adoption & change" not in areas
    code, out, _ = run(capsys, "--db", db, "check", "pilot")
    assert "Security" not in out


def test_quick_and_agenda_walk_only_the_chosen_packs(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    run(capsys, "--db", db, "new", "Pilot", "--packs", "adoption")
    code, out, _ = run(capsys, "--db", db, "agenda", "pilot")
    assert code == 0
    packs = load_packs([shipped_dir()]).packset
    with Store.open(db) as store:
        session = Session.open(store, packs, "pilot")
        asked = {q.id for q in packs.pack("adoption").questions}
        assert set(session.packset.questions) == asked
        assert all(item.question_id in asked for item in session.agenda())


def test_agenda_and_coverage_speak_only_of_the_chosen_packs(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    run(capsys, "--db", db, "new", "Pilot", "--packs", "acceptance")
    code, out, _ = run(capsys, "--db", db, "agenda", "pilot", "--json")
    assert code == 0
    assert [a["area"] for a in json.loads(out)["areas"]] == ["acceptance"]
    code, out, _ = run(capsys, "--db", db, "coverage", "pilot", "--json")
    assert code == 0
    packs = load_packs([shipped_dir()]).packset
    acceptance = packs.select(["acceptance"])
    tagged = {
        tag
        for item in [*acceptance.questions.values(), *acceptance.gates.values()]
        for tag in item.frameworks
    }
    touched = {
        f"{key}:{item['id']}"
        for key, framework in json.loads(out)["frameworks"].items()
        for item in framework["coverage"]
    }
    assert touched == tagged  # nothing from the packs this assessment is not made of


# -- the new-assessment dialog -----------------------------------------------------------------


async def test_the_new_dialog_takes_packs_and_says_what_is_wrong(store):
    packs = load_packs([shipped_dir()]).packset
    app = make_app(store=store, packset=packs)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAssessmentDialog)
        field = app.screen.query_one("#packs", Input)
        assert field.value == ", ".join(FIVE)
        assert "Data readiness" in str(app.screen.query_one("#pack-titles", Static).render())
        await pilot.press(*"Slim")
        field.value = "data, nope"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewAssessmentDialog)
        assert "no pack 'nope' in use" in str(app.screen.query_one("#error", Static).render())
        field.value = "data,acceptance"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")  # the wizard it opened, back home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.get("slim").pack_selection == ("acceptance", "data")


async def test_the_wizard_shows_only_the_chosen_areas(store):
    packs = load_packs([shipped_dir()]).packset
    Session.create(store, packs, "Narrow", packs=["security"])
    app = make_app(store=store, packset=packs, open_ref="narrow")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.screen.session
        assert [p.id for p in session.packset.packs] == ["security"]
        assert session.packset.question_pack[app.screen.current] == "security"


async def test_the_palette_goes_to_the_assessments_own_areas(store):
    """It listed every installed pack and went by index into the assessment's: the last one
    named crashed (IndexError), an earlier one went to the wrong area."""
    packs = load_packs([shipped_dir()]).packset
    Session.create(store, packs, "Two", packs=["acceptance", "adoption"])
    app = make_app(store=store, packset=packs, open_ref="two")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        wizard = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        await pilot.press(*"Go to area: Adop")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is wizard
        assert wizard.session.packset.question_pack[wizard.current] == "adoption"
