"""Unexpected errors: the traceback goes to a crash log, one line goes to stderr, exit 4.

Used by both front ends: `cli.main` catches what a command raises, and the Textual app
overrides `_handle_exception` (Textual would print a traceback *with local variables* on exit,
and here locals are answers, which describe security gaps). The log therefore holds the plain
traceback with no locals, in `$PREFLIGHT_STATE_DIR/crashes/` (else the platformdirs user state
folder, on Linux `~/.local/state/preflight/crashes/`), mode 0600, newest `KEEP` files kept.

The message claims no save that did not happen: every answer is committed before it is
acknowledged, so the ones already saved are kept; nothing else is promised. If the log cannot
be written the line says so and the traceback (still without locals) follows it on stderr.

Imported only once something has gone wrong: nothing here is on the start-up path.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from app.errors import EXIT_ERROR

KEEP = 20
"""Crash logs kept in the folder; older ones are removed when a new one is written."""
FOLDER = "crashes"
KEPT = "Answers already saved are kept."


@dataclass(frozen=True)
class Report:
    line: str
    """The one line for stderr: what failed, where, and where the details are."""
    log: Path | None
    """The crash log written, or None when it could not be."""
    fallback: str | None = None
    """The traceback, to print after the line when there is no log to hold it."""

    def print(self, file=None) -> None:
        out = file if file is not None else sys.stderr
        try:
            print(self.line, file=out)
            if self.fallback is not None:
                print(self.fallback, end="", file=out)
            out.flush()
        except (OSError, ValueError):  # stderr closed or gone: nothing more can be said
            pass


def log_folder() -> Path:
    """`$PREFLIGHT_STATE_DIR/crashes`, else `user_state_dir("preflight")/crashes`."""
    configured = os.environ.get("PREFLIGHT_STATE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser() / FOLDER
    from platformdirs import user_state_dir

    return Path(user_state_dir("preflight")) / FOLDER


def record(error: BaseException, where: str) -> Report:
    """Write the crash log for `error` (raised in `where`) and return what to tell the user.
    Never raises: a failure to write the log becomes part of the message."""
    name = type(error).__name__
    text = _traceback(error)
    try:
        log = _write(text, where, log_folder())
    except Exception as exc:  # read-only folder, no home directory, full disk, ...
        reason = f"{type(exc).__name__}: {exc}"
        try:  # the system's temporary folder, so the details are still kept off the screen
            log = _write(text, where, _temporary_folder())
        except Exception:
            line = (
                f"preflight: unexpected error ({name}) in {where}; the crash log could not be "
                f"written ({reason}); set PREFLIGHT_STATE_DIR to a writable folder to keep one. "
                f"{KEPT}"
            )
            return Report(line, None)
        line = (
            f"preflight: unexpected error ({name}) in {where}; the state folder could not be "
            f"written ({reason}), details in {log}. {KEPT}"
        )
        return Report(line, log)
    _prune(log.parent, keep=log)
    return Report(f"preflight: unexpected error ({name}) in {where}; details in {log}. {KEPT}", log)


def report(error: BaseException, where: str) -> int:
    """`record` and print at once (the CLI); returns EXIT_ERROR."""
    record(error, where).print()
    return EXIT_ERROR


def _traceback(error: BaseException) -> str:
    """The standard library's traceback: frames, source lines and the message, never locals."""
    import traceback

    return "".join(traceback.format_exception(error))


def _header(where: str) -> str:
    import platform
    import time

    from app import __version__

    lines = [
        "Preflight crash report (no local variables are recorded)",
        f"time:     {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"where:    {where}",
        f"preflight {__version__}, Python {platform.python_version()}, {platform.platform()}",
    ]
    textual = sys.modules.get("textual")
    if textual is not None:
        try:
            from importlib.metadata import version

            lines.append(f"textual   {version('textual')}")
        except Exception:
            pass
    return "\n".join(lines) + "\n\n"


def _temporary_folder() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / f"preflight-{os.getuid()}" / FOLDER


def _write(text: str, where: str, folder: Path) -> Path:
    import time

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    for attempt in range(1, 100):
        path = folder / (f"{stem}.log" if attempt == 1 else f"{stem}-{attempt}.log")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write(_header(where))
            out.write(text)
        return path
    raise FileExistsError(f"{folder / stem}*.log all taken")


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the newest KEEP crash logs (the one just written always stays)."""
    try:
        found = []
        for path in folder.glob("crash-*.log"):
            try:
                found.append((path.stat().st_mtime, path.name, path))
            except OSError:
                continue
        found.sort(reverse=True)
        others = [path for _, _, path in found if path != keep]
        for path in others[KEEP - 1 :]:
            try:
                path.unlink()
            except OSError:
                pass
    except OSError:
        pass
