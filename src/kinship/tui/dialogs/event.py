"""Add an event or a life event, with the people it involves."""

from __future__ import annotations

from typing import Any

from kinship.records import EVENT_KINDS
from kinship.tui.dialogs.base import F, FormScreen, resolve_people, split_list
from kinship.tui.safe import clean


class EventForm(FormScreen[str | bool]):
    """Add an event or a life event (new job, wedding, baby, move, loss …)."""

    title_text = "Add an event"

    def __init__(self, people: list[tuple[str, str]], *, kind: str = "event") -> None:
        super().__init__()
        self.known = {clean(name): uid for uid, name in people}
        self.kind = kind

    def fields(self) -> list[F]:
        return [
            F("summary", "What", placeholder="Started at Acme / PyCon dinner"),
            F(
                "kind",
                "Kind",
                kind="select",
                value=self.kind,
                options=EVENT_KINDS,
                help="new-job, wedding, baby, move, loss … are life events",
            ),
            F("when", "When", value="today", placeholder="2024-06-01, tomorrow, in 2 weeks"),
            F("people", "People (comma-separated)", value=", ".join(self.known)),
            F("location", "Where", private=True),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_date

        summary = self.value("summary").strip()
        if not summary:
            self.error("summary", "an event needs a summary")
        when = self.check("when", lambda v: parse_date(v, self.kapp.today))
        return {
            "summary": summary,
            "kind": self.value("kind") or "event",
            "when": when,
            "people": self.value("people"),
            "location": self.value("location").strip(),
        }

    def write(self, values: dict[str, Any]) -> str | bool:
        from kinship.services import contacts, events

        uids = (
            resolve_people("people", values["people"], self.known)
            if split_list(values["people"])
            else []
        )
        people = [contacts.get(u) for u in uids]
        events.add(
            values["summary"],
            values["when"],
            kind=values["kind"],
            people=people,
            location=values["location"],
        )
        return uids[0] if uids else True
