"""Pilot tests of the main screen: list, search as you type, sort, panes, layouts."""

from __future__ import annotations

from typing import Any

import pytest

from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.tui.widgets.contact_list import ContactList, Listing
from kinship.tui.widgets.panes import EventsPane, NotesPane

from .conftest import make_app, screen_text, settle, until


async def test_list_is_line_api_over_sql_pages(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert cl.total == 60
        assert cl.cached_rows() <= 100  # one page, not every row
        first = cl.current
        assert first is not None
        assert app.main.selected == first
        text = screen_text(app)
        assert first.name in text
        assert "60 contacts · by name" in text
        # The timeline and notes of the highlighted person are shown.
        assert app.main.detail is not None and app.main.detail.id == first.id
        await pilot.press("j", "j")
        await settle(pilot, app)
        assert cl.cursor == 2
        assert app.main.selected == cl.row_at(2)
        assert app.main.detail.id == cl.row_at(2).id


async def test_search_as_you_type_and_field_query(tui_store: Store) -> None:
    contacts.add("Ada Lovelace", tags=["mentors"], organization="Analytical Engines")
    contacts.add("Alan Turing", organization="Bletchley")
    contacts.add("Grace Hopper", tags=["mentors"])
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert cl.total == 3
        await pilot.press("slash", "a", "d")
        await settle(pilot, app)
        assert cl.total == 1 and cl.current.name == "Ada Lovelace"
        await pilot.press("backspace", "backspace", *"tag:mentors")
        await settle(pilot, app)
        assert cl.total == 2
        assert {cl.row_at(0).name, cl.row_at(1).name} == {"Ada Lovelace", "Grace Hopper"}
        await pilot.press("escape")  # back to the list
        assert cl.has_focus
        await pilot.press("escape")  # clears the search
        await settle(pilot, app)
        assert cl.total == 3


async def test_bad_filter_is_a_message_not_a_crash(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"is:nonsense")
        await settle(pilot, app)
        assert "unknown filter" in screen_text(app)


async def test_sort_cycles_name_due_recent(tui_store: Store) -> None:
    from datetime import datetime, timedelta

    a = contacts.add("Aaron Old", cadence_days=10)
    b = contacts.add("Zed Recent", cadence_days=200)
    when = datetime(2025, 3, 13, 12, 0).astimezone()
    interactions.log("Coffee", [b.uid], occurred_at=when)
    interactions.log("Call", [a.uid], occurred_at=when - timedelta(days=300))
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert cl.row_at(0).name == "Aaron Old"
        await pilot.press("s")
        await settle(pilot, app)
        assert cl.listing.sort == "due"
        assert cl.row_at(0).name == "Aaron Old"  # overdue first
        assert "overdue" in screen_text(app)
        await pilot.press("s")
        await settle(pilot, app)
        assert cl.listing.sort == "recent"
        assert cl.row_at(0).name == "Zed Recent"
        assert "by recent" in screen_text(app)


async def test_archived_hidden_by_default_and_archive_undo(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    gone = contacts.add("Old Friend")
    contacts.set_archived(gone.uid, True)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert cl.total == 1
        await pilot.press("A")
        await settle(pilot, app)
        assert cl.total == 2
        await pilot.press("A")
        await settle(pilot, app)
        await pilot.press("x")  # archive Ada
        await settle(pilot, app)
        assert contacts.resolve("Ada Lovelace").archived
        assert cl.total == 0
        await pilot.press("u")
        await settle(pilot, app)
        assert cl.total == 1
        assert not contacts.resolve("Ada Lovelace").archived


async def test_going_to_an_archived_person_shows_archived_contacts(tui_store: Store) -> None:
    """Today, the Introductions screen, the palette and a path go to a person by UID: one who
    is archived is selected (the archived view turns on), not whoever is first in the list."""
    for name in ("Ada Lovelace", "Bob Babbage", "Carl Gauss"):
        contacts.add(name)
    gone = contacts.add("Old Friend")
    contacts.set_archived(gone.uid, True)
    from .test_plugins_tui import messages, recording

    app = recording(make_app(tui_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert cl.total == 3
        app.main.jump_to(gone.uid)
        await settle(pilot, app)
        assert cl.current is not None and cl.current.name == "Old Friend"
        assert cl.total == 4 and app.main.listing.archived
        assert "Showing archived contacts too" in " ".join(messages(app))
        app.main.jump_to(contacts.resolve("Carl Gauss").uid)  # not archived: the view stays
        await settle(pilot, app)
        assert cl.current is not None and cl.current.name == "Carl Gauss"


async def test_panes_show_timeline_sparkline_and_notes(tui_store: Store) -> None:
    from datetime import datetime

    ada = contacts.add("Ada Lovelace")
    bob = contacts.add("Charles Babbage")
    interactions.log(
        "Tea with Charles",
        [ada.uid, bob.uid],
        kind="meeting",
        occurred_at=datetime(2025, 3, 1, 12).astimezone(),
    )
    notes.add(ada, "Wants to publish the notes", kind="goal", pinned=True)
    notes.add(ada, "Loves poetry", kind="interest")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Tea with Charles" in text
        assert "with Charles Babbage" in text
        assert "1 interaction in 24 months" in text
        assert app.main.query_one(EventsPane).query_one("Sparkline").data[-1] == 1
        pane = app.main.query_one(NotesPane)
        assert [n.body for n in pane.items] == ["Wants to publish the notes", "Loves poetry"]


async def test_nobody_selected_shows_everyones_upcoming(tui_store: Store) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Upcoming · everyone" in text
        # Empty store: the welcome with the three things to do first.
        assert "add a contact" in text and "import contacts" in text and "see every key" in text


async def test_narrow_collapses_to_tabs_and_phone_layout(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        main = app.main
        assert main.has_class("-narrow") and not main.has_class("-phone")
        assert main.query_one("#contacts").display and not main.query_one("#events").display
        await pilot.press("2")
        await settle(pilot, app)
        assert main.query_one("#events").display and not main.query_one("#contacts").display
        assert "Timeline ·" in screen_text(app)
        await pilot.press("3")
        assert main.query_one("#notes").display
        await pilot.press("escape")
        assert main.query_one("#contacts").display
    app = make_app(demo_store)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot, app)
        assert app.main.has_class("-phone")
        assert not app.main.query_one("Header").display


async def test_resizing_switches_layouts(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert not app.main.has_class("-narrow")
        await pilot.resize_terminal(70, 24)
        await settle(pilot, app)
        assert app.main.has_class("-narrow")


async def test_no_color_uses_text_badges(tui_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    contacts.add("Ada Lovelace", birthday="--03-17")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "bday in 3d" in text and "🎂" not in text
        assert app.has_class("-plain")


async def test_birthday_badge_emoji(tui_store: Store) -> None:
    contacts.add("Ada Lovelace", birthday="1815-03-17")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert "🎂 in 3d" in screen_text(app)


async def test_first_page_shows_before_the_count(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new search shows its first page at once ("100+ contacts · counting…"); the count is
    a separate job, and when it lands the list (and its scrollable height) grows."""
    import threading

    from kinship.sample import dataset
    from kinship.services import views as data

    dataset.generate(150, 0, seed=2)
    gate = threading.Event()
    real_count = data.contact_count

    def slow_count(*args: Any, **kwargs: Any) -> int:
        gate.wait(5)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(data, "contact_count", slow_count)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        cl = app.main.query_one(ContactList)
        await until(pilot, lambda: cl.loaded)
        assert cl.total == 100 and not cl.counted
        assert cl.virtual_size.height == 100
        assert "100+ contacts · counting… · by name" in screen_text(app)
        gate.set()
        await settle(pilot, app)
        assert cl.total == 150 and cl.counted
        assert cl.virtual_size.height == 150
        assert "150 contacts · by name" in screen_text(app)
        await pilot.press("G")
        assert cl.cursor == 149


async def test_newer_keystroke_wins_over_a_stale_count(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count still running for an older query never overwrites the newer list."""
    import threading

    from kinship.sample import dataset
    from kinship.services import views as data

    dataset.generate(150, 0, seed=2)
    contacts.add("Zenobia Quux")
    gate = threading.Event()
    real_count = data.contact_count
    counted: list[str] = []

    def slow_count(query: str, **kwargs: Any) -> int:
        gate.wait(5)
        counted.append(query)
        return real_count(query, **kwargs)

    monkeypatch.setattr(data, "contact_count", slow_count)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        cl = app.main.query_one(ContactList)
        await until(pilot, lambda: cl.loaded)
        assert not cl.counted  # the count of the whole list is blocked on the gate
        await pilot.press("slash", *"zenobia")
        gate.set()
        await settle(pilot, app)
        assert cl.total == 1 and cl.counted
        assert cl.current is not None and cl.current.name == "Zenobia Quux"
        assert "1 contact · by name" in screen_text(app)
        assert counted == [""]  # the old count ran (it was already blocked), then was dropped
        assert app.main.search_latencies  # keystroke → list, as the budget is measured


@pytest.mark.sqlite_only("a progress handler stops a running SQLite statement; PostgreSQL has none")
def test_cancellable_stops_a_running_query(tui_store: Store) -> None:
    """The progress handler stops a long statement once it is stale, and only inside."""
    import pytest

    from kinship.services import views as data
    from kinship.store import current

    db = current().db
    long_sql = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
        "SELECT COUNT(*) FROM n"
    )
    calls = {"n": 0}

    def stale() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # fresh when checked before, stale while running

    with pytest.raises(data.Cancelled), data.cancellable(stale, every=1000):
        db.execute_sql(long_sql).fetchone()
    # The handler is gone: the same statement now runs to the end.
    assert db.execute_sql(long_sql).fetchone()[0] == 1_000_000
    with pytest.raises(data.Cancelled), data.cancellable(lambda: True):
        raise AssertionError("a stale job must not start")


async def test_first_page_is_fetched_while_the_screen_is_built(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app fetches the first page on the database thread while it builds the screen; when
    it is there by ``on_mount`` it is shown at once (in the first frame), not fetched again."""
    from kinship.services import views
    from kinship.tui.screens import main

    pages: list[str] = []
    page = views.contact_page

    def counting(query: str, *args: Any, **kwargs: Any) -> list[views.ContactRow]:
        pages.append(query)
        return page(query, *args, **kwargs)

    def prefetch_and_wait(self: main.MainScreen, submit: Any) -> None:
        self._prefetched = submit(main.first_page, Listing(), None, self.kapp.today)
        self._prefetched.result()  # as on a machine where it lands before on_mount

    monkeypatch.setattr(views, "contact_page", counting)
    monkeypatch.setattr(main.MainScreen, "prefetch", prefetch_and_wait)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert pages == [""]  # fetched once, while mounting
        assert cl.total == 60 and cl.counted
        assert cl.current is not None and cl.current.name in screen_text(app)
        assert "60 contacts · by name" in screen_text(app)
        assert app.first_rows_ms is not None


async def test_the_services_are_bound_before_the_first_page_is_fetched(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page (its due badges) is read with the app's strategies and settings: the
    app binds them before it starts fetching it, while the screen is built."""
    from kinship.tui.screens import main

    bound: list[bool] = []
    real = main.first_page

    def fetching(*args: Any) -> Any:
        bound.append(app.wiring.bound)
        return real(*args)

    monkeypatch.setattr(main, "first_page", fetching)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert bound == [True]


async def test_a_first_page_still_in_flight_is_awaited_not_fetched_again(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a slow start the prefetched page is not there by ``on_mount``: the screen waits for
    that query instead of queueing the same one behind it."""
    import threading

    from kinship.services import views
    from kinship.tui.screens import main

    pages: list[str] = []
    page = views.contact_page
    release = threading.Event()

    def counting(query: str, *args: Any, **kwargs: Any) -> list[views.ContactRow]:
        pages.append(query)
        return page(query, *args, **kwargs)

    def held(*args: Any) -> Any:
        release.wait()  # the database thread is slow: on_mount comes first
        return main.first_page(*args)

    def prefetch_held(self: main.MainScreen, submit: Any) -> None:
        self._prefetched = submit(held, Listing(), None, self.kapp.today)

    monkeypatch.setattr(views, "contact_page", counting)
    monkeypatch.setattr(main.MainScreen, "prefetch", prefetch_held)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert pages == []  # mounted, and the page is still being fetched
        release.set()
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert pages == [""]  # the one prefetched query, nothing queued behind it
        assert cl.total == 60 and cl.counted
        assert "60 contacts · by name" in screen_text(app)
