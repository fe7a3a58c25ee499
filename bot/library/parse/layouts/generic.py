"""The shared text reader every text layout ends in: label header, byline, title line,
Markdown and YAML front matter, chapters, cleaned edges (`bot.library.parse.text`)."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.library.literals import Literals
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


Sign = tuple[str | tuple[str, ...], re.Pattern[str], float]


@lru_cache(maxsize=64)
def _needles(patterns: tuple[Sign, ...]) -> Literals:
    """Every needle of a layout's signs, found together in one pass."""
    return Literals(n for needles, _, _ in patterns for n in _as_tuple(needles))


def _as_tuple(needles: str | tuple[str, ...]) -> tuple[str, ...]:
    return (needles,) if isinstance(needles, str) else needles


def signs(text: str, patterns: tuple[Sign, ...]) -> float:
    """The weights of the `(needles, pattern, weight)` signs `text` shows, added, at most 1.
    A match must hold one of the lower-case `needles` (a word or a tuple of words): that
    cheap test runs first (all the needles in one pass over the lower-cased text), the
    pattern only when it passes."""
    finder = _needles(patterns)
    present = {finder.strings[k] for k, _, _ in finder.places(text.lower())}

    def shown(needles: str | tuple[str, ...], pattern: re.Pattern[str]) -> bool:
        return any(n in present for n in _as_tuple(needles)) and pattern.search(text) is not None

    return min(sum(w for needles, pattern, w in patterns if shown(needles, pattern)), 1.0)
