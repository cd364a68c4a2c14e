"""Search as you type: the list first, nothing stale, the panes only once the typing has
landed. Driven by gates on the database thread, never by timing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from kinship.services import contacts, interactions, views
from kinship.store import Store
from kinship.tui.screens import main
from kinship.tui.widgets.contact_list import ContactList
from kinship.tui.widgets.panes import EventsPane, PaneList

from .conftest import make_app, screen_text, settle


def record_shows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each result the list is handed: (its query, whether its count came with it)."""
    shown: list[tuple[str, bool]] = []
    real = ContactList.show

    def show(self: ContactList, listing: Any, total: int, rows: Any, **kw: Any) -> None:
        shown.append((listing.query, kw.get("counted", True)))
        real(self, listing, total, rows, **kw)

    monkeypatch.setattr(ContactList, "show", show)
    return shown


def record_details(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The contacts whose panes were loaded from the database."""
    loaded: list[int] = []
    real = views.detail

    def detail(contact_id: int, today: Any) -> Any:
        loaded.append(contact_id)
        return real(contact_id, today)

    monkeypatch.setattr(views, "detail", detail)
    return loaded


def gated(monkeypatch: pytest.MonkeyPatch, name: str) -> threading.Event:
    """``views.<name>`` waits for the returned gate (open to begin with)."""
    gate = threading.Event()
    gate.set()
    real: Callable[..., Any] = getattr(views, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, name, slow)
    return gate


async def test_quick_typing_shows_only_the_last_query_and_loads_its_person_once(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed while the database is busy: the searches they made stale are never shown,
    and the panes are loaded once, for the person the last one highlights."""
    contacts.add("Aaron Swartz")  # on top before the search
    contacts.add("Ada Lovelace")
    contacts.add("Adele Goldberg")
    shown = record_shows(monkeypatch)
    loaded = record_details(monkeypatch)
    pages = gated(monkeypatch, "contact_page")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.main.detail is not None and app.main.detail.name == "Aaron Swartz"
        shown.clear()
        loaded.clear()
        pages.clear()  # every key arrives while the first search is still on the database
        await pilot.press("slash", *"ada l")
        pages.set()
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        assert shown == [("ada l", True)]
        assert cl.current is not None and cl.current.name == "Ada Lovelace" and cl.total == 1
        assert loaded == [cl.current.id]
        assert app.main.detail is not None and app.main.detail.name == "Ada Lovelace"
        assert "Timeline · Ada Lovelace" in screen_text(app)


async def test_the_same_person_on_top_keeps_the_panes(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keystroke that leaves the same person highlighted (unchanged) reloads nothing into
    the panes and rebuilds none of their lists: typing on through a name costs the list."""
    ada = contacts.add("Ada Lovelace")
    grace = contacts.add("Grace Hopper")
    interactions.log("about the engine", [ada.uid], kind="call")
    loaded = record_details(monkeypatch)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", "l")
        await settle(pilot, app)
        assert app.main.detail is not None and app.main.detail.name == "Ada Lovelace"
        timeline = app.main.query_one(EventsPane).query_one(PaneList)
        options = [timeline.get_option_at_index(i) for i in range(timeline.option_count)]
        loaded.clear()
        await pilot.press(*"ove")
        await settle(pilot, app)
        assert app.main.query_one(ContactList).listing.query == "love"
        assert loaded == []
        assert [timeline.get_option_at_index(i) for i in range(timeline.option_count)] == options
        assert "about the engine" in screen_text(app)
        # Another person on top: their panes are loaded.
        await pilot.press("ctrl+u", *"grace")
        await settle(pilot, app)
        assert app.main.detail is not None and app.main.detail.name == "Grace Hopper"
        # Hers only (a load a newer keystroke cancelled is asked again: how many times
        # depends on the machine's speed).
        assert loaded and set(loaded) == {grace.id}


async def test_the_panes_wait_for_the_search_to_land(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a search's count is still running the list is on screen and the panes keep the
    person they showed: nothing of theirs is asked of the database until the search is done
    (the database thread is the keystroke's)."""
    from kinship.sample import dataset

    dataset.generate(150, 0, seed=2)
    contacts.add("Zenobia Quux")
    counts = gated(monkeypatch, "contact_count")
    loaded = record_details(monkeypatch)
    app = make_app(tui_store)
    asked: list[str] = []  # what the screen hands the database thread, in order
    real_db = app.db

    async def db(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        asked.append(getattr(func, "__qualname__", ""))
        return await real_db(func, *args, **kwargs)

    monkeypatch.setattr(app, "db", db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        before = app.main.detail
        assert before is not None
        await pilot.press("slash", *"zenobia")
        await settle(pilot, app)
        assert app.main.detail is not None and app.main.detail.name == "Zenobia Quux"
        loaded.clear()
        asked.clear()
        counts.clear()
        await pilot.press("ctrl+u")  # every contact again: a page, then a count
        cl = app.main.query_one(ContactList)
        # The list is shown once the page gives up waiting for the count: wait for the new
        # page's first person and the "counting…" it is drawn with (the loaded flag alone
        # may still be the last page's on a busy machine).
        for _ in range(500):
            await pilot.pause(0.01)
            selected = app.main.selected
            if (
                cl.listing.query == ""
                and cl.loaded
                and selected is not None
                and selected.name != "Zenobia Quux"
                and "counting…" in screen_text(app)
            ):
                break
        assert cl.listing.query == "" and not cl.counted
        assert "counting…" in screen_text(app)
        assert app.main.selected is not None and app.main.selected.name != "Zenobia Quux"
        # The highlighted person's panes wait for the search: not even queued behind it.
        assert not [job for job in asked if "load_detail" in job]
        assert loaded == []
        assert app.main.detail.name == "Zenobia Quux"
        counts.set()
        await settle(pilot, app)
        assert cl.counted and cl.total == 151
        assert loaded == [app.main.selected.id]
        assert app.main.detail.name == app.main.selected.name


async def test_a_quick_count_is_drawn_with_the_list(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count that lands while the page waits for it is shown with the page, in one update
    of the list: the status line never says "counting…" for it."""
    from kinship.sample import dataset

    dataset.generate(150, 0, seed=2)
    contacts.add("Zenobia Quux")
    # However slow the machine, the page waits for the count (it returns once it lands).
    monkeypatch.setattr(main, "COUNT_WAIT", 30.0)
    shown = record_shows(monkeypatch)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"zenobia")
        await settle(pilot, app)
        shown.clear()
        await pilot.press("ctrl+u")
        await settle(pilot, app)
        assert shown == [("", True)]
        assert "151 contacts · by name" in screen_text(app)


async def test_the_panes_are_built_once_the_first_rows_are_shown(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first frame is the list's: the timeline and notes panes mount their rows after
    it (the list already holds its rows then), and show what they were handed meanwhile."""
    from kinship.tui.widgets.panes import BuiltLater

    seen: list[tuple[str, bool]] = []
    real = BuiltLater.build

    async def build(self: BuiltLater) -> None:
        seen.append((type(self).__name__, self.screen.query_one(ContactList).loaded))
        await real(self)

    monkeypatch.setattr(BuiltLater, "build", build)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert seen == [("EventsPane", True), ("NotesPane", True)]
        detail = app.main.detail
        assert detail is not None
        assert f"Timeline · {detail.name}" in screen_text(app)
        first_name = detail.name.split()[0]  # the notes pane is narrow
        assert f"Empathy notes · {first_name}" in screen_text(app)


async def test_what_is_not_in_the_first_frame_waits_until_it_is_drawn(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual is ready (and runs "after a refresh" at once) inside its start-up batch,
    before the first frame is drawn: the panes (and the person's query), the footer's keys,
    the plugins' thread and Today wait for the app's first frame instead of slowing it
    down. Nobody's "upcoming" is queried at start either: the first row is highlighted, so
    the panes show that person."""
    from kinship.tui.app import KinshipApp
    from kinship.tui.screens.today import TodayScreen
    from kinship.tui.widgets.panes import BuiltLater

    seen: list[tuple[str, bool]] = []
    build, load_plugins = BuiltLater.build, KinshipApp.load_plugins
    compose_today = TodayScreen.compose

    async def building(self: BuiltLater) -> None:
        seen.append((type(self).__name__, self.app.first_frame_drawn))  # type: ignore[attr-defined]
        await build(self)

    def loading(self: KinshipApp) -> Any:
        seen.append(("plugins", self.first_frame_drawn))
        return load_plugins(self)

    def composing(self: TodayScreen) -> Any:
        seen.append(("Today", self.app.first_frame_drawn))  # type: ignore[attr-defined]
        return compose_today(self)

    upcoming: list[object] = []
    real_upcoming = views.upcoming

    def counting(*args: Any) -> list[views.TimelineItem]:
        upcoming.append(args)
        return real_upcoming(*args)

    from textual.widgets._footer import FooterKey

    from kinship.tui.widgets.footer import KinshipFooter

    compose_footer, real_detail = KinshipFooter.compose, views.detail

    def footer_keys(self: KinshipFooter) -> Any:
        widgets = list(compose_footer(self))
        if any(isinstance(w, FooterKey) for w in widgets) and self.screen is app.main:
            seen.append(("footer keys", self.app.first_frame_drawn))  # type: ignore[attr-defined]
        return iter(widgets)

    def detail(*args: Any) -> Any:
        seen.append(("the person's panes", app.first_frame_drawn))
        return real_detail(*args)

    monkeypatch.setattr(BuiltLater, "build", building)
    monkeypatch.setattr(KinshipApp, "load_plugins", loading)
    monkeypatch.setattr(TodayScreen, "compose", composing)
    monkeypatch.setattr(KinshipFooter, "compose", footer_keys)
    monkeypatch.setattr(views, "upcoming", counting)
    monkeypatch.setattr(views, "detail", detail)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        # The footer's keys are built once, after the first frame (focus settling at
        # start-up changes the bindings twice).
        assert sorted(seen) == [
            ("EventsPane", True),
            ("NotesPane", True),
            ("Today", True),
            ("footer keys", True),
            ("plugins", True),
            ("the person's panes", True),
        ]
        assert app.screen_stack == [app.main]  # the main screen is the first one
        assert upcoming == []
        assert app.main.detail is not None


async def test_the_person_on_top_waits_for_the_first_frame(demo_store: Store) -> None:
    """The person's panes query (and the import of its modules) would share the GIL with
    the first frame: a person highlighted before it is loaded once it is drawn."""
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        first = app.main.detail
        assert first is not None
        app.first_frame.clear()  # as before the first frame
        await pilot.press("down")
        await settle(pilot, app)
        assert app.main.detail is first  # nobody else loaded yet
        app.first_frame_is_drawn()
        await settle(pilot, app)
        assert app.main.detail is not None and app.main.detail.name != first.name


async def test_the_panes_rows_wait_for_the_first_frame(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked for before the first frame (the first rows came in first), the panes build
    their rows once it is drawn, once however often they were asked."""
    from kinship.tui.widgets.panes import BuiltLater

    built: list[str] = []
    build = BuiltLater.build

    async def building(self: BuiltLater) -> None:
        built.append(type(self).__name__)
        await build(self)

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        monkeypatch.setattr(BuiltLater, "build", building)
        app.first_frame.clear()  # as before the first frame, the panes not built yet
        app.main._panes_asked = False
        app.main._build_panes()
        app.main._build_panes()
        await settle(pilot, app)
        assert built == []
        app.first_frame_is_drawn()
        await settle(pilot, app)
        assert sorted(built) == ["EventsPane", "NotesPane"]


async def test_the_first_count_waits_for_the_first_frame(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first page that is full is counted after the first frame (which says
    "counting…"), not next to it: at 100k the count walks every contact."""
    from kinship.sample import dataset
    from kinship.tui.app import KinshipApp

    dataset.generate(150, 0, seed=2)
    contacts.add("Zenobia Quux")
    apps: list[KinshipApp] = []
    drawn: list[bool] = []
    real_count = views.contact_count

    def counting(*args: Any, **kwargs: Any) -> int:
        drawn.append(apps[0].first_frame_drawn)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(views, "contact_count", counting)
    app = make_app(tui_store)
    apps.append(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert drawn == [True]
        assert "151 contacts · by name" in screen_text(app)


async def test_a_pane_shows_what_it_was_handed_before_it_was_built() -> None:
    """What a pane is handed before its rows exist is kept (the last of it) and shown."""
    from datetime import date

    from textual.app import App, ComposeResult

    from kinship.tui.widgets.panes import NotesPane

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield EventsPane(id="events")
            yield NotesPane(id="notes")

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        events, notes = app.query_one(EventsPane), app.query_one(NotesPane)
        assert not events.children and events.highlighted is None
        events.show_upcoming([], date(2025, 3, 14))
        notes.show("Nobody", [], date(2025, 3, 14))
        notes.show("Ada Lovelace", [], date(2025, 3, 14))
        await events.build()
        await notes.build()
        await pilot.pause()
        text = screen_text(app)
        assert "Upcoming · everyone" in text and "Nothing coming up" in text
        assert "Empathy notes · Ada Lovelace" in text and "Nobody" not in text
