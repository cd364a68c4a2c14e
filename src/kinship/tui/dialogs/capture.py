"""After an event: everyone you met, one per line (``kinship capture`` in the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kinship.tui.dialogs.base import F, FieldError, FormScreen

if TYPE_CHECKING:
    from kinship.services.capture import CaptureReport


class CaptureForm(FormScreen["CaptureReport"]):
    """The event, its day, and the people: ``name, phrase, email`` per line. Every line is
    checked before anything is saved; problems show with their line numbers."""

    title_text = "Capture the people you met"
    save_label = "Capture"
    DEFAULT_CSS = """
    CaptureForm #f-people { height: 10; }
    """

    def __init__(self, event: str = "") -> None:
        super().__init__()
        self.event = event

    def fields(self) -> list[F]:
        return [
            F(
                "event",
                "Event",
                value=self.event,
                placeholder="PyCon 2025 (a new name creates the event)",
            ),
            F("when", "When", value="today", placeholder="today, yesterday, 2025-05-14"),
            F(
                "people",
                "People",
                kind="area",
                private=True,
                help="one per line: name, what you talked about, email (the last two optional)",
            ),
        ]

    def validate(self) -> dict[str, Any] | None:
        from kinship.dates import parse_date
        from kinship.services.capture import parse

        event = " ".join(self.value("event").split())
        if not event:
            self.error("event", "name the event (a new name creates it)")
        when = self.check("when", lambda v: parse_date(v, self.kapp.today))
        lines, problems = parse(self.value("people"))
        if problems:
            self.error("people", "\n".join(str(p) for p in problems))
        elif not lines:
            self.error("people", "nobody yet: one person per line")
        return {"event": event, "when": when, "lines": lines}

    def write(self, values: dict[str, Any]) -> CaptureReport:
        from kinship.services import capture

        try:
            return capture.capture(values["event"], values["lines"], on=values["when"])
        except capture.CaptureError as exc:
            raise FieldError("people", "\n".join(str(p) for p in exc.problems)) from None

    def saved(self, result: CaptureReport) -> None:
        new = sum(1 for p in result.people if p.status == "new")
        self.kapp.say(
            f"Captured {len(result.people)} at {result.event_summary} ({new} new): "
            "say nice to meet you within a day (t shows them)"
        )
