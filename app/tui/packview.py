"""The receipts pack as the wizard previews and exports it: the very bytes `preflight export`
writes, from the same snapshot builder."""

from __future__ import annotations

from pathlib import Path

from app.session import Session


def _snapshot(session: Session, with_changes: bool = True):
    from app.export.snapshot import snapshot_from_store

    return snapshot_from_store(session.store, session.id, session.packset, None, with_changes)


def pack_markdown(session: Session) -> str:
    from app.export.page import render_page

    return render_page(_snapshot(session))


def export(session: Session, out: Path | None = None, force: bool = False) -> list[Path]:
    """Write the page and the appendix (default: ./exports), as `preflight export` does."""
    from app.export.write import pick_format, write_pack

    snapshot = _snapshot(session)
    written = write_pack(snapshot, out, force=force)
    session.record_export(
        [str(p) for p in written], pick_format(out), snapshot.digest, snapshot.date
    )
    return written


def digest(session: Session) -> str:
    """The pack digest of the assessment as stored now (a go/no-go decision records it)."""
    return _snapshot(session, with_changes=False).digest
