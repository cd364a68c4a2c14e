"""The hostile-name corpus through the CLI: plain output shows every hidden character as an
escape, JSON gives the names back exactly, readable scripts pass unchanged."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from kinship.text import visible

CORPUS = json.loads(
    (Path(__file__).parents[1] / "data" / "hostile_names.json").read_text(encoding="utf-8")
)


def raw_hidden(text: str) -> list[str]:
    """Hidden characters sent raw (newlines between output lines are fine)."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
    ]


@pytest.fixture
def corpus_cli(cli, built_store):  # type: ignore[no-untyped-def]
    """The corpus's people in the store (built once per run, copied for each test)."""
    built_store("qa-corpus", _corpus)
    return cli


def _corpus(db: Any) -> None:
    from kinship.services import contacts, notes
    from kinship.store import close_store, open_store

    open_store(db)
    try:
        for i, entry in enumerate(CORPUS):
            c = contacts.add(
                entry["name"],
                uid=f"h{i:02d}",
                organization=entry["name"][:12],
                emails=[f"h{i}@example.org"],
            )
            notes.add(c, f"likes {entry['name']}", kind="interest")
    finally:
        close_store()


def test_contacts_list(corpus_cli) -> None:  # type: ignore[no-untyped-def]
    r = corpus_cli("contacts", "--limit", "0")
    assert r.code == 0, r.err
    assert raw_hidden(r.out) == []
    assert len(r.out.splitlines()) == len(CORPUS)  # one line per person, whatever the name
    for entry in CORPUS:
        assert visible(entry["name"]) in r.out
        if entry.get("readable"):
            assert entry["name"] in r.out


@pytest.mark.parametrize("i", range(len(CORPUS)), ids=lambda i: CORPUS[i]["why"])
def test_show(corpus_cli, i) -> None:  # type: ignore[no-untyped-def]
    r = corpus_cli("show", f"h{i:02d}")
    assert r.code == 0, r.err
    assert raw_hidden(r.out) == [] and raw_hidden(r.err) == []
    assert r.out.splitlines()[0] == visible(CORPUS[i]["name"])
    assert f"likes {visible(CORPUS[i]['name'])}" in r.out


def test_json_is_exact_data(corpus_cli) -> None:  # type: ignore[no-untyped-def]
    r = corpus_cli("contacts", "--json", "--limit", "0")
    assert r.code == 0, r.err
    assert raw_hidden(r.out) == []  # JSON escapes them itself (\u001b …)
    names = {c["uid"]: c["display_name"] for c in r.json()}
    assert names == {f"h{i:02d}": e["name"] for i, e in enumerate(CORPUS)}
    shown = corpus_cli("show", "h00", "--json").json()
    assert shown["display_name"] == CORPUS[0]["name"]
    assert shown["notes"][0]["body"] == f"likes {CORPUS[0]['name']}"
