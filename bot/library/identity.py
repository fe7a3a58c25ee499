"""Is an upload the same story as one in the library? Judged by the text, not the name.

Two files that share a title and author are the same story only when their text says so:
chapters in common (compared whitespace- and case-insensitively), or — for a revised text
whose chapters all changed a little — most of the word shingles of the shorter one found
in the other. From that, the upload relates to the stored story as:

- SAME: the same chapters (metadata may differ) — update in place;
- EXTENDS: every stored chapter is there and there are more — update in place;
- REVISES: the same story with changed chapters, at least as long — update in place;
- SHORTER: an older or shorter version — replaces the stored one only when a moderator
  says so;
- DIFFERENT: another story that happens to share the name — never overwrites it.

The stored story to compare with is found by name (title + authors) or by text: each
story keeps a small sample of paragraph fingerprints (`text_prints`), indexed in the store,
so a re-upload under a changed title or author spelling is found too (`Match.renamed`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

PRINTS_MAX = 32  # paragraph fingerprints kept per story
PRINTS_PER_CHAPTER = 2  # … taken from the opening of each chapter, fewer when there are many
PRINT_MIN_CHARS = 60  # a paragraph long enough to be the story's own (not "* * *")
SHINGLE_WORDS = 5
SAMPLE_MOD = 4  # keep the shingles whose hash is 0 mod this: a fair, bounded sample
REVISED_CONTAINMENT = 0.5  # share of the shorter text's shingles found in the other
_WORD = re.compile(r"\w+")


class Relation(StrEnum):
    SAME = "same"
    EXTENDS = "extends"
    REVISES = "revises"
    SHORTER = "shorter"
    DIFFERENT = "different"

    @property
    def updates(self) -> bool:
        """An upload that may update the stored story without asking."""
        return self in (Relation.SAME, Relation.EXTENDS, Relation.REVISES)


def chapter_print(text: str) -> str:
    """A chapter's fingerprint: its words, case- and spacing-insensitive."""
    words = " ".join(_WORD.findall(text.casefold()))
    return hashlib.blake2b(words.encode("utf-8"), digest_size=12).hexdigest()


def paragraph_print(paragraph: str) -> int:
    """A paragraph's fingerprint (case- and spacing-insensitive) as a 63-bit integer."""
    key = " ".join(paragraph.split()).casefold().encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


def text_prints(chapter_texts: Sequence[str]) -> list[int]:
    """A bounded sample of a story's paragraph fingerprints: the first long paragraphs of
    each chapter (`PRINTS_PER_CHAPTER`, fewer when there are many chapters; at most
    `PRINTS_MAX`). The same text under another title shares all of them; a longer version
    shares its earlier chapters'; a revised one most. Cheap: only a chapter's opening is
    looked at, whatever its length."""
    if not chapter_texts:
        return []
    per = max(1, min(PRINTS_PER_CHAPTER, PRINTS_MAX // len(chapter_texts)))
    limit = 4 * per + 16  # paragraphs looked at per chapter
    out: list[int] = []
    seen: set[int] = set()
    for text in chapter_texts:
        taken = looked = start = 0
        size = len(text)
        while taken < per and looked < limit and start < size and len(out) < PRINTS_MAX:
            end = text.find("\n\n", start)
            if end < 0:
                end = size
            looked += 1
            if end - start >= PRINT_MIN_CHARS:
                value = paragraph_print(text[start:end])
                if value not in seen:
                    seen.add(value)
                    out.append(value)
                    taken += 1
            start = end + 2
    return out


def shingles(texts: Sequence[str]) -> set[int]:
    """A sample of the hashed 5-word shingles of a text (bounded: about 1 in 4 kept)."""
    words = _WORD.findall(" ".join(texts).casefold())
    out: set[int] = set()
    for i in range(max(len(words) - SHINGLE_WORDS + 1, 0)):
        digest = hashlib.blake2b(
            " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"), digest_size=8
        ).digest()
        value = int.from_bytes(digest, "big")
        if value % SAMPLE_MOD == 0:
            out.add(value)
    if not out and words:  # a very short text: its one shingle stands for it
        out.add(int.from_bytes(hashlib.blake2b(" ".join(words).encode()).digest()[:8], "big"))
    return out


def containment(a: set[int], b: set[int]) -> float:
    """How much of the smaller set is in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def compare(new: Sequence[str], old: Sequence[str]) -> Relation:
    """How an upload's chapter texts (`new`) relate to a stored story's (`old`)."""
    new_prints = [chapter_print(t) for t in new if t.strip()]
    old_prints = [chapter_print(t) for t in old if t.strip()]
    if new_prints == old_prints:
        return Relation.SAME
    new_set, old_set = set(new_prints), set(old_prints)
    if old_set and old_set <= new_set:
        return Relation.EXTENDS
    if new_set and new_set <= old_set:
        return Relation.SHORTER
    shared = bool(new_set & old_set)
    if not shared and containment(shingles(new), shingles(old)) < REVISED_CONTAINMENT:
        return Relation.DIFFERENT
    # the same story, revised: longer or as long updates, shorter needs a moderator
    new_words = sum(len(_WORD.findall(t)) for t in new)
    old_words = sum(len(_WORD.findall(t)) for t in old)
    if len(new_prints) < len(old_prints) or new_words < old_words * 0.9:
        return Relation.SHORTER
    return Relation.REVISES


@dataclass(frozen=True, slots=True)
class Choice:
    """A moderator's answer when the text alone cannot decide: `update` this story id in
    place (even with a shorter text), or add the upload `as_new` story."""

    update: int | None = None
    as_new: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A stored story the upload shares a name or text with, and how it relates;
    `renamed`: found by its text, under another title or author (a moderator is asked)."""

    story_id: int
    title: str
    chapter_count: int
    relation: Relation
    renamed: bool = False
