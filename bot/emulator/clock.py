"""A clock the tests can move forward: Discord's deadlines (3 s to acknowledge, 15 min for
follow-ups) are measured on it, so a test can expire an interaction without sleeping; and
it is the bot's wall clock (`StoryBot(clock=emu.clock)`, wired by the harness), so moving
it forward moves the bot's "now" too — the daily pick's hour comes without waiting."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Monotonic seconds and UTC wall-clock time, both plus one offset that only
    `advance` (or `advance_to`) changes: time runs as usual between moves."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self._offset

    def utcnow(self) -> datetime:
        """The wall-clock time the bot sees (`bot.clock.WallClock`)."""
        return datetime.now(UTC) + timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        """Pretend `seconds` have passed (for every deadline the emulator checks, and the
        bot's wall clock)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    def advance_to(self, when: datetime) -> None:
        """Move forward to the wall-clock time `when` (timezone-aware)."""
        if when.tzinfo is None:
            raise ValueError("give a timezone-aware time (for example tzinfo=UTC)")
        self.advance((when - self.utcnow()).total_seconds())
