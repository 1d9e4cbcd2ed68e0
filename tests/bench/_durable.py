"""The durable-key floor: a bare Textual app whose key handler commits one row to SQLite (WAL,
`synchronous=FULL`, busy_timeout and foreign keys on: the store's pragmas, BEGIN IMMEDIATE
… COMMIT as the store writes) and then updates one Static. Preflight's answer key cannot be
cheaper than this: a durable commit and a repaint."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class DurableApp(App[None]):
    BINDINGS = [Binding("y", "press('y')", "y"), Binding("n", "press('n')", "n")]

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.conn = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, value TEXT, at TEXT)"
        )
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("ready", id="status")

    def action_press(self, key: str) -> None:
        self.count += 1
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "INSERT INTO answers (value, at) VALUES (?, datetime('now'))", [f'"{key}"']
        )
        self.conn.execute("COMMIT")
        self.query_one("#status", Static).update(f"saved {key} ({self.count})")
