"""The Preflight Textual app and `make_app`, the one factory the CLI and the tests use."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen

from app.core.text import one_line
from app.store import Store

if TYPE_CHECKING:
    from app.core.packs import PackSet
    from app.crash import Report

SCREEN_COMMANDS = (
    ("next", "Next question", "Save what was typed and show the next question"),
    ("previous", "Previous question", "Save what was typed and show the previous question"),
    ("skip", "Next unanswered question", "Jump to the next question with no answer"),
    ("agenda", "Next agenda item", "Disputed, then red, then unknown: the next to discuss"),
    ("clear_answer", "Clear this answer", "Remove the answer to the current question"),
    ("switch_person", "Answer as the next participant", "Cycle who is answering"),
    ("changes", "Latest gate changes", "Each gate that moved: why, the values behind it, the fix"),
    ("since", "Changes since…", "Since the last export, or a day: gates that flipped first"),
    ("decide", "Record a decision", "A decision in words, or the go/no-go decision"),
    ("keep_time", "Keep time", "Start the meeting clock: each area's minutes in the header"),
    ("next_area", "Next area", "The next area's first agenda item"),
    ("gates", "Gate board", "Every red, amber and unknown gate with owner and due date"),
    ("preview", "Receipts pack", "Preview and export the receipts pack"),
    ("people", "Participants", "Add people and roles; choose who is answering"),
    ("home", "Home", "Back to the list of assessments"),
    ("new", "New assessment", "Start an assessment for another pilot"),
    ("export", "Export the receipts pack", "Write the page and the appendix to exports/"),
)


def _palette_commands():
    """The palette's provider, imported when the palette first opens (not at start-up)."""
    from app.tui.commands import LiteralSystemCommands

    return LiteralSystemCommands


class PreflightApp(App[None]):
    """Home screen first; an assessment opens the wizard on top of it."""

    CSS_PATH = "preflight.tcss"
    TITLE = "Preflight"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {_palette_commands}
    """Textual's system commands, with pack titles shown as typed (see `app.tui.commands`)."""

    def __init__(
        self,
        store: Store,
        packset: PackSet | None,
        open_ref: str | None = None,
        pack_paths: list[Path] | None = None,
        minutes: int | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.open_ref = open_ref
        self.minutes = minutes
        """`preflight open --minutes`: the wizard opened first starts the meeting clock."""
        self._packset = packset
        self._pack_paths = pack_paths or []
        self._pack_lock = threading.Lock()
        self._frozen = False
        self.crash: Report | None = None
        """Set when an unexpected error ended the app: its line is printed once the terminal
        is back (`app.commands.home.run`), and the app's return code is 4."""

    @property
    def packset(self) -> PackSet:
        """The packs in use, loaded on first need (the home screen does not need them)."""
        with self._pack_lock:
            if self._packset is None:
                self._packset = self._load_packs()
            return self._packset

    def _load_packs(self) -> PackSet:
        from app.core.packs import load_packs

        result = load_packs(self._pack_paths)
        if result.problems:
            # Broken team packs: say which file and field, and go on with the rest.
            lines = "\n".join(one_line(p) for p in result.problems[:8])
            more = len(result.problems) - 8
            lines += f"\n… and {more} more (run preflight validate)" if more > 0 else ""
            self.call_later(
                self.notify,
                lines,
                title="✗ Pack problems",
                severity="error",
                timeout=30,
                markup=False,
            )
        return result.packset

    def on_mount(self) -> None:
        from app.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.open_ref is not None:
            self.open_assessment(self.open_ref, self.minutes)
        elif self._packset is None:
            # After the first frame: read the packs on a thread, so the home screen shows
            # without waiting for them.
            self.call_after_refresh(self.run_worker, self._warm_up, thread=True)

    def _warm_up(self) -> None:
        self.packset  # noqa: B018 - loads and caches the packs

    def open_assessment(self, ref: str | int, minutes: int | None = None) -> None:
        """Push the wizard for `ref`; a store problem becomes a message, never a crash."""
        from app.errors import PreflightError
        from app.session import Session
        from app.tui.screens.wizard import WizardScreen

        try:
            session = Session.open(self.store, self.packset, ref)
            wizard = WizardScreen(session, minutes=minutes)
        except PreflightError as exc:
            self.notify(
                one_line(exc), title="Cannot open", severity="error", timeout=10, markup=False
            )
            return
        self.push_screen(wizard, lambda _: self._refresh_home())
        self.call_after_refresh(self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Move what is alive once an assessment is open (modules, the packs and their
        compiled expressions, the screens) out of the garbage collector's sight: a full
        collection otherwise walks all of it, ~50 ms that land on whatever key is being
        answered (the keypress p99). Later objects are collected as before; `on_unmount`
        hands the frozen ones back, so nothing stays frozen after the app."""
        gc.freeze()
        self._frozen = True

    def on_unmount(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def _refresh_home(self) -> None:
        from app.tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.reload()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Toggle light/dark theme",
            "Switch between the light and dark themes",
            self.action_toggle_dark_theme,
        )
        # Every screen action that has a key also gets a palette entry (the footer at 80
        # columns cannot show them all).
        for action, title, help_text in SCREEN_COMMANDS:
            method = getattr(screen, f"action_{action}", None)
            if method is not None and screen.check_action(action, ()) is not False:
                yield SystemCommand(title, help_text, method)
        area = getattr(screen, "action_area", None)
        session = getattr(screen, "session", None)
        if area is not None and session is not None:
            # The assessment's own areas (`action_area` counts them), not every pack installed.
            for index, pack in enumerate(session.packset.packs):
                yield SystemCommand(
                    f"Go to area: {one_line(pack.title)}",
                    "Its first unanswered question",
                    lambda i=index: area(i),
                )

    def _handle_exception(self, error: Exception) -> None:
        """Every error Textual catches (handlers, compose, workers) ends up here. Textual's
        own handler would print a traceback with local variables (answers) on exit and set
        return code 1 (NO-GO's code); instead the plain traceback goes to the crash log, the
        return code is 4 and the app closes the way Textual's `_fatal_error` closes it."""
        from app.crash import record
        from app.errors import EXIT_ERROR

        self._return_code = EXIT_ERROR
        if self._exception is None:
            # Kept as Textual keeps it: `run_test` re-raises it for the test frameworks.
            self._exception = error
            self._exception_event.set()
        if self.crash is None:
            from textual.worker import WorkerFailed

            cause = error.error if isinstance(error, WorkerFailed) else error
            self.crash = record(cause, self._crash_where())
        self._close_messages_no_wait()

    def _crash_where(self) -> str:
        try:
            return f"the app ({type(self.screen).__name__})"
        except Exception:  # no screen yet (a crash while starting)
            return "the app"

    def action_toggle_dark_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def make_app(
    db: Path | str | None = None,
    packset: PackSet | None = None,
    open_ref: str | None = None,
    store: Store | None = None,
    pack_paths: list[Path] | None = None,
    minutes: int | None = None,
) -> PreflightApp:
    """Build the app on a store (opened from `db` unless given) and the packs in use: `packset`
    when given, else read from `pack_paths` (default: the shipped packs) once needed."""
    if packset is None and pack_paths is None:
        from app.core.paths import shipped_dir

        pack_paths = [shipped_dir()]
    if store is None:
        store = Store.open(db)
    if os.environ.get("NO_COLOR"):
        # Textual greys colours out under NO_COLOR (and removes the variable): decide first.
        from app.tui.render import use_monochrome

        use_monochrome()
    return PreflightApp(store, packset, open_ref, pack_paths, minutes)
