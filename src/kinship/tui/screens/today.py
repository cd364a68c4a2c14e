"""Today: who to reach out to, grouped by why (check in, occasions, thank, offer help)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kinship.services import views
from kinship.tui.safe import clean, shown
from kinship.tui.widgets.footer import KinshipFooter

if TYPE_CHECKING:
    from kinship.tui.context import AppContext


def followup_action(
    item: views.TodayItem, action: str, today: date, *, days: int = 7, as_kind: str | None = None
) -> tuple[str, int | None]:
    """Done (``services.checkin``) / snooze / dismiss a Today item: a one-line message, and
    the undo number of what "done" logged (``services.undo.restore`` takes it back).

    Raises LookupError for an item that is not the follow-up service's (the caller then opens
    the log form for "done": logging what happened satisfies a check-in).
    """
    from kinship.services import checkin, followups

    if item.ref is None:
        raise LookupError(f"{action} needs the follow-up service")
    if action == "done":
        report = checkin.done(item.uid, kind=item.kind, as_kind=as_kind)
        message = f"Done: {item.name} (logged {report.interaction_kind}; u to undo)"
        return message, report.undo_id
    if action == "snooze":
        followups.snooze(item.uid, today + timedelta(days=days))
        return f"Snoozed {item.name} for {days} days", None
    if action == "dismiss":
        followups.dismiss(item.uid, kind=item.kind)
        return f"Dismissed: {item.reason or item.kind} ({item.name})", None
    raise ValueError(action)


class TodayScreen(Screen[None]):
    """Due items with done / snooze / dismiss / jump on a key each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "done",
            "Done",
            id="today.done",
            tooltip="Done: pick the kind of interaction (a key, or Enter for the one "
            "suggested) and log it; u takes it back",
        ),
        Binding("z", "snooze", "Snooze 7d", id="today.snooze", tooltip="Snooze for a week"),
        Binding(
            "x", "dismiss_item", "Dismiss", id="today.dismiss", tooltip="Dismiss this suggestion"
        ),
        Binding("enter,g", "jump", "Go to", id="today.jump", tooltip="Jump to the contact"),
        Binding("l", "log", "Log", id="today.log", tooltip="Log an interaction with this person"),
        Binding(
            "u",
            "undo",
            "Undo",
            id="today.undo",
            tooltip="Undo the last done (the interaction goes, the follow-up is back)",
        ),
        Binding("escape", "back", "Back", id="today.back", tooltip="Back to the contacts"),
        Binding("j", "move('down')", "Down", show=False, id="today.down"),
        Binding("k", "move('up')", "Up", show=False, id="today.up"),
    ]
    DEFAULT_CSS = """
    TodayScreen #today-status { height: 1; padding: 0 1; color: $text-muted; }
    TodayScreen OptionList, TodayScreen OptionList:focus {
        height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    TodayScreen #today-detail {
        height: auto; max-height: 3; padding: 0 1; color: $text-muted;
        border-top: solid $border-blurred;
    }
    TodayScreen #today-detail.-none { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, views.TodayItem] = {}
        self.groups: list[views.TodayGroup] = []
        #: How many people are due (the header's count; a person may be in two groups).
        self.people = 0
        self._name_width = 0
        #: What the rows were drawn for: redrawn when the day or presenter mode changed.
        self._drawn_for: tuple[date, bool] | None = None

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="❦" if not self.kapp.plain else "*")
        yield Static("Loading…", id="today-status", markup=False)
        yield OptionList(id="today-list")
        yield Static(id="today-detail", classes="-none", markup=False)
        yield KinshipFooter()

    def on_mount(self) -> None:
        # The app builds this screen once, after the first paint, and keeps it: shown again,
        # not built again (building a screen with a list is most of what opening it cost).
        self.sub_title = f"Today · {self.kapp.today:%A %d %B}"
        self.load()

    def opening(self) -> None:
        """About to be shown from the contacts: start at the top, as a new screen would."""
        ol = self.query_one(OptionList) if self.is_mounted else None
        if ol is not None and self.items:
            ol.highlighted = 1
            ol.scroll_home(animate=False, immediate=True)

    def on_screen_resume(self) -> None:
        """Shown (again): the rows it has at once, fresh ones when the query returns."""
        self.sub_title = f"Today · {self.kapp.today:%A %d %B}"
        if self.groups and self._drawn_for != (self.kapp.today, self.kapp.presenter):
            self._fill()  # the day turned or presenter mode changed while it was away
        ol = self.query_one(OptionList)
        if self.focused is not ol:
            ol.focus()
        self.load()

    @work(exclusive=True, group="today", exit_on_error=False)
    async def load(self) -> None:
        await self.kapp.followups_ready.wait()
        today = self.kapp.today
        # A screenful per group (the totals come from one count): opening Today costs the
        # same with 30 or 30,000 people due; `kinship due` lists them all.
        limit = min(views.TODAY_LIMIT, max(10, self.app.size.height))
        groups = await self.kapp.db(views.today_groups, today, limit=limit)
        people = await self.kapp.db(views.people_due, today)
        if (
            groups == self.groups
            and people == self.people
            and self._drawn_for == (today, self.kapp.presenter)
        ):
            return  # nothing changed: the rows on screen stay, nothing is redrawn
        self.groups, self.people = groups, people
        self._fill()
        if not self.is_current:
            self.call_after_refresh(self._lay_out)

    def _lay_out(self) -> None:
        """Built off screen: laid out off screen too (at the app's size), so that the first
        ``t`` only paints it. Textual lays out only the current screen; this is its own
        layout pass, run early (a resize before ``t`` is laid out again when shown)."""
        size = self.app.size
        if not self.is_current and size:
            self._refresh_layout(size)
            self._layout_required = False

    def _fill(self) -> None:
        """One line per person: name, badge, the reason cut to the width (an ellipsis; the
        whole reason of the highlighted one is shown under the list)."""
        ol = self.query_one(OptionList)
        keep = ol.highlighted
        self._drawn_for = (self.kapp.today, self.kapp.presenter)
        self.items = {}
        self._name_width = self.name_width()
        options: list[Option | None] = []
        n = 0
        for g, group in enumerate(self.groups):
            if g:
                options.append(None)  # a rule between groups
            options.append(
                Option(
                    Content.styled(f"{group.title} ({group.total:,})", "bold $text-accent"),
                    disabled=True,
                )
            )
            for i, item in enumerate(group.items):
                key = f"{group.key}-{i}"
                self.items[key] = item
                options.append(Option(self.prompt(item), id=key))
                n += 1
            if group.total > len(group.items):
                more = group.total - len(group.items)
                options.append(
                    Option(
                        Content(f"  … and {more:,} more: `kinship due` lists them all"),
                        disabled=True,
                    )
                )
        ol.set_options(options)
        self._status()
        if n:
            ol.highlighted = min(keep, ol.option_count - 1) if keep is not None else 1
        self._show_detail()

    def _status(self) -> None:
        status = self.query_one("#today-status", Static)
        if not self.items:
            status.update("Nobody to reach out to today. Enjoy the day.")
            return
        who = f"{self.people:,} to reach out to"
        keys = " · d done · z snooze · x dismiss · enter go to"
        status.update(who + keys if self.app.size.width >= len(who + keys) + 2 else who)

    def name_width(self) -> int:
        """The name column: as wide as the longest name, within a share of the screen."""
        longest = max((cell_len(clean(i.name)) for g in self.groups for i in g.items), default=0)
        return max(8, min(longest, 22, (self.app.size.width - 16) * 2 // 5))

    def on_resize(self) -> None:
        if self.groups and self.name_width() != self._name_width:
            self._fill()
        elif self._drawn_for is not None:
            self._status()

    def prompt(self, item: views.TodayItem) -> Content:
        days = (item.due - self.kapp.today).days
        if days < 0:
            tag, style = f"{-days}d over", "$error"
        elif days == 0:
            tag, style = "today", "$warning"
        else:
            tag, style = f"in {days}d", "$success"
        width = self._name_width or self.name_width()
        presenter = self.kapp.presenter
        name = shown(item.name, presenter)
        if cell_len(name) > width:
            name = set_cell_size(name, width - 1) + "…"
        return Content.assemble(
            ("  ", ""),
            (set_cell_size(name, width), "bold"),
            (f"  {tag:>9}  ", style),
            (shown(item.reason, presenter), "$text-muted"),
        )

    @on(OptionList.OptionHighlighted, "#today-list")
    def _show_detail(self) -> None:
        item = self.current
        detail = self.query_one("#today-detail", Static)
        detail.set_class(item is None, "-none")
        if item is not None:
            presenter = self.kapp.presenter
            detail.update(
                Content.assemble(
                    (shown(item.name, presenter), "bold"), " · ", shown(item.reason, presenter)
                )
            )

    def presenter_changed(self) -> None:
        if self.groups:
            self._fill()

    @property
    def current(self) -> views.TodayItem | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        option = ol.get_option_at_index(ol.highlighted)
        return self.items.get(option.id or "")

    def action_move(self, direction: str) -> None:
        ol = self.query_one(OptionList)
        (ol.action_cursor_down if direction == "down" else ol.action_cursor_up)()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_jump(self) -> None:
        item = self.current
        main = self.kapp.main
        if item is not None and main is not None:
            main.jump_to(item.uid)

    def action_log(self) -> None:
        self._log(self.current)

    def _log(self, item: views.TodayItem | None) -> None:
        from kinship.tui.dialogs.interaction import LogForm

        if item is None:
            return
        # The kind and words of what this item asks for (a loss is not congratulated).
        form = LogForm([(item.uid, item.name)], kind=item.done_as, summary=item.done_summary)
        self.app.push_screen(form, self._after)

    def _after(self, result: Any) -> None:
        if result:
            self.load()
            main = self.kapp.main
            if main is not None:
                main.refresh_all()

    async def _act(self, action: str, as_kind: str | None = None) -> None:
        item = self.current
        if item is None:
            return
        try:
            message, undo_id = await self.kapp.db(
                followup_action, item, action, self.kapp.today, as_kind=as_kind
            )
        except LookupError as exc:
            if action == "done":
                self._log(item)  # logging what happened is what satisfies it
                return
            self.kapp.say(str(exc), severity="warning")
            return
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return
        main = self.kapp.main
        if undo_id is not None and main is not None:
            from kinship.services import undo
            from kinship.tui.undo import Undo

            main.push_undo(Undo(f"done for {clean(item.name)}", lambda: undo.restore(undo_id)))
        self.kapp.say(clean(message))
        self._after(True)

    def action_done(self) -> None:
        """Ask which kind of interaction it was (prefilled from the item), then log it."""
        from kinship.tui.dialogs.kind import KindPicker

        item = self.current
        if item is None:
            return
        if item.ref is None:
            self._log(item)
            return
        title = Content.assemble(
            ("Done: ", "bold"), (shown(item.name, self.kapp.presenter), "bold"), "\nlog it as …"
        )

        async def chosen(kind: str | None) -> None:
            if kind is not None:
                await self._act("done", as_kind=kind)

        self.app.push_screen(KindPicker(title, item.done_as), chosen)

    async def action_undo(self) -> None:
        main = self.kapp.main
        if main is None:
            return
        if await main.undo_last():
            self.load()

    async def action_snooze(self) -> None:
        await self._act("snooze")

    async def action_dismiss_item(self) -> None:
        await self._act("dismiss")

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_jump()
