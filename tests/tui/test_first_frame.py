"""The garbage collector while the app starts: paused from the launch to the first frame,
then running again over only what is allocated after it (the start is frozen)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from kinship.store import Store
from kinship.tui import launch, startup

from .conftest import make_app, settle


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone (frozen objects released)."""
    was = gc.isenabled()
    yield
    startup._paused = False
    gc.unfreeze()
    if was:
        gc.enable()
    else:  # pragma: no cover - the suite runs with the collector on
        gc.disable()


def test_the_collector_waits_for_the_first_frame(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection ran just before the first frame (30 ms of a start at 100k): from
    the launch on it waits; the app's first frame freezes what the start allocated and
    lets it run again."""
    import kinship.tui.app

    seen: list[tuple[str, bool, int]] = []

    def run_app(ctx: Any) -> int:
        seen.append(("starting", gc.isenabled(), gc.get_freeze_count()))
        startup.resume_gc()  # what the app does after its first frame
        seen.append(("drawn", gc.isenabled(), gc.get_freeze_count()))
        startup.resume_gc()  # once only
        return 0

    monkeypatch.setattr(kinship.tui.app, "run_app", run_app)
    gc.enable()
    assert launch(object()) == 0
    (_, on_start, _), (_, on_drawn, frozen) = seen
    assert not on_start and on_drawn and frozen > 0
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_app_ends_before_its_first_frame(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kinship.tui.app

    def run_app(ctx: Any) -> int:
        raise RuntimeError("no terminal")

    monkeypatch.setattr(kinship.tui.app, "run_app", run_app)
    gc.enable()
    with pytest.raises(RuntimeError):
        launch(object())
    assert gc.isenabled()


async def test_the_app_resumes_the_collector_after_its_first_frame(
    collector: None, demo_store: Store
) -> None:
    app = make_app(demo_store)
    gc.disable()
    startup._paused = True  # as launch leaves it
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.first_frame_drawn
        assert gc.isenabled() and not startup._paused
        assert gc.get_freeze_count() > 0


def test_the_collector_is_left_alone_when_the_launch_did_not_pause_it(collector: None) -> None:
    """Tests and embedders build the app themselves: its first frame touches nothing."""
    gc.enable()
    startup.resume_gc()
    assert gc.isenabled() and gc.get_freeze_count() == 0
