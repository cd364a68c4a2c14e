"""The give-and-get ledger: what you gave each person, what you received, over time.

*Gave* counts the interactions where value went from you to them — help given, introductions
made, gifts (:data:`kinship.records.GIVEN_KINDS`) — and the congratulations and condolences
you sent. *Received* counts help, introductions and gifts you received
(:data:`kinship.records.RECEIVED_KINDS`). Thanks are counted on their own: appreciation
shown, not value given.

From those counts the ledger names who helped you most and has not heard thanks since (help
received after the last thanks logged with them), and who you only ever ask (received, never
gave). Everything comes from a few ``GROUP BY`` queries, never one query per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from peewee import JOIN, fn

from kinship.errors import NotFound
from kinship.records import GIVEN_KINDS, RECEIVED_KINDS
from kinship.store import dialect
from kinship.store.models import Contact, Interaction, Participant

__all__ = [
    "GAVE_KINDS",
    "RECEIVED_KINDS",
    "GiveGet",
    "Ledger",
    "LedgerEntry",
    "LedgerRow",
    "MonthCount",
    "give_get",
    "ledger",
    "months_between",
]

#: What counts as given: value, and the congratulations and condolences you sent.
GAVE_KINDS = GIVEN_KINDS | {"congratulation", "condolence"}
THANKS = "thanks"
#: Months in the ledger's monthly counts when no ``since`` is given.
DEFAULT_MONTHS = 12
#: People listed in "owe thanks" and "only ask".
TOP = 10


def _direction(kind: str) -> str:
    if kind in GAVE_KINDS:
        return "gave"
    if kind in RECEIVED_KINDS:
        return "received"
    return "thanks"


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One person's side of the ledger."""

    uid: str
    display_name: str
    gave: int = 0
    received: int = 0
    thanks: int = 0
    last_gave: datetime | None = None
    last_received: datetime | None = None
    last_thanks: datetime | None = None
    #: Help received after the last thanks logged with them.
    unthanked: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def balance(self) -> int:
        """Given minus received: below zero, you owe them some value."""
        return self.gave - self.received

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": {"uid": self.uid, "display_name": self.display_name},
            "gave": self.gave,
            "received": self.received,
            "thanks": self.thanks,
            "balance": self.balance,
            "unthanked": self.unthanked,
            "last_gave": _iso(self.last_gave),
            "last_received": _iso(self.last_received),
            "last_thanks": _iso(self.last_thanks),
            "kinds": dict(sorted(self.kinds.items())),
        }


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str
    gave: int = 0
    received: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, "gave": self.gave, "received": self.received}


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One interaction in a person's ledger."""

    at: datetime
    kind: str
    direction: str
    summary: str
    uid: str

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "direction": self.direction,
            "summary": self.summary,
            "uid": self.uid,
        }


@dataclass(frozen=True, slots=True)
class Ledger:
    since: date | None
    rows: list[LedgerRow]
    months: list[MonthCount]
    #: Helped you most and not thanked since (most help first).
    owe_thanks: list[LedgerRow]
    #: Received from, never gave to (most received first).
    only_ask: list[LedgerRow]
    #: With one person: their interactions that count, newest first.
    entries: list[LedgerEntry] = field(default_factory=list)
    person: LedgerRow | None = None

    def totals(self) -> dict[str, int]:
        rows = [self.person] if self.person is not None else self.rows
        return {
            "gave": sum(r.gave for r in rows),
            "received": sum(r.received for r in rows),
            "thanks": sum(r.thanks for r in rows),
        }

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "since": self.since.isoformat() if self.since else None,
            "totals": self.totals(),
            "months": [m.to_json() for m in self.months],
            "owe_thanks": [r.to_json() for r in self.owe_thanks],
            "only_ask": [r.to_json() for r in self.only_ask],
        }
        if self.person is not None:
            out["person"] = self.person.to_json()
            out["entries"] = [e.to_json() for e in self.entries]
        else:
            out["people"] = [r.to_json() for r in self.rows]
        return out


def months_between(first: date, last: date) -> list[str]:
    """``YYYY-MM`` of every month from ``first``'s to ``last``'s (at most 240)."""
    out: list[str] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month) and len(out) < 240:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _start(today: date, since: date | None) -> date:
    if since is not None:
        return since
    y, m = divmod(today.month - 1 - (DEFAULT_MONTHS - 1), 12)
    return date(today.year + y, m + 1, 1)


def ledger(
    contact_uid: str | None = None,
    *,
    since: date | None = None,
    today: date | None = None,
) -> Ledger:
    """The ledger of everyone (or of one person) from ``since`` (default: all time for the
    counts, the last 12 months for the monthly counts)."""
    if contact_uid is None:
        return _book(None, since, today or date.today(), entries=True)
    me = Contact.get_or_none(Contact.uid == contact_uid)
    if me is None:
        raise NotFound(f"no contact with UID {contact_uid!r}")
    return _book(me, since, today or date.today(), entries=True)


@dataclass(frozen=True, slots=True)
class GiveGet:
    """One person's give-and-get, for the brief and the events pane's sparkline pair."""

    gave: int
    received: int
    thanks: int
    unthanked: int
    last_gave: datetime | None
    last_received: datetime | None
    #: Given and received per month, the last ``months`` months, oldest first.
    gave_monthly: tuple[int, ...]
    received_monthly: tuple[int, ...]

    @property
    def only_asked(self) -> bool:
        return self.received > 0 and self.gave == 0


def give_get(contact_id: int, today: date, *, months: int = 24) -> GiveGet | None:
    """One person's counts (all time) and the last ``months`` months (three queries)."""
    me = Contact.get_or_none(Contact.id == contact_id)
    if me is None:
        return None
    y, m = divmod(today.month - 1 - (months - 1), 12)
    book = _book(me, None, today, entries=False, first=date(today.year + y, m + 1, 1))
    row = book.person or LedgerRow(me.uid, me.display_name)
    return GiveGet(
        row.gave,
        row.received,
        row.thanks,
        row.unthanked,
        row.last_gave,
        row.last_received,
        tuple(x.gave for x in book.months),
        tuple(x.received for x in book.months),
    )


def _book(
    me: Contact | None,
    since: date | None,
    today: date,
    *,
    entries: bool,
    first: date | None = None,
) -> Ledger:
    person_id = me.id if me is not None else None
    kinds = sorted(GAVE_KINDS | RECEIVED_KINDS | {THANKS})
    start = datetime.combine(since, time(0, 0)) if since is not None else None

    def window(q: Any) -> Any:
        q = q.where(Interaction.kind.in_(kinds))
        if start is not None:
            q = q.where(Interaction.occurred_at >= start)
        if person_id is not None:
            q = q.where(Participant.contact == person_id)
        return q

    counts: dict[int, dict[str, int]] = defaultdict(dict)
    last: dict[int, dict[str, datetime]] = defaultdict(dict)
    for cid, kind, n, at in (
        window(
            Participant.select(
                Participant.contact,
                Interaction.kind,
                fn.COUNT(Interaction.id),
                fn.MAX(Interaction.occurred_at),
            ).join(Interaction)
        )
        .group_by(Participant.contact, Interaction.kind)
        .tuples()
    ):
        counts[cid][kind] = int(n)
        moment = _aware(at)
        direction = _direction(kind)
        if moment is not None and (direction not in last[cid] or moment > last[cid][direction]):
            last[cid][direction] = moment

    # Help received after the last thanks (ever) logged with the same person.
    thanked_q = (
        Participant.select(
            Participant.contact.alias("cid"), fn.MAX(Interaction.occurred_at).alias("at")
        )
        .join(Interaction)
        .where(Interaction.kind == THANKS)
    )
    if person_id is not None:
        # One person's last thanks, not everyone's: SQLite built the whole table of them
        # first (50 ms at 1M interactions, each time the panes showed someone who had
        # received help).
        thanked_q = thanked_q.where(Participant.contact == person_id)
    thanked = thanked_q.group_by(Participant.contact).alias("thanked")
    unthanked_q = (
        Participant.select(Participant.contact, fn.COUNT(Interaction.id))
        .join(Interaction)
        .join(thanked, JOIN.LEFT_OUTER, on=(thanked.c.cid == Participant.contact))
        .where(
            Interaction.kind.in_(sorted(RECEIVED_KINDS))
            & (thanked.c.at.is_null() | (Interaction.occurred_at > thanked.c.at))
        )
    )
    if start is not None:
        unthanked_q = unthanked_q.where(Interaction.occurred_at >= start)
    if person_id is not None:
        unthanked_q = unthanked_q.where(Participant.contact == person_id)
    unthanked = dict(unthanked_q.group_by(Participant.contact).tuples())

    ids = sorted(counts)
    names = (
        {
            cid: (uid, name)
            for cid, uid, name in Contact.select(Contact.id, Contact.uid, Contact.display_name)
            .where(Contact.id.in_(ids))
            .tuples()
        }
        if ids
        else {}
    )
    rows: list[LedgerRow] = []
    for cid in ids:
        if cid not in names:
            continue
        by_kind = counts[cid]
        rows.append(
            LedgerRow(
                uid=names[cid][0],
                display_name=names[cid][1],
                gave=sum(n for k, n in by_kind.items() if k in GAVE_KINDS),
                received=sum(n for k, n in by_kind.items() if k in RECEIVED_KINDS),
                thanks=by_kind.get(THANKS, 0),
                last_gave=last[cid].get("gave"),
                last_received=last[cid].get("received"),
                last_thanks=last[cid].get("thanks"),
                unthanked=int(unthanked.get(cid, 0)),
                kinds=dict(by_kind),
            )
        )
    rows.sort(key=lambda r: (-(r.gave + r.received), r.display_name.casefold(), r.uid))
    owe = sorted(
        (r for r in rows if r.unthanked > 0),
        key=lambda r: (-r.received, -r.unthanked, r.display_name.casefold()),
    )[:TOP]
    only = sorted(
        (r for r in rows if r.received > 0 and r.gave == 0),
        key=lambda r: (-r.received, r.display_name.casefold()),
    )[:TOP]

    first = first or _start(today, since)
    month = dialect.year_month(Interaction.occurred_at)
    q = (
        Interaction.select(month, Interaction.kind, fn.COUNT(fn.DISTINCT(Interaction.id)))
        .where(
            Interaction.kind.in_(sorted(GAVE_KINDS | RECEIVED_KINDS))
            & (Interaction.occurred_at >= datetime.combine(first, time(0, 0)))
        )
        .group_by(month, Interaction.kind)
    )
    if person_id is not None:
        q = q.join(Participant).where(Participant.contact == person_id)
    gave_by: dict[str, int] = defaultdict(int)
    got_by: dict[str, int] = defaultdict(int)
    for key, kind, n in q.tuples():
        (gave_by if kind in GAVE_KINDS else got_by)[str(key)] += int(n)
    months = [
        MonthCount(m, gave_by.get(m, 0), got_by.get(m, 0)) for m in months_between(first, today)
    ]

    found: list[LedgerEntry] = []
    person = None
    if me is not None:
        person = rows[0] if rows else LedgerRow(me.uid, me.display_name)
    if me is not None and entries:
        for at, kind, summary, uid in (
            window(
                Interaction.select(
                    Interaction.occurred_at, Interaction.kind, Interaction.summary, Interaction.uid
                ).join(Participant)
            )
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(500)
            .tuples()
        ):
            moment = _aware(at)
            assert moment is not None
            found.append(LedgerEntry(moment, kind, _direction(kind), summary, uid))
    return Ledger(since, rows, months, owe, only, found, person)
