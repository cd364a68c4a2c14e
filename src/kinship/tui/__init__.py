"""The Textual app. Imported only when the TUI is launched."""

from __future__ import annotations

from typing import Any


def launch(ctx: Any) -> int:
    from kinship.tui.startup import pause_gc, resume_gc

    pause_gc()  # until the first frame is drawn
    try:
        from kinship.tui.app import run_app

        return run_app(ctx)
    finally:
        resume_gc()
