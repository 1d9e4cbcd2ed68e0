"""Home: the assessments, one per pilot, with new / open / rename / archive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from app.core.text import one_line
from app.errors import PreflightError
from app.tui.render import STYLES, literal

if TYPE_CHECKING:
    from textual import getters

    from app.tui.app import PreflightApp

EMPTY = (
    "No assessments yet.\n\n"
    "Press n to start one for your pilot: five questionnaires (acceptance, data, security,\n"
    "production, adoption) with the gates that stop production shown live as you answer.\n\n"
    "To look around first, quit (ctrl+q) and run:  preflight demo"
)


HOME_LIMIT = 100
"""Rows the home screen shows, newest change first. A database of thousands would cost seconds
to load and paint in full; older assessments stay reachable by `preflight open SLUG`."""


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "new", "New", id="new"),
        Binding("o", "open", "Open (enter)", id="open"),
        Binding("r", "rename", "Rename", id="rename"),
        Binding("a", "archive", "Archive/restore", id="archive"),
        Binding("h", "toggle_archived", "Archived on/off", id="toggle_archived"),
        Binding("ctrl+q", "app.quit", "Quit", id="quit"),
    ]

    if TYPE_CHECKING:
        # For type checkers only (as Textual types its own): this screen runs in PreflightApp,
        # so `self.app.store` and `self.app.packset` are known. At run time `app` is Textual's.
        app = getters.app(PreflightApp)

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False
        self._fill = 0
        """Counts reloads, so rows added after a frame belong to the latest one."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="assessments", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY, id="empty", markup=False)
        yield Static("", id="more", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Under 100 columns the gate counts go (the verdict says enough) and the date is short.
        self.narrow = self.app.size.width < 100
        columns = ["Name", "Slug", "Answered", "Verdict"]
        table.add_columns(*columns, *([] if self.narrow else ["Gates"]), "Updated")
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        store = self.app.store
        total = 0
        try:
            rows = store.assessments(include_archived=self.show_archived, limit=HOME_LIMIT)
            if len(rows) == HOME_LIMIT:
                total = store.count(include_archived=self.show_archived)
        except PreflightError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            rows = []
        more = self.query_one("#more", Static)
        more.display = total > len(rows)
        if more.display:
            more.update(
                f"Showing the {len(rows)} most recently changed of {total:,} assessments. "
                "Others: preflight list, then preflight open SLUG."
            )
        table.clear()
        self._fill += 1
        # A screenful first, the rest just after the first frame: DataTable measures and lays
        # out every row it holds before it paints (~1.4 ms a row on the bench machine; a bare
        # app with 100 rows paints ~135 ms later than with one).
        first = max(10, self.app.size.height - 4)  # header, column titles, "more", footer
        self._add_rows(rows[:first])
        if rows[first:]:
            # Two hops: at start-up the first refresh happens inside Textual's batched mount
            # and is not shown; one hop would add the rows before the first visible frame.
            later = (self._add_rows, rows[first:], self._fill)
            self.call_after_refresh(self.call_after_refresh, *later)
        self.query_one("#empty").display = not rows
        table.display = bool(rows)
        if rows:
            table.focus()

    def _add_rows(self, rows: list, fill: int | None = None) -> None:
        if fill is not None and fill != self._fill:
            return  # a newer reload replaced the list before this part was added
        table = self.query_one(DataTable)
        for a in rows:
            s = a.summary
            # Text cells only: DataTable reads a str cell as markup ("Q3 pilot [/draft]").
            verdict = literal(s.verdict, style=STYLES.get(s.verdict, ""))
            name = literal(a.name)
            if a.archived:
                name.append("  (archived)")
            gates = literal(f"✗{s.red} !{s.amber} ?{s.unknown}")
            updated = a.updated_at[:10] if self.narrow else a.updated_at[:16].replace("T", " ")
            cells = [name, literal(a.slug), literal(f"{s.answered}/{s.total}"), verdict]
            table.add_row(*cells, *([] if self.narrow else [gates]), literal(updated), key=a.slug)

    def _selected_slug(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        slug = event.row_key.value
        assert slug is not None  # every row is added with its slug as the key
        self.app.open_assessment(slug)

    def action_open(self) -> None:
        slug = self._selected_slug()
        if slug:
            self.app.open_assessment(slug)

    def action_new(self) -> None:
        from app.tui.screens.dialogs import TextDialog

        def create(name: str | None) -> None:
            if not name:
                self.notify("No name given: nothing created.", markup=False)
                return
            try:
                from app.session import Session

                assessment = Session.create(self.app.store, self.app.packset, name).assessment
            except PreflightError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.reload()
            self.app.open_assessment(assessment.slug)

        self.app.push_screen(TextDialog("New assessment", "Pilot name"), create)

    def action_rename(self) -> None:
        from app.tui.screens.dialogs import TextDialog

        slug = self._selected_slug()
        if not slug:
            return

        def rename(name: str | None) -> None:
            if name:
                try:
                    self.app.store.rename(slug, name)
                except PreflightError as exc:
                    self.notify(str(exc), severity="error", markup=False)
                self.reload()

        current = one_line(self.app.store.get(slug).name)
        self.app.push_screen(TextDialog("Rename assessment", "New name", current), rename)

    def action_archive(self) -> None:
        slug = self._selected_slug()
        if not slug:
            return
        try:
            archived = self.app.store.get(slug).archived
            self.app.store.set_archived(slug, not archived)
        except PreflightError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"{'Restored' if archived else 'Archived'} {slug}", markup=False)
        self.reload()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()
