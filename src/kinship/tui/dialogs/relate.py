"""Relate one contact to another, and remove the relationships they have."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Mount
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kinship.records import RELATIONSHIP_KINDS
from kinship.tui.dialogs.base import F, FieldError, FormScreen, resolve_people
from kinship.tui.safe import clean, content
from kinship.tui.widgets.panes import PaneList

if TYPE_CHECKING:
    from kinship.services.views import RelationItem


class RelateForm(FormScreen[str]):
    """Relate the selected contact to another (partner, mentor, introduced-by …); the
    relationships they already have are listed under the form, ``d`` removes one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "delete,d",
            "remove",
            "Remove",
            id="relate.remove",
            tooltip="Remove the highlighted relationship (undo with u)",
        ),
    ]
    DEFAULT_CSS = """
    RelateForm #relations { height: auto; max-height: 8; border: none; margin-top: 1; }
    RelateForm #relations-title { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, uid: str, name: str) -> None:
        super().__init__()
        self.uid, self.who = uid, name
        self.relations: list[RelationItem] = []

    def heading(self) -> Content:
        return Content.assemble("Relate ", content(self.who), " to …")

    def fields(self) -> list[F]:
        return [
            F(
                "kind",
                "Relationship (the other person is their …)",
                kind="select",
                value="friend",
                options=RELATIONSHIP_KINDS,
            ),
            F("other", "Other person", placeholder="a name"),
        ]

    def compose_fields(self) -> ComposeResult:
        yield from super().compose_fields()
        yield Static(
            "Their relationships (d removes the highlighted one)",
            id="relations-title",
            markup=False,
        )
        yield PaneList(id="relations")

    @on(Mount)
    async def _load_on_mount(self) -> None:  # FormScreen.on_mount runs too
        await self.load_relations()

    async def load_relations(self) -> None:
        from kinship.services import contacts, views

        def load() -> list[RelationItem]:
            return views.relations(contacts.get(self.uid).id)

        self.relations = await self.kapp.db(load)
        ol = self.query_one("#relations", PaneList)
        keep = ol.highlighted
        ol.clear_options()
        if not self.relations:
            ol.add_option(Option(Content.styled("none yet", "$text-muted"), disabled=True))
            return
        ol.add_options(
            [
                Option(
                    Content.assemble((f"{clean(r.label)}: ", "$text-muted"), content(r.other_name))
                )
                for r in self.relations
            ]
        )
        if keep is not None:
            ol.highlighted = min(keep, len(self.relations) - 1)
        if ol.has_focus:
            ol.highlight_first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return self.query_one("#relations", OptionList).has_focus
        return True

    async def action_remove(self) -> None:
        from kinship.services import contacts

        ol = self.query_one("#relations", OptionList)
        if ol.highlighted is None or ol.highlighted >= len(self.relations):
            return
        rel = self.relations[ol.highlighted]
        try:
            await self.kapp.db(contacts.unrelate, rel.from_uid, rel.to_uid, rel.kind)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.error(None, describe_error(exc))
            return
        main = self.kapp.main
        if main is not None:
            from kinship.tui.undo import Undo

            main.push_undo(
                Undo(
                    f"removed {rel.label} {clean(rel.other_name)}",
                    lambda: contacts.relate(rel.from_uid, rel.to_uid, rel.kind),
                )
            )
            main.refresh_all()
        self.kapp.say(f"Removed: {rel.label} {rel.other_name} (u to undo)")
        await self.load_relations()

    def validate(self) -> dict[str, Any] | None:
        if not self.value("other").strip():
            self.error("other", "whom? type a name")
        return {"kind": self.value("kind") or "friend", "other": self.value("other")}

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import contacts

        (other,) = resolve_people("other", values["other"], {})[:1] or [""]
        if other == self.uid:
            raise FieldError("other", "a contact cannot be related to themselves")
        contacts.relate(self.uid, other, values["kind"])
        return self.uid
