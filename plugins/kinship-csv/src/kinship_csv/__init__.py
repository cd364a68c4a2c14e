"""kinship-csv: import LinkedIn "Connections.csv" and Google Contacts CSV exports.

A third-party importer for kinship. It registers one importer, ``csv``, that recognises the
file by its header (so ``kinship import Connections.csv`` needs no ``--format``) and yields
:class:`kinship.records.ContactRecord`\\ s — parse only, no database. It imports only
:data:`kinship.hookimpl` and :mod:`kinship.records`.

LinkedIn (Settings → Data privacy → Get a copy of your data → Connections) writes a few
"Notes:" lines before the header ``First Name,Last Name,URL,Email Address,Company,Position,
Connected On``. Each row becomes a contact with the profile URL as a ``social`` field
(label ``linkedin``), the company and position, and ``met_on`` from *Connected On*
(``26 Nov 2024``).

Google Contacts (contacts.google.com → Export → Google CSV) comes in two forms: the current
one (``First Name,Middle Name,Last Name,…,E-mail 1 - Label,E-mail 1 - Value,…,Labels``)
and the older one (``Name,Given Name,…,Group Membership,E-mail 1 - Type,E-mail 1 -
Value``, UTF-16 in some exports). Numbered column groups (``E-mail 2 - …``, ``Phone 3 -
…``) become fields, several values in one cell (``a@x ::: b@y``) become several fields, a
``*`` before a label marks the preferred one, and *Labels* / *Group Membership* (``*
myContacts ::: Friends``) become tags (Google's ``myContacts`` group is dropped).

UIDs: the exports carry none, so each contact gets a stable UID derived from its LinkedIn
profile URL, else its first email address, else its first phone, else its name and
organisation. Re-importing the same file therefore matches the same contacts, and a person
who is in both exports with the same email gets the same UID from either.

Problems (a row with more cells than the header, a date that cannot be read, a row with no
name) are reported with their line numbers; the rest of the file still imports.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kinship import hookimpl
from kinship.records import (
    ContactRecord,
    FieldRecord,
    Importer,
    ImportProblem,
    PartialDate,
    Record,
)

__all__ = ["header_kind", "kinship_register_importers", "read", "sniff", "stable_uid"]
__version__ = "0.1.0"

#: How much of a file ``sniff`` reads, and how many rows may come before the header.
SNIFF_BYTES = 16 * 1024
MAX_PREAMBLE_ROWS = 50

#: Namespace of the UIDs this plugin derives (uuid5 of a normalised key).
UID_NAMESPACE = uuid.UUID("0b7a3f5e-8c1d-4e59-9a4f-6b696e736376")

LINKEDIN = "linkedin"
GOOGLE = "google"

_LINKEDIN_REQUIRED = {"First Name", "Last Name", "URL", "Connected On"}
_GOOGLE_REQUIRED = {"First Name", "Last Name"}
_GOOGLE_LEGACY_REQUIRED = {"Name", "Given Name", "Family Name"}
_GROUP_RE = re.compile(
    r"^(E-mail|Phone|Address|Website|IM|Event|Relation|Custom Field|Organization) (\d+) - (.+)$"
)
_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DMY_RE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ ,-]*(\d{2}|\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_US_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:,.*)?$")
_MULTI = " ::: "
_GOOGLE_SYSTEM_GROUPS = {"mycontacts", "my contacts"}


@hookimpl
def kinship_register_importers(register: Callable[[Importer], None]) -> None:
    register(
        Importer(
            name="csv",
            description="LinkedIn Connections.csv and Google Contacts CSV exports",
            suffixes=(".csv",),
            read=read,
            sniff=sniff,
        )
    )


# --------------------------------------------------------------------------- recognising


def header_kind(cells: list[str]) -> str | None:
    """``"linkedin"``, ``"google"`` or ``None`` for one CSV row taken as a header."""
    names = {c.strip().lstrip("\ufeff") for c in cells}
    if names >= _LINKEDIN_REQUIRED:
        return LINKEDIN
    grouped = any(_GROUP_RE.match(n) for n in names)
    if names >= _GOOGLE_REQUIRED and (grouped or "Labels" in names):
        return GOOGLE
    if names >= _GOOGLE_LEGACY_REQUIRED and (grouped or "Group Membership" in names):
        return GOOGLE
    return None


def sniff(path: Path) -> bool:
    """Whether ``path`` is a LinkedIn or Google Contacts CSV (judged by its header)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    text, _ = _decode(data)
    if "\x00" in text:
        return False
    lines = text.splitlines()
    if len(data) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in half
    try:
        for n, row in enumerate(csv.reader(lines)):
            if header_kind(row):
                return True
            if n >= MAX_PREAMBLE_ROWS:
                break
    except csv.Error:
        return False
    return False


# --------------------------------------------------------------------------- reading


def read(path: Path) -> Iterator[Record | ImportProblem]:
    """Yield a :class:`ContactRecord` per row and an :class:`ImportProblem` per bad row."""
    src = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ImportProblem(src, f"cannot read: {exc.strerror or exc}", fatal=True)
        return
    text, note = _decode(data)
    if note:
        yield ImportProblem(src, note)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    kind: str | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                kind = header_kind(row)
                if kind:
                    header = [c.strip().lstrip("\ufeff") for c in row]
                elif reader.line_num > MAX_PREAMBLE_ROWS:
                    break
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) > len(header):
                yield ImportProblem(
                    src,
                    f"row has {len(row)} cells but the header has {len(header)} "
                    "(a comma in an unquoted value?); skipped",
                    start,
                )
                continue
            cells = dict(zip(header, (c.strip() for c in row), strict=False))
            problems: list[str] = []
            record = (_linkedin if kind == LINKEDIN else _google)(cells, problems)
            for message in problems:
                yield ImportProblem(src, message, start)
            if record is not None:
                record.line = start
                yield record
    except csv.Error as exc:
        yield ImportProblem(src, f"not valid CSV: {exc}", line, fatal=True)
        return
    if header is None:
        yield ImportProblem(
            src,
            "no LinkedIn (First Name,Last Name,URL,…,Connected On) or Google Contacts "
            "(First Name,…,E-mail 1 - Value / Name,Given Name,…) header found",
            fatal=True,
        )


def _decode(data: bytes) -> tuple[str, str | None]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not valid UTF-8; read as Windows-1252"


def _linkedin(cells: dict[str, str], problems: list[str]) -> ContactRecord | None:
    first, last = cells.get("First Name", ""), cells.get("Last Name", "")
    url, email = cells.get("URL", ""), cells.get("Email Address", "")
    company, position = cells.get("Company", ""), cells.get("Position", "")
    display = " ".join(x for x in (first, last) if x) or email
    if not display:
        problems.append("connection has no name and no email; skipped")
        return None
    fields: list[FieldRecord] = []
    if email:
        fields.append(FieldRecord("email", email, "", preferred=True))
    if url:
        fields.append(FieldRecord("social", url, "linkedin"))
    met_on = None
    connected = cells.get("Connected On", "")
    if connected:
        met_on = parse_date(connected)
        if met_on is None:
            problems.append(f"Connected On: cannot read the date {connected!r}")
    return ContactRecord(
        display_name=display,
        uid=stable_uid(url=url, email=email, name=display, organization=company),
        given_name=first,
        family_name=last,
        organization=company,
        title=position,
        met_how="LinkedIn",
        met_on=met_on,
        fields=fields,
        source=LINKEDIN,
    )


def _google(cells: dict[str, str], problems: list[str]) -> ContactRecord | None:
    groups = _groups(cells)
    first = cells.get("First Name") or cells.get("Given Name", "")
    middle = cells.get("Middle Name") or cells.get("Additional Name", "")
    last = cells.get("Last Name") or cells.get("Family Name", "")
    prefix, suffix = cells.get("Name Prefix", ""), cells.get("Name Suffix", "")
    org = groups.get("Organization", {}).get("1", {})
    organization = cells.get("Organization Name") or org.get("Name", "")
    title = cells.get("Organization Title") or org.get("Title", "")

    fields: list[FieldRecord] = []
    for kind, group in (("email", "E-mail"), ("phone", "Phone"), ("url", "Website")):
        for item in groups.get(group, {}).values():
            fields += _values(kind, item.get("Value", ""), _labels(item))
    for item in groups.get("Address", {}).values():
        fields += _values("address", _address(item), _labels(item))
    for item in groups.get("IM", {}).values():
        service = (item.get("Protocol") or item.get("Service") or "").strip("* ").lower()
        fields += _values("social", item.get("Value", ""), [(service or _label_of(item), False)])
    for item in groups.get("Custom Field", {}).values():
        fields += _values("custom", item.get("Value", ""), _labels(item))

    display = (
        cells.get("Name")
        or " ".join(x for x in (prefix, first, middle, last, suffix) if x)
        or cells.get("File As", "")
        or cells.get("Nickname", "")
        or organization
        or next((f.value for f in fields if f.kind in ("email", "phone")), "")
    )
    if not display:
        problems.append("row has no name, organisation, email or phone; skipped")
        return None

    birthday = _partial(cells.get("Birthday", ""), "Birthday", problems)
    anniversary = None
    extra: dict[str, Any] = {}
    for item in groups.get("Event", {}).values():
        if _label_of(item) == "anniversary" and anniversary is None:
            anniversary = _partial(item.get("Value", ""), "anniversary", problems)
    relations = [
        {"label": _label_of(item), "name": item.get("Value", "")}
        for item in groups.get("Relation", {}).values()
        if item.get("Value")
    ]
    if relations:
        extra["relations"] = relations

    labels = cells.get("Labels") or cells.get("Group Membership", "")
    tags = []
    for raw in labels.split(_MULTI.strip()):
        tag = raw.strip().lstrip("*").strip()
        if tag and tag.casefold() not in _GOOGLE_SYSTEM_GROUPS and tag not in tags:
            tags.append(tag)

    emails = [f.value for f in fields if f.kind == "email"]
    phones = [f.value for f in fields if f.kind == "phone"]
    return ContactRecord(
        display_name=display,
        uid=stable_uid(
            email=emails[0] if emails else "",
            phone=phones[0] if phones else "",
            name=display,
            organization=organization,
        ),
        given_name=first,
        family_name=last,
        nickname=cells.get("Nickname", ""),
        organization=organization,
        title=title,
        birthday=birthday,
        anniversary=anniversary,
        notes=cells.get("Notes", ""),
        tags=tags,
        fields=fields,
        extra=extra,
        source=GOOGLE,
    )


def _groups(cells: dict[str, str]) -> dict[str, dict[str, dict[str, str]]]:
    """``{"E-mail": {"1": {"Label": "* Work", "Value": "…"}}, …}`` from numbered columns."""
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for column, value in cells.items():
        m = _GROUP_RE.match(column)
        if m and value:
            groups.setdefault(m.group(1), {}).setdefault(m.group(2), {})[m.group(3)] = value
    return groups


def _labels(item: dict[str, str]) -> list[tuple[str, bool]]:
    """The labels of a column group, lower-cased, each with whether ``*`` marks it preferred.

    The legacy form lists one type per value (``* Home ::: Work``).
    """
    raw = item.get("Label") or item.get("Type") or ""
    out = []
    for part in raw.split(_MULTI.strip()):
        part = part.strip()
        out.append((part.lstrip("*").strip().lower(), part.startswith("*")))
    return out or [("", False)]


def _label_of(item: dict[str, str]) -> str:
    return _labels(item)[0][0]


def _values(kind: str, value: str, labels: list[tuple[str, bool]]) -> list[FieldRecord]:
    parts = [v.strip() for v in value.split(_MULTI.strip())]
    out = []
    for n, part in enumerate(p for p in parts if p):
        name, preferred = labels[n] if n < len(labels) else (labels[0][0], False)
        out.append(FieldRecord(kind, part, name, preferred=preferred))
    return out


def _address(item: dict[str, str]) -> str:
    formatted = item.get("Formatted", "")
    if not formatted:
        parts = ("Street", "Extended Address", "City", "Region", "Postal Code", "Country")
        formatted = ", ".join(item[p] for p in parts if item.get(p))
    # Several addresses in one cell are separated by " ::: "; keep them apart.
    return _MULTI.join(
        ", ".join(ln.strip() for ln in one.splitlines() if ln.strip())
        for one in formatted.split(_MULTI.strip())
    )


def _partial(value: str, what: str, problems: list[str]) -> PartialDate | None:
    value = value.strip()
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        pass
    full = parse_date(value)
    if full is not None:
        return PartialDate.from_date(full)
    problems.append(f"{what}: cannot read the date {value!r}")
    return None


def parse_date(value: str) -> date | None:
    """``26 Nov 2024`` (LinkedIn), ``2024-11-26`` or ``11/26/24``; ``None`` if unreadable."""
    value = value.strip()
    try:
        if m := _DMY_RE.match(value):
            month = _MONTHS.get(m.group(2).lower())
            if month is None:
                return None
            return date(_year(m.group(3)), month, int(m.group(1)))
        if m := _ISO_RE.match(value):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _US_RE.match(value):
            return date(_year(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    return None


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


# --------------------------------------------------------------------------- identity


def _profile_key(url: str) -> str:
    """``https://www.linkedin.com/in/Ada-L/?trk=x`` → ``linkedin.com/in/ada-l``."""
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{unquote(parts.path).rstrip('/')}".lower()


def stable_uid(
    *, url: str = "", email: str = "", phone: str = "", name: str = "", organization: str = ""
) -> str:
    """A UID that is the same every time the same person is imported.

    From the profile URL if any, else the email, else the phone's digits, else the name and
    organisation.
    """
    if url.strip():
        key = "url:" + _profile_key(url)
    elif email.strip():
        key = "mailto:" + email.strip().lower()
    elif re.sub(r"\D", "", phone):
        key = "tel:" + ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)
    else:
        key = "name:" + " ".join(name.split()).casefold() + "\x00" + organization.casefold()
    return str(uuid.uuid5(UID_NAMESPACE, key))
