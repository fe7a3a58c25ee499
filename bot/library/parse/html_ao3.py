"""Archive of Our Own: "Download → HTML" files and work pages saved from a browser.

Also used for AO3 EPUBs, whose XHTML documents carry the download's preface/chapters
markup (joined into one document by `epub.py`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter, Status
from bot.library.parse.html_meta import (
    apply_label,
    apply_stats,
    dedupe,
    progress,
    selector_score,
    split_heading,
)
from bot.library.parse.html_text import inline_text, node_paragraphs, tidy_paragraphs, within
from bot.library.parse.raw import RawStory
from bot.library.rules import boilerplate, fold

DOWNLOAD_LAYOUT = "ao3-html"
PAGE_LAYOUT = "ao3-page"

_NOTE_LABELS = {
    "notes",
    "notes:",
    "chapter notes",
    "chapter end notes",
    "end notes",
    "author's note:",
    "chapter summary",
}


# ------------------------------------------------------------------------ scoring


_DOWNLOAD_SIGNS = (
    ("#preface dl, div.meta dl.tags", 0.5),
    ("#chapters", 0.2),
    ("#preface a[href*='archiveofourown']", 0.3),
    ("[class^='byline'] a[rel='author']", 0.1),
    ("dl.work.meta", -0.5),  # that is a work page
)
_PAGE_SIGNS = (
    ("dl.work.meta", 0.5),
    ("#workskin", 0.3),
    ("h2.title.heading", 0.1),
    ("#chapters", 0.1),
    ("meta[name='generator'][content*='archive' i]", 0.1),
)


def score_download(tree: LexborHTMLParser) -> float:
    """AO3 "Download → HTML" (and AO3 EPUB documents)."""
    return selector_score(tree, _DOWNLOAD_SIGNS)


def score_page(tree: LexborHTMLParser) -> float:
    """AO3 work page saved from a browser (site chrome and all)."""
    return selector_score(tree, _PAGE_SIGNS)


# --------------------------------------------------------------------- shared


def _text(node: LexborNode | None, drop: list[LexborNode] | None = None) -> str:
    if node is None:
        return ""
    return "\n\n".join(tidy_paragraphs(node_paragraphs(node, drop=drop or ())))


def _tag_items(dd: LexborNode) -> list[str]:
    links = [inline_text(a) for a in dd.css("a")]
    return [x for x in links if x]


def _add_note(raw: RawStory, text: str) -> None:
    text = text.strip()
    chrome = len(text) <= 200 and boilerplate().drop_line.match(fold(text))  # "(See the end…)"
    if text and not chrome and text not in raw.notes:
        raw.notes.append(text)


def _byline_authors(byline: LexborNode | None) -> list[str]:
    """The author links of a byline, else its text ("by A, B") split at commas."""
    if byline is None:
        return []
    authors = [inline_text(a) for a in byline.css("a[rel='author']")]
    if not authors:
        text = re.sub(r"^\s*by\s+", "", inline_text(byline), flags=re.I)
        authors = [a.strip() for a in text.split(",")]
    return dedupe([a for a in authors if a])


def _page_title(tree: LexborHTMLParser) -> str | None:
    """The story title from `<title>` ("Title - Author - Fandom [Archive of Our Own]")."""
    return inline_text(tree.css_first("title")).split(" - ")[0].strip() or None


def _chapter(heading_text: str, index: int, text: str) -> Chapter:
    head = split_heading(heading_text)
    number = head.number if head.number is not None else index
    return Chapter(number=number, label=head.label, title=head.title, text=text)


# ------------------------------------------------------------------- download


def extract_download(tree: LexborHTMLParser, source_name: str, *, joined: bool = False) -> RawStory:
    """`joined`: documents of a split EPUB joined into one body (wrappers repeat)."""
    raw = RawStory(layout=DOWNLOAD_LAYOUT)
    body = tree.body or tree.root
    preface = tree.css_first("#preface") or body

    # EPUBs made by calibre rename classes ("tags" → "tags1"): match on prefixes
    for dl in preface.css("dl" if preface.mem_id != body.mem_id else "dl[class^='tags']"):
        label = ""
        for child in dl.iter():
            if child.tag == "dt":
                label = inline_text(child)
            elif child.tag == "dd" and label:
                apply_label(raw, label, inline_text(child), _tag_items(child))
                label = ""

    title_node = preface.css_first("h1") or preface.css_first("p[class^='message'] b")
    raw.title = inline_text(title_node) or None
    raw.authors = _byline_authors(preface.css_first("[class^='byline']")) or raw.authors
    raw.title_fallback = _page_title(tree)

    # labelled blockquotes: <p>Summary</p><blockquote class="userstuff">…</blockquote>
    for label_node, quote in _labelled_quotes(body):
        label = inline_text(label_node).lower()
        text = _text(quote)
        if label in ("summary", "summary:") and within(label_node, {preface.mem_id}):
            raw.summary = raw.summary or text or None
        elif label in _NOTE_LABELS or label.startswith("summary"):
            _add_note(raw, text)

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


def _inside(node: LexborNode, stop_id: int, classes: tuple[str, ...]) -> bool:
    """True if an ancestor below `stop_id` is a blockquote or has one of `classes`."""
    cur = node.parent
    while cur is not None and cur.mem_id != stop_id:
        if cur.tag == "blockquote":
            return True
        cls = (cur.attributes.get("class") or "").split()
        if any(c in cls for c in classes):
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
            chapters.append(_chapter(heading_text or "", len(chapters) + 1, text))

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
            parts.append(_text(node))
    if seen_heading or parts:
        flush()
        if not seen_heading and chapters:
            only = chapters[0]
            chapters[0] = Chapter(number=1, label=None, title=None, text=only.text)
        return [c for c in chapters if c.text]
    # no chapter markup at all: the container minus its meta groups
    drop = [n for n in container.css(_META_PARTS) if n.mem_id != container.mem_id]
    text = _text(container, drop)
    return [Chapter(number=1, label=None, title=None, text=text)] if text else []


_CHAPTER_PARTS = "h2[class^='heading'], div[class^='userstuff']"
_META_PARTS = "div[class^='meta'], h2[class^='heading'], h2[class^='toc-heading']"


# ----------------------------------------------------------------- work page


_PAGE_TAG_CLASSES = {
    "rating": "Rating",
    "warning": "Archive Warning",
    "fandom": "Fandom",
    "relationship": "Relationship",
    "character": "Character",
    "freeform": "Additional Tags",
}


def extract_page(tree: LexborHTMLParser, source_name: str) -> RawStory:
    raw = RawStory(layout=PAGE_LAYOUT)
    meta = tree.css_first("dl.work.meta")
    if meta is not None:
        for dd in meta.css("dd"):
            classes = (dd.attributes.get("class") or "").split()
            for cls, label in _PAGE_TAG_CLASSES.items():
                if cls in classes:
                    items = [inline_text(a) for a in dd.css("a.tag")] or _tag_items(dd)
                    apply_label(raw, label, inline_text(dd), items)
                    break
            if "language" in classes:
                apply_label(raw, "Language", inline_text(dd))
        stats = meta.css_first("dl.stats")
        if stats is not None:
            chapters = stats.css_first("dd.chapters")
            if chapters is not None:
                _posted, total, status = progress(inline_text(chapters))
                raw.total_chapters = total
                raw.status_declared = status
            status_dt = stats.css_first("dt.status")
            if status_dt is not None and inline_text(status_dt).lower().startswith("completed"):
                raw.status_declared = Status.COMPLETE
        elif (dd := meta.css_first("dd.stats")) is not None:
            apply_stats(raw, inline_text(dd))

    skin = tree.css_first("#workskin") or tree.body or tree.root
    raw.title = inline_text(skin.css_first("h2.title")) or None
    raw.authors = _byline_authors(skin.css_first("h3.byline")) or raw.authors
    raw.title_fallback = _page_title(tree)

    chapters_node = skin.css_first("#chapters")
    work_preface = None
    for pre in skin.css("div.preface"):
        if chapters_node is None or not within(pre, {chapters_node.mem_id}):
            work_preface = pre
            break
    if work_preface is not None:
        raw.summary = _text(work_preface.css_first(".summary blockquote.userstuff")) or None
        for quote in work_preface.css(".notes blockquote.userstuff"):
            _add_note(raw, _text(quote))

    chapters: list[Chapter] = []
    if chapters_node is not None:
        for chapter in chapters_node.css("div.chapter"):
            body = None
            for cand in chapter.css("div.userstuff"):
                if not _inside(cand, chapter.mem_id, ("userstuff", "preface")):
                    body = cand
                    break
            if body is None:
                continue
            for quote in chapter.css(".preface blockquote.userstuff"):
                _add_note(raw, _text(quote))
            heading = inline_text(chapter.css_first("h3.title"))
            text = _text(body, body.css(".landmark"))
            if text:
                chapters.append(_chapter(heading, len(chapters) + 1, text))
        if not chapters:
            body = chapters_node.css_first("div.userstuff")
            text = _text(body or chapters_node, (body or chapters_node).css(".landmark"))
            if text:
                chapters.append(Chapter(number=1, label=None, title=None, text=text))
    for quote in skin.css("#work_endnotes blockquote.userstuff"):
        _add_note(raw, _text(quote))
    raw.chapters = chapters
    return raw
