"""Exit codes and the one exception type the CLI turns into a clean message."""

EXIT_OK = 0
EXIT_FAIL = 1
"""A check that ran and failed: invalid packs, a NO-GO verdict, a pack that no longer matches."""
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_BROKEN_PIPE = 141
"""The reader of our output went away first (`preflight check | head`), as a shell's SIGPIPE."""
EXIT_ERROR = 4
"""Preflight could not do its job: unreadable packs, a database it cannot open, …"""


class PreflightError(Exception):
    """An expected failure with a message for people: printed as one line, never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code
