"""`RawStory`: what one layout extracted from a file, before normalisation.

Layout parsers (text, HTML, EPUB) fill a `RawStory` with the file's own words; `finish`
turns it into a `ParsedStory` (rating levels, canonical pairings, inference, status).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.library.model import Chapter, Status


@dataclass(slots=True)
class RawStory:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    author_fallback: str | None = None  # low-confidence handle, e.g. from a contact line
    rating: str | None = None  # declared rating text exactly as the file has it
    warnings: list[str] = field(default_factory=list)
    spoilers: str | None = None
    relationships: list[str] = field(default_factory=list)  # raw ship strings: "B/A", "Spuffy"
    characters: list[str] = field(default_factory=list)  # raw character names as declared
    fandoms: list[str] = field(default_factory=list)
    # values of a label that names the fandom on some sites and a genre or era on others
    # (eFiction's "Categories"): fandoms when nothing else places the story, else tags
    fandom_candidates: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    notes: list[str] = field(default_factory=list)  # author notes, review pleas, sign-offs
    disclaimer: str | None = None
    epigraph: str | None = None
    chapters: list[Chapter] = field(default_factory=list)  # clean text, paragraphs split by "\n\n"
    total_chapters: int | None = None
    status_declared: Status | None = None
    language: str | None = None
    layout: str = "text"
    title_fallback: str | None = None  # optional layout-suggested fallback (e.g. page <title>)
    # Every other statement of a rating found anywhere in the file (a second label, a
    # table cell, "Rated M for language" in an author's note): the rating rule takes the
    # highest of these and the declared rating, never lower.
    rating_evidence: list[str] = field(default_factory=list)
    series: str | None = None
    series_part: int | None = None
    flags: list[str] = field(default_factory=list)  # notes for the moderator (see ParsedStory)
    more_chapters: bool = False  # the file links to other chapters ("Next Chapter"): a part
