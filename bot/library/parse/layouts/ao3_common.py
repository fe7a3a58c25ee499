"""Archive of Our Own: what the download and the work-page layouts share."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter
from bot.library.parse.html_meta import dedupe, split_heading
from bot.library.parse.html_text import inline_text, node_paragraphs, tidy_paragraphs
from bot.library.parse.raw import RawStory
from bot.library.rules import boilerplate, fold

NOTE_LABELS = {
    "notes",
    "notes:",
    "chapter notes",
    "chapter end notes",
    "end notes",
    "author's note:",
    "chapter summary",
}


def text_of(node: LexborNode | None, drop: list[LexborNode] | None = None) -> str:
    if node is None:
        return ""
    return "\n\n".join(tidy_paragraphs(node_paragraphs(node, drop=drop or ())))


def tag_items(dd: LexborNode) -> list[str]:
    links = [inline_text(a) for a in dd.css("a")]
    return [x for x in links if x]


def add_note(raw: RawStory, text: str) -> None:
    text = text.strip()
    chrome = len(text) <= 200 and boilerplate().drop_line.match(fold(text))  # "(See the end…)"
    if text and not chrome and text not in raw.notes:
        raw.notes.append(text)


def byline_authors(byline: LexborNode | None) -> list[str]:
    """The author links of a byline, else its text ("by A, B") split at commas."""
    if byline is None:
        return []
    authors = [inline_text(a) for a in byline.css("a[rel='author']")]
    if not authors:
        text = re.sub(r"^\s*by\s+", "", inline_text(byline), flags=re.I)
        authors = [a.strip() for a in text.split(",")]
    return dedupe([a for a in authors if a])


def page_title(tree: LexborHTMLParser) -> str | None:
    """The story title from `<title>` ("Title - Author - Fandom [Archive of Our Own]")."""
    return inline_text(tree.css_first("title")).split(" - ")[0].strip() or None


def chapter_of(heading_text: str, index: int, text: str) -> Chapter:
    head = split_heading(heading_text)
    number = head.number if head.number is not None else index
    return Chapter(number=number, label=head.label, title=head.title, text=text)


# ------------------------------------------------------------------- download
