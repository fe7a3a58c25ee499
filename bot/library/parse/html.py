"""HTML story pages → `RawStory`.

Each layout is a module under `layouts/` — `detect(tree)` says how sure it is that a page
is its kind, `extract(tree, source_name)` reads what it knows: AO3 downloads and work
pages, FanFiction.net chapter pages, eFiction pages, FanFicFare HTML exports, LiveJournal /
Dreamwidth entries, WordPress posts. Any other page is a plain article (`layouts/article`).
Pages that are not a story are refused (`html_refuse`); pathologically nested pages are
flattened first (`html_depth`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from bot.library.decode import decode_bytes
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
    adult_meta = _says_adult(tree)  # read before a layout's extract changes the tree
    raw: RawStory | None = None
    if best_score >= MIN_SCORE:
        raw = best.extract(tree, source_name)
        if not any(c.text.strip() for c in raw.chapters):
            log.info("%s: looked like %s but had no story text", source_name, best.name)
            raw = None
    if raw is None:  # a layout's extract changes the tree: the article reader gets a fresh one
        fresh = tree if best_score < MIN_SCORE else LexborHTMLParser(text)  # detect only reads
        raw = article.extract(fresh, source_name)
    if adult_meta and _ADULT not in raw.rating_evidence:
        raw.rating_evidence.append(_ADULT)
    refuse_non_story(text, raw)
    return raw


# `<meta name="rating" content="adult">` (the SafeSearch label) and the RTA label of adult
# sites: the page says its content is for adults ("Adult" on the words scale: Mature)
_ADULT_META = re.compile(r"^\s*(?:adult|mature|RTA-5042-1996-1400-1577-RTA)\s*$", re.I)
_ADULT = "Adult"


def _says_adult(tree: LexborHTMLParser) -> bool:
    head = tree.head
    if head is None:
        return False
    return any(
        _ADULT_META.match(node.attributes.get("content") or "")
        for node in head.css("meta[name='rating' i]")[:3]
    )


# ------------------------------------------------------------------- charset


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes of an HTML page → (text, encoding): `decode.decode_bytes`, which honours the
    charset a page declares (`<meta charset>`, http-equiv, the XML declaration; the one
    reader is `decode.declared_charset`) when the bytes are not UTF-8 — pages often
    mislabel UTF-8 as Latin-1 — and detects it otherwise."""
    return decode_bytes(data)
