"""End to end with the plugin distributions installed for real (``tox -e plugins``).

kinship-csv and kinship-cadence-learner are found through their ``kinship`` entry points,
listed by the real console script, and used: ``kinship import Connections.csv`` picks the
CSV importer by sniffing, ``kinship due`` runs the cadence learner. Skipped when the two
distributions are not installed (the default tox env and a plain dev venv).
"""

from __future__ import annotations

import importlib.metadata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("kinship_csv")
pytest.importorskip("kinship_cadence_learner")

CSV_DATA = Path(__file__).resolve().parents[2] / "plugins" / "kinship-csv" / "tests" / "data"


@pytest.fixture(autouse=True)
def _installed_as_distributions() -> None:
    for dist in ("kinship-csv", "kinship-cadence-learner"):
        eps = importlib.metadata.distribution(dist).entry_points
        assert [ep.group for ep in eps] == ["kinship"], dist


def test_listed_through_entry_points(run_kinship: Any) -> None:
    result = run_kinship("plugins", "--json")
    assert result.code == 0, result.err
    assert result.err == ""
    plugins = {p["distribution"]: p for p in result.json()}
    assert plugins["kinship-csv"] == {
        "name": "csv",
        "distribution": "kinship-csv",
        "version": importlib.metadata.version("kinship-csv"),
        "hooks": ["kinship_register_importers"],
        "builtin": False,
        "status": "ok",
        "error": None,
    }
    learner = plugins["kinship-cadence-learner"]
    assert (learner["name"], learner["status"], learner["hooks"]) == (
        "cadence-learner",
        "ok",
        ["kinship_register_followup_strategies"],
    )
    assert not any(p["builtin"] for p in result.json())


def test_import_connections_picks_the_csv_importer_by_sniffing(
    run_kinship: Any, tmp_path: Path
) -> None:
    # A name that says nothing: only the header can tell it is a LinkedIn export.
    export = tmp_path / "export-2024-11.txt"
    export.write_bytes((CSV_DATA / "Connections.csv").read_bytes())
    result = run_kinship("import", str(export), "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (4, 0, 0)
    assert sorted(p["line"] for p in report["problems"]) == [8, 9, 10]
    contacts = {c["display_name"]: c for c in run_kinship("contacts", "--json").json()}
    assert sorted(contacts) == ["Ada Lovelace", "Grace Hopper", "José Muñoz", "Margaret Hamilton"]
    assert contacts["Ada Lovelace"]["organization"] == "Analytical Engines Ltd"
    assert contacts["Ada Lovelace"]["emails"] == ["ada@analytical.example"]
    # Re-importing changes nothing: the UIDs are stable.
    again = run_kinship("import", str(export), "--json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    # Without the plugin the same file is refused with the known formats listed.
    refused = run_kinship("import", str(export), "--json", "--no-plugins")
    assert refused.code == 1
    [problem] = refused.json()["problems"]
    assert "--format" in problem["message"] and "csv" not in problem["message"]


def test_google_export_by_suffix_and_sniff(run_kinship: Any) -> None:
    files = [str(CSV_DATA / "google.csv"), str(CSV_DATA / "google-legacy.csv")]
    result = run_kinship("import", *files, "--json")
    assert result.code == 0, result.err
    assert result.json()["created"] == 5
    show = run_kinship("show", "Katherine", "--json").json()
    assert sorted(show["tags"]) == ["Mentors", "starred"]


def test_due_runs_the_cadence_learner(run_kinship: Any) -> None:
    assert run_kinship("add", "Grace Hopper").code == 0
    last = date.today() - timedelta(days=40)
    for n in range(5):
        day = last - timedelta(days=21 * n)
        result = run_kinship(
            "log", f"call {n}", "--with", "Grace", "--kind", "call", "--date", day.isoformat()
        )
        assert result.code == 0, result.err
    due = run_kinship("due", "--json", "--within", "30")
    assert due.code == 0, due.err
    strategies = {(d["contact"]["display_name"], d["strategy"]) for d in due.json()}
    assert ("Grace Hopper", "cadence-learner") in strategies
