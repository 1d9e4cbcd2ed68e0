"""`preflight check SLUG [--strict]`: the verdict and its reasons, as an exit code for CI.

Exit 0 for GO or CONDITIONAL (1 with --strict), 1 for NO-GO, 3 for INCOMPLETE. Waivers are
judged on today's date. A merged assessment also lists its open disagreements, each question
with every respondent's answer; they change no exit code of their own (a disputed question has
no answer, so a required one already makes the verdict INCOMPLETE at best).
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
    from app.export.snapshot import decision_words

    data = load_snapshot(args, args.ref, dt.date.today().isoformat(), with_changes=False)
    ev = data.evaluation
    heading = f"{one_line(data.assessment.name)} ({data.assessment.slug})"
    disputed = {qid for qid, d in data.disputes.items() if d.open}
    for line in verdict_lines(ev, heading, disputed=disputed) + dispute_lines(data):
        print(line)
    if (decided := decision_words(data)) is not None:  # who decided, beside what is computed
        print(f"  {one_line(decided)}")
    return exit_code(ev.verdict, strict=args.strict)


DISPUTED = "≠ DISPUTED"


def dispute_lines(data) -> list[str]:
    """The count of open disagreements, then one line each: area, question, every answer.

    Nothing for an assessment that was never merged."""
    from app.core.agenda import voices_line

    if not data.respondents and not data.disputes:
        return []
    opened, settled = data.open_disputes, data.settled_disputes
    people = len(data.respondents)
    among = f"among {people} respondent{'s' if people != 1 else ''}"
    done = f" ({len(settled)} settled)" if settled else ""
    if not opened:
        return [f"  No open disagreements {among}{done}."]
    count = f"{len(opened)} open disagreement{'s' if len(opened) != 1 else ''}"
    out = [f"  {count} {among}{done}; each counts as unanswered until answered here:"]
    packset = data.packset
    for qid, dispute in opened.items():
        question = packset.questions.get(qid)
        if question is None:
            where = f"Not in the packs in use: {qid}"
        else:
            where = f"{packset.pack(packset.question_pack[qid]).title}: {question.text}"
        pad = " " * (12 - len(DISPUTED))
        out.append(f"  {DISPUTED}{pad} {one_line(where)} — {voices_line(packset, dispute)}")
    return out
