"""The brief: "before you meet" — pinned notes, the last three interactions, what is due."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from kinship.services import views
from kinship.tui.bigtext import excerpt
from kinship.tui.safe import clean, content, hidden_note, shown
from kinship.tui.widgets.panes import when

if TYPE_CHECKING:
    from kinship.tui.context import AppContext


class BriefScreen(ModalScreen[None]):
    """One screen to read before a call or a coffee."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,b,q", "dismiss(None)", "Close", id="brief.close", tooltip="Close the brief"
        ),
        Binding("l", "log", "Log", id="brief.log", tooltip="Log an interaction now"),
        Binding(
            "r",
            "relate",
            "Relationships",
            id="brief.relate",
            tooltip="Relate to someone, or remove a relationship",
        ),
    ]
    DEFAULT_CSS = """
    BriefScreen { align: center middle; }
    BriefScreen > #brief {
        width: 80; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    BriefScreen .h { text-style: bold; color: $text-accent; margin-top: 1; }
    BriefScreen #brief-name { text-style: bold; }
    BriefScreen.-phone > #brief { width: 100%; height: 100%; max-height: 100%; border: none; }
    """

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.brief: views.Brief | None = None

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="brief"):
            yield Static("Loading…", id="brief-body")

    async def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        b = await self.kapp.db(views.brief, self.contact_id, self.kapp.today)
        body = self.query_one("#brief-body", Static)
        if b is None:
            body.update("This contact is gone.")
            return
        self.brief = b
        body.update(render_brief(b, self.kapp.today, self.kapp.presenter))

    def presenter_changed(self) -> None:
        if self.brief is not None:
            self.query_one("#brief-body", Static).update(
                render_brief(self.brief, self.kapp.today, self.kapp.presenter)
            )

    def action_log(self) -> None:
        main = self.kapp.main
        self.dismiss(None)
        if main is not None:
            main.action_log()

    def action_relate(self) -> None:
        main = self.kapp.main
        self.dismiss(None)
        if main is not None:
            main.action_relate()


def render_brief(b: views.Brief, today: object, presenter: bool = False) -> Content:
    """The brief; in presenter mode note bodies are hidden and contact details masked."""

    def text(value: str, style: str = "") -> Content:
        c = Content(shown(excerpt(value, lines=1), presenter))
        return c.stylize(style) if style else c

    def note_body(body: str) -> Content:
        return Content.styled(hidden_note(), "$text-muted") if presenter else content(excerpt(body))

    lines: list[Content] = [
        Content.assemble(("Before you meet ", "bold"), text(b.name, "bold $text-accent"))
    ]
    if b.org:
        lines.append(text(b.org, "$text-muted"))
    lines.append(Content(""))
    lines.append(Content.styled("What is due, and why", "bold"))
    lines += [Content.assemble("  • ", text(d)) for d in b.due] or [
        Content.styled("  nothing due", "$text-muted")
    ]
    lines.append(Content(""))
    lines += give_get_lines(b.give_get, today)
    lines.append(Content(""))
    lines.append(Content.styled("Pinned notes", "bold"))
    if b.pinned:
        for n in b.pinned:
            lines.append(
                Content.assemble(
                    ("  * ", "$warning"), (f"{clean(n.kind)}: ", "bold"), note_body(n.body)
                )
            )
    else:
        lines.append(
            Content.styled("  none pinned (pin a note with p in the notes pane)", "$text-muted")
        )
    if b.other_notes:
        for n in b.other_notes:
            lines.append(
                Content.assemble("    ", (f"{clean(n.kind)}: ", "$text-muted"), note_body(n.body))
            )
    lines.append(Content(""))
    lines.append(Content.styled("Last three interactions", "bold"))
    if b.last:
        for item in b.last:
            others = ", ".join(shown(o, presenter) for o in item.others)
            others = f" · with {others}" if others else ""
            lines.append(
                Content.assemble(
                    (f"  {when(item.when, today)}  ", "$text-muted"),  # type: ignore[arg-type]
                    (f"{clean(item.kind)}  ", "$text-primary"),
                    text(item.summary),
                    (others, "$text-muted"),
                )
            )
    else:
        lines.append(Content.styled("  nothing logged yet", "$text-muted"))
    if b.relations:
        lines.append(Content(""))
        lines.append(
            Content.assemble(
                ("People around them", "bold"), ("  (r to add or remove)", "$text-muted")
            )
        )
        for r in b.relations[:6]:
            lines.append(
                Content.assemble((f"  {clean(r.label)}: ", "$text-muted"), text(r.other_name))
            )
    return Content("\n").join(lines)


def give_get_lines(g: views.GiveGet | None, today: object) -> list[Content]:
    """The ledger with this person: counts, thanks owed, and "you only ever ask"."""
    lines = [Content.styled("Give and get", "bold")]
    if g is None or not (g.gave or g.received or g.thanks):
        lines.append(Content.styled("  nothing given or received yet", "$text-muted"))
        return lines
    lines.append(
        Content.assemble(
            ("  gave ", "$text-muted"),
            (str(g.gave), "bold $success"),
            ("  ·  received ", "$text-muted"),
            (str(g.received), "bold $warning"),
            ("  ·  thanks ", "$text-muted"),
            (str(g.thanks), "bold"),
        )
    )
    if g.unthanked:
        help_ = "help" if g.unthanked == 1 else "helps"
        lines.append(
            Content.styled(
                f"  {g.unthanked} {help_} received since your last thanks: thank them",
                "$warning",
            )
        )
    if g.only_asked:
        lines.append(Content.styled("  you have only ever asked: offer something back", "$warning"))
    return lines
