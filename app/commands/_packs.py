"""Loading the packs in use for a command: shipped packs plus `--questionnaires` folders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import PreflightError

if TYPE_CHECKING:  # reading packs has a cost (the cache, or pydantic): only commands that need them
    from app.core.packs import LoadResult, PackSet


def pack_paths(args: argparse.Namespace) -> list[Path]:
    from app.core.paths import shipped_dir

    return [shipped_dir(), *(Path(p) for p in args.questionnaires or [])]


def load(args: argparse.Namespace) -> LoadResult:
    from app.core.packs import load_packs

    return load_packs(pack_paths(args))


def packset_or_fail(args: argparse.Namespace) -> PackSet:
    """The packs in use; if any is broken, say where and stop (commands need all of them)."""
    result = load(args)
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        raise PreflightError(
            f"{len(result.problems)} problem(s) in the packs in use; run 'preflight validate'"
        )
    if not result.packset.packs:
        raise PreflightError(f"no packs found in {', '.join(map(str, pack_paths(args)))}")
    return result.packset


def default_selection(args: argparse.Namespace, packset: PackSet) -> list[str] | None:
    """The team's default packs for a new assessment: `default = [ids]` in a `packset.toml` in
    a questionnaires folder in use (the last folder given that has one); None: every pack."""
    from app.core.packs import PACKSET_FILE

    found = [p / PACKSET_FILE for p in pack_paths(args) if (p / PACKSET_FILE).is_file()]
    if not found:
        return None
    return read_selection(found[-1], packset)


def read_selection(path: Path, packset: PackSet) -> list[str]:
    """The `default` list of a pack set file, checked against the packs in use; a problem is
    an error naming the file and the field."""
    import tomllib

    from app.core.text import one_line
    from app.errors import EXIT_USAGE
    from app.session import choose_packs

    name = one_line(str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PreflightError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise PreflightError(f"{name}: not a TOML file: {one_line(exc)}") from None
    ids = raw.get("default")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise PreflightError(f'{name}: default: give a list of pack ids, e.g. default = ["data"]')
    try:
        return choose_packs(packset, ids)
    except PreflightError as exc:
        raise PreflightError(f"{name}: default: {exc}", EXIT_USAGE) from None
