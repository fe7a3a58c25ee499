"""The shared text reader every text layout ends in: label header, byline, title line,
Markdown and YAML front matter, chapters, cleaned edges (`bot.library.parse.text`)."""

from __future__ import annotations

import re

from bot.library.parse.raw import RawStory
from bot.library.parse.text import parse_text


def read(text: str, source_name: str, layout: str | None = None) -> RawStory:
    """Read `text` with the shared pipeline; `layout` names the source kind when known
    (kept with the pipeline's own suffixes, e.g. "usenet-header")."""
    raw = parse_text(text, source_name)
    if layout:
        raw.layout = re.sub(r"^text(?:-markdown|-front-matter)?", layout, raw.layout)
    return raw


def head(text: str, chars: int = 6000) -> str:
    return text[:chars]


def tail(text: str, chars: int = 2000) -> str:
    return text[-chars:]


def signs(text: str, patterns: tuple[tuple[re.Pattern[str], float], ...]) -> float:
    """The weights of the `(pattern, weight)` signs `text` shows, added, at most 1."""
    return min(sum(weight for pattern, weight in patterns if pattern.search(text)), 1.0)
