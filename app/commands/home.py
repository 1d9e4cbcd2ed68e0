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


def run(args: argparse.Namespace, open_ref: str | None = None, minutes: int | None = None) -> int:
    """Start the Textual app; the only place the CLI imports Textual. Returns the app's
    return code: 0, or 4 after an unexpected error (see `PreflightApp._handle_exception`)."""
    from app.commands._packs import pack_paths, packset_or_fail
    from app.commands._store import open_store
    from app.errors import EXIT_ERROR

    # Going straight to an assessment needs the packs now, and broken ones are a one-line
    # error; the home screen shows first and reads them behind it (reporting problems there).
    packset = packset_or_fail(args) if open_ref is not None else None
    store = open_store(args)
    if open_ref is not None:
        try:
            store.get(open_ref)  # an unknown slug is a one-line error before the screen starts
        except BaseException:
            store.close()
            raise
    from app.tui.app import make_app

    with store:
        app = make_app(
            store=store,
            packset=packset,
            open_ref=open_ref,
            pack_paths=pack_paths(args),
            minutes=minutes,
        )
        app.run()
    if app.crash is not None:
        # Printed only now, with the terminal restored (Textual holds stderr while it runs).
        app.crash.print()
        return EXIT_ERROR
    return app.return_code or 0
