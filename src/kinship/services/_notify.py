"""Notification hooks fired after the writing transaction commits.

The plugin host is optional here: scripts and tests that never load plugins pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinship.store import current

#: Set by :mod:`kinship.plugins` when a plugin host is active: ``listener(hook_name, record)``.
listener: Callable[[str, Any], None] | None = None


def wants(hook: str) -> bool:
    """Whether the installed listener cares about ``hook`` (so bulk writers can skip
    building records nobody reads). A listener that cannot say is assumed to care."""
    target = listener
    if target is None:
        return False
    listens = getattr(getattr(target, "__self__", None), "listens", None)
    if listens is None:
        return True
    try:
        return bool(listens(hook))
    except Exception:
        return True


def _after_commit(hook: str, build: Callable[[], Any]) -> None:
    if listener is None:
        return
    target = listener

    def fire() -> None:
        target(hook, build())

    current().db.after_commit(fire)


def contact_changed(contact_id: int) -> None:
    def build() -> Any:
        from kinship.services.contacts import to_record
        from kinship.store.models import Contact

        return to_record(Contact.get_by_id(contact_id))

    _after_commit("kinship_contact_changed", build)


def interaction_logged(interaction_id: int) -> None:
    def build() -> Any:
        from kinship.services.interactions import interaction_record
        from kinship.store.models import Interaction

        return interaction_record(Interaction.get_by_id(interaction_id))

    _after_commit("kinship_interaction_logged", build)
