"""Today: who to reach out to, grouped by why (check in, occasions, thank, offer help)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from kinship.tui import data
from kinship.tui.safe import clean, content

if TYPE_CHECKING:
    from kinship.tui.app import KinshipApp


class TodayScreen(Screen[None]):
    """Due items with done / snooze / dismiss / jump on a key each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "done",
            "Done",
            id="today.done",
            tooltip="Done: log the interaction that satisfies it",
        ),
        Binding("z", "snooze", "Snooze 7d", id="today.snooze", tooltip="Snooze for a week"),
        Binding(
            "x", "dismiss_item", "Dismiss", id="today.dismiss", tooltip="Dismiss this suggestion"
        ),
        Binding("enter,g", "jump", "Go to", id="today.jump", tooltip="Jump to the contact"),
        Binding("l", "log", "Log", id="today.log", tooltip="Log an interaction with this person"),
        Binding("escape", "back", "Back", id="today.back", tooltip="Back to the contacts"),
    ]
    DEFAULT_CSS = """
    TodayScreen #today-status { height: 1; padding: 0 1; color: $text-muted; }
    TodayScreen OptionList { height: 1fr; border: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, data.TodayItem] = {}

    @property
    def kapp(self) -> KinshipApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="❦" if not self.kapp.plain else "*")
        yield Static("Loading…", id="today-status", markup=False)
        yield OptionList(id="today-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Today · {self.kapp.today:%A %d %B}"
        self.query_one(OptionList).focus()
        self.load()

    @work(exclusive=True, group="today", exit_on_error=False)
    async def load(self) -> None:
        await self.kapp.followups_ready.wait()
        groups = await self.kapp.db(data.today_groups, self.kapp.today)
        ol = self.query_one(OptionList)
        keep = ol.highlighted
        ol.clear_options()
        self.items = {}
        n = 0
        for group in groups:
            ol.add_option(
                Option(
                    Content.styled(f"{group.title} ({len(group.items)})", "bold $text-accent"),
                    disabled=True,
                )
            )
            for i, item in enumerate(group.items):
                key = f"{group.key}-{i}"
                self.items[key] = item
                ol.add_option(Option(self.prompt(item), id=key))
                n += 1
            ol.add_option(None)
        status = self.query_one("#today-status", Static)
        if n:
            status.update(f"{n} to reach out to · d done · z snooze · x dismiss · enter go to")
            ol.highlighted = min(keep, ol.option_count - 1) if keep is not None else 1
        else:
            status.update("Nobody to reach out to today. Enjoy the day.")

    def prompt(self, item: data.TodayItem) -> Content:
        days = (item.due - self.kapp.today).days
        if days < 0:
            tag, style = f"{-days}d over", "$error"
        elif days == 0:
            tag, style = "today", "$warning"
        else:
            tag, style = f"in {days}d", "$success"
        return Content.assemble(
            ("  ", ""),
            content(item.name, "bold"),
            (f"  {tag:>9}  ", style),
            content(item.reason, "$text-muted"),
        )

    @property
    def current(self) -> data.TodayItem | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        option = ol.get_option_at_index(ol.highlighted)
        return self.items.get(option.id or "")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_jump(self) -> None:
        item = self.current
        main = self.kapp.main
        if item is not None and main is not None:
            main.jump_to(item.uid)

    def action_log(self) -> None:
        self._log(self.current)

    def _log(self, item: data.TodayItem | None) -> None:
        from kinship.tui.screens.forms import LogForm

        if item is None:
            return
        kind = data.DONE_KIND.get(item.group, "meeting")
        summary = {
            "thank": "Said thank you",
            "occasion": "Congratulated",
            "offer-help": "Offered help",
        }.get(item.group, "Checked in")
        self.app.push_screen(
            LogForm([(item.uid, item.name)], kind=kind, summary=summary), self._after
        )

    def _after(self, result: Any) -> None:
        if result:
            self.load()
            main = self.kapp.main
            if main is not None:
                main.refresh_all()

    async def _act(self, action: str) -> None:
        item = self.current
        if item is None:
            return
        try:
            message = await self.kapp.db(data.followup_action, item, action, self.kapp.today)
        except LookupError as exc:
            if action == "done":
                self._log(item)  # logging what happened is what satisfies it
                return
            self.kapp.say(str(exc), severity="warning")
            return
        except Exception as exc:
            from kinship.tui.app import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return
        self.kapp.say(clean(message))
        self._after(True)

    async def action_done(self) -> None:
        await self._act("done")

    async def action_snooze(self) -> None:
        await self._act("snooze")

    async def action_dismiss_item(self) -> None:
        await self._act("dismiss")

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_jump()
