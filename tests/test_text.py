"""The one rule for hidden characters (kinship.text): escapes in the CLI, removed in the app,
for exactly the same characters; readable text of every script passes unchanged."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from kinship.text import has_hidden, mask_contact_details, strip_controls, visible

CORPUS = json.loads(
    (Path(__file__).parent / "data" / "hostile_names.json").read_text(encoding="utf-8")
)
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def hidden_chars(text: str, *, keep: str = "") -> list[str]:
    """Every character of ``text`` in a hidden category (but ``keep``)."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if unicodedata.category(ch) in HIDDEN_CATEGORIES and ch not in keep
    ]


def test_every_format_and_control_character_is_covered() -> None:
    """The character class matches Unicode's Cc/Cf/Zl/Zp for this Python's Unicode."""
    missing = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in HIDDEN_CATEGORIES and not has_hidden(chr(cp))
    ]
    assert missing == []


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e["why"])
def test_cli_and_app_treat_the_same_characters(entry: dict[str, str]) -> None:
    name = entry["name"]
    cli, app = visible(name), strip_controls(name)
    assert hidden_chars(cli) == [] and hidden_chars(app) == []
    if entry.get("readable"):
        assert cli == name and app == name
    else:
        assert cli != name and app != name
        # What the app removes is exactly what the CLI escapes.
        escapes = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")
        assert escapes.sub("", cli).replace(" ", "") == app.replace(" ", "")


def test_the_rule_on_examples() -> None:
    assert visible("a\u200bb") == "a\\u200bb"
    assert visible("a\U000e0041") == "a\\U000e0041"
    assert visible("x\x1b[31m") == "x\\x1b[31m"
    assert strip_controls("a\u200b\u202eb\u2066c\u2069") == "abc"
    assert strip_controls("one\u2028two\u2029three") == "one two three"
    assert strip_controls("one\u2028two\ttab", single_line=False) == "one\ntwo\ttab"
    assert visible("a\nb\tc", single_line=False) == "a\nb\tc"
    assert visible("a\u2028b", single_line=False) == "a\\u2028b"
    # Readable text of other scripts is left alone.
    for text in ("محمد", "יעל", "Zoe\u0308", "王小明", "🎉 🇵🇹"):
        assert visible(text) == text == strip_controls(text)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("write to ada@example.org today", "write to ••• today"),
        ("call +44 20 7946 0958 or not", "call ••• or not"),
        ("call (555) 123-4567", "call •••"),
        ("0171 2345678", "•••"),
        ("met on 2024-05-01", "met on 2024-05-01"),  # a date is not a phone number
        ("every 30 days since 1999", "every 30 days since 1999"),
        ("room 12345", "room 12345"),
        ("Ada Lovelace", "Ada Lovelace"),
    ],
)
def test_presenter_masks_contact_details_in_free_text(text: str, masked: str) -> None:
    assert mask_contact_details(text) == masked
