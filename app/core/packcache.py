"""Packs that passed validation before, kept as plain data so a start skips pydantic.

Checking pack files with pydantic (importing it, building its validator) cost more than the
rest of `preflight check`. Pack files rarely change, so each file that passed is kept here
under the SHA-256 of its bytes and of the code that checks it (`SOURCES`): a file whose bytes
or checking code changed is validated again, and only files that passed are ever kept.

Each entry carries a checksum over its key and its data, so an entry edited by hand, damaged,
or copied under another file's key is dropped and its file validated again. (Like Python's own
`.pyc` files, the cache is as trusted as the user's home folder: someone who can write there can
also write a checksum.) Unreadable, corrupt or unwritable, the cache is ignored and rewritten
when it can be; it never turns a load into an error. Location: `$PREFLIGHT_CACHE_DIR`, else
`$XDG_CACHE_HOME/preflight`, else `~/.cache/preflight`; `PREFLIGHT_CACHE_DIR=` (empty) turns it
off. Reads and writes are local files only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from app.core.model import Pack, pack_from_data

FORMAT = f"preflight-packs-5 python-{sys.version_info[0]}.{sys.version_info[1]}".encode()
SOURCES = (
    "model.py",
    "expr.py",
    "packfile.py",
    "packs.py",
    "text.py",
    "bounds.py",
    "frameworks.py",
)
"""The modules whose rules a cached pack passed; a change to any of them empties the cache.
The shipped framework lists count too: a cached pack's tags were checked against them."""
MAX_ENTRIES = 64
MAX_BYTES = 32_000_000
"""A larger cache file is not read (it can only be damage, or far more packs than anyone uses)."""
FILE_NAME = "packs.json"
_DAMAGE = (OSError, ValueError, RecursionError)
"""What reading a damaged cache file can raise (unreadable, not JSON or not UTF-8, nested too
deeply): any of it means "not from the cache". Nothing else is caught: an entry whose checksum
matches was written by this code, so failing to rebuild it is a bug and must surface."""


def cache_dir() -> Path | None:
    configured = os.environ.get("PREFLIGHT_CACHE_DIR")
    try:
        if configured is not None:
            return Path(configured).expanduser() if configured.strip() else None
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base).expanduser() / "preflight"
    except RuntimeError:  # `~` with no $HOME and no passwd entry (a container's arbitrary uid)
        return None


class PackCache:
    def __init__(self, folder: Path | None) -> None:
        self.file = folder / FILE_NAME if folder is not None else None
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        """Keys this load read or wrote: kept first when the cache is over `MAX_ENTRIES`."""
        self.changed = False
        self.salt = _code_digest() if self.file is not None else None
        if self.salt is None or self.file is None:
            self.file = None
            return
        try:
            info = self.file.stat()
            if not self.file.is_file() or info.st_size > MAX_BYTES:
                return  # a folder, a FIFO (reading would block), or damage
            found = json.loads(self.file.read_bytes())
            if isinstance(found, dict) and found.get("code") == self.salt:
                entries = found.get("packs")
                self.entries = dict(entries) if isinstance(entries, dict) else {}
        except _DAMAGE:
            self.entries = {}

    @classmethod
    def default(cls) -> PackCache:
        return cls(cache_dir())

    def key(self, data: bytes) -> str:
        return hashlib.sha256(f"{self.salt}\n".encode() + data).hexdigest()

    def get(self, data: bytes) -> Pack | None:
        if self.file is None:
            return None
        key = self.key(data)
        entry = self.entries.get(key)
        if entry is None:
            return None
        if not _sound(key, entry):
            # Edited by hand, damaged, or not written by this code: check the file again.
            del self.entries[key]
            self.changed = True
            return None
        self.used.add(key)
        return pack_from_data(entry["pack"])

    def put(self, data: bytes, pack: Pack) -> None:
        if self.file is None:
            return
        key = self.key(data)
        found = dataclasses.asdict(pack)
        self.entries.pop(key, None)
        self.entries[key] = {"check": _checksum(key, found), "pack": found}
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        """Write the cache if it changed; atomic (a reader sees the old file or the new one)."""
        if self.file is None or not self.changed:
            return
        # Over the limit, drop the oldest entries this load did not use, never one it used: a
        # set of more packs than the limit would otherwise be re-checked on every start.
        unused = [k for k in self.entries if k not in self.used]
        for key in unused[: max(0, len(self.entries) - MAX_ENTRIES)]:
            del self.entries[key]
        try:
            # ASCII: a lone surrogate in hand-edited text cannot break the write.
            text = json.dumps({"code": self.salt, "packs": self.entries}, ensure_ascii=True)
            self.file.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temp_files(self.file.parent)
            import tempfile  # only when writing, which is rare: keep it out of every start

            handle, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".packs-")
            try:
                with os.fdopen(handle, "w", encoding="ascii") as out:
                    out.write(text)
                os.replace(temp, self.file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # read-only home, full disk: the next start validates again
        self.changed = False


def _checksum(key: str, pack_data: Any) -> str:
    canonical = json.dumps(pack_data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(f"{key}\n{canonical}".encode()).hexdigest()


def _remove_stale_temp_files(folder: Path) -> None:
    """Temp files of a write that was killed before its rename (an hour old: not in use)."""
    cutoff = time.time() - 3600
    for temp in folder.glob(".packs-*"):
        try:
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
        except OSError:
            pass


def _sound(key: str, entry: Any) -> bool:
    """Is `entry` exactly what `put` wrote for `key`? (Its checksum covers key and data.)"""
    if not isinstance(entry, dict) or set(entry) != {"check", "pack"}:
        return False
    if not isinstance(entry["check"], str) or not isinstance(entry["pack"], dict):
        return False
    try:
        return entry["check"] == _checksum(key, entry["pack"])
    except (ValueError, RecursionError):  # a lone surrogate or deep nesting from a hand edit
        return False


def _code_digest() -> str | None:
    digest = hashlib.sha256(FORMAT)
    here = Path(__file__).parent
    from app.core.frameworks import ORDER, folder

    try:
        for name in SOURCES:
            digest.update((here / name).read_bytes())
        for key in ORDER:
            digest.update((folder() / f"{key}.toml").read_bytes())
    except OSError:
        return None  # no sources to compare with (a frozen build?): no cache
    return digest.hexdigest()
