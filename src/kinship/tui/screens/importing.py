"""Import from the TUI: a path → the formats the plugin host detects (a folder may hold
several) → a dry-run preview → the import with a progress bar → the report. Runs in a thread
worker (its own connection)."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from kinship.tui.safe import clean, content, shown

if TYPE_CHECKING:
    from kinship.tui.context import AppContext


def import_plan(host: Any, path: Path) -> Any:
    """The one adapter to the plugin host's format detection (builtins when no host): what
    to import for ``path`` and with which importers (:meth:`PluginHost.import_plan`)."""
    if host is None:
        from kinship.plugins import load_host

        host = load_host(no_plugins=True)
    return host.import_plan(path, None)


def run_import(
    plan: Any, *, dry_run: bool, progress: Any, create_people: bool = False, host: Any = None
) -> list[Any]:
    """The one adapter to ``services.importing``: every step of the plan, a report each (a
    preview runs them together, so a calendar's preview sees the cards' people); ``host``
    names each importer's plugin."""
    from kinship.services import importing

    return importing.import_paths(
        plan.steps,
        dry_run=dry_run,
        progress=progress,
        create_people=create_people,
        plugin_of=host.plugin_of if host is not None else None,
    )


def report_content(
    report: Any, presenter: bool = False, skipped: list[tuple[Path, str]] | None = None
) -> Content:
    """The import report (one per importer of the path: ``report`` may be a list), then the
    files nothing read. Problem messages quote the file, so in presenter mode the contact
    details in them are masked."""
    reports = report if isinstance(report, list) else [report]
    lines: list[Content] = []
    for one in reports:
        lines.append(content(f"{getattr(one, 'importer', '')}: {one.summary()}", "bold"))
        problems = list(getattr(one, "problems", []))
        for p in problems[:20]:
            where = f"{Path(clean(p.file)).name}:{p.line}" if p.line else Path(clean(p.file)).name
            lines.append(
                Content.assemble((f"  {where}  ", "$text-muted"), shown(p.message, presenter))
            )
        if len(problems) > 20:
            lines.append(Content.styled(f"  … and {len(problems) - 20} more", "$text-muted"))
    if skipped:
        lines.append(content(f"{len(skipped)} file(s) nothing imports", "bold"))
        for file, why in skipped[:10]:
            lines.append(Content.assemble((f"  {clean(file.name)}  ", "$text-muted"), why))
        if len(skipped) > 10:
            lines.append(Content.styled(f"  … and {len(skipped) - 10} more", "$text-muted"))
    return Content("\n").join(lines)


class ImportScreen(ModalScreen[bool]):
    """Type a file or folder; Enter previews (dry run); Import writes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="import.close"),
    ]
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    ImportScreen > #dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ImportScreen #import-title { text-style: bold; margin-bottom: 1; }
    ImportScreen #report { height: auto; margin-top: 1; }
    ImportScreen #create-people { margin-top: 1; width: auto; }
    ImportScreen Label { width: 1fr; height: auto; }
    ImportScreen.-phone > #dialog { width: 100%; height: 100%; border: none; padding: 0; }
    ImportScreen ProgressBar { margin-top: 1; display: none; }
    ImportScreen ProgressBar.-running { display: block; }
    ImportScreen #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ImportScreen #buttons Button { margin-left: 1; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial = path
        #: What the path holds and which importers read it (from the last preview).
        self.plan: Any = None
        self.previewed: Path | None = None
        self.imported = False
        self.report: Any = None

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static("Import contacts and events", id="import-title")
            yield Label(
                "File or folder (vCard .vcf, vdir folder, iCalendar .ics, JSON backup …)",
                markup=False,
            )
            yield Input(
                value=self.initial, placeholder="~/contacts.vcf", id="path", select_on_focus=False
            )
            yield Checkbox(
                "Create people for unknown birthdays",
                id="create-people",
                compact=True,
            )
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static(id="report", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Close", id="close")
                yield Button("Preview", id="preview")
                yield Button("Import", id="import", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        self.query_one("#path", Input).focus()

    def action_close(self) -> None:
        self.dismiss(self.imported)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(self.imported)

    @on(Input.Changed, "#path")
    @on(Checkbox.Changed, "#create-people")
    def _changed(self) -> None:
        # What Import would do is what the preview showed: a change needs a new preview.
        self.query_one("#import", Button).disabled = True
        self.previewed = None

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#preview")
    def _preview(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.query_one("#report", Static).update(Content.styled("Type a path first.", "$error"))
            return
        self.start(Path(raw).expanduser(), dry_run=True)

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        if self.previewed is not None:
            self.start(self.previewed, dry_run=False)

    def start(self, path: Path, *, dry_run: bool) -> None:
        for b in self.query(Button):
            b.disabled = b.id != "close"
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-running")
        self.query_one("#report", Static).update("Reading …" if dry_run else "Importing …")
        self.work(path, dry_run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def work(self, path: Path, dry_run: bool) -> None:
        last = [0.0]

        def progress(done: int, total: int | None) -> None:
            now = time.monotonic()
            if now - last[0] > 0.05:
                last[0] = now
                self.app.call_from_thread(self._progress, done, total)

        create_people = self.query_one("#create-people", Checkbox).value
        try:
            if not path.exists():
                raise FileNotFoundError(f"{path}: no such file or folder")
            if self.plan is None or self.previewed != path:
                self.plan = import_plan(self.kapp.host, path)
            reports = run_import(
                self.plan,
                dry_run=dry_run,
                progress=progress,
                create_people=create_people,
                host=self.kapp.host,
            )
            self.app.call_from_thread(self._done, path, reports, dry_run)
        except Exception as exc:
            from kinship.tui.errors import describe_error

            self.app.call_from_thread(
                self._failed, describe_error(exc) if not isinstance(exc, OSError) else str(exc)
            )
        finally:
            with contextlib.suppress(Exception):
                self.kapp.store.db.close()  # this worker thread's connection

    def _progress(self, done: int, total: int | None) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def _done(self, path: Path, reports: list[Any], dry_run: bool) -> None:
        self.report = reports[0] if len(reports) == 1 else reports
        items = max(1, sum(r.items for r in reports))
        self.query_one(ProgressBar).update(total=items, progress=items)
        failed = any(getattr(r, "failed", False) for r in reports)
        presenter = bool(getattr(self.app, "presenter", False))
        body = report_content(reports, presenter, self.plan.skipped)
        if dry_run and not failed:
            self.previewed = path
            body = Content.assemble(
                body,
                "\n\n",
                Content.styled("Nothing written yet: press Import to import.", "$text-muted"),
            )
        elif not dry_run and not failed:
            self.imported = True
            self.previewed = None
        self.query_one("#report", Static).update(body)
        self.query_one("#preview", Button).disabled = False
        self.query_one("#import", Button).disabled = not (dry_run and not failed)
        if not dry_run:
            summary = "; ".join(r.summary() for r in reports)
            self.kapp.say(f"Imported {Path(path).name}: {summary}")

    def _failed(self, message: str) -> None:
        self.query_one(ProgressBar).remove_class("-running")
        self.query_one("#report", Static).update(content(message, "$error"))
        self.query_one("#preview", Button).disabled = False
