"""HTML story pages → `RawStory`.

Each layout is a small unit — a `score(tree)` saying how sure it is that a page is its kind
and an `extract(tree, source_name)` that reads what it knows: AO3 downloads and work
pages, FanFiction.net chapter pages, eFiction pages. Any other page is a plain article:
its main content is turned into text and handed to the text parser, so header blocks and
bylines written in the text are still recognised.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.decode import binary_kind, decode_bytes, normalise_text
from bot.library.parse.html_depth import flatten_deep
from bot.library.parse.html_text import (
    SKIP_TAGS,
    inline_text,
    node_paragraphs,
    remove_nodes,
    tidy_paragraphs,
)
from bot.library.parse.layouts import ao3_download, ao3_page, efiction, ffnet
from bot.library.parse.raw import RawStory
from bot.library.parse.text import parse_text

log = logging.getLogger(__name__)

ARTICLE_LAYOUT = "html-article"
MIN_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class HtmlLayout:
    name: str
    score: Callable[[LexborHTMLParser], float]
    extract: Callable[[LexborHTMLParser, str], RawStory]


LAYOUTS: tuple[HtmlLayout, ...] = tuple(
    HtmlLayout(m.NAME, m.detect, m.extract) for m in (ao3_download, ao3_page, ffnet, efiction)
)


def parse_html(text: str, source_name: str) -> RawStory:
    """Parse one HTML page; the best-scoring layout wins, else the plain-article reader."""
    text, dropped = flatten_deep(text)
    if dropped:
        log.info("%s: %d tags nested too deeply were dropped", source_name, dropped)
    tree = LexborHTMLParser(text)
    best, best_score = LAYOUTS[0], float("-inf")
    for layout in LAYOUTS:  # the first of the best-scoring; no layout scores over 1
        score = layout.score(tree)
        if score > best_score:
            best, best_score = layout, score
            if score >= 1.0:
                break
    if best_score >= MIN_SCORE:
        raw = best.extract(tree, source_name)
        if any(c.text.strip() for c in raw.chapters):
            return raw
        log.info("%s: looked like %s but had no story text", source_name, best.name)
        tree = LexborHTMLParser(text)
    return extract_article(tree, source_name)


# ------------------------------------------------------------------- articles

_CONTENT_SELECTORS = (
    "[itemprop='articleBody']",
    ".entry-content",
    ".post-content",
    ".post-body",
    ".article-body",
    ".story-content",
    "#story",
    ".story",
    "article",
    "main",
    "[role='main']",
    "#content",
    ".content",
)
_CHROME_SELECTOR = ", ".join(
    f"[{attr}*='{word}' i]"
    for attr in ("class", "id")
    for word in (
        "comment",
        "sidebar",
        "share",
        "social",
        "related",
        "widget",
        "breadcrumb",
        "cookie",
        "advert",
        "banner",
        "subscribe",
        "newsletter",
        "pagination",
        "navigation",
        "navbar",
        "menu",
        "skip-link",
        "skiplink",
        "sharedaddy",
        "jp-relatedposts",
        "post-navigation",
        "rating",
        "postratings",
    )
)
_SITE_TITLE = re.compile(r"site|logo|brand|blog-title|masthead|banner", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|»«–—:]|::|-)\s+")


def _text_len(node: LexborNode) -> int:
    return len(node.text(deep=True))


def _main_content(tree: LexborHTMLParser) -> LexborNode:
    body = tree.body or tree.root
    total = _text_len(body)
    if total == 0:
        return body
    for selector in _CONTENT_SELECTORS:
        nodes = tree.css(selector)
        if not nodes:
            continue
        best = max(nodes, key=_text_len)
        if _text_len(best) >= 0.5 * total:
            return best
    # the element whose own paragraphs hold most of the page's paragraph text
    scores: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    p_total = 0
    for p in body.css("p"):
        parent = p.parent
        if parent is None:
            continue
        n = len(p.text(deep=True))
        p_total += n
        scores[parent.mem_id] = scores.get(parent.mem_id, 0) + n
        parents[parent.mem_id] = parent
    if scores and p_total >= 0.3 * total:
        best_id = max(scores, key=scores.__getitem__)
        if scores[best_id] >= 0.5 * p_total:
            return parents[best_id]
    return body


def _page_title(tree: LexborHTMLParser) -> str | None:
    title = inline_text(tree.css_first("title"))
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    return parts[0].strip() or None


def extract_article(tree: LexborHTMLParser, source_name: str) -> RawStory:
    """Any other page: the main content as text, read by the text parser."""
    page_title = _page_title(tree)
    tree.strip_tags(sorted(SKIP_TAGS - {"head", "title"}))
    _remove_chrome(tree.body or tree.root)
    container = _main_content(tree)
    paragraphs = tidy_paragraphs(node_paragraphs(container))
    heading = _outside_heading(tree, container)
    if heading and (not paragraphs or paragraphs[0] != heading):
        paragraphs.insert(0, heading)
    raw = parse_text("\n\n".join(paragraphs), source_name)
    raw.layout = f"{ARTICLE_LAYOUT}/{raw.layout}" if raw.layout else ARTICLE_LAYOUT
    if raw.title is None and raw.title_fallback is None:
        raw.title_fallback = page_title
    return raw


def _has_ancestor(node: LexborNode, tags: frozenset[str]) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.tag in tags:
            return True
        cur = cur.parent
    return False


def _is_site_header(header: LexborNode) -> bool:
    if _has_ancestor(header, _ARTICLE_TAGS):
        return False  # an article's own header holds its title and byline
    return header.css_first("nav") is not None or bool(_SITE_TITLE.search(_marks(header)))


def _marks(node: LexborNode) -> str:
    """A node's class, id and role, for telling site chrome by name."""
    attrs = node.attributes or {}
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"


def _remove_chrome(body: LexborNode) -> None:
    """Drop navigation, comments, sharing, widgets… — but never a block holding a large
    share of the page's text (a wrapper whose class happens to say "has-sidebar")."""
    total = len(body.text(deep=True))
    if total == 0:
        return
    chrome = [
        node
        for node in body.css(f"{_CHROME_SELECTOR}, nav, footer, aside, menu, header")
        if (node.tag != "header" or _is_site_header(node)) and _text_len(node) < 0.4 * total
    ]
    remove_nodes(body, chrome)


_ARTICLE_TAGS = frozenset({"article"})


def _outside_heading(tree: LexborHTMLParser, container: LexborNode) -> str | None:
    """The story's `<h1>` when it sits outside the chosen content (WordPress entry titles)."""
    if container.css_first("h1, h2") is not None:
        return None
    found = [h1 for h1 in tree.css("h1") if not _is_site_heading(h1)]
    if len(found) > 1:
        found = [h for h in found if "title" in (h.attributes.get("class") or "")]
    return inline_text(found[0]) or None if len(found) == 1 else None


_PAGE_CHROME = frozenset({"nav", "footer", "aside", "menu"})


def _is_site_heading(h1: LexborNode) -> bool:
    """A site's name in its banner, not a story title."""
    depth = 0
    cur: LexborNode | None = h1
    while cur is not None:
        if cur.tag in _PAGE_CHROME:
            return True
        if (depth < 3 or cur.tag == "header") and _SITE_TITLE.search(_marks(cur)):
            return True
        depth += 1
        cur = cur.parent
    return False


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
