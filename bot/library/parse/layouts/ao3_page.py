"""Archive of Our Own work pages saved from a browser (site chrome and all)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter, Status
from bot.library.parse.html_meta import progress, selector_score
from bot.library.parse.html_text import inline_text, within
from bot.library.parse.layouts.ao3_common import (
    add_note,
    byline_authors,
    chapter_of,
    page_title,
    tag_items,
    text_of,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled, apply_stats

NAME = "ao3-page"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("meta", "workskin", "heading", "chapters", "generator")

_PAGE_SIGNS = (
    ("dl.work.meta", 0.5),
    ("#workskin", 0.3),
    ("h2.title.heading", 0.1),
    ("#chapters", 0.1),
    ("meta[name='generator'][content*='archive' i]", 0.1),
)


def detect(tree: LexborHTMLParser) -> float:
    """AO3 work page saved from a browser (site chrome and all)."""
    return selector_score(tree, _PAGE_SIGNS)


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


# ----------------------------------------------------------------- work page


_PAGE_TAG_CLASSES = {
    "rating": "Rating",
    "warning": "Archive Warning",
    "fandom": "Fandom",
    "relationship": "Relationship",
    "character": "Character",
    "freeform": "Additional Tags",
}


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    raw = RawStory(layout=NAME)
    meta = tree.css_first("dl.work.meta")
    if meta is not None:
        for dd in meta.css("dd"):
            classes = (dd.attributes.get("class") or "").split()
            for cls, label in _PAGE_TAG_CLASSES.items():
                if cls in classes:
                    items = [inline_text(a) for a in dd.css("a.tag")] or tag_items(dd)
                    apply_labelled(raw, label, inline_text(dd), items)
                    break
            if "language" in classes:
                apply_labelled(raw, "Language", inline_text(dd))
            if "series" in classes:  # "← Previous Work Part 2 of Dark Days Next Work →"
                position = dd.css_first("span.position")
                apply_labelled(raw, "Series", inline_text(position or dd))
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
            apply_stats(raw, "stats", inline_text(dd))

    skin = tree.css_first("#workskin") or tree.body or tree.root
    raw.title = inline_text(skin.css_first("h2.title")) or None
    raw.authors = byline_authors(skin.css_first("h3.byline")) or raw.authors
    raw.title_fallback = page_title(tree)

    chapters_node = skin.css_first("#chapters")
    work_preface = None
    for pre in skin.css("div.preface"):
        if chapters_node is None or not within(pre, {chapters_node.mem_id}):
            work_preface = pre
            break
    if work_preface is not None:
        raw.summary = text_of(work_preface.css_first(".summary blockquote.userstuff")) or None
        for quote in work_preface.css(".notes blockquote.userstuff"):
            add_note(raw, text_of(quote))

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
                add_note(raw, text_of(quote))
            heading = inline_text(chapter.css_first("h3.title"))
            text = text_of(body, body.css(".landmark"))
            if text:
                chapters.append(chapter_of(heading, len(chapters) + 1, text))
        if not chapters:
            body = chapters_node.css_first("div.userstuff")
            text = text_of(body or chapters_node, (body or chapters_node).css(".landmark"))
            if text:
                chapters.append(Chapter(number=1, label=None, title=None, text=text))
    for quote in skin.css("#work_endnotes blockquote.userstuff"):
        add_note(raw, text_of(quote))
    raw.chapters = chapters
    return raw
