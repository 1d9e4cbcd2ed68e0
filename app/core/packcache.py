"""Packs that passed validation before, kept as plain data so a start skips pydantic.

Checking pack files with pydantic (importing it, building its validator) cost more than the
rest of `preflight check`. Pack files rarely change, so each file that passed is kept here
under the SHA-256 of its bytes and of the code that checks it (`SOURCES`): a file whose bytes
or checking code changed is validated again, and only files that passed are ever kept.

The cache is only a shortcut. Unreadable, corrupt or unwritable, it is ignored (and rewritten
when it can be); it never turns a load into an error. Location: `$PREFLIGHT_CACHE_DIR`, else
`$XDG_CACHE_HOME/preflight`, else `~/.cache/preflight`; `PREFLIGHT_CACHE_DIR=` (empty) turns it
off. Reads and writes are local files only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from app.core.model import Pack, pack_from_data

FORMAT = b"preflight-packs-1"
SOURCES = ("model.py", "expr.py", "packfile.py")
"""The modules whose rules a cached pack passed; a change to any of them empties the cache."""
MAX_ENTRIES = 64
FILE_NAME = "packs.json"


def cache_dir() -> Path | None:
    configured = os.environ.get("PREFLIGHT_CACHE_DIR")
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "preflight"


class PackCache:
    def __init__(self, folder: Path | None) -> None:
        self.file = folder / FILE_NAME if folder is not None else None
        self.entries: dict[str, Any] = {}
        self.changed = False
        self.salt = _code_digest() if self.file is not None else None
        if self.salt is None:
            self.file = None
            return
        try:
            found = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(found, dict) and found.get("code") == self.salt:
            entries = found.get("packs")
            self.entries = entries if isinstance(entries, dict) else {}

    @classmethod
    def default(cls) -> PackCache:
        return cls(cache_dir())

    def key(self, data: bytes) -> str:
        return hashlib.sha256(f"{self.salt}\n".encode() + data).hexdigest()

    def get(self, data: bytes) -> Pack | None:
        if self.file is None:
            return None
        found = self.entries.get(self.key(data))
        if found is None:
            return None
        try:
            return pack_from_data(found)
        except (TypeError, KeyError, ValueError, AttributeError):
            # Not the shape this code writes (edited by hand?): check the file again.
            del self.entries[self.key(data)]
            self.changed = True
            return None

    def put(self, data: bytes, pack: Pack) -> None:
        if self.file is None:
            return
        key = self.key(data)
        self.entries.pop(key, None)
        self.entries[key] = dataclasses.asdict(pack)
        while len(self.entries) > MAX_ENTRIES:  # oldest first: dicts keep insertion order
            del self.entries[next(iter(self.entries))]
        self.changed = True

    def save(self) -> None:
        """Write the cache if it changed; atomic (a reader sees the old file or the new one)."""
        if self.file is None or not self.changed:
            return
        text = json.dumps({"code": self.salt, "packs": self.entries}, ensure_ascii=False)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".packs-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temp, self.file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # read-only home, full disk: the next start validates again
        self.changed = False


def _code_digest() -> str | None:
    digest = hashlib.sha256(FORMAT)
    here = Path(__file__).parent
    try:
        for name in SOURCES:
            digest.update((here / name).read_bytes())
    except OSError:
        return None  # no sources to compare with (a frozen build?): no cache
    return digest.hexdigest()
