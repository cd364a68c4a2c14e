"""What the installed package carries besides code (tox installs the built wheel)."""

from __future__ import annotations

from importlib.resources import files


def test_type_information_ships_for_plugin_authors() -> None:
    # PEP 561: without the marker, mypy ignores kinship's annotations in a plugin's checks.
    assert files("kinship").joinpath("py.typed").is_file()
