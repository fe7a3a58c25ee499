"""The trash: stories removed with `/library remove`, kept 30 days, restorable.

A trashed story keeps all its rows; its `stories`, `reader_ratings` and
`reading_positions` rows carry the guild id negated (no guild has a negative id), so every
guild-scoped read — lists, search, facets, stats, recommendations — leaves it out with no
change to those queries. Restoring negates them back. Emptying the trash (explicitly, or
for stories past `KEEP_DAYS`) deletes them for good.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.library.records import StoryRecord
from bot.library.store.audit import write_audit
from bot.library.store.database import Database, now_iso, parse_when
from bot.library.store.edits import write_removal
from bot.library.store.rows import records

KEEP_DAYS = 30
_MOVED = ("stories", "reader_ratings", "reading_positions")


@dataclass(frozen=True, slots=True)
class TrashEntry:
    story: StoryRecord  # as it was (guild_id is the trashed, negated one)
    removed_at: datetime
    removed_by: int | None

    @property
    def expires_at(self) -> datetime:
        return self.removed_at + timedelta(days=KEEP_DAYS)


def _move(db: sqlite3.Connection, story_id: int, to_guild: int) -> None:
    for table in _MOVED:
        column = "id" if table == "stories" else "story_id"
        db.execute(f"UPDATE {table} SET guild_id = ? WHERE {column} = ?", (to_guild, story_id))


def write_trash(
    db: sqlite3.Connection, guild_id: int, story_id: int, actor_id: int | None
) -> StoryRecord | None:
    """Move a story of `guild_id` to its trash; its record, or None if it was not there."""
    found = records(db, [story_id])
    if not found or found[0].guild_id != guild_id:
        return None
    story = found[0]
    now = now_iso()
    _move(db, story_id, -guild_id)
    db.execute(
        "INSERT INTO trash (story_id, guild_id, removed_at, removed_by) VALUES (?, ?, ?, ?)",
        (story_id, guild_id, now, actor_id),
    )
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="trashed",
        story_id=story_id,
        title=story.title,
        detail={"keep_days": KEEP_DAYS},
        at=now,
    )
    return story


def write_restore(
    db: sqlite3.Connection, guild_id: int, story_id: int, actor_id: int | None
) -> StoryRecord | None:
    """Bring a story back from the trash; its record, or None if it is not in the trash."""
    row = db.execute(
        "SELECT 1 FROM trash WHERE story_id = ? AND guild_id = ?", (story_id, guild_id)
    ).fetchone()
    if row is None:
        return None
    _move(db, story_id, guild_id)
    db.execute("DELETE FROM trash WHERE story_id = ?", (story_id,))
    (story,) = records(db, [story_id])
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="restored",
        story_id=story_id,
        title=story.title,
        detail={},
    )
    return story


def write_empty(
    db: sqlite3.Connection,
    guild_id: int,
    actor_id: int | None,
    before: str | None,
) -> list[StoryRecord]:
    """Delete the guild's trashed stories for good (only those removed before `before`
    when given); what was deleted."""
    sql = "SELECT story_id FROM trash WHERE guild_id = ?"
    params: list[object] = [guild_id]
    if before is not None:
        sql += " AND removed_at < ?"
        params.append(before)
    ids = [r[0] for r in db.execute(sql, params)]
    gone: list[StoryRecord] = []
    for story_id in ids:
        removed = write_removal(db, -guild_id, story_id, None)
        db.execute("DELETE FROM trash WHERE story_id = ?", (story_id,))
        if removed is not None:
            gone.append(removed)
    db.execute("DELETE FROM audit_log WHERE guild_id = ?", (-guild_id,))  # removal's own
    if gone:
        write_audit(
            db,
            guild_id,
            actor_id=actor_id,
            action="emptied_trash",
            story_id=None,
            title=None,
            detail={"stories": len(gone), "expired": before is not None},
        )
    return gone


class Trash:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        return await self._db.write(write_trash, guild_id, story_id, actor_id)

    async def restore(
        self, guild_id: int, story_id: int, *, actor_id: int | None
    ) -> StoryRecord | None:
        return await self._db.write(write_restore, guild_id, story_id, actor_id)

    async def empty(self, guild_id: int, *, actor_id: int | None) -> list[StoryRecord]:
        return await self._db.write(write_empty, guild_id, actor_id, None)

    async def expire(self, guild_id: int, *, now: datetime | None = None) -> list[StoryRecord]:
        """Delete for good what has been in the trash longer than KEEP_DAYS."""
        moment = (now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)
        cutoff = moment.isoformat(timespec="microseconds")
        return await self._db.write(write_empty, guild_id, None, cutoff)

    async def entries(self, guild_id: int) -> list[TrashEntry]:
        """The guild's trash, most recently removed first."""

        def read(db: sqlite3.Connection) -> list[TrashEntry]:
            rows = db.execute(
                "SELECT story_id, removed_at, removed_by FROM trash WHERE guild_id = ?"
                " ORDER BY removed_at DESC, story_id DESC",
                (guild_id,),
            ).fetchall()
            found = {r.id: r for r in records(db, [r[0] for r in rows])}
            return [TrashEntry(found[r[0]], parse_when(r[1]), r[2]) for r in rows if r[0] in found]

        return await self._db.read(read)
