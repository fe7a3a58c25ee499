"""What one line of a text story is: a "Label: value" header line, a byline, a title
line, site chrome, navigation, a contact line, a scene break, a review plea..."""

from __future__ import annotations

import re

from bot.library.parse.chapters import (
    match_heading,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.text_blocks import Block
from bot.library.rules import boilerplate, fold, header_labels, label_key

_BYLINE = re.compile(
    r"^(?:[*_]{1,2})?\s*(?:(?:(?:a\s+)?(?:story|fic|fanfic|poem)\s+)?(?:written\s+)?by"
    # French: "par Nom", "écrit par Nom", "Une fanfiction de Nom"
    r"|(?:(?:une?\s+)?(?:histoire|fic|fanfic|fanfiction|fiction|po[eè]me)\s+)?(?:[ée]crite?\s+)?par"
    r"|une?\s+(?:histoire|fic|fanfic|fanfiction|fiction|po[eè]me)\s+(?:[ée]crite?\s+)?de)"
    r"\s*:?\s+(?P<name>[^\s].{0,79}?)\s*(?:[*_]{1,2})?$",
    re.IGNORECASE,
)
# a byline's name does not open with an article ("By the sea", "Par la fenêtre")
_ARTICLE = re.compile(
    r"^(?:[Tt]he\s|(?:[Aa]n?|[Ll][ae]s?|[Uu]ne?|[Dd](?:es|u|e))\s+[a-zà-ÿ]|[Ll]['’][a-zà-ÿ])"
)


_BOLD_LINE = re.compile(r"^(?:\*\*|__)(?P<text>[^*_].{0,150}?)(?:\*\*|__)$")


_MD_TITLE = re.compile(r"^#\s+(?P<text>.{1,150}?)\s*#*$")


_SENTENCE_END = re.compile(r"[.,;:!…]\s*[\"”'’)]*$")


FFN_RATED = re.compile(r"^(?P<rating>(?:fiction\s+)?(?:k\+?|t|m|ma))\s+-\s+(?P<rest>.+)$", re.I)


QUOTE_START = re.compile(r"^[*_]*[\"“'‘]")


# Labels that may stand alone on a line ("Summary", "Notes") as in AO3 downloads.
_BARE_LABEL_FIELDS = {"summary", "notes", "disclaimer"}


SINGLE_VALUE = {
    "title",
    "author",
    "rating",
    "total_chapters",
    "chapters",
    "status",
    "language",
    "subject",
    "series",
    "series_part",
}


def word_count(text: str) -> int:
    return len(text.split())


def parse_label(line: str) -> tuple[str, str, str] | None:
    """(field, label key, value) for a "Label: value" line."""
    labels = header_labels()
    m = labels.pattern.match(line)
    if not m and line[:1] in "([" and line[-1:] in ")]":
        m = labels.pattern.match(line[1:-1])
        if m and labels.field_of.get(label_key(m.group("label"))) != "notes":
            m = None
    if not m:
        return None
    key = label_key(m.group("label"))
    fieldname = labels.field_of.get(key)
    if fieldname is None:
        return None
    value = strip_markup_edges(m.group("value"))
    info_line = fieldname == "rating" and " - " in value and len(value) <= 800
    if fieldname in SINGLE_VALUE and len(value) > 200 and not info_line:
        return None  # (a FanFiction.net info line is long)
    return fieldname, key, value


_SPLITTABLE = {
    "rating",
    "status",
    "chapters",
    "total_chapters",
    "ignore",
    "language",
    "author",
    "relationships",
    "fandoms",
    "characters",
    "series",
    "series_part",
}


def strip_markup_edges(text: str) -> str:
    """Drop emphasis markers left at a value's edges ("** PG" from "**Rating:** PG").

    A trailing run that closes emphasis opened inside the value stays: "…*sigh*" keeps
    its closing star.
    """
    text = text.strip().lstrip("*_").lstrip()
    core = text.rstrip("*_")
    trail = text[len(core) :]
    core = core.rstrip()
    kept = "".join(ch for ch in trail if core.count(ch) % 2 == 1)[:1]
    return core + kept


def parse_labels(line: str) -> list[tuple[str, str, str]]:
    """All "Label: value" pairs on a line ("Chapters: 1 Completed: Yes Word count: 230")."""
    first = parse_label(line)
    if first is None:
        return []
    if first[0] not in _SPLITTABLE or ":" not in first[2] or FFN_RATED.match(first[2]):
        return [first]
    labels = header_labels()
    cuts = [
        m
        for m in labels.inline.finditer(line)
        if labels.field_of.get(label_key(m.group("label"))) in _SPLITTABLE
    ]
    if len(cuts) < 2:
        return [first]
    out: list[tuple[str, str, str]] = []
    for k, m in enumerate(cuts):
        end = cuts[k + 1].start() if k + 1 < len(cuts) else len(line)
        seg = parse_label(line[m.start() : end].strip())
        if seg:
            out.append(seg)
    return out or [first]


def bare_label(line: str) -> tuple[str, str] | None:
    text = line.strip().strip("#*_").strip()
    if not text or len(text) > 40:
        return None
    key = label_key(text)
    fieldname = header_labels().field_of.get(key)
    if fieldname in _BARE_LABEL_FIELDS:
        return fieldname, key
    return None


def byline(line: str) -> str | None:
    m = _BYLINE.match(line)
    if not m:
        return None
    name = m.group("name").strip().strip("*_").strip()
    if not name or word_count(name) > 6 or name[-1] in ".!?," or _ARTICLE.match(name):
        return None
    return name


def bold_title(line: str) -> str | None:
    m = _BOLD_LINE.match(line) or _MD_TITLE.match(line)
    if not m:
        return None
    text = m.group("text").strip().strip("*_").strip()
    if not text or word_count(text) > 15 or parse_label(text) or match_heading(text):
        return None
    return text


def title_like(line: str) -> bool:
    text = line.strip().strip("*_#").strip()
    if not text or len(text) > 100 or word_count(text) > 14:
        return False
    if _SENTENCE_END.search(text) and not text.endswith("..."):
        return False
    return not text[0].islower()


def is_chrome(line: str) -> bool:
    if len(line) > 200:
        return False
    return bool(boilerplate().drop_line.match(fold(line)))


def is_navigation(line: str, raw: RawStory) -> bool:
    if len(line) <= 200 and boilerplate().navigation.match(fold(line)):
        raw.more_chapters = True
        return True
    return False


def is_scene_break(line: str) -> bool:
    return bool(boilerplate().scene_break.match(line.strip()))


def contact_handle(line: str) -> str | bool | None:
    """False when not a contact line; else the messenger handle (or None)."""
    rules = boilerplate()
    folded = fold(line)
    if not rules.contact_line.match(folded) or rules.feedback_request.match(folded):
        return False
    m = rules.contact_handle.search(folded)
    return m.group(1) if m else None


def is_plea(text: str) -> bool:
    return bool(boilerplate().review_plea.search(fold(text)))


def is_disclaimer(text: str) -> bool:
    return word_count(text) <= 120 and bool(boilerplate().disclaimer_cue.search(fold(text)))


# What is left of an e-mail placeholder whose "[email" part was cut off (wrapped onto the
# line before, or lost by a scraper): its tail, with no "[" before it on its line.
_ORPHAN_TAIL = re.compile(r"(?m)^([^\[\n]*?)[ \u00a0]*(?:protected|address(?:\s|\u00a0)*removed)\]")


def strip_placeholders(text: str) -> str:
    """`text` without e-mail placeholders ("[email protected]"), nested ones
    ("[email[email protected] protected]") and orphaned tails ("protected]") included."""
    rules = boilerplate()
    if "protected]" in text or "removed]" in text:
        while True:
            stripped = _ORPHAN_TAIL.sub(r"\1", rules.placeholder.sub("", text))
            if stripped == text:
                break
            text = stripped
        text = re.sub(r"[ \u00a0]{2,}", " ", text)
    return text


def is_meta_line(line: str) -> bool:
    return bool(
        parse_label(line)
        or bare_label(line)
        or byline(line)
        or bold_title(line)
        or is_chrome(line)
        or contact_handle(line) is not False
    )


def block_is_meta(block: Block) -> bool:
    return any(is_meta_line(line) for line in block.lines)


_TABLE_ROW = re.compile(
    r"^\|?\s*(?:[*_]{1,2})?(?P<label>[^|:\t*_]{1,40}?)(?:[*_]{1,2})?\s*:?\s*(?:[*_]{1,2})?"
    r"(?:\||\s{3,})\s*(?P<value>[^|]*?)\s*\|?\s*$"
)
_TABLE_RULE = re.compile(r"^[|+]?(?:\s*:?-{3,}:?\s*[|+])+\s*(?::?-{3,}:?)?\s*$")


def table_row(line: str) -> str | None:
    """A metadata table row as a label line: "| Rating | NC-17 |", "Rating      R" (cells
    set apart by "|", a tab or a run of spaces) -> "Rating: NC-17". A table's rule line
    ("|---|---|", "+----+----+") -> "". None when the line is not a row of a known label."""
    if "|" not in line and "   " not in line and "+-" not in line:
        return None
    if _TABLE_RULE.match(line):
        return ""
    m = _TABLE_ROW.match(line)
    if not m or not m.group("value"):
        return None
    label = m.group("label").strip()
    if label_key(label) not in header_labels().field_of:
        return None
    return f"{label}: {m.group('value').strip()}"
