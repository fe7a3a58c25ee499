"""WordPress (and similar blog engine) posts: an author's site or blog.

The post's text is `.entry-content`; its title the `h1.entry-title` outside it; sharing
buttons (`.sharedaddy`), related posts, the comment form, widgets and the footer are
chrome. The text is read as an article (a label header in the post is read by the text
parser; a label block above the text by `html_preamble`).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from bot.library.parse.html_meta import selector_score
from bot.library.parse.layouts.article import extract_article
from bot.library.parse.raw import RawStory

NAME = "wordpress-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("wordpress", "WordPress", "wp-content", "wp-includes", "entry-content", "post-content")

_BODIES = (".entry-content", ".post-content", ".post-entry", ".entry")
_SIGNS = (
    ("meta[name='generator'][content*='wordpress' i]", 0.5),
    ("link[href*='/wp-content/'], script[src*='/wp-includes/'], link[href*='/wp-includes/']", 0.4),
    (".entry-content, .post-content", 0.2),
    ("article.post, .hentry, .type-post", 0.1),
)


def detect(tree: LexborHTMLParser) -> float:
    return selector_score(tree, _SIGNS)


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    return extract_article(tree, source_name, name=NAME, selectors=_BODIES)
