"""Opening the SQLite file safely, applying migrations, and turning sqlite3 errors into StoreError.

Every check that can refuse a file runs before SQLite writes a byte to it: a path that is a
directory, a file that is not SQLite, a read-only file or folder, a corrupt file, another
program's database, a database from a newer Preflight. A refused file is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from app.core.text import one_line
from app.errors import EXIT_USAGE
from app.store import schema
from app.store.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for another process holding the write lock before giving up."""


def _writable(path: Path, st: os.stat_result) -> bool:
    # root passes os.access on anything; honour the permission bits a person set all the same.
    if not os.access(path, os.W_OK):
        return False
    return os.geteuid() != 0 or bool(st.st_mode & 0o222)


SPECIAL_NAMES = (":memory:", "")
"""Names SQLite reads as "no file": Preflight keeps every answer in a file, so it refuses them."""


def prepare_file(path: Path) -> None:
    """Refuse what SQLite must not touch; create a missing folder and a new file with mode 0600."""
    try:
        _prepare_file(path)
    except OSError as exc:  # a name too long, a path through a file, a loop of links, …
        raise StoreError(f"cannot use {path}: {exc.strerror or exc}") from None


def _prepare_file(path: Path) -> None:
    if str(path) in SPECIAL_NAMES:
        raise StoreError(
            f"--db {str(path) or '(empty)'!r} is not a file: Preflight keeps every answer in a "
            "database file; give a path such as ./pilot.db",
            EXIT_USAGE,
        )
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"cannot create folder {parent}: {exc.strerror or exc}") from None
    if not parent.is_dir():
        raise StoreError(f"{parent} is not a folder")
    if not _writable(parent, parent.stat()):
        raise StoreError(
            f"cannot use {path}: its folder is read-only (SQLite writes a journal beside it)"
        )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        return
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path} is not a regular file")
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is not a Preflight database (not an SQLite file)")
    if not _writable(path, st):
        raise StoreError(f"{path} is read-only; Preflight needs to write to it")


def describe(path: Path, exc: BaseException, timeout: float = DEFAULT_TIMEOUT) -> str:
    """One line for people about an sqlite3 error on `path`."""
    text = str(exc).lower()
    if isinstance(exc, UnicodeDecodeError) or text.startswith("could not decode"):
        return f"{path} is corrupt (it holds text that is not UTF-8); restore it from a backup"
    if "locked" in text or "busy" in text:
        return f"{path} is locked by another program (waited {timeout:g} s); try again"
    if "readonly" in text or "read-only" in text:
        return f"{path} is read-only; Preflight needs to write to it"
    if "not a database" in text:
        return f"{path} is not a Preflight database (not an SQLite file)"
    if "malformed" in text or "corrupt" in text:
        return f"{path} is corrupt ({one_line(exc)[:200]}); restore it from a backup"
    if "full" in text:
        return f"cannot write {path}: the disk is full"
    if "unable to open" in text:
        return f"cannot open {path}"
    if isinstance(exc, UnicodeEncodeError):
        return "text holding invalid Unicode (lone surrogates) cannot be stored"
    return f"{path}: database error: {one_line(exc)[:300]}"


@contextlib.contextmanager
def mapped(path: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Turn sqlite3 failures into StoreError at the façade boundary."""
    try:
        yield
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        raise StoreError(describe(path, exc, timeout)) from None


@contextlib.contextmanager
def write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, committed (and synced: synchronous=FULL) before the block ends.

    BEGIN IMMEDIATE takes the write lock up front, so a second process waits on the busy
    timeout instead of failing with SQLITE_BUSY when a read transaction tries to upgrade.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def open_database(path: Path, timeout: float = DEFAULT_TIMEOUT) -> sqlite3.Connection:
    """Check, open and migrate the database at `path`; raise StoreError on any bad condition."""
    prepare_file(path)
    try:
        # isolation_level=None: the store issues BEGIN/COMMIT itself (see `write`).
        conn = sqlite3.connect(
            str(path), timeout=timeout, check_same_thread=False, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise StoreError(describe(path, exc, timeout)) from None
    try:
        with mapped(path, timeout):
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            _check(conn, path)
            _use_wal(conn, timeout)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if _pending(conn):
                from sqlite_utils import Database

                with write(conn):
                    # Re-check under the write lock: another process may have just migrated.
                    _check_version(conn, path)
                    schema.migrations().apply(Database(conn))
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch a new file to WAL. Two processes opening a brand-new file at once both try; the
    switch needs the file to themselves, SQLite answers BUSY without using the busy timeout,
    and by the time we look again the other process has usually switched it already."""
    deadline = time.monotonic() + timeout
    while True:
        if conn.execute("PRAGMA journal_mode").fetchall()[0][0].lower() == "wal":
            return
        try:
            if conn.execute("PRAGMA journal_mode = WAL").fetchall()[0][0].lower() == "wal":
                return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
        if time.monotonic() >= deadline:
            raise sqlite3.OperationalError("database is locked")
        time.sleep(0.02)


def _pending(conn: sqlite3.Connection) -> bool:
    """Are any of schema.KNOWN not applied yet? (Read with plain SQL: no sqlite-utils.)"""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [schema.MIGRATIONS_TABLE]
    ).fetchone()
    if found is None:
        return True
    applied = {
        row[0]
        for row in conn.execute(
            f"SELECT name FROM [{schema.MIGRATIONS_TABLE}] WHERE migration_set = ?",
            [schema.MIGRATION_SET],
        )
    }
    return not set(schema.KNOWN) <= applied


QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
"""Files up to this size get a full `PRAGMA quick_check` at every open (a few ms at most)."""


def _check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a corrupt file before writing to it, at a cost that does not grow with the file.

    `quick_check` reads every page: ~120 ms on a 100 MB file, seconds on a large one, paid by
    every command. Past QUICK_CHECK_MAX_BYTES the open checks what SQLite itself needs to be
    sound (the schema on page 1 parses, the page count agrees with the file's size); damage
    deeper in a large file surfaces as "corrupt; restore it from a backup" from `mapped` on the
    first read that meets it, and nothing is written then (every write is one transaction).
    """
    size = path.stat().st_size
    if size <= QUICK_CHECK_MAX_BYTES:
        # A damaged file's report can quote names that are not UTF-8: read it as bytes.
        conn.text_factory = bytes
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.text_factory = str
        if result != [b"ok"]:
            first = one_line(result[0].decode("utf-8", "replace")) if result else "no answer"
            raise StoreError(f"{path} is corrupt ({first[:200]}); restore it from a backup")
    else:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        # The WAL may hold pages the main file has not received yet, so only a file shorter
        # than its own header says is wrong (a truncated copy).
        wal = path.with_name(path.name + "-wal")
        if pages * page_size > size and not wal.exists():
            raise StoreError(
                f"{path} is corrupt (truncated: {size} bytes of {pages * page_size}); "
                "restore it from a backup"
            )
    _check_version(conn, path)


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    tables = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row[0].startswith("sqlite_")
    }
    if not tables:
        return
    table = schema.MIGRATIONS_TABLE
    applied: list[str] = []
    if table in tables:
        applied = [
            row[0]
            for row in conn.execute(
                f"SELECT name FROM [{table}] WHERE migration_set = ?", [schema.MIGRATION_SET]
            )
        ]
    if not applied:
        raise StoreError(f"{path} is an SQLite database but not a Preflight one")
    unknown = [name for name in applied if name not in schema.KNOWN]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    if unknown or user_version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Preflight (schema {max(user_version, len(applied))}, "
            f"this one knows {schema.SCHEMA_VERSION}); upgrade Preflight to open it"
        )
