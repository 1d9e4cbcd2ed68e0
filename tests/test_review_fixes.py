"""Defects a review found by trying the README's promises as a new user and a hostile tester."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.core import expr
from app.store import NotFound
from tests.conftest import ROOT


def _pipe(argv: list[str], db) -> int:
    """`preflight ARGV | true`: the reader leaves at once; the exit status of preflight."""
    script = (
        f"{sys.executable} -m app --db {db} " + " ".join(argv) + " | (exec 0<&-; true); "
        "echo ${PIPESTATUS[0]}"
    )
    out = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_a_reader_leaving_early_is_not_success(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    # The demo is NO-GO (exit 1); with the reader gone, never 0.
    assert _pipe(["check", "demo"], db) in (1, 141)
    assert _pipe(["questions"], db) in (0, 141)


@pytest.mark.parametrize("digits", [310, 480])
def test_long_integer_literals_in_expressions_are_refused_at_load(digits):
    with pytest.raises(expr.ExpressionError, match="out of range"):
        expr.parse("x > 1" + "0" * digits)


@pytest.mark.parametrize("source", ["round(x, 16)", "round(x, -1)", "round(x, 2.5)"])
def test_round_digits_outside_0_to_15_are_refused_at_load(source):
    with pytest.raises(expr.ExpressionError, match="0 to 15"):
        expr.parse(source)
    assert expr.parse("round(x, 2)").evaluate({"x": 1.234}) == 1.23


def test_a_huge_numeric_reference_is_not_found(store):
    with pytest.raises(NotFound):
        store.get("9" * 30)
    with pytest.raises(NotFound):
        store.get(2**63)


def test_list_limit_takes_a_sensible_count(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("new", "One", db=db).returncode == 0
    for bad in ("-1", "99999999999999999999999", "x"):
        out = cli("list", "--limit", bad, db=db)
        assert out.returncode == 2 and "Traceback" not in out.stderr, (bad, out.stderr)


def test_actions_at_the_end_of_the_calendar(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    out = cli("actions", "demo", "--date", "9999-12-31", db=db)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr, out.stderr


def test_answer_file_people_problems_name_the_file_and_field(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("new", "People", db=db).returncode == 0
    answers = tmp_path / "a.json"
    answers.write_text(
        json.dumps(
            {
                "_meta": {
                    "participants": [
                        {"name": "good", "role": "r"},
                        {"name": "bad\u001b", "role": "r"},
                        {"name": "x" * 201, "role": "r"},
                        {"name": "ok", "role": "r\u001b[5m"},
                    ]
                }
            }
        )
    )
    out = cli("quick", "people", "--answers", str(answers), db=db)
    assert out.returncode == 4, out.stderr
    for field in ("participants[1].name", "participants[2].name", "participants[3].role"):
        assert f"a.json: _meta.{field}: " in out.stderr


def test_roles_refuse_control_characters_everywhere(store):
    from app.errors import PreflightError

    a = store.create("Roles")
    with pytest.raises(PreflightError, match="control characters"):
        store.add_participant(a.id, "Zed", "r\x1b[5m")


@pytest.mark.parametrize(
    "names",
    [
        ["N" * 150],
        [f"N{i:02d}" * 40 for i in range(12)],
        [("M" * (120 + i * 2)) for i in range(30)],
    ],
    ids=["one-long", "twelve-120", "thirty-long"],
)
def test_long_participant_names_keep_the_page_within_its_limits(names):
    from app.export.page import MAX_LINES, WIDTH, render_page
    from app.export.snapshot import make_snapshot
    from app.store.models import Participant
    from tests.export_md import nonblank
    from tests.export_support import assessment, vendor_packset

    people = [Participant(id=i, assessment_id=1, name=n, role="r") for i, n in enumerate(names)]
    page = render_page(make_snapshot(assessment(), people, {}, {}, {}, vendor_packset()))
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= WIDTH


def test_a_trailing_slash_means_a_folder_whatever_the_name(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    out = cli("export", "demo", "--out", str(tmp_path / "a.md") + "/", db=db)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "a.md" / "demo-receipts.md").is_file()


def test_every_problem_of_a_followup_is_reported_together(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    answers = tmp_path / "k.json"
    answers.write_text(
        json.dumps(
            {"_followups": {"nobody_on_call": {"colour": "x", "due": "2026-02-30", "status": "z"}}}
        )
    )
    out = cli("quick", "demo", "--answers", str(answers), db=db)
    assert out.returncode == 4
    for field in ("colour", "due", "status"):
        assert f"_followups.nobody_on_call.{field}: " in out.stderr, out.stderr
