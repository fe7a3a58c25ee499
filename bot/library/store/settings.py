"""Per-guild settings (audit logged), cached: they are read on every autocomplete keystroke.

`set` clears this process's cached entry; a change another process makes is seen through
the audit log (`Library` watches it and calls `forget`)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.library.errors import LibraryError
from bot.library.records import DailySchedule, GuildSettings
from bot.library.store.audit import write_audit
from bot.library.store.database import Database

SETTINGS: dict[str, type] = {
    "list_adult_titles": bool,
    "moderator_role_id": int,
    "announce_channel_id": int,
    "daily_pick": dict,  # a DailySchedule as JSON
    "extra_safe": bool,
}


class Settings:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached

        def read(db: sqlite3.Connection) -> list[sqlite3.Row]:
            return db.execute(
                "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
            ).fetchall()

        values = {k: json.loads(v) for k, v in await self._db.read(read) if k in SETTINGS}
        if "daily_pick" in values:
            values["daily_pick"] = DailySchedule.from_json(values["daily_pick"])
        settings = self._cache[guild_id] = GuildSettings(**values)
        return settings

    def forget(self, guild_id: int | None = None) -> None:
        """Drop the cached settings of one guild (every guild when None)."""
        if guild_id is None:
            self._cache.clear()
        else:
            self._cache.pop(guild_id, None)

    async def set(self, guild_id: int, key: str, value: Any, *, actor_id: int | None) -> None:
        """Set a guild setting (None clears it back to the default)."""
        kind = SETTINGS.get(key)
        if kind is None:
            raise LibraryError(f"Unknown setting “{key}”: settings are {', '.join(SETTINGS)}.")
        if value is not None:
            ok = (
                isinstance(value, bool)
                if kind is bool
                else isinstance(value, dict)
                if kind is dict
                else (isinstance(value, int) and not isinstance(value, bool))
            )
            if not ok:
                raise LibraryError(f"Setting “{key}” needs a {kind.__name__} value.")

        def write(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute(
                    "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
                )
            else:
                db.execute(
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                    (guild_id, key, json.dumps(value)),
                )
            write_audit(
                db,
                guild_id,
                actor_id=actor_id,
                action="setting",
                story_id=None,
                title=None,
                detail={"key": key, "value": value},
            )

        try:
            await self._db.write(write)
        finally:
            self.forget(guild_id)
