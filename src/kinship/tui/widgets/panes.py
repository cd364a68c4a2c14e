"""The Events and Empathy-notes panes. They show what the main screen hands them; all user
text goes through :mod:`kinship.tui.safe` and into ``Content`` (never markup).

Both are mounted empty and build their rows after the app's first frame (:meth:`build`): the
first frame is the contact list's, and what a pane is handed before it is built is shown as
soon as it is."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from kinship.services import views
from kinship.tui.bigtext import excerpt
from kinship.tui.safe import clean, content, hidden_note, shown

KIND_STYLE = {
    "call": "$accent",
    "meeting": "$accent",
    "thanks": "$success",
    "help-given": "$success",
    "help-received": "$warning",
    "birthday": "$success",
    "loss": "$error",
    "illness": "$error",
}


def when(d: date, today: date) -> str:
    return d.strftime("%b %d") if d.year == today.year else d.strftime("%Y-%m-%d")


def timeline_prompt(item: views.TimelineItem, today: date, presenter: bool = False) -> Content:
    """Two lines: date · kind · who else was there, then the summary (contact details in
    names and summary masked in presenter mode)."""
    kind_style = (
        "bold $warning" if item.source == "life" else KIND_STYLE.get(item.kind, "$text-primary")
    )
    parts: list[Content | str | tuple[str, str]] = [
        (f"{when(item.when, today)}  ", "$text-muted"),
        (clean(item.kind), kind_style),
    ]
    if item.others:
        names = ", ".join(shown(n, presenter) for n in item.others[:4])
        names += "…" if len(item.others) > 4 else ""
        parts.append((f" · with {names}", "$text-muted"))
    parts += ["\n  ", Content(shown(excerpt(item.summary, lines=1), presenter))]
    return Content.assemble(*parts)


def note_prompt(note: views.NoteItem, today: date, presenter: bool = False) -> Content:
    """Pin, kind and date, then the body (a stand-in in presenter mode)."""
    pin = "* " if note.pinned else "  "
    body = (
        Content.styled("  " + hidden_note(), "$text-muted")
        if presenter
        else content("  " + clean(excerpt(note.body), single_line=False), single_line=False)
    )
    return Content.assemble(
        (pin, "bold $warning"),
        (f"{clean(note.kind)}", "bold $text-primary"),
        (f"  {when(note.updated, today)}\n", "$text-muted"),
        body,
    )


def _set_data(spark: Sparkline, data: list[int]) -> None:
    """A sparkline's data, left alone when it is the same (setting it redraws it)."""
    if list(spark.data or ()) != data:
        spark.data = data


def _presenter(widget: object) -> bool:
    return bool(getattr(getattr(widget, "app", None), "presenter", False))


class PaneList(OptionList):
    """An option list that always has a row under the cursor while it has focus, so the
    pane's keys (``d``, ``e``, ``p`` …) act on something the person can see; ``j``/``k``
    move like everywhere else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="pane.down"),
        Binding("k", "cursor_up", "Up", show=False, id="pane.up"),
    ]

    def on_focus(self) -> None:
        self.highlight_first()

    def highlight_first(self) -> None:
        """Highlight the first row that can be chosen, when nothing is highlighted."""
        if self.highlighted is not None:
            return
        for index in range(self.option_count):
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return


class BuiltLater(Vertical):
    """A pane mounted empty, whose rows :meth:`build` mounts (after the first frame)."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.built = False
        self._building = False
        #: What it was last asked to show before it was built.
        self._pending: Callable[[], None] | None = None

    def parts(self) -> list[Widget]:
        raise NotImplementedError

    async def build(self) -> None:
        if self.built or self._building:
            return
        self._building = True
        await self.mount_all(self.parts())
        self.built = True
        pending, self._pending = self._pending, None
        if pending is not None:
            pending()

    def later(self, show: Callable[[], None]) -> bool:
        """Keep ``show`` for when the pane is built; whether it had to be kept."""
        if self.built:
            return False
        self._pending = show
        return True


class EventsPane(BuiltLater):
    """Sparkline of interactions per month, then the timeline (or everyone's upcoming)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "delete,d",
            "screen.delete_interaction",
            "Delete",
            id="events.delete",
            tooltip="Delete the highlighted interaction (undo with u)",
        ),
    ]

    DEFAULT_CSS = """
    EventsPane #events-title { height: 1; text-style: bold; padding: 0 1; }
    EventsPane Sparkline { height: 2; margin: 0 1; }
    EventsPane #spark-caption { height: 1; color: $text-muted; padding: 0 1; }
    EventsPane OptionList { height: 1fr; border: none; scrollbar-gutter: stable; }
    EventsPane.-nobody Sparkline, EventsPane.-nobody #spark-caption { display: none; }
    EventsPane .give-get { height: 1; padding: 0 1; }
    EventsPane .give-get Static { width: 14; color: $text-muted; }
    EventsPane .give-get Sparkline { height: 1; margin: 0; width: 1fr; }
    EventsPane #spark-gave > .sparkline--max-color { color: $success; }
    EventsPane #spark-gave > .sparkline--min-color { color: $success 30%; }
    EventsPane #spark-got > .sparkline--max-color { color: $warning; }
    EventsPane #spark-got > .sparkline--min-color { color: $warning 30%; }
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)
        self.items: list[views.TimelineItem] = []
        #: What the list holds now (rebuilding a list is what showing a person costs most).
        self._shows: object = None

    def parts(self) -> list[Widget]:
        return [
            Static(id="events-title", markup=False),
            Sparkline([0], id="spark"),
            Static(id="spark-caption", markup=False),
            # The ledger with this person: what you gave and what you received, per month.
            Horizontal(
                Static(id="gave-label", markup=False),
                Sparkline([0], id="spark-gave"),
                classes="give-get",
            ),
            Horizontal(
                Static(id="got-label", markup=False),
                Sparkline([0], id="spark-got"),
                classes="give-get",
            ),
            PaneList(id="timeline"),
        ]

    def show_contact(self, detail: views.ContactDetail, today: date) -> None:
        if self.later(functools.partial(self.show_contact, detail, today)):
            return
        self.remove_class("-nobody")
        # One-line labels of a fixed size: redrawn, never a new layout of the screen.
        self.query_one("#events-title", Static).update(
            Content.assemble("Timeline · ", shown(detail.name, _presenter(self))), layout=False
        )
        _set_data(self.query_one("#spark", Sparkline), detail.monthly)
        total = sum(detail.monthly)
        self.query_one("#spark-caption", Static).update(
            f"{total} interaction{'s' if total != 1 else ''} in 24 months (per month)",
            layout=False,
        )
        self._show_give_get(detail.give_get)
        self._fill(detail.timeline, today, "Nothing logged yet: press l to log an interaction.")

    def _show_give_get(self, g: views.GiveGet | None) -> None:
        shown_any = g is not None and (sum(g.gave_monthly) + sum(g.received_monthly)) > 0
        self._give_get_shown(shown_any)
        if g is None or not shown_any:
            return
        self.query_one("#gave-label", Static).update(f"gave {sum(g.gave_monthly)}", layout=False)
        self.query_one("#got-label", Static).update(
            f"received {sum(g.received_monthly)}", layout=False
        )
        _set_data(self.query_one("#spark-gave", Sparkline), list(g.gave_monthly))
        _set_data(self.query_one("#spark-got", Sparkline), list(g.received_monthly))

    def _give_get_shown(self, shown: bool) -> None:
        # Each row's own display, not a class on the pane: a class restyles the pane and
        # everything in it (10 ms, each time the next person on top has a ledger and the
        # last had none, or the other way round).
        for row in self.query(".give-get"):
            row.display = shown

    def show_upcoming(self, items: list[views.TimelineItem], today: date) -> None:
        if self.later(functools.partial(self.show_upcoming, items, today)):
            return
        self.add_class("-nobody")
        self._give_get_shown(False)
        self.query_one("#events-title", Static).update("Upcoming · everyone", layout=False)
        self._fill(items, today, "Nothing coming up in the next 60 days.")

    def _fill(self, items: list[views.TimelineItem], today: date, empty: str) -> None:
        self.items = items
        ol = self.query_one(PaneList)
        presenter = _presenter(self)
        shows = (tuple(items) or empty, today, presenter)
        if shows == self._shows:
            return  # the same rows (another person with the same empty timeline …)
        self._shows = shows
        keep = ol.highlighted
        ol.clear_options()
        if not items:
            ol.add_option(Option(Content.styled(empty, "$text-muted"), disabled=True))
            return
        ol.add_options([Option(timeline_prompt(i, today, presenter)) for i in items])
        if ol.has_focus:
            if keep is not None:
                ol.highlighted = min(keep, len(items) - 1)
            ol.highlight_first()

    @property
    def highlighted(self) -> views.TimelineItem | None:
        if not self.built:
            return None
        ol = self.query_one(OptionList)
        if ol.highlighted is None or not self.items:
            return None
        index = ol.highlighted
        return self.items[index] if index < len(self.items) else None


class NotesPane(BuiltLater):
    """Empathy notes of the selected person: pinned first, by kind, with dates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "screen.pin_note",
            "Pin/unpin",
            id="notes.pin",
            tooltip="Pin or unpin the highlighted note",
        ),
        Binding(
            "e",
            "screen.edit_note",
            "Edit note",
            id="notes.edit",
            tooltip="Edit the highlighted note's text and kind (or Enter)",
        ),
        Binding(
            "delete,d",
            "screen.delete_note",
            "Delete note",
            id="notes.delete",
            tooltip="Delete the highlighted note (undo with u)",
        ),
    ]

    DEFAULT_CSS = """
    NotesPane #notes-title { height: 1; text-style: bold; padding: 0 1; }
    NotesPane OptionList { height: 1fr; border: none; scrollbar-gutter: stable; }
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)
        self.items: list[views.NoteItem] = []
        self._shows: object = None

    def parts(self) -> list[Widget]:
        return [Static("Empathy notes", id="notes-title", markup=False), PaneList(id="notes-list")]

    def show(self, name: str | None, notes: list[views.NoteItem], today: date) -> None:
        if self.later(functools.partial(self.show, name, notes, today)):
            return
        self.items = notes
        title = self.query_one("#notes-title", Static)
        presenter = _presenter(self)
        title.update(
            Content.assemble("Empathy notes · ", shown(name, presenter))
            if name
            else "Empathy notes",
            layout=False,
        )
        ol = self.query_one(PaneList)
        shows = (name is None, tuple(notes), today, presenter)
        if shows == self._shows:
            return  # the same rows (most people have no notes: the same hint)
        self._shows = shows
        keep = ol.highlighted
        ol.clear_options()
        if name is None:
            ol.add_option(
                Option(
                    Content.styled("Select someone to see what matters to them.", "$text-muted"),
                    disabled=True,
                )
            )
        elif not notes:
            ol.add_option(
                Option(
                    Content.styled(
                        "No notes yet: press n to add one (needs, goals, family …).", "$text-muted"
                    ),
                    disabled=True,
                )
            )
        else:
            ol.add_options(
                [Option(note_prompt(n, today, presenter), id=f"note-{n.id}") for n in notes]
            )
            if ol.has_focus:
                if keep is not None:
                    ol.highlighted = min(keep, len(notes) - 1)
                ol.highlight_first()

    @property
    def highlighted(self) -> views.NoteItem | None:
        if not self.built:
            return None
        ol = self.query_one(OptionList)
        if ol.highlighted is None or not self.items:
            return None
        index = ol.highlighted
        return self.items[index] if index < len(self.items) else None
