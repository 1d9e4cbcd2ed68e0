"""`preflight delete REF [--yes]`: delete an assessment and everything recorded for it."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "delete",
        parents=[common],
        help="delete an assessment for good",
        description="Delete an assessment with its answers, history, participants, follow-ups "
        "and waivers. Asks first; --yes skips the question.",
    )
    parser.add_argument("ref", metavar="REF", help="slug or id (see 'preflight list')")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from app.commands._store import open_store
    from app.errors import EXIT_FAIL, EXIT_USAGE, PreflightError

    with open_store(args) as store:
        target = store.get(args.ref)
        if not args.yes:
            if not sys.stdin.isatty():
                raise PreflightError(
                    f"not deleting {target.slug} without confirmation; "
                    "stdin is not a terminal, so pass --yes",
                    EXIT_USAGE,
                )
            count = len(store.answers(target.id))
            try:
                reply = input(
                    f"Delete {target.name!r} ({target.slug}) and its {count} answer(s)? [y/N] "
                )
            except EOFError:
                reply = ""
            if reply.strip().lower() not in ("y", "yes"):
                print("not deleted")
                return EXIT_FAIL
        store.delete(target.id)
    print(f"deleted {target.slug}")
    return 0
