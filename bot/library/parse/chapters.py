"""Chapter headings: "Chapter 1", "Chapter One: Title", "Part III", "Prologue", "## Name".

`match_heading(line)` recognises a heading line on its own; bare numbers ("1.", "IV")
are headings only when `numbered_headings()` finds them in sequence across a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": None,
    "final": None,
}
_WORD_NUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(list(_UNITS)[1:10])}))?"
    rf"|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
)
_ROMAN = r"(?=[IVXLC])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"
_NUM = rf"(?:\d{{1,4}}|{_ROMAN}|{_WORD_NUM})"
_ROMAN_NUMERAL = re.compile(_ROMAN)
_DECOR = r"[*_~=\-–—#\[\]()<>:.|\s]*"
# "Chapter" in the other languages archives write (French, Spanish, Portuguese, German,
# Italian, Dutch): "Chapitre 2 : La tempête", "Capítulo 3", "Kapitel 4"
_OTHER_KINDS = r"chapitre|partie|cap[ií]tulo|kapitel|capitolo|hoofdstuk"

_CHAPTER = re.compile(
    rf"^{_DECOR}(?P<kind>chapter|chap\.?|ch\.?|part|section|episode|act|book|{_OTHER_KINDS})"
    rf"\s+(?P<num>{_NUM})"
    rf"(?:\s+of\s+(?P<total>{_NUM}))?"
    rf"(?:(?:\s*(?P<sep>[:.\-–—|)\]~]+)|\s)\s*(?P<title>.{{0,150}}?))?{_DECOR}$",
    re.IGNORECASE,
)
_ORDINAL_CHAPTER = re.compile(
    rf"^{_DECOR}(?P<ord>{'|'.join(_ORDINALS)})\s+(?P<kind>chapter|part)"
    rf"(?:\s*[:.\-–—|]+\s*(?P<title>.{{1,150}}?))?{_DECOR}$",
    re.IGNORECASE,
)
_SPECIAL = re.compile(
    rf"^{_DECOR}(?P<kind>pr[oó]log(?:ue|o)?|[ée]p[ií]log(?:ue|o)?|interlude|coda|intermission"
    rf"|entr'acte)"
    rf"(?:\s*(?:[:.\-–—|]+|\s)\s*(?P<title>.{{1,150}}?))?{_DECOR}$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(
    rf"^{_DECOR}(?P<num>\d{{1,3}}|{_ROMAN})(?:\s*[.:)\-–—]\s*|\s+)?"
    r"(?P<title>[A-Z\"“'‘][^.!?]{0,80}?)?[*_~=\-–—#\]\s]*$"
)
# a cheap first test: what a heading can start with (after decoration)
_HEAD_START = re.compile(
    r"^[\W_]*(?:chap|ch\b|part|sect|epis|act|book|prol|epil|inter|coda|entr|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|[0-9]|[ivxlc]+\b|"
    r"cap[ií]t|kapit|hoofd|[ée]p[ií]l|pr[oó]l)",
    re.IGNORECASE,
)
# `match_heading`'s first test, public so a caller can apply it to many lines cheaply:
# a line with no "#" that this does not match is no heading (`[\W_]*` skips the leading
# blank space `strip` would).
HEAD_START = _HEAD_START
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"[.,;!?…\"”]$")


@dataclass(frozen=True, slots=True)
class Heading:
    number: int | None
    label: str | None  # the heading's own words: "Chapter 1", "Part III", "Prologue"
    title: str | None
    total: int | None = None  # "Part 1 of 3"


def roman_to_int(text: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    text = text.upper()
    if not text or any(ch not in values for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        if i + 1 < len(text) and values[text[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


def number_value(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    low = text.lower().replace("-", " ")
    if low in _UNITS:
        return _UNITS[low]
    parts = low.split()
    if parts and parts[0] in _TENS:
        unit = _UNITS.get(parts[1], 0) if len(parts) > 1 else 0
        return _TENS[parts[0]] + unit
    if _ROMAN_NUMERAL.fullmatch(text.upper()):
        return roman_to_int(text)
    return None


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = title.strip().strip("*_~=#|").strip()
    if len(title) >= 2 and title[0] in "\"“'‘" and title[-1] in "\"”'’":
        title = title[1:-1].strip()
    return title or None


def _label(line: str, start: int, end: int) -> str:
    return " ".join(line[start:end].split())


def match_heading(line: str, *, markdown: bool = False) -> Heading | None:
    """A chapter heading on a line of its own, or None.

    With `markdown`, any `#`-heading is a heading (its text is the title when it is not
    a "Chapter N"-style label).
    """
    text = line.strip()
    if not text or len(text) > 200:
        return None
    if text[0] != "#" and not _HEAD_START.match(text):
        return None
    md = _MD_HEADING.match(text)
    if md:
        text = md.group("text").strip()
    m = _CHAPTER.match(text)
    if m and m.group("title") and not m.group("sep") and not m.group("title")[0].isupper():
        m = None
    if m and not (m.group("title") and _SENTENCE_END.search(m.group("title").strip("*_ "))):
        num = number_value(m.group("num"))
        total = number_value(m.group("total")) if m.group("total") else None
        end = m.end("total") if m.group("total") else m.end("num")
        label_end = m.end("num")
        if m.group("kind").lower() in ("book", "act") and not md:
            return None
        return Heading(
            num,
            _label(text, m.start("kind"), label_end),
            _clean_title(m.group("title")),
            total if end else None,
        )
    m = _ORDINAL_CHAPTER.match(text)
    if m:
        return Heading(
            _ORDINALS[m.group("ord").lower()],
            _label(text, m.start("ord"), m.end("kind")),
            _clean_title(m.group("title")),
        )
    m = _SPECIAL.match(text)
    if m and not (m.group("title") and len(m.group("title").split()) > 12):
        return Heading(None, m.group("kind").strip().title(), _clean_title(m.group("title")))
    if md and (markdown or len(md.group("hashes")) >= 2):
        return Heading(None, None, _clean_title(text))
    return None


def bare_number_heading(line: str) -> Heading | None:
    """A heading that is only a number ("1.", "IV", "~ 2 ~", "3. The Fall")."""
    m = _BARE_NUMBER.match(line.strip())
    if not m:
        return None
    num = number_value(m.group("num"))
    if num is None or num == 0:
        return None
    title = _clean_title(m.group("title"))
    if title and len(title.split()) > 10:
        return None
    return Heading(num, None, title)


def numbered_headings(lines: list[str]) -> set[int]:
    """Indices of lines that are bare-number headings in sequence (1, 2, 3 ...).

    A run must start at 1 (or continue a chapter number) and hold at least two headings.
    """
    candidates = [(i, h) for i, line in enumerate(lines) if (h := bare_number_heading(line))]
    best: list[int] = []
    run: list[int] = []
    expected = None
    for i, h in candidates:
        if expected is not None and h.number == expected:
            run.append(i)
            expected += 1
        elif h.number == 1:
            if len(run) > len(best):
                best = run
            run, expected = [i], 2
    if len(run) > len(best):
        best = run
    return set(best) if len(best) >= 2 else set()
