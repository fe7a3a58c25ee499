"""What every part of the store shares: the connection, transactions, row helpers, story
records, link and full-text writes, and the audit log."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

from bot.library.errors import LibraryError
from bot.library.model import RatingLevel, Status
from bot.library.records import GuildSettings, StoryRecord
from bot.library.store_sql import AUDIT_SQL, FTS_SQL, to_json, write_links

log = logging.getLogger(__name__)

ID_CHUNK = 500  # story ids per IN (...) query
DEFAULT_MEAN = 3.0  # m in the Bayesian average when a guild has no ratings yet
PRIOR_WEIGHT = 3.0  # C in the Bayesian average


def now_iso() -> str:
    """Timestamps are ISO 8601 text in UTC with microseconds (they sort as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def marks(n: int) -> str:
    """`n` SQL parameter marks: "?,?,?"."""
    return ",".join("?" * n)


def no_story(story_id: int) -> LibraryError:
    return LibraryError(f"There is no story #{story_id} in this server's library.")


def bayesian(n: int, total: int, mean: float) -> float:
    """(C·m + Σstars) / (C + n): see `store_readers`."""
    return (PRIOR_WEIGHT * mean + total) / (PRIOR_WEIGHT + n)


async def run_on_connection_thread(
    conn: aiosqlite.Connection, fn: Callable[..., Any], *args: Any
) -> Any:
    """Run ``fn(sqlite3_connection, *args)`` on aiosqlite's worker thread, in one round trip
    (a whole transaction of many statements costs one hand-off instead of one per statement).

    aiosqlite 0.22 has no public call for this: `Connection._execute(fn)` (queue a function
    for its worker thread) and `Connection._conn` (the sqlite3 connection) are private. This
    is the only place the store touches them; the version is pinned in pyproject.toml and
    `test_run_on_connection_thread_uses_aiosqlite_internals` fails loudly if they change."""
    execute = getattr(conn, "_execute", None)
    if execute is None or not isinstance(getattr(type(conn), "_conn", None), property):
        raise RuntimeError(
            f"aiosqlite {aiosqlite.__version__} no longer has Connection._execute/_conn: "
            "update bot.library.store_base.run_on_connection_thread"
        )
    return await execute(lambda: fn(conn._conn, *args))


class StoreBase:
    """The connection and the helpers the store's parts share (not used on its own)."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        # Guild settings are read on every autocomplete keystroke; set_setting clears an entry.
        self._settings: dict[int, GuildSettings] = {}

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Take the lock, then BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error)."""
        async with self._lock, self._begin() as conn:
            yield conn

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (including cancellation);
        the caller holds the lock."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
        await self._conn.execute("COMMIT")

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def _row(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self._row(sql, params)
        return None if row is None else row[0]

    async def _run_sync(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(sqlite3_connection, *args)`` on the connection's thread (one round trip)."""
        return await run_on_connection_thread(self._conn, fn, *args)

    async def _clear_links(self, conn: aiosqlite.Connection, story_id: int) -> None:
        for table in ("story_authors", "story_characters", "story_pairings", "story_tags"):
            await conn.execute(f"DELETE FROM {table} WHERE story_id = ?", (story_id,))

    async def _write_links(
        self,
        conn: aiosqlite.Connection,
        story_id: int,
        *,
        authors: list[str],
        characters: list[str],
        pairings: list[tuple[str, list[str], bool]],
        tags: list[tuple[str, str]],
    ) -> None:
        await self._run_sync(
            partial(
                write_links,
                story_id=story_id,
                authors=authors,
                characters=characters,
                pairings=pairings,
                tags=tags,
            )
        )

    async def _write_fts(
        self,
        conn: aiosqlite.Connection,
        story_id: int,
        *,
        title: str,
        authors: list[str],
        summary: str | None,
        tags: str,
        replace: bool,
    ) -> None:
        if replace:
            await conn.execute("DELETE FROM stories_fts WHERE rowid = ?", (story_id,))
        await conn.execute(FTS_SQL, (story_id, title, ", ".join(authors), summary or "", tags))

    async def _refresh_fts(self, conn: aiosqlite.Connection, story_id: int) -> str:
        """Rewrite a story's FTS row from what is stored; returns its title."""
        (record,) = await self._records([story_id])
        tags = " ; ".join(
            record.fandoms + record.warnings + record.tags + record.pairings + record.characters
        )
        await self._write_fts(
            conn,
            story_id,
            title=record.title,
            authors=record.authors,
            summary=record.summary,
            tags=tags,
            replace=True,
        )
        return record.title

    async def _audit(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        *,
        actor_id: int | None,
        action: str,
        story_id: int | None,
        title: str | None,
        detail: dict,
        at: str | None = None,
    ) -> None:
        await conn.execute(
            AUDIT_SQL,
            (guild_id, actor_id, action, story_id, title, to_json(detail), at or now_iso()),
        )

    async def _records(self, ids: Sequence[int]) -> list[StoryRecord]:
        """Full records for `ids`, in the order given (unknown ids are skipped)."""
        if not ids:
            return []
        rows: dict[int, sqlite3.Row] = {}
        links: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for start in range(0, len(ids), ID_CHUNK):
            chunk = list(ids[start : start + ID_CHUNK])
            params = marks(len(chunk))
            for row in await self._rows(f"SELECT * FROM stories WHERE id IN ({params})", chunk):
                rows[row["id"]] = row
            sql = (
                "SELECT sa.story_id, 'author' AS kind, a.name, sa.position, 0 AS inferred"
                " FROM story_authors sa JOIN authors a ON a.id = sa.author_id"
                f" WHERE sa.story_id IN ({params})"
                " UNION ALL SELECT sc.story_id, 'character', c.name, sc.position, 0"
                " FROM story_characters sc JOIN characters c ON c.id = sc.character_id"
                f" WHERE sc.story_id IN ({params})"
                " UNION ALL SELECT sp.story_id, 'pairing', p.name, sp.position, sp.inferred"
                " FROM story_pairings sp JOIN pairings p ON p.id = sp.pairing_id"
                f" WHERE sp.story_id IN ({params})"
                " UNION ALL SELECT st.story_id, t.kind, t.name, st.position, 0"
                " FROM story_tags st JOIN tags t ON t.id = st.tag_id"
                f" WHERE st.story_id IN ({params})"
                " ORDER BY 1, 2, 4"
            )
            for story_id, kind, name, _, inferred in await self._rows(sql, chunk * 4):
                links[story_id][kind].append(name)
                if kind == "pairing" and inferred:
                    links[story_id]["inferred_pairing"].append(name)
        out = []
        for story_id in ids:
            row = rows.get(story_id)
            if row is None:
                continue
            got = links[story_id]
            out.append(
                StoryRecord(
                    id=row["id"],
                    guild_id=row["guild_id"],
                    title=row["title"],
                    title_declared=bool(row["title_declared"]),
                    authors=list(got["author"]),
                    rating_level=RatingLevel(row["rating_level"]),
                    rating_declared=row["rating_declared"],
                    rating_inferred=bool(row["rating_inferred"]),
                    pairings=list(got["pairing"]),
                    characters=list(got["character"]),
                    fandoms=list(got["fandom"]),
                    tags=list(got["tag"]),
                    warnings=list(got["warning"]),
                    summary=row["summary"],
                    notes=json.loads(row["notes"]),
                    disclaimer=row["disclaimer"],
                    status=Status(row["status"]),
                    words=row["words"],
                    chapter_count=row["chapter_count"],
                    total_chapters=row["total_chapters"],
                    source_name=row["source_name"],
                    created_at=parse_when(row["created_at"]),
                    updated_at=parse_when(row["updated_at"]),
                    inferred_pairings=list(got["inferred_pairing"]),
                    epigraph=row["epigraph"],
                    spoilers=row["spoilers"],
                    language=row["language"],
                    layout=row["layout"],
                    encoding=row["encoding"],
                    added_by=row["added_by"],
                )
            )
        return out

    async def _require_story(self, guild_id: int, story_id: int) -> sqlite3.Row:
        row = await self._row(
            "SELECT id, title, chapter_count FROM stories WHERE id = ? AND guild_id = ?",
            (story_id, guild_id),
        )
        if row is None:
            raise no_story(story_id)
        return row

    async def _guild_mean(self, guild_id: int) -> float:
        mean = await self._scalar(
            "SELECT AVG(stars) FROM reader_ratings WHERE guild_id = ?", (guild_id,)
        )
        return DEFAULT_MEAN if mean is None else float(mean)
