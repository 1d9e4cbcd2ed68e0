"""Home: the assessments, one per pilot, with new / open / rename / archive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from app.core.states import VERDICT_STATE, verdict_badge
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


ONLY_ARCHIVED = (
    "No active assessments: {count} archived.\n\n"
    "Press h to show the archived ones (a restores the highlighted one), or n to start a new one."
)

HOME_LIMIT = 100
"""Rows the home screen shows, newest change first. A database of thousands would cost seconds
to load and paint in full; older assessments stay reachable by `preflight open SLUG`."""


FIXED = {"Answered": 8, "Verdict": 13, "Gates": 11}
"""Widths of the columns that never shrink: `! CONDITIONAL` is the widest verdict."""


def fit(text: str, width: int) -> str:
    """`text` in `width` cells: cut at a word boundary with "…" when it is longer (mid-word
    only when the first word alone is longer than half the width)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = ""
    for char in text:  # the longest start that leaves a cell for "…"
        if cell_len(cut + char) > width - 1:
            break
        cut += char
    space = cut.rstrip().rfind(" ")
    if space > (width - 1) // 2:
        cut = cut[:space]
    return cut.rstrip(" -·,;:") + "…"


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "new", "New", id="new"),
        Binding("o", "open", "Open", id="open"),
        Binding("r", "rename", "Rename", id="rename"),
        Binding("a", "archive", "Archive", id="archive", tooltip="Archive or restore"),
        Binding("h", "toggle_archived", "Show archived", id="toggle_archived"),
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
        self.narrow = True
        self.widths: dict[str, int] = {}
        """The columns in use and their widths (see `_columns`)."""
        self.by_slug: dict[str, Any] = {}
        """The assessments shown, for the line under the table."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="assessments", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY, id="empty", markup=False)
        yield Static("", id="home-detail", markup=False)
        yield Static("", id="more", markup=False)
        yield Static("", id="home-notice", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        if self.widths and self._columns(list(self.by_slug.values())) != self.widths:
            self.reload()

    def _columns(self, rows: list) -> dict[str, int]:
        """Column widths for the terminal's width: the fixed columns first, the slug as long
        as the longest (up to about a third of what is left), the name the rest."""
        width = self.app.size.width
        # Under 100 columns the gate counts go (the verdict says enough) and the date is short.
        narrow = width < 100
        updated = 10 if narrow else 16
        fixed = ["Answered", "Verdict", *([] if narrow else ["Gates"])]
        count = 2 + len(fixed) + 1  # name, slug, the fixed ones, updated
        # Each column has a cell of padding either side; 2 more for the vertical scrollbar.
        free = width - 2 - 2 * count - sum(FIXED[c] for c in fixed) - updated
        longest = max((cell_len(a.slug) for a in rows), default=4)
        slug = max(4, min(longest, max(10, free * 2 // 5)))
        name = max(12, free - slug)
        return {
            "Name": name,
            "Slug": slug,
            **{c: FIXED[c] for c in fixed},
            "Updated": updated,
        }

    def _say(self, message: str) -> None:
        """Confirmations and problems on the line above the footer, never over the list."""
        self.query_one("#home-notice", Static).update(Text(message))

    def reload(self) -> None:
        table = self.query_one(DataTable)
        store = self.app.store
        total = 0
        try:
            rows = store.assessments(include_archived=self.show_archived, limit=HOME_LIMIT)
            if len(rows) == HOME_LIMIT:
                total = store.count(include_archived=self.show_archived)
        except PreflightError as exc:
            self._say(f"✗ {one_line(exc)}")
            rows = []
        widths = self._columns(rows)
        keep = self._selected_slug()
        if widths != self.widths:
            table.clear(columns=True)
            for label, width in widths.items():
                table.add_column(label, width=width)
            self.widths = widths
            self.narrow = "Gates" not in widths
        else:
            table.clear()
        self.by_slug = {a.slug: a for a in rows}
        more = self.query_one("#more", Static)
        more.display = total > len(rows)
        if more.display:
            more.update(
                f"Showing the {len(rows)} most recently changed of {total:,} assessments. "
                "Others: preflight list, then preflight open SLUG."
            )
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
        empty = self.query_one("#empty", Static)
        empty.display = not rows
        if not rows:
            archived = 0 if self.show_archived else self._archived_count()
            empty.update(ONLY_ARCHIVED.format(count=archived) if archived else EMPTY)
        table.display = bool(rows)
        self.query_one("#home-detail").display = bool(rows)
        if rows:
            slugs = [a.slug for a in rows[:first]]
            if keep in slugs:
                table.move_cursor(row=slugs.index(keep))
            self._detail(rows[table.cursor_row if table.cursor_row < len(slugs) else 0].slug)
            table.focus()

    def _archived_count(self) -> int:
        try:
            store = self.app.store
            return store.count(include_archived=True) - store.count()
        except PreflightError:
            return 0

    def _detail(self, slug: str | None) -> None:
        """The highlighted assessment in full: its name, slug and description."""
        a = self.by_slug.get(slug or "")
        text = Text()
        if a is not None:
            text.append(one_line(a.name), style="bold")
            text.append(f" · {one_line(a.slug)}", style="dim")
            description = one_line(a.description)
            text.append(f"\n{description}" if description else "\nNo description.")
            if not description:
                text.stylize("dim", len(text) - len("No description."))
        self.query_one("#home-detail", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.row_key.value)

    def _add_rows(self, rows: list, fill: int | None = None) -> None:
        if fill is not None and fill != self._fill:
            return  # a newer reload replaced the list before this part was added
        table = self.query_one(DataTable)
        widths = self.widths
        for a in rows:
            s = a.summary
            # Text cells only: DataTable reads a str cell as markup ("Q3 pilot [/draft]").
            badge = verdict_badge(s.verdict) if s.verdict in VERDICT_STATE else s.verdict
            verdict = literal(badge, style=STYLES.get(s.verdict, ""))
            # Long names end in "…" at a word (the line under the table has them in full),
            # so the verdict and the date always show.
            suffix = " (archived)" if a.archived else ""
            name = literal(fit(one_line(a.name), widths["Name"] - len(suffix)) + suffix)
            slug = literal(fit(a.slug, widths["Slug"]))
            gates = literal(f"✗{s.red} !{s.amber} ?{s.unknown}")
            updated = a.updated_at[:10] if self.narrow else a.updated_at[:16].replace("T", " ")
            cells = [name, slug, literal(f"{s.answered}/{s.total}"), verdict]
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
        from app.session import default_packs
        from app.tui.screens.dialogs import NewAssessment, NewAssessmentDialog

        packset = self.app.packset
        problem = ""
        try:
            default = default_packs(packset)
        except PreflightError as exc:
            default, problem = None, f"✗ {one_line(exc)}"

        def create(given: NewAssessment | None) -> None:
            if not given:
                self._say("Nothing created.")
                return
            name, description, packs = given
            try:
                from app.session import Session

                session = Session.create(self.app.store, packset, name, description, packs=packs)
            except PreflightError as exc:
                self._say(f"✗ Not created: {one_line(exc)}")
                return
            self._say(f"✔ Created {session.assessment.slug}")
            self.reload()
            self.app.open_assessment(session.assessment.slug)

        self.app.push_screen(NewAssessmentDialog(packset, default, problem), create)

    def action_rename(self) -> None:
        from app.tui.screens.dialogs import TextDialog

        slug = self._selected_slug()
        if not slug:
            return

        def rename(name: str | None) -> None:
            if name:
                try:
                    self.app.store.rename(slug, name)
                    self._say(f"✔ Renamed {slug}")
                except PreflightError as exc:
                    self._say(f"✗ Not renamed: {one_line(exc)}")
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
            self._say(f"✗ {one_line(exc)}")
            return
        hint = "" if archived or self.show_archived else " (h shows archived ones)"
        self._say(f"✔ {'Restored' if archived else 'Archived'} {slug}{hint}")
        self.reload()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()
