"""What every form shares: the field spec, the base modal and the people-name helpers.

Each form checks what it can as you save (errors appear under the field), then calls one
service on the database thread. A ``ValidationError``/``Conflict``/``KinshipError`` or a
database error is shown in the form, which stays open with what was typed; success dismisses
it with the result of :meth:`FormScreen.write` (usually the contact UID to select). Edits
pass the version they loaded (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import DescendantBlur, DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, Switch, TextArea

from kinship.errors import Ambiguous, KinshipError, ValidationError
from kinship.tui import bigtext
from kinship.tui.safe import clean
from kinship.tui.widgets import masking

if TYPE_CHECKING:
    from kinship.tui.context import AppContext

#: What a form dismisses with after a successful save (``None`` when cancelled).
T = TypeVar("T")

#: Shown beside the buttons of every form (the keys work from any field).
HINT = "ctrl+s saves · esc cancels"


class FieldError(KinshipError):
    """A service error that belongs under one field of the form."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass
class F:
    """One form field: ``input``, ``area``, ``select`` or ``check``."""

    name: str
    label: str
    kind: str = "input"
    value: Any = ""
    options: Iterable[str] = ()
    placeholder: str = ""
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: Contact details or note text: masked in presenter mode until the field is focused.
    private: bool = False


class FormScreen(ModalScreen[T]):
    """Base of every form: fields, errors under them, Save/Cancel, ctrl+s / escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        # Not a priority binding: it must reach the screen *after* the keys typed before
        # it (over SSH keys come in bursts); as a priority binding "text, ctrl+s" saved
        # the form before the field had seen the text.
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save"),
        # Priority, for the opposite reason: decided when the key arrives. Otherwise the
        # field declines Tab first and the letters after it land in the field being left.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="form.next"),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="form.previous",
        ),
        Binding(
            "ctrl+o",
            "open_editor",
            "Editor",
            id="form.editor",
            tooltip="Edit the multi-line field in $EDITOR (the whole text, however long)",
        ),
    ]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormScreen #form-title { text-style: bold; height: 1; margin-bottom: 1; }
    FormScreen .row { height: auto; margin-bottom: 0; }
    FormScreen .row > .field-label { width: 26; height: auto; color: $text-muted; }
    FormScreen .row > Input, FormScreen .row > Select, FormScreen .row > TextArea { width: 1fr; }
    FormScreen .row { margin-bottom: 1; }
    FormScreen.-short .row { margin-bottom: 0; }
    FormScreen .row > Checkbox { width: auto; }
    FormScreen .field-error { height: auto; color: $error; display: none; margin: 0 0 0 26; }
    FormScreen .field-error.-shown { display: block; }
    FormScreen .field-help { height: auto; color: $text-muted; margin: 0 0 0 26; }
    FormScreen TextArea { height: 4; }
    FormScreen #form-error { color: $error; height: auto; display: none; margin-top: 1; }
    FormScreen #form-error.-shown { display: block; }
    FormScreen #buttons {
        dock: bottom; height: auto; align-horizontal: right; margin-top: 1;
        background: $surface;
    }
    FormScreen #buttons Button { margin-left: 1; min-width: 10; }
    FormScreen #form-hint {
        width: 1fr; height: 3; color: $text-muted; content-align: left middle;
    }
    FormScreen.-phone > #dialog { width: 100%; height: 100%; border: none; padding: 0; }
    FormScreen.-phone .row { layout: vertical; margin-bottom: 0; }
    FormScreen.-phone .row > .field-label { width: 1fr; }
    FormScreen.-phone .field-error, FormScreen.-phone .field-help { margin: 0; }
    FormScreen.-phone .row { margin-bottom: 1; }
    FormScreen.-phone .row > .field-label.-blank { display: none; }
    FormScreen.-phone #buttons { margin-top: 0; }
    FormScreen .row > .field-mask { display: none; width: 1fr; height: 4; color: $text-muted; }
    FormScreen .row.-masked > TextArea { display: none; }
    FormScreen .row.-masked > .field-mask { display: block; }
    """

    title_text = "Form"
    save_label = "Save"
    #: The keys beside the buttons (a form that does not save says what its keys do).
    hint = HINT

    def __init__(self) -> None:
        super().__init__()
        self.saving = False
        #: Field → (text shown in the widget, the value it stands for): a field left as it
        #: was gives back the stored value, hidden characters and all.
        self._shown: dict[str, tuple[str, Any]] = {}

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def fields(self) -> list[F]:
        return []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(self.heading(), id="form-title")
            yield from self.compose_fields()
            yield Static(id="form-error", markup=False)
            with Horizontal(id="buttons"):
                # Always on screen (docked): at 50×20 there is no border, title or footer.
                yield Static(self.hint, id="form-hint", markup=False)
                yield Button("Cancel", id="cancel")
                yield Button(self.save_label, id="save", variant="primary")

    def heading(self) -> Content:
        return Content(self.title_text)

    def compose_fields(self) -> ComposeResult:
        for f in self.fields():
            with Horizontal(classes="row"):
                if f.kind == "check":
                    # The checkbox carries its label: a blank one beside it drew clipped.
                    yield Label("", classes="field-label -blank", markup=False)
                else:
                    yield Label(f.label, classes="field-label", markup=False)
                yield self.widget_for(f)
                if f.private and f.kind == "area":
                    yield masking.FieldMask(f"f-{f.name}")
            if f.help:
                yield Static(f.help, classes="field-help", markup=False)
            yield Static(id=f"e-{f.name}", classes="field-error", markup=False)

    def widget_for(self, f: F) -> Any:
        wid = f"f-{f.name}"
        if f.kind == "select":
            options = [(o, o) for o in f.options]
            return Select(
                options, value=f.value or Select.NULL, id=wid, allow_blank=not f.value, compact=True
            )
        if f.kind == "check":
            return Checkbox(f.label, value=bool(f.value), id=wid, compact=True)
        private = masking.PRIVATE if f.private else ""
        if f.kind == "area":
            # Too long to lay out here (a 10 MB note froze the form): a read-only preview,
            # the whole text a ctrl+o away.
            big = bigtext.is_big(f.value)
            text = clean(bigtext.preview(f.value) if big else f.value, single_line=False)
            self._shown[f.name] = (text, f.value)
            return TextArea(
                text,
                id=wid,
                soft_wrap=True,
                show_line_numbers=False,
                compact=True,
                read_only=big,
                classes=private,
            )
        text = clean(f.value)
        self._shown[f.name] = (text, f.value)
        # Tabbing into a filled field puts the cursor at its end: typing adds to what is
        # there instead of replacing it (Textual selects it all by default).
        return Input(
            value=text,
            placeholder=f.placeholder,
            id=wid,
            compact=True,
            classes=private,
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        self.set_class(self.app.size.height < 36, "-short")
        masking.apply(self)
        # In presenter mode the first field focused is not a private one (focus shows it).
        presenter = masking.presenter_on(self)
        first = [
            w
            for w in self.query("Input, Select, TextArea")
            if not (presenter and w.has_class(masking.PRIVATE))
        ]
        if first:
            first[0].focus()

    def presenter_changed(self) -> None:
        masking.apply(self)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        masking.focused(self, event.widget)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        masking.blurred(self, event.widget)

    def value(self, name: str) -> Any:
        w = self.query_one(f"#f-{name}")
        if isinstance(w, Input | TextArea):
            text = w.value if isinstance(w, Input) else w.text
            shown, stored = self._shown.get(name, (None, None))
            if text == shown and isinstance(stored, str):
                return stored  # untouched: the stored text, not its cleaned display
            return text
        if isinstance(w, Select):
            v = w.value
            return None if v is Select.NULL else v
        if isinstance(w, Checkbox | Switch):
            return bool(w.value)
        raise AssertionError(name)

    # ----------------------------------------------------------------- errors

    def error(self, name: str | None, message: str) -> None:
        target = self.query_one(f"#e-{name}" if name else "#form-error", Static)
        target.update(clean(message))
        target.add_class("-shown")
        self.call_after_refresh(target.scroll_visible, animate=False)

    def clear_errors(self) -> None:
        for w in self.query(".field-error, #form-error"):
            w.remove_class("-shown")
            if isinstance(w, Static):
                w.update("")

    def has_errors(self) -> bool:
        return bool(self.query(".field-error.-shown, #form-error.-shown"))

    def check(self, name: str, func: Callable[[Any], Any]) -> Any:
        """Run a validator on one field; a ValidationError lands under it."""
        try:
            return func(self.value(name))
        except (ValidationError, ValueError) as exc:
            self.error(name, str(exc))
            return None

    # ----------------------------------------------------------------- saving

    def validate(self) -> dict[str, Any] | None:
        """Check fields; return the values to write (``None`` when a field is wrong)."""
        return {}

    def write(self, values: dict[str, Any]) -> T:
        """Runs on the database thread; calls the services."""
        raise NotImplementedError

    async def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        values = self.validate()
        if values is None or self.has_errors():
            self._focus_error()
            return
        self.saving = True
        self._write_and_close(values)

    @work(exclusive=True, group="form-save", exit_on_error=False)
    async def _write_and_close(self, values: dict[str, Any]) -> None:
        # A worker, not the key's handler: while the write waits (a slow plugin hears of
        # it, a busy store), the form and the app keep answering keys — ctrl+q included.
        try:
            result = await self.kapp.db(self.write, values)
        except FieldError as exc:
            self.error(exc.name, str(exc))
            self._focus_error()
            return
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.error(None, describe_error(exc))
            return
        finally:
            self.saving = False
        self.saved(result)
        # A write that returns nothing still closes with a truthy result (not a cancel).
        self.dismiss(result if result is not None else cast(T, True))

    def saved(self, result: T) -> None:
        """Hook after a successful write (e.g. a toast)."""

    def _focus_error(self) -> None:
        for err in self.query(".field-error.-shown"):
            name = (err.id or "").removeprefix("e-")
            with_field = self.query(f"#f-{name}")
            if with_field:
                with_field.first().focus()
                return

    def action_open_editor(self) -> None:
        """The focused multi-line field (else the first) in ``$EDITOR``; what is saved
        there becomes the field's value."""
        areas = [w for w in self.query(TextArea) if (w.id or "").startswith("f-")]
        area = self.focused if self.focused in areas else (areas[0] if areas else None)
        if not isinstance(area, TextArea) or area.id is None:
            return
        name = area.id.removeprefix("f-")
        lifeline = getattr(self.app, "lifeline", None)
        try:
            edited = bigtext.edit_externally(
                str(self.value(name) or ""),
                suspend=self.app.suspend,
                on_leftover=lifeline.on_hard_exit if lifeline is not None else None,
            )
        except bigtext.EditorError as exc:
            self.kapp.say(str(exc), severity="error")
            return
        except SuspendNotSupported:
            self.kapp.say("This terminal cannot hand over to an editor.", severity="error")
            return
        if edited is not None:
            self.set_area(name, edited)

    def set_area(self, name: str, value: str) -> None:
        """Put ``value`` in the multi-line field ``name`` (a preview when too long)."""
        area = self.query_one(f"#f-{name}", TextArea)
        big = bigtext.is_big(value)
        text = clean(bigtext.preview(value) if big else value, single_line=False)
        area.read_only = big
        area.load_text(text)
        self._shown[name] = (text, value)

    def action_cancel(self) -> None:
        if self.saving:
            # The write is on its way and will land; closing now would hide its result.
            self.kapp.say("Still saving…", severity="warning")
            return
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    async def _save(self) -> None:
        await self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_save()


# --------------------------------------------------------------------------- helpers


def split_list(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def resolve_people(field_name: str, text: str, known: dict[str, str]) -> list[str]:
    """Names (comma-separated) → UIDs; names the form was opened with map straight to theirs."""
    from kinship.services import contacts

    uids: list[str] = []
    names = split_list(text)
    if not names:
        raise FieldError(field_name, "who was there? give at least one name")
    for name in names:
        if name in known:
            uids.append(known[name])
            continue
        try:
            uids.append(contacts.resolve(name).uid)
        except Ambiguous as exc:
            options = ", ".join(n for _, n in exc.candidates[:4])
            raise FieldError(
                field_name,
                f"{name!r} matches {len(exc.candidates)} people ({options}); type more of the name",
            ) from None
        except KinshipError as exc:
            raise FieldError(field_name, str(exc)) from None
    return list(dict.fromkeys(uids))
