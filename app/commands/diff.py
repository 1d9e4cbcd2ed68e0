"""`preflight diff SLUG [--since DATE|DATETIME] [--against SLUG2|FILE] [--json]`: what changed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.packs import PackSet
    from app.interchange.diff import State
    from app.store import Store


def add(sub, common) -> None:
    parser = sub.add_parser(
        "diff",
        parents=[common],
        help="what changed since the last export (or a date), or against another assessment",
        description="Show what changed in an assessment: gates that flipped and the answers "
        "that moved them, answers (old → new, who, when), notes and evidence, waivers added, "
        "expired or expiring within 14 days, follow-ups now overdue, disagreements opened or "
        "resolved, pack versions. By default since its last export (else since it was "
        "created); --against compares it with another assessment or an assessment file.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument(
        "--since",
        metavar="DATE|DATETIME",
        help="compare with the answers as they stood then (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], "
        "UTC unless an offset is given; default: the last export, else the creation)",
    )
    parser.add_argument(
        "--against",
        metavar="SLUG2|FILE",
        help="compare with another assessment here, or a file from 'preflight share'",
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.core.text import terminal_json
    from app.errors import EXIT_USAGE, PreflightError
    from app.interchange.diff import render_text

    named(args.ref)
    if args.since is not None and args.against is not None:
        raise PreflightError(
            "--since and --against do not go together: --against compares current states",
            EXIT_USAGE,
        )
    packset = packset_or_fail(args)
    with open_store(args) as store:
        found, heading = report(store, packset, args.ref, args.since, args.against)
    if args.json:
        print(terminal_json(found))
    else:
        print("\n".join(render_text(found, heading)))
    return 0


def report(
    store: Store,
    packset: PackSet,
    ref: str,
    since: str | None = None,
    against: str | None = None,
    today: str | None = None,
) -> tuple[dict[str, Any], str]:
    """The diff of assessment `ref` (see `app.interchange.diff.compare`) and a heading;
    `today` None → the session's day."""
    from app.errors import EXIT_USAGE, PreflightError
    from app.interchange import changes, diff
    from app.session import Session

    session = Session.open(store, packset, ref)
    packset = session.packset  # the packs this assessment is made of
    day = today or session.today()
    if against is not None:
        return changes.against(
            store, packset, session.assessment, day, _against(store, packset, against, day)
        )
    try:
        start = changes.at(since) if since is not None else None
    except diff.MomentError as exc:
        raise PreflightError(str(exc), EXIT_USAGE) from None
    return session.changes(start, today=day)


def _against(store: Store, packset: PackSet, source: str, day: str) -> State:
    """The other side: a file from `preflight share` when one is there, else a slug here."""
    import os

    from app.interchange import changes
    from app.interchange.diff import State

    if os.path.exists(source) or source.lower().endswith(".json"):
        from app.commands._bundle import read_checked

        found = read_checked(source, packset, strict=False)
        latest = max((a.answered_at for a in found.answers.values()), default="")[:10]
        return State(
            label=source,
            day=latest or found.assessment.created_at[:10],
            answers=found.answers,
            waivers=found.waivers,
            followups=found.followups,
            disagreements=found.disagreements,
            packs={str(p.get("id")): str(p.get("version")) for p in found.packs},
        )
    other = store.get(source)
    return changes.current(store, other.id, other.slug, day, other.packs)
