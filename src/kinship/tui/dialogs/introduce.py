"""Introduce the selected person to someone (``kinship intro`` in the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.content import Content

from kinship.errors import Ambiguous, KinshipError
from kinship.tui.dialogs.base import F, FieldError, FormScreen
from kinship.tui.safe import content

if TYPE_CHECKING:
    from kinship.services.views import IntroductionView, Match


class IntroduceForm(FormScreen["IntroductionView"]):
    """To whom (found with the contact list's search: name, prefix or words), and why.

    Opened on a match (:class:`kinship.services.views.Match`), both are filled in.
    """

    title_text = "Introduce"
    save_label = "Propose"

    def __init__(self, uid: str, name: str, *, to: str = "", why: str = "") -> None:
        super().__init__()
        self.uid, self.who = uid, name
        self.to, self.why = to, why

    @classmethod
    def from_match(cls, match: Match) -> IntroduceForm:
        return cls(
            match.need.uid, match.need.display_name, to=match.offer.display_name, why=match.why
        )

    def heading(self) -> Content:
        return Content.assemble("Introduce ", content(self.who), " to…")

    def fields(self) -> list[F]:
        return [
            F(
                "to",
                "To whom",
                value=self.to,
                placeholder="a name, its start, or words (as in the contact list search)",
                help="they are asked first; kinship reminds you to ask them",
            ),
            F("why", "Why they should meet", value=self.why),
        ]

    def validate(self) -> dict[str, Any] | None:
        to = self.value("to").strip()
        if not to:
            self.error("to", "who should they meet?")
        return {"to": to, "why": self.value("why")}

    def write(self, values: dict[str, Any]) -> IntroductionView:
        from kinship.services import contacts, introductions

        try:
            other = contacts.resolve(values["to"], include_archived=False)
        except Ambiguous as exc:
            names = ", ".join(n for _, n in exc.candidates[:4])
            raise FieldError(
                "to", f"{values['to']!r} matches {len(exc.candidates)} people ({names})"
            ) from None
        except KinshipError as exc:
            raise FieldError("to", str(exc)) from None
        return introductions.propose(self.uid, other.uid, values["why"])

    def saved(self, result: IntroductionView) -> None:
        self.kapp.say(
            f"Introduction #{result.id}: {result.person.display_name} to "
            f"{result.to.display_name}. Next: ask {result.to.display_name} (I lists them)"
        )
