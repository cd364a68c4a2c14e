"""Tiny installed-looking distributions, and the real console script, for plugin tests.

A fake distribution is a module plus a ``<name>-<version>.dist-info`` folder (METADATA and
entry_points.txt) in a folder put on ``PYTHONPATH``/``sys.path``: exactly what
``importlib.metadata`` finds for a wheel installed into site-packages, without building or
installing anything.
"""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLUGIN_ENV = (
    "KINSHIP_NO_PLUGINS",
    "KINSHIP_LOAD_PLUGINS",
    "KINSHIP_DISABLE_PLUGINS",
    "KINSHIP_TRACE_PLUGINS",
)


def make_dist(
    site: Path,
    dist: str,
    module: str,
    source: str,
    *,
    entry: str | None = None,
    version: str = "1.0",
) -> Path:
    """Write ``module.py`` and a dist-info declaring it in the ``kinship`` entry-point group."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[kinship]\n{entry or module} = {module}\n", encoding="utf-8"
    )
    return site


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def kinship_command() -> list[str]:
    """The installed ``kinship`` console script of this environment (else ``python -m``)."""
    script = Path(sys.executable).with_name("kinship")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kinship"]
