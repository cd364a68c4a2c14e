"""Forms as modal screens with inline validation.

Each form checks what it can as you save (errors appear under the field), then calls one
service on the database thread. A ``ValidationError``/``Conflict``/``KinshipError`` or a
database error is shown in the form, which stays open with what was typed; success dismisses
it with the contact UID to select. Edits pass the version they loaded (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Mount
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    Switch,
    TextArea,
)
from textual.widgets.option_list import Option

from kinship.errors import Ambiguous, KinshipError, ValidationError
from kinship.records import EVENT_KINDS, INTERACTION_KINDS, NOTE_KINDS, RELATIONSHIP_KINDS
from kinship.tui.safe import clean, content

if TYPE_CHECKING:
    from kinship.tui.context import AppContext
    from kinship.tui.data import NoteItem, RelationItem


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


class FormScreen(ModalScreen[Any]):
    """Base of every form: fields, errors under them, Save/Cancel, ctrl+s / escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save", priority=True),
    ]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormScreen #form-title { text-style: bold; height: 1; margin-bottom: 1; }
    FormScreen .row { height: auto; margin-bottom: 0; }
    FormScreen .row > .field-label { width: 26; height: 1; color: $text-muted; }
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
    FormScreen #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    FormScreen #buttons Button { margin-left: 1; min-width: 10; }
    FormScreen.-phone > #dialog { width: 100%; height: 100%; border: none; padding: 0; }
    FormScreen.-phone .row { layout: vertical; margin-bottom: 0; }
    FormScreen.-phone .row > .field-label { width: 1fr; }
    FormScreen.-phone .field-error, FormScreen.-phone .field-help { margin: 0; }
    FormScreen.-phone .row { margin-bottom: 1; }
    """

    title_text = "Form"
    save_label = "Save"

    def __init__(self) -> None:
        super().__init__()
        self.saving = False

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
                yield Button("Cancel", id="cancel")
                yield Button(self.save_label, id="save", variant="primary")

    def heading(self) -> Content:
        return Content(self.title_text)

    def compose_fields(self) -> ComposeResult:
        for f in self.fields():
            with Horizontal(classes="row"):
                yield Label(f.label, classes="field-label", markup=False)
                yield self.widget_for(f)
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
            return Checkbox("", value=bool(f.value), id=wid, compact=True)
        if f.kind == "area":
            return TextArea(
                clean(f.value, single_line=False),
                id=wid,
                soft_wrap=True,
                show_line_numbers=False,
                compact=True,
            )
        return Input(value=clean(f.value), placeholder=f.placeholder, id=wid, compact=True)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        self.set_class(self.app.size.height < 36, "-short")
        first = self.query("Input, Select, TextArea")
        if first:
            first.first().focus()

    def value(self, name: str) -> Any:
        w = self.query_one(f"#f-{name}")
        if isinstance(w, Input):
            return w.value
        if isinstance(w, TextArea):
            return w.text
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

    def write(self, values: dict[str, Any]) -> Any:
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
        self.dismiss(result if result is not None else True)

    def saved(self, result: Any) -> None:
        """Hook after a successful write (e.g. a toast)."""

    def _focus_error(self) -> None:
        for err in self.query(".field-error.-shown"):
            name = (err.id or "").removeprefix("e-")
            with_field = self.query(f"#f-{name}")
            if with_field:
                with_field.first().focus()
                return

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    async def _save(self) -> None:
        await self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

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


# --------------------------------------------------------------------------- contact


class ContactForm(FormScreen):
    """Add a contact (``initial`` None) or edit one (``initial`` from ``data.editable``)."""

    def __init__(self, initial: dict[str, Any] | None) -> None:
        super().__init__()
        self.initial = initial or {}
        self.editing = initial is not None
        self.title_text = "Edit contact" if self.editing else "Add a contact"

    def heading(self) -> Content:
        if self.editing:
            return Content.assemble("Edit · ", content(self.initial.get("display_name", "")))
        return Content("Add a contact")

    def fields(self) -> list[F]:
        i = self.initial
        cadence = i.get("cadence_days")
        return [
            F("display_name", "Name", value=i.get("display_name", ""), placeholder="Ada Lovelace"),
            F("organization", "Organization", value=i.get("organization", "")),
            F("title", "Title", value=i.get("title", "")),
            F(
                "emails",
                "Emails (comma-separated)",
                value=", ".join(i.get("emails", [])),
                placeholder="ada@example.org",
            ),
            F("phones", "Phones (comma-separated)", value=", ".join(i.get("phones", []))),
            F(
                "tags",
                "Tags (comma-separated)",
                value=", ".join(i.get("tags", [])),
                placeholder="mentors, inner circle",
            ),
            F(
                "birthday",
                "Birthday",
                value=i.get("birthday", ""),
                placeholder="1815-12-10 or --12-10 (no year)",
            ),
            F(
                "cadence_days",
                "Check in every … days",
                value="" if cadence is None else str(cadence),
                placeholder="30 (empty: no cadence)",
            ),
            F(
                "strategy",
                "Follow-up strategy",
                value=i.get("strategy", ""),
                placeholder="empty: the default strategies",
            ),
            F("notes", "Notes", kind="area", value=i.get("notes", "")),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_partial
        from kinship.services import contacts

        out: dict[str, Any] = {}
        out["display_name"] = self.check("display_name", contacts.validate_name)
        out["organization"] = self.value("organization").strip()
        out["title"] = self.value("title").strip()
        out["emails"] = self.check(
            "emails", lambda v: [contacts.validate_field("email", e) for e in split_list(v)]
        )
        out["phones"] = self.check(
            "phones", lambda v: [contacts.validate_field("phone", p) for p in split_list(v)]
        )
        out["tags"] = self.check(
            "tags", lambda v: [contacts.validate_tag(t) for t in split_list(v)]
        )
        out["birthday"] = self.check(
            "birthday", lambda v: str(parse_partial(v)) if v.strip() else None
        )

        def cadence(v: str) -> int | None:
            v = v.strip()
            if not v:
                return None
            if not v.isdigit():
                raise ValidationError("a whole number of days, e.g. 30")
            return contacts.validate_cadence(int(v))

        out["cadence_days"] = self.check("cadence_days", cadence)
        out["strategy"] = self.value("strategy").strip()
        out["notes"] = self.value("notes")
        return out

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import contacts

        name = values.pop("display_name")
        emails, phones, tags = values.pop("emails"), values.pop("phones"), values.pop("tags")
        if self.editing:
            i = self.initial

            def norm(v: Any) -> Any:
                return None if v in (None, "") else v

            changes = {k: v for k, v in values.items() if norm(v) != norm(i.get(k))}
            if name != i.get("display_name"):
                changes["display_name"] = name
            c = contacts.update(
                i["uid"],
                i["version"],
                emails=emails if emails != i.get("emails") else None,
                phones=phones if phones != i.get("phones") else None,
                tags=tags if tags != i.get("tags") else None,
                **changes,
            )
        else:
            attrs = {k: v for k, v in values.items() if v not in (None, "")}
            c = contacts.add(name, emails=emails, phones=phones, tags=tags, **attrs)
        return str(c.uid)

    def saved(self, result: Any) -> None:
        self.kapp.say(f"Saved {self.value('display_name').strip()}")


# --------------------------------------------------------------------------- interaction


class LogForm(FormScreen):
    """Log what happened with one or more people."""

    title_text = "Log an interaction"

    def __init__(
        self, people: list[tuple[str, str]], *, kind: str = "meeting", summary: str = ""
    ) -> None:
        super().__init__()
        self.people = people
        self.known = {clean(name): uid for uid, name in people}
        self.kind = kind if kind in INTERACTION_KINDS else "meeting"
        self.summary = summary

    def fields(self) -> list[F]:
        return [
            F(
                "summary",
                "What happened",
                value=self.summary,
                placeholder="Coffee at the conference",
            ),
            F("people", "With (comma-separated names)", value=", ".join(self.known)),
            F("kind", "Kind", kind="select", value=self.kind, options=INTERACTION_KINDS),
            F(
                "when",
                "When",
                value="today",
                placeholder="today, yesterday, 3 days ago, 2024-05-01",
            ),
            F("notes", "Notes", kind="area"),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_datetime

        summary = self.value("summary").strip()
        if not summary:
            self.error("summary", "say in a few words what happened")
        when = self.check("when", lambda v: parse_datetime(v or "now"))
        if not split_list(self.value("people")):
            self.error("people", "who was there? give at least one name")
        return {
            "summary": summary,
            "people": self.value("people"),
            "kind": self.value("kind") or "meeting",
            "when": when,
            "notes": self.value("notes"),
        }

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import interactions

        uids = resolve_people("people", values["people"], self.known)
        try:
            interactions.log(
                values["summary"],
                uids,
                kind=values["kind"],
                occurred_at=values["when"],
                notes=values["notes"],
            )
        except ValidationError as exc:
            if "future" in str(exc) or "date" in str(exc):
                raise FieldError("when", str(exc)) from None
            raise
        return uids[0]

    def saved(self, result: Any) -> None:
        self.kapp.say(f"Logged: {self.value('summary').strip()}")


# --------------------------------------------------------------------------- note


class NoteForm(FormScreen):
    """Add an empathy note (need, goal, challenge, family …), or edit one (``note``)."""

    def __init__(self, uid: str, name: str, *, note: NoteItem | None = None) -> None:
        super().__init__()
        self.uid, self.who = uid, name
        self.note = note

    def heading(self) -> Content:
        verb = "Edit the note about " if self.note is not None else "Note about "
        return Content.assemble(verb, content(self.who))

    def fields(self) -> list[F]:
        n = self.note
        return [
            F(
                "kind",
                "Kind",
                kind="select",
                value=n.kind if n is not None else "general",
                options=NOTE_KINDS,
            ),
            F("body", "Note", kind="area", value=n.body if n is not None else ""),
            F(
                "pinned",
                "Pinned (shown first and in the brief)",
                kind="check",
                value=n.pinned if n is not None else False,
            ),
        ]

    def validate(self) -> dict[str, Any] | None:
        body = self.value("body").strip()
        if not body:
            self.error("body", "a note needs some text")
        return {
            "kind": self.value("kind") or "general",
            "body": body,
            "pinned": self.value("pinned"),
        }

    def write(self, values: dict[str, Any]) -> str:
        from kinship.services import contacts, notes

        if self.note is not None:
            notes.update(
                self.note.id, body=values["body"], kind=values["kind"], pinned=values["pinned"]
            )
            return self.uid
        contact = contacts.get(self.uid)
        notes.add(contact, values["body"], kind=values["kind"], pinned=values["pinned"])
        return self.uid


# --------------------------------------------------------------------------- event


class EventForm(FormScreen):
    """Add an event or a life event (new job, wedding, baby, move, loss …)."""

    title_text = "Add an event"

    def __init__(self, people: list[tuple[str, str]], *, kind: str = "event") -> None:
        super().__init__()
        self.known = {clean(name): uid for uid, name in people}
        self.kind = kind

    def fields(self) -> list[F]:
        return [
            F("summary", "What", placeholder="Started at Acme / PyCon dinner"),
            F(
                "kind",
                "Kind",
                kind="select",
                value=self.kind,
                options=EVENT_KINDS,
                help="new-job, wedding, baby, move, loss … are life events",
            ),
            F("when", "When", value="today", placeholder="2024-06-01, tomorrow, in 2 weeks"),
            F("people", "People (comma-separated)", value=", ".join(self.known)),
            F("location", "Where"),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_date

        summary = self.value("summary").strip()
        if not summary:
            self.error("summary", "an event needs a summary")
        when = self.check("when", lambda v: parse_date(v, self.kapp.today))
        return {
            "summary": summary,
            "kind": self.value("kind") or "event",
            "when": when,
            "people": self.value("people"),
            "location": self.value("location").strip(),
        }

    def write(self, values: dict[str, Any]) -> str | bool:
        from kinship.services import contacts, events

        uids = (
            resolve_people("people", values["people"], self.known)
            if split_list(values["people"])
            else []
        )
        people = [contacts.get(u) for u in uids]
        events.add(
            values["summary"],
            values["when"],
            kind=values["kind"],
            people=people,
            location=values["location"],
        )
        return uids[0] if uids else True


# --------------------------------------------------------------------------- relate


class RelateForm(FormScreen):
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
        yield OptionList(id="relations")

    @on(Mount)
    async def _load_on_mount(self) -> None:  # FormScreen.on_mount runs too
        await self.load_relations()

    async def load_relations(self) -> None:
        from kinship.services import contacts
        from kinship.tui import data

        def load() -> list[RelationItem]:
            return data.relations(contacts.get(self.uid).id)

        self.relations = await self.kapp.db(load)
        ol = self.query_one("#relations", OptionList)
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


# --------------------------------------------------------------------------- merge


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


class MergeForm(FormScreen):
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
        from kinship.tui import data

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
            mine = data.editable(contacts.get(self.uid).id)
            other = data.editable(contacts.get(uid).id)
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


# --------------------------------------------------------------------------- confirm


class ConfirmScreen(ModalScreen[bool]):
    """Ask before a destructive action: y / Enter confirms, n / Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #dialog {
        width: 60; max-width: 100%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    """

    def __init__(self, question: Content) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(self.question)
            with Horizontal(id="buttons"):
                yield Button("No", id="no")
                yield Button("Yes", id="yes", variant="warning")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
