"""Fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kinship.services import followups
from kinship.store import close_store, open_store

from .network_helpers import use


@pytest.fixture
def net_store(db_path: Any) -> Iterator[Any]:
    """A store with every builtin strategy and :data:`network_helpers.TODAY` fixed."""
    s = open_store(db_path)
    use()
    yield s
    followups.reset()
    close_store()
