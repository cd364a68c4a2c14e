"""Every console example of docs/workflows.md runs on the sample store and prints what the
page shows (made on the day the page was, so the output is the same to the character)."""

from __future__ import annotations

import io
import re
import shlex
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Result

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"
#: The day the page's examples were made on.
MADE_ON = date(2026, 12, 1)


def _examples() -> list[tuple[str, str, list[str]]]:
    """(command line, its standard input, the output shown) for each ``$ kinship`` line."""
    found: list[tuple[str, str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.startswith("$ kinship "):
                continue
            command, stdin = line[2:], ""
            if command.endswith("<<'EOF'"):
                command = command[: -len("<<'EOF'")].strip()
                body = []
                while lines[i] != "EOF":
                    body.append(lines[i])
                    i += 1
                i += 1
                stdin = "\n".join(body) + "\n"
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            found.append((command, stdin, shown))
    return found


def _pattern(shown: list[str]) -> re.Pattern[str]:
    """The output shown, a line that is only "…" standing for any number of lines."""
    parts = ["(?:.*\\n)*?" if s.strip() == "…" else re.escape(s) + "\\n" for s in shown]
    return re.compile("".join(parts) + ("(?:.*\\n)*" if shown and shown[-1] == "…" else ""))


def test_the_page_has_examples() -> None:
    commands = [c.split()[1] for c, _, _ in _examples()]
    assert {"intro", "due", "matches", "ledger", "path", "capture", "done"} <= set(commands)


def test_each_example_runs_on_the_sample_store_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinship import wiring
    from kinship.cli import main

    monkeypatch.setattr(wiring, "FIXED_TODAY", MADE_ON)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    db = home / "kinship-demo.db"
    for command, stdin, shown in _examples():
        args = shlex.split(command.replace("~", str(home)))[1:]
        if args[:2] != ["db", "demo"]:
            args += ["--db", str(db)]
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        r = Result(main(args, out=out, err=err), out.getvalue(), err.getvalue())
        fails = any(s.startswith("kinship: ") for s in shown)
        assert r.code == (1 if fails else 0), (command, r.err)
        if args[:2] == ["db", "demo"]:
            continue
        printed = r.err if fails else r.out
        assert _pattern(shown).fullmatch(printed), (command, printed)
