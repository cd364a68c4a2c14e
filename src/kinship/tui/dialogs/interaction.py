"""Log an interaction: what happened, with whom, of which kind, when."""

from __future__ import annotations

from typing import Any

from kinship.errors import ValidationError
from kinship.records import INTERACTION_KINDS
from kinship.tui.dialogs.base import F, FieldError, FormScreen, resolve_people, split_list
from kinship.tui.safe import clean


class LogForm(FormScreen[str]):
    """Log what happened with one or more people."""

    title_text = "Log an interaction"

    def __init__(
        self, people: list[tuple[str, str]], *, kind: str = "meeting", summary: str = ""
    ) -> None:
        super().__init__()
        self.people = people
        self.known = {clean(name): uid for uid, name in people}
        self.kind = kind if kind in INTERACTION_KINDS else "meeting"
        self.summary = summary
        #: What takes the logged interaction back (set on the database thread by ``write``).
        self.undo_id: int | None = None

    def fields(self) -> list[F]:
        return [
            F(
                "summary",
                "What happened",
                value=self.summary,
                placeholder="Coffee at the conference",
            ),
            F("people", "With (comma-separated names)", value=", ".join(self.known)),
            F("kind", "Kind", kind="select", value=self.kind, options=INTERACTION_KINDS),
            F(
                "when",
                "When",
                value="today",
                placeholder="today, yesterday, 3 days ago, 2024-05-01",
            ),
            F("notes", "Notes", kind="area", private=True),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_datetime

        summary = self.value("summary").strip()
        if not summary:
            self.error("summary", "say in a few words what happened")
        when = self.check("when", lambda v: parse_datetime(v or "now"))
        if not split_list(self.value("people")):
            self.error("people", "who was there? give at least one name")
        return {
            "summary": summary,
            "people": self.value("people"),
            "kind": self.value("kind") or "meeting",
            "when": when,
            "notes": self.value("notes"),
        }

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import interactions

        uids = resolve_people("people", values["people"], self.known)
        try:
            _, kept = interactions.log_undoable(
                values["summary"],
                uids,
                kind=values["kind"],
                occurred_at=values["when"],
                notes=values["notes"],
            )
        except ValidationError as exc:
            if "future" in str(exc) or "date" in str(exc):
                raise FieldError("when", str(exc)) from None
            raise
        self.undo_id = kept.id
        return uids[0]

    def saved(self, result: Any) -> None:
        summary = self.value("summary").strip()
        main = self.kapp.main
        if self.undo_id is not None and main is not None:
            from kinship.services import undo
            from kinship.tui.undo import Undo

            undo_id = self.undo_id
            main.push_undo(Undo(f"logged “{clean(summary)}”", lambda: undo.restore(undo_id)))
        self.kapp.say(f"Logged: {summary} (u to undo)")
