"""One read for what a story's card shows to everyone: the story, its latest reviews and
their number, and its series' parts (`CardFacts`, kept by `bot.library.cards`)."""

from __future__ import annotations

import sqlite3

from bot.library.records import CardFacts
from bot.library.store.database import Database
from bot.library.store.readers import reviews_of
from bot.library.store.rows import records
from bot.library.store.series import parts_of


def card_facts(
    db: sqlite3.Connection, guild_id: int, story_id: int, reviews: int
) -> CardFacts | None:
    """The facts of a story of `guild_id`, in one read transaction; None when it is not
    one (removed, in the trash, or another guild's)."""
    found = records(db, [story_id])
    if not found or found[0].guild_id != guild_id:
        return None
    story = found[0]
    latest, total = reviews_of(db, story_id, reviews) if reviews else ([], 0)
    parts = parts_of(db, guild_id, story.series) if story.series else []
    return CardFacts(story, tuple(latest), total, tuple(parts))


class Cards:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def facts(self, guild_id: int, story_id: int, *, reviews: int) -> CardFacts | None:
        """A story's card facts with its `reviews` latest reviews (see `card_facts`)."""
        if not 0 < story_id < 2**63:
            return None
        return await self._db.read(card_facts, guild_id, story_id, reviews)
