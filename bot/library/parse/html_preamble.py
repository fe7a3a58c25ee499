"""What a page says about its story outside the element that holds the text.

Old archives and author sites put "Title / Author / Rating: NC-17 / Pairing / Summary"
above the story text — as `<b>Label:</b>` runs, a `<table>` of label and value cells, a
`<dl>`, or plain lines — and the element holding the text does not contain it. Those
declared fields must not be lost (above all the rating: a dropped "NC-17" would let the
story be judged General). This module reads the paragraphs before the text ("the
preamble") with the one label vocabulary (data/headers.toml [labels], the applier of
`vocabulary.py`, as for text files) and merges what it
finds into the layout's record without overriding what the text itself declared; every
statement of a rating it finds goes to `RawStory.rating_evidence`.
"""

from __future__ import annotations

import re

from bot.library.parse.html_meta import dedupe
from bot.library.parse.html_text import clean_inline
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled, field_of
from bot.library.rules import boilerplate, fold

LIST_FIELDS = ("warnings", "fandoms", "relationships", "characters", "tags", "authors")

MAX_PREAMBLE = 40  # paragraphs read before the story text
_LINE_LABEL = re.compile(r"^\s*\**\s*([^\W\d_][^:]{0,38}?)\s*\**\s*:\s*\**\s*(.*)$")
_RATING_WORD = re.compile(r"\b(?:rat(?:ed|ing|ings)|classement)\b", re.I)
_EMPHASIS = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)")


def _plain(line: str) -> str:
    return clean_inline(_EMPHASIS.sub("", line))


def known_label(label: str) -> str | None:
    """The field a label names (the one vocabulary), else None."""
    return _known(label)


def _known(label: str, site: str | None = None) -> str | None:
    return field_of(clean_inline(label), site)


def read_preamble(paragraphs: list[str], site: str | None = None) -> RawStory:
    """Label lines ("Rating: NC-17") and label/value pairs split over two lines (table
    cells, `<dt>`/`<dd>`) in `paragraphs` → a `RawStory` of the declared fields; `site`
    names the source whose own label senses apply (vocabulary.field_of)."""
    pre = RawStory(layout="preamble")
    lines = preamble_lines(paragraphs)
    i = 0
    note_label = boilerplate().note_label
    while i < len(lines):
        line = lines[i]
        m = _LINE_LABEL.match(line)
        note = note_label.match(fold(line))
        if note is not None and line[note.start(1) : note.end(1)].strip():
            pre.notes.append(line[note.start(1) : note.end(1)].strip())  # "A/N: Rated M…"
        elif m and m.group(2) and _known(m.group(1)):
            _apply(pre, m.group(1), m.group(2), site)
        elif (m and not m.group(2) and _known(m.group(1))) or (_known(line) and len(line) <= 40):
            # "Rating:" / "Rating" alone, the value on the next line (a cell, a <dd>)
            label = m.group(1) if m else line
            if i + 1 < len(lines) and not is_label_line(lines[i + 1]):
                _apply(pre, label, lines[i + 1], site)
                i += 1
        i += 1
    return pre


_RUN_SEPARATOR = re.compile(r"\s+[·|•]\s+|\s+-\s+(?=[^\W\d_][\w '’]{0,30}:)")


def preamble_lines(paragraphs: list[str]) -> list[str]:
    """The preamble's lines; "Author: A · Rating: T · Pairing: X" runs split at the dots."""
    out: list[str] = []
    for p in paragraphs[-MAX_PREAMBLE:]:
        for line in p.split("\n"):
            plain = _plain(line)
            if not plain:
                continue
            parts = _RUN_SEPARATOR.split(plain)
            if len(parts) > 1 and sum(1 for x in parts if _labelled_known(x)) >= 2:
                out.extend(x for x in parts if x)
            else:
                out.append(plain)
    return out


def _labelled_known(line: str) -> bool:
    m = _LINE_LABEL.match(line)
    return bool(m and m.group(2) and _known(m.group(1)))


def is_label_line(line: str) -> bool:
    """A "Label: value" line, or a label alone, of a label the vocabulary knows."""
    line = _plain(line)
    m = _LINE_LABEL.match(line)
    return bool(m and _known(m.group(1))) or (len(line) <= 40 and _known(line) is not None)


def _apply(pre: RawStory, label: str, value: str, site: str | None) -> None:
    field_name = _known(label, site)
    if field_name == "rating":
        value = clean_inline(value)
        if value and value not in pre.rating_evidence:
            pre.rating_evidence.append(value)
    apply_labelled(pre, label, clean_inline(value), site=site)


def rating_lines(paragraphs: list[str]) -> list[str]:
    """Short lines outside the text that state a rating in words ("Rated M for language")
    — evidence for the rating rule, which maps what it recognises."""
    out: list[str] = []
    note_label = boilerplate().note_label
    for plain in preamble_lines(paragraphs):
        if note_label.match(fold(plain)):
            continue  # an author's note: kept in notes, where the rating rule reads it
        if 3 <= len(plain) <= 160 and _RATING_WORD.search(plain):
            m = _LINE_LABEL.match(plain)
            if (m and _known(m.group(1)) == "rating") or _known(plain):
                continue  # a label line or a label alone: read by read_preamble
            if plain not in out:
                out.append(plain)
    return out


def merge_preamble(raw: RawStory, pre: RawStory) -> None:
    """Fill `raw`'s empty fields from the preamble; list fields gain its items; a rating
    the text did not declare becomes the declared rating, and every rating the preamble
    states is rating evidence (the rating rule takes the highest)."""
    for value in pre.rating_evidence:
        if value != raw.rating and value not in raw.rating_evidence:
            raw.rating_evidence.append(value)
    if raw.rating is None and pre.rating is not None:
        raw.rating = pre.rating
        if pre.rating in raw.rating_evidence:
            raw.rating_evidence.remove(pre.rating)
    for name in ("title", "summary", "disclaimer", "spoilers", "language", "epigraph"):
        if getattr(raw, name) in (None, "") and getattr(pre, name):
            setattr(raw, name, getattr(pre, name))
    for name in LIST_FIELDS:
        current: list[str] = getattr(raw, name)
        extra: list[str] = getattr(pre, name)
        if name == "authors" and current:
            continue  # the text's own byline wins
        if extra:
            setattr(raw, name, dedupe([*current, *extra]))
    if raw.total_chapters is None:
        raw.total_chapters = pre.total_chapters
    if raw.status_declared is None:
        raw.status_declared = pre.status_declared
    for note in pre.notes:
        if note not in raw.notes:
            raw.notes.append(note)


def has_fields(pre: RawStory) -> bool:
    return bool(pre.title or pre.authors or pre.rating or pre.rating_evidence or pre.relationships)
