"""FanFiction.net's info line — the one reader for the text and HTML paths.

The grey line under a story's summary (and in copies, downloads and FanFicFare exports):

    Rated: Fiction T - English - Romance/Hurt/Comfort - [Buffy S., Spike] Dawn S. -
    Chapters: 13 - Words: 45,678 - Reviews: 120 - Favs: 80 - Follows: 95 -
    Updated: 6/1/2012 - Published: 5/30/2012 - Status: Complete - id: 8123456

`read_info_line(line)` -> `FfnetInfo` (None when the line is not one); `apply_info_line(raw,
info)` stores it on a `RawStory`. The segments after the rating are positional and
optional: language, genres ("Romance/Hurt/Comfort"), characters ("[A, B] C" — a bracketed
group is a pairing), then "Label: value" counts. The site marks finished stories
"Status: Complete"; a line without it is a story in progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.library.model import Status
from bot.library.parse.raw import RawStory
from bot.library.rules import ffnet_words

# "Rated: Fiction T", "Rated: T", "Rating: Fiction M" (some copies), "Rated:  Fiction  K+"
_RATED = re.compile(
    r"^\s*(?:rated|rating)\s*:\s*(?P<rating>(?:fiction\s+)?(?:k\+?|t|m|ma))\s*(?=-|$)",
    re.IGNORECASE,
)
_SEGMENT_SPLIT = re.compile(r"\s+-\s+|\s*\u2013\s*|\s+-$")
_LABELLED = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{0,20}?)\s*:\s*(?P<value>.*)$")
_GROUP = re.compile(r"\[([^\]]+)\]")
_INT = re.compile(r"\d[\d,.\u00a0]*")
_GENRE_PART = re.compile(r"hurt\s*/\s*comfort|[^/]+", re.IGNORECASE)
_COUNT_LABELS = frozenset(
    {
        "chapters",
        "words",
        "reviews",
        "favs",
        "follows",
        "updated",
        "published",
        "status",
        "id",
        "complete",
    }
)


@dataclass(slots=True)
class FfnetInfo:
    rating: str  # as written after "Rated:", e.g. "Fiction T" or "K+"
    language: str | None = None
    genres: list[str] = field(default_factory=list)  # "Romance", "Hurt/Comfort"
    characters: list[str] = field(default_factory=list)  # as written: "Buffy S.", "Spike"
    relationships: list[str] = field(default_factory=list)  # bracketed groups: "Buffy S./Spike"
    chapters: int | None = None  # "Chapters: 13" (absent on one-shots)
    words: int | None = None
    published: str | None = None
    updated: str | None = None
    complete: bool = False  # "Status: Complete" (or "Complete" alone)
    story_id: str | None = None

    @property
    def status(self) -> Status:
        """FanFiction.net writes "Status: Complete" on finished stories only."""
        return Status.COMPLETE if self.complete else Status.WIP

    @property
    def total_chapters(self) -> int:
        """The chapter count the site declares (a one-shot has no "Chapters:")."""
        return self.chapters or 1


def split_genres(text: str) -> list[str]:
    """ "Romance/Hurt/Comfort" -> ["Romance", "Hurt/Comfort"]."""
    out: list[str] = []
    for m in _GENRE_PART.finditer(text):
        part = m.group().strip()
        if part:
            out.append("Hurt/Comfort" if "/" in part else part)
    return out


def is_genre_segment(segment: str) -> bool:
    """ "Romance/Hurt/Comfort": FanFiction.net genres only."""
    parts = split_genres(segment)
    genres = ffnet_words().genres
    return bool(parts) and all(p.lower() in genres for p in parts)


def _to_int(text: str) -> int | None:
    m = _INT.search(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group())
    return int(digits) if digits else None


def split_characters(segment: str) -> tuple[list[str], list[str]]:
    """ "[Buffy S., Spike] Dawn S." -> (["Buffy S.", "Spike", "Dawn S."], ["Buffy S./Spike"]).

    Older lines join a pair with "&" ("Harry P. & Hermione G."): that is a pairing too.
    """
    characters: list[str] = []
    relationships: list[str] = []
    for group in _GROUP.findall(segment):
        names = [n.strip() for n in group.split(",") if n.strip()]
        if len(names) >= 2:
            relationships.append("/".join(names))
        characters.extend(names)
    rest = _GROUP.sub(",", segment)
    for part in rest.split(","):
        part = part.strip()  # noqa: PLW2901
        if not part:
            continue
        if " & " in part:
            names = [n.strip() for n in part.split(" & ") if n.strip()]
            if len(names) >= 2:
                relationships.append("/".join(names))
            characters.extend(names)
        else:
            characters.append(part)
    return _dedupe(characters), _dedupe(relationships)


def _dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def read_info_line(line: str) -> FfnetInfo | None:
    """The FanFiction.net info line in `line` (from "Rated:" on), or None.

    A "Rated: X" with nothing after it is not an info line (a plain label, read elsewhere).
    """
    line = " ".join(line.replace("\u00a0", " ").split())
    start = re.search(r"(?i)\b(?:rated|rating)\s*:", line)
    if start is None:
        return None
    line = line[start.start() :]
    m = _RATED.match(line)
    if m is None:
        return None
    rest = line[m.end() :].lstrip(" -\u2013")
    if not rest:
        return None
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(rest) if s and s.strip()]
    info = FfnetInfo(rating=" ".join(m.group("rating").split()))
    words = ffnet_words()
    recognised = 0
    for i, seg in enumerate(segments):
        low = seg.lower()
        lab = _LABELLED.match(seg)
        if lab and lab.group("label").strip().lower() in _COUNT_LABELS:
            recognised += 1
            name, value = lab.group("label").strip().lower(), lab.group("value").strip()
            if name == "chapters":
                info.chapters = _to_int(value)
            elif name == "words":
                info.words = _to_int(value)
            elif name == "published":
                info.published = value
            elif name == "updated":
                info.updated = value
            elif name in ("status", "complete"):
                info.complete = value.lower().startswith(("complete", "yes"))
            elif name == "id":
                info.story_id = value.split()[0] if value else None
            continue
        if low == "complete":
            info.complete = True
            recognised += 1
        elif low in words.languages and info.language is None:
            info.language = seg
            recognised += 1
        elif is_genre_segment(seg):
            info.genres = _dedupe([*info.genres, *split_genres(seg)])
            recognised += 1
        elif i <= 3 and ":" not in seg and len(seg) <= 300:
            chars, rels = split_characters(seg)
            info.characters = _dedupe([*info.characters, *chars])
            info.relationships = _dedupe([*info.relationships, *rels])
    if not recognised:
        return None  # "Rated: T - for violence": a rating with a reason, not an info line
    return info


def apply_info_line(raw: RawStory, info: FfnetInfo) -> None:
    """Store an info line on `raw`: the rating, language, genres (tags), characters,
    bracketed pairings, the declared chapter count and the status. Fields the file
    already declared elsewhere keep their value; the rating is also rating evidence."""
    if raw.rating is None:
        raw.rating = info.rating
    elif info.rating not in raw.rating_evidence:
        raw.rating_evidence.append(info.rating)
    if info.language and raw.language is None:
        raw.language = info.language
    raw.tags = _dedupe([*raw.tags, *info.genres])
    raw.characters = _dedupe([*raw.characters, *info.characters])
    raw.relationships = _dedupe([*raw.relationships, *info.relationships])
    raw.total_chapters = info.total_chapters
    raw.status_declared = info.status
