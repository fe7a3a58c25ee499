"""The one object cogs talk to: the store plus the in-memory search indexes, kept in step.

Every change to a story (add, edit, remove) goes through here so the guild's search index
always matches the store. Reading helpers cut chapter text into passages
(`bot.library.excerpts`) and keep a small cache of recently read chapters.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from pathlib import Path
from typing import Any

from bot.library.errors import LibraryError
from bot.library.excerpts import (
    OPENING,
    RANDOM,
    Passage,
    pick_passage,
    pick_random_chapter,
    split_passages,
)
from bot.library.model import ParsedStory
from bot.library.numbers import parse_story_id
from bot.library.overrides import apply_overrides
from bot.library.parse_worker import parse_bounded
from bot.library.recommend import Discovery, Recommendations
from bot.library.records import ChapterInfo, ImportOutcome, RatingSummary, ReaderRating, StoryRecord
from bot.library.search import SearchHit, SearchIndexes
from bot.library.search_text import normalize
from bot.library.store import Store

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHAPTER_CACHE_SIZE = 64


class Library:
    """Store + search indexes + passage reading, for every guild."""

    def __init__(self, store: Store, indexes: SearchIndexes) -> None:
        self.store = store
        self.indexes = indexes
        # (story_id, chapter index) -> passages; cleared for a story whenever it changes
        self._passages: OrderedDict[tuple[int, int], list[str]] = OrderedDict()
        self._chapters: dict[int, list[ChapterInfo]] = {}
        # recommendations, similar stories and top lists, from in-memory catalogs
        self.discovery = Discovery(store)
        self._rating_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Library:
        store = await Store.open(path)
        indexes = SearchIndexes()
        try:
            await indexes.load(store)
        except BaseException:
            await store.close()
            raise
        log.info("library open: %s", path)
        return cls(store, indexes)

    async def close(self) -> None:
        await self.discovery.close()
        await self.store.close()

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
    ) -> ImportOutcome:
        """Store an already parsed story and index it."""
        outcome = await self.store.import_story(
            guild_id, story, actor_id=actor_id, source_name=source_name or story.source_name
        )
        if outcome.action != "unchanged":
            self._forget(outcome.story_id)
            record = await self.store.get_story(guild_id, outcome.story_id)
            if record is not None:
                self._index(record)
            await self.discovery.story_put(guild_id, outcome.story_id)
        return outcome

    async def edit(
        self, guild_id: int, story_id: int, *, actor_id: int | None, **fields: Any
    ) -> StoryRecord:
        record = await self.store.update_story(guild_id, story_id, actor_id=actor_id, **fields)
        self._forget(story_id)
        self._index(record)
        await self.discovery.story_put(guild_id, story_id)
        return record

    async def remove(self, guild_id: int, story_id: int, *, actor_id: int | None) -> bool:
        removed = await self.store.remove_story(guild_id, story_id, actor_id=actor_id)
        self.indexes.get(guild_id).remove(story_id)
        self._forget(story_id)
        self.discovery.story_removed(guild_id, story_id)
        return removed

    # ---- ratings and discovery -----------------------------------------------------------

    async def rate(
        self, guild_id: int, story_id: int, user_id: int, stars: int, review: str | None = None
    ) -> ReaderRating | None:
        """Record a reader's rating (see `Store.rate`); returns the rating it replaced."""
        async with self._rating_lock:
            before = await self.store.user_rating(story_id, user_id)
            await self.store.rate(guild_id, story_id, user_id, stars, review)
            self.discovery.rated(
                guild_id, story_id, user_id, stars, before.stars if before else None
            )
        return before

    async def rating_summary(self, guild_id: int, story_id: int) -> RatingSummary:
        return (await self.discovery.summaries(guild_id, [story_id]))[story_id]

    async def recommend(self, guild_id: int, user_id: int, **options: Any) -> Recommendations:
        """Stories for a reader (see `Discovery.recommend`)."""
        return await self.discovery.recommend(guild_id, user_id, **options)

    async def similar(self, guild_id: int, story_id: int, **options: Any) -> Recommendations:
        """Stories like one story (see `Discovery.similar`)."""
        return await self.discovery.similar(guild_id, story_id, **options)

    async def browse_top(self, guild_id: int, **filters: Any) -> tuple[list[StoryRecord], int]:
        """A page of stories matching the filters, best rated first (from memory)."""
        return await self.discovery.browse_top(guild_id, **filters)

    async def top(
        self, guild_id: int, **options: Any
    ) -> tuple[list[tuple[StoryRecord, RatingSummary]], int, int]:
        """The best-rated stories with enough ratings (see `Discovery.top`)."""
        return await self.discovery.top(guild_id, **options)

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
        record = await self.store.get_story(guild_id, story_id)
        if record is None:
            raise LibraryError("That story is no longer in this server's library.")
        return record

    def search(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 10,
        author: str | None = None,
        include_adult: bool = True,
    ) -> list[SearchHit]:
        return self.indexes.get(guild_id).search(
            query, limit=limit, author=author, include_adult=include_adult
        )

    def autocomplete(
        self, guild_id: int, query: str, *, limit: int = 25, include_adult: bool = True
    ) -> list[SearchHit]:
        return self.indexes.get(guild_id).autocomplete(
            query, limit=limit, include_adult=include_adult
        )

    async def resolve(
        self, guild_id: int, value: str, *, suggest_adult: bool = True
    ) -> StoryRecord:
        """A story from what a member sent: an id (autocomplete) or free text (fuzzy).

        Raises LibraryError "No story called X. Did you mean: A, B, C?" when nothing is a
        confident match. `suggest_adult` decides whether adult titles may be suggested.
        """
        text = (value or "").strip()
        if not text:
            raise LibraryError("Tell me which story: start typing its title and pick one.")
        story_id = parse_story_id(text)
        if story_id is not None:
            record = await self.store.get_story(guild_id, story_id)
            if record is not None:
                return record
        index = self.indexes.get(guild_id)
        hits = index.search(text, limit=5)
        wanted = normalize(text)
        exact = [h for h in hits if normalize(h.title) == wanted]
        if len(exact) == 1 or (exact and all(h.story_id == exact[0].story_id for h in exact)):
            return await self.get(guild_id, exact[0].story_id)
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

    # ---- reading -----------------------------------------------------------------------

    async def chapters(self, story_id: int) -> list[ChapterInfo]:
        cached = self._chapters.get(story_id)
        if cached is None:
            cached = await self.store.chapters(story_id)
            self._chapters[story_id] = cached
        return cached

    async def passages(self, story_id: int, chapter: int) -> list[str]:
        """Chapter `chapter` (1-based) of a story, cut into passages."""
        key = (story_id, chapter)
        cached = self._passages.get(key)
        if cached is not None:
            self._passages.move_to_end(key)
            return cached
        text = await self.store.chapter_text(story_id, chapter)
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


def _confident(hits: list[SearchHit]) -> bool:
    """A fuzzy top hit clearly better than the rest (scores are on a 0-100 scale)."""
    top = hits[0].score
    if top < 90:
        return False
    return len(hits) == 1 or top - hits[1].score >= 5
