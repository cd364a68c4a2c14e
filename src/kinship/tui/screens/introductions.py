"""Introductions: the ones you are making, step by step, and matches of needs and offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kinship.services import views
from kinship.tui.safe import shown
from kinship.tui.widgets.footer import KinshipFooter

if TYPE_CHECKING:
    from kinship.tui.context import AppContext

#: Matches listed under the introductions.
MATCHES = 10
#: Closed introductions listed (the newest).
CLOSED = 10


def load_introductions() -> tuple[list[views.IntroductionView], list[views.Match]]:
    """Everything the screen shows, read on the database thread."""
    return views.introductions(), views.matches(limit=MATCHES)


def advance(intro_id: int, status: str) -> views.IntroductionView:
    from kinship.services import introductions

    return introductions.advance(intro_id, status)


class IntroductionsScreen(Screen[None]):
    """Open introductions with their next step on a key, closed ones, and matches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "next_step",
            "Next step",
            id="intros.next",
            tooltip="Move the introduction on: asked, then made, then followed up",
        ),
        Binding(
            "x", "decline", "Declined", id="intros.decline", tooltip="Mark it declined (closed)"
        ),
        Binding(
            "enter,i",
            "open",
            "Introduce / go to",
            id="intros.open",
            tooltip="On a match: propose the introduction; on an introduction: go to the person",
        ),
        Binding("escape", "back", "Back", id="intros.back", tooltip="Back to the contacts"),
        Binding("j", "move('down')", "Down", show=False, id="intros.down"),
        Binding("k", "move('up')", "Up", show=False, id="intros.up"),
    ]
    DEFAULT_CSS = """
    IntroductionsScreen #intros-status { height: 1; padding: 0 1; color: $text-muted; }
    IntroductionsScreen OptionList, IntroductionsScreen OptionList:focus {
        height: 1fr; border: none;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.intros: dict[str, views.IntroductionView] = {}
        self.matches: dict[str, views.Match] = {}

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="❦" if not self.kapp.plain else "*")
        yield Static("Loading…", id="intros-status", markup=False)
        yield OptionList(id="intros-list")
        yield KinshipFooter()

    def on_mount(self) -> None:
        self.sub_title = "Introductions"
        self.query_one(OptionList).focus()
        self.load()

    @work(exclusive=True, group="intros", exit_on_error=False)
    async def load(self) -> None:
        intros, matches = await self.kapp.db(load_introductions)
        self._fill(intros, matches)

    def _fill(self, intros: list[views.IntroductionView], matches: list[views.Match]) -> None:
        ol = self.query_one(OptionList)
        keep = ol.highlighted
        ol.clear_options()
        self.intros, self.matches = {}, {}
        presenter = self.kapp.presenter
        open_ = [v for v in intros if v.open]
        closed = [v for v in intros if not v.open][:CLOSED]
        sections = (
            ("Open introductions", open_, "none open: propose one from a match below, or o"),
            ("Closed", closed, ""),
        )
        first = True
        for title, views_, empty in sections:
            if not views_ and not empty:
                continue
            if not first:
                ol.add_option(None)
            first = False
            ol.add_option(Option(Content.styled(f"{title} ({len(views_)})", "bold"), disabled=True))
            if not views_:
                ol.add_option(Option(Content.styled(f"  {empty}", "$text-muted"), disabled=True))
            for v in views_:
                key = f"intro-{v.id}"
                self.intros[key] = v
                ol.add_option(Option(self._intro_prompt(v, presenter), id=key))
        ol.add_option(None)
        ol.add_option(
            Option(
                Content.styled(f"Matches of needs and offers ({len(matches)})", "bold"),
                disabled=True,
            )
        )
        if not matches:
            ol.add_option(
                Option(
                    Content.styled(
                        "  none yet: add notes of kind need, goal and offer", "$text-muted"
                    ),
                    disabled=True,
                )
            )
        for n, m in enumerate(matches):
            key = f"match-{n}"
            self.matches[key] = m
            ol.add_option(Option(self._match_prompt(m, presenter), id=key))
        status = self.query_one("#intros-status", Static)
        status.update(f"{len(open_)} open · n next step · x declined · enter introduce or go to")
        if ol.option_count:
            if keep is not None and keep < ol.option_count:
                ol.highlighted = keep
            else:
                ol.highlighted = next(
                    (i for i in range(ol.option_count) if not ol.get_option_at_index(i).disabled),
                    None,
                )

    def _intro_prompt(self, v: views.IntroductionView, presenter: bool) -> Content:
        days = (self.kapp.today - v.status_at.astimezone().date()).days
        when = "today" if days <= 0 else ("yesterday" if days == 1 else f"{days} days ago")
        parts: list[Content | tuple[str, str] | str] = [
            (f"  #{v.id} ", "$text-muted"),
            (shown(v.person.display_name, presenter), "bold"),
            " → ",
            (shown(v.to.display_name, presenter), "bold"),
            (f"  {v.status} {when}", "$warning" if v.open else "$text-muted"),
        ]
        if v.why:
            parts.append((f"  {shown(v.why, presenter)}", "$text-muted"))
        return Content.assemble(*parts)

    def _match_prompt(self, m: views.Match, presenter: bool) -> Content:
        return Content.assemble(
            ("  ", ""),
            (shown(m.need.display_name, presenter), "bold"),
            (f" {'wants' if m.need.kind == 'goal' else 'needs'}: ", "$text-muted"),
            shown(m.need.body, presenter),
            "\n    ",
            (shown(m.offer.display_name, presenter), "bold"),
            (" offers: ", "$text-muted"),
            shown(m.offer.body, presenter),
        )

    def presenter_changed(self) -> None:
        self.load()

    @property
    def current_key(self) -> str:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return ""
        return ol.get_option_at_index(ol.highlighted).id or ""

    def action_move(self, direction: str) -> None:
        ol = self.query_one(OptionList)
        (ol.action_cursor_down if direction == "down" else ol.action_cursor_up)()

    def action_back(self) -> None:
        self.app.pop_screen()

    async def action_next_step(self) -> None:
        intro = self.intros.get(self.current_key)
        if intro is None or not intro.next_statuses:
            self.kapp.say("Select an open introduction first.", severity="warning")
            return
        await self._move(intro, intro.next_statuses[0])

    async def action_decline(self) -> None:
        intro = self.intros.get(self.current_key)
        if intro is None or "declined" not in intro.next_statuses:
            self.kapp.say(
                "Only a proposed or asked introduction can be declined.", severity="warning"
            )
            return
        await self._move(intro, "declined")

    async def _move(self, intro: views.IntroductionView, status: str) -> None:
        try:
            moved = await self.kapp.db(advance, intro.id, status)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.kapp.say(describe_error(exc), severity="error")
            return
        done = {
            "asked": f"asked {moved.to.display_name}",
            "made": "made: logged as help given to both; in two weeks, ask how it went",
            "followed-up": "followed up: closed",
            "declined": "declined: closed",
        }[moved.status]
        self.kapp.say(f"#{moved.id} {done}")
        self._changed(True)

    def action_open(self) -> None:
        key = self.current_key
        if key in self.matches:
            from kinship.tui.dialogs.introduce import IntroduceForm

            self.app.push_screen(IntroduceForm.from_match(self.matches[key]), self._changed)
            return
        intro = self.intros.get(key)
        main = self.kapp.main
        if intro is not None and main is not None:
            self.app.pop_screen()
            main.jump_to(intro.person.uid)

    def _changed(self, result: Any) -> None:
        if result:
            self.load()
            main = self.kapp.main
            if main is not None:
                main.refresh_all()

    @on(OptionList.OptionSelected, "#intros-list")
    def _selected(self) -> None:
        self.action_open()
