from __future__ import annotations

from datetime import date

import pytest

from kinship.dates import parse_date, parse_partial
from kinship.errors import ValidationError

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("today", TODAY),
        ("yesterday", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 27)),
        ("3 days ago", date(2026, 11, 23)),
        ("a week ago", date(2026, 11, 19)),
        ("2 months ago", date(2026, 9, 26)),
        ("in 2 weeks", date(2026, 12, 10)),
        ("last friday", date(2026, 11, 20)),
        ("last thursday", date(2026, 11, 19)),
        ("next monday", date(2026, 11, 30)),
        ("friday", date(2026, 11, 20)),
        ("2026-01-02", date(2026, 1, 2)),
        ("2026-01-02T10:00", date(2026, 1, 2)),
        ("  Yesterday ", date(2026, 11, 25)),
    ],
)
def test_natural_dates(text: str, want: date) -> None:
    assert parse_date(text, TODAY) == want


def test_month_arithmetic_clamps() -> None:
    assert parse_date("1 month ago", date(2026, 3, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("bad", ["someday", "2026-02-30", "", "3 fortnights ago"])
def test_bad_dates_explain(bad: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_date(bad, TODAY)


def test_partial_dates() -> None:
    assert str(parse_partial("--04-15")) == "--04-15"
    assert str(parse_partial("--0415")) == "--04-15"
    assert str(parse_partial("18151210")) == "1815-12-10"
    assert str(parse_partial("--02-29")) == "--02-29"
    with pytest.raises(ValidationError):
        parse_partial("2023-02-29")
