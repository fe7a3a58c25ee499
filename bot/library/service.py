"""`Library`: the one door into the library. Cogs, views, permission checks and the CLI
call its methods; the store (`bot.library.store`) is private to `bot.library`.

It keeps the store and the in-memory search indexes in step: every change to a story
(add, edit, remove) goes through here, and changes another process makes (the CLI, a
second bot) are picked up from the audit log (`watch`). Policy that does not need
Discord lives here too, so it is tested without it: rating keeps an earlier review,
lists count the adult stories they leave out (never in an extra-safe guild: the methods
that take an `audience` apply `bot.library.audience`), `/library stats` is one call. Reading
helpers cut chapter text into passages (`bot.library.excerpts`) and keep a small cache
of recently read chapters.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.library.audience import Audience, audience_from
from bot.library.cards import CARD_REVIEWS, CardCache
from bot.library.daily_pick import DAILY_PICK, check_hour, new_schedule
from bot.library.errors import LibraryBusy, LibraryError
from bot.library.excerpts import (
    OPENING,
    RANDOM,
    Passage,
    pick_passage,
    pick_random_chapter,
    split_passages,
)
from bot.library.identity import Choice, Match
from bot.library.limits import DEFAULT_MAX_BYTES, MAX_REVIEW_CHARS
from bot.library.model import ParsedStory
from bot.library.numbers import parse_story_id
from bot.library.overrides import apply_overrides
from bot.library.parse_worker import parse_bounded
from bot.library.recommend import Discovery, Recommendations, resolve_pairing
from bot.library.records import (
    AuditEntry,
    CardFacts,
    ChapterInfo,
    DailySchedule,
    GuildSettings,
    ImportOutcome,
    LibraryStats,
    RatedOutcome,
    RatingSummary,
    ReaderRating,
    StoryCard,
    StoryPage,
    StoryRecord,
)
from bot.library.search import SearchHit, SearchIndexes
from bot.library.search_box import BoxQuery, search_box
from bot.library.search_text import normalize
from bot.library.store import LENGTHS, SORTS, Store, open_error
from bot.library.store.bulk import Entry, ImportReport, bulk_import, collect
from bot.library.store.database import WRITE_WAIT
from bot.library.store.featured import Claim, DuePick, FeaturedPick
from bot.library.store.listings import word_bounds
from bot.library.store.trash import KEEP_DAYS as TRASH_DAYS
from bot.library.store.trash import TrashEntry

log = logging.getLogger(__name__)

__all__ = [
    "LENGTHS",
    "MAX_REVIEW_CHARS",
    "SORTS",
    "TRASH_DAYS",
    "Claim",
    "DuePick",
    "Entry",
    "ImportReport",
    "Library",
    "collect",
]

_CHAPTER_CACHE_SIZE = 64
WATCH_INTERVAL = 0.5  # seconds between looks for other processes' writes
FILL_PAUSE = 0.05  # seconds between batches of stories given their content fingerprints
FILL_RETRY = 5.0  # seconds to wait when the library is busy
REMOVED = "That story is no longer in this server's library."


class Library:
    """Store + search indexes + passage reading, for every guild."""

    def __init__(self, store: Store, indexes: SearchIndexes) -> None:
        self._store = store
        self.indexes = indexes
        # (story_id, chapter index) -> passages; cleared for a story whenever it changes
        self._passages: OrderedDict[tuple[int, int], list[str]] = OrderedDict()
        self._chapters: dict[int, list[ChapterInfo]] = {}
        # recommendations, similar stories and top lists, from in-memory catalogs
        self.discovery = Discovery(store)
        # what this process has seen of other processes' writes (see `catch_up`)
        self._seen_version: int | None = None
        self._audit_mark = 0
        self._watcher: asyncio.Task | None = None
        self._filler: asyncio.Task | None = None
        # what every member's card of a story shows alike, forgotten by every write that
        # may change it (the store tells) and by other processes' writes (`catch_up`)
        self._cards = CardCache()
        store.db.on_write.append(self._cards.forget)

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        index: bool = True,
        watch: bool | None = None,
        write_wait: float = WRITE_WAIT,
    ) -> Library:
        """Open the library at `path` (see `Store.open`). `index=False` skips loading the
        search indexes (the CLI does not search); `watch` (default: as `index`) keeps
        watching for other processes' writes (`catch_up`); `write_wait` is how long a
        write may wait for the database before it is refused (members: short; the CLI:
        long)."""
        store = await Store.open(path, create=create, write_wait=write_wait)
        indexes = SearchIndexes()
        try:
            library = cls(store, indexes)
            library._audit_mark = await store.audit.high_water()
            library._seen_version = await store.db.changed_elsewhere_version()
            if index:
                await indexes.load(store.stories)
                guilds = await store.stories.guild_ids()
        except sqlite3.DatabaseError as err:  # a damaged file shows when it is first read
            await store.close()
            raise open_error(Path(path), err) from None
        except BaseException:
            await store.close()
            raise
        if index:
            # recommendation catalogs are read in the background; the first /recommend
            # of a guild waits for its own
            library.discovery.start_warming(guilds)
        if index if watch is None else watch:
            library._watcher = asyncio.get_running_loop().create_task(library._watch())
        if index:  # stories stored before fingerprints were kept get theirs, meanwhile
            library._filler = asyncio.get_running_loop().create_task(library.fill_prints())
        log.info("library open: %s", path)
        return library

    @property
    def path(self) -> Path:
        return self._store.path

    async def close(self) -> None:
        if self._filler is not None:
            self._filler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._filler
            self._filler = None
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self.discovery.close()
        await self._store.close()

    async def fill_prints(self, pause: float = FILL_PAUSE) -> int:
        """Give the stories stored before content fingerprints were kept (story_prints)
        theirs, a batch per write with a pause between, so a re-upload under a changed
        title finds them too; how many were done. Runs in the background for the bot."""
        done = 0
        while True:
            try:
                count = await self._store.stories.fill_prints()
            except asyncio.CancelledError:
                raise
            except LibraryBusy:  # another process is writing: try again later
                await asyncio.sleep(FILL_RETRY)
                continue
            except LibraryError as err:  # read-only, disk full…: not now (next start tries)
                log.info("library: content fingerprints not computed: %s", err)
                return done
            except Exception:
                log.exception("library: computing content fingerprints failed")
                return done
            if not count:
                if done:
                    log.info("library: content fingerprints computed for %d stories", done)
                return done
            done += count
            await asyncio.sleep(pause)

    # ---- other processes' writes ---------------------------------------------------------

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            try:
                await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("library: catching up with another process's writes failed")

    async def catch_up(self) -> bool:
        """If another process (the CLI, a second bot) wrote to the library since the last
        look, bring this process up to date: search indexes and caches of the stories
        its audit log names (added, updated, edited, removed), guild settings it changed,
        and the discovery catalogs (ratings are not audited: those are read again whole).
        True when there was something to catch up with. Runs every `WATCH_INTERVAL`
        seconds while the library is open for the bot."""
        version = await self._store.db.changed_elsewhere_version()
        if version == self._seen_version:
            return False
        self._seen_version = version
        self._cards.forget(None)  # ratings are not audited: any card may have changed
        stories: dict[int, list[int]] = {}
        while True:
            entries = await self._store.audit.changes_since(self._audit_mark)
            if not entries:
                break
            for entry in entries:
                self._audit_mark = entry.id
                if entry.action == "setting":
                    self._store.settings.forget(entry.guild_id)
                elif entry.story_id is not None:
                    stories.setdefault(entry.guild_id, []).append(entry.story_id)
        for guild_id, ids in stories.items():
            # the catalogs are read again whole just below
            await self._refresh(guild_id, list(dict.fromkeys(ids)), catalogs=False)
        self.discovery.changed_elsewhere()
        log.info(
            "library: caught up with another process: %d stories in %d guilds",
            sum(len(ids) for ids in stories.values()),
            len(stories),
        )
        return True

    async def __aenter__(self) -> Library:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- changes (store + index) -------------------------------------------------------

    async def add_file(
        self,
        guild_id: int,
        data: bytes,
        filename: str,
        *,
        actor_id: int | None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        overrides: dict[str, Any] | None = None,
    ) -> ImportOutcome:
        """Parse an uploaded file and add it (or update the story it is a longer copy of)."""
        # in a worker process, bounded in time and memory (bot/library/parse_worker.py)
        story = await parse_bounded(data, filename, max_bytes=max_bytes)
        if overrides:
            apply_overrides(story, overrides)
        return await self.add_parsed(guild_id, story, actor_id=actor_id, source_name=filename)

    async def add_parsed(
        self,
        guild_id: int,
        story: ParsedStory,
        *,
        actor_id: int | None,
        source_name: str | None = None,
        choice: Choice | None = None,
    ) -> ImportOutcome:
        """Store an already parsed story and index it. Whether it is a story already in
        the library is judged by its text (`bot.library.identity`); `choice` is a
        moderator's answer when the text cannot decide (update story N / add as new)."""
        outcome = await self._store.stories.import_story(
            guild_id,
            story,
            actor_id=actor_id,
            source_name=source_name or story.source_name,
            choice=choice,
        )
        if outcome.action != "unchanged":
            await self._refresh(guild_id, [outcome.story_id])
        return outcome

    async def identify(self, guild_id: int, story: ParsedStory) -> Match | None:
        """The stored story an upload is (or shares a name with), and how it relates."""
        return await self._store.stories.identify(guild_id, story)

    async def import_entries(
        self,
        guild_id: int,
        entries: list[Entry],
        *,
        actor_id: int | None = None,
        jobs: int = 1,
        max_bytes: int = DEFAULT_MAX_BYTES,
        on_result: Any = None,
        stop: Any = None,
    ) -> ImportReport:
        """Bulk import files, folders and zip members (see `store.bulk.bulk_import`:
        every file is parsed in a bounded worker process, never in this one); `stop()`
        true ends it after the file being stored (the rest: `not_processed`)."""
        report = await bulk_import(
            self._store,
            guild_id,
            entries,
            actor_id=actor_id,
            jobs=jobs,
            max_bytes=max_bytes,
            on_result=on_result,
            stop=stop,
        )
        changed = [o.story_id for _, o in report.added + report.updated]
        await self._refresh(guild_id, changed)
        return report

    async def edit(
        self, guild_id: int, story_id: int, *, actor_id: int | None, **fields: Any
    ) -> StoryRecord:
        record = await self._store.stories.update_story(
            guild_id, story_id, actor_id=actor_id, **fields
        )
        self._forget(story_id)
        self._index(record)
        await self.discovery.story_put(guild_id, story_id)
        return record

    async def remove(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        """Remove a story; its record as it was, or None when it was not in this guild."""
        removed = await self._store.stories.remove_story(guild_id, story_id, actor_id=actor_id)
        self._gone(guild_id, story_id)
        return removed

    def _gone(self, guild_id: int, story_id: int) -> None:
        """A story left the guild's shelves (removed or trashed): out of its search index,
        the kept cards and the recommenders."""
        self.indexes.get(guild_id).remove(story_id)
        self._forget(story_id)
        self.discovery.story_removed(guild_id, story_id)

    # ---- the trash ---------------------------------------------------------------------

    async def trash_story(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        """Move a story to the guild's trash (kept `TRASH_DAYS`, restorable, ratings,
        reviews and reading places kept); out of search, lists and recommendations at
        once. Its record, or None when it was not in this guild."""
        await self.expire_trash(guild_id)
        removed = await self._store.trash.put(guild_id, story_id, actor_id=actor_id)
        if removed is not None:
            self._gone(guild_id, story_id)
        return removed

    async def restore(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        """Bring a story back from the trash as it was; None when it is not in the trash."""
        restored = await self._store.trash.restore(guild_id, story_id, actor_id=actor_id)
        if restored is not None:
            self._forget(story_id)
            self._index(restored)
            self.discovery.changed_elsewhere()  # its ratings count again: re-read them
        return restored

    async def trash(self, guild_id: int) -> list[TrashEntry]:
        """The guild's trash, most recently removed first (expired stories deleted first)."""
        await self.expire_trash(guild_id)
        return await self._store.trash.entries(guild_id)

    async def empty_trash(self, guild_id: int, *, actor_id: int | None) -> list[StoryRecord]:
        """Delete every story in the guild's trash for good; what was deleted."""
        return await self._store.trash.empty(guild_id, actor_id=actor_id)

    async def expire_trash(self, guild_id: int) -> None:
        """Delete for good what has been in the trash longer than `TRASH_DAYS`."""
        gone = await self._store.trash.expire(guild_id)
        if gone:
            log.info("trash: %d stories of guild %s expired", len(gone), guild_id)

    # ---- ratings and discovery -----------------------------------------------------------

    async def rate(
        self, guild_id: int, story_id: int, user_id: int, stars: int, review: str | None = None
    ) -> RatedOutcome:
        """Record a reader's rating. Without a new review the earlier one is kept (read and
        written in one transaction: a ★ click never erases a review). The discovery
        catalogs are updated from what that transaction saw (the writer runs one
        transaction at a time, and their results come back in the same order)."""
        rated = await self._store.readers.rate(
            guild_id, story_id, user_id, stars, review, keep_review=True
        )
        before = rated.before.stars if rated.before else None
        self.discovery.rated(guild_id, story_id, user_id, stars, before)
        return rated

    async def rating_summary(self, guild_id: int, story_id: int) -> RatingSummary:
        """A story's community rating (from the in-memory catalog)."""
        return (await self.discovery.summaries(guild_id, [story_id]))[story_id]

    async def recommend(
        self, guild_id: int, user_id: int, *, audience: Audience | None = None, **options: Any
    ) -> Recommendations:
        """Stories for a reader (see `Discovery.recommend`); with `audience`, only what
        it may list, and no hint of adult stories where it may not have one."""
        if audience is not None:
            options["include_adult"] = audience.include_adult
        result = await self.discovery.recommend(guild_id, user_id, **options)
        return _without_hint(result, audience)

    async def similar(
        self, guild_id: int, story_id: int, *, audience: Audience | None = None, **options: Any
    ) -> Recommendations:
        """Stories like one story (see `Discovery.similar`); `audience` as in `recommend`
        (a story hidden from it is refused as not available)."""
        if audience is not None:
            audience.check_available(await self.get(guild_id, story_id))
            options["include_adult"] = audience.include_adult
        result = await self.discovery.similar(guild_id, story_id, **options)
        return _without_hint(result, audience)

    async def browse_top(
        self, guild_id: int, *, length: str | None = None, **filters: Any
    ) -> tuple[list[StoryRecord], int]:
        """A page of stories matching the filters, best rated first (from memory);
        `length` is a `LENGTHS` name."""
        low, high = word_bounds(length)
        return await self.discovery.browse_top(guild_id, min_words=low, max_words=high, **filters)

    async def browse_fast(
        self,
        guild_id: int,
        *,
        length: str | None = None,
        audience: Audience | None = None,
        **filters: Any,
    ) -> tuple[list[StoryRecord], int, int]:
        """A page of stories matching the filters, from memory (see
        `Discovery.browse_memory`: tag, exclude, natural title order); the total and the
        adult matches that may not be listed (with `audience`: what it may list, and the
        adult matches counted only where it may be told — 0 in extra-safe). `length` is a
        `LENGTHS` name."""
        low, high = word_bounds(length)
        if audience is not None:
            filters["include_adult"] = audience.include_adult
        found, total, hidden = await self.discovery.browse_memory(
            guild_id, min_words=low, max_words=high, **filters
        )
        return found, total, audience.hint(hidden) if audience is not None else hidden

    def discovery_ready(self, guild_id: int) -> bool:
        """The guild's in-memory catalog is loaded (browsing and top lists answer at once)."""
        return self.discovery.ready(guild_id)

    async def resolve_pairing(self, guild_id: int, text: str) -> str:
        """The library's pairing for what a member typed: ship names, initials, either
        order ("Spuffy", "B/A", "spike/buffy"); LibraryError when none is like it."""
        return await resolve_pairing(self._store, guild_id, text)

    async def top(
        self, guild_id: int, *, audience: Audience | None = None, **options: Any
    ) -> tuple[list[tuple[StoryRecord, RatingSummary]], int, int]:
        """The best-rated stories with enough ratings (see `Discovery.top`); with
        `audience`, only those it may list."""
        if audience is not None:
            options["include_adult"] = audience.include_adult
        return await self.discovery.top(guild_id, **options)

    async def _refresh(
        self, guild_id: int, story_ids: Sequence[int], *, catalogs: bool = True
    ) -> None:
        """Bring the index and caches up to date for stories that changed (or went);
        with `catalogs`, the discovery catalogs too, story by story."""
        if not story_ids:
            return
        found = {r.id: r for r in await self._store.stories.get_stories(guild_id, story_ids)}
        index = self.indexes.get(guild_id)
        for story_id in story_ids:
            self._forget(story_id)
            record = found.get(story_id)
            if record is None:
                index.remove(story_id)
                if catalogs:
                    self.discovery.story_removed(guild_id, story_id)
            else:
                self._index(record)
                if catalogs:
                    await self.discovery.story_put(guild_id, story_id)

    def _index(self, record: StoryRecord) -> None:
        self.indexes.get(record.guild_id).add(
            record.id, record.title, record.authors, adult=record.is_adult
        )

    def _forget(self, story_id: int) -> None:
        self._chapters.pop(story_id, None)
        for key in [k for k in self._passages if k[0] == story_id]:
            del self._passages[key]

    # ---- finding stories ---------------------------------------------------------------

    async def get(self, guild_id: int, story_id: int) -> StoryRecord:
        """A story of this guild; LibraryError (saying it was removed) when it is not."""
        record = await self.find(guild_id, story_id)
        if record is None:
            raise LibraryError(REMOVED)
        return record

    async def find(self, guild_id: int, story_id: int) -> StoryRecord | None:
        """A story of this guild, or None: from the card cache when it is there, else the
        record alone (a ★ click after a rating must not read a long series' parts again)."""
        kept = self._cards.get(guild_id, story_id)
        if kept is not None:
            return kept.story
        return await self._store.stories.get_story(guild_id, story_id)

    async def card(
        self, guild_id: int, story_id: int, user_id: int | None, audience: Audience
    ) -> StoryCard:
        """Everything a story's card shows to one member: the story, its latest reviews
        and their number, its series' parts (kept in memory until a write may change
        them: `bot.library.cards`), the community rating and the member's own stars (from
        the discovery catalog, kept with every rating; None without `user_id`: a post for
        everyone). LibraryError when the story is
        not in this guild, `NOT_AVAILABLE` when `audience` may not know of it
        (extra-safe), whose hidden series parts are left out, not even counted. Whether
        its text and reviews may show is the caller's to draw (`audience.may_read`)."""
        facts = await self._card_facts(guild_id, story_id)
        if facts is None:
            raise LibraryError(REMOVED)
        audience.check_available(facts.story)
        if not all(audience.may_see(p) for p in facts.series_parts):
            parts = tuple(p for p in facts.series_parts if audience.may_see(p))
            facts = replace(facts, series_parts=parts)
        summary, own = await self.discovery.card_ratings(guild_id, story_id, user_id)
        return StoryCard(facts, summary, own)

    async def _card_facts(self, guild_id: int, story_id: int) -> CardFacts | None:
        found = self._cards.get(guild_id, story_id)
        if found is None:
            stamp = self._cards.stamp()
            found = await self._store.cards.facts(guild_id, story_id, reviews=CARD_REVIEWS)
            if found is not None:
                self._cards.put(stamp, found)
        return found

    async def get_for(self, guild_id: int, story_id: int, audience: Audience) -> StoryRecord:
        """A story of this guild that `audience` may know of (a card button, a menu, a
        remembered place): LibraryError saying it was removed, or — hidden from it by
        extra-safe — `NOT_AVAILABLE` (no title)."""
        record = await self.get(guild_id, story_id)
        audience.check_available(record)
        return record

    async def audience(
        self, guild_id: int | None, *, age_restricted: bool, default_adult_titles: bool = False
    ) -> Audience:
        """What members may be shown in a channel of this guild (see
        `bot.library.audience`): `age_restricted` is the channel's mark,
        `default_adult_titles` the bot-wide default for listing adult titles."""
        settings = await self.settings(guild_id) if guild_id is not None else None
        return audience_from(
            settings, age_restricted=age_restricted, default_adult_titles=default_adult_titles
        )

    async def get_stories(self, guild_id: int, story_ids: Sequence[int]) -> list[StoryRecord]:
        """Several stories of this guild, in the order asked; unknown ids are skipped."""
        return await self._store.stories.get_stories(guild_id, story_ids)

    def search(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 10,
        author: str | None = None,
        include_adult: bool = True,
        audience: Audience | None = None,
    ) -> list[SearchHit]:
        if audience is not None:
            include_adult = audience.include_adult
        return self.indexes.get(guild_id).search(
            query, limit=limit, author=author, include_adult=include_adult
        )

    async def search_box(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 25,
        include_adult: bool = True,
        audience: Audience | None = None,
    ) -> tuple[BoxQuery, list[StoryRecord], bool]:
        """The one search box ("spuffy angst wip"): words naming a pairing, character,
        status or rating filter; the rest match titles (typos forgiven), summaries, tags,
        characters and pairings (see `bot.library.search_box`). Returns the parsed query,
        the stories best first, and — when none may be listed — whether adult ones match
        (never told to an `audience` that may not hear of them: extra-safe)."""
        if audience is not None:
            include_adult = audience.include_adult
        box, ids = await search_box(
            self._store,
            self.indexes.get(guild_id),
            guild_id,
            query,
            limit=limit,
            include_adult=include_adult,
        )
        stories = await self.get_stories(guild_id, ids)
        hidden = False
        if not stories and not include_adult and (audience is None or audience.may_hint):
            _box, adult = await search_box(
                self._store,
                self.indexes.get(guild_id),
                guild_id,
                query,
                limit=1,
                include_adult=True,
            )
            hidden = bool(adult)
        return box, stories, hidden

    def autocomplete(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 25,
        include_adult: bool = True,
        audience: Audience | None = None,
    ) -> list[SearchHit]:
        if audience is not None:
            include_adult = audience.include_adult
        return self.indexes.get(guild_id).autocomplete(
            query, limit=limit, include_adult=include_adult
        )

    async def resolve(
        self,
        guild_id: int,
        value: str,
        *,
        suggest_adult: bool = True,
        audience: Audience | None = None,
    ) -> StoryRecord:
        """A story from what a member sent: an id (autocomplete) or free text (fuzzy).

        Raises LibraryError "No story called X. Did you mean: A, B, C?" when nothing is a
        confident match. `suggest_adult` decides whether adult titles may be suggested;
        an `audience` decides it instead, and in extra-safe an adult story asked for by
        id or exact title is refused as `NOT_AVAILABLE` while typos match only the
        stories it may see.
        """
        if audience is not None:
            suggest_adult = audience.include_adult
            record = await self._resolve(guild_id, value, suggest_adult, audience.hide_adult)
            audience.check_available(record)
            return record
        return await self._resolve(guild_id, value, suggest_adult, False)

    async def _resolve(
        self, guild_id: int, value: str, suggest_adult: bool, hide_adult: bool
    ) -> StoryRecord:
        text = (value or "").strip()
        if not text:
            raise LibraryError("Tell me which story: start typing its title and pick one.")
        # An id is what autocomplete sends ("12") or "#12"; other digits ("002") were typed,
        # and may be the start of a title: the title wins, else the member is asked.
        story_id = parse_story_id(text.removeprefix("#"))
        if story_id is not None and text in (str(story_id), f"#{story_id}"):
            record = await self.find(guild_id, story_id)
            if record is not None:
                return record
        index = self.indexes.get(guild_id)
        hits = index.search(text, limit=5)
        wanted = normalize(text)
        exact = [h for h in hits if normalize(h.title) == wanted]
        if hide_adult:
            # a title that only a hidden story has is refused (by the caller) as not
            # available; anything less than the exact title matches only visible stories
            visible = index.search(text, limit=5, include_adult=False)
            seen = [h for h in visible if normalize(h.title) == wanted]
            exact = seen or exact[:1]
            hits = visible
        if len(exact) == 1 or (exact and all(h.story_id == exact[0].story_id for h in exact)):
            return await self.get(guild_id, exact[0].story_id)
        if story_id is not None and not any(normalize(h.title).startswith(wanted) for h in hits):
            record = await self.find(guild_id, story_id)
            if record is not None and (suggest_adult or not record.is_adult):
                raise LibraryError(
                    f"No title starts with “{text}”. Did you mean story #{story_id}, "
                    f"“{record.title}”? Pick it from the list as you type."
                )
        if not exact and hits and _confident(hits):
            return await self.get(guild_id, hits[0].story_id)
        shown = index.search(text, limit=3, include_adult=suggest_adult)
        shown_text = ", ".join(f"“{h.title}”" for h in shown)
        name = text if len(text) <= 80 else text[:79] + "…"
        if exact:
            raise LibraryError(
                f"Several stories are called “{name}”: pick one from the list as you type."
            )
        if shown_text:
            raise LibraryError(f"No story called “{name}”. Did you mean: {shown_text}?")
        raise LibraryError(f"No story called “{name}”. Try /search or /browse.")

    # ---- lists -------------------------------------------------------------------------

    async def list_stories(
        self,
        guild_id: int,
        *,
        include_adult: bool = True,
        sort: str = "title",
        limit: int | None = 10,
        offset: int = 0,
        **filters: Any,
    ) -> tuple[list[StoryRecord], int]:
        """One page of the guild's stories and the number matching. filters: pairing,
        character, rating, status, length (short | medium | long | epic), min_words,
        max_words, author; sort: top | newest | longest | shortest | title."""
        return await self._store.listings.list_stories(
            guild_id, include_adult=include_adult, sort=sort, limit=limit, offset=offset, **filters
        )

    async def browse(
        self,
        guild_id: int,
        *,
        include_adult: bool = True,
        audience: Audience | None = None,
        sort: str = "title",
        limit: int | None = 10,
        offset: int = 0,
        **filters: Any,
    ) -> StoryPage:
        """`list_stories`, plus how many adult stories match but are left out here (with
        an `audience`: what it may list, and the count only where it may be told)."""
        if audience is not None:
            include_adult = audience.include_adult
        stories, total = await self.list_stories(
            guild_id, include_adult=include_adult, sort=sort, limit=limit, offset=offset, **filters
        )
        hidden = 0
        if not include_adult and (audience is None or audience.may_hint):
            _, hidden = await self._store.listings.count(guild_id, **filters)
        return StoryPage(stories, total, hidden)

    def hidden_adult_matches(
        self,
        guild_id: int,
        query: str,
        *,
        author: str | None = None,
        audience: Audience | None = None,
    ) -> bool:
        """Whether a title search that found nothing listable would find adult stories
        (never said to an `audience` that may not be told: extra-safe)."""
        if audience is not None and not audience.may_hint:
            return False
        hits = self.search(guild_id, query, limit=1, author=author, include_adult=True)
        return bool(hits)

    async def text_search(
        self, guild_id: int, query: str, *, limit: int = 10, include_adult: bool = True
    ) -> list[StoryRecord]:
        """Full-text search over title, authors, summary and tags."""
        return await self._store.listings.text_search(
            guild_id, query, limit=limit, include_adult=include_adult
        )

    async def facet_values(
        self,
        guild_id: int,
        kind: str,
        prefix: str = "",
        limit: int = 25,
        *,
        include_adult: bool = True,
    ) -> list[str]:
        """Pairing / character / author / tag / fandom / warning names in use."""
        return await self._store.listings.facet_values(
            guild_id, kind, prefix, limit, include_adult=include_adult
        )

    async def series_parts(self, guild_id: int, name: str) -> list[StoryRecord]:
        """The stories of series `name` (any letter case) in the guild, in part order:
        declared parts 1, 2, 3…, then stories of the series that declare no part."""
        return await self._store.series.parts(guild_id, name)

    async def series_names(
        self, guild_id: int, typed: str = "", limit: int = 25, *, include_adult: bool = True
    ) -> list[str]:
        """The guild's series names containing `typed` (most parts first); without
        `include_adult`, only series with at least one part that may be listed anywhere."""
        return await self._store.series.names(
            guild_id, typed, limit=limit, include_adult=include_adult
        )

    async def known_names(self, guild_id: int, kind: str, names: list[str]) -> set[str]:
        """Which of `names` (as typed) the guild's library already has as a `kind`."""
        return await self._store.listings.known_names(guild_id, kind, names)

    async def top_stories(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        include_adult: bool = True,
        limit: int = 10,
    ) -> list[tuple[StoryRecord, RatingSummary]]:
        """Rated stories by Bayesian average, best first, with their summaries."""
        return await self._store.listings.top_stories(
            guild_id, pairing=pairing, include_adult=include_adult, limit=limit
        )

    async def stats(self, guild_id: int | None = None, *, top_pairings: int = 10) -> LibraryStats:
        """Counts for a guild (or every guild) and its most used pairings, in one read."""
        return await self._store.listings.stats(guild_id, top_pairings=top_pairings)

    async def audit_log(
        self,
        guild_id: int,
        limit: int = 20,
        *,
        offset: int = 0,
        actor_id: int | None = None,
        story_id: int | None = None,
    ) -> list[AuditEntry]:
        """The guild's changes, newest first (one moderator's or one story's, if given)."""
        return await self._store.audit.entries(
            guild_id, limit, offset=offset, actor_id=actor_id, story_id=story_id
        )

    async def audit_count(
        self, guild_id: int, *, actor_id: int | None = None, story_id: int | None = None
    ) -> int:
        return await self._store.audit.count(guild_id, actor_id=actor_id, story_id=story_id)

    # ---- settings ----------------------------------------------------------------------

    async def settings(self, guild_id: int) -> GuildSettings:
        return await self._store.settings.get(guild_id)

    async def set_setting(
        self, guild_id: int, key: str, value: Any, *, actor_id: int | None
    ) -> None:
        """Set a guild setting (None: back to the default); audit logged."""
        await self._store.settings.set(guild_id, key, value, actor_id=actor_id)

    # ---- the daily pick ----------------------------------------------------------------

    async def set_daily_pick(
        self,
        guild_id: int,
        channel_id: int | None,
        hour: int | None,
        *,
        now: datetime,
        actor_id: int | None,
    ) -> DailySchedule | None:
        """Post a well-rated story in `channel_id` every day at `hour` (UTC, 0-23; see
        `bot.library.daily_pick`); a channel of None turns it off. LibraryError (nothing
        saved) for an hour outside 0-23. The schedule, or None when off."""
        if channel_id is None:
            await self.set_setting(guild_id, DAILY_PICK, None, actor_id=actor_id)
            return None
        if hour is None:
            raise LibraryError("Give the hour too: a whole hour from 0 to 23 (UTC).")
        schedule = new_schedule(channel_id, check_hour(hour), now)
        await self.set_setting(guild_id, DAILY_PICK, schedule.to_json(), actor_id=actor_id)
        return schedule

    async def daily_picks_due(self, now: datetime) -> list[DuePick]:
        """Every guild whose daily pick is due at `now` (its hour has come today, UTC) and
        that nobody has claimed yet."""
        return await self._store.featured.due(now)

    async def claim_daily_pick(self, due: DuePick, *, age_restricted: bool, now: datetime) -> Claim:
        """Claim `due.day` for the guild and choose its story, in one transaction: only
        the caller that gets `claimed` posts (never twice a day, whatever the number of
        bots on this library). An adult story only where the channel's audience may read
        it: an `age_restricted` channel, and never in an extra-safe guild."""
        audience = await self.audience(due.guild_id, age_restricted=age_restricted)
        return await self._store.featured.claim(
            due.guild_id,
            due.day,
            due.schedule.channel_id,
            include_adult=audience.adult_text and not audience.hide_adult,
            at=now,
        )

    async def daily_pick_done(
        self,
        guild_id: int,
        day: date,
        *,
        now: datetime,
        message_id: int | None = None,
        failure: str | None = None,
    ) -> None:
        """Record a claimed pick as posted, or as failed with the reason in plain words
        (both appear in the library log)."""
        await self._store.featured.finish(
            guild_id, day, message_id=message_id, reason=failure, at=now
        )

    async def featured(self, guild_id: int, limit: int = 60) -> list[FeaturedPick]:
        """The guild's daily picks (and days without one), newest first."""
        return await self._store.featured.history(guild_id, limit)

    # ---- readers -----------------------------------------------------------------------

    async def rating_totals(self, guild_id: int) -> dict[int, tuple[int, int]]:
        """Every rated story of the guild: id -> (number of ratings, sum of stars), kept
        exact with every rating (cheap: one indexed read, no aggregation)."""
        return await self._store.readers.rating_totals(guild_id)

    async def user_rating(self, story_id: int, user_id: int) -> ReaderRating | None:
        return await self._store.readers.user_rating(story_id, user_id)

    async def ratings_by_user(
        self, guild_id: int, user_id: int
    ) -> list[tuple[StoryRecord, ReaderRating]]:
        """Every rating a reader gave in this guild, most recently changed first."""
        return await self._store.readers.ratings_by_user(guild_id, user_id)

    async def save_position(
        self, guild_id: int, user_id: int, story_id: int, chapter: int, passage: int
    ) -> None:
        """Remember where a reader is; LibraryUnavailable when it cannot be saved now."""
        await self._store.readers.save_position(guild_id, user_id, story_id, chapter, passage)

    async def position(self, guild_id: int, user_id: int, story_id: int) -> tuple[int, int] | None:
        """(chapter, passage) where the reader left `story_id`, or None."""
        return await self._store.readers.get_position(guild_id, user_id, story_id)

    async def last_read(self, guild_id: int, user_id: int) -> tuple[int, int, int] | None:
        """(story_id, chapter, passage) of the reader's most recently saved position."""
        return await self._store.readers.last_read(guild_id, user_id)

    async def reviews(
        self, guild_id: int, story_id: int, *, limit: int = 3, offset: int = 0
    ) -> tuple[list[ReaderRating], int]:
        """A story's written reviews, newest first, and how many there are (LibraryError
        when the story is not in this guild)."""
        await self.get(guild_id, story_id)
        return await self._store.readers.reviews(story_id, limit=limit, offset=offset)

    # ---- reading list ------------------------------------------------------------------

    async def mark_later(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Put a story on the reader's reading list; False when it was already there."""
        return await self._store.reading_list.add(guild_id, user_id, story_id)

    async def unmark_later(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Take a story off the reading list; False when it was not on it."""
        return await self._store.reading_list.remove(guild_id, user_id, story_id)

    async def later(self, guild_id: int, user_id: int) -> list[StoryRecord]:
        """The reader's reading list, most recently added first."""
        return await self._store.reading_list.stories(guild_id, user_id)

    async def is_later(self, guild_id: int, user_id: int, story_id: int) -> bool:
        return await self._store.reading_list.has(guild_id, user_id, story_id)

    async def finish(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Mark a story read to the end (and off the reading list); True the first time."""
        return await self._store.reading_list.finish(guild_id, user_id, story_id)

    async def has_finished(self, guild_id: int, user_id: int, story_id: int) -> bool:
        return await self._store.reading_list.finished(guild_id, user_id, story_id)

    # ---- reading -----------------------------------------------------------------------

    async def chapters(self, story_id: int) -> list[ChapterInfo]:
        cached = self._chapters.get(story_id)
        if cached is None:
            cached = await self._store.stories.chapters(story_id)
            self._chapters[story_id] = cached
        return cached

    async def passages(self, story_id: int, chapter: int) -> list[str]:
        """Chapter `chapter` (1-based) of a story, cut into passages."""
        key = (story_id, chapter)
        cached = self._passages.get(key)
        if cached is not None:
            self._passages.move_to_end(key)
            return cached
        text = await self._store.stories.chapter_text(story_id, chapter)
        if text is None:
            raise LibraryError(f"That story has no chapter {chapter}.")
        cut = await asyncio.to_thread(split_passages, text)
        self._passages[key] = cut
        while len(self._passages) > _CHAPTER_CACHE_SIZE:
            self._passages.popitem(last=False)
        return cut

    async def check_chapter(self, story: StoryRecord, chapter: int | None) -> int:
        """The number of chapters present; LibraryError if `chapter` is not one of them."""
        infos = await self.chapters(story.id)
        if not infos:
            raise LibraryError(f"“{story.title}” has no chapter text to show.")
        if chapter is not None and not 1 <= chapter <= len(infos):
            if len(infos) == 1:
                raise LibraryError(f"“{story.title}” has only one chapter.")
            raise LibraryError(
                f"“{story.title}” has {len(infos)} chapters; pick one from 1 to {len(infos)}."
            )
        return len(infos)

    async def passage(
        self,
        story: StoryRecord,
        *,
        chapter: int | None = None,
        where: str | int = OPENING,
        rng: random.Random | None = None,
        clamp: bool = False,
    ) -> Passage:
        """The passage `where` (opening / random / last / number) in `chapter` (default 1,
        or a length-weighted random chapter when `where` is random). With `clamp`, a
        passage number past the chapter's end gives its last passage instead of an error."""
        await self.check_chapter(story, chapter)
        infos = await self.chapters(story.id)
        if chapter is None:
            chapter = pick_random_chapter([c.words for c in infos], rng) if where == RANDOM else 1
        cut = await self.passages(story.id, chapter)
        if clamp and isinstance(where, int) and where > len(cut):
            where = len(cut)
        number = pick_passage(len(cut), where, rng)
        return self._make(story.id, infos, chapter, number, cut)

    async def passage_at(self, story: StoryRecord, chapter: int, number: int) -> Passage:
        """The passage at a remembered position, clamped to what the story has now."""
        infos = await self.chapters(story.id)
        if not infos:
            raise LibraryError(f"“{story.title}” has no chapter text to show.")
        chapter = min(max(chapter, 1), len(infos))
        cut = await self.passages(story.id, chapter)
        if not cut:
            raise LibraryError("That chapter has no text.")
        number = min(max(number, 1), len(cut))
        return self._make(story.id, infos, chapter, number, cut)

    async def next_passage(self, story: StoryRecord, current: Passage) -> Passage | None:
        """The passage after `current`, across chapter ends; None at the end of the story."""
        if current.number < current.count:
            return await self.passage_at(story, current.chapter, current.number + 1)
        infos = await self.chapters(story.id)
        if current.chapter >= len(infos):
            return None
        return await self.passage_at(story, current.chapter + 1, 1)

    async def previous_passage(self, story: StoryRecord, current: Passage) -> Passage | None:
        if current.number > 1:
            return await self.passage_at(story, current.chapter, current.number - 1)
        if current.chapter <= 1:
            return None
        cut = await self.passages(story.id, current.chapter - 1)
        return await self.passage_at(story, current.chapter - 1, len(cut))

    @staticmethod
    def _make(
        story_id: int, infos: list[ChapterInfo], chapter: int, number: int, cut: list[str]
    ) -> Passage:
        info = infos[chapter - 1]
        return Passage(
            story_id=story_id,
            chapter=chapter,
            chapter_count=len(infos),
            number=number,
            count=len(cut),
            text=cut[number - 1],
            chapter_heading=chapter_heading(info),
        )


def chapter_heading(info: ChapterInfo) -> str | None:
    """ "Chapter 1: Release", "Part III", "Prologue" — or None when the chapter has neither."""
    label = (info.label or "").strip()
    title = (info.title or "").strip()
    if label and title:
        return f"{label}: {title}"
    return label or title or None


def _without_hint(result: Recommendations, audience: Audience | None) -> Recommendations:
    """`result` without its "an adult story was left out" flag where `audience` may not be
    told of adult stories (extra-safe)."""
    if audience is None or audience.may_hint or not result.hidden_adult:
        return result
    return dataclasses.replace(result, hidden_adult=False)


def _confident(hits: list[SearchHit]) -> bool:
    """A fuzzy top hit clearly better than the rest (scores are on a 0-100 scale)."""
    top = hits[0].score
    if top < 90:
        return False
    return len(hits) == 1 or top - hits[1].score >= 5
