"""Import throughput against the raw parse throughput of the parser the importer uses.

    python benchmarks/bench_import.py [--contacts 10000] [--events 10000]

Writes a generated ``.vcf`` (N vCard 3.0 cards: names, e-mails, phones, organizations,
birthdays with and without a year, categories, notes, some addresses) and a generated
``.ics`` (M VEVENTs: a third each all-day, UTC and TZID=Europe/Berlin; attendees taken from
the cards; some yearly RRULEs) into a temporary folder, then times, in process:

- raw parse: ``vobject.readComponents`` over the whole .vcf (every card's children
  materialised), ``icalendar.Calendar.from_ical`` over the whole .ics (+ walk of VEVENTs);
- kinship's reader alone (the importer's ``read`` generator, no database);
- ``import_path`` into a fresh store (cards first, then the calendar, whose attendees match
  the cards by e-mail), and a second import of the same card file (nothing changes).

Budget (DESIGN §10): import throughput ≥ 50 % of the raw parse throughput of its parser.
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from _util import machine, table, verdict

from kinship.sample import dataset

BUDGET = 0.5

# The same names as the benchmark stores, so files and stores look alike.
_GIVEN, _FAMILY = dataset.NAMES
_ORGS = ["Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Wayne Enterprises"]
_TAGS = ["friends", "family", "mentors", "clients", "community"]


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def write_vcf(path: Path, n: int, seed: int = 3) -> list[str]:
    """Write ``n`` cards; return the first e-mail of each (for calendar attendees)."""
    rng = random.Random(seed)
    emails = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i in range(n):
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            email = f"{given}.{family}.{i}@example.org".lower()
            emails.append(email)
            lines = [
                "BEGIN:VCARD",
                "VERSION:3.0",
                f"UID:bench-card-{i:06d}",
                f"FN:{given} {family} {i}",
                f"N:{family};{given};;;",
                f"EMAIL;TYPE=INTERNET,WORK,PREF:{email}",
            ]
            if rng.random() < 0.3:
                lines.append(f"EMAIL;TYPE=INTERNET,HOME:{given.lower()}{i}@mail.test")
            if rng.random() < 0.7:
                lines.append(f"TEL;TYPE=CELL:+1 555 {i:07d}")
            if rng.random() < 0.4:
                lines.append(f"ORG:{_esc(rng.choice(_ORGS))};Research")
                lines.append("TITLE:Engineer")
            if rng.random() < 0.6:
                d = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
                lines.append(f"BDAY:{d.isoformat()}" if rng.random() < 0.7 else f"BDAY:--{d:%m%d}")
            if rng.random() < 0.5:
                tags = rng.sample(_TAGS, rng.randint(1, 2))
                lines.append("CATEGORIES:" + ",".join(tags))
            if rng.random() < 0.2:
                lines.append("ADR;TYPE=HOME:;;1 Main St;Springfield;;12345;USA")
            if rng.random() < 0.2:
                lines.append(f"NOTE:{_esc(f'Met at conference {i}, likes tea; ask about kids')}")
            lines.append("END:VCARD")
            fh.write("\r\n".join(lines) + "\r\n")
    return emails


def write_ics(path: Path, n: int, emails: list[str], seed: int = 4) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 9, 0)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kinship bench//EN"]
    for i in range(n):
        at = start + timedelta(hours=rng.randint(0, 24 * 600))
        out += ["BEGIN:VEVENT", f"UID:bench-event-{i:06d}@bench", "DTSTAMP:20250101T000000Z"]
        style = i % 3
        if style == 0:
            out += [
                f"DTSTART;VALUE=DATE:{at:%Y%m%d}",
                f"DTEND;VALUE=DATE:{at + timedelta(days=1):%Y%m%d}",
            ]
        elif style == 1:
            out += [
                f"DTSTART:{at:%Y%m%dT%H%M%S}Z",
                f"DTEND:{at + timedelta(hours=1):%Y%m%dT%H%M%S}Z",
            ]
        else:
            out += [
                f"DTSTART;TZID=Europe/Berlin:{at:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Berlin:{at + timedelta(hours=1):%Y%m%dT%H%M%S}",
            ]
        out.append(f"SUMMARY:{_esc(f'Coffee with friends #{i}')}")
        if rng.random() < 0.5:
            out.append(f"LOCATION:{_esc('Café Central, Vienna')}")
        if rng.random() < 0.3:
            out.append(f"DESCRIPTION:{_esc('Talk about the project, bring the book')}")
        if rng.random() < 0.05:
            out.append("RRULE:FREQ=YEARLY")
        for email in rng.sample(emails, rng.choice((0, 1, 1, 2))) if emails else []:
            out.append(f"ATTENDEE;CN=Someone;PARTSTAT=ACCEPTED:mailto:{email}")
        out.append("END:VEVENT")
    out.append("END:VCALENDAR")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8", newline="")


def best_of(runs: int, fn: Callable[[], int]) -> tuple[float, int]:
    """(best seconds, items) over ``runs`` calls (GC collected before each)."""
    best, items = float("inf"), 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        items = fn()
        best = min(best, time.perf_counter() - start)
    return best, items


def raw_vobject(path: Path) -> int:
    import vobject

    n = 0
    with path.open(encoding="utf-8") as fh:
        for card in vobject.readComponents(fh):
            _ = [c.value for c in card.getChildren()]
            n += 1
    return n


def raw_icalendar(path: Path) -> int:
    import icalendar

    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return sum(1 for _ in cal.walk("VEVENT"))


def reader_only(importer: object, path: Path) -> int:
    from kinship.records import ImportProblem

    return sum(1 for r in importer.read(path) if not isinstance(r, ImportProblem))  # type: ignore[attr-defined]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--contacts", type=int, default=10_000, help="cards in the .vcf")
    p.add_argument("--events", type=int, default=10_000, help="VEVENTs in the .ics")
    p.add_argument("--runs", type=int, default=3, help="runs of each raw parse (best kept)")
    p.add_argument("--budget", type=float, default=BUDGET, help="minimum import/raw ratio")
    args = p.parse_args()

    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.plugins import load_host
    from kinship.services import followups
    from kinship.services.importing import import_path
    from kinship.store import close_store, open_store

    print(f"# bench_import — {machine()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="kinship-bench-import-") as tmp:
        root = Path(tmp)
        vcf, ics = root / "cards.vcf", root / "events.ics"
        emails = write_vcf(vcf, args.contacts)
        write_ics(ics, args.events, emails)
        print(
            f"# {vcf.name}: {args.contacts} cards, {vcf.stat().st_size / 1e6:.1f} MB; "
            f"{ics.name}: {args.events} events, {ics.stat().st_size / 1e6:.1f} MB"
        )

        host = load_host(no_plugins=True)
        vcard_imp, ical_imp = host.importer_for(vcf), host.importer_for(ics)
        raw_v, n_v = best_of(args.runs, lambda: raw_vobject(vcf))
        raw_i, n_i = best_of(args.runs, lambda: raw_icalendar(ics))
        read_v, _ = best_of(args.runs, lambda: reader_only(vcard_imp, vcf))
        read_i, _ = best_of(args.runs, lambda: reader_only(ical_imp, ics))

        open_store(root / "store.db")
        followups.use(default_strategies(), Settings())
        gc.collect()
        rep_v = import_path(vcf, importer=vcard_imp)
        gc.collect()
        rep_i = import_path(ics, importer=ical_imp)
        gc.collect()
        rep_v2 = import_path(vcf, importer=vcard_imp)
        close_store()

        rows = []
        for label, n, raw, reader, report in (
            ("vCard → contacts (new store)", n_v, raw_v, read_v, rep_v),
            ("iCalendar → events", n_i, raw_i, read_i, rep_i),
            ("vCard again (all unchanged)", n_v, raw_v, read_v, rep_v2),
        ):
            ratio = raw / report.seconds
            good = ratio >= args.budget
            ok &= good
            rows.append(
                (
                    label,
                    n,
                    round(n / raw),
                    round(n / reader),
                    round(n / report.seconds),
                    f"{report.created}c/{report.updated}u/{report.unchanged}=",
                    f"{ratio * 100:.0f} %",
                    verdict(good),
                )
            )
            if report.failed or report.problems:
                print(
                    f"  {label}: {len(report.problems)} problems, first: "
                    f"{report.problems[0] if report.problems else ''}"
                )
        print()
        print(
            table(
                (
                    "import",
                    "items",
                    "raw parse/s",
                    "kinship reader/s",
                    "import/s",
                    "created/updated/same",
                    "import ÷ raw",
                    f"≥{args.budget * 100:.0f} %",
                ),
                rows,
            )
        )
    print()
    print(f"budget import throughput ≥ {args.budget * 100:.0f} % of raw parse: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
