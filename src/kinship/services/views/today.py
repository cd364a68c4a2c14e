"""Today: who to reach out to and why, grouped, as the Today screen lists it.

The follow-up service decides what is due (:func:`kinship.services.followups.today_groups`);
this shapes its groups for a screen: a limited number per group, with the group's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kinship.services import followups
from kinship.services.views._common import day

#: The interaction kind a "done" pre-fills, per group.
DONE_KIND = {
    "check-in": "call",
    "occasions": "congratulation",
    "thank": "thanks",
    "offer-help": "help-given",
    "new-people": "message",
    "introductions": "message",
}

#: The summary the log form suggests, per kind of follow-up (words that fit the occasion).
DONE_SUMMARY = {
    "check-in": "Checked in",
    "birthday": "Wished a happy birthday",
    "anniversary": "Congratulated on the anniversary",
    "congratulate": "Congratulated",
    "condole": "Sent condolences",
    "wish-well": "Wished them well",
    "thank": "Said thank you",
    "offer-help": "Offered help",
}

#: Items per group for a screen: a screen's worth, fast at any size.
TODAY_LIMIT = 50


@dataclass(frozen=True, slots=True)
class TodayItem:
    contact_id: int
    uid: str
    name: str
    kind: str
    reason: str
    due: date
    group: str = "check-in"
    #: The follow-up service's own item, for done / snooze / dismiss.
    ref: followups.DueItem | None = None

    @property
    def done_as(self) -> str:
        """The kind of interaction "done" logs for this item unless told otherwise."""
        from kinship.services.checkin import done_kind

        return done_kind(self.ref.strategy if self.ref else "", self.kind)

    @property
    def done_summary(self) -> str:
        """What the log form suggests as the summary of what was done about this item."""
        return DONE_SUMMARY.get(self.kind, "Checked in")


@dataclass(frozen=True, slots=True)
class TodayGroup:
    key: str
    title: str
    items: list[TodayItem]
    #: How many are due in the group; more than ``items`` when the limit cut it.
    total: int = 0


def today_groups(today: date, *, limit: int = TODAY_LIMIT) -> list[TodayGroup]:
    """The non-empty groups, at most ``limit`` items each, without the daily refresh (the
    app runs that in a worker at start)."""
    return [
        TodayGroup(
            g.key,
            g.title,
            [
                TodayItem(
                    i.contact_id,
                    i.contact_uid,
                    i.display_name,
                    i.kind,
                    i.reason,
                    day(i.due),
                    g.key,
                    ref=i,
                )
                for i in g.items
            ],
            g.total,
        )
        for g in followups.today_groups(today, refresh=False, limit=limit)
    ]


def people_due(today: date) -> int:
    """How many people are due (the app's header count): the people ``is:due`` finds and
    Today lists, counted once each however many reasons they have."""
    return followups.people_due(today)
