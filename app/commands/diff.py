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
    from app.commands._store import open_store
    from app.core.text import terminal_json
    from app.errors import EXIT_USAGE, PreflightError
    from app.interchange.diff import render_text

    if not args.ref.strip():
        raise PreflightError("name an assessment by slug or id (see 'preflight list')", EXIT_USAGE)
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
    from app.interchange import diff
    from app.session import Session

    session = Session.open(store, packset, ref)
    day = today or session.today()
    assessment = session.assessment
    packs = assessment.packs if against is not None else packset.versions()
    new = _current(store, assessment.id, assessment.slug, day, packs)
    if against is not None:
        old = _against(store, packset, against, day)
        found = diff.compare(packset, old, new, day)
        return found, f"Changes in {assessment.slug!r} against {old.label!r} (on {day})"
    if since is not None:
        try:
            when = diff.moment(since)
        except diff.MomentError as exc:
            raise PreflightError(str(exc), EXIT_USAGE) from None
        what = when
        mark = None
    else:
        last = store.last_export(assessment.id)
        if last is not None:
            when, what = last.exported_at, f"the last export, {last.exported_at}"
            mark = last.history_mark  # what was written after it, even in the same second
        else:
            when, what, mark = "", f"its creation, {assessment.created_at}", None
    # Pack versions of then are known from the export made at or before it, if any.
    then = store.last_export(assessment.id, when) if when else None
    old_answers = diff.as_of(session.answers, store.history_as_of(assessment.id, when, mark), when)
    old = diff.State(
        label=when or assessment.created_at,
        day=(when or assessment.created_at)[:10],
        answers=old_answers,
        waivers={g: w for g, w in new.waivers.items() if when and w.created_at <= when},
        followups=new.followups,
        disagreements=new.disagreements,
        packs=then.packs if then is not None else None,
    )
    new = diff.State(
        label=new.label,
        day=new.day,
        answers=new.answers,
        waivers=new.waivers,
        followups=new.followups,
        disagreements=new.disagreements,
        packs=new.packs,
        changed=store.changed_after(assessment.id, when, mark),
    )
    found = diff.compare(packset, old, new, day, since=when)
    found["decisions"] = diff.decisions_since(store.decisions(assessment.id), when)
    found["since"] = when or assessment.created_at
    return found, f"Changes in {assessment.slug!r} since {what} (on {day})"


def _current(store: Store, assessment_id: int, label: str, day: str, packs: Any) -> State:
    from app.interchange.diff import State

    return State(
        label=label,
        day=day,
        answers=store.answers(assessment_id),
        waivers=store.waivers(assessment_id),
        followups=store.followups(assessment_id),
        disagreements=store.disagreements(assessment_id, open_only=False),
        packs=dict(packs),
    )


def _against(store: Store, packset: PackSet, source: str, day: str) -> State:
    """The other side: a file from `preflight share` when one is there, else a slug here."""
    import os

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
    return _current(store, other.id, other.slug, day, other.packs)
