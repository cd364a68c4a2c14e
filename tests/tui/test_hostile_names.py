"""The hostile-name corpus in the app: no hidden character reaches a cell, every line is as
wide as the screen, the pane borders stay in their columns, readable scripts are shown as
they are."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from rich.cells import cell_len

from kinship.services import contacts, notes
from kinship.store import Store
from kinship.text import strip_controls
from kinship.tui.app import KinshipApp
from kinship.tui.screens.brief import BriefScreen

from .conftest import make_app, press_for, settle

CORPUS = json.loads(
    (Path(__file__).parents[1] / "data" / "hostile_names.json").read_text(encoding="utf-8")
)
BORDER = set("│╭╮╰╯─┤├┬┴")


def lines(app: KinshipApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def check_cells(app: KinshipApp, width: int) -> str:
    rows = lines(app)
    for y, row in enumerate(rows):
        hidden = [f"U+{ord(c):04X}" for c in row if unicodedata.category(c) in ("Cc", "Cf")]
        assert hidden == [], (y, row)
        assert cell_len(row) == width, (y, row)
    return "\n".join(rows)


def border_columns(row: str) -> list[int]:
    """Cell columns of the border glyphs on one screen line."""
    out, x = [], 0
    for ch in row:
        if ch in "│╭╮╰╯":
            out.append(x)
        x += cell_len(ch)
    return out


async def test_hostile_names_in_list_detail_and_brief(tui_store: Store) -> None:
    people = []
    for i, entry in enumerate(CORPUS):
        c = contacts.add(entry["name"], uid=f"h{i:02d}", organization="Org")
        notes.add(c, f"likes {entry['name']}", kind="interest", pinned=True)
        people.append(c)
    app = make_app(tui_store)
    width, height = 140, len(CORPUS) + 12
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot, app)
        text = check_cells(app, width)
        for entry in CORPUS:
            shown = strip_controls(entry["name"])
            assert shown[:24] in text, entry["why"]
            if entry.get("readable"):
                assert entry["name"] in text
        # The three panes' borders are in the same columns on every line of the list.
        rows = lines(app)
        top = next(y for y, r in enumerate(rows) if "╭" in r)
        columns = border_columns(rows[top])
        assert len(columns) == 6
        for row in rows[top + 1 : top + len(CORPUS)]:
            assert border_columns(row) == columns, row

        # The detail panes (timeline title, notes) of each hostile person.
        for c, entry in zip(people, CORPUS, strict=True):
            app.main.jump_to(c.uid)
            await settle(pilot, app)
            text = check_cells(app, width)
            shown = strip_controls(entry["name"])
            assert f"Timeline · {shown}"[:32] in text, entry["why"]
            assert f"likes {shown}"[:10] in text, entry["why"]

        # The brief of one with an escape sequence and one with bidi controls.
        for uid in ("h00", "h11"):
            app.main.jump_to(uid)
            await settle(pilot, app)
            await press_for(pilot, app, "b", BriefScreen)
            check_cells(app, width)
            await pilot.press("escape")
            await settle(pilot, app)
