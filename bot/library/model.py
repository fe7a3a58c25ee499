"""The story record every part of storybot shares.

Field names follow AO3 / FanFicFare. A parser fills a `ParsedStory`; the store keeps it;
search, browse and excerpts read it. Missing fields stay missing (None or empty list).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class RatingLevel(StrEnum):
    """AO3's rating scale."""

    GENERAL = "General"
    TEEN = "Teen"
    MATURE = "Mature"
    EXPLICIT = "Explicit"
    NOT_RATED = "Not Rated"

    @property
    def is_adult(self) -> bool:
        """AO3's rule: Mature, Explicit and Not Rated are adult."""
        return self in (RatingLevel.MATURE, RatingLevel.EXPLICIT, RatingLevel.NOT_RATED)


class Status(StrEnum):
    COMPLETE = "complete"
    WIP = "wip"
    UNKNOWN = "unknown"


# A whitespace-separated token made only of punctuation, symbols or underscores.
_NO_WORD = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")


def count_words(text: str) -> int:
    """A word is a whitespace-separated token containing at least one letter or digit."""
    return len(text.split()) - len(_NO_WORD.findall(text))


@dataclass(slots=True)
class Rating:
    declared: str | None  # exactly as the file declares it
    level: RatingLevel
    inferred: bool  # True when judged from content, not declared


@dataclass(slots=True)
class Pairing:
    name: str  # canonical "A/B" with names sorted, e.g. "Buffy Summers/Spike"
    characters: list[str]  # canonical character names, sorted
    inferred: bool = False


@dataclass(slots=True)
class Chapter:
    number: int | None
    label: str | None  # the heading's own words: "Chapter 1", "Part III", "Prologue"
    title: str | None
    text: str

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass(slots=True)
class ParsedStory:
    title: str | None = None
    title_fallback: str | None = None
    authors: list[str] = field(default_factory=list)
    author_fallback: str | None = None
    rating: Rating = field(
        default_factory=lambda: Rating(declared=None, level=RatingLevel.NOT_RATED, inferred=True)
    )
    warnings: list[str] = field(default_factory=list)
    spoilers: str | None = None
    pairings: list[Pairing] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    notes: list[str] = field(default_factory=list)
    disclaimer: str | None = None
    epigraph: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    total_chapters: int | None = None
    status: Status = Status.UNKNOWN
    language: str | None = None
    source_name: str | None = None  # the uploaded file's name
    layout: str | None = None  # which layout unit parsed it, e.g. "ao3-html", "text-header"
    encoding: str | None = None
    series: str | None = None  # declared series name ("Part 2 of <series>")
    series_part: int | None = None  # this story's place in the series, when declared
    # What a moderator should check, in plain words ("declared rating 'spicy' not
    # recognised: stored as Not Rated"); shown on the add preview, never to members.
    flags: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The clean body: chapter texts separated by a blank line."""
        return "\n\n".join(c.text for c in self.chapters if c.text)

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)

    @property
    def display_title(self) -> str:
        return self.title or self.title_fallback or "Untitled"

    def to_json(self) -> dict:
        """The `storybot parse --json` shape."""
        return {
            "title": self.title,
            "authors": list(self.authors),
            "rating": {
                "declared": self.rating.declared,
                "level": str(self.rating.level),
                "inferred": self.rating.inferred,
            },
            "pairings": [asdict(p) for p in self.pairings],
            "characters": list(self.characters),
            "fandoms": list(self.fandoms),
            "tags": list(self.tags),
            "warnings": list(self.warnings),
            "spoilers": self.spoilers,
            "summary": self.summary,
            "notes": list(self.notes),
            "disclaimer": self.disclaimer,
            "epigraph": self.epigraph,
            "chapters": [
                {"number": c.number, "label": c.label, "title": c.title, "words": c.words}
                for c in self.chapters
            ],
            "total_chapters": self.total_chapters,
            "status": str(self.status),
            "series": self.series,
            "series_part": self.series_part,
            "flags": list(self.flags),
            "words": self.words,
            "body": self.body,
        }
