"""`preflight list [--all] [--limit N] [--json]`: the assessments, newest change first."""

from __future__ import annotations

import argparse


def _limit(text: str) -> int:
    """argparse type for --limit: a count from 0 (all) to a billion."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= 1_000_000_000:
        raise argparse.ArgumentTypeError("expected 0 (all) or a count up to 1,000,000,000")
    return value


def add(sub, common) -> None:
    parser = sub.add_parser(
        "list",
        parents=[common],
        help="list assessments",
        description="List assessments: name, slug, answered/total, verdict, last change.",
    )
    parser.add_argument("--all", action="store_true", help="include archived assessments")
    parser.add_argument(
        "--limit",
        type=_limit,
        default=None,
        metavar="N",
        help=f"show the N most recently changed (default {DEFAULT_LIMIT} on screen, all in "
        "JSON; 0 for all)",
    )
    parser.add_argument("--json", action="store_true", help="a JSON list of assessments")
    parser.set_defaults(handler=run)


DEFAULT_LIMIT = 100
"""Rows printed for people by default, as many as the home screen shows: a list of 10,000
lines helps nobody, and `--limit 0` prints them all."""


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from app.commands._store import open_store
    from app.core.text import one_line, terminal_json

    limit = args.limit if args.limit is not None else (0 if args.json else DEFAULT_LIMIT)
    with open_store(args) as store:
        found = store.assessments(include_archived=args.all, limit=limit or None)
        hidden = store.count(include_archived=args.all) - len(found) if limit else 0
    if args.json:
        print(terminal_json([asdict(a) for a in found]))
        return 0
    if not found:
        print("No assessments yet; start one with: preflight new NAME")
        return 0
    header = ("ID", "NAME", "SLUG", "ANSWERED", "VERDICT", "UPDATED")
    table = [
        (
            str(a.id),
            one_line(a.name) + (" (archived)" if a.archived else ""),
            a.slug,
            f"{a.summary.answered}/{a.summary.total}",
            a.summary.verdict,
            a.updated_at.replace("T", " ").removesuffix("Z"),
        )
        for a in found
    ]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    for row in [header, *table]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if hidden > 0:
        print(f"… and {hidden:,} more, changed earlier (preflight list --limit 0 shows all)")
    return 0
