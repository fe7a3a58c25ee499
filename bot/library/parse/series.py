"""Series declarations -> (series name, this story's part).

Series: Dark Days [2]              (FanFicFare's title page)
Series: Part 2 of Dark Days        (AO3 downloads)
Series: Dark Days, Part III / Dark Days #3 / Dark Days (book 2)
Part 2 of the Dark Days series     (a line of its own in a header)
Dark Days, Part III                (a title naming its part: `title_part`)
"""

from __future__ import annotations

import re

from bot.library.parse.chapters import number_value
from bot.library.parse.raw import RawStory
from bot.library.rules import none_values

_NUM = r"(?P<n>\d{1,3}|[IVXLC]{1,6}|one|two|three|four|five|six|seven|eight|nine|ten)"
_PART_OF = re.compile(
    rf"^(?:this is\s+)?(?:part|book|story|installment|entry|no\.?|#)\s*{_NUM}\s+(?:of|in)\s+"
    r"(?:the\s+)?(?P<name>.+?)(?:\s+series)?\s*[.!]?$",
    re.IGNORECASE,
)
_NAME_PART = re.compile(
    rf"^(?P<name>.+?)\s*(?:[,:\-–—]\s*)?(?:[\[(]\s*)?(?:(?:part|book|no\.?|#)\s*)?{_NUM}\s*[\])]?$",
    re.IGNORECASE,
)
_NAME_PART_WORD = re.compile(
    rf"^(?P<name>.+?)\s*(?:[,:\-–—]\s*|\s)(?:[\[(]\s*)?(?:part|book|no\.?|#)\s*{_NUM}\s*[\])]?$",
    re.IGNORECASE,
)
_SERIES_LINE = re.compile(
    rf"^[(\[]?\s*(?:this is\s+)?(?:part|book)\s+{_NUM}\s+(?:of|in)\s+(?:the\s+|my\s+)?"
    r"(?P<name>[^\d?].{0,80}?)\s+series\s*[.!]?\s*[)\]]?$",
    re.IGNORECASE,
)
# "Part 2 of Dark Days" without the word "series": the name must look like a title
_PART_OF_TITLE = re.compile(
    rf"^[(\[]?\s*(?:[Pp]art|[Bb]ook)\s+{_NUM}\s+of\s+(?:the\s+)?"
    r"(?P<name>[\"“'‘]?[A-Z][^\d?]{0,80}?)\s*[.!]?\s*[)\]]?$"
)
_NEXT_SERIES = re.compile(rf"\s*[,;]\s*(?=(?:part|book)\s+{_NUM}\s+of\s)", re.IGNORECASE)
_NOT_A_NAME = frozenset({"story", "this story", "fic", "this fic", "series", "trilogy", "saga"})


def _part(text: str | None) -> int | None:
    if not text:
        return None
    value = number_value(text)
    return value if value and value < 1000 else None


def _clean_name(name: str) -> str | None:
    name = name.strip().strip("\"“”'‘’*_").strip(" ,:-")
    if not name or name.isdigit() or name == "?" or name.lower() in none_values():
        return None
    return name


def read_series(value: str) -> tuple[str | None, int | None]:
    """A "Series:" label's value -> (name, part); (None, None) when it names nothing."""
    value = " ".join(value.split())
    if not value:
        return None, None
    value = _NEXT_SERIES.split(value, maxsplit=1)[0]  # AO3: "Part 1 of X, Part 3 of Y"
    m = _PART_OF.match(value)
    if m:
        name = _clean_name(m.group("name"))
        return (name, _part(m.group("n"))) if name else (None, None)
    m = _NAME_PART_WORD.match(value)
    if m is None and re.search(r"\[\s*\d+\s*\]$|\(\s*\d+\s*\)$|#\s*\d+$", value):
        m = _NAME_PART.match(value)
    if m:
        name = _clean_name(m.group("name"))
        if name:
            return name, _part(m.group("n"))
    return _clean_name(value), None


def series_line(line: str) -> tuple[str, int | None] | None:
    """An unlabelled header line "Part 2 of the Dark Days series" / "Part 2 of Dark Days"
    -> (name, part)."""
    m = _SERIES_LINE.match(line.strip()) or _PART_OF_TITLE.match(line.strip())
    if not m or m.group("name").strip().lower() in _NOT_A_NAME:
        return None
    name = _clean_name(m.group("name"))
    return (name, _part(m.group("n"))) if name else None


# "Dark Days, Part III" / "Dark Days Part 3: Dusk" / "Dark Days - Pt. 2" / "Dark Days (part
# 2 of 5)": a title that names its part. The marker follows the name after a space or a
# separator; a title that starts with it ("Part 3", "Part-Time Lover") names no series.
_TITLE_PART = re.compile(
    rf"^(?P<name>.*?[^\W_].*?)\s*(?:[,:;\-–—]\s*|\s)[(\[]?\s*(?:part|pt\.?)\s*{_NUM}"
    r"(?:\s*(?:of|/)\s*(?:\d{1,3}|[ivxlc]{1,6}|\w+))?\s*[)\]]?"
    r"(?:\s*[:.\-–—]\s*(?P<sub>\S.*))?$",
    re.IGNORECASE,
)


def title_part(title: str | None) -> tuple[str, int] | None:
    """A title that declares which part it is -> (series name, part): the name is the
    title without the part marker (and without a part title after it)."""
    if not title:
        return None
    m = _TITLE_PART.match(" ".join(title.split()))
    if m is None:
        return None
    part = _part(m.group("n"))
    name = _clean_name(m.group("name"))
    if part is None or name is None or name.lower() in _NOT_A_NAME:
        return None
    if sum(ch.isalpha() for ch in name) < 2:
        return None  # "A Part 3", "I, Part II": a sentence, not a named series
    return name, part


def part_number(value: str) -> int | None:
    """A "Part:" label's value ("3", "III", "Three", "2 of 5", "2/5") -> this part."""
    m = re.match(rf"^\s*(?:(?:part|pt\.?|#|no\.?)\s*)?{_NUM}\b", value, re.IGNORECASE)
    return _part(m.group("n")) if m else None


def apply_series(raw: RawStory, name: str | None, part: int | None) -> None:
    """Store a series declaration; the first one in a file wins."""
    if name and raw.series is None:
        raw.series = name
        raw.series_part = part if part is not None else raw.series_part
    elif name and name == raw.series and raw.series_part is None:
        raw.series_part = part
