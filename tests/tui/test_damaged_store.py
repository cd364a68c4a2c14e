"""The app on a damaged store: one line saying so and naming `kinship db check`, no crash."""

from __future__ import annotations

import sqlite3

from kinship.store import Store, close_store

from .conftest import make_app, screen_text


async def test_the_app_reports_damage_in_one_line(demo_store: Store) -> None:
    path = demo_store.path
    assert path is not None
    close_store()
    con = sqlite3.connect(path)
    con.execute("UPDATE contact SET display_name = CAST(x'416461ff' AS TEXT)")
    con.commit()
    con.close()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        shown: list[str] = []
        for _ in range(100):  # until the failed workers' messages are out
            await pilot.pause()
            shown = [str(n.message) for n in app._notifications] + screen_text(app).splitlines()
            if any("kinship db check" in line for line in shown):
                break
        assert app.return_code is None  # still running
    assert any("kinship db check" in line and "\n" not in line for line in shown), shown
