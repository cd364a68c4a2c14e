"""vCard importer/exporter: real-world files, round trips, determinism, vdir behaviour."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kinship.builtin import vcard
from kinship.records import (
    ContactRecord,
    ExportBundle,
    Exporter,
    FieldRecord,
    Importer,
    ImportProblem,
    PartialDate,
)
from tests.builtin.format_helpers import DATA, bare, split

VCARD = DATA / "vcard"


def read(name: str) -> tuple[list[ContactRecord], list[ImportProblem]]:
    return split(vcard.read(VCARD / name))


def by_name(records: list[ContactRecord]) -> dict[str, ContactRecord]:
    return {r.display_name: r for r in records}


def test_registers_importer_and_exporters() -> None:
    importers: list[Importer] = []
    exporters: list[Exporter] = []
    vcard.kinship_register_importers(importers.append)
    vcard.kinship_register_exporters(exporters.append)
    assert [(i.name, i.suffixes) for i in importers] == [("vcard", (".vcf", ".vcard"))]
    assert [(e.name, e.suffix) for e in exporters] == [("vcard", ".vcf"), ("vdir", "")]


def test_modules_do_not_import_parsers_at_import_time() -> None:
    code = (
        "import sys, kinship.builtin.vcard, kinship.builtin.ical, kinship.builtin.json_backup;"
        "print(sorted(m for m in ('vobject', 'icalendar') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_apple_contacts_labels_dates_photo_social() -> None:
    records, problems = read("apple_contacts.vcf")
    assert problems == []
    ada, company = records
    assert (ada.uid, ada.display_name, ada.given_name, ada.family_name) == (
        "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE",
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert ada.birthday == PartialDate(12, 10)  # X-APPLE-OMIT-YEAR=1604 means no year
    assert ada.anniversary == PartialDate(7, 8, 1835)  # itemN.X-ABDATE + _$!<Anniversary>!$_
    assert ada.organization == "Analytical Engines Ltd."
    assert ada.extra["org_units"] == ["Research"]
    assert ada.notes == "Met at the Babbage soirée.\nLikes poetical science."
    fields = {(f.kind, f.value): f for f in ada.fields}
    assert fields["email", "ada@example.com"].label == "work"
    assert fields["email", "ada@example.com"].preferred
    assert fields["email", "ada.home@example.org"].label == "Old school"
    assert fields["phone", "+44 20 7946 0000"].label == "cell,voice"
    assert fields["url", "https://example.com/ada"].label == "homepage"
    assert fields["social", "http://twitter.com/ada"].label == "twitter"
    assert fields["social", "skype:ada.lovelace"].preferred
    assert fields["custom", "William King"].label == "spouse"
    address = fields["address", "12 St James's Square, London, SW1Y 4JH, United Kingdom"]
    assert (address.label, address.preferred) == ("home", True)
    assert ada.extra["photo"].startswith("data:image/jpeg;base64,/9j/4AAQ")
    assert (ada.source, ada.line) == (str(VCARD / "apple_contacts.vcf"), 1)
    # Empty FN: the organization names the card.
    assert (company.display_name, company.line) == ("Difference Engine Society", 32)


def test_google_contacts_tags_and_yearless_birthdays() -> None:
    records, problems = read("google_contacts.vcf")
    assert problems == []
    people = by_name(records)
    grace = people["Grace Hopper"]
    assert grace.tags == ["myContacts", "Pioneers"]
    assert grace.birthday == PartialDate(12, 9, 1906)
    assert grace.nickname == "Amazing Grace"
    assert FieldRecord("phone", "+1 202-555-0199", "Lab") in grace.fields
    assert people["Alan Turing"].birthday == PartialDate(6, 23)  # --0623
    assert people["Katherine Johnson"].birthday == PartialDate(8, 26)  # --08-26


def test_outlook_21_quoted_printable_windows_1252() -> None:
    records, problems = read("outlook_21_qp.vcf")
    (jm,) = records
    assert jm.display_name == "Jürgen Müller"
    assert (jm.given_name, jm.family_name, jm.title) == ("Jürgen", "Müller", "Einkäufer")
    assert jm.notes == "Trinkt gern Kaffee.\nKennt uns von der Messe – sehr nett."
    # Bare 2.1 parameters (TEL;WORK;VOICE, EMAIL;PREF;INTERNET) become labels / preferred.
    assert FieldRecord("phone", "+49 30 1234568", "work,fax") in jm.fields
    assert FieldRecord("email", "juergen.mueller@example.de", "", True) in jm.fields
    assert [p.message for p in problems] == ["vCard not valid UTF-8; read as cp1252"]
    assert problems[0].line == 1 and not problems[0].fatal


def test_vcard40_full() -> None:
    records, problems = read("vobject_vcard40_full.vcf")
    assert problems == []
    (john,) = records
    assert john.display_name == "Dr. John Q. Public, III"
    assert john.uid == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    assert john.nickname == "Johnny"
    assert john.birthday == PartialDate(4, 15, 1985)
    assert john.anniversary == PartialDate(6, 12, 2010)
    assert john.tags == ["BUSINESS", "NETWORKING"]
    assert FieldRecord("phone", "+1-555-555-5555", "voice", True) in john.fields  # tel: URI
    assert FieldRecord("email", "johnny@personal.example.org", "home", True) in john.fields
    assert FieldRecord("social", "xmpp:john@jabber.example.com", "", True) in john.fields
    assert john.extra["photo"] == "http://www.example.com/pub/photos/jqpublic.gif"
    assert john.extra["org_units"] == ["North Division", "Marketing"]


def test_vcard40_altid_names_and_unescaped_commas() -> None:
    records, problems = read("vobject_simple_3_0_and_4_0.vcf")
    daffy, john = records
    # vobject alone would cut "…Smith, PhD" at the bare comma.
    assert john.display_name == "Mr John Middle Smith, PhD"
    assert (john.given_name, john.family_name) == ("John", "Smith")  # first of the ALTID Ns
    assert FieldRecord("phone", "+1 222-555-4654", "home,video") in john.fields
    assert daffy.extra["org_units"] == ["Department of Octopus Parthenogenesis"]
    assert [(p.line, p.message) for p in problems] == [(1, "BDAY '02-10' is not a date; skipped")]


def test_vcard40_data_uri_photo_is_kept(tmp_path: Path) -> None:
    photo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    path = tmp_path / "p.vcf"
    folded = vcard.fold(f"PHOTO:{photo}")
    assert "\r\n " in folded
    path.write_text(f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Pic\r\n{folded}END:VCARD\r\n", newline="")
    (rec,), problems = split(vcard.read(path))
    assert rec.extra["photo"] == photo and problems == []


def test_huge_photo_is_dropped_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "big.vcf"
    blob = "A" * (vcard.PHOTO_LIMIT + 4)
    path.write_text(f"BEGIN:VCARD\nVERSION:3.0\nFN:Big\nPHOTO;ENCODING=b:{blob}\nEND:VCARD\n")
    (rec,), problems = split(vcard.read(path))
    assert "photo" not in rec.extra and "not kept" in problems[0].message


def test_group_cards_are_skipped_with_a_problem() -> None:
    records, problems = read("vobject_vcard40_group.vcf")
    assert records == [] and "KIND:group" in problems[0].message and not problems[0].fatal


def test_rfc2425_grouped_begin_line() -> None:
    (rec,), _ = read("vobject_rfc2425_groups.vcf")
    assert (rec.display_name, rec.birthday) == ("Meister Berger", PartialDate(9, 21, 1963))
    assert FieldRecord("email", "mb@goerlitz.de") in rec.fields


def test_nextcloud_quoted_type_list_and_anniversary() -> None:
    (rec,), problems = read("nextcloud.vcf")
    assert problems == []
    assert FieldRecord("phone", "+1 617 555 0100", "home,voice") in rec.fields
    assert FieldRecord("social", "https://mastodon.example/@margaret", "mastodon") in rec.fields
    assert rec.anniversary == PartialDate(1, 1, 1958) and rec.tags == ["Apollo", "Mentors"]


def test_bom_and_crlf() -> None:
    (rec,), problems = read("bom_crlf.vcf")
    assert rec.display_name == "Émilie du Châtelet" and problems == []


def test_bad_cards_skip_only_themselves_with_line_numbers() -> None:
    records, problems = read("broken_mixed.vcf")
    assert [r.display_name for r in records] == ["First Good", "Second Good", "Last Good"]
    assert [r.line for r in records] == [1, 10, 20]
    assert [(p.line, p.fatal) for p in problems] == [
        (6, False),
        (10, False),
        (10, False),
        (16, False),
        (20, False),
    ]
    assert "no END:VCARD" in problems[0].message
    assert "is text, not a date" in problems[1].message  # 4.0 BDAY;VALUE=text
    assert "X-KINSHIP-CADENCE" in problems[4].message


def test_unparsable_line_loses_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Kept\nthis line has no colon\n"
        "EMAIL:kept@example.com\nEND:VCARD\n"
    )
    (rec,), problems = split(vcard.read(path))
    assert rec.emails() == ["kept@example.com"]
    assert len(problems) == 1 and problems[0].line == 4


@pytest.mark.parametrize("content", [b"", b"hello\nworld\n", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
def test_file_without_cards_is_fatal(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.vcf"
    path.write_bytes(content)
    records, problems = split(vcard.read(path))
    assert records == [] and [p.fatal for p in problems] == [True]


def test_missing_file_is_fatal(tmp_path: Path) -> None:
    _, problems = split(vcard.read(tmp_path / "nope.vcf"))
    assert problems[0].fatal and "cannot read" in problems[0].message


def test_vdir_folder() -> None:
    records, problems = split(vcard.read(VCARD / "vdir"))
    assert problems == []
    assert [(r.uid, r.source) for r in records] == [
        ("alpha", str(VCARD / "vdir" / "alpha.vcf")),
        ("beta", str(VCARD / "vdir" / "beta.vcf")),
    ]
    assert records[1].birthday == PartialDate(2, 29)


def test_sniff(tmp_path: Path) -> None:
    assert vcard.sniff(VCARD / "bom_crlf.vcf")
    assert vcard.sniff(VCARD / "vdir")
    assert not vcard.sniff(DATA / "ical" / "thunderbird.ics")
    assert not vcard.sniff(tmp_path)
    (tmp_path / "x.txt").write_text("\n\n  begin:vcard\n")
    assert vcard.sniff(tmp_path / "x.txt")


def test_missing_uid_is_derived_stably(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:No Uid\nEMAIL:n@example.com\nEND:VCARD\n")
    first, _ = split(vcard.read(path))
    second, _ = split(vcard.read(path))
    assert first[0].uid and first[0].uid == second[0].uid
    assert first[0].uid == vcard.derive_uid("No Uid", "n@example.com")


# --------------------------------------------------------------------------- export


def full_contact(**changes: object) -> ContactRecord:
    c = ContactRecord(
        display_name="Ada King, Countess of Lovelace",
        uid="ada-1815",
        given_name="Ada",
        family_name="King; Lovelace",
        nickname="Ada, the Enchantress",
        organization="Analytical Engines, Ltd.",
        title="Mathematician",
        birthday=PartialDate(12, 10, 1815),
        anniversary=PartialDate(7, 8),
        met_how="Babbage's soirée\nin London",
        met_on=date(1833, 6, 5),
        cadence_days=30,
        strategy="cadence",
        notes="Line one\nLine two; with, punctuation \\ and a very long tail " + "x" * 120,
        archived=True,
        tags=["mentors", "inner circle", "a,b"],
        fields=[
            FieldRecord("email", "ada@example.com", "work", True),
            FieldRecord("phone", "+44 20 7946 0000", "cell"),
            FieldRecord("email", "ada@home.example", "Old school"),
            FieldRecord("address", "12 St James's Square, London", "home"),
            FieldRecord("url", "https://example.com/a,b;c", ""),
            FieldRecord("social", "https://mastodon.example/@ada", "mastodon"),
            FieldRecord("social", "xmpp:ada@example.com", ""),
            FieldRecord("custom", "William", "Spouse's name"),
            FieldRecord("phone", "+44 1", "Work Phone", True),
            FieldRecord("phone", "+44 2", "pref"),
        ],
        extra={
            "photo": "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
            "org_units": ["Research"],
            "imported_from": {"csv": 3},
        },
    )
    for key, value in changes.items():
        setattr(c, key, value)
    return c


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_round_trip_record_vcard_record(tmp_path: Path, version: str) -> None:
    contacts = [
        full_contact(),
        ContactRecord(display_name="Minimal", uid="min"),
        full_contact(
            uid="urn:uuid:x",
            birthday=PartialDate(2, 29),
            archived=False,
            cadence_days=None,
            tags=[],
            extra={},
        ),
    ]
    path = tmp_path / "out.vcf"
    vcard.write(ExportBundle(contacts=iter(contacts), options={"vcard_version": version}), path)
    records, problems = split(vcard.read(path))
    assert problems == []
    assert [bare(r) for r in records] == contacts
    assert f"VERSION:{version}\r\n".encode() in path.read_bytes()


@pytest.mark.parametrize("name", sorted(p.name for p in VCARD.glob("*.vcf")))
def test_corpus_round_trips_through_our_export(tmp_path: Path, name: str) -> None:
    first, _ = split(vcard.read(VCARD / name))
    path = tmp_path / "again.vcf"
    vcard.write(ExportBundle(contacts=first), path)
    if not first:  # the group-only file
        assert path.read_bytes() == b""
        return
    second, problems = split(vcard.read(path))
    assert problems == []
    assert [bare(r) for r in second] == [bare(r) for r in first]


def test_export_is_deterministic_and_folded(tmp_path: Path) -> None:
    a, b = tmp_path / "a.vcf", tmp_path / "b.vcf"
    vcard.write(ExportBundle(contacts=[full_contact()]), a)
    vcard.write(ExportBundle(contacts=[full_contact()]), b)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_bytes()
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    assert b"BDAY:1815-12-10\r\n" in text and b"X-ANNIVERSARY:--0708\r\n" in text
    assert b"CATEGORIES:mentors,inner circle,a\\,b\r\n" in text


def test_fold_never_splits_a_utf8_sequence() -> None:
    line = "NOTE:" + "é" * 100
    folded = vcard.fold(line)
    assert all(len(p.encode()) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line


def test_bad_version_option(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vcard_version"):
        vcard.write(ExportBundle(contacts=[], options={"vcard_version": "2.1"}), tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_vdir_export_is_atomic_stable_and_uid_named(tmp_path: Path) -> None:
    out = tmp_path / "book"
    contacts = [
        full_contact(),
        ContactRecord(display_name="Slash", uid="a/b:c"),
        ContactRecord(display_name="No Uid"),
    ]
    vcard.write_vdir(ExportBundle(contacts=contacts), out)
    names = sorted(p.name for p in out.iterdir())
    assert "ada-1815.vcf" in names and len(names) == 3
    assert not any(n.startswith(".") for n in names)
    unsafe = hashlib.sha1(b"a/b:c").hexdigest() + ".vcf"  # vdirsyncer-style hashed name
    derived = vcard.derive_uid("No Uid") + ".vcf"
    assert names == sorted(["ada-1815.vcf", unsafe, derived])
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir()}

    vcard.write_vdir(ExportBundle(contacts=contacts), out)
    assert {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir()} == before

    (out / "stale.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Gone\nEND:VCARD\n")
    changed = [full_contact(title="Countess"), *contacts[1:]]
    vcard.write_vdir(ExportBundle(contacts=changed), out)
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir()}
    assert after["ada-1815.vcf"] != before["ada-1815.vcf"]
    assert {k: v for k, v in after.items() if k not in ("ada-1815.vcf", "stale.vcf")} == {
        k: v for k, v in before.items() if k != "ada-1815.vcf"
    }
    assert (out / "stale.vcf").exists()  # stale files are left alone
    records, _ = split(vcard.read(out))
    assert "Countess" in [r.title for r in records]


def test_single_file_export_leaves_identical_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.vcf"
    vcard.write(ExportBundle(contacts=[full_contact()]), path)
    stamp = path.stat().st_mtime_ns
    vcard.write(ExportBundle(contacts=[full_contact()]), path)
    assert path.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["a.vcf"]  # no temp file left
