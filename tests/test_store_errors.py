"""Bad files give one clear line (StoreError / exit 4), never a traceback, never a changed file."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def cli(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("preflight: "), result.stderr
    for word in words:
        assert word in lines[0]


def make_db(path: Path) -> None:
    with Store.open(path) as s:
        a = s.create("Kept")
        for i in range(50):
            s.save_answer(a.id, f"q{i}", "x" * 200)


def not_sqlite(tmp: Path) -> Path:
    path = tmp / "notes.db"
    path.write_text("these are my notes, not a database\n" * 10)
    return path


def corrupt(tmp: Path) -> Path:
    path = tmp / "corrupt.db"
    make_db(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 4 * 4096
    data[2 * 4096 : 4 * 4096] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))
    return path


def newer(tmp: Path) -> Path:
    path = tmp / "newer.db"
    make_db(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('preflight', '0099_from_the_future', '2030-01-01')"
    )
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def other_app(tmp: Path) -> Path:
    path = tmp / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    conn.commit()
    conn.close()
    return path


def read_only(tmp: Path) -> Path:
    path = tmp / "ro.db"
    make_db(path)
    path.chmod(0o444)
    return path


def read_only_dir(tmp: Path) -> Path:
    folder = tmp / "locked-folder"
    folder.mkdir()
    path = folder / "db.sqlite"
    make_db(path)
    folder.chmod(0o555)
    return path


CASES = {
    "not-sqlite": (not_sqlite, "not an SQLite file"),
    "corrupt": (corrupt, "corrupt"),
    "newer-schema": (newer, "newer Preflight"),
    "other-app": (other_app, "not a Preflight one"),
    "read-only-file": (read_only, "read-only"),
    "read-only-folder": (read_only_dir, "read-only"),
}


@pytest.fixture
def restore_modes(tmp_path):
    yield
    for p in tmp_path.rglob("*"):
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_file_refused_and_unchanged(tmp_path, case, restore_modes):
    make, words = CASES[case]
    path = make(tmp_path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=words) as err:
        Store.open(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    result = cli(path, "list")
    assert_one_line_failure(result, str(path), words)
    assert cli(path, "new", "X", "--questionnaires", "questionnaires/examples").returncode == 4
    assert path.read_bytes() == before


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)
    assert_one_line_failure(cli(tmp_path, "list"), "is a directory")


def test_missing_parent_created_with_private_file(tmp_path):
    path = tmp_path / "a" / "b" / "preflight.db"
    with Store.open(path) as s:
        s.create("x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    result = cli(tmp_path / "c" / "d.db", "list")
    assert result.returncode == 0 and "No assessments yet" in result.stdout
    assert stat.S_IMODE((tmp_path / "c" / "d.db").stat().st_mode) == 0o600


def test_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as s:
        assert s.assessments() == []


def test_locked_beyond_timeout(tmp_path):
    path = tmp_path / "busy.db"
    make_db(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        before = path.read_bytes()
        with Store.open(path, timeout=0.2) as s:
            with pytest.raises(StoreError, match="locked by another program"):
                s.save_answer(1, "q0", "changed")
            assert s.answers(1)["q0"].value == "x" * 200, "reads still work in WAL mode"
        result = cli(
            path,
            "new",
            "Y",
            "--questionnaires",
            "questionnaires/examples",
            env={"PREFLIGHT_DB_TIMEOUT": "0.3"},
        )
        assert_one_line_failure(result, str(path), "locked")
        assert path.read_bytes() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(path) as s:
        assert s.save_answer(1, "q0", "now").value == "now"


def test_large_file_skips_the_full_scan_but_still_refuses_damage(tmp_path, monkeypatch):
    """Past QUICK_CHECK_MAX_BYTES the open does not read every page (it would cost every command
    seconds on a large file); a truncated copy is still refused at open, and damaged pages
    deeper in the file still give one clear "corrupt" error, with nothing written."""
    from app.store import db

    monkeypatch.setattr(db, "QUICK_CHECK_MAX_BYTES", 0)
    truncated = tmp_path / "truncated.db"
    make_db(truncated)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="corrupt"):
        Store.open(truncated)
    assert truncated.read_bytes() == data[: len(data) // 2]

    damaged = corrupt(tmp_path)
    before = damaged.read_bytes()
    with pytest.raises(StoreError, match="corrupt"):
        with Store.open(damaged) as s:
            [s.answers(a.id) for a in s.assessments()]
    assert damaged.read_bytes() == before


def _corrupt_with_undecodable_names(db: Path) -> None:
    """A Preflight file whose quick_check report quotes a table and column that are not UTF-8."""
    make_db(db)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE zQQ (cQQ TEXT)")
    conn.execute("INSERT INTO zQQ VALUES (NULL)")
    conn.commit()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE TABLE zQQ (cQQ TEXT NOT NULL)' WHERE name = 'zQQ'"
    )
    conn.commit()
    conn.close()
    db.write_bytes(db.read_bytes().replace(b"QQ", b"\xff\xfe"))


def test_corrupt_report_that_is_not_utf8_says_corrupt(tmp_path):
    db = tmp_path / "bad.db"
    _corrupt_with_undecodable_names(db)
    before = db.read_bytes()
    assert_one_line_failure(cli(db, "list"), "is corrupt", "restore it from a backup")
    assert db.read_bytes() == before


def test_a_path_too_long_is_one_line(tmp_path):
    db = tmp_path / ("a" * 300)
    assert_one_line_failure(cli(db, "list"), "cannot use", "too long")


def test_memory_database_is_refused_clearly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", ":memory:", "list"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "is not a file" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / ":memory:").exists(), "no file called :memory: is created"
    with pytest.raises(StoreError, match="is not a file"):
        Store.open(":memory:")
