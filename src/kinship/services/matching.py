"""Needs and offers: who in your network could help whom.

Empathy notes of kind ``need`` and ``goal`` say what people are looking for; notes of kind
``offer`` say what they can give (skills, contacts, resources). :func:`matches` pairs them
across the network and ranks the pairs; an introduction (:mod:`kinship.services.introductions`)
is what a good pair asks for.

How two notes match. Both are cut into words the way the search index cuts them
(:func:`kinship.store.search.words`: lower case, accents removed, so "Müller" is "muller"
and "REACT" is "react"); common words ("looking", "for", "a", "help", "time" …, see
:data:`STOPWORDS`) and a letter or two before a hyphen ("co" of "co-founder") are dropped. A need
word matches an offer word when they are equal, or when the shorter (four letters or more)
begins the longer, or they share five letters or more and all but the last two of the
shorter, so "mentor" matches "mentoring", "design" "designer" and "teacher" "teaching" (but
"mentor" is not "mental"). A word found in more than 5 % of the offers (and more than ten of
them: "mentoring" where everyone mentors something) is *common*: it ranks a match but does
not make one, so "Rust mentoring" is not offered to someone who needs "Japanese mentoring".
A pair is ranked by how many of the need's words the offer covers, then by how much of the
offer is about the need, then by how recent the newer note is. A person is never matched with
themselves, archived people are left out, and a pair who already have an introduction (in
any state, either way round) is not proposed again.

For one person, the other side is narrowed first with the search index
(:func:`kinship.store.search.any_prefix`: FTS5 on SQLite, the ``tsvector`` table on
PostgreSQL) to the people whose text has a word starting like one of theirs; words that match
share their first four letters, so the narrowing loses nothing.

:func:`weekly_picks` chooses the match the ``introductions`` strategy puts on Today: the best
*fresh* one — a note of the pair written in the last ``fresh_days`` (14) days, after the
needer's last dismissed or done ``introduce`` suggestion. It is computed once per day and
state of the notes (a cache keyed by a few aggregates), not once per chunk of contacts.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import peewee
from peewee import fn

from kinship.records import NEED_NOTE_KINDS, OFFER_NOTE_KINDS, MatchHint
from kinship.store import current, search
from kinship.store.models import Contact, EmpathyNote, FollowUp, Introduction

__all__ = [
    "STOPWORDS",
    "Match",
    "NoteRef",
    "matches",
    "terms",
    "weekly_picks",
    "word_match",
]

#: Words too common in needs and offers to say anything about what is needed or offered.
# fmt: off
STOPWORDS = frozenset(
    (
        "a", "able", "about", "after", "again", "all", "also", "always", "am", "an", "and", "any",
        "anyone", "anything", "are", "available", "everything", "glad", "happy", "willing",
        "around", "as", "at", "be", "been", "before", "being", "best", "better", "but", "by",
        "can", "could", "do", "does", "doing", "for", "from", "get", "gets", "getting", "give",
        "gives", "giving", "good", "great", "had", "has", "have", "having", "he", "help",
        "helping", "helps", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
        "it", "its", "just", "like", "looking", "look", "looks", "lot", "lots", "make", "me",
        "more", "most", "much", "my", "need", "needed", "needs", "new", "next", "of", "offer",
        "offered", "offering", "offers", "on", "one", "or", "other", "our", "out", "over", "own",
        "people", "person", "please", "really", "she", "should", "so", "some", "someone",
        "something", "soon", "than", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "try", "trying", "up", "us", "use",
        "very", "want", "wanted", "wants", "was", "we", "well", "were", "what", "when", "where",
        "which", "who", "will", "with", "would", "year", "years", "you", "your",
        # Words of time and amount: "quiet time" is not "first-time marathon runners".
        "big", "day", "days", "each", "every", "few", "first", "last", "little", "long",
        "many", "month", "months", "now", "once", "only", "small", "still", "thing", "things",
        "time", "times", "way", "ways", "week", "weeks", "while",
    )
)
# fmt: on
#: A letter or two before a hyphen is a prefix, not a word: "co-founder" is "founder"
#: ("co" would match every other "co-"), "e-mail" is "mail". Standalone short words
#: ("AI", "UX") still count, matched whole.
_SHORT_PREFIX = re.compile(r"(?<!\w)\w{1,2}-(?=\w)")
#: The shortest word that matches a word other than itself ("mentor" → "mentoring").
MIN_PREFIX = 4
#: Best offers kept per need (the list stays short and useful).
PER_NEED = 3
#: A word in more than this share of the offers (and more than :data:`COMMON_MIN` of them)
#: is common: it ranks a match but does not make one.
COMMON_SHARE = 0.05
COMMON_MIN = 10


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A need, goal or offer note and whose it is."""

    id: int
    contact_id: int
    uid: str
    display_name: str
    kind: str
    body: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": {"uid": self.uid, "display_name": self.display_name},
            "note_id": self.id,
            "kind": self.kind,
            "body": self.body,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Match:
    """``need.display_name`` needs what ``offer.display_name`` offers."""

    need: NoteRef
    offer: NoteRef
    #: The need's words the offer covers.
    words: tuple[str, ...]
    score: float

    @property
    def newest(self) -> datetime:
        return max(self.need.updated_at, self.offer.updated_at)

    @property
    def why(self) -> str:
        """What to say when proposing the introduction: whose note of which kind, then the
        note as written ("Grace (goal): Wants to learn compilers", never "Grace wants: Wants
        to learn compilers"; no apostrophe, so it quotes plainly in a shell command)."""
        return (
            f"{self.need.display_name} ({self.need.kind}): {_clip(self.need.body)}; "
            f"{self.offer.display_name} (offer): {_clip(self.offer.body)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "need": self.need.to_json(),
            "offer": self.offer.to_json(),
            "words": list(self.words),
            "score": self.score,
            "why": self.why,
            "introduce": {"person": self.need.uid, "to": self.offer.uid},
        }


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def terms(text: str) -> tuple[str, ...]:
    """The distinct words of ``text`` that count for matching, in order."""
    seen: dict[str, None] = {}
    for w in search.words(_SHORT_PREFIX.sub(" ", text)):
        if w not in STOPWORDS and (len(w) >= 2) and not w.isdigit():
            seen.setdefault(w, None)
    return tuple(seen)


def word_match(need: str, offer: str) -> bool:
    """Whether a need word and an offer word match (see the module docstring)."""
    if need == offer:
        return True
    shorter = min(len(need), len(offer))
    if shorter < MIN_PREFIX:
        return False
    common = 0
    for a, b in zip(need, offer, strict=False):
        if a != b:
            break
        common += 1
    if common == shorter:
        return True  # one begins the other: "mentor", "mentoring"
    # They part only near the end of the shorter one ("photographer", "photography";
    # "teacher", "teaching"), after five letters at least ("mentor" is not "mental").
    return common >= MIN_PREFIX + 1 and common >= shorter - 2


def _key(word: str) -> str:
    return word[:MIN_PREFIX]


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _notes(kinds: Iterable[str], where: Any = None) -> list[NoteRef]:
    q = (
        EmpathyNote.select(
            EmpathyNote.id,
            EmpathyNote.contact,
            Contact.uid,
            Contact.display_name,
            EmpathyNote.kind,
            EmpathyNote.body,
            EmpathyNote.updated_at,
        )
        .join(Contact)
        .where(
            EmpathyNote.kind.in_(sorted(kinds)) & (Contact.archived == False)  # noqa: E712
        )
    )
    if where is not None:
        q = q.where(where)
    return [
        NoteRef(nid, cid, uid, name, kind, body, _aware(at))
        for nid, cid, uid, name, kind, body, at in q.order_by(EmpathyNote.id).tuples()
    ]


def _introduced() -> set[frozenset[int]]:
    """Pairs who already have an introduction, in any state."""
    return {
        frozenset((a, b))
        for a, b in Introduction.select(Introduction.person, Introduction.to).tuples()
    }


def common_limit(offers: int) -> int:
    """Offers a word may be in and still say something: a word in more of them (say
    "mentoring" among a thousand offers of mentoring of every kind) counts only beside a
    rarer one."""
    return max(COMMON_MIN, int(offers * COMMON_SHARE))


def _pair(
    needs: Sequence[NoteRef],
    offers: Sequence[NoteRef],
    *,
    total_offers: int,
    offered_by: int | None = None,
) -> list[Match]:
    """Every need matched with its best offers (:data:`PER_NEED`, one per offerer).

    ``offers`` must hold every offer that has a word matching one of the needs' words (all
    of them, or those the search index found near the needs): how many offers a word is in
    decides whether it is common (:func:`common_limit` of ``total_offers``). With
    ``offered_by``, only that contact's offers are paired.

    Offers are found through an index of their words (word → offers, and the words by their
    first letters) and only through the needs' uncommon words, so a need costs a few set
    unions, not a pass over every offer. Only the offers covering the most of the need's
    words are scored in full: an offer covering more words always ranks above one covering
    fewer (the rest of the score stays under one).
    """
    offer_terms = [terms(o.body) for o in offers]
    offer_sets = [frozenset(words) for words in offer_terms]
    offer_size = [max(1, len(words)) for words in offer_sets]
    postings: dict[str, set[int]] = defaultdict(set)
    for i, words in enumerate(offer_terms):
        for w in words:
            postings[w].add(i)
    vocabulary: dict[str, list[str]] = defaultdict(list)
    for w in postings:
        vocabulary[_key(w)].append(w)
    limit = common_limit(total_offers)
    # need word → (the offer words it matches, the offers that have one of them)
    reach: dict[str, tuple[frozenset[str], frozenset[int]]] = {}

    def reached(word: str) -> tuple[frozenset[str], frozenset[int]]:
        got = reach.get(word)
        if got is None:
            near = [w for w in vocabulary.get(_key(word), ()) if word_match(word, w)]
            got = reach[word] = (frozenset(near), frozenset().union(*(postings[w] for w in near)))
        return got

    offer_time = [o.updated_at.timestamp() for o in offers]
    offer_name = [o.display_name.casefold() for o in offers]
    introduced = _introduced()
    found: list[Match] = []
    for need in needs:
        wanted = terms(need.body)
        per_word = {w: reached(w) for w in wanted}
        telling = [w for w in wanted if len(w) >= 3 and len(per_word[w][1]) <= limit]
        if not telling:
            continue  # only common or two-letter words: too thin to go on
        candidates: set[int] = set().union(*(per_word[w][1] for w in telling))
        counts: Counter[int] = Counter()
        for w in wanted:
            counts.update(per_word[w][1] & candidates)
        levels: dict[int, list[int]] = defaultdict(list)
        for i, n in counts.items():
            levels[n].append(i)
        need_time = need.updated_at.timestamp()
        need_name = need.display_name.casefold()
        # offerer → (rank key, offer index, words, score): Match objects only for the winners.
        best: dict[int, tuple[tuple[Any, ...], int, tuple[str, ...], float]] = {}
        for level in sorted(levels, reverse=True):
            for i in levels[level]:
                offer = offers[i]
                if offer.contact_id == need.contact_id or (
                    offered_by is not None and offer.contact_id != offered_by
                ):
                    continue
                if introduced and frozenset((need.contact_id, offer.contact_id)) in introduced:
                    continue
                hit = tuple(w for w in wanted if i in per_word[w][1])
                if level == 1:
                    about = len(offer_sets[i] & per_word[hit[0]][0])
                else:
                    near = frozenset().union(*(per_word[w][0] for w in hit))
                    about = len(offer_sets[i] & near)
                score = round(level + level / len(wanted) + about / offer_size[i], 3)
                key = (
                    -score,
                    -max(need_time, offer_time[i]),
                    need_name,
                    offer_name[i],
                    need.id,
                    offer.id,
                )
                old = best.get(offer.contact_id)
                if old is None or key < old[0]:
                    best[offer.contact_id] = (key, i, hit, score)
            if len(best) >= PER_NEED:
                break  # fewer words covered can no longer make the top
        for _, i, hit, score in sorted(best.values())[:PER_NEED]:
            found.append(Match(need, offers[i], hit, score))
    return sorted(found, key=_rank)


def _rank(m: Match) -> tuple[float, float, str, str, int, int]:
    return (
        -m.score,
        -m.newest.timestamp(),
        m.need.display_name.casefold(),
        m.offer.display_name.casefold(),
        m.need.id,
        m.offer.id,
    )


def _offer_count() -> int:
    return int(
        EmpathyNote.select(fn.COUNT(EmpathyNote.id))
        .join(Contact)
        .where(
            EmpathyNote.kind.in_(sorted(OFFER_NOTE_KINDS)) & (Contact.archived == False)  # noqa: E712
        )
        .scalar()
        or 0
    )


def matches(contact_uid: str | None = None, *, limit: int | None = None) -> list[Match]:
    """Needs paired with offers, best first; with ``contact_uid``, only the pairs that
    person is in (their needs met by others' offers, and their offers for others' needs)."""
    if contact_uid is None:
        every_offer = _notes(OFFER_NOTE_KINDS)
        paired = _pair(_notes(NEED_NOTE_KINDS), every_offer, total_offers=len(every_offer))
        return paired[:limit] if limit else paired
    me = Contact.get_or_none(Contact.uid == contact_uid)
    if me is None:
        from kinship.errors import NotFound

        raise NotFound(f"no contact with UID {contact_uid!r}")
    mine = EmpathyNote.contact == me.id
    my_needs = _notes(NEED_NOTE_KINDS, mine)
    my_offers = _notes(OFFER_NOTE_KINDS, mine)
    found: list[Match] = []
    if not (my_needs or my_offers):
        return found
    total = _offer_count()
    # The search index narrows each side to the people whose text has a word beginning as
    # one of theirs: every offer that can match (and so every offer that decides whether a
    # word is common) is among them, so the result is the network's, cut to this person.
    if my_needs:
        near = search.any_prefix(_key(w) for n in my_needs for w in terms(n.body))
        if near is not None:
            found += _pair(my_needs, _notes(OFFER_NOTE_KINDS, near), total_offers=total)
    if my_offers:
        near = search.any_prefix(_key(w) for n in my_offers for w in terms(n.body))
        if near is not None:
            needs = _notes(NEED_NOTE_KINDS, near & (EmpathyNote.contact != me.id))
            offers = _notes(OFFER_NOTE_KINDS, near)
            found += _pair(needs, offers, total_offers=total, offered_by=me.id)
    found.sort(key=_rank)
    return found[:limit] if limit else found


# --------------------------------------------------------------------------- the week's pick

#: A match is fresh while its newer note is at most this many days old.
FRESH_DAYS = 14
#: Matches put on Today per week.
PER_WEEK = 1

_cache: tuple[Any, dict[int, MatchHint]] | None = None
_lock = threading.Lock()


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _signature(today: date, fresh_days: int, per_week: int) -> Any:
    """What the picks depend on, in one statement of aggregates: when any of it changes,
    the cached picks are computed again."""
    kinds = sorted(NEED_NOTE_KINDS | OFFER_NOTE_KINDS)
    noted = EmpathyNote.kind.in_(kinds)
    closed = (FollowUp.kind == "introduce") & (FollowUp.status != "open")
    row = (
        current()
        .db.execute(
            peewee.Select(
                columns=[
                    EmpathyNote.select(fn.COUNT(EmpathyNote.id)).where(noted),
                    EmpathyNote.select(fn.MAX(EmpathyNote.id)).where(noted),
                    EmpathyNote.select(fn.MAX(EmpathyNote.updated_at)).where(noted),
                    Introduction.select(fn.COUNT(Introduction.id)),
                    Introduction.select(fn.MAX(Introduction.id)),
                    FollowUp.select(fn.COUNT(FollowUp.id)).where(closed),
                    FollowUp.select(fn.MAX(FollowUp.done_at)).where(closed),
                    Contact.select(fn.COUNT(Contact.id)).where(Contact.archived == True),  # noqa: E712
                ]
            )
        )
        .fetchone()
    )
    return (
        current().target,
        id(current().db),
        today,
        fresh_days,
        per_week,
        tuple(str(v) for v in row or ()),
    )


def weekly_picks(today: date, settings: Mapping[str, Any] | None = None) -> dict[int, MatchHint]:
    """Contact id → this week's fresh match for them (at most ``per_week`` people)."""
    global _cache
    settings = settings or {}
    fresh_days = _setting(settings, "fresh_days", FRESH_DAYS)
    per_week = _setting(settings, "per_week", PER_WEEK)
    key = _signature(today, fresh_days, per_week)
    with _lock:
        if _cache is not None and _cache[0] == key:
            return _cache[1]
    picks = _pick(today, fresh_days, per_week)
    with _lock:
        _cache = (key, picks)
    return picks


def _setting(settings: Mapping[str, Any], name: str, default: int) -> int:
    value = settings.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if 0 <= value <= 3650 else default


def _pick(today: date, fresh_days: int, per_week: int) -> dict[int, MatchHint]:
    if per_week <= 0:
        return {}
    since = datetime.combine(today - timedelta(days=fresh_days), datetime.min.time(), UTC)
    passed = {
        cid: _aware(at)
        for cid, at in FollowUp.select(FollowUp.contact, fn.MAX(FollowUp.done_at))
        .where(
            (FollowUp.kind == "introduce")
            & (FollowUp.status != "open")
            & FollowUp.done_at.is_null(False)
        )
        .group_by(FollowUp.contact)
        .tuples()
    }
    monday = week_start(today)
    # This week's picks you already acted on (proposed, dismissed, done) count: per_week is
    # how many reach Today in a week, not how many are open at once.
    acted = (
        FollowUp.select()
        .where(
            (FollowUp.kind == "introduce")
            & (FollowUp.status != "open")
            & (FollowUp.due >= monday)
            & (FollowUp.due <= today)
        )
        .count()
    )
    if acted >= per_week:
        return {}
    picks: dict[int, MatchHint] = {}
    for m in matches():
        if m.newest < since:
            continue
        seen = passed.get(m.need.contact_id)
        if seen is not None and m.newest <= seen:
            continue  # passed over since these notes were written
        if m.need.contact_id in picks:
            continue
        picks[m.need.contact_id] = MatchHint(
            need=m.need.body,
            offerer=m.offer.display_name,
            offer=m.offer.body,
            week=monday,
            score=m.score,
            offerer_uid=m.offer.uid,
        )
        if len(picks) + acted >= per_week:
            break
    return picks


def holders() -> list[int]:
    """Contacts holding an open ``introduce`` suggestion (recomputed when the notes change,
    so last week's pick does not linger)."""
    return [
        cid
        for (cid,) in FollowUp.select(FollowUp.contact)
        .where((FollowUp.kind == "introduce") & (FollowUp.status == "open"))
        .tuples()
    ]
