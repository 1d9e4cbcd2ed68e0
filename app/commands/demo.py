"""`preflight demo [--no-open]`: (re)create the `demo` assessment from the shipped answers."""

from __future__ import annotations

import argparse

DEMO_NAME = "demo"
DEMO_DESCRIPTION = "Support-ticket summariser, halfway to production (shipped example)"


def add(sub, common) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[common],
        help="create (or reset) the 'demo' assessment and open it",
        description="Create the assessment 'demo' from the shipped answers of a support-ticket "
        "summariser halfway to production (resetting it if it exists), then open it.",
    )
    parser.add_argument("--no-open", action="store_true", help="only create it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.core.answerfile import AnswerFileError, demo_answers_path, read_answer_file
    from app.errors import PreflightError
    from app.session import Session
    from app.store.errors import NotFound

    packset = packset_or_fail(args)
    try:
        demo = read_answer_file(demo_answers_path(), packset)
    except AnswerFileError as exc:
        raise PreflightError(f"the shipped demo does not fit the packs in use:\n{exc}") from None
    with open_store(args) as store:
        try:
            session = Session(store, packset, store.set_packs(DEMO_NAME, packset.versions()))
        except NotFound:
            session = Session.create(store, packset, "demo", DEMO_DESCRIPTION)
        people = [(p.name, p.role) for p in demo.participants]
        session.apply(
            demo.entries,
            answered_by=demo.answered_as,
            clear_others=True,
            participants=people,
            followups=demo.followup_fields(),
            waivers=demo.waiver_fields(),
        )
        verdict = session.evaluation.verdict.value
    print(f"demo: {len(demo.entries)} answers loaded; verdict {verdict}")
    if args.no_open:
        return 0
    from app.commands import home

    return home.run(args, open_ref=DEMO_NAME)
