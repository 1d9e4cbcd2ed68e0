"""`preflight validate [PATH…]`: check pack files and say exactly what is wrong, where."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.errors import EXIT_FAIL, EXIT_OK


def add(sub, common) -> None:
    parser = sub.add_parser(
        "validate",
        parents=[common],
        help="check pack files (default: the packs in use)",
        description="Check pack files. Each problem prints as 'file: location: message'; "
        "a valid pack gets a one-line summary; 'note:' lines warn without failing (e.g. a "
        "derived value that allowed answers take past 1e15). Exit 1 if anything is wrong.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="pack files or folders")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import pack_paths
    from app.core.packs import load_packs, pack_files
    from app.core.text import one_line

    given = [Path(p) for p in args.paths]
    # Given files are checked alongside the packs in use, so they may refer to shipped questions.
    result = load_packs(pack_paths(args) + given)
    wanted = {p.resolve() for g in given for p in pack_files(g)} if given else None
    for notice in result.notices:
        print(f"note: {one_line(notice)}")
    from app.core.bounds import range_warnings  # only here: loading packs for use skips it

    for warning in range_warnings(result.packset, wanted):
        print(f"note: {one_line(warning)}")
    for problem in result.problems:
        print(problem)
    bad_files = {p.file for p in result.problems}
    for pack in result.packset.packs:
        source = result.packset.sources[pack.id]
        if wanted is not None and source.resolve() not in wanted:
            continue
        if str(source) in bad_files:
            continue
        print(
            f"{one_line(source)}: ok: pack {pack.id!r} v{one_line(pack.version)}: "
            f"{len(pack.questions)} questions, "
            f"{len(pack.gates)} gates, {len(pack.derived)} derived, {len(pack.scores)} scores"
        )
    if result.problems:
        print(f"{len(result.problems)} problem(s) found")
        return EXIT_FAIL
    return EXIT_OK
