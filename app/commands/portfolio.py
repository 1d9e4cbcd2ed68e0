"""`preflight portfolio build SOURCE... --out FILE` and `preflight portfolio serve`: one
SQLite file of many teams' pilots, for a platform or governance lead to query."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "portfolio",
        parents=[common],
        help="build (and serve) one database of many teams' pilots",
        description="Build one SQLite file from Preflight databases, assessment files "
        "('preflight share') and folders of either, with every verdict worked out again "
        "with the packs installed here; then browse it with 'preflight portfolio serve'.",
    )
    parser.set_defaults(handler=lambda args: _usage(parser))
    actions = parser.add_subparsers(dest="portfolio_command", metavar="ACTION")
    build = actions.add_parser(
        "build",
        parents=[common],
        help="read sources (read-only) and write or update the portfolio file",
        description="Read each SOURCE (a Preflight database, an assessment file, or a folder "
        "of either) without writing to it, and write its assessments to the portfolio. A "
        "source's team is its file name without the suffix (a folder's files: the folder's "
        "name), or TEAM given with '--team TEAM SOURCE'. An existing portfolio is updated: a "
        "pilot in a newer state replaces its rows, the same or an older state keeps them. A "
        "source that cannot be read is named and skipped; the rest is built (exit 1).",
    )
    build.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="a database, an assessment file or a folder"
    )
    build.add_argument(
        "--team",
        nargs=2,
        action="append",
        default=[],
        metavar=("TEAM", "SOURCE"),
        help="one more SOURCE, whose pilots belong to TEAM (repeat per source)",
    )
    build.add_argument("--out", required=True, metavar="FILE", help="the portfolio to write")
    build.set_defaults(handler=run_build)
    serve = actions.add_parser(
        "serve",
        parents=[common],
        help="browse a portfolio in Datasette",
        description="Serve a portfolio with Datasette.",
    )
    serve.add_argument("portfolio", nargs="?", metavar="FILE", help="the portfolio to serve")
    from app.portfolio.options import add_arguments  # --host, --port (no Datasette, no SQLite)

    add_arguments(serve)
    serve.set_defaults(handler=run_serve)


def _usage(parser: argparse.ArgumentParser) -> int:
    import sys

    parser.print_usage(sys.stderr)
    print("preflight portfolio: name an action: build or serve", file=sys.stderr)
    return 2


def run_build(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from app.commands._packs import packset_or_fail
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError
    from app.portfolio.build import PortfolioError, Source, build

    sources = [Source(Path(p)) for p in args.sources]
    for team, path in args.team:
        if not team.strip():
            raise PreflightError("--team: the team's name is empty", EXIT_USAGE)
        sources.append(Source(Path(path), team))
    if not sources:
        raise PreflightError(
            "name at least one SOURCE (a database, an assessment file or a folder)", EXIT_USAGE
        )
    packset = packset_or_fail(args)
    try:
        report = build(sources, Path(args.out), packset)
    except PortfolioError as exc:
        raise PreflightError(str(exc), EXIT_USAGE) from None
    for source in report.sources:
        stream = sys.stderr if source.problem is not None or source.left_out else sys.stdout
        print(source.line(), file=stream)
    print(f"{one_line(args.out)}: {report.summary()}")
    return 1 if report.problems else 0


def run_serve(args: argparse.Namespace) -> int:
    from app.portfolio import serve

    return int(serve.run(args) or 0)
