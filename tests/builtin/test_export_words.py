"""Exports carry what they are about: to-dos name the person, vCards have an N."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kinship.builtin import ical, vcard
from kinship.records import ContactRecord, ExportBundle, FollowUpRecord


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ada Lovelace", ("Lovelace", "Ada")),
        ("Lovelace, Ada", ("Lovelace", "Ada")),
        ("Ludwig van Beethoven", ("van Beethoven", "Ludwig")),
        ("Mary  Fairfax Somerville", ("Somerville", "Mary Fairfax")),
        ("Cher", ("", "Cher")),
    ],
)
def test_split_name(name: str, parts: tuple[str, str]) -> None:
    assert vcard.split_name(name) == parts


def test_a_contact_without_name_parts_gets_an_n_from_its_name(tmp_path: Path) -> None:
    text = vcard.card_text(ContactRecord(display_name="Rosalind Franklin", uid="r"))
    assert "\r\nN:Franklin;Rosalind;;;\r\n" in text
    assert "N:;;;;" not in text
    path = tmp_path / "r.vcf"
    path.write_text(text, encoding="utf-8")
    (back,) = [r for r in vcard.read(path) if isinstance(r, ContactRecord)]
    # Read back it is the name it came from, not name parts of its own (a second import of
    # our own export changes nothing).
    assert (back.display_name, back.family_name, back.given_name) == ("Rosalind Franklin", "", "")
    # Someone edited N in khard since: that is theirs and is kept.
    path.write_text(text.replace("N:Franklin;Rosalind;;;", "N:Franklin;Rosalind Elsie;;;"))
    (edited,) = [r for r in vcard.read(path) if isinstance(r, ContactRecord)]
    assert (edited.family_name, edited.given_name) == ("Franklin", "Rosalind Elsie")
    own = vcard.card_text(ContactRecord(display_name="Ada", family_name="King", given_name="Ada"))
    assert "N:King;Ada;;;" in own and "X-KINSHIP-N" not in own


def test_follow_up_todos_say_who_and_read_back_their_reason(tmp_path: Path) -> None:
    people = [ContactRecord(display_name="Ada Lovelace", uid="ada")]
    followups = [
        FollowUpRecord(
            "ada",
            date(2026, 12, 1),
            "no interaction logged yet; you planned every 7 days",
            "check-in",
        ),
        FollowUpRecord("ada", date(2026, 12, 10), "turns 211 on Dec 10", kind="birthday"),
        FollowUpRecord("ada", date(2026, 11, 1), "old", kind="thank", status="done"),
    ]
    bundle = ExportBundle(contacts=people, followups=followups)
    path = tmp_path / "k.ics"
    ical.write(bundle, path)
    text = path.read_text(encoding="utf-8")
    assert "SUMMARY:Check in with Ada Lovelace" in text
    assert "SUMMARY:Wish Ada Lovelace a happy birthday" in text
    assert "DESCRIPTION:no interaction logged yet\\; you planned every 7 days" in text
    assert bundle.written == {"events": 0, "birthdays": 0, "anniversaries": 0, "followups": 2}
    back = sorted((r.kind, r.reason) for r in ical.read(path) if isinstance(r, FollowUpRecord))
    assert back == [
        ("birthday", "turns 211 on Dec 10"),
        ("check-in", "no interaction logged yet; you planned every 7 days"),
    ]
