"""Discovery for every guild: the in-memory catalogs, kept in step with the store, and the
answers built from them (recommendations, similar stories, top lists).

A guild's catalog is read once (streaming queries on the store's connection thread) and
then kept current by `Library`: every rating given, changed or removed updates it at
once (`rated`), an added or edited story is read alone and put in place (`story_put`),
a removed story is dropped (`story_removed`). When the rating overlay grows the co-liking
arrays are rebuilt in a worker thread while the old ones keep answering. A write by
another process (the CLI on the same file) changes SQLite's `data_version`: the catalogs
are then read again (in the background; the old ones answer meanwhile).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.library.errors import LibraryError
from bot.library.fandoms import fandom_tables
from bot.library.recommend.blend import PRIOR_WEIGHT, Draft, bayesian, rank, top
from bot.library.recommend.catalog import (
    LEVELS,
    Catalog,
    load_catalog,
    load_story,
    load_title_rank,
)
from bot.library.recommend.explain import Reason, ReasonKind, Recommendation, Recommendations
from bot.library.recommend.taste import build_taste, key, similar_taste, split_ship
from bot.library.records import RatingSummary, StoryRecord

if TYPE_CHECKING:
    from bot.library.store import Store

log = logging.getLogger(__name__)

MAX_COUNT = 25  # one page of a select menu
TOP_MIN_RATINGS = 2
LOAD_TRIES = 3  # a top list needs this many ratings (unless too few stories have them)


class Discovery:
    """Per-guild catalogs and what they answer."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._catalogs: dict[int, Catalog] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task] = set()
        self._rebuilding: set[int] = set()
        # changes this process made per guild (a catalog read meanwhile is read again)
        self._events: defaultdict[int, int] = defaultdict(int)

    # ---- keeping catalogs ----------------------------------------------------------------

    async def catalog(self, guild_id: int) -> Catalog:
        """The guild's catalog, read on first use (and again after another process wrote)."""
        found = self._catalogs.get(guild_id)
        if found is not None:
            return found
        async with self._locks[guild_id]:
            found = self._catalogs.get(guild_id)
            if found is None:
                found = await self._load(guild_id)
                self._catalogs[guild_id] = found
                log.info(
                    "discovery: guild %s: %d stories, %d ratings, %.1f MB",
                    guild_id,
                    found.size,
                    int(found.rating_count.sum()),
                    found.nbytes() / 1e6,
                )
        if found.title_rank is None:
            found.title_rank = await self.store.db.read(load_title_rank, found)
        return found

    def ready(self, guild_id: int) -> bool:
        """The guild's catalog is in memory (answers from it take milliseconds)."""
        found = self._catalogs.get(guild_id)
        return found is not None and found.title_rank is not None

    def changed_elsewhere(self) -> None:
        """Another process wrote to the database (`Library` watches for it): every catalog
        is read again in the background; the old ones answer meanwhile."""
        log.info("discovery: the database changed outside this process; re-reading")
        for gid in list(self._catalogs):
            self._spawn(self._reload(gid))

    async def warm(self, guild_ids: Iterable[int]) -> None:
        for gid in guild_ids:
            await self.catalog(gid)

    def start_warming(self, guild_ids: Iterable[int]) -> None:
        """Read the guilds' catalogs in the background (the bot's start)."""
        self._spawn(self.warm(list(guild_ids)))

    async def _reload(self, guild_id: int) -> None:
        async with self._locks[guild_id]:
            self._catalogs[guild_id] = await self._load(guild_id)

    async def _load(self, guild_id: int) -> Catalog:
        """Read a guild's catalog; read again when this process changed the guild while it
        was being read (the read is a snapshot that may or may not hold the change)."""
        for _ in range(LOAD_TRIES):
            seen = self._events[guild_id]
            fresh = await self.store.db.read(load_catalog, guild_id)
            if self._events[guild_id] == seen:
                return fresh
        log.warning("discovery: guild %s kept changing while read; reading again", guild_id)
        self._spawn(self._reload(guild_id))
        return fresh

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("discovery: background refresh failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def rated(
        self, guild_id: int, story_id: int, user_id: int, stars: int | None, before: int | None
    ) -> None:
        self._events[guild_id] += 1
        found = self._catalogs.get(guild_id)
        if found is None:
            return
        found.rated(story_id, user_id, stars, before)
        if found.needs_rebuild() and guild_id not in self._rebuilding:
            self._rebuilding.add(guild_id)
            self._spawn(self._rebuild(found))

    async def _rebuild(self, catalog: Catalog) -> None:
        try:
            snapshot = catalog.snapshot()
            base = await asyncio.to_thread(catalog.merged_base, snapshot)
            catalog.swap_base(base, snapshot)
        finally:
            self._rebuilding.discard(catalog.guild_id)

    async def story_put(self, guild_id: int, story_id: int) -> None:
        self._events[guild_id] += 1
        found = self._catalogs.get(guild_id)
        if found is None:
            return
        one = await self.store.db.read(load_story, story_id)
        if one is None:
            found.story_removed(story_id)
        elif not found.put(one):
            await self._reload(guild_id)

    def story_removed(self, guild_id: int, story_id: int) -> None:
        self._events[guild_id] += 1
        found = self._catalogs.get(guild_id)
        if found is not None:
            found.story_removed(story_id)
            found.changes += 1

    # ---- answers -------------------------------------------------------------------------

    async def summaries(self, guild_id: int, story_ids: Iterable[int]) -> dict[int, RatingSummary]:
        """Rating summaries (count, plain mean, Bayesian average) from the catalog."""
        catalog = await self.catalog(guild_id)
        return _summaries(catalog, story_ids)

    async def card_ratings(
        self, guild_id: int, story_id: int, user_id: int | None
    ) -> tuple[RatingSummary, int | None]:
        """A story's rating summary and one reader's stars for it (None: not rated, or no
        reader), from the same catalog (so they always agree)."""
        catalog = await self.catalog(guild_id)
        own = None if user_id is None else catalog.stars_of(user_id, story_id)
        return _summaries(catalog, [story_id])[story_id], own

    async def recommend(
        self,
        guild_id: int,
        user_id: int,
        *,
        pairings: Iterable[str] = (),
        only_named: bool = False,
        count: int = 10,
        include_adult: bool = True,
    ) -> Recommendations:
        """Up to `count` stories for a reader, best first, each with its reasons."""
        if not 1 <= count <= MAX_COUNT:
            raise LibraryError(f"Ask for 1 to {MAX_COUNT} recommendations.")
        named: list[str] = []
        for text in pairings:
            name = await resolve_pairing(self.store, guild_id, text)
            if name not in named:
                named.append(name)
        if only_named and not named:
            raise LibraryError("Name a pairing to get recommendations for it.")
        catalog = await self.catalog(guild_id)
        ids = _pairing_ids(catalog, named)
        taste = build_taste(catalog, catalog.ratings_of(user_id), ids)
        only = None
        if only_named:
            pairings_f = catalog.features["pairing"]
            only = np.zeros(catalog.size, dtype=bool)
            only[pairings_f.row_index()[np.isin(pairings_f.ids, ids)]] = True
        reader = catalog.base.reader(user_id)
        ranked = rank(
            catalog, taste, reader=reader, count=count, include_adult=include_adult, only=only
        )
        cold = taste.empty and ranked.evidence == 0
        if cold:
            picks, _ = top(
                catalog,
                _listable(catalog, include_adult) & _unrated(catalog, taste.rated),
                min_ratings=1,
                limit=count,
            )
            drafts = [Draft(p, 0.0, [(ReasonKind.COMMUNITY, None, p, None)]) for p in picks]
            everything, _ = top(catalog, _unrated(catalog, taste.rated), min_ratings=1, limit=count)
            hidden = any(catalog.adult[p] for p in everything) and not include_adult
        else:
            drafts, hidden = ranked.drafts, ranked.hidden_adult
        result = await self._finish(catalog, drafts)
        return Recommendations(
            picks=result,
            cold_start=cold,
            named=named,
            ratings=len(taste.rated),
            hidden_adult=hidden,
            collaborative=0.0 if cold else ranked.alpha,
        )

    async def similar(
        self, guild_id: int, story_id: int, *, count: int = 10, include_adult: bool = True
    ) -> Recommendations:
        """Stories like `story_id`: read by the same readers, and sharing its pairings,
        characters and tags."""
        if not 1 <= count <= MAX_COUNT:
            raise LibraryError(f"Ask for 1 to {MAX_COUNT} stories.")
        catalog = await self.catalog(guild_id)
        p = catalog.position(story_id)
        if p is None:
            raise LibraryError("That story is no longer in this server's library.")
        taste = similar_taste(catalog, p)
        ranked = rank(
            catalog, taste, reader=None, count=count, include_adult=include_adult, exclude=[p]
        )
        # the liked story is the one asked about: "readers who liked it also liked this"
        for d in ranked.drafts:
            d.reasons = [r for r in d.reasons if r[0] in (ReasonKind.COLIKED, ReasonKind.COMMUNITY)]
            if not any(r[0] is ReasonKind.COLIKED for r in d.reasons):
                shared = _shared(catalog, p, d.p)
                if shared:
                    d.reasons.insert(0, (ReasonKind.SHARES, shared, None, None))
            if not d.reasons:
                d.reasons = [(ReasonKind.NEW, None, None, None)]
        picks = await self._finish(catalog, ranked.drafts)
        return Recommendations(
            picks=picks,
            cold_start=False,
            named=[],
            ratings=0,
            hidden_adult=ranked.hidden_adult,
            collaborative=ranked.alpha,
        )

    async def top(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        include_adult: bool = True,
        limit: int = 10,
        offset: int = 0,
        min_ratings: int = TOP_MIN_RATINGS,
    ) -> tuple[list[tuple[StoryRecord, RatingSummary]], int, int]:
        """Best-rated stories (Bayesian average ranks; at least `min_ratings` ratings each,
        or 1 when no story has that many yet): (page, total, the minimum used)."""
        catalog = await self.catalog(guild_id)
        mask = _listable(catalog, include_adult)
        if pairing:
            name = await resolve_pairing(self.store, guild_id, pairing)
            f = catalog.features["pairing"]
            has = np.zeros(catalog.size, dtype=bool)
            has[f.row_index()[np.isin(f.ids, _pairing_ids(catalog, [name]))]] = True
            mask &= has
        used = min_ratings
        picks, total = top(catalog, mask, min_ratings=used, limit=limit, offset=offset)
        if total == 0 and min_ratings > 1:
            used = 1
            picks, total = top(catalog, mask, min_ratings=1, limit=limit, offset=offset)
        records = await self._records(catalog, picks)
        summaries = _summaries(catalog, [int(catalog.story_ids[p]) for p in picks])
        return [(r, summaries[r.id]) for r in records], total, used

    async def browse_memory(
        self,
        guild_id: int,
        *,
        sort: str = "top",
        pairing: str | None = None,
        character: str | None = None,
        author: str | None = None,
        tag: str | None = None,
        exclude: list[str] | tuple[str, ...] = (),
        rating: str | None = None,
        status: str | None = None,
        min_words: int | None = None,
        max_words: int | None = None,
        include_adult: bool = True,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[StoryRecord], int, int]:
        """`/browse` from memory: a page of the live stories matching every filter, the
        total, and how many adult stories the filters matched that may not be listed.

        `tag`: only stories with this tag; `exclude`: no story with any of these tags or
        archive warnings. sort: top (rated stories first, by Bayesian average, then the
        unrated by title) | newest | longest | shortest | title (title order, then id)."""
        catalog = await self.catalog(guild_id)
        mask = catalog.live()
        for kind, name in (
            ("pairing", pairing),
            ("character", character),
            ("author", author),
            ("tag", tag),
        ):
            if not name:
                continue
            if kind == "pairing":
                ids = _pairing_ids(catalog, [await resolve_pairing(self.store, guild_id, name)])
            else:
                ids = _name_ids(catalog, kind, [name])
            mask &= _carrying(catalog, kind, ids)
        for kind in ("tag", "warning"):
            ids = _name_ids(catalog, kind, exclude)
            if ids:
                mask &= ~_carrying(catalog, kind, ids)
        if rating:
            if catalog.level is None:
                raise LibraryError("Ratings are not known for this library yet.")
            mask &= catalog.level == LEVELS.index(rating)
        if status:
            mask &= catalog.status == (1 if status == "complete" else -1)
        if min_words is not None:
            mask &= catalog.words >= min_words
        if max_words is not None:
            mask &= catalog.words <= max_words
        hidden = 0 if include_adult else int((mask & catalog.adult).sum())
        if not include_adult:
            mask &= ~catalog.adult
        candidates = np.flatnonzero(mask)
        titles = catalog.title_rank if catalog.title_rank is not None else catalog.story_ids
        if sort == "top":
            # rated stories first (by Bayesian average), then the unrated ones by title
            b = np.where(
                catalog.rating_count[candidates] > 0,
                np.round(bayesian(catalog)[candidates], 9),
                -1.0,
            )
            keys = (candidates, titles[candidates], -catalog.rating_count[candidates], -b)
        elif sort == "newest":
            keys = (-catalog.story_ids[candidates],)
        elif sort == "longest":
            keys = (candidates, -catalog.words[candidates])
        elif sort == "shortest":
            keys = (candidates, catalog.words[candidates])
        elif sort == "title":
            keys = (candidates, titles[candidates])
        else:
            raise LibraryError(f"Unknown sort “{sort}”.")
        order = np.lexsort(keys)
        page = candidates[order][offset : offset + limit].tolist()
        return await self._records(catalog, page), len(candidates), hidden

    async def browse_top(self, guild_id: int, **filters: Any) -> tuple[list[StoryRecord], int]:
        """`/browse sort:top` from memory (see `browse_memory`)."""
        found, total, _ = await self.browse_memory(guild_id, sort="top", **filters)
        return found, total

    # ---- building the answer -------------------------------------------------------------

    async def _records(self, catalog: Catalog, positions: list[int]) -> list[StoryRecord]:
        ids = [int(catalog.story_ids[p]) for p in positions]
        found = {r.id: r for r in await self.store.stories.get_stories(catalog.guild_id, ids)}
        return [found[i] for i in ids if i in found]

    async def _finish(self, catalog: Catalog, drafts: list[Draft]) -> list[Recommendation]:
        wanted = {d.p for d in drafts} | {
            r[2] for d in drafts for r in d.reasons if r[2] is not None
        }
        records = {r.id: r for r in await self._records(catalog, sorted(wanted))}
        by_pos = {p: records.get(int(catalog.story_ids[p])) for p in wanted}
        summaries = _summaries(catalog, [r.id for r in records.values()])
        out: list[Recommendation] = []
        for d in drafts:
            story = by_pos.get(d.p)
            if story is None:
                continue
            reasons = []
            for kind, subject, src, stars in d.reasons:
                if kind is ReasonKind.COMMUNITY:
                    reasons.append(Reason(kind, summary=summaries[story.id]))
                    continue
                source = by_pos.get(src) if src is not None else None
                reasons.append(Reason(kind, subject=subject, source=source, stars=stars))
            out.append(Recommendation(story, d.score, tuple(reasons), summaries[story.id]))
        return out


def _summaries(catalog: Catalog, story_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """`bayesian(catalog)` for the stories asked only (a card asks for one)."""
    mean = catalog.mean()
    out = {}
    for sid in story_ids:
        p = catalog.position(sid)
        if p is None:
            out[sid] = RatingSummary(0, None, mean)
            continue
        n, total = catalog.rating_count[p], catalog.rating_sum[p]
        b = (PRIOR_WEIGHT * mean + total) / (PRIOR_WEIGHT + n)
        out[sid] = RatingSummary(int(n), int(total) / int(n) if n else None, float(b))
    return out


def _listable(catalog: Catalog, include_adult: bool) -> np.ndarray:
    return catalog.live() & (True if include_adult else ~catalog.adult)


def _unrated(catalog: Catalog, rated: dict[int, int]) -> np.ndarray:
    mask = np.ones(catalog.size, dtype=bool)
    if rated:
        mask[list(rated)] = False
    return mask


def _pairing_ids(catalog: Catalog, names: Iterable[str]) -> list[int]:
    wanted = {key(n) for n in names}
    return sorted(pid for pid, n in catalog.features["pairing"].names.items() if key(n) in wanted)


def _name_ids(catalog: Catalog, kind: str, names: Iterable[str]) -> list[int]:
    wanted = {key(n) for n in names if n}
    if not wanted:
        return []
    return [i for i, n in catalog.features[kind].names.items() if key(n) in wanted]


def _carrying(catalog: Catalog, kind: str, ids: list[int]) -> np.ndarray:
    """bool per story: carries one of the name `ids` of `kind`."""
    has = np.zeros(catalog.size, dtype=bool)
    if ids:
        rows, _ = catalog.features[kind].stories_with(np.array(ids, dtype=np.int64))
        has[rows] = True
    return has


def _shared(catalog: Catalog, a: int, b: int) -> str | None:
    """The first pairing, else character, else tag that stories a and b share."""
    for kind in ("pairing", "character", "tag"):
        f = catalog.features[kind]
        theirs = set(f.of(b).tolist())
        for nid in f.of(a).tolist():
            if nid in theirs:
                return f.names.get(nid)
    return None


# ---- resolving named pairings ------------------------------------------------------------


async def resolve_pairing(store: Store, guild_id: int, text: str) -> str:
    """The library's canonical name for a pairing a reader typed ("spike/buffy", "Spuffy",
    "B/A"): the fandom tables' ship names and initials, either order.

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
        for name in await store.listings.facet_values(guild_id, "pairing", candidate, limit=25):
            if key(name) == key(candidate):
                return name
    close = await store.listings.facet_values(
        guild_id, "pairing", parts[0] if parts else wanted, limit=3
    )
    shown = wanted if len(wanted) <= 80 else wanted[:79] + "…"
    if close:
        listed = ", ".join(f"“{c}”" for c in close)
        raise LibraryError(f"No stories with the pairing “{shown}” here. Did you mean: {listed}?")
    raise LibraryError(f"No stories with the pairing “{shown}” here. Try /browse to see pairings.")
