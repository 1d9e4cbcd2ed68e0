"""`preflight` (no command) and `preflight home`: open the home screen."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "home",
        parents=[common],
        help="open the home screen (the same as plain 'preflight')",
        description="Open the full-screen app on the home screen: every assessment.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, open_ref: str | None = None) -> int:
    """Start the Textual app; the only place the CLI imports Textual."""
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store

    packset = packset_or_fail(args)
    store = open_store(args)
    if open_ref is not None:
        try:
            store.get(open_ref)  # an unknown slug is a one-line error before the screen starts
        except BaseException:
            store.close()
            raise
    from app.tui.app import make_app

    with store:
        make_app(store=store, packset=packset, open_ref=open_ref).run()
    return 0
