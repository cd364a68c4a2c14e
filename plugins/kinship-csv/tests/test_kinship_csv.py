"""kinship-csv over small, realistic exports (plain pytest; kinship installed)."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest
from kinship.records import ContactRecord, Importer, ImportProblem, PartialDate

import kinship_csv

DATA = Path(__file__).parent / "data"


def read(path: Path) -> tuple[list[ContactRecord], list[ImportProblem]]:
    items = list(kinship_csv.read(path))
    contacts = [i for i in items if isinstance(i, ContactRecord)]
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert len(contacts) + len(problems) == len(items)
    return contacts, problems


def by_name(contacts: list[ContactRecord]) -> dict[str, ContactRecord]:
    return {c.display_name: c for c in contacts}


def test_registers_the_csv_importer() -> None:
    registered: list[Importer] = []
    kinship_csv.kinship_register_importers(registered.append)
    [imp] = registered
    assert (imp.name, imp.suffixes) == ("csv", (".csv",))
    assert imp.read is kinship_csv.read and imp.sniff is kinship_csv.sniff
    assert hasattr(kinship_csv.kinship_register_importers, "kinship_impl")


# --------------------------------------------------------------------------- LinkedIn


def test_linkedin_connections() -> None:
    contacts, _ = read(DATA / "Connections.csv")
    people = by_name(contacts)
    assert list(people) == ["Ada Lovelace", "Grace Hopper", "José Muñoz", "Margaret Hamilton"]
    ada = people["Ada Lovelace"]
    assert (ada.given_name, ada.family_name) == ("Ada", "Lovelace")
    assert (ada.organization, ada.title) == ("Analytical Engines Ltd", "Mathematician, Programmer")
    assert ada.met_on == date(2024, 11, 26)
    assert ada.met_how == "LinkedIn"
    assert ada.source == "linkedin"
    assert ada.emails() == ["ada@analytical.example"]
    [profile] = [f for f in ada.fields if f.kind == "social"]
    assert (profile.value, profile.label) == (
        "https://www.linkedin.com/in/ada-lovelace-1815",
        "linkedin",
    )
    assert people["Grace Hopper"].emails() == []
    assert people["Grace Hopper"].met_on == date(2019, 12, 3)
    assert people["José Muñoz"].title == 'Director, "Growth"'


def test_linkedin_line_numbers_skip_the_notes_preamble() -> None:
    contacts, problems = read(DATA / "Connections.csv")
    # Line 1 "Notes:", 2 the note, 3 blank, 4 the header: the first connection is on line 5.
    assert [c.line for c in contacts] == [5, 6, 7, 8]
    assert [(p.line, p.message) for p in problems] == [
        (8, "Connected On: cannot read the date 'yesterday'"),
        (9, "connection has no name and no email; skipped"),
        (10, "row has 9 cells but the header has 7 (a comma in an unquoted value?); skipped"),
    ]
    assert all(p.file == str(DATA / "Connections.csv") and not p.fatal for p in problems)
    # The contact with the unreadable date is still imported, without met_on.
    assert by_name(contacts)["Margaret Hamilton"].met_on is None


def test_uids_are_stable_and_come_from_the_profile_url(tmp_path: Path) -> None:
    first, _ = read(DATA / "Connections.csv")
    again, _ = read(DATA / "Connections.csv")
    assert [c.uid for c in first] == [c.uid for c in again]
    assert len({c.uid for c in first}) == len(first)
    # The same profile, written differently, is the same person.
    variants = [
        "https://www.linkedin.com/in/gracehopper",
        "http://linkedin.com/in/GraceHopper/",
        "https://www.linkedin.com/in/gracehopper?trk=people",
    ]
    assert {kinship_csv.stable_uid(url=u) for u in variants} == {by_name(first)["Grace Hopper"].uid}
    # Percent-encoded and plain Unicode slugs agree.
    assert kinship_csv.stable_uid(
        url="https://www.linkedin.com/in/jos%C3%A9-mu%C3%B1oz/"
    ) == kinship_csv.stable_uid(url="https://www.linkedin.com/in/josé-muñoz")
    # Without a URL the email decides, so an email-only row matches a Google contact.
    assert kinship_csv.stable_uid(email="Ada@X.example") == kinship_csv.stable_uid(
        email="ada@x.example", name="Someone Else"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26 Nov 2024", date(2024, 11, 26)),
        ("03 Dec 2019", date(2019, 12, 3)),
        ("1 September 2021", date(2021, 9, 1)),
        ("2024-11-26", date(2024, 11, 26)),
        ("11/26/24", date(2024, 11, 26)),
        ("31 Feb 2024", None),
        ("26 Foo 2024", None),
        ("soon", None),
    ],
)
def test_connected_on_dates(text: str, expected: date | None) -> None:
    assert kinship_csv.parse_date(text) == expected


# --------------------------------------------------------------------------- Google


def test_google_contacts() -> None:
    contacts, problems = read(DATA / "google.csv")
    people = by_name(contacts)
    assert list(people) == [
        "Katherine Coleman Johnson",
        "Dorothy Vaughan",
        "+44 20 7946 0958",
        "Mary Jackson",
    ]
    kj = people["Katherine Coleman Johnson"]
    assert (kj.given_name, kj.family_name, kj.nickname) == ("Katherine", "Johnson", "Kathy")
    assert (kj.organization, kj.title) == ("NASA", "Research Mathematician")
    assert kj.birthday == PartialDate(8, 26, 1918)
    assert kj.anniversary == PartialDate(11, 24, 1939)
    assert kj.notes == "Met at the Langley reunion.\nLoves puzzles."
    assert kj.tags == ["Mentors", "starred"]  # Google's own myContacts group is dropped
    assert [(f.kind, f.label, f.value, f.preferred) for f in kj.fields] == [
        ("email", "work", "katherine@nasa.example", True),
        ("email", "home", "kathy@home.example", False),
        ("phone", "mobile", "+1 757 555 0100", False),
        ("url", "profile", "https://example.org/kjohnson", False),
        ("address", "home", "1 Langley Blvd, Hampton, VA 23681, USA", False),
        ("custom", "pronouns", "she/her", False),
    ]
    assert kj.extra == {"relations": [{"label": "spouse", "name": "James Goble"}]}
    assert kj.source == "google"
    dv = people["Dorothy Vaughan"]
    assert dv.emails() == ["dorothy@example.org", "dvaughan@example.net"]
    assert dv.birthday == PartialDate(9, 20)
    assert dv.tags == ["Friends"]
    assert people["+44 20 7946 0958"].phones() == ["+44 20 7946 0958"]
    # The first record spans lines 2-5 (quoted newlines); the next starts on line 6.
    assert [c.line for c in contacts] == [2, 6, 7, 9]
    assert [(p.line, p.message) for p in problems] == [
        (8, "row has no name, organisation, email or phone; skipped"),
        (9, "Birthday: cannot read the date '26 Aug'"),
    ]


def test_google_file_starts_with_a_bom_and_the_header_still_matches() -> None:
    assert (DATA / "google.csv").read_bytes().startswith(codecs.BOM_UTF8)
    assert kinship_csv.sniff(DATA / "google.csv")


def test_google_legacy_utf16_export() -> None:
    bom = (DATA / "google-legacy.csv").read_bytes()[:2]
    assert bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    [hedy], problems = read(DATA / "google-legacy.csv")
    assert problems == []
    assert hedy.display_name == "Hedy Lamarr"
    assert (hedy.organization, hedy.title) == ("Mokey Inc", "Inventor")
    assert hedy.birthday == PartialDate(11, 9, 1914)
    assert hedy.tags == ["Inventors"]
    assert [(f.label, f.value, f.preferred) for f in hedy.fields if f.kind == "email"] == [
        ("home", "hedy@example.org", True),
        ("work", "hedy@work.example", False),
    ]
    assert hedy.uid == kinship_csv.stable_uid(email="hedy@example.org")


# --------------------------------------------------------------------------- sniffing, errors


def test_sniff_recognises_only_known_headers(tmp_path: Path) -> None:
    assert kinship_csv.sniff(DATA / "Connections.csv")
    assert kinship_csv.sniff(DATA / "google-legacy.csv")
    other = tmp_path / "other.csv"
    other.write_text("id,amount\n1,2\n", encoding="utf-8")
    assert not kinship_csv.sniff(other)
    vcf = tmp_path / "a.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n")
    assert not kinship_csv.sniff(vcf)
    assert not kinship_csv.sniff(tmp_path)  # a folder
    assert not kinship_csv.sniff(tmp_path / "missing.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02First Name,Last Name")
    assert not kinship_csv.sniff(binary)


def test_a_file_without_a_known_header_is_a_fatal_problem(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("id,amount\n1,2\n", encoding="utf-8")
    [problem] = list(kinship_csv.read(path))
    assert isinstance(problem, ImportProblem) and problem.fatal
    assert "header" in problem.message


def test_windows_1252_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        "Zoë,Brontë,https://www.linkedin.com/in/zoe,,Café,Chef,5 Jan 2022\r\n".encode("cp1252")
    )
    items = list(kinship_csv.read(path))
    assert isinstance(items[0], ImportProblem) and "Windows-1252" in items[0].message
    assert isinstance(items[1], ContactRecord) and items[1].display_name == "Zoë Brontë"
    assert items[1].organization == "Café"


def test_a_missing_file_is_fatal(tmp_path: Path) -> None:
    [problem] = list(kinship_csv.read(tmp_path / "nope.csv"))
    assert isinstance(problem, ImportProblem) and problem.fatal
