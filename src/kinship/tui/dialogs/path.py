"""How do I know X? (``kinship path`` in the app): the chain of people from the selected
contact to another, each with the link to the one before; Enter on a person goes there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Mount
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kinship.errors import Ambiguous, KinshipError, NotFound
from kinship.tui.dialogs.base import F, FieldError, FormScreen
from kinship.tui.safe import shown

if TYPE_CHECKING:
    from kinship.services.views import Path


@dataclass(frozen=True, slots=True)
class Found:
    """What a search gave: the other person, and the chain (``None``: none short enough)."""

    other: str
    path: Path | None
    max_hops: int
    #: The people of the chain who are archived (the list hides them unless ``A``).
    archived: frozenset[str] = frozenset()


def find_path(uid: str, to: str) -> Found:
    """Resolve ``to`` as the contact list's search would and look for the chain, on the
    database thread. A name that fits nobody, or several people, is the field's error."""
    from kinship.services import contacts, views
    from kinship.services.views.paths import MAX_HOPS

    try:
        other = contacts.resolve(to, include_archived=False)
    except Ambiguous as exc:
        names = ", ".join(n for _, n in exc.candidates[:4])
        raise FieldError("to", f"{to!r} matches {len(exc.candidates)} people ({names})") from None
    except KinshipError as exc:
        raise FieldError("to", str(exc)) from None
    try:
        contacts.get(uid)
    except NotFound:
        raise FieldError("to", "the selected contact is gone") from None
    if other.uid == uid:
        raise FieldError("to", f"that is {other.display_name}: pick someone else")
    try:
        path = views.path(uid, other.uid)
    except NotFound:
        return Found(other.display_name, None, MAX_HOPS)
    # A chain may pass through someone archived: say so, and show archived people on going
    # there (a handful of indexed lookups, at most MAX_HOPS + 1).
    archived = frozenset(s.uid for s in path.steps if contacts.get(s.uid).archived)
    return Found(other.display_name, path, MAX_HOPS, archived)


class PathForm(FormScreen[str]):
    """Who links the selected contact to another: type the other person (a name, its start or
    words, as in the list's search) and Enter; the chain shows below, one person a line with
    the link to the one before. Enter (or ``g``) on a person goes to them; Esc closes.

    Dismissed with the UID to go to (``jump_to`` shows archived contacts if need be), or
    ``None``.
    """

    title_text = "How do I know…"
    save_label = "Find"
    hint = "enter finds · esc closes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "g",
            "go",
            "Go to",
            id="path.go",
            tooltip="Go to the highlighted person of the chain (Enter there too)",
        ),
    ]
    DEFAULT_CSS = """
    PathForm #path-status { height: auto; color: $text-muted; margin-top: 1; }
    PathForm #path-status.-none { color: $warning; }
    PathForm #path-chain { height: auto; max-height: 14; border: none; display: none; }
    PathForm #path-chain.-shown { display: block; }
    PathForm.-phone #path-status { margin-top: 0; }
    """

    def __init__(self, uid: str, name: str, *, to: str = "") -> None:
        super().__init__()
        self.uid, self.who, self.to = uid, name, to
        self.found: Found | None = None

    def heading(self) -> Content:
        presenter = bool(getattr(self.app, "presenter", False))
        return Content.assemble("How does ", Content(shown(self.who, presenter)), " know…")

    def fields(self) -> list[F]:
        return [
            F(
                "to",
                "Whom",
                value=self.to,
                placeholder="a name, its start, or words (as in the contact list search)",
            )
        ]

    def compose_fields(self) -> ComposeResult:
        yield from super().compose_fields()
        yield Static(
            "Type someone and press Enter: the chain of people between you shows here.",
            id="path-status",
            markup=False,
        )
        yield OptionList(id="path-chain")

    @on(Mount)
    def _label_close(self) -> None:  # FormScreen.on_mount runs too
        # Nothing to lose here: the button closes rather than cancels.
        self.query_one("#cancel", Button).label = "Close"

    def validate(self) -> dict[str, Any] | None:
        to = self.value("to").strip()
        if not to:
            self.error("to", "whom? type a name")
        return {"to": to}

    async def action_save(self) -> None:
        # Not a write: the form stays open with the chain (or "no chain") under the field.
        self.clear_errors()
        values = self.validate()
        if values is None or self.has_errors():
            self._focus_error()
            return
        self.query_one("#path-status", Static).update("Looking…")
        self._find(values["to"])

    @work(exclusive=True, group="path", exit_on_error=False)
    async def _find(self, to: str) -> None:
        try:
            found = await self.kapp.db(find_path, self.uid, to)
        except FieldError as exc:
            self._show(None)
            self.error(exc.name, str(exc))
            self._focus_error()
            return
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self._show(None)
            self.error(None, describe_error(exc))
            return
        self._show(found)

    def _show(self, found: Found | None) -> None:
        self.found = found
        status = self.query_one("#path-status", Static)
        chain = self.query_one("#path-chain", OptionList)
        chain.clear_options()
        presenter = self.kapp.presenter
        path = found.path if found is not None else None
        status.set_class(found is not None and path is None, "-none")
        chain.set_class(path is not None, "-shown")
        if found is None:
            status.update("")
            return
        if path is None:
            status.update(
                Content.assemble(
                    f"No chain of up to {found.max_hops} links joins ",
                    Content(shown(self.who, presenter)),
                    " and ",
                    Content(shown(found.other, presenter)),
                    ": no relationship, shared interaction or shared event leads there.",
                )
            )
            self.query_one("#f-to").focus()
            return
        links = f"{path.hops} link{'s' if path.hops != 1 else ''}"
        status.update(f"{links} · Enter on a person goes to them")
        for n, step in enumerate(path.steps):
            name = Content.assemble(
                (shown(step.display_name, presenter), "bold"),
                (" (archived)" if step.uid in found.archived else "", "$text-muted"),
            )
            if n == 0:
                prompt = name
            else:
                prompt = Content.assemble(
                    ("└ ", "$text-muted"),
                    name,
                    "\n  ",
                    (shown(step.link, presenter), "$text-muted"),
                )
            chain.add_option(Option(prompt, id=f"step-{n}"))
        # The first person on the way: the one who could introduce you.
        chain.highlighted = 1 if len(path.steps) > 1 else 0
        chain.focus()
        self.call_after_refresh(chain.scroll_visible, animate=False)

    def presenter_changed(self) -> None:
        super().presenter_changed()
        self.query_one("#form-title", Static).update(self.heading())
        if self.found is not None:
            chain = self.query_one("#path-chain", OptionList)
            keep = chain.highlighted
            focused = chain.has_focus
            self._show(self.found)
            if keep is not None and keep < chain.option_count:
                chain.highlighted = keep
            if not focused:
                self.query_one("#f-to").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go":
            return self.query_one("#path-chain", OptionList).has_focus
        return True

    def action_go(self) -> None:
        chain = self.query_one("#path-chain", OptionList)
        if self.found is None or self.found.path is None or chain.highlighted is None:
            return
        uid = self.found.path.steps[chain.highlighted].uid
        self.dismiss(uid)

    @on(OptionList.OptionSelected, "#path-chain")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_go()
