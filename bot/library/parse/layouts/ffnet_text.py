"""A FanFiction.net story saved or copied as text: title, "By: author", summary, and the
info line ("Rated: Fiction T - English - Romance - [A, B] - Chapters: 3 - … - id: N"),
read by the one info-line reader (`ffnet_info`) through the shared label vocabulary."""

from __future__ import annotations

from bot.library.parse.ffnet_info import read_info_line
from bot.library.parse.layouts.generic import read
from bot.library.parse.raw import RawStory

LAYOUT = "ffnet-text"
_LINES = 60


def detect(text: str, source_name: str) -> float:
    for line in text[:8000].split("\n")[:_LINES]:
        if "rated" in line.lower() and read_info_line(line) is not None:
            return 0.7
    return 0.0


def extract(text: str, source_name: str) -> RawStory:
    return read(text, source_name, LAYOUT)
