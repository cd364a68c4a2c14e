"""Introductions: the most valuable thing one person can do for two others.

``propose(a, b, why)`` records that you mean to introduce ``a`` to ``b``; ``advance`` moves
it along ``proposed → asked → made → followed-up`` (or to ``declined``). ``b`` is the one
asked first (a double opt-in: you check ``b`` wants to meet ``a`` before you connect them).
Making an introduction logs an ``intro-given`` interaction with both people, so it counts as
help given to each of them (the ledger, give-first) and restarts their check-in clocks.

The follow-ups ("ask Charles", "make the introduction", "ask how it went") come from the
builtin ``introductions`` strategy over the snapshot (:mod:`kinship.services.snapshots`
reads the open introductions); each write here recomputes both people in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kinship.errors import NotFound, ValidationError
from kinship.records import INTRO_OPEN, INTRO_STATUSES
from kinship.services import _notify, interactions, matching
from kinship.services.followups.compute import refresh_due, refresh_matches
from kinship.services.followups.engine import engine
from kinship.services.snapshots import MATCH_STRATEGY
from kinship.store import current
from kinship.store.models import Contact, FollowUp, Introduction, utcnow

__all__ = [
    "NEXT",
    "IntroductionView",
    "Person",
    "advance",
    "advance_logged",
    "for_contact",
    "get",
    "listing",
    "parse_status",
    "propose",
    "unknown_status",
]

#: Where each status may go next. Skipping the ask (proposed → made) is allowed: sometimes
#: you connect two people on the spot. Backwards, and out of followed-up/declined, is not.
NEXT: dict[str, tuple[str, ...]] = {
    "proposed": ("asked", "made", "declined"),
    "asked": ("made", "declined"),
    "made": ("followed-up",),
    "followed-up": (),
    "declined": (),
}
MAX_WHY = 2000
#: The timestamp column each status sets when it is reached.
_STAMP = {
    "asked": "asked_at",
    "made": "made_at",
    "followed-up": "followed_up_at",
    "declined": "declined_at",
}


@dataclass(frozen=True, slots=True)
class Person:
    uid: str
    display_name: str

    def to_json(self) -> dict[str, str]:
        return {"uid": self.uid, "display_name": self.display_name}


@dataclass(frozen=True, slots=True)
class IntroductionView:
    """One introduction as both faces show it: ``person`` is introduced to ``to``."""

    id: int
    person: Person
    to: Person
    why: str
    status: str
    created_at: datetime
    status_at: datetime
    asked_at: datetime | None = None
    made_at: datetime | None = None
    followed_up_at: datetime | None = None
    declined_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in INTRO_OPEN

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT.get(self.status, ())

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "person": self.person.to_json(),
            "to": self.to.to_json(),
            "why": self.why,
            "status": self.status,
            "open": self.open,
            "created_at": iso(self.created_at),
            "status_at": iso(self.status_at),
            "asked_at": iso(self.asked_at),
            "made_at": iso(self.made_at),
            "followed_up_at": iso(self.followed_up_at),
            "declined_at": iso(self.declined_at),
            "next": list(self.next_statuses),
        }


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _views(rows: Iterable[Introduction]) -> list[IntroductionView]:
    rows = list(rows)
    ids = {r.person_id for r in rows} | {r.to_id for r in rows}
    people = {
        cid: Person(uid, name)
        for cid, uid, name in Contact.select(Contact.id, Contact.uid, Contact.display_name)
        .where(Contact.id.in_(sorted(ids)))
        .tuples()
    }
    out = []
    for r in rows:
        created = _aware(r.created_at)
        status_at = _aware(r.status_at)
        assert created is not None and status_at is not None
        out.append(
            IntroductionView(
                r.id,
                people[r.person_id],
                people[r.to_id],
                r.why,
                r.status,
                created,
                status_at,
                _aware(r.asked_at),
                _aware(r.made_at),
                _aware(r.followed_up_at),
                _aware(r.declined_at),
            )
        )
    return out


def _row(intro_id: int) -> Introduction:
    row = Introduction.get_or_none(Introduction.id == intro_id)
    if row is None:
        raise NotFound(f"no introduction #{intro_id} (see `kinship intros`)")
    return row


def get(intro_id: int) -> IntroductionView:
    return _views([_row(intro_id)])[0]


def _contact(uid: str) -> Contact:
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        raise NotFound(f"no contact with UID {uid!r}")
    return row


def _when(at: datetime | None) -> datetime:
    if at is None:
        return engine().now()
    if at.tzinfo is None:
        at = at.astimezone()
    return at.astimezone(UTC).replace(tzinfo=None)


def propose(
    person_uid: str, to_uid: str, why: str = "", *, at: datetime | None = None
) -> IntroductionView:
    """Record that you mean to introduce ``person`` to ``to``.

    Refused for one person twice, and when the two already have an open introduction (in
    either direction): move that one along instead.
    """
    why = " ".join(why.split())
    if len(why) > MAX_WHY:
        raise ValidationError(f"--why is too long ({len(why)} characters, at most {MAX_WHY})")
    stamp = _when(at)
    with current().write():
        a, b = _contact(person_uid), _contact(to_uid)
        if a.id == b.id:
            raise ValidationError(f"cannot introduce {a.display_name} to themselves")
        pair = ((Introduction.person == a.id) & (Introduction.to == b.id)) | (
            (Introduction.person == b.id) & (Introduction.to == a.id)
        )
        existing = (
            Introduction.select()
            .where(pair & Introduction.status.in_(sorted(INTRO_OPEN)))
            .order_by(Introduction.id)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                f"{a.display_name} and {b.display_name} already have an open introduction "
                f"(#{existing.id}, {existing.status}); move it with `kinship intro-status "
                f"{existing.id} STATUS`"
            )
        _propose_pick(a, b)
        row = Introduction.create(
            person=a, to=b, why=why, created_at=stamp, status_at=stamp, updated_at=utcnow()
        )
        refresh_matches([a.id, b.id])
    return get(row.id)


def _propose_pick(a: Contact, b: Contact) -> None:
    """When this pair is the week's match on Today (``introduce``, on the one who needs
    it), proposing it is doing it: the suggestion is closed as done, so it counts against
    ``per_week`` as a dismissed one does and the next match waits for next week."""
    eng = engine()
    if MATCH_STRATEGY not in eng.names:
        return
    picks = matching.weekly_picks(eng.today(), eng.config.strategies.get(MATCH_STRATEGY))
    for needer, other in ((a, b), (b, a)):
        pick = picks.get(needer.id)
        if pick is None or pick.offerer_uid != other.uid:
            continue
        for followup in FollowUp.select(FollowUp.id).where(
            (FollowUp.contact == needer.id)
            & (FollowUp.kind == "introduce")
            & (FollowUp.status == "open")
        ):
            FollowUp.update(status="done", done_at=utcnow()).where(
                FollowUp.id == followup.id
            ).execute()
            _notify.followup("kinship_followup_done", followup.id)


def parse_status(text: str) -> str | None:
    """The status ``text`` names ("Followed up", "followed_up", "followed" are
    ``followed-up``), or ``None`` when it names none."""
    wanted = text.strip().lower().replace("_", "-").replace(" ", "-")
    if wanted == "followed":
        wanted = "followed-up"
    return wanted if wanted in INTRO_STATUSES else None


def unknown_status(text: str) -> str:
    """The error for a status that is none of them, with the ones an introduction moves to."""
    moves = [s for s in INTRO_STATUSES if s != "proposed"]
    return f"unknown introduction status {text!r}: use {_or(tuple(moves))}"


def advance(intro_id: int, status: str, *, at: datetime | None = None) -> IntroductionView:
    """Move an introduction to ``status``; a move :data:`NEXT` does not allow is refused
    with what is allowed. Reaching ``made`` logs an ``intro-given`` interaction with both."""
    return advance_logged(intro_id, status, at=at)[0]


def advance_logged(
    intro_id: int, status: str, *, at: datetime | None = None
) -> tuple[IntroductionView, str | None]:
    """:func:`advance`, with the UID of the ``intro-given`` interaction it logged (when
    the introduction was made), for ``kinship done`` to report."""
    logged: str | None = None
    wanted = parse_status(status)
    if wanted is None:
        raise ValidationError(unknown_status(status))
    stamp = _when(at)
    with current().write():
        row = _row(intro_id)
        allowed = NEXT.get(row.status, ())
        if wanted == row.status:
            raise ValidationError(f"introduction #{row.id} is already {row.status}")
        if wanted not in allowed:
            if not allowed:
                raise ValidationError(
                    f"introduction #{row.id} is {row.status}: it is closed and cannot move "
                    f"to {wanted}"
                )
            raise ValidationError(
                f"introduction #{row.id} is {row.status}: it can move to "
                f"{_or(allowed)}, not {wanted}"
            )
        view = _views([row])[0]
        if wanted == "made":
            summary = f"Introduced {view.person.display_name} to {view.to.display_name}"
            logged = interactions.log(
                summary,
                [view.person.uid, view.to.uid],
                kind="intro-given",
                occurred_at=stamp.replace(tzinfo=UTC),
                notes=row.why,
            ).uid
        Introduction.update(
            {
                Introduction.status: wanted,
                Introduction.status_at: stamp,
                Introduction.updated_at: utcnow(),
                getattr(Introduction, _STAMP[wanted]): stamp,
            }
        ).where(Introduction.id == row.id).execute()
        refresh_due([row.person_id, row.to_id])
    return get(row.id), logged


def _or(words: tuple[str, ...]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def listing(*, open_only: bool = False, contact_uid: str | None = None) -> list[IntroductionView]:
    """Introductions, open ones first, then newest first."""
    q = Introduction.select()
    if open_only:
        q = q.where(Introduction.status.in_(sorted(INTRO_OPEN)))
    if contact_uid is not None:
        c = _contact(contact_uid)
        q = q.where((Introduction.person == c.id) | (Introduction.to == c.id))
    views = _views(q.order_by(Introduction.status_at.desc(), Introduction.id.desc()))
    return sorted(views, key=lambda v: not v.open)


def for_contact(contact_uid: str) -> list[IntroductionView]:
    return listing(contact_uid=contact_uid)
