"""A LiveJournal / Dreamwidth entry copied as text: "Current Mood:", "Current Music:",
"Entry tags:", "(Leave a comment)", "Link | Reply" and the journal's name around a post
that holds a fic header. The chrome lines are data; the fic goes to the shared reader."""

from __future__ import annotations

import re

from bot.library.parse.layouts.generic import read, signs_at
from bot.library.parse.raw import RawStory

LAYOUT = "livejournal-text"
_SIGNS = (
    ("current ", re.compile(r"^\s*current (?:mood|music|location)\s*:", re.I | re.M), 0.4),
    ("entry tags", re.compile(r"^\s*entry tags\s*:", re.I | re.M), 0.3),
    (("livejournal", "dreamwidth"), re.compile(r"\b(?:livejournal|dreamwidth)\b", re.I), 0.3),
    ("comment", re.compile(r"^\s*\(?(?:leave a comment|\d+ comments?)\)?\s*$", re.I | re.M), 0.15),
    ("link", re.compile(r"^\s*link\s*\|\s*(?:reply|leave a comment)", re.I | re.M), 0.2),
)


def detect(text: str, source_name: str) -> float:
    return signs_at(text, _SIGNS, 8000, 4000)


def extract(text: str, source_name: str) -> RawStory:
    return read(text, source_name, LAYOUT)
