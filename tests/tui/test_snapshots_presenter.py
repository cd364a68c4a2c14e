"""SVG snapshot of presenter mode: the main screen with a person selected (their timeline
and empathy notes) and their brief, contact details and note bodies masked. Update with
``pytest --snapshot-update tests/tui/test_snapshots_presenter.py``."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from kinship.store import Store

from .conftest import SnapCompare, make_app, settle


@pytest.mark.parametrize("view", ["main", "brief"])
def test_presenter_snapshot(snap_compare: SnapCompare, demo_store: Store, view: str) -> None:
    app = make_app(demo_store, presenter=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        for key in ("j", "b") if view == "brief" else ("j",):
            await pilot.press(key)
            await settle(pilot, app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
