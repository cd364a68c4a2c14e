"""A plugin written from the plugin docs alone (tests/data/plugins/kinship-dormant): a
strategy with its own Today group and ``done_as``, a command and a palette entry on
``kinship.api``, a notifier, and tests on ``kinship.testing`` — installed (found through its
entry point) and its tests run as its author runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.plugins.plugin_helpers import kinship_command

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "plugins" / "kinship-dormant"


def installed(tmp_path: Path) -> dict[str, str]:
    info = tmp_path / "site" / "kinship_dormant-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kinship-dormant\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[kinship]\ndormant = kinship_dormant\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "KINSHIP_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path / "site"), str(EXAMPLE / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env


def test_its_tests_pass_with_it_installed(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
        env=installed(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 passed" in proc.stdout, proc.stdout


def test_kinship_lists_it_and_its_command(tmp_path: Path) -> None:
    env = installed(tmp_path)
    env["KINSHIP_DB"] = str(tmp_path / "kinship.db")
    env["KINSHIP_CONFIG"] = str(tmp_path / "no-config.toml")

    def kinship(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*kinship_command(), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    listing = kinship("plugins", "--json")
    assert listing.returncode == 0, listing.stderr
    [info] = [p for p in json.loads(listing.stdout) if p["name"] == "dormant"]
    assert (info["distribution"], info["status"]) == ("kinship-dormant", "ok")
    assert info["hooks"] == [
        "kinship_followup_done",
        "kinship_palette_commands",
        "kinship_register_commands",
        "kinship_register_followup_strategies",
    ]
    helped = kinship("--help")
    # (argparse wraps the help at the hyphen of the distribution's name)
    text = " ".join(helped.stdout.split())
    assert "dormant people you have not talked to for a while [dormant (kinship-" in text
    assert kinship("dormant").returncode == 0
