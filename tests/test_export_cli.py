"""`preflight export`, `check` and `verify` against a temporary database, as a user runs them."""

from __future__ import annotations

import os

import pytest

from app.errors import PreflightError
from app.export.write import write_pack
from app.store import Store
from tests.conftest import run_cli
from tests.export_demo import load_demo, shipped_packset
from tests.export_support import record, vendor_data


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "x.db"
    with Store.open(db) as store:
        load_demo(store, shipped_packset())
    return db


def test_export_writes_page_and_appendix_once(demo_db, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    first = run_cli("--db", str(demo_db), "export", "support-summariser", cwd=work)
    assert first.returncode == 0, first.stderr
    page = work / "exports" / "support-summariser-receipts.md"
    appendix = work / "exports" / "support-summariser-appendix.md"
    assert first.stdout.split() == [
        "exports/support-summariser-receipts.md",
        "exports/support-summariser-appendix.md",
    ]
    before = page.read_bytes(), appendix.read_bytes()

    again = run_cli("--db", str(demo_db), "export", "support-summariser", cwd=work)
    assert again.returncode == 4 and "already exist" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert (page.read_bytes(), appendix.read_bytes()) == before

    forced = run_cli("--db", str(demo_db), "export", "support-summariser", "--force", cwd=work)
    assert forced.returncode == 0
    assert (page.read_bytes(), appendix.read_bytes()) == before  # same answers, same bytes
    assert sorted(p.name for p in page.parent.iterdir()) == [appendix.name, page.name]


def test_export_out_file_json_and_date(demo_db, tmp_path):
    out = tmp_path / "pack.json"
    result = run_cli(
        "--db",
        str(demo_db),
        "export",
        "support-summariser",
        "--out",
        str(out),
        "--format",
        "json",
        "--date",
        "2026-05-01",
    )
    assert result.returncode == 0, result.stderr
    assert '"date": "2026-05-01"' in out.read_text()
    bad = run_cli("--db", str(demo_db), "export", "support-summariser", "--date", "2026-13-01")
    assert bad.returncode == 2


def test_export_unwritable_folder_is_one_line(demo_db, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = run_cli(
        "--db", str(demo_db), "export", "support-summariser", "--out", str(blocker / "sub")
    )
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("preflight: cannot write")


def test_write_is_atomic_when_the_move_fails(tmp_path, monkeypatch):
    data = vendor_data()
    [page, appendix] = write_pack(data, tmp_path)
    before = page.read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    other = vendor_data(answers={**data.answers, "vendor_support": record("vendor_support", 3)})
    with pytest.raises(PreflightError, match="No space left"):
        write_pack(other, tmp_path, force=True)
    assert page.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([page.name, appendix.name])


def test_check_exit_codes_from_the_database(demo_db, tmp_path):
    no_go = run_cli("--db", str(demo_db), "check", "support-summariser")
    assert no_go.returncode == 1 and "✗ NO-GO" in no_go.stdout
    assert "✗ RED" in no_go.stdout and "Nobody on call" in no_go.stdout
    created = run_cli("--db", str(demo_db), "new", "Empty one")
    assert created.returncode == 0, created.stderr
    assert run_cli("--db", str(demo_db), "check", "empty-one").returncode == 3
    missing = run_cli("--db", str(demo_db), "check", "nope")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def _vendor_only(**answers):
    data = vendor_data(waivers={})
    merged = dict(data.answers)
    merged.update({qid: record(qid, value) for qid, value in answers.items()})
    return vendor_data(answers=merged, waivers={})


@pytest.mark.parametrize(
    ("answers", "strict", "code"),
    [
        pytest.param({"vendor_monthly_budget": 20000, "vendor_support": 3}, False, 0, id="go"),
        pytest.param({"vendor_monthly_budget": 20000}, False, 0, id="conditional"),
        pytest.param({"vendor_monthly_budget": 20000}, True, 1, id="conditional-strict"),
        pytest.param({}, False, 1, id="no-go"),
        pytest.param(
            {"vendor_dpa_signed": "unknown", "vendor_monthly_budget": 20000},
            False,
            3,
            id="incomplete",
        ),
    ],
)
def test_check_exit_codes(monkeypatch, capsys, answers, strict, code):
    import argparse

    from app.commands import _snapshot, check

    monkeypatch.setattr(
        _snapshot, "load_snapshot", lambda args, ref, date=None, **_: _vendor_only(**answers)
    )
    assert check.run(argparse.Namespace(ref="x", strict=strict)) == code
    assert "Support summariser" in capsys.readouterr().out


def test_verify_notices_edits_and_changed_answers(demo_db, tmp_path):
    base = ["--db", str(demo_db)]
    assert run_cli(*base, "export", "support-summariser", "--out", str(tmp_path)).returncode == 0
    assert (
        run_cli(
            *base, "export", "support-summariser", "--out", str(tmp_path), "--format", "json"
        ).returncode
        == 0
    )
    page = tmp_path / "support-summariser-receipts.md"
    appendix = tmp_path / "support-summariser-appendix.md"
    js = tmp_path / "support-summariser-receipts.json"
    for path in (page, appendix, js):
        ok = run_cli(*base, "verify", str(path))
        assert (ok.returncode, "OK" in ok.stdout) == (0, True), ok.stdout + ok.stderr

    edited = tmp_path / "edited.md"
    edited.write_text(page.read_text().replace("NO-GO", "GO"))
    result = run_cli(*base, "verify", str(edited))
    assert result.returncode == 1 and "edited" in result.stdout
    edited_js = tmp_path / "edited.json"
    edited_js.write_text(js.read_text().replace('"NO-GO"', '"GO"'))
    assert run_cli(*base, "verify", str(edited_js)).returncode == 1

    with Store.open(demo_db) as store:
        a = store.get("support-summariser")
        store.save_answer(a.id, "oncall_rotation", "yes")
    for path in (page, js):
        changed = run_cli(*base, "verify", str(path))
        assert changed.returncode == 1 and "changed" in changed.stdout


def test_verify_unrelated_file(tmp_path):
    other = tmp_path / "notes.md"
    other.write_text("# Just notes\n")
    assert run_cli("verify", str(other)).returncode == 1
    assert run_cli("verify", str(tmp_path / "missing.md")).returncode == 4


@pytest.mark.parametrize("change", ["waiver", "note"])
def test_verify_notices_a_new_waiver_or_note(demo_db, tmp_path, change):
    base = ["--db", str(demo_db)]
    assert run_cli(*base, "export", "support-summariser", "--out", str(tmp_path)).returncode == 0
    page = tmp_path / "support-summariser-receipts.md"
    with Store.open(demo_db) as store:
        a = store.get("support-summariser")
        if change == "waiver":
            store.set_waiver(
                a.id, "nobody_on_call", reason="r", approver="CTO", expires="2099-01-01"
            )
        else:
            store.save_answer(a.id, "oncall_rotation", "no", note="rota starts in May")
    result = run_cli(*base, "verify", str(page))
    assert result.returncode == 1 and "changed since export" in result.stdout
