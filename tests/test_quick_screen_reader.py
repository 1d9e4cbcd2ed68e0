"""`preflight quick` for a screen reader: under TERM=dumb (or --screen-reader) the walk prints
numbered lines and reads typed answers, with no escape sequence, no redraw and no padding.

Driven as a user would: `python -m app quick SLUG` in a subprocess, answers piped in."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import run_cli
from tests.quick_keys import kinds_folder, packset, stored


@pytest.fixture
def kinds(tmp_path):
    """(db, the pack folder option, slug) for a fresh assessment on the every-kind pack."""
    db = tmp_path / "sr.db"
    folder = ["--questionnaires", str(kinds_folder(tmp_path))]
    made = run_cli(*folder, "new", "Pilot", "--packs", "kinds", db=db)
    assert made.returncode == 0, made.stderr
    return db, folder, made.stdout.strip()


def walk(kinds, lines, *options, env=None):
    db, folder, slug = kinds
    return run_cli(
        *folder,
        "quick",
        slug,
        *options,
        db=db,
        input="".join(f"{line}\n" for line in lines),
        env={"TERM": "dumb", "COLUMNS": "80", **(env or {})},
    )


def test_transcript_under_term_dumb_is_plain(kinds):
    db, _, slug = kinds
    lines = ["maybe", "u", "3", "2", "1,3", "y", "3", "abc", "60", ":back", "", "Dana (Lead)"]
    result = walk(kinds, lines)
    out = result.stdout
    assert result.returncode == 1, result.stderr  # the red gate: NO-GO
    assert "Traceback" not in result.stderr
    assert "\x1b" not in out and "\x1b" not in result.stderr  # no escape sequence at all
    assert "\n\n\n" not in out  # no run of blank lines (one between questions at most)
    assert "\r" not in out
    # Numbered choices, printed once each.
    for line in ("  1. yes", "  2. no", "  u. unknown (find out later)", "  2. Option B"):
        assert f"\n{line}\n" in out
    assert out.count("  1. Option A") == 1
    # An error is one plain line, then the question again; the answer after it is taken.
    assert "> ✗ Not saved: 'maybe' is not one of the choices" in out
    assert re.search(r"✗ Not saved: 'maybe'.*\nAgain: Yes or no\?\n>   saved: unknown\n", out)
    assert "✗ Not saved: '3' is not one of the choices (type 1 or 2)\nAgain: Which one?" in out
    assert "✗ Not saved: 'abc' is not a number in tickets\nAgain: How many?" in out
    # The multi echo names the options; the gate is a plain line.
    assert "  saved: X • Z\n" in out
    assert "✗ RED  Too many tickets — fix: Cut the queue below 50.\n" in out
    # :back went to the number, Enter kept it; then the person; end of input stops cleanly.
    assert out.count("Question: How many?") == 2
    assert "Stopped; 6 questions answered this run." in out
    assert stored(db, packset(db.parent / "kinds"), slug) == {
        "k_yes": "unknown",
        "k_choice": "b",
        "k_multi": ["x", "z"],
        "k_scale": 3,
        "k_number": 60,
        "k_person": {"name": "Dana", "role": "Lead"},
    }


def test_letters_numbers_and_moves(kinds):
    db, _, slug = kinds
    # y answers yes; "s" skips the choice; "none" is no choice on the multi; b goes back to it;
    # "1 2" (spaces) ticks two; then quit.
    result = walk(kinds, ["y", "s", "none", "b", "1 2", "q"], "--screen-reader")
    assert result.returncode == 3, result.stderr
    assert "  saved: (none)\n" in result.stdout
    assert "  saved: X • Y\n" in result.stdout
    assert "Stopped; 2 questions answered this run." in result.stdout  # k_multi twice: one
    assert stored(db, packset(db.parent / "kinds"), slug) == {"k_yes": "yes", "k_multi": ["x", "y"]}


def test_flag_works_on_any_terminal_and_n(kinds):
    db, _, slug = kinds
    result = walk(kinds, ["n"], "--screen-reader", env={"TERM": "xterm-256color"})
    assert "\x1b" not in result.stdout
    assert "Stopped; 1 question answered this run." in result.stdout
    assert stored(db, packset(db.parent / "kinds"), slug) == {"k_yes": "no"}


def test_help_wraps_at_word_boundaries_when_narrow(tmp_path):
    db = tmp_path / "demo.db"
    made = run_cli("new", "Support summariser", db=db)
    assert made.returncode == 0, made.stderr
    result = run_cli(
        "quick",
        made.stdout.strip(),
        db=db,
        input="",
        env={"TERM": "dumb", "COLUMNS": "40"},
    )
    out = result.stdout
    assert "\x1b" not in out
    why = out.split("  why: ", 1)[1].split("\nQuestion:", 1)[0].split("\n")
    assert len(why) > 2, why
    words = " ".join(row.strip() for row in why).split(" ")
    assert "15%" in words and "CSAT" in words  # not broken inside a word
    for row in ["  why: " + why[0], *why[1:]]:
        assert len(row) <= 40 or " " not in row.strip(), row
    assert all(row.startswith("       ") for row in why[1:])  # hanging indent under "why:"
    assert "Stopped; 0 questions answered this run." in out  # end of input at once


def test_screen_reader_mode_loads_no_prompt_toolkit(kinds):
    db, folder, slug = kinds
    code = (
        "import sys, io, contextlib\n"
        "sys.stdin = io.StringIO('y\\n')\n"
        "from app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main([*{folder!r}, 'quick', {slug!r}, '--screen-reader'])\n"
        "print(code, any(m.split('.')[0] in ('prompt_toolkit', 'questionary', 'textual')"
        " for m in sys.modules))\n"
    )
    import subprocess

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PREFLIGHT_DB": str(db), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "3 False", result.stderr
