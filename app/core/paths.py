"""Where the shipped packs are, without loading the pack models (the home screen needs this)."""

from __future__ import annotations

from pathlib import Path


def shipped_dir() -> Path:
    """The packs shipped with Preflight: inside the wheel, or at the root of a clone."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "questionnaires"
    if installed.is_dir():
        return installed
    return package_dir.parent / "questionnaires"
