"""Helpers for plain-mode tests: keys for prompt_toolkit's pipe input, a pack with every kind,
and a walk over the real Store on a temporary database file."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from app.core.packs import load_packs
from app.quick.walk import Walk
from app.session import Session
from app.store import Store
from tests.conftest import EXAMPLES

UP, DOWN, ENTER, SPACE, CTRL_C = "\x1b[A", "\x1b[B", "\r", " ", "\x03"
# Select prompts end with: ← back, skip, quit. From the first item, UP wraps to the end.
QUIT = UP + ENTER
SKIP = UP * 2 + ENTER
BACK = UP * 3 + ENTER

KINDS_PACK = (EXAMPLES.parent.parent / "tests" / "packs" / "kinds.toml").read_text()
"""A small pack with one question of every kind (tests/packs/kinds.toml)."""


def packset(folder: Path | None = None):
    result = load_packs([folder or EXAMPLES])
    assert result.ok, result.problems
    return result.packset


def kinds_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kinds"
    folder.mkdir(exist_ok=True)
    (folder / "kinds.toml").write_text(KINDS_PACK, encoding="utf-8")
    return folder


@contextmanager
def assessment(db: Path, packs, name: str = "Pilot"):
    """A Session on a fresh assessment in the real Store at `db`."""
    with Store.open(db) as store:
        created = store.create(name, "", packs=packs.versions())
        yield Session.open(store, packs, created.slug)


def walk(session, packs, keys: str, **options):
    """Run a Walk with `keys` typed; returns (WalkResult, printed lines)."""
    printed: list[str] = []
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        with create_app_session(input=pipe, output=DummyOutput()):
            result = Walk(session, packs, out=printed.append, **options).run()
    return result, printed


def stored(db: Path, packs, slug: str) -> dict:
    """Answers as a fresh reader of the database sees them."""
    with Store.open(db) as store:
        return {qid: rec.value for qid, rec in store.answers(store.get(slug).id).items()}
