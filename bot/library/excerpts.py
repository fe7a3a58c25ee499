"""Passage selection: a chapter cut into passages of whole paragraphs that fit Discord.

A chapter's text is plain text with paragraphs separated by one blank line. A passage
is a run of whole paragraphs up to `PASSAGE_CHARS` characters; only a paragraph longer
than that on its own is split, at sentence ends (then at spaces). The same cut is used by
excerpts and reading sessions, so a remembered (chapter, passage) position stays valid.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.library.errors import LibraryError

# Embed descriptions hold 4096 characters; a passage of ~1,900 reads well in chat and
# leaves room for the mention neutraliser's zero-width spaces and a heading.
PASSAGE_CHARS = 1900

_BLANK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of a chapter text."""
    return [p.strip() for p in _BLANK.split(text or "") if p.strip()]


def _split_long(paragraph: str, limit: int) -> list[str]:
    """Cut one over-long paragraph into pieces <= limit: sentence ends, then spaces."""
    pieces: list[str] = []
    current = ""
    units: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        units.append(paragraph[start : m.end()].rstrip())
        start = m.end()
    units.append(paragraph[start:].strip())
    for unit in filter(None, units):
        words = [unit] if len(unit) <= limit else unit.split()
        for token in words:
            word = token
            while len(word) > limit:  # a single "word" longer than the limit
                if current:
                    pieces.append(current)
                    current = ""
                pieces.append(word[:limit])
                word = word[limit:]
            candidate = f"{current} {word}" if current else word
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = word
    if current:
        pieces.append(current)
    return pieces


def split_passages(text: str, limit: int = PASSAGE_CHARS) -> list[str]:
    """Group whole paragraphs into passages of at most `limit` characters."""
    if limit < 20:
        raise ValueError("passage limit too small")
    passages: list[str] = []
    current: list[str] = []
    size = 0
    for para in paragraphs(text):
        parts = [para] if len(para) <= limit else _split_long(para, limit)
        for part in parts:
            extra = len(part) + (2 if current else 0)
            if current and size + extra > limit:
                passages.append("\n\n".join(current))
                current, size = [], 0
                extra = len(part)
            current.append(part)
            size += extra
    if current:
        passages.append("\n\n".join(current))
    return passages


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage of a story, with where it sits."""

    story_id: int
    chapter: int  # 1-based chapter index
    chapter_count: int  # chapters present
    number: int  # 1-based passage within the chapter
    count: int  # passages in this chapter
    text: str
    chapter_heading: str | None = None

    @property
    def is_last(self) -> bool:
        return self.chapter >= self.chapter_count and self.number >= self.count

    @property
    def is_first(self) -> bool:
        return self.chapter <= 1 and self.number <= 1

    @property
    def position(self) -> tuple[int, int]:
        return (self.chapter, self.number)


OPENING = "opening"
RANDOM = "random"
LAST = "last"

_WHERE_WORDS = {
    "opening": OPENING,
    "open": OPENING,
    "start": OPENING,
    "beginning": OPENING,
    "first": OPENING,
    "random": RANDOM,
    "any": RANDOM,
    "last": LAST,
    "end": LAST,
}
_PASSAGE_NUMBER = re.compile(r"^(?:passage|p|#)?\s*(\d{1,6})$")


def parse_where(where: str | int | None) -> str | int:
    """`opening`, `random`, `last` or a passage number (int >= 1), from what a member typed."""
    if where is None:
        return OPENING
    if isinstance(where, int):
        if where < 1:
            raise LibraryError("Passage numbers start at 1.")
        return where
    text = where.strip().lower()
    if not text:
        return OPENING
    if text in _WHERE_WORDS:
        return _WHERE_WORDS[text]
    m = _PASSAGE_NUMBER.match(text)
    if m:
        return parse_where(int(m.group(1)))
    raise LibraryError(
        f"“{where[:50]}” is not a place in a story: use opening, random or a passage number."
    )


def pick_passage(count: int, where: str | int, rng: random.Random | None = None) -> int:
    """The 1-based passage number `where` names in a chapter of `count` passages."""
    if count < 1:
        raise LibraryError("That chapter has no text.")
    if where == OPENING:
        return 1
    if where == LAST:
        return count
    if where == RANDOM:
        return (rng or random).randint(1, count)
    if isinstance(where, int):
        if where > count:
            noun = "passage" if count == 1 else "passages"
            raise LibraryError(f"That chapter has {count} {noun}; pick a number from 1 to {count}.")
        return where
    raise LibraryError(f"Unknown place in a story: {where!r}.")


def pick_random_chapter(words: list[int], rng: random.Random | None = None) -> int:
    """A 1-based chapter index chosen with probability proportional to its length."""
    if not words:
        raise LibraryError("That story has no chapters.")
    weights = [max(w, 1) for w in words]
    return (rng or random).choices(range(1, len(words) + 1), weights=weights)[0]
