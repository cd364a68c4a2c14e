"""Pick the kind of interaction with one key: what Today's "done" logs."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kinship.records import INTERACTION_KINDS
from kinship.tui.safe import content

#: One key per interaction kind (shown before it; typing it picks it at once).
KIND_KEYS: dict[str, str] = {
    "call": "c",
    "meeting": "m",
    "message": "s",
    "email": "e",
    "event": "v",
    "thanks": "t",
    "help-given": "h",
    "help-received": "r",
    "intro-given": "i",
    "intro-received": "n",
    "gift-given": "g",
    "gift-received": "f",
    "congratulation": "o",
    "condolence": "d",
    "promise": "p",
}


class KindPicker(ModalScreen[str | None]):
    """Which kind of interaction to log: a key picks one, Enter takes the highlighted one
    (prefilled from what is due), Esc logs nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="kind.cancel", tooltip="Log nothing"),
        Binding("j", "move(1)", "Down", show=False, id="kind.down"),
        Binding("k", "move(-1)", "Up", show=False, id="kind.up"),
    ]
    DEFAULT_CSS = """
    KindPicker { align: center middle; }
    KindPicker > #picker {
        width: 44; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    KindPicker #picker-title { height: auto; margin-bottom: 1; }
    KindPicker #picker-hint { height: auto; color: $text-muted; margin-top: 1; }
    KindPicker OptionList, KindPicker OptionList:focus {
        height: auto; max-height: 17; border: none; padding: 0;
    }
    KindPicker.-phone > #picker { width: 100%; height: 100%; border: none; padding: 0; }
    KindPicker.-phone OptionList { height: 1fr; max-height: 100%; }
    """

    def __init__(self, title: Content | str, kind: str) -> None:
        super().__init__()
        self.title_text = title if isinstance(title, Content) else content(title)
        self.kind = kind if kind in INTERACTION_KINDS else "message"

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title")
            yield OptionList(
                *[
                    Option(Content.assemble((f"{KIND_KEYS[k]}  ", "bold $text-accent"), k), id=k)
                    for k in INTERACTION_KINDS
                ],
                id="kinds",
            )
            yield Static(
                "a key picks · enter takes the highlighted · esc cancels", id="picker-hint"
            )

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        kinds = self.query_one(OptionList)
        kinds.highlighted = INTERACTION_KINDS.index(self.kind)
        kinds.focus()

    def on_key(self, event: Key) -> None:
        for kind, key in KIND_KEYS.items():
            if event.character == key and key not in ("j", "k"):
                event.stop()
                self.dismiss(kind)
                return

    def action_move(self, delta: int) -> None:
        kinds = self.query_one(OptionList)
        (kinds.action_cursor_down if delta > 0 else kinds.action_cursor_up)()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
