"""`preflight packs REF [--add ID ...] [--remove ID ...]`: which packs an assessment is made
of; a change keeps every answer (those to a pack left out come back when it is chosen again)."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "packs",
        parents=[common],
        help="show or change the packs an assessment is made of",
        description="Show the packs in use and which of them the assessment is made of; "
        "--add and --remove change that. No answer is ever deleted: answers to a pack "
        "taken out are kept, out of view, and come back when it is added again.",
    )
    parser.add_argument("ref", metavar="REF", help="slug or id (see 'preflight list')")
    parser.add_argument(
        "--add", nargs="+", action="extend", default=[], metavar="ID", help="pack ids to add"
    )
    parser.add_argument(
        "--remove",
        nargs="+",
        action="extend",
        default=[],
        metavar="ID",
        help="pack ids to take out",
    )
    parser.set_defaults(handler=run)


def _ids(given: list[str]) -> list[str]:
    return [i.strip() for item in given for i in item.split(",") if i.strip()]


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError
    from app.session import Session

    packset = packset_or_fail(args)
    adding, removing = _ids(args.add), _ids(args.remove)
    in_use = [pack.id for pack in packset.packs]
    for pack_id in adding + removing:
        if pack_id not in in_use:
            raise PreflightError(
                f"no pack {one_line(pack_id)!r} in use; the packs in use are {', '.join(in_use)}",
                EXIT_USAGE,
            )
    with open_store(args) as store:
        session = Session.open(store, packset, args.ref)
        slug = one_line(session.assessment.slug)
        if adding or removing:
            current = [pack.id for pack in session.packset.packs]
            wanted = [i for i in in_use if (i in current or i in adding) and i not in removing]
            if not wanted:
                raise PreflightError(
                    f"{slug} would be made of no pack; keep at least one", EXIT_USAGE
                )
            gone, back = session.choose_packs(wanted)
            print(f"{slug}: now made of {', '.join(wanted)}")
            print(
                f"  {gone} stored answer(s) now out of view (kept), {back} back in view; "
                "no answer was deleted"
            )
            return 0
        chosen = {pack.id for pack in session.packset.packs}
        answered = set(session.answers)
        print(f"{slug}: made of {len(chosen)} of the {len(in_use)} pack(s) in use")
        width = max(len(i) for i in in_use)
        for pack in packset.packs:
            mark = "✔" if pack.id in chosen else "·"
            stored = sum(1 for q in pack.questions if q.id in answered)
            note = "" if pack.id in chosen else "  (not in it)"
            kept = f", {stored} answer(s) stored" if stored else ""
            print(
                f"  {mark} {pack.id:<{width}}  {one_line(pack.title)} "
                f"(v{one_line(pack.version)}{kept}){note}"
            )
    return 0
