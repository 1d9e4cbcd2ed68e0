"""Text from files reaches the terminal through the one cleaner: no escape sequence, no C1
control, no bidi override in what `validate`, `questions`, `quick --answers` and `list` print."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLES

ESC = "\x1b"
UNSAFE = ("\x1b", "\x9b", "\x07", "\u202e", "\u2066", "\x7f")


def assert_clean(text: str) -> None:
    for ch in UNSAFE:
        assert ch not in text, f"{ch!r} reached the terminal: {text!r}"


def _hostile_pack(folder, name="vendor.toml", key=True):
    """The example pack with bidi overrides in its title and a question's text (pack text may
    not hold control characters: the format refuses them), and an escape in a quoted key."""
    text = (EXAMPLES / "vendor.toml").read_text()
    text = text.replace('title = "Model vendor"', 'title = "Model \u202evendor\u2066"', 1)
    text = text.replace(
        'text = "Is a data processing agreement', 'text = "\u202eIs a data processing agreement', 1
    )
    path = folder / name
    path.write_text(text + ('\n"key\\u001b[31m" = 1\n' if key else ""), encoding="utf-8")
    return path


def test_validate_cleans_keys_names_and_text(cli, tmp_path):
    folder = tmp_path / "packs\x1b[31m"
    folder.mkdir()
    pack = _hostile_pack(folder)
    result = cli("validate", str(pack))
    assert result.returncode == 1
    assert "unknown key" in result.stdout
    assert_clean(result.stdout + result.stderr)


def test_questions_cleans_pack_text_and_json_keeps_it_exactly(cli, tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    _hostile_pack(folder, key=False)
    listed = cli("--questionnaires", str(folder), "questions")
    assert listed.returncode == 0, listed.stderr
    assert "Is a data processing agreement" in listed.stdout
    assert_clean(listed.stdout)
    as_json = cli("--questionnaires", str(folder), "questions", "--json")
    assert_clean(as_json.stdout)
    rows = {row["id"]: row for row in json.loads(as_json.stdout)}
    assert rows["vendor_dpa_signed"]["text"].startswith("\u202eIs"), "data kept exactly"


def test_answer_file_keys_and_name_are_cleaned(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("new", "Escapes", db=db).returncode == 0
    answers = tmp_path / "answers\u202e\x1b[31m.toml"
    answers.write_text('"nope\\u001b]0;x\\u0007" = 1\n"\\u202eq" = 2\n')
    result = cli("quick", "escapes", "--answers", str(answers), db=db)
    assert result.returncode == 4
    assert "unknown question id" in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_list_json_escapes_what_a_terminal_would_run(cli, tmp_path):
    db = tmp_path / "p.db"
    made = cli("new", "Pilot \u202eevil", db=db)
    assert made.returncode == 0, made.stderr
    out = cli("list", "--json", db=db)
    assert_clean(out.stdout)
    assert json.loads(out.stdout)[0]["name"] == "Pilot \u202eevil"
