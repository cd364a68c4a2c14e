"""vCard 2.1/3.0/4.0 import and export, as single files or vdir folders.

Reading splits the file into cards itself (tracking line numbers, one card in memory at a
time) and parses each with vobject, so a bad card costs only that card. Writing does not use
vobject: it emits the small subset of vCard kinship needs, deterministically (same records →
same bytes), which is what keeps vdir exports from rewriting unchanged files.

Mapping notes, for the services and for users:

- Addresses are kept as one readable string (``street, city, region, code, country``) and
  written back as the street component of ``ADR``.
- ``ORG`` keeps its first unit as ``organization``; further units (departments) go to
  ``extra["org_units"]``. Photos up to :data:`PHOTO_LIMIT` go to ``extra["photo"]`` as a
  ``data:`` URI (or the URL they point to).
- A card without ``UID`` gets a stable one derived from its name, first email and first
  phone, so re-importing the same file is idempotent.
- kinship's own fields (cadence, strategy, how/when met, archived, other ``extra`` keys) are
  written as ``X-KINSHIP-*`` properties, so export → import is lossless.
- Year-less dates are written ``--MMDD`` (khard and khal's birthday calendar read that form;
  khal rejects ``--MM-DD`` and neither honours Apple's ``X-APPLE-OMIT-YEAR``).
- The vdir exporter never deletes files: cards for contacts no longer exported stay.

Why one file of this size: a builtin plugin sees only kinship.records and hookspecs, so the
reader, the writer and the vdir walk that share its escaping rules stay in one module.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from kinship import hookimpl
from kinship.builtin._io import (
    atomic_writer,
    decode,
    describe_problem,
    dir_files,
    first_line,
    read_lines,
    safe_filename,
    split_components,
    write_if_changed,
)
from kinship.records import (
    ContactRecord,
    ExportBundle,
    Exporter,
    FieldRecord,
    Importer,
    ImportProblem,
    PartialDate,
    Record,
)

SUFFIXES = (".vcf", ".vcard")
#: Largest photo (base64 characters) kept in ``extra["photo"]``.
PHOTO_LIMIT = 256 * 1024
_UID_NAMESPACE = uuid.UUID("6f1c1c9e-6d55-4c1e-9a57-6b696e736869")

_IGNORED_TYPES = frozenset(
    {"pref", "internet", "x400", "quoted-printable", "base64", "b", "8bit", "7bit", "uri"}
)
_SIMPLE_LABEL_RE = re.compile(r"^[a-z0-9-]+(?:,[a-z0-9-]+)*$")
_APPLE_LABEL_RE = re.compile(r"^_\$!<(.*)>!\$_$")
_DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T[\d:]*(?:Z|[+-][\d:]+)?)?$")
_NOYEAR_RE = re.compile(r"^--(\d{2})-?(\d{2})$")
_FOLDED_RE = re.compile(r"\r?\n[ \t]")
_DATA_PHOTO_RE = re.compile(r"(?im)^(?:[\w-]+\.)?PHOTO(?:;[^:\r\n]*)?:(data:[^\r\n]*)")
# Properties where a comma separates values; elsewhere vobject would wrongly cut the value at
# the first unescaped comma ("FN:Smith, PhD" → "Smith"), so those commas get escaped first.
_LIST_PROPS = frozenset(
    {
        "N",
        "ADR",
        "CATEGORIES",
        "NICKNAME",
        "PHOTO",
        "LOGO",
        "SOUND",
        "KEY",
        "GEO",
        "CLIENTPIDMAP",
        "PID",
        "GENDER",
        "REV",
        "VERSION",
    }
)
_COMMA_RE = re.compile(r"(?<!\\),")
_SOCIAL_X_PROPS = {
    "x-aim": "aim",
    "x-icq": "icq",
    "x-jabber": "jabber",
    "x-msn": "msn",
    "x-yahoo": "yahoo",
    "x-skype": "skype",
    "x-skype-username": "skype",
    "x-twitter": "twitter",
    "x-google-talk": "gtalk",
    "x-gtalk": "gtalk",
    "x-qq": "qq",
}
_FIELD_PROPS = {"email": "email", "tel": "phone", "adr": "address", "url": "url"}
_EXTRA_KEYS = ("photo", "org_units")


@hookimpl
def kinship_register_importers(register: Any) -> None:
    register(
        Importer(
            name="vcard",
            description="vCard 2.1/3.0/4.0 files and vdir folders of .vcf files",
            suffixes=SUFFIXES,
            read=read,
            sniff=sniff,
        )
    )


@hookimpl
def kinship_register_exporters(register: Any) -> None:
    register(
        Exporter(
            name="vcard",
            description="one .vcf file (vCard 3.0; option vcard_version=4.0)",
            suffix=".vcf",
            write=write,
            sniff=_is_vcard_file,
        )
    )
    register(
        Exporter(
            name="vdir",
            description="a vdir folder, one UID-named .vcf per contact (khard, vdirsyncer)",
            suffix="",
            write=write_vdir,
            sniff=is_vdir,
        )
    )


# --------------------------------------------------------------------------- reading


def sniff(path: Path) -> bool:
    if path.is_dir():
        return bool(dir_files(path, SUFFIXES))
    return first_line(path) == "BEGIN:VCARD"


def _is_vcard_file(path: Path) -> bool:
    return path.is_file() and first_line(path) == "BEGIN:VCARD"


#: Files a vdir may hold besides its ``.vcf`` items (vdir storage metadata).
VDIR_METADATA = frozenset({"color", "displayname", "description", "order"})


def is_vdir(path: Path) -> bool:
    """Whether the folder ``path`` looks like a vdir: ``.vcf`` files, vdir metadata and
    hidden entries (vdirsyncer's and our temp files) only, no sub-folders."""
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    return False
                if entry.name not in VDIR_METADATA and not entry.name.lower().endswith(".vcf"):
                    return False
    except OSError:
        return False
    return True


def read(path: Path) -> Iterator[Record | ImportProblem]:
    """Yield a :class:`ContactRecord` per card, and problems for cards that can't be read."""
    if path.is_dir():
        files = dir_files(path, SUFFIXES)
        if not files:
            yield ImportProblem(str(path), "no .vcf files in this folder", fatal=True)
        for f in files:
            yield from _read_file(f, in_vdir=True)
    else:
        yield from _read_file(path, in_vdir=False)


def _read_file(path: Path, *, in_vdir: bool) -> Iterator[Record | ImportProblem]:
    import vobject

    src = str(path)
    found = 0
    try:
        for start, block, error in split_components(read_lines(path), b"VCARD"):
            found += 1
            if error:
                yield ImportProblem(src, f"vCard skipped: {error}", start)
                continue
            yield from _read_card(vobject, b"".join(block), src, start)
    except OSError as exc:
        yield ImportProblem(src, f"cannot read file: {exc.strerror or exc}", fatal=True)
        return
    if not found:
        # In a vdir one stray file must not abort the whole folder.
        yield ImportProblem(src, "no vCard in this file (no BEGIN:VCARD line)", fatal=not in_vdir)


def _read_card(vobject: Any, raw: bytes, src: str, start: int) -> Iterator[Record | ImportProblem]:
    text, note = decode(raw)
    if note:
        yield ImportProblem(src, f"vCard {note}", start)
    try:
        card = vobject.readOne(_protect_commas(text) if "," in text else text, allowQP=True)
    except Exception as exc:
        # Retry without the unreadable lines, so one bad property does not lose the contact.
        try:
            card = vobject.readOne(text, allowQP=True, ignoreUnreadable=True)
        except Exception:
            yield ImportProblem(
                src, f"vCard skipped: {describe_problem(exc)}", _err_line(exc, start)
            )
            return
        yield ImportProblem(
            src, f"unreadable line(s) skipped: {describe_problem(exc)}", _err_line(exc, start)
        )
    try:
        problems: list[str] = []
        record = _to_record(card, text, problems)
    except Exception as exc:
        yield ImportProblem(src, f"vCard skipped: {describe_problem(exc)}", start)
        return
    for message in problems:
        yield ImportProblem(src, message, start)
    if record is not None:
        record.source, record.line = src, start
        yield record


def _protect_commas(text: str) -> str:
    """Escape bare commas in single-valued properties (see :data:`_LIST_PROPS`)."""
    out: list[str] = []
    protect = qp = continues = False
    for line in text.splitlines(keepends=True):
        body = line
        if not (continues or line[:1] in (" ", "\t")):
            colon = _value_start(line)
            head = line[: colon + 1]
            name = head.split(";", 1)[0].rstrip(":").rsplit(".", 1)[-1].strip().upper()
            protect = colon > 0 and name not in _LIST_PROPS
            qp = "QUOTED-PRINTABLE" in head.upper()
            out.append(head)
            body = line[colon + 1 :]
        if protect and "," in body:
            body = _COMMA_RE.sub(r"\\,", body)
        out.append(body)
        # A vCard 2.1 quoted-printable soft line break: the next line continues this value.
        continues = qp and body.rstrip("\r\n").endswith("=")
    return "".join(out)


def _value_start(line: str) -> int:
    """Index of the colon ending a content line's name and parameters (-1 if none)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def _err_line(exc: Exception, start: int) -> int:
    # vobject counts lines within the card text it was given.
    n = getattr(exc, "lineNumber", None)
    return start + n - 1 if isinstance(n, int) and n > 0 else start


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if _text(v))
    if isinstance(value, bytes):
        return ""
    return str(value).strip() if value is not None else ""


def _name_part(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(p for p in (_text(v) for v in value) if p)
    return _text(value)


def _param(line: Any, name: str) -> str:
    values = line.params.get(name) or []
    return str(values[0]) if values else ""


def _types(line: Any) -> list[str]:
    out: list[str] = []
    for v in [*line.params.get("TYPE", []), *line.singletonparams]:
        out += [t.strip().lower() for t in str(v).split(",") if t.strip()]
    return out


def _label(types: list[str], ab_label: str | None) -> str:
    if ab_label:
        return ab_label
    seen: list[str] = []
    for t in types:
        if t not in _IGNORED_TYPES and t not in seen:
            seen.append(t)
    return ",".join(seen)


def _ab_label(value: Any) -> str:
    text = _text(value)
    m = _APPLE_LABEL_RE.match(text)
    return m.group(1).lower() if m else text


def _partial_date(line: Any, problems: list[str]) -> PartialDate | None:
    value = _text(line.value)
    name = line.name.upper()
    if _param(line, "VALUE").lower() == "text":
        problems.append(f"{name} {value!r} is text, not a date; skipped")
        return None
    try:
        m = _DATE_RE.match(value)
        if m:
            year: int | None = int(m.group(1))
            omit = _param(line, "X-APPLE-OMIT-YEAR")
            if year == 0 or (omit and omit == m.group(1)):
                year = None
            return PartialDate(int(m.group(2)), int(m.group(3)), year)
        m = _NOYEAR_RE.match(value)
        if m:
            return PartialDate(int(m.group(1)), int(m.group(2)))
    except ValueError:
        pass
    problems.append(f"{name} {value!r} is not a date; skipped")
    return None


def _photo(line: Any, text: str, problems: list[str]) -> str:
    value = line.value
    if isinstance(value, bytes):
        subtype = (_param(line, "TYPE") or next(iter(line.singletonparams), "") or "jpeg").lower()
        photo = f"data:image/{subtype};base64," + base64.b64encode(value).decode("ascii")
    else:
        photo = _text(value)
        if photo.lower().startswith("data:"):
            # vobject cuts a vCard 4.0 data: URI at its ";": take it from the raw text.
            m = _DATA_PHOTO_RE.search(_FOLDED_RE.sub("", text))
            photo = m.group(1).strip() if m else ""
    if len(photo) > PHOTO_LIMIT:
        problems.append(f"photo of {len(photo) // 1024} KB not kept (limit {PHOTO_LIMIT // 1024})")
        return ""
    return photo


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")


def derive_uid(display_name: str, email: str = "", phone: str = "") -> str:
    """A stable UID for a card that has none (same inputs → same UID)."""
    key = "\x00".join((display_name.strip(), email.strip().lower(), phone.strip()))
    return str(uuid.uuid5(_UID_NAMESPACE, key))


def _to_record(card: Any, text: str, problems: list[str]) -> ContactRecord | None:
    lines = sorted(card.lines(), key=lambda ln: getattr(ln, "lineNumber", 0) or 0)
    kind = next(
        (
            _text(ln.value).lower()
            for ln in lines
            if ln.name.upper() in ("KIND", "X-ADDRESSBOOKSERVER-KIND")
        ),
        "",
    )
    if kind == "group":
        problems.append("contact group (KIND:group) skipped: groups are not people")
        return None
    ab_labels = {
        ln.group.lower(): _ab_label(ln.value)
        for ln in lines
        if ln.name.upper() == "X-ABLABEL" and ln.group
    }

    rec = ContactRecord(display_name="")
    fn = n = nickname = ""
    derived_n = False
    notes: list[str] = []
    for ln in lines:
        name = ln.name.lower()
        group_label = ab_labels.get((ln.group or "").lower())
        if name == "fn":
            fn = fn or _text(ln.value)
        elif name == "n" and not n:
            family, given = _name_part(ln.value.family), _name_part(ln.value.given)
            rec.family_name, rec.given_name = family, given
            n = " ".join(p for p in (given, _name_part(ln.value.additional), family) if p)
        elif name == "nickname":
            nickname = nickname or _text(ln.value)
        elif name == "org" and not rec.organization:
            units = [_text(u) for u in (ln.value if isinstance(ln.value, list) else [ln.value])]
            rec.organization = units[0] if units else ""
            if any(units[1:]):
                rec.extra["org_units"] = units[1:]
        elif name == "title":
            rec.title = rec.title or _text(ln.value)
        elif name == "bday":
            rec.birthday = rec.birthday or _partial_date(ln, problems)
        elif name in ("anniversary", "x-anniversary") or (
            name == "x-abdate" and group_label == "anniversary"
        ):
            rec.anniversary = rec.anniversary or _partial_date(ln, problems)
        elif (
            name in _FIELD_PROPS or name in ("x-socialprofile", "impp") or (name in _SOCIAL_X_PROPS)
        ):
            fld = _field(ln, name, group_label)
            if fld.value:
                rec.fields.append(fld)
        elif name in ("x-kinship-field", "x-abrelatednames"):
            value = _text(ln.value)
            if value:
                rec.fields.append(FieldRecord("custom", value, group_label or ""))
        elif name == "categories":
            values = ln.value if isinstance(ln.value, list) else str(ln.value).split(",")
            for tag in (_text(v) for v in values):
                if tag and tag not in rec.tags:
                    rec.tags.append(tag)
        elif name == "note":
            if _text(ln.value):
                notes.append(str(ln.value).replace("\r\n", "\n").strip())
        elif name == "uid":
            rec.uid = rec.uid or _text(ln.value)
        elif name == "photo" and "photo" not in rec.extra:
            photo = _photo(ln, text, problems)
            if photo:
                rec.extra["photo"] = photo
        elif name == "x-kinship-n":
            derived_n = _text(ln.value).lower() == "from-fn"
        elif name.startswith("x-kinship-"):
            _kinship_prop(rec, name[len("x-kinship-") :], _text(ln.value), problems)
    rec.notes = "\n".join(notes)
    rec.nickname = nickname
    emails, phones = rec.emails(), rec.phones()
    rec.display_name = (
        fn
        or n
        or nickname
        or rec.organization
        or (emails[0] if emails else "")
        or (phones[0] if phones else "")
    )
    if not rec.display_name:
        problems.append("vCard skipped: no name, organization, email or phone")
        return None
    if derived_n and (rec.family_name, rec.given_name) == split_name(fn):
        # N that kinship filled in from the name on export (and nobody changed since): not
        # a name of its own, so importing our own export again changes nothing.
        rec.family_name = rec.given_name = ""
    if not rec.uid:
        rec.uid = derive_uid(rec.display_name, *(emails[:1] or [""]), *(phones[:1] or [""]))
    return rec


def _field(ln: Any, name: str, group_label: str | None) -> FieldRecord:
    types = _types(ln)
    pref = "pref" in types or _param(ln, "PREF") == "1"
    value = ln.value
    if name == "adr":
        parts = (
            value.box,
            value.extended,
            value.street,
            value.city,
            value.region,
            value.code,
            value.country,
        )
        text = ", ".join(p for p in (_text(x) for x in parts) if p)
        return FieldRecord("address", text, _label(types, group_label), pref)
    text = _text(value)
    if name in ("url", "x-socialprofile", "impp"):
        # vobject leaves URI values escaped; Apple writes "https\\://…".
        text = text.replace("\\:", ":").replace("\\,", ",").replace("\\;", ";")
    if name == "tel" and text.lower().startswith("tel:"):
        text = text[4:]
    if name in _FIELD_PROPS:
        return FieldRecord(_FIELD_PROPS[name], text, _label(types, group_label), pref)
    if name == "x-socialprofile" and not text:
        text = _param(ln, "X-USER")
    label = _label(types, group_label) or _SOCIAL_X_PROPS.get(name, "")
    return FieldRecord("social", text, label, pref)


def _kinship_prop(rec: ContactRecord, key: str, value: str, problems: list[str]) -> None:
    try:
        if key == "cadence":
            rec.cadence_days = int(value) if value else None
        elif key == "strategy":
            rec.strategy = value
        elif key == "met-how":
            rec.met_how = value
        elif key == "met-on":
            rec.met_on = date.fromisoformat(value) if value else None
        elif key == "archived":
            rec.archived = _flag(value)
        elif key == "extra":
            data = json.loads(value)
            if isinstance(data, dict):
                rec.extra.update(data)
    except ValueError as exc:
        problems.append(f"X-KINSHIP-{key.upper()} {value!r} ignored: {exc}")


# --------------------------------------------------------------------------- writing


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 sequence; add CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    out: list[str] = []
    chunk: list[str] = []
    size, limit = 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(chunk))
            chunk, size, limit = [], 0, 74
        chunk.append(ch)
        size += n
    out.append("".join(chunk))
    return "\r\n ".join(out) + "\r\n"


def _date(d: PartialDate, version: str) -> str:
    if d.year is None:
        return f"--{d.month:02d}{d.day:02d}"
    sep = "-" if version == "3.0" else ""
    return f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}"


def _photo_lines(photo: str, version: str) -> list[str]:
    m = re.match(r"^data:image/([\w.+-]+);base64,(.*)$", photo, re.S)
    if version == "4.0" or not m:
        return [f"PHOTO:{photo}" if version == "4.0" else f"PHOTO;VALUE=uri:{photo}"]
    try:
        base64.b64decode(m.group(2), validate=True)
    except (binascii.Error, ValueError):
        return []
    return [f"PHOTO;ENCODING=b;TYPE={m.group(1).upper()}:{m.group(2)}"]


#: Lower-case words that belong to the family name that follows ("Ludwig van Beethoven").
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin", "al"}
)


def split_name(display_name: str) -> tuple[str, str]:
    """(family, given) for N from a display name, for contacts with no N of their own:
    "Lovelace, Ada" → ("Lovelace", "Ada"); "Ada Lovelace" → ("Lovelace", "Ada");
    "Ludwig van Beethoven" → ("van Beethoven", "Ludwig"); one word is the given name."""
    name = " ".join(display_name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    words = name.split(" ")
    if len(words) < 2:
        return "", name
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])


def card_text(contact: ContactRecord, version: str = "3.0") -> str:
    """The vCard for one contact (CRLF line endings, folded), deterministically."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vcard_version must be 3.0 or 4.0, not {version!r}")
    c = contact
    emails, phones = c.emails(), c.phones()
    uid = c.uid or derive_uid(c.display_name, *(emails[:1] or [""]), *(phones[:1] or [""]))
    lines = ["BEGIN:VCARD", f"VERSION:{version}", "PRODID:-//kinship//NONSGML kinship//EN"]
    lines.append(f"UID:{_escape(uid)}")
    lines.append(f"FN:{_escape(c.display_name or uid)}")
    family, given = c.family_name, c.given_name
    derived = not (family or given) and bool(c.display_name.strip())
    if derived:
        family, given = split_name(c.display_name)  # khard sorts and shows by N
    lines.append(f"N:{_escape(family)};{_escape(given)};;;")
    if derived:
        lines.append("X-KINSHIP-N:FROM-FN")
    if c.nickname:
        lines.append(f"NICKNAME:{_escape(c.nickname)}")
    units = [c.organization, *(str(u) for u in c.extra.get("org_units") or [])]
    if any(units):
        lines.append("ORG:" + ";".join(_escape(u) for u in units))
    if c.title:
        lines.append(f"TITLE:{_escape(c.title)}")
    if c.birthday:
        lines.append(f"BDAY:{_date(c.birthday, version)}")
    if c.anniversary:
        prop = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
        lines.append(f"{prop}:{_date(c.anniversary, version)}")
    item = 0
    for f in c.fields:
        prop, value = _field_prop(f)
        if not value:
            continue
        tokens = f.label.split(",") if f.label else []
        as_type = f.kind != "custom" and (
            not f.label
            or bool(_SIMPLE_LABEL_RE.match(f.label) and not _IGNORED_TYPES.intersection(tokens))
        )
        types = tokens if as_type else []
        if f.preferred and version == "3.0":
            types = [*types, "pref"]
        params = f";TYPE={','.join(types)}" if types else ""
        if f.preferred and version == "4.0":
            params += ";PREF=1"
        if as_type or not f.label:
            lines.append(f"{prop}{params}:{value}")
        else:
            # Free-text labels use Apple's grouping, which khard and most clients read.
            item += 1
            lines.append(f"item{item}.{prop}{params}:{value}")
            lines.append(f"item{item}.X-ABLabel:{_escape(f.label)}")
    if c.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in c.tags))
    if c.notes:
        lines.append(f"NOTE:{_escape(c.notes)}")
    photo = c.extra.get("photo")
    if isinstance(photo, str) and photo:
        lines += _photo_lines(photo, version)
    if c.cadence_days is not None:
        lines.append(f"X-KINSHIP-CADENCE:{c.cadence_days}")
    if c.strategy:
        lines.append(f"X-KINSHIP-STRATEGY:{_escape(c.strategy)}")
    if c.met_how:
        lines.append(f"X-KINSHIP-MET-HOW:{_escape(c.met_how)}")
    if c.met_on:
        lines.append(f"X-KINSHIP-MET-ON:{c.met_on.isoformat()}")
    if c.archived:
        lines.append("X-KINSHIP-ARCHIVED:TRUE")
    rest = {k: v for k, v in c.extra.items() if k not in _EXTRA_KEYS}
    if rest:
        blob = json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str)
        lines.append(f"X-KINSHIP-EXTRA:{_escape(blob)}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def _field_prop(f: FieldRecord) -> tuple[str, str]:
    value = f.value.strip()
    if f.kind == "email":
        return "EMAIL", _escape(value)
    if f.kind == "phone":
        return "TEL", _escape(value)
    if f.kind == "address":
        return "ADR", f";;{_escape(value)};;;;"
    if f.kind == "url":
        return "URL", value.replace("\n", " ")
    if f.kind == "social":
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        is_im = scheme and scheme.isalnum() and scheme not in ("http", "https")
        return ("IMPP" if is_im else "X-SOCIALPROFILE"), value.replace("\n", " ")
    return "X-KINSHIP-FIELD", _escape(value)


def _version(bundle: ExportBundle) -> str:
    return bundle.options.get("vcard_version", "3.0") or "3.0"


def write(bundle: ExportBundle, path: Path) -> None:
    """Write every contact of ``bundle`` to one .vcf file (atomically)."""
    version = _version(bundle)
    card_text(ContactRecord(display_name="x"), version)  # validate before touching the file
    with atomic_writer(path) as fh:
        for contact in bundle.contacts:
            fh.write(card_text(contact, version).encode("utf-8"))


def write_vdir(bundle: ExportBundle, path: Path) -> None:
    """One ``<uid>.vcf`` per contact; unchanged files are not rewritten, none are deleted."""
    version = _version(bundle)
    path.mkdir(parents=True, exist_ok=True)
    for contact in bundle.contacts:
        if not contact.uid:
            emails, phones = contact.emails(), contact.phones()
            uid = derive_uid(contact.display_name, *(emails[:1] or [""]), *(phones[:1] or [""]))
            contact = _with_uid(contact, uid)
        data = card_text(contact, version).encode("utf-8")
        write_if_changed(path / safe_filename(contact.uid, ".vcf"), data)


def _with_uid(contact: ContactRecord, uid: str) -> ContactRecord:
    from dataclasses import replace

    return replace(contact, uid=uid)
