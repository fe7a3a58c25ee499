"""The shared text reader every text layout ends in: label header, byline, title line,
Markdown and YAML front matter, chapters, cleaned edges (`bot.library.parse.text`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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


def _weigh(text: str, patterns: tuple[Sign, ...], present: set[str]) -> float:
    """The weights of the signs whose needle is `present` and whose pattern `text` matches."""

    def shown(needles: str | tuple[str, ...], pattern: re.Pattern[str]) -> bool:
        return any(n in present for n in _as_tuple(needles)) and pattern.search(text) is not None

    return min(sum(w for needles, pattern, w in patterns if shown(needles, pattern)), 1.0)


def signs(text: str, patterns: tuple[Sign, ...]) -> float:
    """The weights of the `(needles, pattern, weight)` signs `text` shows, added, at most 1.
    A match must hold one of the lower-case `needles` (a word or a tuple of words): that
    cheap test runs first (all the needles in one pass over the lower-cased text), the
    pattern only when it passes."""
    finder = _needles(patterns)
    return _weigh(text, patterns, {finder.strings[k] for k, _, _ in finder.places(text.lower())})


# ---- detecting several layouts on one text: the needles found once ----------------

HEAD_MAX = 20_000  # the longest start (and end, `TAIL_MAX`) a layout's signs look at
TAIL_MAX = 6_000


_TABLES: dict[tuple[Sign, ...], None] = {}  # every sign table `signs_at` has been given


@lru_cache(maxsize=16)
def _union(tables: tuple[tuple[Sign, ...], ...]) -> Literals:
    return Literals(n for patterns in tables for n in _needles(patterns).strings)


@dataclass(slots=True)
class _Shared:
    """A text's start and end, lower-cased once, and where each needle of every sign
    table first ends in the start and last starts in the end (one pass over each)."""

    text: str
    head: str  # text[:HEAD_MAX].lower()
    tail: str  # text[-TAIL_MAX:].lower()
    scanned: Literals | None = None
    first_end: dict[str, int] = field(default_factory=dict)  # in `head`
    last_start: dict[str, int] = field(default_factory=dict)  # in `tail`

    def find(self, patterns: tuple[Sign, ...]) -> None:
        _TABLES.setdefault(patterns, None)
        finder = _union(tuple(_TABLES))
        if finder is self.scanned:
            return
        self.scanned = finder
        self.first_end.clear()
        self.last_start.clear()
        strings = finder.strings
        for k, _, end in finder.places(self.head):
            s = strings[k]
            self.first_end[s] = min(end, self.first_end.get(s, end))
        for k, start, _ in finder.places(self.tail):
            s = strings[k]
            self.last_start[s] = max(start, self.last_start.get(s, start))


_DETECTING: ContextVar[_Shared | None] = ContextVar("detecting", default=None)


@contextmanager
def detecting(text: str) -> Iterator[None]:
    """While several layouts detect on `text`: `signs_at` lower-cases its start and end
    and looks for the needles of every layout in one pass, not once per layout."""
    head_low, tail_low = text[:HEAD_MAX].lower(), text[-TAIL_MAX:].lower()
    # a character whose lower case is longer ("İ") would shift positions: plain `signs`
    aligned = len(head_low) == min(len(text), HEAD_MAX) and len(tail_low) == min(
        len(text), TAIL_MAX
    )
    token = _DETECTING.set(_Shared(text, head_low, tail_low) if aligned else None)
    try:
        yield
    finally:
        _DETECTING.reset(token)


def signs_at(text: str, patterns: tuple[Sign, ...], head: int, tail: int = 0) -> float:
    """`signs` of text[:head], with "\\n" + text[-tail:] after it when `tail`: the needles
    found in the start and end `detecting` lower-cased (the same answer: with an end part
    no needle holds a line feed, so none spans the two parts; lower-casing keeps each
    character where it was when it keeps the length, and only "Σ" lower-cases by its
    neighbours, which no ASCII needle holds — else the window is searched as `signs`
    does)."""
    window = text[:head] + "\n" + text[-tail:] if tail else text[:head]
    shared = _DETECTING.get()
    needles = _needles(patterns).strings
    if (
        shared is None
        or shared.text is not text
        or head > HEAD_MAX
        or tail > TAIL_MAX
        or any(not n.isascii() or (tail and "\n" in n) for n in needles)
    ):
        return signs(window, patterns)
    shared.find(patterns)
    # the window's end part starts this far into `shared.tail`
    offset = min(len(text), TAIL_MAX) - min(len(text), tail)
    present = {
        n
        for n in needles
        if shared.first_end.get(n, head + 1) <= head
        or (tail and shared.last_start.get(n, -1) >= offset)
    }
    return _weigh(window, patterns, present)
