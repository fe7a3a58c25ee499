"""Series: the stories of one declared series in a guild, in part order, and the guild's
series names (for autocomplete). Read-only; one read transaction per call."""

from __future__ import annotations

import sqlite3

from bot.library.records import StoryRecord
from bot.library.store.database import Database
from bot.library.store.listings import ADULT_LEVELS
from bot.library.store.rows import records

# Part order: declared parts first (1, 2, 3…), then undeclared ones by title, then id.
PARTS_SQL = (
    "SELECT id FROM stories WHERE guild_id = ? AND series = ? COLLATE NOCASE"
    " ORDER BY series_part IS NULL, series_part, title COLLATE NOCASE, id LIMIT ?"
)
MAX_PARTS = 200


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def parts_of(
    db: sqlite3.Connection, guild_id: int, name: str, limit: int = MAX_PARTS
) -> list[StoryRecord]:
    """Every story of series `name` (NOCASE) in the guild, in part order."""
    ids = [r[0] for r in db.execute(PARTS_SQL, (guild_id, name.strip(), limit))]
    return records(db, ids)


class Series:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def parts(self, guild_id: int, name: str, *, limit: int = MAX_PARTS) -> list[StoryRecord]:
        """Every story of series `name` (NOCASE) in the guild, in part order."""

        return await self._db.read(parts_of, guild_id, name, limit)

    async def names(
        self, guild_id: int, typed: str = "", *, limit: int = 25, include_adult: bool = True
    ) -> list[str]:
        """The guild's series names containing `typed`, most parts first; without
        `include_adult`, only series with a part whose title may be listed anywhere."""
        where = "guild_id = ? AND series IS NOT NULL AND series LIKE ? ESCAPE '\\'"
        params: list[object] = [guild_id, _like(typed.strip())]
        if not include_adult:
            where += f" AND rating_level NOT IN ({', '.join('?' * len(ADULT_LEVELS))})"
            params += ADULT_LEVELS
        sql = (
            f"SELECT MIN(series) FROM stories WHERE {where}"
            " GROUP BY series COLLATE NOCASE ORDER BY COUNT(*) DESC, MIN(series) COLLATE NOCASE"
            " LIMIT ?"
        )

        def read(db: sqlite3.Connection) -> list[str]:
            return [r[0] for r in db.execute(sql, [*params, limit])]

        return await self._db.read(read)
