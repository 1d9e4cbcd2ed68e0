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
    parser.add_argument(
        "--minutes",
        type=_minutes,
        metavar="N",
        help="keep time for a meeting of N minutes: each area with something to discuss gets "
        "its share (as 'preflight agenda' plans it), shown in the header",
    )
    parser.set_defaults(handler=run)


def _minutes(value: str) -> int:
    try:
        minutes = int(value)
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of minutes (1 to 1440)")
    return minutes


def run(args: argparse.Namespace) -> int:
    from app.commands import home

    return home.run(args, open_ref=args.ref, minutes=args.minutes)
