"""`preflight check SLUG [--strict]`: the verdict and its reasons, as an exit code for CI.

Exit 0 for GO or CONDITIONAL (1 with --strict), 1 for NO-GO, 3 for INCOMPLETE. Waivers are
judged on today's date.
"""

from __future__ import annotations

import argparse


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
    from app.core.engine import SYMBOLS, Verdict, badge
    from app.errors import EXIT_FAIL, EXIT_INCOMPLETE, EXIT_OK
    from app.export.common import VERDICT_WORDS, verdict_badge
    from app.export.escape import clean

    data = load_snapshot(args, args.ref, dt.date.today().isoformat())
    ev = data.evaluation
    name = clean(data.assessment.name)
    print(f"{name} ({data.assessment.slug}): {verdict_badge(ev.verdict)} — {VERDICT_WORDS[ev.verdict]}")
    for reason in ev.reasons:
        label = badge(reason.state) if reason.state in SYMBOLS else "? UNANSWERED"
        print(f"  {label:<12} {clean(reason.text)}")
    if ev.verdict is Verdict.no_go:
        return EXIT_FAIL
    if ev.verdict is Verdict.incomplete:
        return EXIT_INCOMPLETE
    if ev.verdict is Verdict.conditional and args.strict:
        return EXIT_FAIL
    return EXIT_OK
