"""A reader's reading list ("Marked for Later") and the stories they finished."""

from __future__ import annotations

import sqlite3

from bot.library.errors import LibraryError
from bot.library.records import StoryRecord
from bot.library.store.database import Database, now_iso
from bot.library.store.rows import records, require_story

MAX_LATER = 500  # stories one reader may keep for later in one guild
NO_STORY = ()  # what a reading list write changes about stories (`Database.write` touches)


class ReadingList:
    """Marked for later, and finished."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Put a story on the reader's list; False when it was already there."""

        def write(db: sqlite3.Connection) -> bool:
            require_story(db, guild_id, story_id)
            kept = db.execute(
                "SELECT COUNT(*) FROM reading_list WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            ).fetchone()[0]
            cur = db.execute(
                "INSERT OR IGNORE INTO reading_list (guild_id, user_id, story_id, added_at)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, user_id, story_id, now_iso()),
            )
            if cur.rowcount and kept >= MAX_LATER:
                raise LibraryError(
                    f"Your reading list is full ({MAX_LATER} stories): remove one with"
                    " /later remove first."
                )
            return cur.rowcount > 0

        return await self._db.write(write, touches=NO_STORY)

    async def remove(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Take a story off the list; False when it was not on it."""

        def write(db: sqlite3.Connection) -> bool:
            cur = db.execute(
                "DELETE FROM reading_list WHERE guild_id = ? AND user_id = ? AND story_id = ?",
                (guild_id, user_id, story_id),
            )
            return cur.rowcount > 0

        return await self._db.write(write, touches=NO_STORY)

    async def stories(self, guild_id: int, user_id: int) -> list[StoryRecord]:
        """The reader's list, most recently added first."""

        def read(db: sqlite3.Connection) -> list[StoryRecord]:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT story_id FROM reading_list WHERE guild_id = ? AND user_id = ?"
                    " ORDER BY added_at DESC, story_id",
                    (guild_id, user_id),
                )
            ]
            by_id = {r.id: r for r in records(db, ids)}
            return [by_id[i] for i in ids if i in by_id]

        return await self._db.read(read)

    async def has(self, guild_id: int, user_id: int, story_id: int) -> bool:
        def read(db: sqlite3.Connection) -> bool:
            return (
                db.execute(
                    "SELECT 1 FROM reading_list WHERE guild_id = ? AND user_id = ?"
                    " AND story_id = ?",
                    (guild_id, user_id, story_id),
                ).fetchone()
                is not None
            )

        return await self._db.read(read)

    async def finish(self, guild_id: int, user_id: int, story_id: int) -> bool:
        """Mark a story finished (read to the end); True the first time. Finishing a story
        takes it off the reading list."""

        def write(db: sqlite3.Connection) -> bool:
            require_story(db, guild_id, story_id)
            cur = db.execute(
                "INSERT OR IGNORE INTO finished_stories"
                " (guild_id, user_id, story_id, finished_at) VALUES (?, ?, ?, ?)",
                (guild_id, user_id, story_id, now_iso()),
            )
            db.execute(
                "DELETE FROM reading_list WHERE guild_id = ? AND user_id = ? AND story_id = ?",
                (guild_id, user_id, story_id),
            )
            return cur.rowcount > 0

        return await self._db.write(write, touches=NO_STORY)

    async def finished(self, guild_id: int, user_id: int, story_id: int) -> bool:
        def read(db: sqlite3.Connection) -> bool:
            return (
                db.execute(
                    "SELECT 1 FROM finished_stories WHERE guild_id = ? AND user_id = ?"
                    " AND story_id = ?",
                    (guild_id, user_id, story_id),
                ).fetchone()
                is not None
            )

        return await self._db.read(read)
