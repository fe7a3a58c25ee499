"""A clock the tests can move forward: Discord's deadlines (3 s to acknowledge, 15 min for
follow-ups) are measured on it, so a test can expire an interaction without sleeping."""

from __future__ import annotations

import time


class Clock:
    """Monotonic seconds plus an offset that only `advance` changes."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Pretend `seconds` have passed (for every deadline the emulator checks)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
