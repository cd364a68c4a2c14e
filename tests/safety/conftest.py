"""Fixtures for the data-safety tests: a store with something in every table."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinship.testing import register_plugin
from tests.conftest import BuiltStore, runner

__all__ = ["register_plugin"]


@pytest.fixture
def rich(built_store: BuiltStore) -> Path:
    """A small store with contacts, fields, tags, notes, interactions, events, follow-ups
    (built once per run, copied for each test)."""
    path: Path = built_store("safety-rich", _rich)
    return path


def _rich(db: Path) -> None:
    cli = runner(db)
    steps = [
        ("add", "Ada Lovelace", "--uid", "ada", "--email", "ada@example.org", "--tag", "mentors"),
        ("add", "Grace Hopper", "--uid", "grace", "--phone", "+1 555 0100", "--every", "30"),
        ("tag", "--cadence", "mentors", "45"),
        ("note", "ada", "Loves engines", "--kind", "interest", "--pin"),
        ("log", "Coffee", "--with", "ada", "--with", "grace", "--kind", "meeting"),
        ("event", "Conference", "--date", "2030-05-01", "--with", "grace"),
        ("relate", "ada", "mentor", "grace"),
    ]
    for args in steps:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
