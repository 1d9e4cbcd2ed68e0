"""`preflight merge SOURCE... --into SLUG`: merge self-assessments, respondent by respondent."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any


def add(sub, common) -> None:
    parser = sub.add_parser(
        "merge",
        parents=[common],
        help="merge self-assessments (files or slugs) into one, keeping who said what",
        description="Merge self-assessments into one assessment. Each SOURCE (a file written "
        "by 'preflight share', or the slug of an assessment here) is a respondent. A question "
        "every respondent who answered agrees on takes that answer; one they answer "
        "differently holds a disagreement and counts as not answered until somebody answers "
        "it. Merging a newer file from the same respondent updates them.",
    )
    parser.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="assessment files or slugs, one a respondent"
    )
    parser.add_argument(
        "--into",
        required=True,
        metavar="SLUG",
        help="the assessment to merge into (created, with this name, when there is none)",
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        help="the respondent's name (one SOURCE only; default: who the source was answered as)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse a file whose packs differ from the packs in use",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import os

    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.core.agenda import DISPUTED, RED, UNKNOWN, counts, minutes
    from app.core.text import name_problem, one_line
    from app.errors import EXIT_ERROR, EXIT_USAGE, PreflightError
    from app.interchange.bundle import packs_in_use
    from app.interchange.merge import MergeError, Target, plan
    from app.session import Session
    from app.store.errors import NotFound

    if args.name is not None and len(args.sources) != 1:
        raise PreflightError(
            "--name names one respondent: give one SOURCE with it (merge the others in "
            "another run: a merge adds to the assessment)",
            EXIT_USAGE,
        )
    if args.name is not None and (problem := name_problem(args.name)) is not None:
        raise PreflightError(f"--name: {problem}", EXIT_USAGE)
    given = [os.path.realpath(s) for s in args.sources]
    for index, path in enumerate(given):
        if path in given[:index]:
            raise PreflightError(
                f"{one_line(args.sources[index])}: given twice; each SOURCE is one respondent",
                EXIT_USAGE,
            )
    if not args.into.strip():
        raise PreflightError("--into: name the assessment to merge into", EXIT_USAGE)
    packset = packset_or_fail(args)
    files = [s for s in args.sources if os.path.exists(s)]
    installed = packs_in_use(packset) if files else []
    # Every file is read and checked before anything is written.
    read = {s: _from_file(s, packset, args, installed) for s in files}
    with open_store(args) as store, store.transaction():
        # Read, plan and write under one write lock: a wizard answering meanwhile waits, so no
        # question ends up answered there and disputed here.
        into = _into(store, packset, args.into)
        sources = []
        for given in args.sources:
            if given in read:
                sources.append(read[given])
                continue
            try:
                found = store.get(given)
            except NotFound:
                raise PreflightError(
                    f"{one_line(given)}: no such file, and no assessment by that slug "
                    "(see 'preflight list')",
                    EXIT_ERROR,
                ) from None
            if into is not None and found.id == into.id:
                raise PreflightError(
                    f"{one_line(given)}: is the assessment merged into; name another", EXIT_USAGE
                )
            sources.append(_from_store(store, found, packset, args))
        target = Target(
            answers=into.answers if into else {},
            respondents=into.respondents() if into else [],
            merged=into.merged_values() if into else {},
            disputed=frozenset(into.disputes() if into else ()),
        )
        try:
            # Into an assessment made of some packs: the merge is judged on those.
            outcome = plan(into.packset if into else packset, target, sources, _today())
        except MergeError as exc:
            raise PreflightError(str(exc), EXIT_USAGE) from None
        if into is None:  # a new assessment and its merge: both, or neither
            into = Session.create(store, packset, args.into)
        into.apply_merge(outcome.change)
        items = into.agenda()
        open_disputes = len(into.disputes())
        slug = into.assessment.slug
        count = len(target.respondents) + len(outcome.added)

    people = []
    if outcome.added:
        people.append("added " + ", ".join(one_line(n) for n in outcome.added))
    if outcome.updated:
        people.append("updated " + ", ".join(one_line(n) for n in outcome.updated))
    print(f"{slug}: {count} respondent(s); {'; '.join(people)}")
    for s in sources:
        if s.left_out:
            print(
                f"  {one_line(s.name)}: {s.left_out} answer(s) not counted "
                "(hidden under their own answers, or not asked here)"
            )
    settled = f", {len(outcome.settled)} settled" if outcome.settled else ""
    print(
        f"  this merge: {len(outcome.agreed)} question(s) agreed, "
        f"{len(outcome.disputed)} disputed{settled}"
    )
    groups = counts(items)
    hidden = open_disputes - groups[DISPUTED]
    waiting = f" (and {hidden} disputed but not asked yet)" if hidden else ""
    print(
        f"  to discuss: {len(items)} question(s), about {minutes(items)} min — "
        f"{groups[DISPUTED]} disputed{waiting}, {groups[RED]} behind red gates, "
        f"{groups[UNKNOWN]} nobody knows"
    )
    print(f"  next: preflight open {slug}   (ctrl+t walks the agenda)")
    return 0


def _into(store: Any, packset: Any, ref: str) -> Any:
    """The assessment `--into` names: by slug or id, else by the slug its name would get (so
    `--into "Q3 kickoff"` finds q3-kickoff the second time); None when there is none."""
    from app.session import Session
    from app.store.errors import NotFound
    from app.store.rows import slug_base

    for candidate in dict.fromkeys((ref, slug_base(ref))):
        try:
            return Session.open(store, packset, candidate)
        except NotFound:
            continue
    return None


def _from_file(path: str, packset: Any, args: argparse.Namespace, installed: Any) -> Any:
    from app.commands._bundle import read_checked
    from app.interchange.merge import respondent_name, source_from

    found = read_checked(path, packset, strict=args.strict, installed=installed)
    if found.respondents:
        _note_merge_source(path, len(found.respondents))
    people = [p.name for p in found.participants]
    name = args.name or respondent_name(found.assessment, found.answers, people)
    return source_from(
        packset,
        name=name,
        source=path,
        answers=found.answers,
        digest=found.digest,
        role=_role(found.participants, name),
        checked=True,  # read_checked refused any answer that does not fit
        today=_today(),
    )


def _from_store(store: Any, assessment: Any, packset: Any, args: argparse.Namespace) -> Any:
    from app.interchange.merge import respondent_name, source_from

    answers = store.answers(assessment.id)
    participants = store.participants(assessment.id)
    merged = store.respondents(assessment.id)
    if merged:
        _note_merge_source(assessment.slug, len(merged))
    name = args.name or respondent_name(assessment, answers, [p.name for p in participants])
    return source_from(
        packset,
        name=name,
        source=assessment.slug,
        answers=answers,
        role=_role(participants, name),
        today=_today(),
    )


def _today() -> str:
    return dt.date.today().isoformat()


def _note_merge_source(source: str, count: int) -> None:
    import sys

    from app.core.text import one_line

    print(
        f"note: {one_line(source)} is itself a merge of {count} respondent(s); it counts as one "
        "respondent, with the answers it holds (its open disagreements are unanswered there)",
        file=sys.stderr,
    )


def _role(participants: Any, name: str) -> str:
    from app.core.text import name_key

    return next((p.role for p in participants if name_key(p.name) == name_key(name)), "")
