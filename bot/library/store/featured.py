"""Featured stories: the daily pick's record, one row per guild and UTC day (migration 010).

`claim` chooses the day's story and records it in ONE write transaction (`BEGIN
IMMEDIATE` on the writer; across processes SQLite's write lock, and the table's primary
key, make it once per guild and day): whoever claims a day posts it, nobody else does.
A claim is never retried, so a process that dies between claiming and posting leaves
that day without a post — at most once, never twice. `finish` records what happened
(posted, or failed and why) with an entry in the library log.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.library.daily_pick import Candidate, choose, recent_window
from bot.library.records import DailySchedule, StoryRecord
from bot.library.store.audit import write_audit
from bot.library.store.database import Database, marks, parse_when
from bot.library.store.listings import ADULT_LEVELS
from bot.library.store.readers import guild_mean
from bot.library.store.rows import records

NOTHING_TO_FEATURE = (
    "no story is rated well enough that was not featured in the last 30 days"
    " (or may be shown in that channel)"
)


@dataclass(frozen=True, slots=True)
class DuePick:
    """A guild whose pick for `day` is due and not yet claimed."""

    guild_id: int
    day: date
    schedule: DailySchedule


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a day: `claimed` False when it was already claimed
    (by this or another process); `story` None when nothing qualified."""

    claimed: bool
    story: StoryRecord | None = None


@dataclass(frozen=True, slots=True)
class FeaturedPick:
    guild_id: int
    day: date
    story_id: int | None
    channel_id: int
    status: str  # claimed | posted | failed | none
    message_id: int | None
    detail: str | None
    at: datetime


def _pick(r: sqlite3.Row) -> FeaturedPick:
    return FeaturedPick(
        guild_id=r["guild_id"],
        day=date.fromisoformat(r["day"]),
        story_id=r["story_id"],
        channel_id=r["channel_id"],
        status=r["status"],
        message_id=r["message_id"],
        detail=r["detail"],
        at=parse_when(r["at"]),
    )


def candidates(
    db: sqlite3.Connection, guild_id: int, day: date, *, include_adult: bool
) -> list[Candidate]:
    """The guild's rated stories (not in the trash: those carry a negated guild id) that
    were not featured in the window before `day`, adult ones only with `include_adult`."""
    adult = "" if include_adult else f" AND s.rating_level NOT IN ({marks(len(ADULT_LEVELS))})"
    found = db.execute(
        "SELECT s.id, s.rating_count, s.rating_sum FROM stories s"
        f" WHERE s.guild_id = ? AND s.rating_count > 0{adult}"
        " AND s.id NOT IN (SELECT f.story_id FROM featured f WHERE f.guild_id = ?"
        "   AND f.day >= ? AND f.status IN ('claimed', 'posted') AND f.story_id IS NOT NULL)",
        (
            guild_id,
            *(() if include_adult else ADULT_LEVELS),
            guild_id,
            recent_window(day).isoformat(),
        ),
    )
    return [Candidate(r[0], r[1], r[2]) for r in found]


def write_claim(
    db: sqlite3.Connection,
    guild_id: int,
    day: date,
    channel_id: int,
    *,
    include_adult: bool,
    at: datetime,
) -> Claim:
    taken = db.execute(
        "SELECT 1 FROM featured WHERE guild_id = ? AND day = ?", (guild_id, day.isoformat())
    ).fetchone()
    if taken is not None:
        return Claim(claimed=False)
    pool = candidates(db, guild_id, day, include_adult=include_adult)
    chosen = choose(pool, guild_mean(db, guild_id), seed=f"{guild_id}:{day.isoformat()}")
    story = records(db, [chosen])[0] if chosen is not None else None
    if story is not None and story.is_adult and not include_adult:  # never, but fail safe
        story = None
    when = at.isoformat(timespec="microseconds")
    db.execute(
        "INSERT INTO featured (guild_id, day, story_id, channel_id, status, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            day.isoformat(),
            story.id if story else None,
            channel_id,
            "claimed" if story else "none",
            when,
        ),
    )
    if story is None:
        write_audit(
            db,
            guild_id,
            actor_id=None,
            action="daily_pick",
            story_id=None,
            title=None,
            detail={"status": "none", "channel_id": channel_id, "reason": NOTHING_TO_FEATURE},
            at=when,
        )
    return Claim(claimed=True, story=story)


class Featured:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, now: datetime) -> list[DuePick]:
        """Every guild whose daily pick is due at `now` and not yet claimed."""

        def read(db: sqlite3.Connection) -> list[DuePick]:
            due: list[DuePick] = []
            rows = db.execute("SELECT guild_id, value FROM guild_settings WHERE key = 'daily_pick'")
            for guild_id, value in rows.fetchall():
                schedule = DailySchedule.from_json(json.loads(value))
                day = schedule.due_day(now) if schedule is not None else None
                if schedule is None or day is None:
                    continue
                taken = db.execute(
                    "SELECT 1 FROM featured WHERE guild_id = ? AND day = ?",
                    (guild_id, day.isoformat()),
                ).fetchone()
                if taken is None:
                    due.append(DuePick(guild_id, day, schedule))
            return due

        return await self._db.read(read)

    async def claim(
        self, guild_id: int, day: date, channel_id: int, *, include_adult: bool, at: datetime
    ) -> Claim:
        return await self._db.write(
            lambda db: write_claim(
                db, guild_id, day, channel_id, include_adult=include_adult, at=at
            )
        )

    async def finish(
        self,
        guild_id: int,
        day: date,
        *,
        message_id: int | None,
        reason: str | None,
        at: datetime,
    ) -> None:
        """Record a claimed pick as posted (`message_id`) or failed (`reason`)."""
        status = "posted" if reason is None else "failed"

        def write(db: sqlite3.Connection) -> None:
            found = db.execute(
                "SELECT story_id, channel_id FROM featured WHERE guild_id = ? AND day = ?",
                (guild_id, day.isoformat()),
            ).fetchone()
            if found is None:
                return
            db.execute(
                "UPDATE featured SET status = ?, message_id = ?, detail = ?"
                " WHERE guild_id = ? AND day = ?",
                (status, message_id, reason, guild_id, day.isoformat()),
            )
            story = records(db, [found[0]]) if found[0] is not None else []
            detail: dict = {"status": status, "channel_id": found[1]}
            if reason is not None:
                detail["reason"] = reason
            write_audit(
                db,
                guild_id,
                actor_id=None,
                action="daily_pick",
                story_id=found[0],
                title=story[0].title if story else None,
                detail=detail,
                at=at.isoformat(timespec="microseconds"),
            )

        await self._db.write(write)

    async def history(self, guild_id: int, limit: int = 60) -> list[FeaturedPick]:
        """The guild's picks, newest day first."""
        return await self._db.read(
            lambda db: [
                _pick(r)
                for r in db.execute(
                    "SELECT * FROM featured WHERE guild_id = ? ORDER BY day DESC LIMIT ?",
                    (guild_id, limit),
                )
            ]
        )
