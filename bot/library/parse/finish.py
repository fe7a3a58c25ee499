"""`RawStory` -> `ParsedStory`: normalise, canonicalise, infer (flagged), decide status."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import PurePath

from bot.library.fandoms import FandomTables, Relationship, TextNames, fandom_tables
from bot.library.model import Chapter, Pairing, ParsedStory, Status
from bot.library.parse.infer import couple_from_text, main_characters, sample
from bot.library.parse.rating import decide_rating
from bot.library.parse.raw import RawStory
from bot.library.parse.series import apply_series, title_part
from bot.library.rules import boilerplate, none_values

log = logging.getLogger(__name__)

_TITLE_PART = re.compile(
    r"^(?P<title>.*?\S)\s*[-:,]?\s*[\[(]?\s*(?:part\s+|ch(?:apter)?\.?\s*)?(?P<n>\d{1,3})"
    r"\s*(?:/|\bof\b)\s*(?P<total>\d{1,3}|\?)\s*[\])]?$",
    re.IGNORECASE,
)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = boilerplate().placeholder.sub("", value).strip()
    return value or None


def _clean_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        v = _clean(value)
        if v and v.lower() not in none_values() and v not in out:
            out.append(v)
    return out


_EPILOGUE = re.compile(r"[ée]p[ií]log", re.IGNORECASE)  # Epilogue, Épilogue, Epílogo, Epilog


def _title_part(raw: RawStory) -> None:
    """ "Title (2/5)": the part number and the declared total leave the title. A title
    naming its part ("Dark Days, Part III", "Dark Days (part 2 of 5)") or a "Part: 3"
    label declares a part of the series the title names (series.title_part)."""
    if not raw.title:
        return
    if raw.series is None:
        declared = title_part(raw.title)
        if declared is not None:
            apply_series(raw, *declared)
        elif raw.series_part is not None:  # "Part: 3" under "Title: Dark Days"
            raw.series = raw.title.strip()
    m = _TITLE_PART.match(raw.title.strip())
    if not m:
        return
    n = int(m.group("n"))
    total = m.group("total")
    if total != "?" and not 0 < n <= int(total):
        return
    raw.title = m.group("title").strip(" -:,")
    if total == "?":
        raw.status_declared = raw.status_declared or Status.WIP
    elif raw.total_chapters is None:
        raw.total_chapters = int(total)
    chapters = [c for c in raw.chapters if c.text.strip()]
    if len(chapters) == 1 and chapters[0].number is None:
        c = chapters[0]
        raw.chapters = [Chapter(number=n, label=c.label, title=c.title, text=c.text)]


_MACHINE_TOKEN = re.compile(r"\d+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{4,}", re.IGNORECASE)
_OPENING_WORDS = 6


def title_fallback(source_name: str, chapters: list[Chapter] | None = None) -> str:
    """What to call a story whose file declares no title: its file name when that is a
    name people gave it ("my_old_fic.txt"); else, for machine names (numbers, hashes:
    "001_14faca31c7fee4ab.txt"), "Untitled" with the first chapter's heading or the
    story's opening words, so untitled stories can be told apart."""
    stem = re.sub(r"[_]+", " ", PurePath(source_name).stem).strip()
    tokens = [t for t in re.split(r"[\s.\-]+", stem) if t]
    if tokens and not all(_MACHINE_TOKEN.fullmatch(t) for t in tokens):
        return stem
    first = next((c for c in chapters or [] if c.text.strip()), None)
    if first is not None and first.title:
        heading = ": ".join(x for x in (first.label, first.title) if x)
        return f"Untitled ({heading})"
    if first is not None:
        words = first.text.split()
        opening = " ".join(words[:_OPENING_WORDS]).strip("\"“”'‘’ ").rstrip(",;:")
        if opening:
            more = "…" if len(words) > _OPENING_WORDS else ""
            return f"Untitled (“{opening}{more}”)"
    return "Untitled"


def _pairing(rel: Relationship, inferred: bool) -> Pairing:
    return Pairing(name=rel.name, characters=list(rel.characters), inferred=inferred)


def _status(raw: RawStory, chapters: list[Chapter]) -> Status:
    if raw.status_declared is not None:
        return raw.status_declared
    numbers = [c.number for c in chapters if c.number is not None]
    if raw.total_chapters:
        present = max(numbers) if numbers else len(chapters)
        if present >= raw.total_chapters and len(chapters) >= raw.total_chapters:
            return Status.COMPLETE
        return Status.UNKNOWN
    if chapters and any(_EPILOGUE.match(c.label or "") for c in chapters[-1:]):
        return Status.COMPLETE
    return Status.UNKNOWN  # no evidence: a one-shot and a first chapter look the same


def _relationships(
    raw: RawStory, tables: FandomTables
) -> tuple[list[Relationship], list[str], list[str]]:
    """Declared ships -> (romantic relationships, platonic tags, unresolved strings)."""
    romantic: list[Relationship] = []
    platonic: list[str] = []
    unresolved: list[str] = []
    for item in _clean_list(raw.relationships):
        for piece in re.split(r"\s*[,;]\s*(?![^()]*\))", item):
            rel = tables.resolve_relationship(piece)
            if rel is None:
                for ship in tables.ships_in_text(piece):
                    if ship not in romantic:
                        romantic.append(ship)
                        break
                else:
                    if piece.strip():
                        unresolved.append(piece.strip())
                continue
            if rel.romantic:
                if rel not in romantic:
                    romantic.append(rel)
            elif rel.name not in platonic:
                platonic.append(rel.name)
    return romantic, platonic, unresolved


def _place_candidates(
    raw: RawStory, tables: FandomTables, text: str, counts: Counter[str], names: TextNames
) -> list[str]:
    """A site's categories that may name the fandom (`RawStory.fandom_candidates`): a
    fandom the tables know is declared; the others are the fandom only when the story
    declares none and neither its names nor its text place it in a known fandom (a
    "Labyrinth" archive's category), else they are tags ("Post-Chosen" on a Buffy site):
    the tags are returned."""
    known = [c for c in raw.fandom_candidates if _known_fandom(tables, c)]
    unknown = [c for c in raw.fandom_candidates if c not in known]
    placed = bool(raw.fandoms or known)
    if unknown and not placed:
        placed = bool(
            tables.story_families(
                declared_fandoms=[t for t in raw.tags if tables.fandom_name(t)],
                declared_characters=raw.characters,
                declared_relationships=raw.relationships,
                text=text,
                counts=counts,
                names=names,
            )
        )
    raw.fandoms.extend(c for c in [*known, *([] if placed else unknown)] if c not in raw.fandoms)
    return unknown if placed else []


def _known_fandom(tables: FandomTables, category: str) -> bool:
    return any(tables.fandom_name(p) for p in [category, *re.split(r"\s*>\s*", category)])


def finish(raw: RawStory, *, source_name: str, encoding: str | None) -> ParsedStory:
    """Normalise a layout's extraction into the shared story record."""
    tables = fandom_tables()
    _title_part(raw)
    chapters = [c for c in raw.chapters if c.text.strip()]
    body = "\n\n".join(c.text for c in chapters)
    story = ParsedStory(
        title=_clean(raw.title),
        title_fallback=_clean(raw.title_fallback) or title_fallback(source_name, chapters),
        authors=_clean_list(raw.authors),
        author_fallback=_clean(raw.author_fallback),
        warnings=_clean_list(raw.warnings),
        spoilers=_clean(raw.spoilers),
        tags=_clean_list(raw.tags),
        summary=_clean(raw.summary),
        notes=_clean_list(raw.notes),
        disclaimer=_clean(raw.disclaimer),
        epigraph=_clean(raw.epigraph),
        total_chapters=raw.total_chapters,
        language=_clean(raw.language),
        source_name=source_name,
        layout=raw.layout,
        encoding=encoding,
    )
    if story.spoilers and story.spoilers.lower() in none_values():
        story.spoilers = None
    story.rating, rating_flags = decide_rating(raw, body)
    story.flags = _clean_list([*raw.flags, *rating_flags])
    story.series = _clean(raw.series)
    story.series_part = raw.series_part

    # characters: declared first, then as named in the text (main before mentioned)
    text_sample = sample(body)
    names = tables.names_in(text_sample)
    counts = tables.count_mentions(text_sample, names)
    if raw.fandom_candidates:
        for tag in _place_candidates(raw, tables, text_sample, counts, names):
            if tag not in story.tags:
                story.tags.append(tag)
    # a fandom table applies only to stories of its fandom (declared, or plainly evident)
    evident = tables.story_families(
        declared_fandoms=[*raw.fandoms, *(t for t in raw.tags if tables.fandom_name(t))],
        declared_characters=raw.characters,
        declared_relationships=raw.relationships,
        text=text_sample,
        counts=counts,
        names=names,
    )
    tables = tables.scoped(evident)
    counts = Counter({n: c for n, c in counts.items() if n in tables.home})
    main, mentioned = main_characters(counts)
    characters: list[str] = []
    for name in _clean_list(raw.characters):
        canonical = tables.canonical_character(name) or name
        if canonical not in characters:
            characters.append(canonical)
    for name in main + mentioned:
        if name not in characters:
            characters.append(name)

    # pairings: declared, else shorthand in summary/notes/tags/title, else the text
    romantic, platonic, unresolved = _relationships(raw, tables)
    pairings = [_pairing(r, inferred=False) for r in romantic]
    pairings.extend(
        Pairing(name=u, characters=[p.strip() for p in u.split("/")], inferred=False)
        for u in unresolved
        if "/" in u
    )
    for tag in platonic:
        if tag not in story.tags:
            story.tags.append(tag)
    for tag in list(story.tags):
        rel = tables.resolve_relationship(tag) if "/" in tag else None
        if rel and rel.romantic and all(c in tables.home for c in rel.characters):
            story.tags.remove(tag)  # a relationship tag ("Buffy Summers/Spike") is declared
            if rel not in romantic:
                romantic.append(rel)
                pairings.append(_pairing(rel, inferred=False))
    if not pairings:
        hints = "\n".join(
            x for x in [story.summary, *story.notes, *story.tags, story.title or ""] if x
        )
        found = tables.ships_in_text(hints)
        if found:
            ranked = sorted(set(found), key=lambda r: -found.count(r))
            pairings.append(_pairing(ranked[0], inferred=True))
        else:
            couple = couple_from_text(text_sample, tables, main)
            if couple:
                pairings.append(_pairing(couple, inferred=True))
    story.pairings = pairings
    for p in pairings:
        for name in p.characters:
            if name in tables.home and name not in characters:
                characters.append(name)
    story.characters = characters

    # fandoms: declared (canonicalised), then from the characters present
    fandoms: list[str] = []
    for name in _clean_list(raw.fandoms):
        canonical = tables.fandom_name(name)
        if canonical is None and name.lower() in ("none", "other"):
            continue
        value = canonical or name
        if value not in fandoms:
            fandoms.append(value)
    for tag in list(story.tags):
        for piece in re.split(r"\s*>\s*", tag):
            canonical = tables.fandom_name(piece)
            if canonical:
                if canonical not in fandoms:
                    fandoms.append(canonical)
                if tag in story.tags:
                    story.tags.remove(tag)
    for fandom in tables.fandoms_of(characters, known=fandoms):
        if fandom not in fandoms:
            fandoms.append(fandom)
    story.fandoms = fandoms

    # chapters: a lone unnumbered chapter is chapter 1 unless the file says it goes on
    story.status = _status(raw, chapters)
    if (
        len(chapters) == 1
        and chapters[0].number is None
        and chapters[0].label is None
        and story.status != Status.WIP
        and not raw.more_chapters
    ):
        c = chapters[0]
        chapters = [Chapter(number=1, label=None, title=c.title, text=c.text)]
    story.chapters = chapters
    return story
