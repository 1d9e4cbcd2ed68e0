"""Unexpected errors: exit 4 (never 0, never NO-GO's 1), one line on stderr naming the crash
log, the traceback in the log and no local variables anywhere (locals here are answers)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import cli, crash
from app.errors import EXIT_ERROR, PreflightError
from tests.conftest import run_python

SECRET = "s3cr3t-" + "answer-no-dlp"
"""Held in a local of every crashing function; built so no source line shows it whole."""


def boom(args=None):
    secret = "s3cr3t-" + "answer-no-dlp"
    raise ValueError(f"exploded on {len(secret)} characters")


def _logs(state: Path) -> list[Path]:
    return sorted((state / crash.FOLDER).glob("crash-*.log"))


@pytest.fixture
def state(tmp_path) -> Path:
    return Path(os.environ["PREFLIGHT_STATE_DIR"])


def _assert_one_line_naming(err: str, log: Path, where: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0] == (
        f"preflight: unexpected error (ValueError) in {where}; details in {log}. "
        "Answers already saved are kept."
    )


def _assert_log_has_traceback_without_locals(log: Path) -> None:
    text = log.read_text()
    assert "Traceback (most recent call last)" in text
    assert "ValueError: exploded on 20 characters" in text
    assert "in boom" in text
    assert SECRET not in text
    assert log.stat().st_mode & 0o777 == 0o600


# -- the CLI -----------------------------------------------------------------------------------


def test_cli_crash_exits_4_with_one_line_and_a_log(monkeypatch, capsys, state):
    monkeypatch.setattr("app.commands.export.run", boom)
    assert cli.main(["export", "anything"]) == EXIT_ERROR
    [log] = _logs(state)
    out, err = capsys.readouterr()
    assert out == ""
    _assert_one_line_naming(err, log, "export")
    assert SECRET not in err
    _assert_log_has_traceback_without_locals(log)
    assert "where:    export" in log.read_text()


def test_cli_crash_in_a_fresh_process(state):
    code = (
        "import app.commands.list_ as command\n"
        "def boom(args):\n"
        "    secret = 's3cr3t-' + 'answer-no-dlp'\n"
        "    raise ValueError(f'exploded on {len(secret)} characters')\n"
        "command.run = boom\n"
        "from app.cli import main\n"
        "raise SystemExit(main(['list']))\n"
    )
    result = run_python(code, env={"PREFLIGHT_STATE_DIR": str(state)})
    assert result.returncode == EXIT_ERROR
    [log] = _logs(state)
    _assert_one_line_naming(result.stderr, log, "list")
    assert SECRET not in result.stderr + result.stdout
    _assert_log_has_traceback_without_locals(log)


def test_expected_errors_and_interrupts_are_unchanged(monkeypatch, capsys, state):
    def refuse(args):
        raise PreflightError("no assessment 'x'", 3)

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("app.commands.export.run", refuse)
    assert cli.main(["export", "x"]) == 3
    assert capsys.readouterr().err == "preflight: no assessment 'x'\n"
    monkeypatch.setattr("app.commands.export.run", interrupt)
    assert cli.main(["export", "x"]) == 130
    assert capsys.readouterr().err == "preflight: interrupted\n"
    assert not (state / crash.FOLDER).exists()


def test_no_go_check_still_exits_1(capsys, state):
    assert cli.main(["demo", "--no-open"]) == 0
    assert cli.main(["check", "demo"]) == 1
    assert "NO-GO" in capsys.readouterr().out
    assert not (state / crash.FOLDER).exists()


def test_unwritable_state_folder_logs_to_the_temporary_folder_never_the_screen(
    monkeypatch, capsys, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # works as root too, unlike chmod
    monkeypatch.setenv("PREFLIGHT_STATE_DIR", str(blocker))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    monkeypatch.setattr("app.commands.export.run", boom)
    assert cli.main(["export", "x"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, "one line, no traceback on screen"
    assert "state folder could not be written (" in err and "details in " in err
    logs = list((tmp_path / "tmp").rglob("crash-*.log"))
    assert len(logs) == 1 and "ValueError: exploded" in logs[0].read_text()
    assert SECRET not in err and SECRET not in logs[0].read_text()


def test_no_folder_at_all_is_one_line_without_a_traceback(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PREFLIGHT_STATE_DIR", str(blocker))
    monkeypatch.setattr(crash, "_temporary_folder", lambda: blocker / "nope")
    monkeypatch.setattr("app.commands.export.run", boom)
    assert cli.main(["export", "x"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "set PREFLIGHT_STATE_DIR to a writable folder" in err


def test_old_logs_are_pruned_to_the_newest(state):
    folder = state / crash.FOLDER
    folder.mkdir(parents=True)
    for n in range(crash.KEEP + 5):
        old = folder / f"crash-20000101-0000{n:02d}-1.log"
        old.write_text("old")
        os.utime(old, (946684800 + n, 946684800 + n))
    (folder / "notes.txt").write_text("not a log")
    try:
        boom()
    except ValueError as exc:
        report = crash.record(exc, "test")
    logs = _logs(state)
    assert len(logs) == crash.KEEP
    assert report.log in logs
    assert folder / "crash-20000101-000000-1.log" not in logs  # the oldest went first
    assert folder / f"crash-20000101-0000{crash.KEEP + 4:02d}-1.log" in logs
    assert (folder / "notes.txt").exists()


def test_two_crashes_in_the_same_second_get_two_logs(state):
    reports = []
    for _ in range(2):
        try:
            boom()
        except ValueError as exc:
            reports.append(crash.record(exc, "test"))
    assert reports[0].log != reports[1].log
    assert len(_logs(state)) == 2


# -- the TUI -----------------------------------------------------------------------------------


async def test_tui_handler_error_exits_4_and_logs_without_locals(monkeypatch, store, state):
    from app.tui.app import make_app
    from app.tui.screens.home import HomeScreen

    monkeypatch.setattr(HomeScreen, "action_new", lambda self: boom())
    app = make_app(store=store, pack_paths=[])
    with pytest.raises(ValueError):  # run_test re-raises it for the test
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
    assert app.return_code == EXIT_ERROR
    [log] = _logs(state)
    assert app.crash.log == log
    assert app.crash.line.startswith(
        "preflight: unexpected error (ValueError) in the app (HomeScreen); details in "
    )
    _assert_log_has_traceback_without_locals(log)


async def test_tui_worker_error_logs_the_worker_s_own_traceback(store, state):
    from textual.worker import WorkerFailed

    from app.tui.app import make_app

    app = make_app(store=store, pack_paths=[])
    with pytest.raises(WorkerFailed):
        async with app.run_test() as pilot:
            await pilot.pause()
            app.run_worker(boom, thread=True)
            await pilot.pause(0.2)
    assert app.return_code == EXIT_ERROR
    [log] = _logs(state)
    assert "(ValueError)" in app.crash.line
    _assert_log_has_traceback_without_locals(log)


def test_preflight_home_prints_the_line_after_the_app_and_exits_4(monkeypatch, capsys, state):
    """The whole path through `cli.main` and `home.run`, headless (no terminal in tests)."""
    from textual.app import App

    from app.tui.app import PreflightApp
    from app.tui.screens.home import HomeScreen

    async def press_n(pilot):
        await pilot.pause()
        await pilot.press("n")

    def run_headless(self, **kwargs):
        return App.run(self, headless=True, auto_pilot=press_n)

    monkeypatch.setattr(HomeScreen, "action_new", lambda self: boom())
    monkeypatch.setattr(PreflightApp, "run", run_headless)
    assert cli.main(["home"]) == EXIT_ERROR
    [log] = _logs(state)
    out, err = capsys.readouterr()
    _assert_one_line_naming(err, log, "the app (HomeScreen)")
    assert SECRET not in out + err
    _assert_log_has_traceback_without_locals(log)
