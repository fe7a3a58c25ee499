"""What readers keep beside the stories: their ratings (with short reviews) and where they
are in each story.

Ratings are ranked by a Bayesian average: ``(C·m + Σstars) / (C + n)`` where ``n`` is the
story's number of ratings, ``m`` the mean of every rating in the guild (3.0 when the guild
has none) and ``C = PRIOR_WEIGHT`` (3) — a story needs several good ratings to outrank the
guild's typical story, and one 5-star rating does not beat ten 4.8s.
"""

from __future__ import annotations

import sqlite3

from bot.library.errors import LibraryError
from bot.library.limits import MAX_REVIEW_CHARS
from bot.library.records import RatedOutcome, RatingSummary, ReaderRating, StoryRecord
from bot.library.store.database import Database, now_iso, parse_when
from bot.library.store.rows import records, require_story

DEFAULT_MEAN = 3.0  # m in the Bayesian average when a guild has no ratings yet
PRIOR_WEIGHT = 3.0  # C in the Bayesian average


def bayesian(n: int, total: int, mean: float) -> float:
    """(C·m + Σstars) / (C + n)."""
    return (PRIOR_WEIGHT * mean + total) / (PRIOR_WEIGHT + n)


def guild_mean(db: sqlite3.Connection, guild_id: int) -> float:
    """m: the mean of every rating in the guild (DEFAULT_MEAN when there are none), from
    the totals kept with every rating (migration 004)."""
    found = db.execute(
        "SELECT n, total FROM guild_rating_totals WHERE guild_id = ? AND n > 0", (guild_id,)
    ).fetchone()
    return DEFAULT_MEAN if found is None else found[1] / found[0]


def summary_of(n: int, total: int, mean: float) -> RatingSummary:
    return RatingSummary(n, total / n if n else None, bayesian(n, total, mean))


def rating_summary(db: sqlite3.Connection, story_id: int) -> RatingSummary:
    found = db.execute(
        "SELECT guild_id, rating_count, rating_sum FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    if found is None:
        return RatingSummary(0, None, DEFAULT_MEAN)
    return summary_of(found[1], found[2], guild_mean(db, found[0]))


def _rating(r: sqlite3.Row) -> ReaderRating:
    return ReaderRating(
        story_id=r["story_id"],
        user_id=r["user_id"],
        stars=r["stars"],
        review=r["review"],
        created_at=parse_when(r["created_at"]),
        updated_at=parse_when(r["updated_at"]),
    )


def user_rating(db: sqlite3.Connection, story_id: int, user_id: int) -> ReaderRating | None:
    found = db.execute(
        "SELECT * FROM reader_ratings WHERE story_id = ? AND user_id = ?", (story_id, user_id)
    ).fetchone()
    return None if found is None else _rating(found)


def reviews_of(
    db: sqlite3.Connection, story_id: int, limit: int, offset: int = 0
) -> tuple[list[ReaderRating], int]:
    """A story's ratings that carry a review, newest first; and how many there are."""
    total = db.execute(
        "SELECT COUNT(*) FROM reader_ratings WHERE story_id = ? AND review IS NOT NULL",
        (story_id,),
    ).fetchone()[0]
    found = db.execute(
        "SELECT * FROM reader_ratings WHERE story_id = ? AND review IS NOT NULL"
        " ORDER BY updated_at DESC, user_id LIMIT ? OFFSET ?",
        (story_id, limit, offset),
    ).fetchall()
    return [_rating(r) for r in found], total


def check_review(review: str | None) -> str | None:
    """The review as stored (trimmed, None when empty); LibraryError when too long."""
    text = review.strip() if review else None
    if text and len(text) > MAX_REVIEW_CHARS:
        raise LibraryError(
            f"A review can be at most {MAX_REVIEW_CHARS} characters; this one has {len(text)}."
        )
    return text or None


class Readers:
    """Ratings and reading positions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ---- ratings -----------------------------------------------------------------------

    async def rate(
        self,
        guild_id: int,
        story_id: int,
        user_id: int,
        stars: int,
        review: str | None = None,
        *,
        keep_review: bool = False,
    ) -> RatedOutcome:
        """Record a reader's 1–5 star rating (one per reader per story: rating again
        replaces it). With `keep_review` and no new review, the reader's earlier review
        stays — read and written in the same transaction, so a ★ click landing beside a
        `/rate … review:` never erases the review."""
        if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
            raise LibraryError("A rating is a whole number of stars from 1 to 5.")
        text = check_review(review)

        def write(db: sqlite3.Connection) -> RatedOutcome:
            require_story(db, guild_id, story_id)
            before = user_rating(db, story_id, user_id)
            kept = text
            if kept is None and keep_review and before is not None:
                kept = before.review
            now = now_iso()
            db.execute(
                "INSERT INTO reader_ratings"
                " (guild_id, story_id, user_id, stars, review, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (story_id, user_id) DO UPDATE SET"
                " stars = excluded.stars, review = excluded.review,"
                " updated_at = excluded.updated_at",
                (guild_id, story_id, user_id, stars, kept, now, now),
            )
            after = user_rating(db, story_id, user_id)
            assert after is not None
            return RatedOutcome(before, after, rating_summary(db, story_id))

        # its card changes (reviews show their writers' stars); no other story's does
        return await self._db.write(write, touches=(story_id,))

    async def user_rating(self, story_id: int, user_id: int) -> ReaderRating | None:
        return await self._db.read(user_rating, story_id, user_id)

    async def ratings_by_user(
        self, guild_id: int, user_id: int
    ) -> list[tuple[StoryRecord, ReaderRating]]:
        """Every rating a reader gave in this guild, most recently changed first."""

        def read(db: sqlite3.Connection) -> list[tuple[StoryRecord, ReaderRating]]:
            found = db.execute(
                "SELECT * FROM reader_ratings WHERE guild_id = ? AND user_id = ?"
                " ORDER BY updated_at DESC, story_id",
                (guild_id, user_id),
            ).fetchall()
            by_id = {r.id: r for r in records(db, [r["story_id"] for r in found])}
            return [(by_id[r["story_id"]], _rating(r)) for r in found if r["story_id"] in by_id]

        return await self._db.read(read)

    async def reviews(
        self, story_id: int, *, limit: int, offset: int = 0
    ) -> tuple[list[ReaderRating], int]:
        """A story's ratings that carry a review, newest first; and how many there are."""

        return await self._db.read(reviews_of, story_id, limit, offset)

    async def rating_summary(self, story_id: int) -> RatingSummary:
        return await self._db.read(rating_summary, story_id)

    async def rating_totals(self, guild_id: int) -> dict[int, tuple[int, int]]:
        """Every rated story of the guild: story id -> (number of ratings, sum of stars),
        as kept with every rating (one indexed read, no aggregation)."""

        def read(db: sqlite3.Connection) -> dict[int, tuple[int, int]]:
            found = db.execute(
                "SELECT id, rating_count, rating_sum FROM stories"
                " WHERE guild_id = ? AND rating_count > 0",
                (guild_id,),
            )
            return {r[0]: (r[1], r[2]) for r in found}

        return await self._db.read(read)

    # ---- reading positions -------------------------------------------------------------

    async def save_position(
        self, guild_id: int, user_id: int, story_id: int, chapter: int, passage: int
    ) -> None:
        """Remember where a reader is in a story (chapter is 1-based; passage ≥ 0)."""

        def write(db: sqlite3.Connection) -> None:
            found = require_story(db, guild_id, story_id)
            if not 1 <= chapter <= found["chapter_count"]:
                raise LibraryError(
                    f"“{found['title']}” has chapters 1 to {found['chapter_count']}, not {chapter}."
                )
            if passage < 0:
                raise LibraryError("A passage number cannot be negative.")
            db.execute(
                "INSERT INTO reading_positions"
                " (guild_id, user_id, story_id, chapter, passage, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, story_id) DO UPDATE"
                " SET chapter = excluded.chapter, passage = excluded.passage,"
                " updated_at = excluded.updated_at",
                (guild_id, user_id, story_id, chapter, passage, now_iso()),
            )

        await self._db.write(write, touches=())  # a reader's place changes no story

    async def get_position(
        self, guild_id: int, user_id: int, story_id: int
    ) -> tuple[int, int] | None:
        def read(db: sqlite3.Connection) -> tuple[int, int] | None:
            found = db.execute(
                "SELECT chapter, passage FROM reading_positions"
                " WHERE guild_id = ? AND user_id = ? AND story_id = ?",
                (guild_id, user_id, story_id),
            ).fetchone()
            return None if found is None else (found[0], found[1])

        return await self._db.read(read)

    async def last_read(self, guild_id: int, user_id: int) -> tuple[int, int, int] | None:
        """(story_id, chapter, passage) of the reader's most recently saved position."""

        def read(db: sqlite3.Connection) -> tuple[int, int, int] | None:
            found = db.execute(
                "SELECT story_id, chapter, passage FROM reading_positions"
                " WHERE guild_id = ? AND user_id = ? ORDER BY updated_at DESC LIMIT 1",
                (guild_id, user_id),
            ).fetchone()
            return None if found is None else (found[0], found[1], found[2])

        return await self._db.read(read)
