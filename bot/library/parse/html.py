"""HTML story pages → `RawStory`.

Each layout is a module under `layouts/` — `detect(tree)` says how sure it is that a page
is its kind, `extract(tree, source_name)` reads what it knows: AO3 downloads and work
pages, FanFiction.net chapter pages, eFiction pages, FanFicFare HTML exports, LiveJournal /
Dreamwidth entries, WordPress posts. Any other page is a plain article (`layouts/article`).
Pages that are not a story are refused (`html_refuse`); pathologically nested pages are
flattened first (`html_depth`).
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from bot.library.decode import binary_kind, decode_bytes, normalise_text
from bot.library.parse.html_depth import flatten_deep
from bot.library.parse.html_refuse import refuse_non_story
from bot.library.parse.layouts import (
    ao3_download,
    ao3_page,
    article,
    efiction,
    fanficfare_html,
    ffnet,
    livejournal,
    wordpress,
)
from bot.library.parse.raw import RawStory

log = logging.getLogger(__name__)

MIN_SCORE = 0.5
HINT_CHARS = 300_000  # a layout's marks are near the top of its (large) pages


@dataclass(frozen=True, slots=True)
class HtmlLayout:
    name: str
    detect: Callable[[LexborHTMLParser], float]
    extract: Callable[[LexborHTMLParser, str], RawStory]
    hints: tuple[str, ...] = ()  # a page with none of these words is not this layout


# Tried in this order; the first to reach the top score (1) wins without scoring the rest.
# The article layout is the fallback for every page no other layout is sure of.
LAYOUTS: tuple[HtmlLayout, ...] = tuple(
    HtmlLayout(m.NAME, m.detect, m.extract, m.HINTS)
    for m in (ao3_download, ao3_page, ffnet, efiction, fanficfare_html, livejournal, wordpress)
)


def parse_html(text: str, source_name: str) -> RawStory:
    """Parse one HTML page; the best-scoring layout wins, else the plain-article reader.
    Raises StoryRejected for pages that are not a story (sign-in walls, adult-content
    interstitials, error pages, chapter indexes without text)."""
    text, dropped = flatten_deep(text)
    if dropped:
        log.info("%s: %d tags nested too deeply were dropped", source_name, dropped)
    tree = LexborHTMLParser(text)
    best, best_score = LAYOUTS[0], float("-inf")
    # on a large page CSS selectors over the whole tree cost more than a text search
    head = text[:HINT_CHARS] if len(text) > HINT_CHARS else None
    for layout in LAYOUTS:  # the first of the best-scoring; no layout scores over 1
        if head and layout.hints and not any(hint in head for hint in layout.hints):
            continue
        score = layout.detect(tree)
        if score > best_score:
            best, best_score = layout, score
            if score >= 1.0:
                break
    raw: RawStory | None = None
    if best_score >= MIN_SCORE:
        raw = best.extract(tree, source_name)
        if not any(c.text.strip() for c in raw.chapters):
            log.info("%s: looked like %s but had no story text", source_name, best.name)
            raw = None
    if raw is None:
        raw = article.extract(LexborHTMLParser(text), source_name)
    refuse_non_story(text, raw)
    return raw


# ------------------------------------------------------------------- charset

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
# the WHATWG encoding standard: pages labelled Latin-1/ASCII are decoded as Windows-1252
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "x-mac-roman": "mac_roman",
    "x-mac": "mac_roman",
    "mac": "mac_roman",
    "latin-9": "iso8859_15",
    "latin9": "iso8859_15",
}


def declared_charset(data: bytes) -> str | None:
    """The codec named by `<meta charset>` / http-equiv / the XML declaration, if known."""
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes of an HTML page → (text, encoding).

    `decode_bytes` decides (BOMs, strict UTF-8 — pages often mislabel UTF-8 as Latin-1 —,
    binary refusal, detection), except that a page which is not UTF-8 and names a legacy
    charset in `<meta charset>` / http-equiv / its XML declaration is read as it says.
    """
    declared = declared_charset(data)
    if declared and not declared.startswith("utf") and binary_kind(data) is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return normalise_text(data.decode(declared)), declared
            except UnicodeDecodeError:
                log.info("page declares %s but does not decode as it", declared)
    return decode_bytes(data)
