"""A story parsed from an upload but not stored yet: what the moderator checks before Save.

`/library add` parses a file into a `Draft`; the moderator sees what was found, what was
inferred (and from what), what is missing and what the parser flagged, corrects it in a
form, and only Save stores it. Everything here is plain data (no Discord), so the rules
are tested without a bot:

- When the parser was unsure of the rating (none declared, or one it did not recognise),
  the draft starts on the safe side: an inferred General or Teen becomes Not Rated
  (adult) until the moderator chooses; an inferred Mature or Explicit stays.
- Names the moderator types into pairings or characters are checked against the fandom
  tables and the names already in the library; an unknown one is shown back and must be
  confirmed before Save.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from bot.library.errors import LibraryError
from bot.library.fandoms import fandom_tables
from bot.library.model import ParsedStory, Rating, RatingLevel
from bot.library.overrides import apply_pairings, canonical_pairings

RATING_WORDS = {
    "g": RatingLevel.GENERAL,
    "general": RatingLevel.GENERAL,
    "general audiences": RatingLevel.GENERAL,
    "t": RatingLevel.TEEN,
    "teen": RatingLevel.TEEN,
    "teen and up": RatingLevel.TEEN,
    "teen and up audiences": RatingLevel.TEEN,
    "m": RatingLevel.MATURE,
    "mature": RatingLevel.MATURE,
    "e": RatingLevel.EXPLICIT,
    "explicit": RatingLevel.EXPLICIT,
    "nr": RatingLevel.NOT_RATED,
    "not rated": RatingLevel.NOT_RATED,
    "unrated": RatingLevel.NOT_RATED,
}
_SPLIT = re.compile(r"\s*[,;\n]\s*")
NameLookup = Callable[[list[str]], Awaitable[set[str]]]


def split_names(text: str | None) -> list[str]:
    """Comma-, semicolon- or line-separated names, trimmed, without repeats."""
    return _unique(n for n in (" ".join(p.split()) for p in _SPLIT.split(text or "")) if n)


def read_rating(text: str) -> RatingLevel:
    """A rating as a moderator types it ("Teen", "t", "Explicit"); LibraryError if unknown."""
    level = RATING_WORDS.get(" ".join(text.casefold().split()))
    if level is None:
        choices = ", ".join(level.value for level in RatingLevel)
        raise LibraryError(f"“{text[:40]}” is not a rating: use one of {choices}.")
    return level


@dataclass(slots=True)
class Draft:
    """A parsed upload waiting for Save: the story, where it came from, what changed."""

    story: ParsedStory
    source_name: str
    parsed_rating: Rating  # what the parser said, kept to explain the preview's choice
    parsed_characters: list[str] = field(default_factory=list)
    edited: set[str] = field(default_factory=set)  # fields the moderator set
    unknown_names: list[str] = field(default_factory=list)  # awaiting confirmation
    confirmed_names: set[str] = field(default_factory=set)

    @property
    def rating_unsure(self) -> bool:
        return self.parsed_rating.inferred or any("rating" in f.casefold() for f in self.flags)

    @property
    def flags(self) -> list[str]:
        return list(self.story.flags)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.unknown_names)


def new_draft(story: ParsedStory, source_name: str) -> Draft:
    """The draft for a freshly parsed story, its rating moved to the safe side if unsure."""
    parsed = Rating(story.rating.declared, story.rating.level, story.rating.inferred)
    draft = Draft(
        story=story,
        source_name=source_name,
        parsed_rating=parsed,
        parsed_characters=list(story.characters),
    )
    if draft.rating_unsure and not story.rating.level.is_adult:
        story.rating = Rating(story.rating.declared, RatingLevel.NOT_RATED, inferred=True)
    return draft


# ---------------------------------------------------------------- what the preview says


@dataclass(slots=True)
class Findings:
    found: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def rating_note(draft: Draft) -> str | None:
    """Why the preview shows the rating it shows, when the parser did not declare it."""
    story, parsed = draft.story, draft.parsed_rating
    if "rating" in draft.edited:
        return None
    if not draft.rating_unsure:
        return None
    level = story.rating.level.value
    if parsed.declared and not parsed.inferred:
        return f"rating “{parsed.declared}” not recognised: {level} until you choose"
    if story.rating.level != parsed.level:
        return (
            f"no rating declared; the text reads as {parsed.level.value}, so it is "
            f"{level} (treated as adult) until you choose one with Edit"
        )
    return f"no rating declared; judged {level} from the text"


def findings(draft: Draft) -> Findings:
    """Found, inferred (and from what), missing, flagged — for the preview card."""
    story = draft.story
    out = Findings(flags=draft.flags)
    set_by_you = draft.edited

    def found(name: str, value: str) -> None:
        how = " (set by you)" if name in set_by_you else ""
        out.found.append(f"{name}: {value}{how}")

    if story.title:
        found("title", story.title)
    elif story.title_fallback:
        out.inferred.append(f"title “{story.title_fallback}” from the file or page name")
        out.missing.append("title")
    else:
        out.missing.append("title")
    if story.authors:
        found("authors", ", ".join(story.authors))
    elif story.author_fallback:
        out.inferred.append(f"author “{story.author_fallback}” from a contact line (unsure)")
        out.missing.append("author")
    else:
        out.missing.append("author")
    note = rating_note(draft)
    if note:
        out.inferred.append(note)
    else:
        found("rating", story.rating.level.value)
    declared = [p.name for p in story.pairings if not p.inferred]
    guessed = [p.name for p in story.pairings if p.inferred]
    if declared:
        found("pairings", ", ".join(declared))
    if guessed:
        out.inferred.append(f"pairings {', '.join(guessed)} from the text")
    if not story.pairings:
        out.missing.append("pairings")
    if story.characters:
        found("characters", ", ".join(story.characters[:12]))
    if story.fandoms:
        found("fandoms", ", ".join(story.fandoms))
    if story.tags:
        found("tags", ", ".join(story.tags[:12]))
    if story.warnings:
        found("warnings", ", ".join(story.warnings))
    if story.summary:
        found("summary", "yes")
    else:
        out.missing.append("summary")
    if story.series:
        part = f" (part {story.series_part})" if story.series_part else ""
        found("series", f"{story.series}{part}")
    chapters = len(story.chapters)
    if story.total_chapters and chapters < story.total_chapters:
        out.missing.append(f"chapters {chapters + 1}–{story.total_chapters} (of {chapters} here)")
    return out


# ---------------------------------------------------------------- the moderator's changes


@dataclass(slots=True)
class FormValues:
    """What the moderator typed (None: not given, or left as the form showed it)."""

    title: str | None = None
    authors: str | None = None
    rating: str | None = None
    pairings: str | None = None
    summary: str | None = None
    characters: str | None = None
    tags: str | None = None
    warnings: str | None = None


async def apply_form(draft: Draft, form: FormValues, known_in_library: NameLookup) -> None:
    """Apply the Edit form to the draft, all or nothing; LibraryError names what is wrong.

    Pairing and character names that are neither in the fandom tables nor in the library
    (`known_in_library` returns those of the given names it has) become `unknown_names`,
    waiting for the moderator's confirmation.
    """
    tables = fandom_tables()
    # read everything first: a bad value changes nothing
    title = None if form.title is None else " ".join(form.title.split())
    if title == "":
        raise LibraryError("A story needs a title: the title box was empty.")
    authors = None if form.authors is None else split_names(form.authors)
    rating = None if form.rating is None else read_rating(form.rating)
    pairings = None if form.pairings is None else canonical_pairings(split_names(form.pairings))
    characters = None
    if form.characters is not None:
        characters = [tables.canonical_character(c) or c for c in split_names(form.characters)]
    tags = None if form.tags is None else split_names(form.tags)
    warnings = None if form.warnings is None else split_names(form.warnings)

    story = draft.story
    if title is not None and title != story.title:
        story.title = title
        draft.edited.add("title")
    if authors is not None and authors != story.authors:
        story.authors = authors
        draft.edited.add("authors")
    if rating is not None:  # the moderator's choice, even when it is the same level
        story.rating = Rating(story.rating.declared, rating, inferred=False)
        draft.edited.add("rating")
    if pairings is not None:  # typed: the moderator's, no longer inferred
        # characters that came only with the pairings being replaced go with them
        replaced = {c for p in story.pairings for c in p.characters}
        keep = set(draft.parsed_characters) | (set(characters) if characters else set())
        story.characters = [c for c in story.characters if c not in replaced or c in keep]
        apply_pairings(story, pairings)
        draft.edited.add("pairings")
    if form.summary is not None and (form.summary.strip() or None) != story.summary:
        story.summary = form.summary.strip() or None
        draft.edited.add("summary")
    if characters is not None and characters != story.characters:
        in_pairings = [c for p in story.pairings for c in p.characters]
        story.characters = _unique(characters + in_pairings)
        draft.edited.add("characters")
    if tags is not None and tags != story.tags:
        story.tags = tags
        draft.edited.add("tags")
    if warnings is not None and warnings != story.warnings:
        story.warnings = warnings
        draft.edited.add("warnings")

    typed = list(characters or [])
    for pairing in pairings or []:
        typed.extend(pairing.characters)
    confirmed = {c.casefold() for c in draft.confirmed_names}
    unknown = [n for n in _unique(typed) if n not in tables.home and n.casefold() not in confirmed]
    if unknown:
        in_library = {n.casefold() for n in await known_in_library(unknown)}
        unknown = [n for n in unknown if n.casefold() not in in_library]
    # still waiting: earlier unconfirmed names the story still has, plus the new ones
    present = {c.casefold() for c in story.characters}
    earlier = [n for n in draft.unknown_names if n.casefold() in present]
    draft.unknown_names = _unique(earlier + unknown)


def confirm_names(draft: Draft) -> list[str]:
    """The moderator confirmed the unknown names: they are kept as typed."""
    names = list(draft.unknown_names)
    draft.confirmed_names.update(names)
    draft.unknown_names = []
    return names


def _unique(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


async def parse_upload(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """Parse an uploaded file in the bounded worker process (time and memory caps), off the
    event loop; StoryRejected when it is not a story or the parse passes a bound."""
    from bot.library.parse_worker import parse_bounded

    return await parse_bounded(data, filename, max_bytes=max_bytes)
