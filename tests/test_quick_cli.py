"""`preflight quick` as a command: answer files, the verdict and exit codes, no terminal, and
what it may import."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from app.cli import main
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.quick_keys import ENTER, QUIT, packset, stored

DEMO = ROOT / "questionnaires" / "demo" / "support-summariser.toml"
EX = ["--questionnaires", str(EXAMPLES)]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.db"


def new(db, name="Support summariser"):
    result = run_cli("new", name, db=db)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_demo_answer_file_applies_and_prints_verdict(db):
    slug = new(db)
    result = run_cli("quick", slug, "--answers", str(DEMO), db=db)
    assert result.returncode in (1, 3), result.stderr
    assert f"answer(s) from {DEMO} to {slug}." in result.stdout
    # The verdict line is the one `preflight check` prints: "NAME (slug): ✗ NO-GO — …".
    verdict = re.search(r"\): [✔!✗?] (\S+) — ", result.stdout)[1]
    assert {"NO-GO": 1, "INCOMPLETE": 3}[verdict] == result.returncode
    answers = stored(db, packset(ROOT / "questionnaires"), slug)
    assert answers["kpi_owner"] == {"name": "Dana Whitfield", "role": "Head of Customer Support"}
    listed = json.loads(run_cli("list", "--json", db=db).stdout)
    assert listed[0]["summary"]["verdict"] == verdict


def test_meta_participants_added_once_and_answered_as(db, tmp_path):
    slug = new(db)
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {
                "_meta": {
                    "participants": [{"name": "Priya", "role": "Tech lead"}],
                    "answered_as": "Priya",
                },
                "vendor_name": "Acme",
            }
        )
    )
    for _ in range(2):
        assert run_cli(*EX, "quick", slug, "--answers", str(path), db=db).returncode == 3
    from app.store import Store

    with Store.open(db) as store:
        assessment = store.get(slug)
        assert [p.name for p in store.participants(assessment.id)] == ["Priya"]
        assert store.answers(assessment.id)["vendor_name"].answered_by == "Priya"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            'vendor_name = "Acme"\nvendor_dpa_signed = "maybe"\n',
            ["vendor_dpa_signed: expected yes, no or unknown"],
            id="half-bad",
        ),
        pytest.param(
            "nope = 1\nvendor_exit_plan = 7\n",
            ["nope: unknown question id", "vendor_exit_plan: expected 1, 2 or 3"],
            id="bad",
        ),
        pytest.param("vendor_name = [", ["file: "], id="broken-toml"),
    ],
)
def test_bad_answer_file_applies_nothing(db, tmp_path, content, expected):
    slug = new(db)
    path = tmp_path / "answers.toml"
    path.write_text(content)
    result = run_cli(*EX, "quick", slug, "--answers", str(path), db=db)
    assert result.returncode == 4
    for line in expected:
        assert f"{path}: {line}" in result.stderr
    assert "nothing was applied" in result.stderr and "Traceback" not in result.stderr
    assert stored(db, packset(), slug) == {}


def test_good_file_red_gate_is_no_go(db, tmp_path):
    slug = new(db)
    path = tmp_path / "answers.toml"
    path.write_text('vendor_dpa_signed = "no"\n')
    result = run_cli(*EX, "quick", slug, "--answers", str(path), db=db)
    assert result.returncode == 1
    assert "Applied 1 answer(s)" in result.stdout
    assert "  ✗ RED        No data processing agreement — Customer data" in result.stdout
    assert "✗ NO-GO —" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


def test_stdin_not_a_terminal(db):
    slug = new(db)
    result = run_cli("quick", slug, db=db, input="yes\n", env={"TERM": "xterm"})
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "--answers FILE" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_area_and_unknown_participant(db, monkeypatch):
    slug = new(db)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    assert main([*EX, "quick", slug, "--area", "nope"]) == 2
    assert main([*EX, "quick", slug, "--as", "Nobody"]) == 2


def test_interactive_command_ends_with_verdict(db, monkeypatch, capsys):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input.defaults import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    slug = new(db)
    monkeypatch.setenv("PREFLIGHT_DB", str(db))
    monkeypatch.setenv("TERM", "xterm")  # TERM=dumb would turn the screen-reader mode on
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    with create_pipe_input() as pipe:
        pipe.send_text("Acme" + ENTER + "\x1b[B" + ENTER + QUIT)
        with create_app_session(input=pipe, output=DummyOutput()):
            code = main([*EX, "quick", slug, "--area", "vendor", "--as", "Priya (Tech lead)"])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ RED  No data processing agreement" in out
    assert "Stopped; 2 questions answered this run." in out
    assert "✗ NO-GO —" in out
    from app.store import Store

    with Store.open(db) as store:
        record = store.answers(store.get(slug).id)["vendor_dpa_signed"]
    assert record.value == "no" and record.answered_by == "Priya"


def test_quick_never_imports_textual(db):
    slug = new(db)
    code = (
        "import sys, io, contextlib\n"
        "sys.stdin.isatty = lambda: True\n"
        "from prompt_toolkit.application import create_app_session\n"
        "from prompt_toolkit.input.defaults import create_pipe_input\n"
        "from prompt_toolkit.output import DummyOutput\n"
        "from app.cli import main\n"
        "with create_pipe_input() as pipe, contextlib.redirect_stdout(io.StringIO()):\n"
        "    pipe.send_text('\\x03')\n"
        "    with create_app_session(input=pipe, output=DummyOutput()):\n"
        f"        code = main(['quick', {slug!r}])\n"
        "print(code, 'textual' in sys.modules, 'questionary' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PREFLIGHT_DB": str(db), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "130 False True", result.stderr
