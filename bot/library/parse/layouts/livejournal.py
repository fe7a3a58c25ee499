"""LiveJournal and Dreamwidth entries saved from a browser (journal and community posts).

The entry's text is `.b-singlepost-body` / `.entry-content` / `.entry_text` /
`.asset-body`; its subject the entry title; the poster's `.ljuser` name is the author when
the post does not say who wrote it. Comment threads, the journal's navigation and the
site's footer are chrome. The text is read as an article (a "Title: / Rating:" header in
the post is read by the text parser).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from bot.library.parse.html_meta import selector_score
from bot.library.parse.html_text import inline_text
from bot.library.parse.layouts.article import extract_article
from bot.library.parse.raw import RawStory

NAME = "livejournal-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("ljuser", "livejournal", "dreamwidth", "entry", "singlepost", "asset-body")

_BODIES = (".b-singlepost-body", ".entry-content", ".entry_text", ".asset-body", ".entry-body")
_SIGNS = (
    (".ljuser, .i-ljuser", 0.3),
    (
        "meta[property='og:site_name'][content*='livejournal' i], "
        "meta[property='og:site_name'][content*='dreamwidth' i], "
        "a[href*='.livejournal.com'], a[href*='.dreamwidth.org']",
        0.3,
    ),
    (", ".join(_BODIES), 0.3),
    (".b-singlepost, .entry-title, .entry .header, #comments", 0.1),
)


def detect(tree: LexborHTMLParser) -> float:
    return selector_score(tree, _SIGNS)


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    poster = inline_text(tree.css_first(".b-singlepost-author .ljuser, .poster .ljuser"))
    raw = extract_article(tree, source_name, name=NAME, selectors=_BODIES)
    if not raw.authors and poster:
        raw.authors = [poster]  # a journal's (or community's) poster wrote the post
    return raw
