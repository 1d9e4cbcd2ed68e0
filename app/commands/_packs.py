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
