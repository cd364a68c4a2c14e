"""The read side: typed, frozen view records that the TUI and the CLI both show.

Neither face builds queries: they call these functions (the TUI on its database thread) and
render what comes back. SQL filters, sorts and pages here; nothing loads every row. SQL that
only one backend speaks is in :mod:`kinship.store.dialect`.

- :mod:`.contacts`: the contact list (pages, counts, jumps), ``contacts --json`` summaries,
  the edit form's values;
- :mod:`.detail`: one contact, for the panes (:func:`detail`) and for ``show`` (:func:`card`);
- :mod:`.timeline`: a person's timeline, everyone's upcoming dates, interactions per month;
- :mod:`.relations`, :mod:`.notes`: relationships (both directions) and empathy notes;
- :mod:`.brief`: "before you meet" (with the give-and-get of :mod:`.ledger`);
- :mod:`.today`: the Today groups, from the follow-up service;
- :mod:`.ledger`: what you gave and received, per person and by month;
- :mod:`.paths`: the shortest chain of people between two contacts;
- introductions (:func:`introductions`) and matches of needs and offers (:func:`matches`),
  read from the services that also keep them (:mod:`kinship.services.introductions`,
  :mod:`kinship.services.matching`).

:func:`cancellable` runs reads that stop once the next keystroke has made them stale.

Each module is imported when one of its names is first used (:mod:`kinship.lazy`): the
app's first frame needs only :mod:`.contacts` (importing every view, with introductions and
the follow-up engine behind them, cost 15–20 ms before it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.services.introductions import IntroductionView
    from kinship.services.introductions import listing as introductions
    from kinship.services.matching import Match, NoteRef, matches
    from kinship.services.views.brief import Brief, GiveGet, brief
    from kinship.services.views.contacts import (
        PAGE,
        SORTS,
        ContactRow,
        ContactSummary,
        contact_count,
        contact_page,
        editable,
        position_of,
        search_names,
        store_is_empty,
        summaries,
        summaries_of,
    )
    from kinship.services.views.detail import (
        ContactCard,
        ContactDetail,
        EventItem,
        FieldItem,
        FollowUpItem,
        InteractionItem,
        card,
        detail,
        interaction,
        open_followups,
    )
    from kinship.services.views.ledger import Ledger, LedgerEntry, LedgerRow, MonthCount, ledger
    from kinship.services.views.notes import NoteItem, note, notes
    from kinship.services.views.paths import Path, PathStep, path
    from kinship.services.views.relations import RelationItem, relations
    from kinship.services.views.timeline import (
        TimelineItem,
        birthdays_between,
        monthly_counts,
        timeline,
        upcoming,
    )
    from kinship.services.views.today import (
        DONE_KIND,
        TODAY_LIMIT,
        TodayGroup,
        TodayItem,
        people_due,
        today_groups,
    )
    from kinship.store.cancel import Cancelled, cancellable
else:
    from kinship.lazy import lazy_package

    __getattr__, __dir__ = lazy_package(
        __name__,
        {
            "IntroductionView": ("kinship.services.introductions", "IntroductionView"),
            "introductions": ("kinship.services.introductions", "listing"),
            "Match": ("kinship.services.matching", "Match"),
            "NoteRef": ("kinship.services.matching", "NoteRef"),
            "matches": ("kinship.services.matching", "matches"),
            "Brief": (".brief", "Brief"),
            "GiveGet": (".brief", "GiveGet"),
            "brief": (".brief", "brief"),
            "ContactRow": (".contacts", "ContactRow"),
            "ContactSummary": (".contacts", "ContactSummary"),
            "PAGE": (".contacts", "PAGE"),
            "SORTS": (".contacts", "SORTS"),
            "contact_count": (".contacts", "contact_count"),
            "contact_page": (".contacts", "contact_page"),
            "editable": (".contacts", "editable"),
            "position_of": (".contacts", "position_of"),
            "search_names": (".contacts", "search_names"),
            "store_is_empty": (".contacts", "store_is_empty"),
            "summaries": (".contacts", "summaries"),
            "summaries_of": (".contacts", "summaries_of"),
            "ContactCard": (".detail", "ContactCard"),
            "ContactDetail": (".detail", "ContactDetail"),
            "EventItem": (".detail", "EventItem"),
            "FieldItem": (".detail", "FieldItem"),
            "FollowUpItem": (".detail", "FollowUpItem"),
            "InteractionItem": (".detail", "InteractionItem"),
            "card": (".detail", "card"),
            "detail": (".detail", "detail"),
            "interaction": (".detail", "interaction"),
            "open_followups": (".detail", "open_followups"),
            "Ledger": (".ledger", "Ledger"),
            "LedgerEntry": (".ledger", "LedgerEntry"),
            "LedgerRow": (".ledger", "LedgerRow"),
            "MonthCount": (".ledger", "MonthCount"),
            "ledger": (".ledger", "ledger"),
            "NoteItem": (".notes", "NoteItem"),
            "note": (".notes", "note"),
            "notes": (".notes", "notes"),
            "Path": (".paths", "Path"),
            "PathStep": (".paths", "PathStep"),
            "path": (".paths", "path"),
            "RelationItem": (".relations", "RelationItem"),
            "relations": (".relations", "relations"),
            "TimelineItem": (".timeline", "TimelineItem"),
            "birthdays_between": (".timeline", "birthdays_between"),
            "monthly_counts": (".timeline", "monthly_counts"),
            "timeline": (".timeline", "timeline"),
            "upcoming": (".timeline", "upcoming"),
            "DONE_KIND": (".today", "DONE_KIND"),
            "TODAY_LIMIT": (".today", "TODAY_LIMIT"),
            "TodayGroup": (".today", "TodayGroup"),
            "TodayItem": (".today", "TodayItem"),
            "people_due": (".today", "people_due"),
            "today_groups": (".today", "today_groups"),
            "Cancelled": ("kinship.store.cancel", "Cancelled"),
            "cancellable": ("kinship.store.cancel", "cancellable"),
        },
    )

__all__ = [
    "DONE_KIND",
    "PAGE",
    "SORTS",
    "TODAY_LIMIT",
    "Brief",
    "Cancelled",
    "ContactCard",
    "ContactDetail",
    "ContactRow",
    "ContactSummary",
    "EventItem",
    "FieldItem",
    "FollowUpItem",
    "GiveGet",
    "InteractionItem",
    "IntroductionView",
    "Ledger",
    "LedgerEntry",
    "LedgerRow",
    "Match",
    "MonthCount",
    "NoteItem",
    "NoteRef",
    "Path",
    "PathStep",
    "RelationItem",
    "TimelineItem",
    "TodayGroup",
    "TodayItem",
    "birthdays_between",
    "brief",
    "cancellable",
    "card",
    "contact_count",
    "contact_page",
    "detail",
    "editable",
    "interaction",
    "introductions",
    "ledger",
    "matches",
    "monthly_counts",
    "note",
    "notes",
    "open_followups",
    "path",
    "people_due",
    "position_of",
    "relations",
    "search_names",
    "store_is_empty",
    "summaries",
    "summaries_of",
    "timeline",
    "today_groups",
    "upcoming",
]
