"""A command builds only its own sub-command's parser (importing every command module cost
~15 ms of each start); help, no command and a mistyped one still see them all."""

from __future__ import annotations

import pytest

from app.cli import _named_command
from tests.conftest import run_python


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["list"], "list_"),
        (["--db", "x.db", "import", "f.json"], "import_"),
        (["--questionnaires", "merge", "check", "demo"], "check"),  # a folder called merge
        (["--db=x.db", "diff", "demo"], "diff"),
        (["--help"], None),
        ([], None),
        (["lis"], None),
    ],
)
def test_the_command_named(argv, named):
    assert _named_command(argv) == named


def test_running_one_command_imports_no_other(tmp_path):
    # Its helpers (app.commands._store, …) are its own business; no other command is loaded.
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"code = main(['--db', {str(tmp_path / 'x.db')!r}, 'list'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('app.commands.')\n"
        "                and not m.startswith('app.commands._'))\n"
        "print(code, loaded)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 ['app.commands.list_']"


def test_a_mistyped_command_lists_them_all(cli, tmp_path):
    done = cli("lis", db=tmp_path / "x.db")
    assert done.returncode == 2
    assert "'list'" in done.stderr and "'merge'" in done.stderr
