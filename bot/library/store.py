"""The library's SQLite store (aiosqlite): every SQL statement storybot runs lives in
`store*.py`.

One `Store` holds one connection in autocommit mode; each write is an explicit
`BEGIN IMMEDIATE … COMMIT` (ROLLBACK on any error), so a story is stored whole or not at
all. An asyncio lock keeps coroutines from interleaving inside a transaction. Chapter text
stays in the database and is read one chapter at a time.

Parts: `store_base` (connection, transactions, records), `store_sql` (writing a new story
in one round trip), `store_readers` (ratings, reading positions, settings, audit log;
the Bayesian average is documented there), `store_prepare` (content hash, identity,
validation), `store_migrations`, `store_bulk` (files, folders and zips).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.library.errors import LibraryError
from bot.library.model import ParsedStory, RatingLevel, Status
from bot.library.records import ChapterInfo, ImportOutcome, RatingSummary, SearchEntry, StoryRecord
from bot.library.store_base import (
    PRIOR_WEIGHT,
    StoreBase,
    bayesian,
    marks,
    no_story,
    now_iso,
)
from bot.library.store_migrations import apply_migrations
from bot.library.store_prepare import (
    PreparedStory,
    nocase,
    pairing_name,
    prepare_story,
    rating_level_of,
    split_pairing,
    squash,
    status_of,
    unique,
)
from bot.library.store_readers import MAX_REVIEW_CHARS, SETTINGS, ReaderDataMixin
from bot.library.store_sql import (
    CHAPTER_SQL,
    FIND_SQL,
    STORY_ERRORS,
    add_or_find,
    add_or_find_batch,
    find_params,
)

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 300
BUSY_TIMEOUT_MS = 10_000
SORTS = ("top", "newest", "longest", "shortest", "title")
FACET_KINDS = ("pairing", "character", "author", "tag", "fandom", "warning")
EDITABLE = (
    "title",
    "authors",
    "rating_level",
    "summary",
    "pairings",
    "status",
    "characters",
    "fandoms",
    "tags",
    "warnings",
    "total_chapters",
)
_EDIT_COLUMNS = {  # editable field -> the stories columns a re-import must then keep
    "title": ("title", "title_declared"),
    "rating_level": ("rating_level", "rating_declared", "rating_inferred"),
    "status": ("status",),
    "summary": ("summary",),
    "total_chapters": ("total_chapters",),
}
ADULT_LEVELS = tuple(str(level) for level in RatingLevel if level.is_adult)
__all__ = ["MAX_REVIEW_CHARS", "SETTINGS", "SORTS", "Store"]


class Store(ReaderDataMixin, StoreBase):
    """The library database. Open with `await Store.open(path)`; close when done."""

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Open (creating the file and its folder if needed) and migrate to the newest schema."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await apply_migrations(conn)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        return await self._scalar("PRAGMA user_version")

    # ------------------------------------------------------------------ import

    async def import_story(
        self,
        guild_id: int,
        story: ParsedStory,
        *,
        actor_id: int | None,
        source_name: str | None = None,
    ) -> ImportOutcome:
        """Add a story, update it in place (same story, more or revised chapters) or leave it.

        * same content hash in this guild → "unchanged";
        * same declared title + authors in this guild → "updated" in place (id, ratings and
          reading positions kept) unless the stored version has more chapters, which is
          kept ("unchanged", with a detail saying why);
        * otherwise → "added".
        """
        return await self.import_prepared(
            guild_id, prepare_story(story, source_name), actor_id=actor_id
        )

    async def import_prepared(
        self, guild_id: int, prepared: PreparedStory, *, actor_id: int | None
    ) -> ImportOutcome:
        """`import_story` for a story already flattened by `store_prepare.prepare_story`
        (bulk imports prepare in the parser processes, so the writer only writes)."""
        async with self._lock:
            return await self._import_one(guild_id, prepared, actor_id)

    async def import_prepared_many(
        self, guild_id: int, stories: Sequence[PreparedStory], *, actor_id: int | None
    ) -> list[ImportOutcome | LibraryError]:
        """`import_prepared` for several stories, in order, new ones written in one
        transaction (what bulk imports use: one COMMIT per batch instead of per story).

        Each story is still stored whole or not at all (a savepoint each); a story that
        cannot be stored gets its LibraryError in the returned list, in its place, and the
        others are kept. Stories that update an earlier version are then updated one by one,
        each in its own transaction, after the batch."""
        if not stories:
            return []
        async with self._lock:
            results = await self._run_sync(
                add_or_find_batch, guild_id, list(stories), actor_id, now_iso()
            )
            out: list[ImportOutcome | LibraryError] = []
            for prepared, result in zip(stories, results, strict=True):
                if result is not None:
                    out.append(result)
                    continue
                try:  # an earlier version is stored: update it in place
                    out.append(await self._import_one(guild_id, prepared, actor_id))
                except LibraryError as err:
                    out.append(err)
            return out

    async def _import_one(
        self, guild_id: int, prepared: PreparedStory, actor_id: int | None
    ) -> ImportOutcome:
        """`import_prepared` with the lock already held."""
        try:
            for _ in range(3):  # another process may change the story between the steps
                # The common cases — a new story, or one already stored — are one
                # transaction run whole on the connection's thread (one round trip).
                outcome = await self._run_sync(add_or_find, guild_id, prepared, actor_id, now_iso())
                if outcome is None:  # an earlier version is stored: update it
                    async with self._begin() as conn:
                        outcome = await self._update_existing(conn, guild_id, prepared, actor_id)
                if outcome is not None:
                    return outcome
        except STORY_ERRORS as err:
            raise LibraryError(f"Could not store “{prepared.title}”: {err}.") from err
        raise LibraryError(f"“{prepared.title}” kept changing while it was being imported.")

    async def _update_existing(
        self, conn: aiosqlite.Connection, guild_id: int, p: PreparedStory, actor_id: int | None
    ) -> ImportOutcome | None:
        """The same story (declared title + authors) is stored: update it in place, or keep
        the stored version when it has more chapters."""
        found = await conn.execute_fetchall(FIND_SQL, find_params(guild_id, p))
        existing = found[0] if found else None
        if existing is None or existing["same"]:  # changed since the first look: start over
            return None
        if existing["chapter_count"] > p.chapter_count:
            return ImportOutcome(
                "unchanged",
                existing["id"],
                existing["title"],
                detail=f"the library already has a longer version "
                f"({existing['chapter_count']} chapters, this file has {p.chapter_count})",
            )
        now = now_iso()
        story_id = existing["id"]
        edited = set(json.loads(existing["edited_fields"]))
        await self._update_in_place(conn, story_id, p, edited, now)
        await conn.executemany(CHAPTER_SQL, [(story_id, *chapter) for chapter in p.chapters])
        title = await self._refresh_fts(conn, story_id)
        await self._audit(
            conn,
            guild_id,
            actor_id=actor_id,
            action="updated",
            story_id=story_id,
            title=title,
            detail={"chapters": [existing["chapter_count"], p.chapter_count], "words": p.words},
            at=now,
        )
        return ImportOutcome("updated", story_id, title)

    async def _update_in_place(
        self,
        conn: aiosqlite.Connection,
        story_id: int,
        p: PreparedStory,
        edited: set[str],
        now: str,
    ) -> None:
        """Replace a story's chapters and metadata with a newer version's, keeping the
        fields a moderator edited (the caller then refreshes the FTS row)."""
        columns: dict[str, Any] = {
            "title": p.title,
            "title_declared": p.title_declared,
            "rating_level": p.rating_level,
            "rating_declared": p.rating_declared,
            "rating_inferred": p.rating_inferred,
            "status": p.status,
            "words": p.words,
            "chapter_count": p.chapter_count,
            "total_chapters": p.total_chapters,
            "summary": p.summary,
            "notes": p.notes_json,
            "disclaimer": p.disclaimer,
            "epigraph": p.epigraph,
            "spoilers": p.spoilers,
            "language": p.language,
            "source_name": p.source_name,
            "layout": p.layout,
            "encoding": p.encoding,
            "content_hash": p.content_hash,
            "updated_at": now,
        }
        for name in edited:
            for column in _EDIT_COLUMNS.get(name, ()):
                columns.pop(column, None)
        assignments = ", ".join(f"{c} = ?" for c in columns)
        await conn.execute(
            f"UPDATE stories SET {assignments} WHERE id = ?", [*columns.values(), story_id]
        )
        await conn.execute("DELETE FROM chapters WHERE story_id = ?", (story_id,))
        (current,) = await self._records([story_id])

        def keep(name: str, new: list[str]) -> list[str]:
            return list(getattr(current, name)) if name in edited else new

        if "pairings" in edited:
            inferred = set(current.inferred_pairings)
            pairings = [(n, split_pairing(n), n in inferred) for n in current.pairings]
        else:
            pairings = [(x.name, x.characters, x.inferred) for x in p.pairings]
        tags = [("fandom", n) for n in keep("fandoms", [n for k, n in p.tags if k == "fandom"])]
        tags += [("warning", n) for n in keep("warnings", [n for k, n in p.tags if k == "warning"])]
        tags += [("tag", n) for n in keep("tags", [n for k, n in p.tags if k == "tag"])]
        await self._clear_links(conn, story_id)
        await self._write_links(
            conn,
            story_id,
            authors=keep("authors", p.authors),
            characters=keep("characters", p.characters),
            pairings=pairings,
            tags=tags,
        )

    # ------------------------------------------------------------------ reading stories

    async def get_story(self, guild_id: int, story_id: int) -> StoryRecord | None:
        """One story's metadata (no chapter text), or None if it is not in this guild."""
        async with self._lock:
            found = await self._scalar(
                "SELECT id FROM stories WHERE id = ? AND guild_id = ?", (story_id, guild_id)
            )
            if found is None:
                return None
            (record,) = await self._records([found])
            return record

    async def get_stories(self, guild_id: int, story_ids: Sequence[int]) -> list[StoryRecord]:
        """Several stories' metadata in one go, in the order asked; others' are skipped."""
        async with self._lock:
            records = await self._records(list(story_ids))
        return [r for r in records if r.guild_id == guild_id]

    async def chapters(self, story_id: int) -> list[ChapterInfo]:
        async with self._lock:
            rows = await self._rows(
                "SELECT position, number, label, title, words FROM chapters"
                " WHERE story_id = ? ORDER BY position",
                (story_id,),
            )
        return [ChapterInfo(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def chapter_text(self, story_id: int, index: int) -> str | None:
        """The text of chapter `index` (1-based), or None when there is no such chapter."""
        async with self._lock:
            return await self._scalar(
                "SELECT text FROM chapters WHERE story_id = ? AND position = ?", (story_id, index)
            )

    async def search_entries(self, guild_id: int) -> list[SearchEntry]:
        """Title, authors and rating of every story in the guild (what search indexes)."""
        async with self._lock:
            stories = await self._rows(
                "SELECT id, title, rating_level FROM stories WHERE guild_id = ? ORDER BY id",
                (guild_id,),
            )
            authors: dict[int, list[str]] = defaultdict(list)
            for story_id, name in await self._rows(
                "SELECT sa.story_id, a.name FROM story_authors sa"
                " JOIN stories s ON s.id = sa.story_id JOIN authors a ON a.id = sa.author_id"
                " WHERE s.guild_id = ? ORDER BY sa.story_id, sa.position",
                (guild_id,),
            ):
                authors[story_id].append(name)
        return [SearchEntry(r[0], r[1], tuple(authors[r[0]]), RatingLevel(r[2])) for r in stories]

    async def guild_ids(self) -> list[int]:
        async with self._lock:
            rows = await self._rows("SELECT DISTINCT guild_id FROM stories ORDER BY guild_id")
        return [r[0] for r in rows]

    async def text_search(
        self, guild_id: int, query: str, *, limit: int = 10, include_adult: bool = True
    ) -> list[StoryRecord]:
        """Full-text search (FTS5) over title, authors, summary and tags; best match first.

        Every word of `query` must match (as a word prefix); FTS syntax in `query` is not
        interpreted, so any text is safe to pass.
        """
        words = [w.replace('"', '""') for w in query.split()]
        words = [w for w in words if any(ch.isalnum() for ch in w)]
        if not words:
            return []
        match = " ".join(f'"{w}"*' for w in words)
        sql = (
            "SELECT s.id FROM stories_fts f JOIN stories s ON s.id = f.rowid"
            " WHERE stories_fts MATCH ? AND s.guild_id = ?"
        )
        params: list[Any] = [match, guild_id]
        if not include_adult:
            sql += f" AND s.rating_level NOT IN ({marks(len(ADULT_LEVELS))})"
            params += ADULT_LEVELS
        sql += " ORDER BY bm25(stories_fts, 10.0, 5.0, 1.0, 3.0), s.id LIMIT ?"
        params.append(limit)
        async with self._lock:
            ids = [r[0] for r in await self._rows(sql, params)]
            return await self._records(ids)

    # ------------------------------------------------------------------ listing

    def _filters(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        character: str | None = None,
        rating: RatingLevel | str | None = None,
        status: Status | str | None = None,
        min_words: int | None = None,
        max_words: int | None = None,
        author: str | None = None,
        include_adult: bool = True,
    ) -> tuple[str, list[Any]]:
        where = ["s.guild_id = ?"]
        params: list[Any] = [guild_id]
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

    async def list_stories(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        character: str | None = None,
        rating: RatingLevel | str | None = None,
        status: Status | str | None = None,
        min_words: int | None = None,
        max_words: int | None = None,
        author: str | None = None,
        include_adult: bool = True,
        sort: str = "title",
        limit: int | None = 10,
        offset: int = 0,
    ) -> tuple[list[StoryRecord], int]:
        """One page of the guild's stories matching every filter given, and the total count.

        sort: top (Bayesian rating, best first) | newest | longest | shortest | title.
        `include_adult=False` leaves out Mature, Explicit and Not Rated stories.
        """
        if sort not in SORTS:
            raise LibraryError(f"Unknown sort “{sort}”: use one of {', '.join(SORTS)}.")
        if offset < 0 or (limit is not None and limit < 0):
            raise LibraryError("Page limits must not be negative.")
        where, params = self._filters(
            guild_id,
            pairing=pairing,
            character=character,
            rating=rating,
            status=status,
            min_words=min_words,
            max_words=max_words,
            author=author,
            include_adult=include_adult,
        )
        async with self._lock:
            total = await self._scalar(f"SELECT COUNT(*) FROM stories s WHERE {where}", params)
            ids = await self._page(
                guild_id, where=where, params=params, sort=sort, limit=limit, offset=offset
            )
            return await self._records(ids), total

    async def _page(
        self,
        guild_id: int,
        *,
        where: str,
        params: list[Any],
        sort: str,
        limit: int | None,
        offset: int,
        rated_only: bool = False,
    ) -> list[int]:
        join = ""
        order = {
            "title": "s.title COLLATE NOCASE, s.id",
            "newest": "s.created_at DESC, s.id DESC",
            "longest": "s.words DESC, s.id",
            "shortest": "s.words ASC, s.id",
        }.get(sort, "")
        head: list[Any] = []
        if sort == "top" or rated_only:
            mean = await self._guild_mean(guild_id)
            join = (
                " LEFT JOIN (SELECT story_id, COUNT(*) AS n, SUM(stars) AS total"
                " FROM reader_ratings WHERE guild_id = ? GROUP BY story_id) r"
                " ON r.story_id = s.id"
            )
            head = [guild_id]
            if sort == "top":
                order = (
                    "(? * ? + COALESCE(r.total, 0)) / (? + COALESCE(r.n, 0)) DESC,"
                    " COALESCE(r.n, 0) DESC, s.title COLLATE NOCASE, s.id"
                )
            if rated_only:
                where += " AND r.n > 0"
        tail: list[Any] = [PRIOR_WEIGHT, mean, PRIOR_WEIGHT] if sort == "top" else []
        sql = f"SELECT s.id FROM stories s{join} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = await self._rows(
            sql, [*head, *params, *tail, -1 if limit is None else limit, offset]
        )
        return [r[0] for r in rows]

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
        if kind == "author":
            source = (
                "SELECT a.name AS name, COUNT(*) AS uses FROM story_authors x"
                " JOIN authors a ON a.id = x.author_id"
            )
        elif kind == "character":
            source = (
                "SELECT c.name AS name, COUNT(*) AS uses FROM story_characters x"
                " JOIN characters c ON c.id = x.character_id"
            )
        elif kind == "pairing":
            source = (
                "SELECT p.name AS name, COUNT(*) AS uses FROM story_pairings x"
                " JOIN pairings p ON p.id = x.pairing_id"
            )
        else:
            source = (
                "SELECT t.name AS name, COUNT(*) AS uses FROM story_tags x"
                " JOIN tags t ON t.id = x.tag_id AND t.kind = ?"
            )
        params: list[Any] = [] if kind in ("author", "character", "pairing") else [kind]
        needle = nocase(squash(prefix))
        adult = "" if include_adult else f" AND s.rating_level NOT IN ({marks(len(ADULT_LEVELS))})"
        sql = (
            f"SELECT name FROM ({source} JOIN stories s ON s.id = x.story_id"
            f" WHERE s.guild_id = ?{adult} GROUP BY name)"
            " WHERE instr(lower(name), ?) > 0"
            " ORDER BY instr(lower(name), ?) = 1 DESC, uses DESC, name COLLATE NOCASE LIMIT ?"
        )
        params += [guild_id, *(() if include_adult else ADULT_LEVELS), needle, needle, limit]
        async with self._lock:
            return [r[0] for r in await self._rows(sql, params)]

    # ------------------------------------------------------------------ editing

    async def update_story(
        self, guild_id: int, story_id: int, *, actor_id: int | None, **fields: Any
    ) -> StoryRecord:
        """Edit a story's metadata; fields: title, authors, rating_level, summary, pairings
        (canonical "A/B" names), status, characters, fandoms, tags, warnings, total_chapters.
        """
        unknown = sorted(set(fields) - set(EDITABLE))
        if unknown:
            raise LibraryError(
                f"Cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}."
            )
        if not fields:
            raise LibraryError("Nothing to change.")
        columns: dict[str, Any] = {}
        lists: dict[str, list[str]] = {}
        shown: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "title":
                title = squash(str(value or ""))
                if not title:
                    raise LibraryError("A title cannot be empty.")
                if len(title) > MAX_TITLE_CHARS:
                    raise LibraryError(f"A title can be at most {MAX_TITLE_CHARS} characters.")
                columns.update(title=title, title_declared=1)
                shown[name] = title
            elif name == "rating_level":
                level = rating_level_of(value)
                columns.update(rating_level=str(level), rating_inferred=0)
                shown[name] = str(level)
            elif name == "status":
                columns["status"] = shown[name] = str(status_of(value))
            elif name == "summary":
                columns["summary"] = shown[name] = (str(value).strip() or None) if value else None
            elif name == "total_chapters":
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise LibraryError("Total chapters must be a whole number, or empty.")
                columns["total_chapters"] = shown[name] = value
            else:
                names = unique([value] if isinstance(value, str) else list(value or []))
                if name == "pairings":
                    names = [pairing_name(split_pairing(n)) for n in names]
                lists[name] = shown[name] = names
        async with self._transaction() as conn:
            row = await self._row(
                "SELECT title, edited_fields FROM stories WHERE id = ? AND guild_id = ?",
                (story_id, guild_id),
            )
            if row is None:
                raise no_story(story_id)
            now = now_iso()
            columns["updated_at"] = now
            columns["edited_fields"] = json.dumps(
                sorted(set(json.loads(row["edited_fields"])) | set(fields))
            )
            assignments = ", ".join(f"{c} = ?" for c in columns)
            await conn.execute(
                f"UPDATE stories SET {assignments} WHERE id = ?", [*columns.values(), story_id]
            )
            if lists:
                await self._replace_lists(conn, story_id, lists)
            await self._refresh_fts(conn, story_id)
            await self._audit(
                conn,
                guild_id,
                actor_id=actor_id,
                action="edited",
                story_id=story_id,
                title=columns.get("title", row["title"]),
                detail={"fields": shown},
                at=now,
            )
            (record,) = await self._records([story_id])
            return record

    async def _replace_lists(
        self, conn: aiosqlite.Connection, story_id: int, lists: dict[str, list[str]]
    ) -> None:
        """Rewrite the given link lists of one story, keeping the lists not given."""
        (current,) = await self._records([story_id])
        authors = lists.get("authors", current.authors)
        characters = lists.get("characters", current.characters)
        inferred = set(current.inferred_pairings)
        pairings = [
            (name, split_pairing(name), name in inferred and "pairings" not in lists)
            for name in lists.get("pairings", current.pairings)
        ]
        tags = [("fandom", n) for n in lists.get("fandoms", current.fandoms)]
        tags += [("warning", n) for n in lists.get("warnings", current.warnings)]
        tags += [("tag", n) for n in lists.get("tags", current.tags)]
        await self._clear_links(conn, story_id)
        await self._write_links(
            conn, story_id, authors=authors, characters=characters, pairings=pairings, tags=tags
        )

    async def remove_story(self, guild_id: int, story_id: int, *, actor_id: int | None) -> bool:
        """Delete a story with its chapters, links, ratings and positions; False if absent."""
        async with self._transaction() as conn:
            row = await self._row(
                "SELECT title FROM stories WHERE id = ? AND guild_id = ?", (story_id, guild_id)
            )
            if row is None:
                return False
            await conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for table, column in (
                ("authors", "author_id"),
                ("characters", "character_id"),
                ("tags", "tag_id"),
            ):
                link = "story_" + table
                await conn.execute(
                    f"DELETE FROM {table} WHERE NOT EXISTS"
                    f" (SELECT 1 FROM {link} WHERE {link}.{column} = {table}.id)"
                    + (
                        " AND NOT EXISTS (SELECT 1 FROM pairing_characters pc"
                        " WHERE pc.character_id = characters.id)"
                        if table == "characters"
                        else ""
                    )
                )
            await self._audit(
                conn,
                guild_id,
                actor_id=actor_id,
                action="removed",
                story_id=story_id,
                title=row["title"],
                detail={},
            )
        return True

    # ------------------------------------------------------------------ top rated

    async def top_stories(
        self,
        guild_id: int,
        *,
        pairing: str | None = None,
        include_adult: bool = True,
        limit: int = 10,
    ) -> list[tuple[StoryRecord, RatingSummary]]:
        """Rated stories by Bayesian average, best first."""
        where, params = self._filters(guild_id, pairing=pairing, include_adult=include_adult)
        async with self._lock:
            ids = await self._page(
                guild_id,
                where=where,
                params=params,
                sort="top",
                limit=limit,
                offset=0,
                rated_only=True,
            )
            records = await self._records(ids)
            mean = await self._guild_mean(guild_id)
            stats = {
                r[0]: (r[1], r[2])
                for r in await self._rows(
                    f"SELECT story_id, COUNT(*), SUM(stars) FROM reader_ratings"
                    f" WHERE story_id IN ({marks(len(ids))}) GROUP BY story_id",
                    ids,
                )
            }
        out = []
        for record in records:
            n, total = stats.get(record.id, (0, 0))
            out.append(
                (record, RatingSummary(n, total / n if n else None, bayesian(n, total, mean)))
            )
        return out

    # ------------------------------------------------------------------ statistics

    async def stats(self, guild_id: int | None = None) -> dict:
        """Counts for one guild, or the whole database when `guild_id` is None."""
        scope = "" if guild_id is None else " WHERE s.guild_id = ?"
        params: tuple = () if guild_id is None else (guild_id,)

        def linked(link: str, column: str) -> str:
            return (
                f"SELECT COUNT(DISTINCT x.{column}) FROM {link} x"
                f" JOIN stories s ON s.id = x.story_id{scope}"
            )

        async with self._lock:
            row = await self._row(
                "SELECT COUNT(*), COALESCE(SUM(words), 0), COALESCE(SUM(chapter_count), 0),"
                f" COUNT(DISTINCT guild_id) FROM stories s{scope}",
                params,
            )
            out: dict[str, Any] = {
                "guilds": row[3],
                "stories": row[0],
                "chapters": row[2],
                "words": row[1],
                "authors": await self._scalar(linked("story_authors", "author_id"), params),
                "pairings": await self._scalar(linked("story_pairings", "pairing_id"), params),
                "characters": await self._scalar(
                    linked("story_characters", "character_id"), params
                ),
                "tags": await self._scalar(linked("story_tags", "tag_id"), params),
                "ratings": await self._scalar(
                    "SELECT COUNT(*) FROM reader_ratings r JOIN stories s ON s.id = r.story_id"
                    + scope,
                    params,
                ),
            }
            for key, column in (("by_rating", "rating_level"), ("by_status", "status")):
                rows = await self._rows(
                    f"SELECT {column}, COUNT(*) FROM stories s{scope}"
                    f" GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
                    params,
                )
                out[key] = {r[0]: r[1] for r in rows}
        return out
