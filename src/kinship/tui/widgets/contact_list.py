"""The contact list: a Line-API widget over SQL pages.

Only the rows around the viewport are ever loaded: pages of ``PAGE`` rows fetched with
``LIMIT``/``OFFSET`` on the database thread and cached (a few pages around the cursor). A new
search is shown as soon as its first page lands, with a provisional total (the rows known so
far); the ``COUNT`` follows as a separate, cancellable job and :meth:`ContactList.set_total`
grows the virtual size when it arrives. ``render_line`` draws from the cache and asks for a missing
page, showing a placeholder until it lands, so scrolling 100k contacts stays instant and
memory does not grow with the store (stock DataTable/ListView hold every row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kinship.records import PartialDate
from kinship.services import views
from kinship.tui.safe import shown

if TYPE_CHECKING:
    from kinship.tui.context import AppContext

PAGE = views.PAGE
#: Pages kept in the cache around the cursor (the rest are dropped).
KEEP_PAGES = 6
#: A birthday this many days ahead shows in the row's badge.
BIRTHDAY_SOON = 14
_NOTHING = object()


def badge(row: views.ContactRow, today: date, *, plain: bool = False) -> tuple[str, str]:
    """The short status shown at the end of a row, and its style class
    (``overdue``, ``due``, ``soon``, ``birthday`` or "")."""
    if row.archived:
        return "archived", "archived"
    if row.birthday:
        try:
            nxt = PartialDate.parse(row.birthday).next_on_or_after(today)
        except ValueError:
            nxt = None
        if nxt is not None and (nxt - today).days <= BIRTHDAY_SOON:
            days = (nxt - today).days
            when = "today" if days == 0 else f"in {days}d"
            return (f"bday {when}" if plain else f"🎂 {when}"), "birthday"
    # Shown exactly for the people `is:due` finds and Today lists (one definition of due).
    if row.due is not None:
        days = (row.due - today).days
        if days < 0:
            return f"overdue {-days}d", "overdue"
        if days == 0:
            return "due", "due"
        return f"due in {days}d", "soon"
    if row.snoozed_until is not None:
        return "snoozed", "archived"
    return "", ""


@dataclass
class Listing:
    """What the list shows: a query, a sort, whether archived contacts are included."""

    query: str = ""
    sort: str = "name"
    archived: bool = False


class ContactList(ScrollView, can_focus=True):
    """Contacts, one per line, with a due badge; ``enter`` opens the brief."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "jump(0)", "First", show=False, id="list.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="list.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "contact-list--cursor",
        "contact-list--org",
        "contact-list--overdue",
        "contact-list--due",
        "contact-list--soon",
        "contact-list--birthday",
        "contact-list--archived",
        "contact-list--loading",
    }

    DEFAULT_CSS = """
    ContactList { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    ContactList > .contact-list--cursor { background: $accent 40%; text-style: bold; }
    ContactList:focus > .contact-list--cursor { background: $accent; color: $text; }
    ContactList > .contact-list--org { color: $text-muted; }
    ContactList > .contact-list--overdue { color: $error; text-style: bold; }
    ContactList > .contact-list--due { color: $warning; text-style: bold; }
    ContactList > .contact-list--soon { color: $warning; }
    ContactList > .contact-list--birthday { color: $success; }
    ContactList > .contact-list--archived { color: $text-disabled; text-style: italic; }
    ContactList > .contact-list--loading { color: $text-disabled; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The row under the cursor changed (``row`` is None when the list is empty)."""

        def __init__(self, row: views.ContactRow | None) -> None:
            super().__init__()
            self.row = row

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, row: views.ContactRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, today: date, plain: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.plain = plain
        self.listing = Listing()
        self.total = 0
        #: False while ``total`` is only a lower bound (the count is still running).
        self.counted = True
        self.loaded = False
        self._pages: dict[int, list[views.ContactRow]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        #: The row last announced (compared by value): a new result with the same person,
        #: unchanged, under the cursor announces nothing (search typing keeps the panes).
        self._last_highlight: object = _NOTHING

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    # ----------------------------------------------------------------- data

    def show(
        self,
        listing: Listing,
        total: int,
        rows: list[views.ContactRow],
        *,
        page: int = 0,
        cursor: int = 0,
        counted: bool = True,
    ) -> None:
        """Swap in a new result (from :meth:`MainScreen.reload`), keeping nothing stale.

        With ``counted`` False, ``total`` is a lower bound until :meth:`set_total`.
        """
        self._generation += 1
        self.listing = listing
        self.total = total
        self.counted = counted
        self.loaded = True
        self._pages = {page: rows}
        self._pending.clear()
        self.virtual_size = Size(0, total)
        self.cursor = max(0, min(cursor, total - 1)) if total else 0
        self.refresh()

    def set_total(self, total: int) -> None:
        """The count of the current search arrived: the list (and its scrollbar) grows."""
        self.total = total
        self.counted = True
        self.virtual_size = Size(0, total)
        if total and self.cursor >= total:
            self.cursor = total - 1
        self.refresh()

    def row_at(self, index: int) -> views.ContactRow | None:
        if not 0 <= index < self.total:
            return None
        page = self._pages.get(index // PAGE)
        if page is None:
            self._request(index // PAGE)
            return None
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> views.ContactRow | None:
        return self.row_at(self.cursor)

    def _request(self, page: int) -> None:
        if page in self._pending or page in self._pages:
            return
        self._pending.add(page)
        self.run_worker(self._fetch(page, self._generation), group="contact-pages")

    async def _fetch(self, page: int, generation: int) -> None:
        listing = self.listing
        rows = await self.kapp.db(
            views.contact_page,
            listing.query,
            listing.sort,
            archived=listing.archived,
            offset=page * PAGE,
            limit=PAGE,
            today=self.today,
        )
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        self._evict(page)
        self.refresh()
        if self.cursor // PAGE == page:
            self._announce()

    def _evict(self, near: int) -> None:
        if len(self._pages) <= KEEP_PAGES:
            return
        centre = self.cursor // PAGE
        for p in sorted(self._pages, key=lambda p: -abs(p - centre)):
            if len(self._pages) <= KEEP_PAGES:
                break
            if p not in (near, centre):
                del self._pages[p]

    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # ----------------------------------------------------------------- cursor

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh_line(old)
        self.refresh_line(new)
        self._announce()

    def _announce(self) -> None:
        row = self.current
        if row is None and self.total:
            return  # page still loading; announced when it lands
        if row != self._last_highlight:
            self._last_highlight = row
            self.post_message(self.Highlighted(row))

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_cursor_into_view(self) -> None:
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
        )

    def action_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_jump(self, index: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if index < 0 else min(index, self.total - 1)

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", None)
        if y is None:
            return
        index = self.scroll_offset.y + int(y)
        if 0 <= index < self.total:
            self.cursor = index

    def key_enter(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(row))

    def on_resize(self) -> None:
        self.virtual_size = Size(0, self.total)
        # A shorter window (a resize, a layout switch) must still show the selected row.
        self.call_after_refresh(self._scroll_cursor_into_view)

    def on_show(self) -> None:
        self.call_after_refresh(self._scroll_cursor_into_view)

    # ----------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        cursor = index == self.cursor
        cursor_style = self.get_component_rich_style("contact-list--cursor") if cursor else Style()
        if row is None:
            style = base + self.get_component_rich_style("contact-list--loading") + cursor_style
            return Strip([Segment(set_cell_size("  …", width), style)], width)
        return Strip(self._row_segments(row, width, base, cursor_style), width)

    def _row_segments(
        self, row: views.ContactRow, width: int, base: Style, cursor: Style
    ) -> list[Segment]:
        text, kind = badge(row, self.today, plain=self.plain)
        label = f" {text} " if text else ""
        label_w = cell_len(label)
        room = max(0, width - label_w - 1)
        presenter = bool(getattr(self.app, "presenter", False))
        name = shown(row.name, presenter)
        org = shown(row.org, presenter)
        name_w = min(cell_len(name), room)
        segments = [
            Segment(" ", base + cursor),
            Segment(set_cell_size(name, name_w), base + cursor),
        ]
        rest = room - name_w
        if org and rest > 4:
            org_style = base + self.get_component_rich_style("contact-list--org") + cursor
            segments.append(Segment(set_cell_size("  " + org, rest), org_style))
        else:
            segments.append(Segment(" " * rest, base + cursor))
        if label:
            badge_style = (
                base
                + (self.get_component_rich_style(f"contact-list--{kind}") if kind else Style())
                + cursor
            )
            segments.append(Segment(label, badge_style))
        return segments
