"""`preflight import FILE [--as SLUG] [--strict]`: recreate an assessment from its file."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "import",
        parents=[common],
        help="recreate an assessment from a file written by 'preflight share'",
        description="Recreate an assessment, with its history, from a file written by "
        "'preflight share'. Packs that differ from the ones in use give one warning each "
        "(refused with --strict); a damaged or edited file is refused and nothing is written.",
    )
    parser.add_argument("file", metavar="FILE", help="the assessment file (.preflight.json)")
    parser.add_argument(
        "--as",
        dest="as_slug",
        metavar="SLUG",
        help="the slug to import under (needed when the file's slug is in use here)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse the file if its packs differ from the packs in use",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from app.commands._bundle import read_checked
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError
    from app.interchange import bundle
    from app.session import Session
    from app.store.errors import NotFound

    name = one_line(args.file)
    if args.as_slug is not None and not bundle.valid_slug(args.as_slug):
        raise PreflightError(
            f"--as {one_line(args.as_slug)!r}: a slug is lowercase letters, digits and dashes "
            "(at most 40, not only digits)",
            EXIT_USAGE,
        )
    packset = packset_or_fail(args)
    found = read_checked(args.file, packset, strict=args.strict)
    assessment = found.assessment
    if args.as_slug is not None:
        assessment = dataclasses.replace(assessment, slug=args.as_slug)
    with open_store(args) as store:
        try:
            store.get(assessment.slug)
        except NotFound:
            pass
        else:
            how = "--as" if args.as_slug is not None else "assessment.slug"
            raise PreflightError(
                f"{name}: {how}: an assessment {assessment.slug!r} exists already; "
                "import it under another slug with --as NEW-SLUG",
                EXIT_USAGE,
            )
        session = Session.restore(
            store,
            packset,
            assessment,
            participants=found.participants,
            answers=found.answers,
            history=found.history,
            followups=found.followups,
            waivers=found.waivers,
            respondents=found.respondents,
            disagreements=found.disagreements,
            merged=found.merged,
            decisions=found.decisions,
        )
    print(session.assessment.slug)
    return 0
