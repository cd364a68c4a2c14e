"""SVG snapshots (fixed data and clock, no cursor blink) of the main screen, Today, a form
and the brief at 120×40, 80×24 and 50×20; the help screen, a form with an inline error and
the import preview at 80×24 and 50×20; How do I know X? at 80×24. Update with
``pytest --snapshot-update``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kinship.store import Store

from .conftest import SIZES, SnapCompare, make_app, settle

VIEWS = {
    "main": (),
    "today": ("t",),
    "form": ("a",),
    "brief": ("j", "b"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(
    snap_compare: SnapCompare, demo_store: Store, view: str, size: tuple[int, int]
) -> None:
    app = make_app(demo_store)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        for key in VIEWS[view]:
            await pilot.press(key)
            await settle(pilot, app)
        for inp in app.screen.query(Input):
            inp.cursor_blink = False
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


#: What else a person sees: the help screen, a form showing an inline error, the import
#: preview (a birthday calendar of people the demo does not have).
MORE = {
    "help": ("question_mark",),
    "form-error": ("a", "ctrl+s"),  # saved with no name: the error under the field
    "import": ("i",),
}
DATA = Path(__file__).parent.parent / "data" / "ical"


@pytest.mark.parametrize("size", [(80, 24), (50, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(MORE))
def test_snapshot_more(
    snap_compare: SnapCompare,
    demo_store: Store,
    view: str,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)  # the import preview shows the path as typed
    app = make_app(demo_store)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        for key in MORE[view]:
            await pilot.press(key)
            await settle(pilot, app)
        if view == "import":
            await pilot.press(*"google_birthdays.ics", "enter")
            await settle(pilot, app)
        for inp in app.screen.query(Input):
            inp.cursor_blink = False
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_snapshot_path(snap_compare: SnapCompare, demo_store: Store) -> None:
    """How do I know X? (``h``) at 80×24: the chain from the second contact to Zoë Jansen,
    the person on the way highlighted."""
    app = make_app(demo_store)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        for key in ("j", "h"):
            await pilot.press(key)
            await settle(pilot, app)
        field = app.screen.query_one("#f-to", Input)
        field.cursor_blink = False
        field.value = "Zoë Jansen"
        await pilot.press("enter")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
