"""What readers and moderators keep beside the stories: reader ratings, reading positions,
guild settings and the audit log.

Ratings are ranked by a Bayesian average: ``(C·m + Σstars) / (C + n)`` where ``n`` is the
story's number of ratings, ``m`` the mean of every rating in the guild (3.0 when the guild
has none) and ``C = PRIOR_WEIGHT`` (3) — a story needs several good ratings to outrank the
guild's typical story, and one 5-star rating does not beat ten 4.8s.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.library.errors import LibraryError
from bot.library.records import (
    AuditEntry,
    GuildSettings,
    RatingSummary,
    ReaderRating,
    StoryRecord,
)
from bot.library.store_base import (
    DEFAULT_MEAN,
    StoreBase,
    bayesian,
    now_iso,
    parse_when,
)

MAX_REVIEW_CHARS = 300
SETTINGS: dict[str, type] = {"list_adult_titles": bool, "moderator_role_id": int}


class ReaderDataMixin(StoreBase):
    """Ratings, positions, settings and audit entries (part of `Store`)."""

    async def rate(
        self, guild_id: int, story_id: int, user_id: int, stars: int, review: str | None = None
    ) -> bool:
        """Record a reader's 1–5 star rating (and optional short review); True if new.

        Rating again replaces the reader's earlier rating: one rating per reader per story.
        """
        if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
            raise LibraryError("A rating is a whole number of stars from 1 to 5.")
        text = review.strip() if review else None
        if text and len(text) > MAX_REVIEW_CHARS:
            raise LibraryError(
                f"A review can be at most {MAX_REVIEW_CHARS} characters; this one has {len(text)}."
            )
        text = text or None
        async with self._transaction() as conn:
            await self._require_story(guild_id, story_id)
            existed = await self._scalar(
                "SELECT 1 FROM reader_ratings WHERE story_id = ? AND user_id = ?",
                (story_id, user_id),
            )
            now = now_iso()
            await conn.execute(
                "INSERT INTO reader_ratings"
                " (guild_id, story_id, user_id, stars, review, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (story_id, user_id) DO UPDATE SET"
                " stars = excluded.stars, review = excluded.review,"
                " updated_at = excluded.updated_at",
                (guild_id, story_id, user_id, stars, text, now, now),
            )
        return existed is None

    @staticmethod
    def _rating(row: sqlite3.Row) -> ReaderRating:
        return ReaderRating(
            story_id=row["story_id"],
            user_id=row["user_id"],
            stars=row["stars"],
            review=row["review"],
            created_at=parse_when(row["created_at"]),
            updated_at=parse_when(row["updated_at"]),
        )

    async def user_rating(self, story_id: int, user_id: int) -> ReaderRating | None:
        async with self._lock:
            row = await self._row(
                "SELECT * FROM reader_ratings WHERE story_id = ? AND user_id = ?",
                (story_id, user_id),
            )
        return None if row is None else self._rating(row)

    async def ratings_by_user(
        self, guild_id: int, user_id: int
    ) -> list[tuple[StoryRecord, ReaderRating]]:
        """Every rating a reader gave in this guild, most recently changed first."""
        async with self._lock:
            rows = await self._rows(
                "SELECT * FROM reader_ratings WHERE guild_id = ? AND user_id = ?"
                " ORDER BY updated_at DESC, story_id",
                (guild_id, user_id),
            )
            records = {r.id: r for r in await self._records([row["story_id"] for row in rows])}
        return [(records[r["story_id"]], self._rating(r)) for r in rows if r["story_id"] in records]

    async def rating_summary(self, story_id: int) -> RatingSummary:
        async with self._lock:
            row = await self._row(
                "SELECT s.guild_id, COUNT(r.stars), COALESCE(SUM(r.stars), 0) FROM stories s"
                " LEFT JOIN reader_ratings r ON r.story_id = s.id WHERE s.id = ?"
                " GROUP BY s.id",
                (story_id,),
            )
            if row is None:
                return RatingSummary(0, None, DEFAULT_MEAN)
            guild_id, n, total = row[0], row[1], row[2]
            mean = await self._guild_mean(guild_id)
        return RatingSummary(n, total / n if n else None, bayesian(n, total, mean))

    async def save_position(
        self, guild_id: int, user_id: int, story_id: int, chapter: int, passage: int
    ) -> None:
        """Remember where a reader is in a story (chapter is 1-based; passage ≥ 0)."""
        async with self._transaction() as conn:
            row = await self._require_story(guild_id, story_id)
            if not 1 <= chapter <= row["chapter_count"]:
                raise LibraryError(
                    f"“{row['title']}” has chapters 1 to {row['chapter_count']}, not {chapter}."
                )
            if passage < 0:
                raise LibraryError("A passage number cannot be negative.")
            await conn.execute(
                "INSERT INTO reading_positions"
                " (guild_id, user_id, story_id, chapter, passage, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, story_id) DO UPDATE"
                " SET chapter = excluded.chapter, passage = excluded.passage,"
                " updated_at = excluded.updated_at",
                (guild_id, user_id, story_id, chapter, passage, now_iso()),
            )

    async def get_position(
        self, guild_id: int, user_id: int, story_id: int
    ) -> tuple[int, int] | None:
        async with self._lock:
            row = await self._row(
                "SELECT chapter, passage FROM reading_positions"
                " WHERE guild_id = ? AND user_id = ? AND story_id = ?",
                (guild_id, user_id, story_id),
            )
        return None if row is None else (row[0], row[1])

    async def last_read(self, guild_id: int, user_id: int) -> tuple[int, int, int] | None:
        """(story_id, chapter, passage) of the reader's most recently saved position."""
        async with self._lock:
            row = await self._row(
                "SELECT story_id, chapter, passage FROM reading_positions"
                " WHERE guild_id = ? AND user_id = ? ORDER BY updated_at DESC LIMIT 1",
                (guild_id, user_id),
            )
        return None if row is None else (row[0], row[1], row[2])

    async def get_settings(self, guild_id: int) -> GuildSettings:
        cached = self._settings.get(guild_id)
        if cached is not None:
            return cached
        async with self._lock:
            rows = await self._rows(
                "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
            )
        values = {k: json.loads(v) for k, v in rows if k in SETTINGS}
        settings = self._settings[guild_id] = GuildSettings(**values)
        return settings

    async def set_setting(
        self, guild_id: int, key: str, value: Any, *, actor_id: int | None
    ) -> None:
        """Set a guild setting (None clears it back to the default)."""
        kind = SETTINGS.get(key)
        if kind is None:
            raise LibraryError(f"Unknown setting “{key}”: settings are {', '.join(SETTINGS)}.")
        if value is not None:
            ok = (
                isinstance(value, bool)
                if kind is bool
                else (isinstance(value, int) and not isinstance(value, bool))
            )
            if not ok:
                raise LibraryError(f"Setting “{key}” needs a {kind.__name__} value.")
        async with self._transaction() as conn:
            if value is None:
                await conn.execute(
                    "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
                )
            else:
                await conn.execute(
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                    (guild_id, key, json.dumps(value)),
                )
            await self._audit(
                conn,
                guild_id,
                actor_id=actor_id,
                action="setting",
                story_id=None,
                title=None,
                detail={"key": key, "value": value},
            )
        self._settings.pop(guild_id, None)

    async def audit_log(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        """The guild's most recent audit entries, newest first."""
        async with self._lock:
            rows = await self._rows(
                "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
                (guild_id, limit),
            )
        return [
            AuditEntry(
                id=r["id"],
                guild_id=r["guild_id"],
                actor_id=r["actor_id"],
                action=r["action"],
                story_id=r["story_id"],
                title=r["title"],
                detail=json.loads(r["detail"]),
                at=parse_when(r["at"]),
            )
            for r in rows
        ]
