"""`preflight new NAME [--description TEXT]`: start an assessment and print its slug."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "new",
        parents=[common],
        help="start a new assessment",
        description="Start a new assessment with the packs in use; prints its slug.",
    )
    parser.add_argument("name", help="a name people recognise, e.g. 'Support summariser'")
    parser.add_argument("--description", default="", help="one or two lines about the pilot")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.session import Session

    packset = packset_or_fail(args)
    with open_store(args) as store:
        session = Session.create(store, packset, args.name, args.description)
    print(session.assessment.slug)
    return 0
