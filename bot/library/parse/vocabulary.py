"""The one vocabulary: a label -> a `RawStory` field (data/headers.toml [labels]), and the
one field applier every layout uses, text and HTML alike.

    field_of("Pairing")                       -> "relationships"
    apply_labelled(raw, "Rated", "NC-17")     -> True (raw.rating = "NC-17")
    apply_field(raw, "tags", "Mulder/Scully romance, angst", key="keywords")

Values are the file's own words: lists are split on , ; |, "None"/"n/a" are dropped, a
second rating is kept as rating evidence (the rating rule weighs them all), a FanFiction.net
info line after "Rated:" is read by the one info-line reader, "Chapters: 2/5" gives the
total and the status, pairings named in keywords or categories become relationships.
"""

from __future__ import annotations

import re

from bot.library.model import Status
from bot.library.parse.ffnet_info import apply_info_line, read_info_line, split_genres
from bot.library.parse.rating import rating_key, rating_scales
from bot.library.parse.raw import RawStory
from bot.library.parse.series import apply_series, part_number, read_series
from bot.library.rules import (
    declared_status,
    ffnet_words,
    header_labels,
    label_key,
    none_values,
    site_label_fields,
)

LIST_SPLIT = re.compile(r"\s*(?:,|;|\|)\s*")
LIST_FIELDS = frozenset({"warnings", "relationships", "characters", "fandoms", "tags", "author"})

_CHAPTERS_VALUE = re.compile(r"(?P<n>\d[\d,]*)\s*/\s*(?P<total>\d[\d,]*|\?)")
_STATS_CHAPTERS = re.compile(r"chapters?\s*:\s*(?P<n>\d+)\s*/\s*(?P<total>\d+|\?)", re.I)
_STATS_COMPLETED = re.compile(r"\bcompleted?\s*:\s*\d", re.I)
_TOTAL_VALUE = re.compile(r"\d+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b|;)\s*")
_CONTACT_IN_NAME = re.compile(
    r"\s*(?:[(<\[]\s*)?(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?:\s*[)>\]])?|\s*(?:[(<\[]\s*)?"
    r"(?:https?://|www\.)\S+(?:\s*[)>\]])?|\s*[(<\[]\s*(?:email|e-mail|aim|lj)\b[^)>\]]*[)>\]]",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^([\"“'‘])(.+)([\"”'’])$")
_RATING_TAIL = re.compile(r"(?<=\w)[.;,]\s+|\s+[-–—]\s+|\s+\(")
_REVIEWS_SUFFIX = re.compile(r"\s*\[\s*reviews?\b.*$", re.IGNORECASE)
_NAME = r"[A-Z][\w.'\u2019\-]*(?:\s+(?:[A-Z][\w.'\u2019\-]*|of|de|la|van|von))*"
_SHIP_KEYS = frozenset({"keywords", "category", "categories", "kinks", "kink"})
_SHIP_IN_TAG = re.compile(rf"(?<![\w/\-])({_NAME}(?:\s*/\s*{_NAME})+)(?![\w/])")
_GENRE_KEYS = frozenset({"genre", "genres"})


def field_of(label: str, site: str | None = None) -> str | None:
    """The field a label names ("Pairing" -> "relationships"), None when unknown; `site`
    names a source whose own senses of some labels come first ([site_labels])."""
    key = label_key(label)
    if site is not None and (fieldname := site_label_fields(site).get(key)):
        return fieldname
    return header_labels().field_of.get(key)


def apply_labelled(
    raw: RawStory,
    label: str,
    value: str,
    items: list[str] | None = None,
    *,
    site: str | None = None,
) -> bool:
    """Store "Label: value" on `raw`; False when the label is not one the vocabulary knows.
    `items` are the value's parts when the layout has them apart (links in HTML); `site`
    as for `field_of`."""
    key = label_key(label)
    fieldname = field_of(key, site)
    if fieldname is None:
        return False
    apply_field(raw, fieldname, value, key=key, items=items)
    return True


def _values(value: str, items: list[str] | None) -> list[str]:
    parts = items if items else LIST_SPLIT.split(value)
    out = []
    for part in parts:
        part = " ".join(part.split())  # noqa: PLW2901
        if part and part.lower() not in none_values():
            out.append(part)
    return out


def _extend(current: list[str], values: list[str]) -> None:
    for v in values:
        if v not in current:
            current.append(v)


def apply_field(
    raw: RawStory, fieldname: str, value: str, *, key: str = "", items: list[str] | None = None
) -> None:
    """Store one value of field `fieldname` (a data/headers.toml field) on `raw`; `key` is
    the label it came with (label_key form)."""
    value = value.strip()
    if not value and not items:
        return
    if fieldname == "title":
        if raw.title is None:
            raw.title = unquote_title(value)
    elif fieldname == "author":
        if items:  # one link per author: a name with "and" in it stays whole
            for name in items:
                add_authors(raw, name, whole=True)
        else:
            add_authors(raw, value)
    elif fieldname == "rating":
        apply_rating(raw, value)
    elif fieldname == "spoilers":
        raw.spoilers = value if raw.spoilers is None else f"{raw.spoilers} {value}"
    elif fieldname == "tags":
        values = _values(value, items)
        if key in _GENRE_KEYS:
            values = [g for v in values for g in _genres(v)]
        for item in values:
            if is_rating(item) and item not in raw.rating_evidence:
                raw.rating_evidence.append(item)  # "Keywords: MSR, NC-17": a rating
            pairs, rest = ships_in_tag(item) if key in _SHIP_KEYS else ([], item)
            _extend(raw.relationships, pairs)
            if rest:
                _extend(raw.tags, [rest])
    elif fieldname == "fandom_candidates":
        for item in _values(value, items):
            if "/" in item:  # "Buffy/Giles", "Harry Potter > Snape/Hermione"
                apply_field(raw, "tags", item, key="categories")
            elif item not in raw.fandom_candidates:
                raw.fandom_candidates.append(item)
    elif fieldname in LIST_FIELDS:
        _extend(getattr(raw, fieldname), _values(value, items))
    elif fieldname == "summary":
        raw.summary = value if raw.summary is None else f"{raw.summary}\n\n{value}"
    elif fieldname == "notes":
        raw.notes.append(value)
    elif fieldname == "disclaimer":
        raw.disclaimer = value if raw.disclaimer is None else f"{raw.disclaimer}\n\n{value}"
    elif fieldname == "total_chapters":
        m = _TOTAL_VALUE.search(value)
        if m:
            raw.total_chapters = int(m.group())
    elif fieldname == "chapters":
        apply_chapters(raw, value)
    elif fieldname == "status":
        apply_status(raw, key, value)
    elif fieldname == "language":
        raw.language = raw.language or value
    elif fieldname == "series":
        apply_series(raw, *read_series(value))
    elif fieldname == "series_part":
        if raw.series_part is None:
            raw.series_part = part_number(value)
    elif fieldname == "ignore":
        apply_stats(raw, key, value)


def _genres(value: str) -> list[str]:
    """ "Romance/Hurt/Comfort" -> its genres; a category code ("F/M", "M/M") is one tag."""
    if "/" in value and any(len(part.strip()) <= 1 for part in value.split("/")):
        return [value]
    return split_genres(value)


_NOT_A_RATING = frozenset({"none", "n/a", "na"})  # a value saying nothing


def is_rating(value: str) -> bool:
    """A tag or subject that is exactly a rating ("Explicit", "NC-17", "Teen And Up
    Audiences"), not one that starts like one ("X-Men", "Teen Wolf")."""
    key = rating_key(value)
    if len(key) < 2 and key == value.strip().lower():
        return False  # a lone "M" or "E" says too little; "Rated M" says it
    return key not in _NOT_A_RATING and key in rating_scales().forms


_BRACKETS = re.compile(r"[(\[]([^()\[\]]{1,160})[)\]]")


def apply_bracketed(raw: RawStory, line: str) -> None:
    """What a subject line's brackets declare, for a post read as a page: "FIC: Title
    (Spike/Buffy, NC-17) [R]" -> rating evidence NC-17 and R, the pairing Spike/Buffy."""
    for group in _BRACKETS.findall(line):
        for item in LIST_SPLIT.split(group.strip()):
            if item and is_rating(item) and item not in raw.rating_evidence:
                raw.rating_evidence.append(item)
            elif "/" in item and not _CHAPTERS_VALUE.fullmatch(item):
                _extend(raw.relationships, [item])


def apply_stats(raw: RawStory, key: str, value: str) -> None:
    """Counts that say something about chapters or status ("Chapters: 3/20",
    "Completed: 2019-02-02") inside a stats run (AO3's "Published: … Words: … Chapters:
    3/20"); the rest is not kept."""
    m = _STATS_CHAPTERS.search(value)
    if m:
        apply_chapters(raw, m.group(0).split(":", 1)[1])
    elif key == "chapters" or (key == "stats" and ":" not in value):
        apply_chapters(raw, value)
    if _STATS_COMPLETED.search(value):
        raw.status_declared = Status.COMPLETE


def unquote_title(value: str) -> str:
    m = _QUOTED.match(value.strip())
    if m and m.group(2).count(m.group(1)) == 0:
        return m.group(2).strip()
    return value.strip()


def add_authors(raw: RawStory, value: str, *, whole: bool = False) -> None:
    """Author names from a byline or label; e-mail addresses and URLs are dropped.
    `whole`: `value` is one name (a link), not a list to split."""
    value = _CONTACT_IN_NAME.sub(" ", value)
    for part in [value] if whole else _AUTHOR_SPLIT.split(value):
        name = part.strip().strip("*_()[]<>").strip().rstrip(".,;:")
        if name and name not in raw.authors:
            raw.authors.append(name)


def apply_chapters(raw: RawStory, value: str) -> bool:
    """ "2/5" -> total 5, status wip; "3/3" -> complete; "1/?" -> wip; "13" -> total 13.
    True when the value said "n/m"."""
    m = _CHAPTERS_VALUE.search(value)
    if m:
        done = int(m.group("n").replace(",", ""))
        if m.group("total") == "?":
            raw.status_declared = raw.status_declared or Status.WIP
            return True
        total = int(m.group("total").replace(",", ""))
        raw.total_chapters = total
        if raw.status_declared is None:
            raw.status_declared = Status.COMPLETE if done >= total else Status.WIP
        return True
    m = _TOTAL_VALUE.fullmatch(value.strip())
    if m and raw.total_chapters is None:
        raw.total_chapters = int(m.group())  # "Chapters: 13": the archive's count
    return False


def apply_status(raw: RawStory, key: str, value: str) -> None:
    status = declared_status(value, dated=key.startswith(("complete", "termin")))
    if status is not None:
        raw.status_declared = status


def apply_rating(raw: RawStory, value: str) -> None:
    """The declared rating (the first one); later statements are rating evidence; a
    FanFiction.net info line is read whole."""
    value = _REVIEWS_SUFFIX.sub("", value).strip()
    bare = value.rstrip(".;,")
    if bare != value and rating_scales().level(bare) is not None:
        value = bare  # "Rating: PG. Pairing: …" split at the next label
    if not value:
        return
    info = read_info_line(f"Rated: {value}")
    if info is not None:
        apply_info_line(raw, info)
        return
    if raw.rating is None:
        # "T. Set after Fool for Love." / "R; for language": keep the rating itself
        head = _RATING_TAIL.split(value, 1)[0].strip()
        raw.rating = head if head != value and rating_scales().level(head) else value
    elif value != raw.rating and value not in raw.rating_evidence:
        raw.rating_evidence.append(value)  # a second statement of the rating: evidence


def ships_in_tag(item: str) -> tuple[list[str], str]:
    """ "Mulder/Scully romance" -> (["Mulder/Scully"], "romance"): a pairing named in a
    keyword or tag, and what is left of the tag. Genres ("Hurt/Comfort", "Humor/Romance")
    and category codes ("M/M", "F/M") are not pairings."""
    if "/" not in item:
        return [], item
    genres = ffnet_words().genres
    pairs: list[str] = []
    rest = item
    for m in _SHIP_IN_TAG.finditer(item):
        names = [n.strip() for n in m.group(1).split("/")]
        if all(len(n) <= 1 for n in names) or all(n.lower() in genres for n in names):
            continue
        if "hurt" in (n.lower() for n in names):
            continue
        pairs.append("/".join(names))
        rest = rest.replace(m.group(1), " ", 1)
    if not pairs:
        return [], item
    rest = " ".join(rest.split()).strip(" >-:,;")
    return pairs, rest
