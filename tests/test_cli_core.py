"""The `preflight` command for the core: validate, schema, questions, --version, and what each
command may import."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, run_cli, run_python


def test_version_and_help():
    assert run_cli("--version").stdout.startswith("preflight ")
    result = run_cli("--help")
    assert result.returncode == 0 and "validate" in result.stdout


def test_python_dash_m_and_usage_error():
    result = run_cli("no-such-command")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_validate_example_ok():
    result = run_cli("validate", str(EXAMPLES / "vendor.toml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: pack 'vendor' v1.0: 9 questions, 3 gates" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "file: is empty", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "file: is binary", id="binary"),
        pytest.param(b"id = [", "toml:", id="broken"),
        pytest.param(b'id = "x"\nnope = 1\n', "nope: unknown key", id="unknown-key"),
    ],
)
def test_validate_bad_files(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert f"{path}: {expected}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_missing_path(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.toml"))
    assert result.returncode == 1 and "does not exist" in result.stdout


def test_questions_json_has_the_promised_fields():
    result = run_cli("--questionnaires", str(EXAMPLES), "questions", "--json")
    assert result.returncode == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["pack"] == "vendor"]
    assert len(rows) == 9
    region = next(r for r in rows if r["id"] == "vendor_region")
    assert region["options"] == ["eu", "us", "global"]
    assert {"id", "pack", "kind", "text", "help", "options", "required"} <= set(region)
    assert next(r for r in rows if r["id"] == "vendor_name")["options"] == []


def test_questionnaires_from_env(tmp_path):
    result = run_cli("questions", env={"PREFLIGHT_QUESTIONNAIRES": str(EXAMPLES)})
    assert "vendor_dpa_signed" in result.stdout


def test_schema_is_json_schema():
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Preflight questionnaire pack"
    assert schema["additionalProperties"] is False
    assert "questions" in schema["properties"]


HEAVY = ("textual", "questionary", "prompt_toolkit", "sqlite_utils", "sqlite3")
FRONT_ENDS = ("textual", "questionary", "prompt_toolkit")


def _loaded_after(argv: list[str], watch: tuple[str, ...], env: dict | None = None) -> list[str]:
    """Run `preflight ARGV` in a fresh interpreter; the watched packages it loaded."""
    code = (
        "import sys, io, contextlib\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):\n"
        "    try:\n"
        f"        from app.cli import main; main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({watch!r})))\n"
    )
    result = run_python(code, env=env, check=True)
    return eval(result.stdout.strip().splitlines()[-1])  # a printed list of names


@pytest.mark.parametrize("argv", [["validate"], ["schema"], ["questions"], ["--help"]])
def test_pack_commands_import_no_front_end_and_no_sqlite(argv):
    assert _loaded_after(argv, HEAVY) == []


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("hygiene") / "demo.db"
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    return db


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["new", "Other"],
        ["check", "demo"],
        ["export", "demo", "--out", "{tmp}"],
        ["verify", "{tmp}/none.md"],
        ["demo", "--no-open"],
        ["rename", "demo", "Demo"],
    ],
    ids=lambda argv: argv[0],
)
def test_store_commands_import_no_front_end(demo_db, tmp_path, argv):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert _loaded_after(["--db", str(demo_db), *argv], FRONT_ENDS) == []


@pytest.mark.parametrize(
    "argv",
    [["check", "demo"], ["export", "demo", "--out", "{tmp}"], ["list"]],
    ids=lambda argv: argv[0],
)
def test_read_commands_with_a_warm_pack_cache_load_neither_pydantic_nor_sqlite_utils(
    demo_db, tmp_path, argv
):
    """The start-up promise behind the `check`/`export` benchmark: packs that passed before
    come from the pack cache, and reading the store needs only the sqlite3 module."""
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    _loaded_after(["--db", str(demo_db), "check", "demo"], ())  # fills the pack cache
    assert _loaded_after(["--db", str(demo_db), *argv], ("pydantic", "sqlite_utils")) == []
