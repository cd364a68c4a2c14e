"""Fixtures for the builtin plugin tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builtin.format_helpers import DATA


@pytest.fixture
def data() -> Path:
    """The test corpus folder (see tests/data/SOURCES.md)."""
    return DATA
