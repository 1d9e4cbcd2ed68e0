"""Reading one assessment from the store into an export snapshot (shared by export, check,
verify)."""

from __future__ import annotations

import argparse


def day(value: str) -> str:
    """argparse type for `--date`: a real YYYY-MM-DD day."""
    from app.core.days import DayError, parse_day

    try:
        return parse_day(value)
    except DayError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def load_snapshot(
    args: argparse.Namespace, ref: str, date: str | None = None, with_changes: bool = True
):
    """The `PackData` for assessment `ref` with the packs in use; `date` None → from the data;
    `with_changes` False: without the changes since the last export (not rendered)."""
    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.export.snapshot import snapshot_from_store

    named(ref)
    packset = packset_or_fail(args)
    with open_store(args) as store:
        return snapshot_from_store(store, ref, packset, date, with_changes)
