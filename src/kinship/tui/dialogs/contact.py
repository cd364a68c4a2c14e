"""Add a contact or edit one: name, organization, emails, phones, tags, birthday, cadence."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from kinship.errors import ValidationError
from kinship.tui.dialogs.base import F, FormScreen, split_list
from kinship.tui.safe import content


class ContactForm(FormScreen[str]):
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
                private=True,
            ),
            F(
                "phones",
                "Phones (comma-separated)",
                value=", ".join(i.get("phones", [])),
                private=True,
            ),
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
            F("notes", "Notes", kind="area", value=i.get("notes", ""), private=True),
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
