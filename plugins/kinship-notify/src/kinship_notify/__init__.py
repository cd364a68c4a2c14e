"""kinship-notify: what became due, as one digest, wherever apprise can send it.

kinship calls ``kinship_followups_due`` once per ``kinship due --notify`` run (from cron)
with the follow-ups that became due since the last run, each one only once — kinship keeps
that list in its own store, so this plugin keeps no state. We turn them into one message
and hand it to `apprise <https://github.com/caronc/apprise>`_, which speaks e-mail, ntfy,
Matrix, Slack, Telegram, Gotify and ~100 others, each from one URL, configured in kinship's
config file::

    [notify]
    urls = ["ntfy://ntfy.sh/my-kinship-topic", "mailto://me:app-password@example.org"]
    max_items = 20          # lines in one digest; the rest is "… and N more"
    title = "kinship"       # the digest's title starts with this

If a URL cannot be used or a service does not take the message, we raise: kinship then
remembers nothing and sends the same follow-ups on the next run. ``kinship notify-test``
sends a test message to check the URLs.

It uses only ``kinship.hookimpl``, ``kinship.records`` and ``kinship.api``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kinship import api, hookimpl
from kinship.records import FollowUpRecord

__all__ = ["Settings", "digest", "kinship_followups_due", "kinship_register_commands", "send"]

#: Lines in one digest unless ``[notify] max_items`` says otherwise.
MAX_ITEMS = 20


@dataclass(frozen=True)
class Settings:
    """The ``[notify]`` table, checked."""

    urls: tuple[str, ...]
    max_items: int = MAX_ITEMS
    title: str = "kinship"

    @classmethod
    def load(cls) -> Settings:
        table = api.config("notify")
        urls = table.get("urls", [])
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not all(isinstance(u, str) and u.strip() for u in urls):
            raise api.KinshipError("[notify] urls must be a list of apprise URLs (text)")
        if not urls:
            raise api.KinshipError(
                'no [notify] urls in the config file: add urls = ["ntfy://ntfy.sh/your-topic"] '
                "(any apprise URL)"
            )
        max_items = table.get("max_items", MAX_ITEMS)
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            raise api.KinshipError("[notify] max_items must be a whole number, 1 or more")
        title = table.get("title", "kinship")
        if not isinstance(title, str):
            raise api.KinshipError("[notify] title must be text")
        return cls(tuple(u.strip() for u in urls), max_items, title.strip() or "kinship")


def digest(followups: Sequence[FollowUpRecord], settings: Settings) -> tuple[str, str]:
    """The title and the body of one message about ``followups`` (most urgent first)."""
    n = len(followups)
    title = f"{settings.title}: {n} follow-up{'s' if n != 1 else ''} due"
    lines = []
    for f in followups[: settings.max_items]:
        name = f.contact_name or f.contact_uid
        lines.append(f"• {_line(name)} — {_line(f.reason or f.kind)} ({f.kind}, {f.due:%a %d %b})")
    if n > settings.max_items:
        lines.append(f"… and {n - settings.max_items} more: run `kinship today`")
    return title, "\n".join(lines)


def _line(text: str) -> str:
    """One line of someone's text: no newlines or control characters in a notification."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _shown(url: str) -> str:
    """A URL for a message without its secrets (tokens, passwords): the service only."""
    scheme, sep, _rest = url.partition("://")
    return f"{scheme}://…" if sep else "(not a URL)"


def send(urls: Sequence[str], title: str, body: str) -> None:
    """Send one message to every URL; raise naming the ones that did not take it."""
    import warnings

    with warnings.catch_warnings():
        # apprise 2.x imports imghdr (deprecated since Python 3.11) while it sends: not ours
        # to report, and cron mails every line a job prints.
        warnings.simplefilter("ignore", DeprecationWarning)
        _send(urls, title, body)


def _send(urls: Sequence[str], title: str, body: str) -> None:
    import apprise

    failed = []
    for url in urls:
        one = apprise.Apprise()
        if not one.add(url):
            raise api.KinshipError(f"[notify] urls: apprise cannot use {_shown(url)}")
        if not one.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT):
            failed.append(_shown(url))
    if failed:
        raise api.KinshipError(f"not delivered to {', '.join(failed)}")


@hookimpl
def kinship_followups_due(followups: list[FollowUpRecord]) -> None:
    settings = Settings.load()
    title, body = digest(followups, settings)
    send(settings.urls, title, body)


@hookimpl
def kinship_register_commands(cli: Any) -> None:
    cli.command(
        "notify-test",
        help="send a test message to each [notify] url",
        run=_test,
    )


def _test(args: argparse.Namespace, ctx: Any) -> int:
    settings = Settings.load()
    send(settings.urls, f"{settings.title}: test", "kinship-notify can reach you here.")
    ctx.print(f"sent a test message to {len(settings.urls)} url(s)")
    return 0
