"""A WordPress (or similar blog) post copied as text: "Posted on <date> by <name>",
"Share this:", "Like this:", "Leave a Reply", "N thoughts on …", "Filed under". The chrome
lines and the comment tail are data; the poster is the author when the fic names none."""

from __future__ import annotations

import re

from bot.library.parse.layouts.generic import read, signs_at
from bot.library.parse.raw import RawStory

LAYOUT = "wordpress-text"
_SIGNS = (
    ("share this", re.compile(r"^\s*share this:?\s*$", re.I | re.M), 0.3),
    ("like this", re.compile(r"^\s*like this:?\s*$", re.I | re.M), 0.2),
    ("leave a reply", re.compile(r"^\s*leave a reply", re.I | re.M), 0.3),
    (
        ("posted on", "posted at"),
        re.compile(r"^\s*posted (?:on|at) [^\n]{1,60}? by\b", re.I | re.M),
        0.3,
    ),
    (
        ("filed under", "posted under"),
        re.compile(r"^\s*(?:filed|posted) under:?\s", re.I | re.M),
        0.2,
    ),
    (
        ("thoughts", "responses", "comments"),
        re.compile(r"^\s*\d+ (?:thoughts|responses|comments) (?:on|to)\s", re.I | re.M),
        0.2,
    ),
    ("wordpress", re.compile(r"\bwordpress\b", re.I), 0.2),
)


def detect(text: str, source_name: str) -> float:
    return signs_at(text, _SIGNS, 8000, 6000)


def extract(text: str, source_name: str) -> RawStory:
    return read(text, source_name, LAYOUT)
