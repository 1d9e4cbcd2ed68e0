"""`preflight actions SLUG [--format md|csv|json] [--overdue] [--date DAY]`: the action plan.

Every open follow-up (see `app.export.actions`), most urgent first. Exit 1 when any follow-up
is overdue, so a nightly job can nag; 0 otherwise; 2 usage errors; 4 when the store cannot be
read. "Today" is `--date` or the real date: overdue, due soon and waivers are judged on it.
"""

from __future__ import annotations

import argparse

from app.commands._snapshot import day


def add(sub, common) -> None:
    parser = sub.add_parser(
        "actions",
        parents=[common],
        help="the action plan: open follow-ups, most urgent first; exit 1 if any is overdue",
        description="List every gate that blocks or is waived, and every follow-up not done: "
        "owner, due day, status, fix and waiver expiry, overdue first, then what is due or "
        "expires within 14 days, then by severity. Exit 1 when anything is overdue.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument("--format", choices=["md", "csv", "json"], default="md", dest="fmt")
    parser.add_argument("--overdue", action="store_true", help="list only overdue follow-ups")
    parser.add_argument(
        "--date",
        type=day,
        metavar="YYYY-MM-DD",
        help="the day to judge due dates and waivers on (default: today)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import sys

    from app.commands._snapshot import load_snapshot
    from app.core.text import terminal_json
    from app.errors import EXIT_FAIL, EXIT_OK
    from app.export.actions import action_rows, to_csv, to_json, to_markdown

    today = args.date or dt.date.today().isoformat()
    data = load_snapshot(args, args.ref, today, with_changes=False)
    rows = action_rows(data, today)
    shown = [row for row in rows if row.overdue] if args.overdue else rows
    if args.fmt == "csv":
        # Bytes, so the CRLF line ends and UTF-8 hold whatever the terminal's encoding.
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv(shown).encode("utf-8"))
        sys.stdout.buffer.flush()
    elif args.fmt == "json":
        print(terminal_json(to_json(shown)))
    else:
        print(to_markdown(data, shown, today, overdue_only=args.overdue))
    return EXIT_FAIL if any(row.overdue for row in rows) else EXIT_OK
