"""`preflight decide SLUG "TEXT" | --verdict go|conditional|no-go --by NAME`: the decision log.

A note records a decision in words (maybe about one gate, maybe by a participant). A verdict
records the go/no-go decision beside what Preflight computes at that moment: the verdict with
today's waivers, the pack digest the export shows and the gates still open. Exit 0 when it is
recorded, 2 when it is refused (who may decide, a missing or needless override).
"""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "decide",
        parents=[common],
        help="record a decision, or the go/no-go decision beside the computed verdict",
        description="Record a decision in the assessment's decision log. With TEXT: a decision "
        "in words (--gate names the gate it is about). With --verdict: the go/no-go decision, "
        "stored with the computed verdict, the pack digest and the open gates at this moment. "
        "--by must be a participant, and the go/no-go decider where the packs name one. "
        "Deciding GO or CONDITIONAL over a computed NO-GO, or GO over INCOMPLETE, needs "
        "--override REASON.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument("text", metavar="TEXT", nargs="?", help="the decision, in words")
    parser.add_argument("--gate", metavar="ID", help="the gate the decision is about")
    parser.add_argument("--by", metavar="NAME", help="who decided (a participant)")
    parser.add_argument(
        "--verdict",
        choices=["go", "conditional", "no-go"],
        help="record the go/no-go decision (needs --by)",
    )
    parser.add_argument("--note", metavar="TEXT", help="a note with the go/no-go decision")
    parser.add_argument(
        "--override",
        metavar="REASON",
        help="why the decision goes against a computed NO-GO (or GO against INCOMPLETE)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError
    from app.export.snapshot import decision_words, snapshot_from_store
    from app.session import Session

    named(args.ref)
    verdict = args.verdict is not None
    if verdict and (args.text is not None or args.gate is not None):
        raise PreflightError(
            "--verdict records the go/no-go decision: give its words with --note, not TEXT "
            "or --gate",
            EXIT_USAGE,
        )
    if not verdict:
        if args.text is None:
            raise PreflightError(
                "give the decision as TEXT, or --verdict go|conditional|no-go --by NAME",
                EXIT_USAGE,
            )
        if args.note is not None or args.override is not None:
            raise PreflightError("--note and --override go with --verdict", EXIT_USAGE)
    if verdict and not (args.by or "").strip():
        raise PreflightError("--verdict needs --by NAME: who decided", EXIT_USAGE)
    packset = packset_or_fail(args)
    today = dt.date.today().isoformat()
    with open_store(args) as store, store.transaction():
        # Under one write lock: the computed verdict and digest are of the records as decided.
        session = Session.open(store, packset, args.ref)
        if not verdict:
            session.note_decision(args.text, gate_id=args.gate, by=args.by)
            print(f"{session.assessment.slug}: decision recorded")
            return 0
        data = snapshot_from_store(store, session.id, packset, today, with_changes=False)
        session.decide(
            args.verdict, args.by, digest=data.digest, note=args.note, override=args.override
        )
        line = decision_words(
            snapshot_from_store(store, session.id, packset, today, with_changes=False)
        )
    print(f"{session.assessment.slug}: {one_line(line)}")
    return 0
