"""Opening the store for a command: `--db`, else PREFLIGHT_DB, else the user data folder."""

from __future__ import annotations

import argparse
import os

from app.errors import EXIT_USAGE, PreflightError


def open_store(args: argparse.Namespace):
    """The `Store` at `args.db` (None → default path); PREFLIGHT_DB_TIMEOUT sets the lock wait."""
    from app.store import Store
    from app.store.db import DEFAULT_TIMEOUT

    raw = os.environ.get("PREFLIGHT_DB_TIMEOUT", "")
    try:
        timeout = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        timeout = -1.0
    if not 0 <= timeout <= 3600:  # also refuses nan and inf
        raise PreflightError(
            f"PREFLIGHT_DB_TIMEOUT must be seconds from 0 to 3600, got {raw!r}", EXIT_USAGE
        )
    return Store.open(getattr(args, "db", None), timeout=timeout)


def named(ref: str) -> str:
    """`ref`, an assessment's slug or id as given; PreflightError (exit 2) when it is blank."""
    if not ref.strip():
        raise PreflightError("name an assessment by slug or id (see 'preflight list')", EXIT_USAGE)
    return ref
