"""Turn a `ParsedStory` into the rows the store writes, before any database work.

Everything here is pure Python: the content hash that dedupes re-imports, the identity key
that recognises a longer version of a story already in the library, and de-duplicated,
ordered metadata lists. Preparing first keeps the write transaction short.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from bot.library.errors import LibraryError
from bot.library.identity import text_prints
from bot.library.model import ParsedStory, RatingLevel, Status

# In a squashed text: a space, then a token of only punctuation, symbols or underscores.
_NO_WORD_SQUASHED = re.compile(r" (?:[^\w ]|_)+(?= |$)")
# The same tokens in a squashed text without "_" (one alternative less to try at each
# space: half the cost)
_PUNCT_TOKEN = re.compile(r" [^\w ]+(?![^ ])")
_ALNUM_BYTES = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORD_MARK = bytes(0x61 if b in _ALNUM_BYTES else b for b in range(256))
_NOT_WORD = bytes(b for b in range(256) if b not in _ALNUM_BYTES and b != 0x20)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase(text: str) -> str:
    """The key SQLite's NOCASE collation compares by (it folds ASCII letters only)."""
    return text.translate(_ASCII_LOWER)


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space and trim."""
    return " ".join(text.split())


# the whitespace `str.split` splits at (all of it below U+3001; a test checks), other
# than the space and the line feed; the ASCII ones apart (an ASCII text is checked for
# each with `in`, far cheaper than a regex scan)
SPLIT_SPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_OTHER_SPACE = re.compile(f"[{re.escape(SPLIT_SPACE.replace(' ', '').replace(chr(10), ''))}]")
_OTHER_ASCII_SPACE = tuple(ch for ch in SPLIT_SPACE if ch.isascii() and ch not in " \n")


def _other_space(text: str) -> bool:
    if text.isascii():
        return any(ch in text for ch in _OTHER_ASCII_SPACE)
    return _OTHER_SPACE.search(text) is not None


def squash_text(text: str) -> str:
    """`squash` of a long text, cheaper for the usual chapter: paragraphs apart by blank
    lines, words by single spaces. Line feeds become spaces by `str.replace`; when that
    leaves single spaces only, between words (no other whitespace, no space at an end),
    the result is what `squash` gives (same tokens, same separators); else `squash`."""
    flat = text.replace("\n\n", " ").replace("\n", " ") if "\n" in text else text
    if flat and flat[0] != " " and flat[-1] != " " and "  " not in flat and not _other_space(flat):
        return flat
    return squash(text)


def unique(names: list[str] | tuple[str, ...]) -> list[str]:
    """Trimmed, non-empty names in their first order, without NOCASE duplicates."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = squash(str(raw))
        key = nocase(name)
        if name and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def pairing_name(characters: list[str]) -> str:
    """Canonical pairing name: the canonical character names, sorted, joined by '/'."""
    return "/".join(sorted(characters, key=lambda c: (c.casefold(), c)))


def split_pairing(name: str) -> list[str]:
    """'Buffy Summers/Spike' → ['Buffy Summers', 'Spike'] (raises LibraryError if not a ship)."""
    parts = unique([p for p in name.split("/")])
    if len(parts) < 2:
        raise LibraryError(
            f"“{name}” is not a pairing: name two or more characters separated by '/', "
            "e.g. “Buffy Summers/Spike”."
        )
    return parts


def identity_key(title: str | None, authors: list[str]) -> str | None:
    """A story's identity across versions: its declared title and authors (both needed)."""
    if not title or not title.strip() or not authors:
        return None
    names = sorted(squash(a).casefold() for a in authors)
    return "\x1f".join([squash(title).casefold(), *names])


def count_squashed(text: str) -> int:
    """`model.count_words` of a text already squashed (`squash`: single spaces, trimmed),
    which preparing makes of each chapter anyway for the content hash: the tokens, less the
    punctuation-only ones, found by one regex pass that only stops at spaces (a simpler
    one when the text has no underscore, a word character the count treats as
    punctuation); an ASCII text's words are counted with `bytes.translate` instead. A
    test holds the count to `model.count_words`."""
    if not text:
        return 0
    if text.isascii():  # letters and digits -> "a", other non-spaces deleted: " a" per word
        return (" " + text).encode("ascii").translate(_WORD_MARK, _NOT_WORD).count(b" a")
    pattern = _NO_WORD_SQUASHED if "_" in text else _PUNCT_TOKEN
    return text.count(" ") + 1 - len(pattern.findall(" " + text))


SERIES_NAME_MAX = 200
SERIES_PART_MAX = 10_000


def series_name(name: str | None) -> str | None:
    """A declared series name, whitespace squashed (None when empty or absurdly long)."""
    text = squash(name or "")
    return text if text and len(text) <= SERIES_NAME_MAX else None


def series_part(part: int | None) -> int | None:
    """A declared part number, when it is one a series can have (1 up to 10,000)."""
    return part if isinstance(part, int) and 1 <= part <= SERIES_PART_MAX else None


class ContentHasher:
    """sha256 over the normalised title, authors and body (whitespace-insensitive)."""

    def __init__(self, title: str, authors: list[str]) -> None:
        self._h = hashlib.sha256()
        self._h.update(squash(title).casefold().encode("utf-8"))
        self._h.update(b"\x1f")
        self._h.update("\x1e".join(sorted(squash(a).casefold() for a in authors)).encode("utf-8"))
        self._h.update(b"\x1f")
        self._first = True

    def add(self, squashed: str) -> None:
        """Add a chapter's text, already `squash`ed."""
        if not squashed:
            return
        if not self._first:
            self._h.update(b" ")
        self._h.update(squashed.encode("utf-8"))
        self._first = False

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def content_hash(title: str, authors: list[str], chapter_texts: list[str]) -> str:
    hasher = ContentHasher(title, authors)
    for text in chapter_texts:
        hasher.add(squash(text))
    return hasher.hexdigest()


@dataclass(slots=True)
class PreparedPairing:
    name: str
    characters: list[str]
    inferred: bool


@dataclass(slots=True)
class PreparedStory:
    """Column values and link lists for one story, ready to write."""

    title: str
    title_declared: bool
    authors: list[str]
    rating_level: str
    rating_declared: str | None
    rating_inferred: bool
    status: str
    words: int
    total_chapters: int | None
    summary: str | None
    notes_json: str
    disclaimer: str | None
    epigraph: str | None
    spoilers: str | None
    language: str | None
    source_name: str | None
    layout: str | None
    encoding: str | None
    series: str | None
    series_part: int | None
    content_hash: str
    identity_key: str | None
    chapters: list[tuple[int, int | None, str | None, str | None, int, str]]
    characters: list[str]
    pairings: list[PreparedPairing]
    tags: list[tuple[str, str]]  # (kind, name): kind is tag | fandom | warning
    prints: list[int]  # paragraph fingerprints (bot.library.identity.text_prints)

    @property
    def chapter_count(self) -> int:
        return len(self.chapters)

    def fts_tags(self) -> str:
        names = [name for _, name in self.tags]
        names += [p.name for p in self.pairings]
        names += self.characters
        return " ; ".join(names)


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def prepare_story(story: ParsedStory, source_name: str | None = None) -> PreparedStory:
    """Validate and flatten a parsed story; raises LibraryError for what cannot be stored."""
    if not story.chapters:
        raise LibraryError(f"“{story.display_title}” has no chapters to store.")
    try:
        rating_level = RatingLevel(story.rating.level)
        status = Status(story.status)
    except ValueError as err:
        raise LibraryError(f"“{story.display_title}”: {err}") from None
    authors = unique(story.authors)
    title = squash(story.display_title) or "Untitled"
    hasher = ContentHasher(title, authors)
    chapters = []
    words = 0
    for position, chapter in enumerate(story.chapters, start=1):
        squashed = squash_text(chapter.text) if isinstance(chapter.text, str) else ""
        hasher.add(squashed)
        count = count_squashed(squashed)
        words += count
        chapters.append(
            (
                position,
                chapter.number,
                _optional_text(chapter.label),
                _optional_text(chapter.title),
                count,
                chapter.text,
            )
        )
    characters = unique(story.characters)
    pairings: list[PreparedPairing] = []
    seen_pairings: set[str] = set()
    for pairing in story.pairings:
        members = unique(pairing.characters) or split_pairing(pairing.name)
        name = pairing_name(members)
        if nocase(name) in seen_pairings:
            continue
        seen_pairings.add(nocase(name))
        pairings.append(PreparedPairing(name, members, bool(pairing.inferred)))
    tags: list[tuple[str, str]] = []
    for kind, names in (
        ("fandom", story.fandoms),
        ("warning", story.warnings),
        ("tag", story.tags),
    ):
        tags.extend((kind, name) for name in unique(names))
    return PreparedStory(
        title=title,
        title_declared=bool(story.title and story.title.strip()),
        authors=authors,
        rating_level=str(rating_level),
        rating_declared=_optional_text(story.rating.declared),
        rating_inferred=bool(story.rating.inferred),
        status=str(status),
        words=words,
        total_chapters=story.total_chapters,
        summary=_optional_text(story.summary),
        notes_json=json.dumps([n for n in story.notes if n and n.strip()], ensure_ascii=False),
        disclaimer=_optional_text(story.disclaimer),
        epigraph=_optional_text(story.epigraph),
        spoilers=_optional_text(story.spoilers),
        language=_optional_text(story.language),
        source_name=source_name if source_name is not None else story.source_name,
        layout=story.layout,
        encoding=story.encoding,
        series=series_name(story.series),
        series_part=series_part(story.series_part),
        content_hash=hasher.hexdigest(),
        identity_key=identity_key(story.title, authors),
        prints=text_prints([c.text for c in story.chapters if isinstance(c.text, str)]),
        chapters=chapters,
        characters=characters,
        pairings=pairings,
        tags=tags,
    )


def rating_level_of(value: RatingLevel | str | Any) -> RatingLevel:
    if isinstance(value, RatingLevel):
        return value
    wanted = str(value).strip().casefold()
    for level in RatingLevel:
        if wanted in (level.value.casefold(), level.name.casefold()):
            return level
    raise LibraryError(
        f"Unknown rating “{value}”: use one of {', '.join(level.value for level in RatingLevel)}."
    )


def status_of(value: Status | str | Any) -> Status:
    if isinstance(value, Status):
        return value
    wanted = str(value).strip().casefold()
    for status in Status:
        if wanted == status.value:
            return status
    raise LibraryError(
        f"Unknown status “{value}”: use one of {', '.join(s.value for s in Status)}."
    )
