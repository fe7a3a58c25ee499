"""Finding stories in a guild: filtered and sorted pages, full-text search, names used
(facets), the top-rated list and counts. Read-only; every call is one read transaction."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.library.errors import LibraryError
from bot.library.model import RatingLevel, Status
from bot.library.records import LibraryStats, RatingSummary, StoryRecord
from bot.library.store.database import Database, marks
from bot.library.store.prepare import (
    nocase,
    pairing_name,
    rating_level_of,
    squash,
    status_of,
)
from bot.library.store.readers import PRIOR_WEIGHT, guild_mean, summary_of
from bot.library.store.rows import records

SORTS = ("top", "newest", "longest", "shortest", "title")
FACET_KINDS = ("pairing", "character", "author", "tag", "fandom", "warning")
ADULT_LEVELS = tuple(str(level) for level in RatingLevel if level.is_adult)
# Length buckets (words) a reader can browse by: name -> (at least, at most).
LENGTHS: dict[str, tuple[int | None, int | None]] = {
    "short": (None, 4_999),
    "medium": (5_000, 19_999),
    "long": (20_000, 49_999),
    "epic": (50_000, None),
}


def word_bounds(length: str | None) -> tuple[int | None, int | None]:
    """(at least, at most) words of a `LENGTHS` bucket; (None, None) for no bucket."""
    if not length:
        return None, None
    if length not in LENGTHS:
        raise LibraryError(f"Unknown length “{length}”: use one of {', '.join(LENGTHS)}.")
    return LENGTHS[length]


def filters_sql(
    guild_id: int,
    *,
    pairing: str | None = None,
    character: str | None = None,
    rating: RatingLevel | str | None = None,
    status: Status | str | None = None,
    length: str | None = None,
    min_words: int | None = None,
    max_words: int | None = None,
    author: str | None = None,
    include_adult: bool = True,
) -> tuple[str, list[Any]]:
    """The WHERE clause (over `stories s`) and parameters for every filter given."""
    where = ["s.guild_id = ?"]
    params: list[Any] = [guild_id]
    if length:
        low, high = word_bounds(length)
        if low is not None:
            min_words = low if min_words is None else max(min_words, low)
        if high is not None:
            max_words = high if max_words is None else min(max_words, high)
    if pairing:
        names = {squash(pairing)}
        parts = [p for p in (squash(x) for x in pairing.split("/")) if p]
        if len(parts) >= 2:
            names.add(pairing_name(parts))
        where.append(
            "EXISTS (SELECT 1 FROM story_pairings sp JOIN pairings p ON p.id = sp.pairing_id"
            f" WHERE sp.story_id = s.id AND p.name IN ({marks(len(names))}))"
        )
        params += sorted(names)
    if character:
        where.append(
            "(EXISTS (SELECT 1 FROM story_characters sc JOIN characters c"
            " ON c.id = sc.character_id WHERE sc.story_id = s.id AND c.name = ?)"
            " OR EXISTS (SELECT 1 FROM story_pairings sp JOIN pairing_characters pc"
            " ON pc.pairing_id = sp.pairing_id JOIN characters c ON c.id = pc.character_id"
            " WHERE sp.story_id = s.id AND c.name = ?))"
        )
        params += [squash(character)] * 2
    if rating is not None:
        where.append("s.rating_level = ?")
        params.append(str(rating_level_of(rating)))
    if status is not None:
        where.append("s.status = ?")
        params.append(str(status_of(status)))
    if min_words is not None:
        where.append("s.words >= ?")
        params.append(int(min_words))
    if max_words is not None:
        where.append("s.words <= ?")
        params.append(int(max_words))
    if author:
        where.append(
            "EXISTS (SELECT 1 FROM story_authors sa JOIN authors a ON a.id = sa.author_id"
            " WHERE sa.story_id = s.id AND a.name = ?)"
        )
        params.append(squash(author))
    if not include_adult:
        where.append(f"s.rating_level NOT IN ({marks(len(ADULT_LEVELS))})")
        params += ADULT_LEVELS
    return " AND ".join(where), params


def page_ids(
    db: sqlite3.Connection,
    guild_id: int,
    *,
    where: str,
    params: list[Any],
    sort: str,
    limit: int | None,
    offset: int,
    rated_only: bool = False,
) -> list[int]:
    order = {
        "title": "s.title COLLATE NOCASE, s.id",
        "newest": "s.created_at DESC, s.id DESC",
        "longest": "s.words DESC, s.id",
        "shortest": "s.words ASC, s.id",
    }.get(sort, "")
    tail: list[Any] = []
    if sort == "top":  # the Bayesian average, from the totals kept with every rating
        order = (
            "(? * ? + s.rating_sum) / (? + s.rating_count) DESC,"
            " s.rating_count DESC, s.title COLLATE NOCASE, s.id"
        )
        tail = [PRIOR_WEIGHT, guild_mean(db, guild_id), PRIOR_WEIGHT]
    if rated_only:
        where += " AND s.rating_count > 0"
    sql = f"SELECT s.id FROM stories s WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
    found = db.execute(sql, [*params, *tail, -1 if limit is None else limit, offset])
    return [r[0] for r in found]


class Listings:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        """One page of the guild's stories matching every filter given, and the total count.

        filters: pairing, character, rating, status, length (a `LENGTHS` name), min_words,
        max_words, author. sort: top (Bayesian rating, best first) | newest | longest |
        shortest | title. `include_adult=False` leaves out Mature, Explicit and Not Rated.
        """
        if sort not in SORTS:
            raise LibraryError(f"Unknown sort “{sort}”: use one of {', '.join(SORTS)}.")
        if offset < 0 or (limit is not None and limit < 0):
            raise LibraryError("Page limits must not be negative.")
        where, params = filters_sql(guild_id, include_adult=include_adult, **filters)

        def read(db: sqlite3.Connection) -> tuple[list[StoryRecord], int]:
            total = db.execute(f"SELECT COUNT(*) FROM stories s WHERE {where}", params)
            count = total.fetchone()[0]
            if limit == 0:
                return [], count
            ids = page_ids(
                db, guild_id, where=where, params=params, sort=sort, limit=limit, offset=offset
            )
            return records(db, ids), count

        return await self._db.read(read)

    async def count(self, guild_id: int, **filters: Any) -> tuple[int, int]:
        """(stories matching the filters, how many of them are adult-rated)."""
        where, params = filters_sql(guild_id, **filters)
        sql = (
            f"SELECT COUNT(*), COALESCE(SUM(s.rating_level IN ({marks(len(ADULT_LEVELS))})), 0)"
            f" FROM stories s WHERE {where}"
        )
        found = await self._db.read(lambda db: db.execute(sql, [*ADULT_LEVELS, *params]).fetchone())
        return found[0], found[1]

    async def text_search(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 10,
        include_adult: bool = True,
        **filters: Any,
    ) -> list[StoryRecord]:
        """Full-text search (FTS5) over title, authors, summary and tags; best match first.

        Every word of `query` must match (as a word prefix); FTS syntax in `query` is not
        interpreted, so any text is safe to pass. `filters` as for `list_stories`.
        """
        words = [w.replace('"', '""') for w in query.split()]
        words = [w for w in words if any(ch.isalnum() for ch in w)]
        if not words:
            return []
        match = " ".join(f'"{w}"*' for w in words)
        where, params = filters_sql(guild_id, include_adult=include_adult, **filters)
        sql = (
            "SELECT s.id FROM stories_fts f JOIN stories s ON s.id = f.rowid"
            f" WHERE stories_fts MATCH ? AND {where}"
            " ORDER BY bm25(stories_fts, 10.0, 5.0, 1.0, 3.0), s.id LIMIT ?"
        )
        params = [match, *params, limit]

        def read(db: sqlite3.Connection) -> list[StoryRecord]:
            return records(db, [r[0] for r in db.execute(sql, params)])

        return await self._db.read(read)

    async def matching_ids(self, guild_id: int, story_ids: list[int], **filters: Any) -> set[int]:
        """Which of `story_ids` match `filters` (as for `list_stories`)."""
        if not story_ids:
            return set()
        where, params = filters_sql(guild_id, **filters)
        sql = f"SELECT s.id FROM stories s WHERE {where} AND s.id IN ({marks(len(story_ids))})"
        params += story_ids
        return await self._db.read(lambda db: {r[0] for r in db.execute(sql, params)})

    async def text_vocabulary(self, first: str, *, shortest: int, longest: int) -> dict[str, int]:
        """Words of the full-text index (every guild's) that start with the letter `first`
        and have `shortest`–`longest` characters → how many stories hold each."""
        sql = (
            "SELECT term, doc FROM stories_fts_vocab WHERE term >= ? AND term < ?"
            " AND length(term) BETWEEN ? AND ?"
        )
        params = [first, first[:-1] + chr(ord(first[-1]) + 1), shortest, longest]
        return await self._db.read(lambda db: dict(db.execute(sql, params).fetchall()))

    async def facet_values(
        self,
        guild_id: int,
        kind: str,
        prefix: str = "",
        limit: int = 25,
        *,
        include_adult: bool = True,
    ) -> list[str]:
        """Names of `kind` used by the guild's stories that contain `prefix` (prefix matches
        first, then the most used). kind: pairing | character | author | tag | fandom | warning.
        `include_adult=False` counts only stories that are not adult-rated.
        """
        if kind not in FACET_KINDS:
            raise LibraryError(f"Unknown kind “{kind}”: use one of {', '.join(FACET_KINDS)}.")
        source, params = _facet_source(kind)
        needle = nocase(squash(prefix))
        adult = "" if include_adult else f" AND s.rating_level NOT IN ({marks(len(ADULT_LEVELS))})"
        sql = (
            f"SELECT name FROM ({source} JOIN stories s ON s.id = x.story_id"
            f" WHERE s.guild_id = ?{adult} GROUP BY name)"
            " WHERE instr(lower(name), ?) > 0"
            " ORDER BY instr(lower(name), ?) = 1 DESC, uses DESC, name COLLATE NOCASE LIMIT ?"
        )
        params += [guild_id, *(() if include_adult else ADULT_LEVELS), needle, needle, limit]
        return await self._db.read(lambda db: [r[0] for r in db.execute(sql, params)])

    async def known_names(self, guild_id: int, kind: str, names: list[str]) -> set[str]:
        """Which of `names` the guild's stories already use as a `kind` (pairing |
        character | author | tag | fandom | warning) — the same name as the library
        compares names (its NOCASE collation; see `prepare.nocase`)."""
        if kind not in FACET_KINDS:
            raise LibraryError(f"Unknown kind “{kind}”: use one of {', '.join(FACET_KINDS)}.")
        wanted = {nocase(squash(n)): n for n in names if squash(n)}
        if not wanted:
            return set()
        source, params = _facet_source(kind)
        sql = (
            f"SELECT DISTINCT name FROM ({source} JOIN stories s ON s.id = x.story_id"
            f" WHERE s.guild_id = ? AND name IN ({marks(len(wanted))}) GROUP BY name)"
        )
        params += [guild_id, *wanted]
        found = await self._db.read(lambda db: [r[0] for r in db.execute(sql, params)])
        return {wanted[nocase(n)] for n in found if nocase(n) in wanted}

    async def top_stories(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        include_adult: bool = True,
        limit: int = 10,
    ) -> list[tuple[StoryRecord, RatingSummary]]:
        """Rated stories by Bayesian average, best first."""
        where, params = filters_sql(guild_id, pairing=pairing, include_adult=include_adult)

        def read(db: sqlite3.Connection) -> list[tuple[StoryRecord, RatingSummary]]:
            ids = page_ids(
                db,
                guild_id,
                where=where,
                params=params,
                sort="top",
                limit=limit,
                offset=0,
                rated_only=True,
            )
            mean = guild_mean(db, guild_id)
            stats = {
                r[0]: (r[1], r[2])
                for r in db.execute(
                    "SELECT id, rating_count, rating_sum FROM stories"
                    f" WHERE id IN ({marks(len(ids))})",
                    ids,
                )
            }
            return [(r, summary_of(*stats.get(r.id, (0, 0)), mean)) for r in records(db, ids)]

        return await self._db.read(read)

    async def stats(self, guild_id: int | None = None, *, top_pairings: int = 10) -> LibraryStats:
        """Counts for one guild, or the whole database when `guild_id` is None, and the
        most used pairings with their number of stories."""
        return await self._db.read(_stats, guild_id, top_pairings)


def _facet_source(kind: str) -> tuple[str, list[Any]]:
    if kind == "author":
        return (
            "SELECT a.name AS name, COUNT(*) AS uses FROM story_authors x"
            " JOIN authors a ON a.id = x.author_id",
            [],
        )
    if kind == "character":
        return (
            "SELECT c.name AS name, COUNT(*) AS uses FROM story_characters x"
            " JOIN characters c ON c.id = x.character_id",
            [],
        )
    if kind == "pairing":
        return (
            "SELECT p.name AS name, COUNT(*) AS uses FROM story_pairings x"
            " JOIN pairings p ON p.id = x.pairing_id",
            [],
        )
    return (
        "SELECT t.name AS name, COUNT(*) AS uses FROM story_tags x"
        " JOIN tags t ON t.id = x.tag_id AND t.kind = ?",
        [kind],
    )


def _stats(db: sqlite3.Connection, guild_id: int | None, top_pairings: int) -> LibraryStats:
    scope = "" if guild_id is None else " WHERE s.guild_id = ?"
    params: tuple = () if guild_id is None else (guild_id,)

    def one(sql: str) -> Any:
        return db.execute(sql, params).fetchone()[0]

    def linked(link: str, column: str) -> Any:
        return one(
            f"SELECT COUNT(DISTINCT x.{column}) FROM {link} x"
            f" JOIN stories s ON s.id = x.story_id{scope}"
        )

    totals = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(words), 0), COALESCE(SUM(chapter_count), 0),"
        f" COUNT(DISTINCT guild_id) FROM stories s{scope}",
        params,
    ).fetchone()
    counts: dict[str, Any] = {
        "guilds": totals[3],
        "stories": totals[0],
        "chapters": totals[2],
        "words": totals[1],
        "authors": linked("story_authors", "author_id"),
        "pairings": linked("story_pairings", "pairing_id"),
        "characters": linked("story_characters", "character_id"),
        "tags": linked("story_tags", "tag_id"),
        "ratings": one(
            "SELECT COUNT(*) FROM reader_ratings r JOIN stories s ON s.id = r.story_id" + scope
        ),
    }
    for key, column in (("by_rating", "rating_level"), ("by_status", "status")):
        found = db.execute(
            f"SELECT {column}, COUNT(*) FROM stories s{scope}"
            f" GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
            params,
        )
        counts[key] = {r[0]: r[1] for r in found}
    top = db.execute(
        "SELECT p.name, COUNT(*) AS n FROM story_pairings x JOIN pairings p ON p.id = x.pairing_id"
        f" JOIN stories s ON s.id = x.story_id{scope}"
        " GROUP BY p.id ORDER BY n DESC, p.name COLLATE NOCASE LIMIT ?",
        (*params, top_pairings),
    )
    return LibraryStats(counts, [(r[0], r[1]) for r in top])
