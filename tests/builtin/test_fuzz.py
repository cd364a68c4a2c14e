"""Whatever the bytes, importers yield records or problems; no exception escapes ``read``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinship.builtin import ical, json_backup, vcard
from kinship.records import ImportProblem
from tests.builtin.format_helpers import DATA

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = [p.read_bytes() for p in sorted((DATA / "vcard").glob("*.vcf"))] + [
    p.read_bytes() for p in sorted((DATA / "ical").glob("*.ics"))
]
FRAGMENTS = [
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"BEGIN:VEVENT\n",
    b"END:VEVENT\n",
    b"BEGIN:VCALENDAR\n",
    b"END:VCALENDAR\n",
    b"VERSION:2.1\n",
    b"VERSION:4.0\n",
    b";",
    b":",
    b",",
    b"=",
    b"\\",
    b"\r\n ",
    b"\n",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"ENCODING=QUOTED-PRINTABLE:",
    b"CHARSET=utf-16:",
    b"BDAY:--0230\n",
    b"DTSTART;TZID=X:2024\n",
    b"item1.",
    b'TYPE="',
    b"PHOTO:data:",
]


def run(
    read: Callable[[Path], Iterator[object]],
    data: bytes,
    suffix: str,
    *,
    keeps_source: bool = False,
) -> None:
    """Every item is a problem naming the file or a record; a record's ``source`` is the file,
    or (``keeps_source``: a backup restores provenance as it was) text from the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        for item in read(path):
            if isinstance(item, ImportProblem):
                assert item.file == str(path) and isinstance(item.message, str)
            elif keeps_source:
                assert isinstance(item.source, str)  # type: ignore[attr-defined]
            else:
                assert item.source == str(path)  # type: ignore[attr-defined]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "flip"]))
        if op == "insert":
            data[pos:pos] = draw(st.sampled_from(FRAGMENTS) | st.binary(max_size=8))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif pos < len(data):
            data[pos] ^= draw(st.integers(1, 255))
    return bytes(data)


@SETTINGS
@given(st.binary(max_size=400) | mutated())
def test_vcard_never_raises(data: bytes) -> None:
    run(vcard.read, data, ".vcf")


@SETTINGS
@given(st.binary(max_size=400) | mutated())
def test_ical_never_raises(data: bytes) -> None:
    run(ical.read, data, ".ics")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["uid", "display_name", "tags", "fields", "birthday", "start", "kind", "x"]
            ),
            kids,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=200)
    | JSON_VALUES.map(
        lambda x: json.dumps(
            {"format": "kinship-backup", "version": 1, "contacts": [x], "events": x}
        ).encode()
    )
)
def test_json_never_raises(data: bytes) -> None:
    run(json_backup.read, data, ".json", keeps_source=True)
