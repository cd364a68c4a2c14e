"""The headless core never imports Textual or the file-format libraries (DESIGN §1, §10)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("textual", "icalendar", "vobject")

SCRIPT = textwrap.dedent(
    """
    import io, json, sys
    import kinship.plugins, kinship.store, kinship.services.contacts, kinship.cli
    out = io.StringIO()
    code = kinship.cli.main(["contacts", "--db", sys.argv[1]], out=out)
    after_contacts = [m for m in {heavy!r} if m in sys.modules]
    # Loading every plugin and asking for every registration keeps them out too:
    # the builtin formats import their libraries only when they read or write.
    host = kinship.plugins.load_host()
    host.importers(); host.exporters(); host.strategies(); host.palette_commands()
    after_host = [m for m in {heavy!r} if m in sys.modules]
    print(json.dumps({{"code": code, "out": out.getvalue(), "contacts": after_contacts,
                      "host": after_host, "load_ms": host.load_ms}}))
    """
).format(heavy=HEAVY)


def test_core_and_plugin_host_stay_light(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "kinship.db")],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "KINSHIP_CONFIG": str(tmp_path / "none.toml"),
            "HOME": str(tmp_path),
        },
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert (got["code"], got["out"]) == (0, "")
    assert got["contacts"] == [], "imported by kinship contacts"
    assert got["host"] == [], "imported by loading the plugins"
