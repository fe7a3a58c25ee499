"""Values a moderator gives when adding or editing a story, applied over what the parser found."""

from __future__ import annotations

from typing import Any

from bot.library.errors import LibraryError
from bot.library.fandoms import fandom_tables
from bot.library.model import Pairing, ParsedStory, Rating, RatingLevel, Status

OVERRIDE_KEYS = frozenset({"title", "authors", "rating_level", "summary", "status", "pairings"})


def canonical_pairings(values: list[str]) -> list[Pairing]:
    """Moderator-typed ships ("B/A", "Spike x Buffy", "Spuffy") as canonical pairings.

    Raises LibraryError naming the value that is not a romantic pairing of two or more
    characters, so nothing is stored with a pairing nobody can browse by.
    """
    tables = fandom_tables()
    out: list[Pairing] = []
    for value in values:
        rel = tables.resolve_relationship(value)
        if rel is None or not rel.romantic:
            raise LibraryError(
                f"“{value[:80]}” is not a pairing: name two characters separated by "
                "'/', such as Buffy/Spike (A & B is friendship, not a pairing)."
            )
        if all(p.name != rel.name for p in out):
            out.append(Pairing(name=rel.name, characters=list(rel.characters), inferred=False))
    return out


def apply_pairings(story: ParsedStory, pairings: list[Pairing]) -> None:
    """Moderator-given pairings replace what the parser found or inferred."""
    story.pairings = pairings
    for pairing in pairings:
        for name in pairing.characters:
            if name not in story.characters:
                story.characters.append(name)


def apply_overrides(story: ParsedStory, overrides: dict[str, Any]) -> None:
    """Moderator-given values replace what the parser found (title, authors, rating...)."""
    unknown = set(overrides) - OVERRIDE_KEYS
    if unknown:
        raise LibraryError(f"Cannot set {', '.join(sorted(unknown))} when adding a story.")
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "title":
            story.title = str(value).strip() or story.title
        elif key == "authors":
            names = [value] if isinstance(value, str) else list(value)
            story.authors = [n.strip() for n in names if n and n.strip()]
        elif key == "rating_level":
            try:
                level = RatingLevel(value)
            except ValueError:
                raise LibraryError(f"Unknown rating {value!r}.") from None
            story.rating = Rating(declared=story.rating.declared, level=level, inferred=False)
        elif key == "summary":
            story.summary = str(value).strip() or None
        elif key == "pairings":
            names = [value] if isinstance(value, str) else list(value)
            apply_pairings(story, canonical_pairings([n for n in names if n and n.strip()]))
        elif key == "status":
            try:
                story.status = Status(value)
            except ValueError:
                raise LibraryError(f"Unknown status {value!r}.") from None
