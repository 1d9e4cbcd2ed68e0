"""`preflight check SLUG [--strict]`: the verdict and its reasons, as an exit code for CI.

Exit 0 for GO or CONDITIONAL (1 with --strict), 1 for NO-GO, 3 for INCOMPLETE. Waivers are
judged on today's date.
"""

from __future__ import annotations

import argparse

from app.core.text import one_line


def add(sub, common) -> None:
    parser = sub.add_parser(
        "check",
        parents=[common],
        help="print the verdict; exit 0 GO/CONDITIONAL, 1 NO-GO, 3 INCOMPLETE",
        description="Print the verdict and the reasons for it. Exit 0 for GO or CONDITIONAL, "
        "1 for NO-GO, 3 for INCOMPLETE.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument("--strict", action="store_true", help="fail CONDITIONAL too (exit 1)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.commands._snapshot import load_snapshot
    from app.core.summary import exit_code, verdict_lines

    data = load_snapshot(args, args.ref, dt.date.today().isoformat())
    ev = data.evaluation
    heading = f"{one_line(data.assessment.name)} ({data.assessment.slug})"
    for line in verdict_lines(ev, heading):
        print(line)
    return exit_code(ev.verdict, strict=args.strict)
