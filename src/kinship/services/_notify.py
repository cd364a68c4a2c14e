"""Notification hooks fired after the writing transaction commits.

The services' side of notifications: writers call :func:`contact_changed` and
:func:`interaction_logged`; whoever the entry point bound as the notifier
(:func:`kinship.services.runtime.bind`, usually the plugin host) hears about it once the
transaction commits. Nobody bound (scripts, tests): nothing is built, nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinship.services import convert, runtime
from kinship.store import current


def wants(hook: str) -> bool:
    """Whether the bound notifier cares about ``hook`` (so bulk writers can skip building
    records nobody reads). A notifier that cannot say is assumed to care."""
    return _wants(runtime.current().notifier, hook)


def _wants(target: runtime.Notifier | None, hook: str) -> bool:
    if target is None:
        return False
    try:
        return bool(target.wants(hook))
    except Exception:
        return True


def _after_commit(hook: str, build: Callable[[], Any]) -> None:
    # The notifier bound now is the one told, even if the binding changes before the commit.
    target = runtime.current().notifier
    if target is None or not _wants(target, hook):
        return

    def fire() -> None:
        # Runs after COMMIT: an exception here would make the transaction try to roll back
        # what is already committed ("cannot rollback - no transaction is active").
        try:
            target.notify(hook, build())
        except Exception as exc:
            text = " ".join(str(exc).split()) or type(exc).__name__
            runtime.warn(f"plugins were not told ({hook}): {type(exc).__name__}: {text}")

    current().db.after_commit(fire)


def contact_changed(contact_id: int) -> None:
    def build() -> Any:
        from kinship.store.models import Contact

        return convert.to_record(Contact.get_by_id(contact_id))

    _after_commit("kinship_contact_changed", build)


def followup(hook: str, followup_id: int, *, snoozed_until: Any = None) -> None:
    """A follow-up lifecycle hook (``kinship_followup_done``, ``…_dismissed``,
    ``…_snoozed``) for one ``FollowUp`` row, as it is once the transaction commits."""

    def build() -> Any:
        from kinship.store.models import FollowUp

        record = convert.followup_record(FollowUp.get_by_id(followup_id))
        if snoozed_until is not None:
            record.status = "snoozed"
            record.snoozed_until = snoozed_until
        return record

    _after_commit(hook, build)


def interaction_logged(interaction_id: int) -> None:
    def build() -> Any:
        from kinship.store.models import Interaction

        return convert.interaction_record(Interaction.get_by_id(interaction_id))

    _after_commit("kinship_interaction_logged", build)
