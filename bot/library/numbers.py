"""Numbers that arrive as text — a story id in an option or a button, a page typed in a box.

Members can type anything: `²`, `①` and Arabic-Indic digits pass `str.isdigit()` but
`int()` refuses some of them; a 20-digit number parses but SQLite cannot bind it
(OverflowError). `parse_number` is the one parser: plain ASCII digits only, within
SQLite's integer range (or the caller's bounds), else None — never an exception.
"""

from __future__ import annotations

import re

SQLITE_INT_MAX = 2**63 - 1
_ASCII_NUMBER = re.compile(r"\s*\+?([0-9]+)\s*")


def parse_number(text: str | None, *, low: int = 0, high: int = SQLITE_INT_MAX) -> int | None:
    """`text` as a whole number within [low, high], or None (not a plain number, or out of
    range). Surrounding spaces and a leading `+` are allowed; `1,000` or `1e3` are not."""
    if text is None:
        return None
    match = _ASCII_NUMBER.fullmatch(text)
    if match is None:
        return None
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None  # cheap refusal of huge numbers before int() does the work
    value = int(digits)
    return value if low <= value <= high else None


def parse_story_id(text: str | None) -> int | None:
    """A story id (1 … SQLite's largest integer) from text, or None."""
    return parse_number(text, low=1)


def valid_story_id(story_id: int) -> bool:
    """Whether a number can be a story id (ids beyond SQLite's range name no story)."""
    return 1 <= story_id <= SQLITE_INT_MAX
