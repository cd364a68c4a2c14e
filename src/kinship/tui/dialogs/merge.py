"""Merge a duplicate into a contact, choosing per field whose value wins."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.widgets import Input, Label, Static, Switch

from kinship.tui.dialogs.base import F, FieldError, FormScreen, resolve_people
from kinship.tui.dialogs.confirm import ConfirmScreen
from kinship.tui.safe import content

MERGE_FIELDS = (
    "display_name",
    "organization",
    "title",
    "nickname",
    "birthday",
    "cadence_days",
    "strategy",
    "met_how",
)


class MergeForm(FormScreen[str]):
    """Merge another contact into this one: side by side, choose which value wins per field."""

    save_label = "Merge"

    def __init__(self, uid: str, name: str) -> None:
        super().__init__()
        self.uid, self.who = uid, name
        self.other: dict[str, Any] | None = None
        self.mine: dict[str, Any] | None = None
        self.confirmed = False

    def heading(self) -> Content:
        return Content.assemble("Merge into ", content(self.who))

    def fields(self) -> list[F]:
        return [
            F(
                "other",
                "The duplicate to fold in (removed after the merge)",
                placeholder="a name; Enter to compare",
            )
        ]

    def compose_fields(self) -> ComposeResult:
        yield from super().compose_fields()
        yield Grid(id="compare")
        yield Static(
            "Everything of both is kept: emails, phones, tags, interactions, notes, events. "
            "Switch on a row to take the duplicate's value.",
            classes="field-help",
            markup=False,
        )

    DEFAULT_CSS = """
    MergeForm #compare {
        grid-size: 4; grid-columns: 14 1fr 1fr 10; height: auto; grid-gutter: 0 1; margin-top: 1;
    }
    MergeForm #compare .head { text-style: bold; }
    MergeForm #compare Switch { height: 3; }
    MergeForm #compare Label { height: 3; content-align-vertical: middle; }
    """

    async def compare(self) -> bool:
        from kinship.services import views

        self.clear_errors()
        name = self.value("other").strip()
        if not name:
            self.error("other", "whom? type a name")
            return False

        def load() -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
            from kinship.services import contacts

            (uid,) = resolve_people("other", name, {})[:1]
            if uid == self.uid:
                raise FieldError("other", "that is the same contact")
            mine = views.editable(contacts.get(self.uid).id)
            other = views.editable(contacts.get(uid).id)
            return mine, other

        try:
            self.mine, self.other = await self.kapp.db(load)
        except FieldError as exc:
            self.error(exc.name, str(exc))
            return False
        grid = self.query_one("#compare", Grid)
        await grid.remove_children()
        rows: list[Any] = [
            Label("Field", classes="head"),
            Label("Keep", classes="head"),
            Label("Duplicate", classes="head"),
            Label("Take", classes="head"),
        ]
        assert self.mine is not None and self.other is not None
        for key in MERGE_FIELDS:
            a, b = self.mine.get(key), self.other.get(key)
            if b in (None, "") or a == b:
                continue
            rows += [
                Label(key.replace("_", " "), markup=False),
                Label(content(a if a not in (None, "") else "—"), markup=False),
                Label(content(b), markup=False),
                Switch(value=a in (None, ""), id=f"take-{key}"),
            ]
        await grid.mount_all(rows)
        return True

    async def action_save(self) -> None:
        if self.other is None:
            await self.compare()
            return
        if not self.confirmed:
            other = self.other.get("display_name", "")
            question = Content.assemble(
                "Merge ",
                content(other, "bold"),
                " into ",
                content(self.who, "bold"),
                "?\n\n",
                content(other),
                " is removed afterwards (everything of theirs moves over). "
                "A merge cannot be undone.",
            )
            self.app.push_screen(ConfirmScreen(question), self._answered)
            return
        await super().action_save()

    async def _answered(self, yes: bool | None) -> None:
        if yes:
            self.confirmed = True
            await self.action_save()
            self.confirmed = False

    @on(Input.Changed, "#f-other")
    def _changed(self) -> None:
        self.other = None

    def validate(self) -> dict[str, Any] | None:
        prefer = {}
        for sw in self.query("#compare Switch"):
            key = (sw.id or "").removeprefix("take-")
            prefer[key] = "other" if sw.value else "keep"  # type: ignore[attr-defined]
        return {"prefer": prefer}

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import contacts

        assert self.other is not None
        report = contacts.merge(self.uid, self.other["uid"], prefer=values["prefer"])
        return str(report.kept.uid)

    def saved(self, result: Any) -> None:
        self.kapp.say(f"Merged into {self.who}")
