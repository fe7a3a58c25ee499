"""The audit log: who added, updated, edited or removed which story, and settings changes.

Every change writes its entry in the change's own transaction. The log is also how a
running bot learns what another process (the CLI, a second bot) changed: `changes_since`
hands back every entry after a high-water mark.
"""

from __future__ import annotations

import json
import sqlite3

from bot.library.records import AuditEntry
from bot.library.store.database import Database, now_iso, parse_when
from bot.library.store.rows import to_json

AUDIT_SQL = (
    "INSERT INTO audit_log (guild_id, actor_id, action, story_id, title, detail, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def write_audit(
    db: sqlite3.Connection,
    guild_id: int,
    *,
    actor_id: int | None,
    action: str,
    story_id: int | None,
    title: str | None,
    detail: dict,
    at: str | None = None,
) -> None:
    """Add one entry (inside the caller's write transaction)."""
    db.execute(
        AUDIT_SQL, (guild_id, actor_id, action, story_id, title, to_json(detail), at or now_iso())
    )


def _filters(
    guild_id: int, actor_id: int | None, story_id: int | None
) -> tuple[str, tuple[int, ...]]:
    where = ["guild_id = ?"]
    params = [guild_id]
    if actor_id is not None:
        where.append("actor_id = ?")
        params.append(actor_id)
    if story_id is not None:
        where.append("story_id = ?")
        params.append(story_id)
    return " AND ".join(where), tuple(params)


def _entry(r: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=r["id"],
        guild_id=r["guild_id"],
        actor_id=r["actor_id"],
        action=r["action"],
        story_id=r["story_id"],
        title=r["title"],
        detail=json.loads(r["detail"]),
        at=parse_when(r["at"]),
    )


class Audit:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def entries(
        self,
        guild_id: int,
        limit: int = 20,
        *,
        offset: int = 0,
        actor_id: int | None = None,
        story_id: int | None = None,
    ) -> list[AuditEntry]:
        """The guild's audit entries, newest first, optionally only one moderator's or one
        story's."""
        where, params = _filters(guild_id, actor_id, story_id)

        def read(db: sqlite3.Connection) -> list[AuditEntry]:
            found = db.execute(
                f"SELECT * FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            return [_entry(r) for r in found]

        return await self._db.read(read)

    async def count(
        self, guild_id: int, *, actor_id: int | None = None, story_id: int | None = None
    ) -> int:
        where, params = _filters(guild_id, actor_id, story_id)
        return await self._db.read(
            lambda db: db.execute(
                f"SELECT COUNT(*) FROM audit_log WHERE {where}", params
            ).fetchone()[0]
        )

    async def high_water(self) -> int:
        """The id of the newest entry (0 when the log is empty)."""
        return await self._db.read(
            lambda db: db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
        )

    async def changes_since(self, after: int, limit: int = 10_000) -> list[AuditEntry]:
        """Entries with an id above `after`, oldest first (every guild)."""

        def read(db: sqlite3.Connection) -> list[AuditEntry]:
            found = db.execute(
                "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
            )
            return [_entry(r) for r in found]

        return await self._db.read(read)
