"""`preflight rename REF NEW_NAME`: a new display name; the slug stays."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "rename",
        parents=[common],
        help="rename an assessment",
        description="Give an assessment a new name. Its slug stays, so scripts keep working.",
    )
    parser.add_argument("ref", metavar="REF", help="slug or id (see 'preflight list')")
    parser.add_argument("new_name", metavar="NEW_NAME")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._store import open_store

    with open_store(args) as store:
        renamed = store.rename(args.ref, args.new_name)
    print(f"renamed {renamed.slug} to {renamed.name!r}")
    return 0
