"""Where the bot gets "now": an injectable clock, so tests control time.

The bot asks `bot.clock.utcnow()` for the wall-clock time wherever time decides what
happens (the daily pick's schedule). In production it is the system clock; the loopback
Discord's `Clock` (bot/emulator/clock.py) has the same method and can be moved forward.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class WallClock(Protocol):
    def utcnow(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def utcnow(self) -> datetime:
        return datetime.now(UTC)
