"""Archive of Our Own "Download → HTML" files.

Also used for AO3 EPUBs, whose XHTML documents carry the download's preface/chapters
markup (joined into one document by `epub.py`).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter
from bot.library.parse.html_meta import selector_score
from bot.library.parse.html_text import inline_text, within
from bot.library.parse.layouts.ao3_common import (
    NOTE_LABELS,
    add_note,
    byline_authors,
    chapter_of,
    page_title,
    tag_items,
    text_of,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled

NAME = "ao3-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("preface", "meta", "chapters", "byline")

_DOWNLOAD_SIGNS = (
    ("#preface dl, div.meta dl.tags", 0.5),
    ("#chapters", 0.2),
    ("#preface a[href*='archiveofourown']", 0.3),
    ("[class^='byline'] a[rel='author']", 0.1),
    ("dl.work.meta", -0.5),  # that is a work page
)


def detect(tree: LexborHTMLParser) -> float:
    """AO3 "Download → HTML" (and AO3 EPUB documents)."""
    return selector_score(tree, _DOWNLOAD_SIGNS)


def extract(tree: LexborHTMLParser, source_name: str, *, joined: bool = False) -> RawStory:
    """`joined`: documents of a split EPUB joined into one body (wrappers repeat)."""
    raw = RawStory(layout=NAME)
    body = tree.body or tree.root
    preface = tree.css_first("#preface") or body

    # EPUBs made by calibre rename classes ("tags" → "tags1"): match on prefixes
    for dl in preface.css("dl" if preface.mem_id != body.mem_id else "dl[class^='tags']"):
        label = ""
        for child in dl.iter():
            if child.tag == "dt":
                label = inline_text(child)
            elif child.tag == "dd" and label:
                apply_labelled(raw, label, inline_text(child), tag_items(child), site="ao3")
                label = ""

    title_node = preface.css_first("h1") or preface.css_first("p[class^='message'] b")
    raw.title = inline_text(title_node) or None
    raw.authors = byline_authors(preface.css_first("[class^='byline']")) or raw.authors
    raw.title_fallback = page_title(tree)

    # labelled blockquotes: <p>Summary</p><blockquote class="userstuff">…</blockquote>
    for label_node, quote in _labelled_quotes(body):
        label = inline_text(label_node).lower()
        text = text_of(quote)
        if label in ("summary", "summary:") and within(label_node, {preface.mem_id}):
            raw.summary = raw.summary or text or None
        elif label in NOTE_LABELS or label.startswith("summary"):
            add_note(raw, text)

    container = body if joined else tree.css_first("#chapters") or body
    raw.chapters = _download_chapters(container, preface)
    return raw


def _labelled_quotes(root: LexborNode) -> list[tuple[LexborNode, LexborNode]]:
    out = []
    for quote in root.css("blockquote"):
        if _in_story_text(quote):
            continue
        prev = quote.prev
        while prev is not None and prev.tag in ("-text", "-comment"):
            prev = prev.prev
        if prev is not None and prev.tag in ("p", "h3", "h4", "b", "strong"):
            out.append((prev, quote))
    return out


def _in_story_text(node: LexborNode) -> bool:
    """Inside a chapter body (`div.userstuff`, not the `#chapters` wrapper)."""
    cur = node.parent
    while cur is not None:
        attrs = cur.attributes
        cls = attrs.get("class") or ""
        if cls.startswith("meta") or attrs.get("id") in ("preface", "afterword"):
            return False
        if cur.tag == "div" and cls.startswith("userstuff") and attrs.get("id") != "chapters":
            return True
        cur = cur.parent
    return False


def _in_meta(node: LexborNode, stop_id: int, taken: set[int], *, groups: bool = True) -> bool:
    """Inside a blockquote, an already taken chapter body or (with `groups`) a `.meta`
    group, below the node `stop_id`."""
    cur = node.parent
    while cur is not None and cur.mem_id != stop_id:
        if cur.tag == "blockquote" or cur.mem_id in taken:
            return True
        if groups and (cur.attributes.get("class") or "").startswith("meta"):
            return True
        cur = cur.parent
    return False


def _download_chapters(container: LexborNode, preface: LexborNode) -> list[Chapter]:
    stop = container.mem_id
    skip_preface = preface.mem_id != stop
    preface_ids = {preface.mem_id}
    chapters: list[Chapter] = []
    heading_text: str | None = None
    parts: list[str] = []
    seen_heading = False
    taken: set[int] = set()

    def flush() -> None:
        text = "\n\n".join(p for p in parts if p)
        if heading_text is not None or text:
            chapters.append(chapter_of(heading_text or "", len(chapters) + 1, text))

    # css() returns matches in document order
    for node in container.css(_CHAPTER_PARTS):
        if node.mem_id == stop or (skip_preface and within(node, preface_ids)):
            continue
        if node.tag == "h2":
            if _in_meta(node, stop, taken, groups=False):
                continue
            if seen_heading:
                flush()
            seen_heading = True
            heading_text = inline_text(node)
            parts = []
        elif not _in_meta(node, stop, taken):
            if any(m.mem_id != node.mem_id for m in node.css(_CHAPTER_PARTS)):
                continue  # a wrapper (EPUB splits repeat the chapters container)
            taken.add(node.mem_id)
            parts.append(text_of(node))
    if seen_heading or parts:
        flush()
        if not seen_heading and chapters:
            only = chapters[0]
            chapters[0] = Chapter(number=1, label=None, title=None, text=only.text)
        return [c for c in chapters if c.text]
    # no chapter markup at all: the container minus its meta groups
    drop = [n for n in container.css(_META_PARTS) if n.mem_id != container.mem_id]
    text = text_of(container, drop)
    return [Chapter(number=1, label=None, title=None, text=text)] if text else []


_CHAPTER_PARTS = "h2[class^='heading'], div[class^='userstuff']"
_META_PARTS = "div[class^='meta'], h2[class^='heading'], h2[class^='toc-heading']"
