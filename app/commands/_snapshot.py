"""Reading one assessment from the store into an export snapshot (shared by export, check,
verify)."""

from __future__ import annotations

import argparse
import datetime as dt

from app.errors import EXIT_USAGE, PreflightError


def day(value: str) -> str:
    """argparse type for `--date`: a real YYYY-MM-DD day."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def load_snapshot(args: argparse.Namespace, ref: str, date: str | None = None):
    """The `PackData` for assessment `ref` with the packs in use; `date` None → from the data."""
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.export.snapshot import make_snapshot

    if not ref.strip():
        raise PreflightError("name an assessment by slug or id (see 'preflight list')", EXIT_USAGE)
    packset = packset_or_fail(args)
    with open_store(args) as store:
        a = store.get(ref)
        return make_snapshot(
            a,
            store.participants(a.id),
            store.answers(a.id),
            store.followups(a.id),
            store.waivers(a.id),
            packset,
            date=date,
        )
