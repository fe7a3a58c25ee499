"""The stories themselves: importing, editing and removing them, and reading one story's
record, chapters and text."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Any

from bot.library.errors import LibraryError
from bot.library.identity import Choice, Match, text_prints
from bot.library.model import ParsedStory, RatingLevel
from bot.library.records import ChapterInfo, ImportOutcome, SearchEntry, StoryRecord
from bot.library.store.database import Database, now_iso
from bot.library.store.edits import check_edit, write_edit, write_removal
from bot.library.store.imports import (
    STORY_ERRORS,
    identify,
    import_batch,
    import_one,
    todo_texts,
    write_filled,
)
from bot.library.store.prepare import PreparedStory, prepare_story
from bot.library.store.rows import records


class Stories:
    def __init__(self, db: Database) -> None:
        self._db = db

    # ---- importing ---------------------------------------------------------------------

    async def import_story(
        self,
        guild_id: int,
        story: ParsedStory,
        *,
        actor_id: int | None,
        source_name: str | None = None,
        choice: Choice | None = None,
    ) -> ImportOutcome:
        """Add a story, update it in place or leave it (see `imports.import_one`); `choice`
        is a moderator's answer when the text alone cannot decide."""
        return await self.import_prepared(
            guild_id, prepare_story(story, source_name), actor_id=actor_id, choice=choice
        )

    async def identify(self, guild_id: int, story: ParsedStory) -> Match | None:
        """Which stored story an upload is, judged by its text (see `imports.identify`)."""
        prepared = prepare_story(story, story.source_name)
        return await self._db.read(identify, guild_id, prepared)

    async def fill_prints(self, batch: int = 50) -> int:
        """Compute the paragraph fingerprints of up to `batch` stories stored before they
        were kept (the story_prints migration); how many were done (0: none are left)."""
        todo = await self._db.read(todo_texts, batch)
        if not todo:
            return 0
        filled = await asyncio.to_thread(
            lambda: [(story_id, text_prints(texts)) for story_id, texts in todo]
        )
        await self._db.write(write_filled, filled, wait=30.0)
        return len(todo)

    async def import_prepared(
        self,
        guild_id: int,
        prepared: PreparedStory,
        *,
        actor_id: int | None,
        choice: Choice | None = None,
    ) -> ImportOutcome:
        """`import_story` for a story already flattened by `prepare.prepare_story`."""
        try:
            return await self._db.write(
                partial(import_one, choice=choice), guild_id, prepared, actor_id, now_iso()
            )
        except STORY_ERRORS as err:
            raise LibraryError(f"Could not store “{prepared.title}”: {err}.") from err

    async def import_prepared_many(
        self, guild_id: int, stories: Sequence[PreparedStory], *, actor_id: int | None
    ) -> list[ImportOutcome | LibraryError]:
        """`import_prepared` for several stories, in order, in one transaction (what bulk
        imports use: one COMMIT per batch instead of per story). Each story is still stored
        whole or not at all (a savepoint each); a story that cannot be stored gets its
        LibraryError in the returned list, in its place, and the others are kept."""
        if not stories:
            return []
        return await self._db.write(import_batch, guild_id, list(stories), actor_id, now_iso())

    # ---- editing -----------------------------------------------------------------------

    async def update_story(
        self, guild_id: int, story_id: int, *, actor_id: int | None, **fields: Any
    ) -> StoryRecord:
        """Edit a story's metadata (see `edits.check_edit` for the fields)."""
        edit = check_edit(fields)
        return await self._db.write(write_edit, guild_id, story_id, edit, actor_id)

    async def remove_story(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        """Delete a story with its chapters, links, ratings and positions; the removed
        story's record, or None if it was not in this guild."""
        return await self._db.write(write_removal, guild_id, story_id, actor_id)

    # ---- reading -----------------------------------------------------------------------

    async def get_story(self, guild_id: int, story_id: int) -> StoryRecord | None:
        """One story's metadata (no chapter text), or None if it is not in this guild."""
        found = await self.get_stories(guild_id, [story_id])
        return found[0] if found else None

    async def get_stories(self, guild_id: int, story_ids: Sequence[int]) -> list[StoryRecord]:
        """Several stories' metadata in one go, in the order asked; others' are skipped."""
        wanted = [i for i in story_ids if 0 < i < 2**63]
        found = await self._db.read(records, wanted)
        return [r for r in found if r.guild_id == guild_id]

    async def chapters(self, story_id: int) -> list[ChapterInfo]:
        def read(db: sqlite3.Connection) -> list[ChapterInfo]:
            found = db.execute(
                "SELECT position, number, label, title, words FROM chapters"
                " WHERE story_id = ? ORDER BY position",
                (story_id,),
            )
            return [ChapterInfo(r[0], r[1], r[2], r[3], r[4]) for r in found]

        return await self._db.read(read)

    async def chapter_text(self, story_id: int, index: int) -> str | None:
        """The text of chapter `index` (1-based), or None when there is no such chapter."""

        def read(db: sqlite3.Connection) -> str | None:
            found = db.execute(
                "SELECT text FROM chapters WHERE story_id = ? AND position = ?", (story_id, index)
            ).fetchone()
            return None if found is None else found[0]

        return await self._db.read(read)

    async def search_entries(self, guild_id: int) -> list[SearchEntry]:
        """Title, authors and rating of every story in the guild (what search indexes)."""

        def read(db: sqlite3.Connection) -> list[SearchEntry]:
            stories = db.execute(
                "SELECT id, title, rating_level FROM stories WHERE guild_id = ? ORDER BY id",
                (guild_id,),
            ).fetchall()
            authors: dict[int, list[str]] = defaultdict(list)
            for story_id, name in db.execute(
                "SELECT sa.story_id, a.name FROM story_authors sa"
                " JOIN stories s ON s.id = sa.story_id JOIN authors a ON a.id = sa.author_id"
                " WHERE s.guild_id = ? ORDER BY sa.story_id, sa.position",
                (guild_id,),
            ):
                authors[story_id].append(name)
            return [
                SearchEntry(r[0], r[1], tuple(authors[r[0]]), RatingLevel(r[2])) for r in stories
            ]

        return await self._db.read(read)

    async def guild_ids(self) -> list[int]:
        return await self._db.read(
            lambda db: [
                r[0]
                for r in db.execute(
                    # a trashed story carries its guild id negated: not a guild
                    "SELECT DISTINCT guild_id FROM stories WHERE guild_id > 0 ORDER BY guild_id"
                )
            ]
        )
