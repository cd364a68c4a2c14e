"""Add or edit an empathy note about one contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.content import Content

from kinship.records import NOTE_KINDS
from kinship.tui.dialogs.base import F, FormScreen
from kinship.tui.safe import content

if TYPE_CHECKING:
    from kinship.services.views import NoteItem


class NoteForm(FormScreen[str]):
    """Add an empathy note (need, goal, challenge, family …), or edit one (``note``)."""

    def __init__(self, uid: str, name: str, *, note: NoteItem | None = None) -> None:
        super().__init__()
        self.uid, self.who = uid, name
        self.note = note

    def heading(self) -> Content:
        verb = "Edit the note about " if self.note is not None else "Note about "
        return Content.assemble(verb, content(self.who))

    def fields(self) -> list[F]:
        n = self.note
        return [
            F(
                "kind",
                "Kind",
                kind="select",
                value=n.kind if n is not None else "general",
                options=NOTE_KINDS,
            ),
            F("body", "Note", kind="area", value=n.body if n is not None else "", private=True),
            F(
                "pinned",
                "Pinned (shown first and in the brief)",
                kind="check",
                value=n.pinned if n is not None else False,
            ),
        ]

    def validate(self) -> dict[str, Any] | None:
        body = self.value("body").strip()
        if not body:
            self.error("body", "a note needs some text")
        return {
            "kind": self.value("kind") or "general",
            "body": body,
            "pinned": self.value("pinned"),
        }

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import contacts, notes

        if self.note is not None:
            notes.update(
                self.note.id, body=values["body"], kind=values["kind"], pinned=values["pinned"]
            )
            return self.uid
        contact = contacts.get(self.uid)
        notes.add(contact, values["body"], kind=values["kind"], pinned=values["pinned"])
        return self.uid
