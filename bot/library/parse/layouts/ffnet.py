"""FanFiction.net chapter pages (saved from a browser).

`#profile_top` holds title, author, summary and the grey meta line ("Rated: Fiction T -
English - Romance/Angst - [Buffy S., Spike] Dawn S. - Chapters: 3 - Words: 9,876 - … -
Status: Complete - id: 123"); `#storytext` the chapter; `select#chap_select` the chapter
list ("2. Patrol"); `#pre_story_links` the fandom breadcrumb.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from bot.library.model import Chapter
from bot.library.parse.ffnet_info import apply_info_line, read_info_line
from bot.library.parse.html_meta import dedupe, selector_score, split_heading, to_int
from bot.library.parse.html_notes import lift_front_matter, same_words, take_bold_heading
from bot.library.parse.html_text import inline_text, node_paragraphs
from bot.library.parse.raw import RawStory

NAME = "ffnet-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = (
    "profile_top",
    "storytext",
    "storycontent",
    "chap_select",
    "fanfiction.net",
    "fictionpress",
)


_SIGNS = (
    ("#profile_top", 0.4),
    ("#storytext, #storycontent", 0.4),
    ("#chap_select, select[name='chapter']", 0.1),
)


def detect(tree: LexborHTMLParser) -> float:
    value = selector_score(tree, _SIGNS)
    canonical = tree.css_first("link[rel='canonical']")
    href = canonical.attributes.get("href") if canonical is not None else None
    if href and ("fanfiction.net" in href or "fictionpress.com" in href):
        value += 0.2
    return min(value, 1.0)


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    raw = RawStory(layout=NAME)
    top = tree.css_first("#profile_top")
    if top is not None:
        raw.title = inline_text(top.css_first("b.xcontrast_txt, b")) or None
        authors = [inline_text(a) for a in top.css("a[href^='/u/']")]
        raw.authors = dedupe([a for a in authors if a])
        summary = top.css_first("div.xcontrast_txt")
        raw.summary = inline_text(summary) or None
        for span in top.css("span.xgray"):
            info = read_info_line(inline_text(span))
            if info is not None:
                apply_info_line(raw, info)
                break
    crumbs = [inline_text(a) for a in tree.css("#pre_story_links a")]
    fandoms: list[str] = []
    for crumb in crumbs[1:] if len(crumbs) >= 2 else crumbs:  # the first is "TV Shows"
        if crumb.lower() == "crossover":
            continue
        crumb = re.sub(r"\s+Crossover$", "", crumb)  # noqa: PLW2901
        fandoms.extend(part.strip() for part in crumb.split(" + ") if part.strip())
    raw.fandoms = dedupe(fandoms)

    number, label, title = 1, None, None
    select = tree.css_first("#chap_select") or tree.css_first("select[name='chapter']")
    if select is not None:
        options = select.css("option")
        chosen = next((o for o in options if "selected" in o.attributes), None)
        if chosen is not None:
            head = split_heading(inline_text(chosen))
            number = head.number or to_int(chosen.attributes.get("value")) or 1
            label, title = head.label, head.title
    body = (
        tree.css_first("#storytext")
        or tree.css_first(".storytext")
        or tree.css_first("#storycontent")  # m.fanfiction.net
    )
    paragraphs = node_paragraphs(body) if body is not None else []
    text = lift_front_matter(raw, paragraphs)
    bold, rest = take_bold_heading(text)
    if bold is not None:
        head = split_heading(bold)
        if head.label or same_words(bold, title) or same_words(bold, raw.title):
            text = rest  # the chapter's heading repeated in bold at the top
            if label is None and head.label:
                number, label, title = head.number or number, head.label, title or head.title
    if text:
        raw.chapters = [Chapter(number=number, label=label, title=title, text=text)]
    return raw
