"""The main screen: Contacts | Events | Empathy notes.

Wide terminals show the three panes side by side; below 100 columns they collapse to tabs
(one pane at a time, ``1``/``2``/``3`` or the tab bar); below 60 columns the phone layout
drops the header and borders. Every change is saved when it is made, so there is no unsaved
state to lose on quit or a dropped SSH session.

Why one file of this size: the three panes, the layouts and the keys that move between them
share the focus and selection rules; split apart, each piece would reach into the others.
A split by layout is planned with the focus work.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, OptionList, Static

from kinship.errors import KinshipError
from kinship.services import views
from kinship.tui.safe import content
from kinship.tui.undo import Undo
from kinship.tui.widgets.contact_list import ContactList, Listing
from kinship.tui.widgets.footer import KinshipFooter
from kinship.tui.widgets.panes import EventsPane, NotesPane

if TYPE_CHECKING:
    from textual.widgets import Tabs

    from kinship.tui.context import AppContext

NARROW = 100
PHONE = 60
PANES = ("contacts", "events", "notes")
#: The widget each pane's keys go to.
PANE_FOCUS = {"contacts": "#contact-list", "events": "#timeline", "notes": "#notes-list"}

WELCOME = """Welcome to kinship.

Your store is empty. Three things to do first:

  a   add a contact (name, email, birthday, how often to check in)
  i   import contacts from a vCard file or a vdir folder
  ?   see every key

Or try it on sample people first:  kinship --demo"""


class Welcome(Static, can_focus=True):
    """The empty-store welcome; focusable so that a / i / ? reach the screen's bindings."""


class MainScreen(Screen[None]):
    """Contacts (search as you type, sort), the selected person's timeline, their notes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="main.search",
            tooltip="Search as you type (tag:mentors org:acme …)",
            # Decided when the key arrives: "/ada" in one burst (a paste, SSH) must put
            # "ada" in the field, not run a (add) on the list before the field has focus.
            priority=True,
        ),
        Binding(
            "s", "sort", "Sort", id="main.sort", tooltip="Sort by name, due date or most recent"
        ),
        Binding("a", "add_contact", "Add", id="main.add", tooltip="Add a contact"),
        Binding("e", "edit_contact", "Edit", id="main.edit", tooltip="Edit the selected contact"),
        Binding(
            "l", "log", "Log", id="main.log", tooltip="Log an interaction with the selected contact"
        ),
        Binding("n", "add_note", "Note", id="main.note", tooltip="Add an empathy note"),
        Binding(
            "b",
            "brief",
            "Brief",
            id="main.brief",
            tooltip="Before you meet: pinned notes, last interactions, what is due",
        ),
        Binding(
            "v",
            "add_event",
            "Event",
            show=False,
            id="main.event",
            tooltip="Add an event or life event",
        ),
        Binding(
            "r",
            "relate",
            "Relate",
            show=False,
            id="main.relate",
            tooltip="Relate the selected contact to another",
        ),
        Binding(
            "m",
            "merge",
            "Merge",
            show=False,
            id="main.merge",
            tooltip="Merge another contact into the selected one",
        ),
        Binding(
            "x",
            "archive",
            "Archive",
            show=False,
            id="main.archive",
            tooltip="Archive or unarchive the selected contact (undo with u)",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            id="main.undo",
            tooltip="Undo the last archive, log, done, deletion or removed relationship",
        ),
        Binding(
            "c",
            "capture",
            "Capture",
            show=False,
            id="main.capture",
            tooltip="After an event: everyone you met, one per line (name, phrase, email)",
        ),
        Binding(
            "o",
            "introduce",
            "Introduce",
            show=False,
            id="main.introduce",
            tooltip="Introduce the selected contact to someone",
        ),
        Binding(
            "I",
            "introductions",
            "Introductions",
            show=False,
            id="main.introductions",
            tooltip="The introductions you are making, and matches of needs and offers",
        ),
        Binding(
            "h",
            "path",
            "How do I know…",
            show=False,
            id="main.path",
            tooltip="How do I know X? The chain of people from the selected contact to another",
        ),
        Binding(
            "i",
            "import",
            "Import",
            show=False,
            id="main.import",
            tooltip="Import a vCard/iCalendar file or folder",
        ),
        Binding(
            "A",
            "toggle_archived",
            "Show archived",
            show=False,
            id="main.archived",
            tooltip="Show or hide archived contacts",
        ),
        Binding(
            "1",
            "pane('contacts')",
            "Contacts pane",
            show=False,
            id="main.pane1",
            tooltip="Show the contacts (narrow layout)",
        ),
        Binding(
            "2",
            "pane('events')",
            "Events pane",
            show=False,
            id="main.pane2",
            tooltip="Show the timeline (narrow layout)",
        ),
        Binding(
            "3",
            "pane('notes')",
            "Notes pane",
            show=False,
            id="main.pane3",
            tooltip="Show the empathy notes (narrow layout)",
        ),
        Binding(
            "escape",
            "escape",
            "Back",
            show=False,
            id="main.escape",
            tooltip="Leave the search; clear it",
        ),
    ]

    #: Focus the list once when the screen starts (each focus change recomposes the footer).
    AUTO_FOCUS = "#contact-list"

    def __init__(self) -> None:
        super().__init__()
        self.listing = Listing()
        self.selected: views.ContactRow | None = None
        self.detail: views.ContactDetail | None = None
        self.undo_stack: list[Undo] = []
        self._search_gen = 0
        #: The last search whose worker has finished (page, count): while it is behind
        #: ``_search_gen`` the list is still settling and the panes wait.
        self._settled_gen = 0
        self._detail_gen = 0
        #: Whom the panes show: a contact id, None (everyone's upcoming) or STALE.
        self._panes_for: object = STALE
        self._upcoming: list[views.TimelineItem] | None = None
        self.active_pane = "contacts"
        #: Keystroke → list updated, in ms (the search budget is measured on this).
        self.search_latencies: list[float] = []
        self._typed_at: float | None = None
        self._prefetched: Future[FirstPage] | None = None
        self._panes_asked = False

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        # The first frame holds only what it shows: the tab bar is mounted when the terminal
        # is narrow (``_apply_size``), the welcome when the store turns out to be empty.
        yield Header(show_clock=False, icon="❦" if not self.kapp.plain else "*")
        if self.kapp.read_only:
            yield Static(read_only_banner(self.kapp.store), id="read-only", markup=False)
        with Horizontal(id="panes"):
            with Vertical(id="contacts", classes="pane -active"):
                yield Input(
                    placeholder="/ search (tag:mentors org:acme is:due)",
                    id="search",
                    select_on_focus=False,  # "/" then a word refines the search
                )
                yield Static(id="list-status", markup=False)
                yield ContactList(today=self.kapp.today, plain=self.kapp.plain, id="contact-list")
            yield EventsPane(id="events", classes="pane")
            yield NotesPane(id="notes", classes="pane")
        yield KinshipFooter()

    def prefetch(self, submit: Callable[..., Future[FirstPage]]) -> None:
        """Fetch the first page now, with ``submit`` (the app's database thread), while the
        screen is being built: :meth:`on_mount` shows it if it is there by then, so the first
        frame holds the contacts instead of the frame after it."""
        self._prefetched = submit(first_page, Listing(), None, self.kapp.today)

    def on_mount(self) -> None:
        self._apply_size(self.app.size.width)
        self.query_one(NotesPane).show(None, [], self.kapp.today)
        fetched, self._prefetched = self._prefetched, None
        if fetched is not None and fetched.done() and fetched.exception() is None:
            page = fetched.result()
            listing = Listing()
            self._search_gen += 1
            rows, cursor, known, counted, _empty = page
            self._show_page(listing, rows, cursor, known, counted)
            self._reload(listing, self._search_gen, None, page)  # the count (or the welcome)
        elif fetched is not None and not fetched.done():
            # A slow start: the page is still on the database thread. Wait for that one
            # rather than queue the same query behind it.
            self._search_gen += 1
            self._reload(Listing(), self._search_gen, None, pending=fetched)
        else:
            self.reload()  # nobody to select (empty store): the events pane shows upcoming
        self.load_today_count()

    def _build_panes(self) -> None:
        """Once the first rows (or the first error) are on screen: the timeline and notes
        panes' own rows, which would only slow the frame the list is drawn in. At start,
        "after a refresh" inside Textual's start-up batch is at once (the batch draws
        nothing): they wait for the app's first frame."""
        self.kapp.when_drawn(self._ask_for_panes)

    def _ask_for_panes(self) -> None:
        if not self._panes_asked:
            self._panes_asked = True
            self.call_after_refresh(self._build_panes_now)

    @work(group="panes", exit_on_error=False)
    async def _build_panes_now(self) -> None:
        for pane in (self.query_one(EventsPane), self.query_one(NotesPane)):
            await pane.build()
        self.ensure_focus()

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width)

    def on_screen_resume(self) -> None:
        # A modal closed: what had focus may be gone or hidden meanwhile (the welcome of an
        # empty store once the first contact is added).
        self.ensure_focus()

    # ----------------------------------------------------------------- focus

    def pane_of(self, widget: Widget) -> str | None:
        """The pane ``widget`` is in (contacts, events, notes), if any."""
        for node in widget.ancestors_with_self:
            if node is self:
                break
            if node.id in PANES and node.has_class("pane"):
                return node.id
        return None

    def is_shown(self, widget: Widget) -> bool:
        """Whether ``widget`` is on screen in the current layout. Decided from the layout's
        own state, not from computed styles (those are only updated on the next refresh)."""
        if not widget.is_attached or widget.screen is not self or not widget.display:
            return False
        pane = self.pane_of(widget)
        if pane is not None and self.has_class("-narrow") and pane != self.active_pane:
            return False
        empty = self.has_class("-empty")
        if isinstance(widget, Welcome) and not empty:
            return False
        return not (isinstance(widget, ContactList) and empty)

    def focus_target(self) -> Widget:
        """Where keys go by default: the list of the pane on show (the welcome of an empty
        store in place of the contact list)."""
        if self.active_pane == "contacts" and self.has_class("-empty"):
            for welcome in self.query(Welcome):
                return welcome
        for target in self.query(PANE_FOCUS[self.active_pane]):
            return target
        return self.query_one(ContactList)  # the pane's rows are not built yet

    def ensure_focus(self) -> None:
        """The focus rule: after a modal closes, a resize or a layout switch, keys go to a
        widget the person can see (and the footer shows its keys), never to a hidden one."""
        if self.app.screen is not self:
            return  # a modal has the keys; this runs again when it closes
        focused = self.focused
        if focused is not None and self.is_shown(focused):
            return
        self.set_focus(self.focus_target())

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # The pane the person works in is the one a narrow layout shows.
        pane = self.pane_of(event.widget)
        if pane is not None and pane != self.active_pane:
            self.show_pane(pane, focus=False)

    def _apply_size(self, width: int) -> None:
        if width < NARROW and not self.query("#pane-tabs"):
            # Imported here: a wide terminal never shows the tab bar.
            from textual.widgets import Tab, Tabs

            self.mount(
                Tabs(
                    Tab("1 Contacts", id="tab-contacts"),
                    Tab("2 Events", id="tab-events"),
                    Tab("3 Notes", id="tab-notes"),
                    id="pane-tabs",
                    active=f"tab-{self.active_pane}",
                ),
                before="#panes",
            )
        self.set_class(width < NARROW, "-narrow")
        self.set_class(width < PHONE, "-phone")
        self.ensure_focus()

    def action_pane(self, name: str) -> None:
        self.show_pane(name)

    def show_pane(self, name: str, *, focus: bool = True) -> None:
        self.active_pane = name
        for pane in PANES:
            self.query_one(f"#{pane}").set_class(pane == name, "-active")
        for node in self.query("#pane-tabs"):
            tabs = cast("Tabs", node)
            if tabs.active != f"tab-{name}":
                tabs.active = f"tab-{name}"
        if focus:
            self.set_focus(self.focus_target())
        else:
            self.ensure_focus()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            name = event.tab.id.removeprefix("tab-")
            if name != self.active_pane:
                self.show_pane(name)

    # ----------------------------------------------------------------- contacts

    def reload(self, *, select_uid: str | None = None) -> None:
        """Re-run the current search (after a keystroke or a change) on the DB thread."""
        self._search_gen += 1
        self._reload(
            Listing(self.listing.query, self.listing.sort, self.listing.archived),
            self._search_gen,
            select_uid,
        )

    @work(exclusive=True, group="search", exit_on_error=False)
    async def _reload(
        self,
        listing: Listing,
        gen: int,
        select_uid: str | None,
        fetched: FirstPage | None = None,
        pending: Future[FirstPage] | None = None,
    ) -> None:
        """Show the first page of a search as soon as it is fetched, then count.

        Two jobs on the database thread: the page (and the cursor's position when a contact is
        to be selected), then the ``COUNT``, which is what costs on broad queries. Both run in
        :func:`views.cancellable` with this generation: a newer keystroke skips them if they
        have not started and stops them if they have, so the database thread is free for it.
        ``fetched``: the page is already fetched and shown (the first one, see ``on_mount``);
        ``pending``: it is being fetched.
        """
        await self._search(listing, gen, select_uid, fetched, pending)
        if gen == self._search_gen:
            # The latest search has landed and no newer keystroke has come: now the panes
            # follow the highlighted person (typing never waits for them).
            self._settled_gen = gen
            self._panes_due()

    async def _search(
        self,
        listing: Listing,
        gen: int,
        select_uid: str | None,
        fetched: FirstPage | None,
        pending: Future[FirstPage] | None,
    ) -> None:
        today = self.kapp.today

        def stale() -> bool:
            return gen != self._search_gen

        def first() -> FirstPage:
            with views.cancellable(stale, every=CHECK_EVERY):
                return first_page(listing, select_uid, today)

        def count() -> int:
            with views.cancellable(stale, every=CHECK_EVERY):
                return views.contact_count(listing.query, archived=listing.archived, today=today)

        counting: asyncio.Future[int] | None = None
        if fetched is not None:
            rows, cursor, known, counted, empty = fetched
        else:
            try:
                if pending is not None:
                    page = await asyncio.wrap_future(pending)
                else:
                    page = await self.kapp.db(first)
                rows, cursor, known, counted, empty = page
            except views.Cancelled:
                return
            except Exception as exc:  # e.g. a malformed is: filter
                self._status_error(exc)
                return
            if stale():
                return
            if not counted:
                # A count that lands within a frame is drawn with the list (one layout of
                # the screen instead of two); a slower one follows it.
                counting = asyncio.ensure_future(self.kapp.db(count))
                counting.add_done_callback(_retrieved)
                done, _ = await asyncio.wait({counting}, timeout=COUNT_WAIT)
                if stale():
                    return
                if done and not counting.cancelled() and counting.exception() is None:
                    known, counted = counting.result(), True
            self._show_page(listing, rows, cursor, known, counted)
        cl = self.query_one(ContactList)
        if empty and not self.query("#welcome"):
            await self.query_one("#contacts").mount(Welcome(WELCOME, id="welcome", markup=False))
        self.set_class(empty, "-empty")
        self.ensure_focus()  # the welcome (a, i, ?) in an empty store, else the list
        self._status()
        if counted:
            return
        if counting is None and not self.kapp.first_frame_drawn:
            # The first page's count walks every contact (100k at a time): it would run
            # next to the first frame, which shows "counting…" until it lands.
            await self.kapp.first_frame.wait()
        try:
            total = await (counting if counting is not None else self.kapp.db(count))
        except views.Cancelled:
            return
        except Exception as exc:
            self._status_error(exc)
            return
        if not stale():
            cl.set_total(total)
            self._status()

    def _show_page(
        self, listing: Listing, rows: list[views.ContactRow], cursor: int, known: int, counted: bool
    ) -> None:
        cl = self.query_one(ContactList)
        cl.show(listing, known, rows, page=cursor // views.PAGE, cursor=cursor, counted=counted)
        if self._typed_at is not None:
            self.search_latencies.append((time.perf_counter() - self._typed_at) * 1000)
            self._typed_at = None
        if self.kapp.first_rows_ms is None:
            self.kapp.first_rows_ms = (time.perf_counter() - self.kapp.started_at) * 1000
            self.kapp.log.info(f"first contacts shown after {self.kapp.first_rows_ms:.0f} ms")
        self._status()
        self._build_panes()

    def _status_error(self, exc: BaseException) -> None:
        from kinship.tui.errors import describe_error

        self._status_text(describe_error(exc))
        self._build_panes()

    def _status(self) -> None:
        cl = self.query_one(ContactList)
        n = cl.total
        if cl.counted:
            parts = [f"{n:,} contact{'s' if n != 1 else ''}"]
        else:
            parts = [f"{n:,}+ contacts", "counting…"]
        parts.append(f"by {cl.listing.sort}")
        if cl.listing.archived:
            parts.append("incl. archived")
        self._status_text(" · ".join(parts))

    def _status_text(self, text: str) -> None:
        status = self.query_one("#list-status", Static)
        if str(status.content) != text:
            # One line of a fixed size: redrawn without laying the screen out again.
            status.update(text, layout=False)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._typed_at = time.perf_counter()
        self.listing.query = event.value
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(ContactList).focus()

    def action_search(self) -> None:
        if self.has_class("-narrow"):
            self.show_pane("contacts", focus=False)
        # At once, not after a refresh (``focus()``): what is typed right after "/" (a quick
        # typist, a paste over SSH) must reach the field, not the bindings (a = add …).
        self.set_focus(self.query_one("#search", Input))

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one(ContactList).focus()
        elif search.value:
            search.value = ""
        elif self.has_class("-narrow") and self.active_pane != "contacts":
            self.show_pane("contacts")

    def action_sort(self) -> None:
        sorts = views.SORTS
        self.listing.sort = sorts[(sorts.index(self.listing.sort) + 1) % len(sorts)]
        self.reload(select_uid=self.selected.uid if self.selected else None)

    def action_toggle_archived(self) -> None:
        self.listing.archived = not self.listing.archived
        self.reload(select_uid=self.selected.uid if self.selected else None)

    def jump_to(self, uid: str) -> None:
        """Select a contact (palette, Today, Introductions, a path): clear a search that hides
        it, show archived contacts if they are one, then move there."""
        while self.app.screen is not self:
            self.app.pop_screen()
        search = self.query_one("#search", Input)
        if search.value:
            with search.prevent(Input.Changed):
                search.value = ""
            self.listing.query = ""
        self._jump(uid)
        if self.has_class("-narrow"):
            self.show_pane("contacts")
        self.query_one(ContactList).focus()

    @work(exclusive=True, group="jump", exit_on_error=False)
    async def _jump(self, uid: str) -> None:
        if not self.listing.archived:

            def archived() -> bool:
                from kinship.services import contacts

                try:
                    return bool(contacts.get(uid).archived)
                except KinshipError:  # gone meanwhile: the reload selects nobody
                    return False

            if await self.kapp.db(archived):
                # The list hides them: the jump would land on whoever is first.
                self.listing.archived = True
                self.kapp.say("Showing archived contacts too (A hides them)")
        self.reload(select_uid=uid)

    # ----------------------------------------------------------------- detail

    @on(ContactList.Highlighted)
    def _highlighted(self, event: ContactList.Highlighted) -> None:
        self.selected = event.row
        self._panes_due()

    def _panes_due(self) -> None:
        """Bring the panes to the highlighted person, unless a search is still landing
        (its worker calls this when it is done): a keystroke shows the list, and only the
        last one's person is loaded into the panes. Nothing to do when they show them."""
        if self._settled_gen != self._search_gen:
            return
        if not self.kapp.first_frame_drawn:
            # The person's panes (and the import of their queries) would share the GIL with
            # drawing the first rows: asked for once they are on the terminal.
            self.kapp.when_drawn(self._panes_due)
            return
        row = self.selected
        if row is None and self.query_one(ContactList).current is not None:
            return  # a row is highlighted and its message is on its way (the first page)
        if (row.id if row is not None else None) == self._panes_for:
            return
        self._detail_gen += 1
        if row is None:
            self.detail = None
            self.query_one(NotesPane).show(None, [], self.kapp.today)
            self.load_upcoming()
        else:
            self.load_detail(row.id, self._detail_gen, self._search_gen)

    @on(ContactList.Chosen)
    def _chosen(self) -> None:
        self.action_brief()

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, contact_id: int, gen: int, search_gen: int | None = None) -> None:
        today = self.kapp.today

        def stale() -> bool:
            # Superseded, or a newer search is running (it highlights a row of its own when
            # it lands): the keystroke's page goes first, and this is skipped or stopped.
            return gen != self._detail_gen or search_gen not in (None, self._search_gen)

        def job() -> views.ContactDetail | None:
            try:
                with views.cancellable(stale, every=CHECK_EVERY):
                    return views.detail(contact_id, today)
            except views.Cancelled:
                return None

        detail = await self.kapp.db(job)
        if detail is None or gen != self._detail_gen:
            return
        self.detail = detail
        self._panes_for = contact_id
        with self.app.batch_update():
            self.query_one(EventsPane).show_contact(detail, today)
            self.query_one(NotesPane).show(detail.name, detail.notes, today)

    @work(exclusive=True, group="upcoming", exit_on_error=False)
    async def load_upcoming(self) -> None:
        """Everyone's upcoming events (nobody selected), cached until the next write.

        Cancellable like a search: typing on past a query with no match must not wait for it.
        """
        items = self._upcoming
        if items is None:
            gen, today = self._search_gen, self.kapp.today

            def job() -> list[views.TimelineItem]:
                with views.cancellable(lambda: gen != self._search_gen, every=CHECK_EVERY):
                    return views.upcoming(today)

            try:
                items = await self.kapp.db(job)
            except views.Cancelled:
                return
            self._upcoming = items
        if self.selected is None:
            self._panes_for = None
            self.query_one(EventsPane).show_upcoming(items, self.kapp.today)

    @work(exclusive=True, group="today-count", exit_on_error=False)
    async def load_today_count(self) -> None:
        """The number of people to reach out to, off the first paint."""
        await self.kapp.followups_ready.wait()
        # People, as `is:due` counts them (one definition of due, one count).
        n = await self.kapp.db(views.people_due, self.kapp.today)
        self.sub_title = f"{n} to reach out to today (t)" if n else "nothing due today"

    def refresh_all(self, select_uid: str | None = None) -> None:
        """After a write: the list (keeping the selection), the panes, the Today count."""
        uid = select_uid or (self.selected.uid if self.selected else None)
        self._upcoming = None
        # The panes load again once the list has (whoever is highlighted then).
        self._panes_for = STALE
        self.reload(select_uid=uid)
        self.load_today_count()

    # ----------------------------------------------------------------- actions

    def _need_contact(self) -> views.ContactRow | None:
        if self.selected is None:
            self.kapp.say("Select a contact first (or add one with a).", severity="warning")
        return self.selected

    def action_add_contact(self) -> None:
        from kinship.tui.dialogs.contact import ContactForm

        self.app.push_screen(ContactForm(None), self._after_write)

    @work(exit_on_error=False, group="forms")
    async def action_edit_contact(self) -> None:
        from kinship.tui.dialogs.contact import ContactForm

        row = self._need_contact()
        if row is None:
            return
        initial = await self.kapp.db(views.editable, row.id)
        if initial is None:
            self.kapp.say("That contact is gone.", severity="warning")
            self.reload()
            return
        self.app.push_screen(ContactForm(initial), self._after_write)

    def action_log(self, kind: str = "meeting", summary: str = "") -> None:
        from kinship.tui.dialogs.interaction import LogForm

        row = self._need_contact()
        if row is None:
            return
        self.app.push_screen(
            LogForm([(row.uid, row.name)], kind=kind, summary=summary), self._after_write
        )

    def action_add_note(self) -> None:
        from kinship.tui.dialogs.note import NoteForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(NoteForm(row.uid, row.name), self._after_write)

    def action_add_event(self) -> None:
        from kinship.tui.dialogs.event import EventForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(EventForm([(row.uid, row.name)]), self._after_write)

    def action_relate(self) -> None:
        from kinship.tui.dialogs.relate import RelateForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(RelateForm(row.uid, row.name), self._after_write)

    def action_merge(self) -> None:
        from kinship.tui.dialogs.merge import MergeForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(MergeForm(row.uid, row.name), self._after_write)

    def action_capture(self) -> None:
        from kinship.tui.dialogs.capture import CaptureForm

        self.app.push_screen(CaptureForm(), self._after_capture)

    def _after_capture(self, result: Any) -> None:
        if result:
            people = getattr(result, "people", [])
            self.refresh_all(select_uid=people[0].uid if people else None)

    def action_introduce(self) -> None:
        from kinship.tui.dialogs.introduce import IntroduceForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(IntroduceForm(row.uid, row.name), self._after_write)

    def action_introductions(self) -> None:
        from kinship.tui.screens.introductions import IntroductionsScreen

        self.app.push_screen(IntroductionsScreen())

    def action_path(self) -> None:
        from kinship.tui.dialogs.path import PathForm

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(PathForm(row.uid, row.name), self._after_path)

    def _after_path(self, uid: str | None) -> None:
        if uid:
            self.jump_to(uid)

    def action_brief(self) -> None:
        from kinship.tui.screens.brief import BriefScreen

        row = self._need_contact()
        if row is not None:
            self.app.push_screen(BriefScreen(row.id))

    def action_import(self) -> None:
        from kinship.tui.screens.importing import ImportScreen

        self.app.push_screen(ImportScreen(), lambda result: self.refresh_all() if result else None)

    def _after_write(self, result: Any) -> None:
        if result:
            self.refresh_all(select_uid=result if isinstance(result, str) else None)

    @work(exit_on_error=False, group="writes")
    async def action_archive(self) -> None:
        from kinship.services import contacts

        row = self._need_contact()
        if row is None:
            return
        archived = not row.archived
        try:
            await self.kapp.db(contacts.set_archived, row.uid, archived)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return
        verb = "Archived" if archived else "Unarchived"
        self.undo_stack.append(
            Undo(
                f"{verb.lower()} {row.name}",
                partial_call(contacts.set_archived, row.uid, not archived),
            )
        )
        self.kapp.say(f"{verb} {row.name} (u to undo)")
        self.refresh_all()

    @work(exit_on_error=False, group="writes")
    async def action_undo(self) -> None:
        await self.undo_last()

    async def undo_last(self) -> bool:
        """Take the last step back (``u`` here and on Today); whether one was undone."""
        if not self.undo_stack:
            self.kapp.say("Nothing to undo.")
            return False
        undo = self.undo_stack.pop()
        try:
            await self.kapp.db(undo.run)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return False
        self.kapp.say(f"Undone: {undo.description}")
        self.refresh_all()
        return True

    @work(exit_on_error=False, group="writes")
    async def action_pin_note(self) -> None:
        from kinship.services import notes

        note = self.query_one(NotesPane).highlighted
        if note is None:
            return
        await self.kapp.db(notes.update, note.id, pinned=not note.pinned)
        self.refresh_all()

    @work(exit_on_error=False, group="writes")
    async def action_delete_note(self) -> None:
        from kinship.services import notes, undo

        note = self.query_one(NotesPane).highlighted
        row = self.selected
        if note is None or row is None:
            return
        deleted = await self.kapp.db(notes.delete, note.id)
        self.undo_stack.append(
            Undo(f"deleted {note.kind} note", partial_call(undo.restore, deleted.id))
        )
        self.kapp.say(f"Deleted the {note.kind} note (u to undo)")
        self.refresh_all()

    def action_edit_note(self) -> None:
        from kinship.tui.dialogs.note import NoteForm

        note = self.query_one(NotesPane).highlighted
        row = self.selected
        if note is not None and row is not None:
            self.app.push_screen(NoteForm(row.uid, row.name, note=note), self._after_write)

    @on(OptionList.OptionSelected, "#notes-list")
    def _note_chosen(self) -> None:
        self.action_edit_note()

    @work(exit_on_error=False, group="writes")
    async def action_delete_interaction(self) -> None:
        """Delete the highlighted interaction; ``u`` logs it again as it was (same UID, date,
        kind, participants), so there is no confirmation to answer."""
        from kinship.services import interactions, undo

        item = self.query_one(EventsPane).highlighted
        if item is None or self.selected is None:
            return
        if item.source != "interaction" or not item.uid:
            self.kapp.say("Only logged interactions can be deleted here.", severity="warning")
            return
        try:
            deleted = await self.kapp.db(interactions.delete, item.uid)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return
        restore = partial_call(undo.restore, deleted.id)
        self.push_undo(Undo(f"deleted {item.kind} “{item.summary}”", restore))
        self.kapp.say(f"Deleted the {item.kind}: {item.summary} (u to undo)")
        self.refresh_all()

    def push_undo(self, undo: Undo) -> None:
        self.undo_stack.append(undo)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.kapp.read_only:
            return None  # shown dimmed: the banner says why
        if action in ("pin_note", "delete_note", "edit_note"):
            notes_pane = self.query_one(NotesPane)
            if not notes_pane.has_focus_within:
                return False
            return True if notes_pane.highlighted is not None else None
        if action == "search":  # a priority binding: in the field, "/" is typed
            return not self.query_one("#search", Input).has_focus
        if action == "delete_interaction":
            events = self.query_one(EventsPane)
            if not events.has_focus_within or self.selected is None:
                return False
            item = events.highlighted
            # Dimmed on what cannot be deleted here (an event, an empty timeline).
            return True if item is not None and item.source == "interaction" else None
        return True

    @on(OptionList.OptionHighlighted, "#notes-list")
    @on(OptionList.OptionHighlighted, "#timeline")
    def _note_highlighted(self) -> None:
        self.refresh_bindings()

    def title_for(self, row: views.ContactRow) -> Content:
        return content(row.name)

    def presenter_changed(self) -> None:
        """Presenter mode switched: redraw the list and the panes from what is loaded."""
        self.query_one(ContactList).refresh()
        if self.detail is not None:
            self.query_one(EventsPane).show_contact(self.detail, self.kapp.today)
            self.query_one(NotesPane).show(self.detail.name, self.detail.notes, self.kapp.today)
        elif self._upcoming is not None:
            self.query_one(EventsPane).show_upcoming(self._upcoming, self.kapp.today)


#: SQLite steps between two looks at whether a running query is stale (about a millisecond
#: of work): each look takes the GIL, which the UI thread holds while it draws a frame, and at
#: SQLite's default of 4,000 a 100-row page could wait on hundreds of them.
CHECK_EVERY = 100_000

#: How long a new search's first page waits for its count (about a frame), to be drawn
#: with it; the list is shown without it after that.
COUNT_WAIT = 0.016


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Mark a count's outcome as seen (its search may have been left behind meanwhile)."""
    if not future.cancelled():
        future.exception()


#: The panes show nobody yet, or what they show is out of date (after a write).
STALE = object()

#: Actions that write; dimmed when the store is read-only (``Store.write`` refuses anyway).
WRITE_ACTIONS = frozenset(
    {
        "add_contact",
        "edit_contact",
        "log",
        "add_note",
        "add_event",
        "relate",
        "merge",
        "archive",
        "undo",
        "import",
        "capture",
        "introduce",
        "pin_note",
        "delete_note",
        "edit_note",
        "delete_interaction",
    }
)


#: (rows, cursor, rows known, counted, empty store): the first page of a search.
FirstPage = tuple[list[views.ContactRow], int, int, bool, bool]


def first_page(listing: Listing, select_uid: str | None, today: date) -> FirstPage:
    """The page of ``listing`` holding ``select_uid`` (else the first one); on the DB thread."""
    cursor = 0
    if select_uid is not None:
        pos = views.position_of(
            select_uid, listing.query, listing.sort, archived=listing.archived, today=today
        )
        cursor = pos or 0
    page = cursor // views.PAGE
    rows = views.contact_page(
        listing.query,
        listing.sort,
        archived=listing.archived,
        offset=page * views.PAGE,
        limit=views.PAGE,
        today=today,
    )
    known = page * views.PAGE + len(rows)
    counted = len(rows) < views.PAGE  # a short page ends the list: that is the count
    empty = known == 0 and not listing.query and views.store_is_empty()
    return rows, cursor, known, counted, empty


def read_only_banner(store: Any) -> str:
    from kinship.config import describe_target
    from kinship.tui.safe import clean

    reason = getattr(store, "read_only_reason", "") or "read-only"
    return clean(
        f"Read-only: {describe_target(store.target)} ({reason}). "
        "You can look around; nothing can be changed."
    )


def partial_call(func: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: func(*args)
