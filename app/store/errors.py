"""The store's two failures, both shown to people as one line (never a traceback)."""

from __future__ import annotations

from app.errors import EXIT_ERROR, EXIT_USAGE, PreflightError


class StoreError(PreflightError):
    """The database cannot be used: not SQLite, corrupt, locked, read-only, too new, …"""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message, exit_code)


class NotFound(PreflightError):
    """No assessment (or participant) answers to the reference given."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message, exit_code)
