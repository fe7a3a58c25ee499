"""FanFicFare's HTML export (fanficfare/writers/writer_html.py).

    <h1><a href="story url">Title</a> by <a href="author url">Author</a></h1>
    <table class="full"><tr><td><b>Label:</b></td><td>value</td></tr>…</table>
    <a name="TOCTOP"><h2>Table of Contents</h2></a> <p><a href="#section0001">…</a><br/>…</p>
    <a name="section0001"><h2>Chapter title</h2></a> chapter html …

The title page labels are FanFicFare's defaults.ini `*_label` names: Category (the
fandom), Genre, Language, Characters, Relationships, Status, Published, Updated,
Packaged, Rating, Warnings, Chapters, Words, Publisher, Story URL, Author URL, Summary.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from bot.library.model import Chapter, Status
from bot.library.parse.html_meta import dedupe, selector_score, split_heading
from bot.library.parse.html_notes import lift_front_matter
from bot.library.parse.html_text import inline_text, markup_paragraphs, node_text
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled

NAME = "fanficfare-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("full", "section", "TOCTOP")

_SIGNS = (
    ("table.full td b", 0.4),
    ("a[name^='section'] h2", 0.3),
    ("a[name='TOCTOP']", 0.2),
    ("h1 a", 0.1),
)
_SECTION = re.compile(r"<a [^>]*name=\"section\d+\"[^>]*>", re.I)
_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_SKIPPED = {"story url", "author url", "publisher", "packaged", "site", "words", "url"}


def detect(tree: LexborHTMLParser) -> float:
    return selector_score(tree, _SIGNS)


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    raw = RawStory(layout=NAME)
    h1 = tree.css_first("h1")
    if h1 is not None:
        links = h1.css("a")
        if links:
            raw.title = inline_text(links[0]) or None
            raw.authors = dedupe([a for a in (inline_text(x) for x in links[1:]) if a])
        else:
            text = inline_text(h1)
            title, _, author = text.partition(" by ")
            raw.title = title.strip() or None
            raw.authors = [author.strip()] if author.strip() else []
    table = tree.css_first("table.full")
    downloaded = False  # a bare "Chapters: n" was read
    if table is not None:
        for row in table.css("tr"):
            cells = row.css("td, th")
            if len(cells) < 2:
                continue
            label = inline_text(cells[0]).rstrip(":").strip()
            key = label.lower()
            if key in _SKIPPED:
                continue
            if key == "summary":
                raw.summary = node_text(cells[1]) or raw.summary
                continue
            value = inline_text(cells[1])
            items = [inline_text(a) for a in cells[1].css("a")]
            items = [x for x in items if x] or None
            apply_labelled(raw, label, value, items, site="fanficfare")
            if key == "rating" and value and value != raw.rating:
                raw.rating_evidence.append(value)
            if key == "chapters" and value.strip().isdigit():
                downloaded = True
    if downloaded and raw.status_declared is not Status.COMPLETE:
        # FanFicFare's bare "Chapters: 3" counts what it downloaded, not the plan
        raw.total_chapters = None
    raw.chapters = _chapters(raw, tree.body.html if tree.body is not None else "")
    return raw


def _chapters(raw: RawStory, markup: str) -> list[Chapter]:
    starts = [m.start() for m in _SECTION.finditer(markup)]
    chapters: list[Chapter] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(markup)
        part = markup[start:end]
        m = _H2.search(part)
        heading = " ".join(_TAGS.sub(" ", m.group(1)).split()) if m else ""
        body = part[m.end() :] if m else part
        paragraphs = markup_paragraphs(body)
        text = lift_front_matter(raw, paragraphs)
        if not text:
            continue
        head = split_heading(heading)
        number = head.number if head.number is not None else len(chapters) + 1
        chapters.append(Chapter(number=number, label=head.label, title=head.title, text=text))
    return chapters
