"""Story recommendations from the pairings (ships) and characters a reader likes.

A reader's *taste* is built from their own ratings in one guild: ★4–★5 count strongly for
every pairing and character of the story, ★3 is neutral, ★1–★2 count against them.
Pairings a reader names explicitly ("Spike/Buffy", "Spuffy") are resolved to the library's
canonical names and count as a strong liking of their own.

Every story the reader has not rated is scored:

    score = PAIRING_WEIGHT   · pairing affinity   (best liked ship + worst disliked ship)
          + NAMED_WEIGHT     · 1 if it has a named pairing
          + CHARACTER_WEIGHT · character affinity (Σ over its characters / √n, within ±1)
          + COMMUNITY_WEIGHT · (Bayesian rating − 3) / 2
          + a light nudge towards the lengths and status the reader liked

then ranked (ties: community rating, title, id — always the same order), diversified (at
most `MAX_PER_AUTHOR` stories by one author while other stories are left) and explained
("because you rated *X* ★5 — Buffy Summers/Spike"). A reader with no ratings and no named
pairing gets the guild's top-rated stories ("cold start").

Titles of adult stories never appear (as picks or as the story a reason quotes) unless
the caller passes `include_adult=True`; `hidden_adult` says whether any were left out.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.library.errors import LibraryError
from bot.library.fandoms import fandom_tables
from bot.library.model import Status
from bot.library.records import RatingSummary, ReaderRating, StoryRecord

if TYPE_CHECKING:
    from bot.library.store import Store

log = logging.getLogger(__name__)

# How much one rating says about the pairings and characters of the rated story.
STAR_WEIGHTS: dict[int, float] = {5: 1.0, 4: 0.75, 3: 0.0, 2: -0.75, 1: -1.0}
LIKED_STARS = 4  # ratings at or above this are quoted as reasons and shape length/status
NAMED_AFFINITY = 2.0  # a pairing the reader asked for counts like two ★5 ratings

PAIRING_WEIGHT = 3.0
NAMED_WEIGHT = 4.0
CHARACTER_WEIGHT = 1.0
COMMUNITY_WEIGHT = 0.8
LENGTH_WEIGHT = 0.15
STATUS_WEIGHT = 0.1

MAX_PER_AUTHOR = 2  # per author while other candidates remain
MAX_COUNT = 25  # one page of a select menu
FULL_SCAN_LIMIT = 2_000  # guilds up to this size are scored whole
POOL_PER_PAIRING = 200  # larger guilds: candidates per liked pairing / character
POOL_PER_CHARACTER = 100
POOL_TOP = 200
RATED_LIMIT = 2_000  # rated stories whose community rating is read in one query
PROFILE_SIGNALS = 5  # liked pairings / characters used to gather candidates
DEFAULT_MEAN = 3.0


def key(name: str) -> str:
    """How pairing and character names are compared (case and spacing do not matter)."""
    return " ".join(name.casefold().split())


def story_characters(story: StoryRecord) -> list[str]:
    """The story's characters plus everyone in its pairings, each once, in order."""
    seen: dict[str, str] = {}
    for name in [*story.characters, *(c for p in story.pairings for c in split_ship(p))]:
        seen.setdefault(key(name), name)
    return list(seen.values())


def split_ship(pairing: str) -> list[str]:
    sep = "/" if "/" in pairing else "&"
    return [part.strip() for part in pairing.split(sep) if part.strip()]


def squash(value: float, scale: float = 1.5) -> float:
    """Map a sum of rating weights to (-1, 1): more ratings, more certainty, never unbounded."""
    return math.tanh(value / scale)


# ---- the reader's taste ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """A rating that explains a liking: the rated story and its stars."""

    story: StoryRecord
    stars: int


@dataclass(slots=True)
class Taste:
    """What a reader's ratings (and named pairings) say they like."""

    pairings: dict[str, float] = field(default_factory=dict)  # key -> affinity in (-1, 1)
    characters: dict[str, float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # key -> display name
    liked_by: dict[str, list[Evidence]] = field(default_factory=dict)  # best first
    disliked_by: dict[str, list[Evidence]] = field(default_factory=dict)  # worst first
    named: list[str] = field(default_factory=list)  # canonical pairing names asked for
    rated_ids: set[int] = field(default_factory=set)
    ratings: int = 0
    liked_words: float | None = None  # median length of the stories rated ★4+
    complete_share: float | None = None  # share of ★4+ stories that are complete

    @property
    def empty(self) -> bool:
        return (
            not self.named and not any(self.pairings.values()) and not any(self.characters.values())
        )


def build_taste(
    rated: Sequence[tuple[StoryRecord, ReaderRating]], named: Sequence[str] = ()
) -> Taste:
    """A reader's taste from their ratings (newest first, as `ratings_by_user` gives them)."""
    taste = Taste(named=list(named), rated_ids={s.id for s, _ in rated}, ratings=len(rated))
    pair_sum: dict[str, float] = defaultdict(float)
    char_sum: dict[str, float] = defaultdict(float)
    liked: list[StoryRecord] = []
    for story, rating in rated:
        weight = STAR_WEIGHTS.get(rating.stars, 0.0)
        evidence = Evidence(story, rating.stars)
        for pairing in story.pairings:
            k = key(pairing)
            taste.names.setdefault(k, pairing)
            pair_sum[k] += weight
            _remember(taste, k, evidence, weight)
        chars = story_characters(story)
        for name in chars:
            k = key(name)
            taste.names.setdefault(k, name)
            # a character in a crowded story says less about the reader than a lead
            char_sum[k] += weight / math.sqrt(max(len(chars), 2) / 2)
            _remember(taste, k, evidence, weight)
        if rating.stars >= LIKED_STARS:
            liked.append(story)
    for name in named:
        k = key(name)
        taste.names[k] = name
        pair_sum[k] += NAMED_AFFINITY
        for char in split_ship(name):
            char_sum[key(char)] += NAMED_AFFINITY / 2
            taste.names.setdefault(key(char), char)
    taste.pairings = {k: squash(v) for k, v in pair_sum.items() if v}
    taste.characters = {k: squash(v) for k, v in char_sum.items() if v}
    for lists, reverse in ((taste.liked_by, True), (taste.disliked_by, False)):
        for evidences in lists.values():
            # best (or worst) rating first; among equals the most recent (list order) wins
            evidences.sort(key=lambda e: e.stars, reverse=reverse)
    if liked:
        taste.liked_words = statistics.median(max(s.words, 1) for s in liked)
        known = [s for s in liked if s.status is not Status.UNKNOWN]
        if known:
            taste.complete_share = sum(s.status is Status.COMPLETE for s in known) / len(known)
    return taste


def _remember(taste: Taste, k: str, evidence: Evidence, weight: float) -> None:
    if weight > 0:
        taste.liked_by.setdefault(k, []).append(evidence)
    elif weight < 0:
        taste.disliked_by.setdefault(k, []).append(evidence)


# ---- reasons -----------------------------------------------------------------------------


class ReasonKind(StrEnum):
    NAMED = "named"  # has a pairing the reader asked for
    PAIRING = "pairing"  # shares a pairing with a story the reader liked
    CHARACTER = "character"  # shares a character with a story the reader liked
    COMMUNITY = "community"  # rated well on the server
    NEW = "new"  # nothing else to say: something the reader has not tried
    CAUTION = "caution"  # shares a pairing with a story the reader rated low


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a story was picked; `text()` words it (the caller decides how titles look)."""

    kind: ReasonKind
    subject: str | None = None  # the pairing or character
    source: StoryRecord | None = None  # the rated story it is quoted from
    stars: int | None = None
    summary: RatingSummary | None = None

    def text(
        self,
        title: Callable[[str], str] = lambda t: f"*{t}*",
        name: Callable[[str], str] = lambda n: n,
    ) -> str:
        """One line: `title` formats a quoted story title and `name` a pairing or character
        (a chat front end escapes Markdown and mentions there)."""
        subject = name(self.subject or "")
        if self.kind is ReasonKind.NAMED:
            return f"matches {subject}, the pairing you asked for"
        if self.kind in (ReasonKind.PAIRING, ReasonKind.CHARACTER):
            if self.source is not None and self.stars is not None:
                return f"because you rated {title(self.source.title)} ★{self.stars} — {subject}"
            what = "stories" if self.kind is ReasonKind.PAIRING else "stories with them"
            return f"because you liked {subject} {what}"
        if self.kind is ReasonKind.CAUTION:
            if self.source is not None and self.stars is not None:
                return f"note: you rated {title(self.source.title)} ★{self.stars} — {subject}"
            return f"note: you rated {subject} stories low"
        if self.kind is ReasonKind.COMMUNITY and self.summary is not None:
            s = self.summary
            noun = "rating" if s.count == 1 else "ratings"
            return f"rated {s.bayesian:.1f} on the server ({s.count} {noun})"
        return "new to you"


@dataclass(frozen=True, slots=True)
class Recommendation:
    story: StoryRecord
    score: float
    reasons: tuple[Reason, ...]
    summary: RatingSummary

    def explain(
        self,
        title: Callable[[str], str] = lambda t: f"*{t}*",
        name: Callable[[str], str] = lambda n: n,
    ) -> str:
        return "; ".join(r.text(title, name) for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Recommendations:
    picks: list[Recommendation]
    cold_start: bool  # no taste to go on: the server's best-rated stories
    named: list[str]  # the canonical pairings asked for
    ratings: int  # how many of the reader's ratings the taste came from
    hidden_adult: bool  # an adult story would have been picked but may not be listed


# ---- scoring -----------------------------------------------------------------------------


@dataclass(slots=True)
class Scored:
    story: StoryRecord
    score: float
    summary: RatingSummary
    reasons: list[Reason]

    def order(self) -> tuple[float, float, int, str, int]:
        return (
            -round(self.score, 9),
            -round(self.summary.bayesian, 9),
            -self.summary.count,
            self.story.title.casefold(),
            self.story.id,
        )


def score_story(
    story: StoryRecord,
    taste: Taste,
    summary: RatingSummary,
    *,
    mean: float = DEFAULT_MEAN,
    may_quote: Callable[[StoryRecord], bool] = lambda s: True,
) -> Scored:
    """Score one unrated story against a taste and say why it scored."""
    reasons: list[Reason] = []
    named = {key(n) for n in taste.named}
    pairing_keys = [key(p) for p in story.pairings]
    display = dict(zip(pairing_keys, story.pairings, strict=True))

    has_named = [k for k in pairing_keys if k in named]
    if has_named:
        reasons.append(Reason(ReasonKind.NAMED, subject=display[has_named[0]]))

    affinities = [(taste.pairings.get(k, 0.0), k) for k in pairing_keys]
    best = max(affinities, default=(0.0, ""), key=lambda a: (a[0], a[1]))
    worst = min(affinities, default=(0.0, ""), key=lambda a: (a[0], a[1]))
    pairing = max(best[0], 0.0) + min(worst[0], 0.0)
    if best[0] > 0 and best[1] not in named:
        reasons.append(
            _quoted(ReasonKind.PAIRING, display[best[1]], taste.liked_by, best[1], may_quote)
        )

    chars = story_characters(story)
    char_affinities = [(taste.characters.get(key(c), 0.0), c) for c in chars]
    character = (
        sum(a for a, _ in char_affinities) / math.sqrt(len(char_affinities)) if chars else 0.0
    )
    character = max(-1.0, min(1.0, character))
    if not reasons:
        liked_chars = sorted(
            (a for a in char_affinities if a[0] > 0), key=lambda a: (-a[0], a[1].casefold())
        )
        if liked_chars:
            name = liked_chars[0][1]
            reasons.append(
                _quoted(ReasonKind.CHARACTER, name, taste.liked_by, key(name), may_quote)
            )

    community = (summary.bayesian - DEFAULT_MEAN) / 2
    if summary.count and summary.bayesian >= max(mean, DEFAULT_MEAN) and len(reasons) < 2:
        reasons.append(Reason(ReasonKind.COMMUNITY, summary=summary))

    score = (
        PAIRING_WEIGHT * pairing
        + NAMED_WEIGHT * (1.0 if has_named else 0.0)
        + CHARACTER_WEIGHT * character
        + COMMUNITY_WEIGHT * community
        + _shape(story, taste)
    )
    if worst[0] < 0:
        reasons.append(
            _quoted(ReasonKind.CAUTION, display[worst[1]], taste.disliked_by, worst[1], may_quote)
        )
    if not reasons:
        reasons.append(Reason(ReasonKind.NEW))
    return Scored(story, score, summary, reasons)


def _quoted(
    kind: ReasonKind,
    subject: str,
    evidence: dict[str, list[Evidence]],
    k: str,
    may_quote: Callable[[StoryRecord], bool],
) -> Reason:
    """A reason quoting the reader's best (or worst) rating of `subject` they may see here."""
    for e in evidence.get(k, []):
        if may_quote(e.story):
            return Reason(kind, subject=subject, source=e.story, stars=e.stars)
    return Reason(kind, subject=subject)


def _shape(story: StoryRecord, taste: Taste) -> float:
    """A light nudge towards the lengths and status of the stories the reader liked."""
    out = 0.0
    if taste.liked_words:
        distance = abs(math.log10(max(story.words, 1) / taste.liked_words))
        out -= LENGTH_WEIGHT * min(distance, 2.0) / 2.0
    if taste.complete_share is not None and story.status is not Status.UNKNOWN:
        leaning = taste.complete_share - 0.5  # > 0: prefers complete stories
        out += STATUS_WEIGHT * leaning * (1 if story.status is Status.COMPLETE else -1) * 2
    return out


def diversify(
    scored: Sequence[Scored], count: int, per_author: int = MAX_PER_AUTHOR
) -> list[Scored]:
    """The best `count`, taking at most `per_author` stories by one author while other
    stories remain; the stories skipped fill any places left, best first."""
    chosen: list[Scored] = []
    skipped: list[Scored] = []
    by_author: Counter[str] = Counter()
    for item in scored:
        if len(chosen) >= count:
            break
        authors = {key(a) for a in item.story.authors} or {""}
        if any(by_author[a] >= per_author for a in authors if a):
            skipped.append(item)
            continue
        chosen.append(item)
        by_author.update(a for a in authors if a)
    for item in skipped:
        if len(chosen) >= count:
            break
        chosen.append(item)
    return chosen


# ---- resolving named pairings ------------------------------------------------------------


async def resolve_pairing(store: Store, guild_id: int, text: str) -> str:
    """The library's canonical name for a pairing a reader typed ("spike/buffy", "Spuffy").

    Raises LibraryError naming the closest pairings when the library has none like it.
    """
    wanted = " ".join((text or "").split())
    if not wanted:
        raise LibraryError("Name a pairing, e.g. “Buffy Summers/Spike”.")
    candidates = [wanted]
    parts = split_ship(wanted)
    if len(parts) >= 2:
        candidates.append("/".join(sorted(parts, key=lambda c: (c.casefold(), c))))
    relationship = fandom_tables().resolve_relationship(wanted)
    if relationship is not None:
        candidates.append(relationship.name)
        candidates.append("/".join(relationship.characters))
    for candidate in candidates:
        for name in await store.facet_values(guild_id, "pairing", candidate, limit=25):
            if key(name) == key(candidate):
                return name
    close = await store.facet_values(guild_id, "pairing", parts[0] if parts else wanted, limit=3)
    shown = wanted if len(wanted) <= 80 else wanted[:79] + "…"
    if close:
        listed = ", ".join(f"“{c}”" for c in close)
        raise LibraryError(f"No stories with the pairing “{shown}” here. Did you mean: {listed}?")
    raise LibraryError(f"No stories with the pairing “{shown}” here. Try /browse to see pairings.")


# ---- putting it together -----------------------------------------------------------------


async def recommend(
    store: Store,
    guild_id: int,
    user_id: int,
    *,
    pairings: Iterable[str] = (),
    only_named: bool = False,
    count: int = 10,
    include_adult: bool = True,
) -> Recommendations:
    """Up to `count` stories for a reader, best first, each with its reasons.

    `pairings`: pairings the reader asked for (any spelling; resolved, LibraryError if the
    library has none like it). `only_named`: pick only stories with one of them.
    `include_adult=False`: no adult story is picked or quoted in a reason.
    """
    if not 1 <= count <= MAX_COUNT:
        raise LibraryError(f"Ask for 1 to {MAX_COUNT} recommendations.")
    named: list[str] = []
    for text in pairings:
        name = await resolve_pairing(store, guild_id, text)
        if name not in named:
            named.append(name)
    if only_named and not named:
        raise LibraryError("Name a pairing to get recommendations for it.")
    rated = await store.ratings_by_user(guild_id, user_id)
    taste = build_taste(rated, named)

    def may_list(story: StoryRecord) -> bool:
        return include_adult or not story.is_adult

    if taste.empty:
        return await _cold_start(store, guild_id, taste, count, may_list)

    community = await _Community.load(store, guild_id)
    pool = await _candidates(store, guild_id, taste, named if only_named else [])
    scored = []
    for story in pool:
        if story.id in taste.rated_ids:
            continue
        summary = await community.summary(story)
        scored.append(score_story(story, taste, summary, mean=community.mean, may_quote=may_list))
    scored.sort(key=Scored.order)
    return _finish(scored, taste, count, may_list, cold_start=False)


async def _cold_start(
    store: Store,
    guild_id: int,
    taste: Taste,
    count: int,
    may_list: Callable[[StoryRecord], bool],
) -> Recommendations:
    """No taste yet: the server's best-rated stories the reader has not rated."""
    best = await store.top_stories(guild_id, limit=POOL_TOP)
    scored = [
        Scored(s, summary.bayesian, summary, [Reason(ReasonKind.COMMUNITY, summary=summary)])
        for s, summary in best
        if s.id not in taste.rated_ids
    ]
    scored.sort(key=Scored.order)
    return _finish(scored, taste, count, may_list, cold_start=True)


def _finish(
    scored: list[Scored],
    taste: Taste,
    count: int,
    may_list: Callable[[StoryRecord], bool],
    *,
    cold_start: bool,
) -> Recommendations:
    listable = [s for s in scored if may_list(s.story)]
    picks = diversify(listable, count)
    # would an adult story have been among the picks had it been allowed?
    everything = diversify(scored, count)
    hidden = any(not may_list(s.story) for s in everything)
    return Recommendations(
        picks=[Recommendation(s.story, s.score, tuple(s.reasons), s.summary) for s in picks],
        cold_start=cold_start,
        named=list(taste.named),
        ratings=taste.ratings,
        hidden_adult=hidden,
    )


async def _candidates(
    store: Store,
    guild_id: int,
    taste: Taste,
    only: Sequence[str],
) -> list[StoryRecord]:
    """The stories worth scoring: all of them in a small guild; in a large one, those
    sharing the reader's liked pairings and characters plus the best rated."""
    if only:
        pool: dict[int, StoryRecord] = {}
        for name in only:
            stories, _ = await store.list_stories(guild_id, pairing=name, sort="top", limit=None)
            pool.update((s.id, s) for s in stories)
        return list(pool.values())
    _, total = await store.list_stories(guild_id, limit=0)
    if total <= FULL_SCAN_LIMIT:
        stories, _ = await store.list_stories(guild_id, sort="top", limit=None)
        return stories
    pool = {}
    liked_pairings = _strongest(taste.pairings, taste.named)
    liked_characters = _strongest(taste.characters, ())
    for k in liked_pairings:
        stories, _ = await store.list_stories(
            guild_id, pairing=taste.names[k], sort="top", limit=POOL_PER_PAIRING
        )
        pool.update((s.id, s) for s in stories)
    for k in liked_characters:
        stories, _ = await store.list_stories(
            guild_id, character=taste.names[k], sort="top", limit=POOL_PER_CHARACTER
        )
        pool.update((s.id, s) for s in stories)
    stories, _ = await store.list_stories(guild_id, sort="top", limit=POOL_TOP)
    pool.update((s.id, s) for s in stories)
    log.debug("recommend: %d candidates from %d stories", len(pool), total)
    return list(pool.values())


def _strongest(affinities: dict[str, float], named: Sequence[str]) -> list[str]:
    liked = sorted((k for k, a in affinities.items() if a > 0), key=lambda k: (-affinities[k], k))
    keys = [key(n) for n in named]
    return keys + [k for k in liked if k not in keys][:PROFILE_SIGNALS]


class _Community:
    """Community ratings of a guild's stories: every rated story's summary from one query.
    A story not among them has no ratings, so its Bayesian average is the guild's mean."""

    def __init__(self, store: Store, summaries: dict[int, RatingSummary], whole: bool) -> None:
        self.store = store
        self.summaries = summaries
        self.whole = whole  # every rated story is in `summaries`
        count = sum(s.count for s in summaries.values())
        total = sum((s.mean or 0.0) * s.count for s in summaries.values())
        self.mean = total / count if count else DEFAULT_MEAN
        self.unrated = RatingSummary(0, None, self.mean)

    @classmethod
    async def load(cls, store: Store, guild_id: int) -> _Community:
        rated = await store.top_stories(guild_id, limit=RATED_LIMIT)
        summaries = {story.id: summary for story, summary in rated}
        return cls(store, summaries, whole=len(rated) < RATED_LIMIT)

    async def summary(self, story: StoryRecord) -> RatingSummary:
        found = self.summaries.get(story.id)
        if found is not None:
            return found
        if self.whole:
            return self.unrated
        return await self.store.rating_summary(story.id)
