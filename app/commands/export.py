"""`preflight export SLUG [--out PATH] [--format md|json|html] [--date DAY] [--force]`."""

from __future__ import annotations

import argparse

from app.commands._snapshot import day


def add(sub, common) -> None:
    parser = sub.add_parser(
        "export",
        parents=[common],
        help="write the receipts pack (one page + appendix, as Markdown, JSON or HTML)",
        description="Write the one-page receipts pack and its appendix as Markdown (or the same "
        "content as JSON, or both in one printable HTML file). The same stored answers always "
        "give the same bytes.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="a folder (default: ./exports) or a file ending in .md, .json or .html "
        "(the suffix picks the format when --format is not given)",
    )
    parser.add_argument(
        "--format",
        choices=["md", "json", "html"],
        default=None,
        dest="fmt",
        help="md: page + appendix (default); json: one file; html: one printable file",
    )
    parser.add_argument(
        "--date",
        type=day,
        metavar="YYYY-MM-DD",
        help="the pack's date, on which waivers are judged (default: the latest answer's day)",
    )
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._snapshot import load_snapshot
    from app.commands._store import open_store
    from app.core.text import one_line
    from app.export.write import pick_format, write_pack

    snapshot = load_snapshot(args, args.ref, args.date)
    written = write_pack(snapshot, args.out, force=args.force, fmt=args.fmt)
    # The exports log (`preflight diff` starts from the last one): only once every file is in
    # place, so a refused or failed export is never logged.
    with open_store(args) as store:
        store.record_export(
            snapshot.assessment.id,
            [str(p) for p in written],
            pick_format(args.out, args.fmt),
            snapshot.digest,
            {pack.id: pack.version for pack in snapshot.packset.packs},
            snapshot.date,
        )
    for path in written:
        print(one_line(path))
    return 0
