"""While the app runs, the services compute with its strategies and notify its plugins."""

from __future__ import annotations

from typing import Any

from kinship import hookimpl
from kinship.services import contacts, followups, runtime

from .conftest import TODAY, settle


async def test_the_app_hands_the_services_its_plugins_while_it_runs(tui_store: Any) -> None:
    from kinship.plugins import PluginHost
    from kinship.tui.app import KinshipApp

    heard: list[str] = []

    class Listener:
        @hookimpl
        def kinship_contact_changed(self, contact: Any) -> None:
            heard.append(contact.display_name)

    host = PluginHost.for_plugins(Listener(), builtins=True)
    before = runtime.current()
    app = KinshipApp(tui_store.target, today=TODAY, host=host)
    async with app.run_test() as pilot:
        await settle(pilot, app)
        assert runtime.current().notifier is app.wiring.notifier
        assert app.host is host
        await app.db(contacts.add, "Ada Lovelace")
        assert heard == ["Ada Lovelace"]
        assert "cadence" in followups.engine().names
    assert runtime.current() is before
