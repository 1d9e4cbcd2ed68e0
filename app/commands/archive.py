"""`preflight archive REF [--undo]`: hide an assessment from `list` without deleting it."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "archive",
        parents=[common],
        help="archive an assessment (or bring it back with --undo)",
        description="Hide an assessment from 'preflight list'; 'list --all' still shows it.",
    )
    parser.add_argument("ref", metavar="REF", help="slug or id (see 'preflight list')")
    parser.add_argument("--undo", action="store_true", help="unarchive")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._store import open_store

    with open_store(args) as store:
        target = store.set_archived(args.ref, archived=not args.undo)
    print(f"{'unarchived' if args.undo else 'archived'} {target.slug}")
    return 0
