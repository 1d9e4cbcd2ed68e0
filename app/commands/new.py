"""`preflight new NAME [--description TEXT] [--packs IDS]`: start an assessment, print its slug."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "new",
        parents=[common],
        help="start a new assessment",
        description="Start a new assessment with the packs in use (or those --packs names, or "
        "the default of a packset.toml in a folder of packs in use); prints its slug.",
    )
    parser.add_argument("name", help="a name people recognise, e.g. 'Support summariser'")
    parser.add_argument("--description", default="", help="one or two lines about the pilot")
    parser.add_argument(
        "--packs",
        metavar="IDS",
        help="the packs it is made of, comma-separated (e.g. acceptance,data); "
        "change them later with 'preflight packs'",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.session import Session, choose_packs, default_packs

    packset = packset_or_fail(args)
    if args.packs is not None:
        packs: list[str] | None = choose_packs(packset, args.packs.split(","))
    else:
        packs = default_packs(packset)
    with open_store(args) as store:
        session = Session.create(store, packset, args.name, args.description, packs=packs)
    print(session.assessment.slug)
    return 0
