"""`preflight open REF`: go straight to an assessment's wizard."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "open",
        parents=[common],
        help="open an assessment in the wizard",
        description="Open the wizard for one assessment, addressed by slug or id.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands import home

    return home.run(args, open_ref=args.ref)
