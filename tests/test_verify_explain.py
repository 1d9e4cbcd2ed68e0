"""`preflight verify FILE --explain`: what changed in the database since the export the file
claims (replayed from the history), which lines or fields of the file were edited, an export
this database never logged, and hostile text, as a user runs them."""

from __future__ import annotations

import json

import pytest

from app.store import Store
from tests.conftest import run_cli
from tests.export_demo import load_demo, shipped_packset

SLUG = "support-summariser"


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "x.db"
    with Store.open(db) as store:
        load_demo(store, shipped_packset())
    return db


@pytest.fixture
def exported(demo_db, tmp_path):
    """The demo exported as Markdown (page + appendix) and JSON; their paths by kind."""
    out = tmp_path / "ex"
    for fmt in ("md", "json"):
        done = run_cli("--db", str(demo_db), "export", SLUG, "--out", str(out), "--format", fmt)
        assert done.returncode == 0, done.stderr
    return {
        "page": out / f"{SLUG}-receipts.md",
        "appendix": out / f"{SLUG}-appendix.md",
        "json": out / f"{SLUG}-receipts.json",
    }


def explain(db, path):
    done = run_cli("--db", str(db), "verify", str(path), "--explain")
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_match_is_just_ok(demo_db, exported):
    for path in exported.values():
        done = explain(demo_db, path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count("\n") == 1 and ": OK: matches" in done.stdout


def test_an_answer_changed_since_export_is_named_with_the_gate_it_flipped(demo_db, exported):
    with Store.open(demo_db) as store:
        store.save_answer(store.get(SLUG).id, "oncall_rotation", "yes")
    for kind in ("page", "json"):
        done = explain(demo_db, exported[kind])
        assert done.returncode == 1
        out = done.stdout
        assert "changed since export" in out and "since the export of " in out
        assert "oncall_rotation: no → yes" in out
        assert "Gates that changed (1)" in out and "Nobody on call" in out
        assert "edited" not in out  # the file itself is as exported
    # Without --explain: the one line of before.
    plain = run_cli("--db", str(demo_db), "verify", str(exported["page"]))
    assert plain.returncode == 1 and plain.stdout.count("\n") == 1


def test_a_note_changed_since_export_and_hostile_text_is_cleaned(demo_db, exported):
    with Store.open(demo_db) as store:
        a = store.get(SLUG)
        value = store.answers(a.id)["oncall_rotation"].value
        store.save_answer(a.id, "oncall_rotation", value, note="rota \x1b[2J\x1b]0;pwned\x07 May")
    done = explain(demo_db, exported["appendix"])
    assert done.returncode == 1
    assert "Notes (1)" in done.stdout and "oncall_rotation" in done.stdout
    assert "Answers changed" not in done.stdout  # the value stayed, only the note moved
    for bad in ("\x1b", "\x07"):
        assert bad not in done.stdout


def test_a_hand_edited_page_names_the_edited_lines(demo_db, exported):
    page = exported["page"]
    original = page.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(original, 1) if "NO-GO" in line)
    edited = page.with_name("edited.md")
    hostile = original[number - 1].replace("NO-GO", "GO \x1b[31mtrust me\u202e")
    edited.write_text(
        "\n".join([*original[: number - 1], hostile, *original[number:]]) + "\n",
        encoding="utf-8",
    )
    done = explain(demo_db, edited)
    assert done.returncode == 1
    out = done.stdout
    assert "edited after export" in out and "1 line differs" in out
    assert f"line {number}: file has '" in out and "trust me" in out
    assert "/ exported '" in out and "NO-GO" in out.split("/ exported", 1)[1]
    assert "still gives the file's digest" in out
    assert "changed since export" not in out
    assert "\x1b" not in out and "\u202e" not in out


def test_a_hand_edited_json_names_the_field(demo_db, exported):
    js = exported["json"]
    doc = json.loads(js.read_text(encoding="utf-8"))
    doc["verdict"] = "GO"
    doc["receipts"][0]["status"] = "present"
    edited = js.with_name("edited.json")
    edited.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    done = explain(demo_db, edited)
    assert done.returncode == 1
    out = done.stdout
    assert "field verdict: file has '\"GO\"' / exported '\"NO-GO\"'" in out
    assert "field receipts[0].status: file has '\"present\"'" in out
    assert "2 fields differ" in out


def test_edited_and_changed_says_both(demo_db, exported):
    page = exported["page"]
    edited = page.with_name("edited.md")
    edited.write_text(page.read_text(encoding="utf-8").replace("NO-GO", "GO"), encoding="utf-8")
    with Store.open(demo_db) as store:
        store.save_answer(store.get(SLUG).id, "oncall_rotation", "yes")
    out = explain(demo_db, edited).stdout
    assert "edited after export" in out and "changed since export" in out
    assert "because of that rather than a hand edit" in out
    assert "oncall_rotation: no → yes" in out


def test_an_export_this_database_never_logged(tmp_path, demo_db, exported):
    # The same demo in another database: the same digest, but no export of it in its log.
    other = tmp_path / "other.db"
    with Store.open(other) as store:
        load_demo(store, shipped_packset())
    assert explain(other, exported["json"]).returncode == 0
    with Store.open(other) as store:
        store.save_answer(store.get(SLUG).id, "oncall_rotation", "yes")
    for kind in ("json", "appendix"):
        done = explain(other, exported[kind])
        assert done.returncode == 1
        out = done.stdout
        assert "no export in this database's log has the file's digest" in out
        assert "cannot be rebuilt from the history" in out
        assert "pack versions: the same as the file names" in out
        assert "oncall_rotation" not in out  # nothing to replay: nothing claimed


def test_a_hand_edited_html_names_the_edited_line(demo_db, tmp_path):
    out = tmp_path / "page.html"
    done = run_cli("--db", str(demo_db), "export", SLUG, "--out", str(out))
    assert done.returncode == 0, done.stderr
    head, sep, body = out.read_text(encoding="utf-8").partition("</head>")
    assert "NO-GO" in body
    out.write_text(head + sep + body.replace("NO-GO", "GO-GO-GO", 1), encoding="utf-8")
    found = explain(demo_db, out)
    assert found.returncode == 1
    assert "fresh HTML rendering" in found.stdout and "1 line differs" in found.stdout
    assert "file has '" in found.stdout and "GO-GO-GO" in found.stdout
