"""`preflight share SLUG [--out FILE] [--force]`: write the assessment file for one assessment."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "share",
        parents=[common],
        help="write one assessment, with its history, to a file others can import",
        description="Write one assessment (answers with notes and evidence, the whole answer "
        "history, participants, follow-ups, waivers, a merged assessment's respondents and "
        "disagreements, and the packs it was answered against) to one JSON file that "
        "'preflight import' recreates exactly.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument(
        "--out", metavar="FILE", help="where to write (default: ./SLUG.preflight.json)"
    )
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.core.text import one_line
    from app.errors import EXIT_ERROR, PreflightError
    from app.export.write import atomic_write
    from app.interchange import bundle

    named(args.ref)
    packset = packset_or_fail(args)
    with open_store(args) as store:
        assessment = store.get(args.ref)
        content = bundle.build(
            assessment,
            store.participants(assessment.id),
            store.answers(assessment.id),
            store.history(assessment.id),
            store.followups(assessment.id),
            store.waivers(assessment.id),
            bundle.packs_in_use(packset),
            respondents=store.respondents(assessment.id),
            disagreements=store.disagreements(assessment.id, open_only=False),
            merged=store.merged_values(assessment.id),
            decisions=store.decisions(assessment.id),
        )
    out = Path(args.out) if args.out else Path(assessment.slug + bundle.SUFFIX)
    if out.is_dir():
        raise PreflightError(f"cannot write {one_line(out)}: a folder has that name", EXIT_ERROR)
    if out.exists() and not args.force:
        raise PreflightError(f"{one_line(out)} already exists; use --force to replace", EXIT_ERROR)
    atomic_write(out, bundle.dumps(content))
    print(one_line(out))
    return 0
