"""`preflight quick SLUG`: answer the packs one prompt at a time in the plain terminal.

Interactive by default (questionary); `--answers FILE` applies a TOML or JSON answer file
instead. Either way it ends with the verdict and `check`'s exit codes: 0 GO or CONDITIONAL,
1 NO-GO, 3 INCOMPLETE; 2 for usage errors (no terminal, unknown area); 4 when an answer file
is refused (nothing applied). Ctrl-C keeps every answer given and exits 130.

`--screen-reader` (on by itself under TERM=dumb) asks with plain numbered lines and typed
answers instead (`app.quick.plain`): no prompt_toolkit, no escape sequences, no redraw; it
also reads answers piped into standard input, one a line, and stops cleanly at its end.
"""

from __future__ import annotations

import argparse

EPILOG = """\
keys: arrows and Enter in lists; space ticks boxes. Every list ends with '← back', 'skip'
and 'quit'; in typed answers enter :back, :skip or :quit (:b, :s, :q). Enter on a shown
answer keeps it. Ctrl-C stops at once; everything answered so far is already saved.
In yes/no lists y, n and u answer at once.
--screen-reader (on by itself when TERM=dumb): numbered choices printed once, the answer
typed on one line (1, y, n, u, a number, text; several choices as '1 3'; b, s, q move;
Enter keeps the shown answer or skips); nothing is redrawn or coloured.
"""


def add(sub, common) -> None:
    parser = sub.add_parser(
        "quick",
        parents=[common],
        help="answer questions one prompt at a time (plain terminal)",
        description="Walk the questionnaires one prompt at a time, starting at the first "
        "unanswered question. Gates that turn red or clear are printed as they happen.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("slug", metavar="SLUG", help="the assessment (slug or id)")
    parser.add_argument("--area", metavar="PACK", help="only this area (pack id, e.g. data)")
    parser.add_argument(
        "--only-unanswered", action="store_true", help="skip questions that have an answer"
    )
    parser.add_argument(
        "--as",
        dest="answered_as",
        metavar="NAME",
        help="answer as this participant; 'Name (role)' adds them if missing",
    )
    parser.add_argument(
        "--answers",
        metavar="FILE",
        help="apply a TOML or JSON answer file instead of asking (all or nothing; exit 4 "
        "if it has any problem)",
    )
    parser.add_argument(
        "--screen-reader",
        action="store_true",
        help="plain numbered lines and typed answers, no redraw or colour (on when TERM=dumb)",
    )
    parser.set_defaults(handler=run)


def screen_reader_wanted(args: argparse.Namespace) -> bool:
    """`--screen-reader`, or a terminal that says it can do nothing else (TERM=dumb)."""
    import os

    return bool(getattr(args, "screen_reader", False)) or os.environ.get("TERM") == "dumb"


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.errors import EXIT_USAGE, PreflightError

    screen_reader = screen_reader_wanted(args)
    if not args.answers and not screen_reader and not sys.stdin.isatty():
        raise PreflightError(
            "quick asks questions and needs a terminal; standard input is not one. "
            "To answer from a file: preflight quick SLUG --answers FILE",
            EXIT_USAGE,
        )
    packset = packset_or_fail(args)
    if args.area is not None and args.area not in {p.id for p in packset.packs}:
        areas = ", ".join(p.id for p in packset.packs)
        raise PreflightError(f"no area {args.area!r}; areas: {areas}", EXIT_USAGE)

    from app.core.summary import exit_code, verdict_lines
    from app.core.text import one_line
    from app.quick import lines
    from app.session import Session

    colour = lines.use_colour(sys.stdout) and not screen_reader
    with open_store(args) as store:
        session = Session.open(store, packset, args.slug)
        name = _participant(session, args.answered_as)
        if name is not None and name != session.assessment.answering_as:
            # Remembered like the wizard's F2: it names this person when the file is merged.
            session.set_answering_as(name)
        if args.answers:
            from app.quick.answerfile import apply_file

            disputed = set(session.disputes())
            applied = apply_file(session, Path(args.answers), name)
            settled = sorted(disputed - set(session.disputes()))
            source = one_line(args.answers)
            extra = "".join(
                f", {len(items)} {what}(s)"
                for what, items in (("follow-up", applied.followups), ("waiver", applied.waivers))
                if items
            )
            print(
                f"Applied {len(applied.entries)} answer(s){extra} from {source} "
                f"to {session.assessment.slug}."
            )
            if settled:  # answering a disputed question settles it (each voice is kept)
                print(f"Settled {len(settled)} disagreement(s): {', '.join(settled)}.")
        else:
            from app.quick.walk import Walk

            result = Walk(
                session,
                packset,
                area=args.area,
                only_unanswered=args.only_unanswered,
                answered_by=name,
                colour=colour,
                screen_reader=screen_reader,
            ).run()
            print()
            count = result.questions
            saved = f"{count} question{'' if count == 1 else 's'} answered this run"
            if result.ending == "interrupted":
                print(f"Interrupted; {saved}. Run the same command to carry on.")
                return 130
            print(f"{'Stopped' if result.ending == 'quit' else 'Done'}; {saved}.")
        evaluation = session.evaluation
        heading = f"{one_line(session.assessment.name)} ({session.assessment.slug})"
    for line in verdict_lines(evaluation, heading, lines.painter(colour), max_gates=12):
        print(line)
    return exit_code(evaluation.verdict)


def _participant(session, given: str | None) -> str | None:
    """`--as NAME`: an existing participant, or `Name (role)` to add one."""
    if not given:
        return None
    from app.core.answers import AnswerError, person_from_text
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError

    known = session.participant_named(given)
    if known is not None:
        return known.name
    if "(" in given:
        try:
            person = person_from_text(given)
        except AnswerError as exc:
            raise PreflightError(f"--as: {exc}", EXIT_USAGE) from None
        return session.ensure_participant(person["name"], person["role"]).name
    names = ", ".join(one_line(p.name) for p in session.participants()) or "none yet"
    raise PreflightError(
        f"--as: {given!r} is not a participant ({names}); give 'Name (role)' to add them",
        EXIT_USAGE,
    )
