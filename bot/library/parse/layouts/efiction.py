"""eFiction archive pages (viewstory.php: a chapter, the story index, the printable page).

`#pagetitle` has the title link and "by" author link; `span.label` runs ("Rated:",
"Characters:", "Chapters:", "Completed: Yes") the story information; `.notes` blocks
("Story Notes:", "Author's Chapter Notes:", "Chapter End Notes:") author notes;
`.chaptertitle` and `#story` the chapter(s); review prompts and the site footer are chrome.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter, Status
from bot.library.parse.html_meta import dedupe, labelled_values, selector_score, split_heading
from bot.library.parse.html_notes import lift_front_matter, same_words, take_bold_heading
from bot.library.parse.html_text import inline_text, node_paragraphs, node_text, within
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled, field_of

NAME = "efiction-html"
# words one of which the page must contain for `detect` to score it at all (a
# fast `in` test before any CSS selector runs)
HINTS = ("pagetitle", "viewuser", "viewstory")

_BODIES = "#story, div.story, div.chapter"
_BY = re.compile(r"\s+(?:by|par|von|por|di|door|av)\s+")  # eFiction's _BY in its languages


_SIGNS = (
    ("#pagetitle", 0.3),
    ("a[href*='viewuser.php']", 0.2),
    ("a[href*='viewstory.php'], form[action*='viewstory.php']", 0.2),
    ("#story, div.story", 0.2),
    ("span.label", 0.1),
    ("a[href*='efiction.org']", 0.1),
)


def detect(tree: LexborHTMLParser) -> float:
    return selector_score(tree, _SIGNS)


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    raw = RawStory(layout=NAME)
    root = tree.body or tree.root

    page_title = root.css_first("#pagetitle")
    if page_title is not None:
        story_link = page_title.css_first("a[href*='viewstory.php']")
        raw.title = inline_text(story_link) if story_link is not None else None
        raw.authors = dedupe(
            [a for a in (inline_text(x) for x in page_title.css("a[href*='viewuser.php']")) if a]
        )
        if raw.title is None:
            text = inline_text(page_title)
            raw.title = _BY.split(text, maxsplit=1)[0].strip() or None
    title_tag = inline_text(tree.css_first("title"))
    if title_tag:
        tail = title_tag.split("::")[-1].strip()
        raw.title_fallback = _BY.split(tail, maxsplit=1)[0].strip() or None

    bodies = list(root.css(_BODIES))
    body_ids = {b.mem_id for b in bodies}
    # nested matches (div.chapter inside #story): keep the outermost
    bodies = [b for b in bodies if not within(b.parent, body_ids)]
    body_ids = {b.mem_id for b in bodies}

    chrome_ids = {n.mem_id for n in root.css("#footer, footer, #header, #menu, .respond")}
    story_text = frozenset(body_ids)
    for label, value, items in labelled_values(
        root, "span.label, .label, b, strong", exclude=story_text
    ):
        if field_of(label) == "summary":
            continue  # read below with its paragraphs
        apply_labelled(raw, label, value, items, site="efiction")
    _summary(root, raw, story_text)

    for notes in root.css("div.notes, #notes"):
        if within(notes, body_ids) or within(notes, chrome_ids):
            continue
        info = notes.css_first(".noteinfo") or notes
        text = node_text(info, drop=notes.css(".title, .label"))
        if text and text not in raw.notes:
            raw.notes.append(text)

    number, heading_text = 1, ""
    jump = root.css_first(".jumpmenu select, select[name='chapter']")
    if jump is not None:
        chosen = next((o for o in jump.css("option") if "selected" in o.attributes), None)
        if chosen is not None:
            head = split_heading(inline_text(chosen))
            number = head.number or 1
            heading_text = inline_text(chosen)
    titles = [t for t in root.css(".chaptertitle, #chaptertitle") if not within(t, body_ids)]

    chapters: list[Chapter] = []
    for index, body in enumerate(bodies):
        paragraphs = node_paragraphs(body)
        text = lift_front_matter(raw, paragraphs)
        if not text:
            continue
        if len(bodies) == 1 and titles:
            heading = inline_text(titles[0])
        elif len(bodies) > 1 and index < len(titles):
            heading = inline_text(titles[index])
        else:
            heading = heading_text if len(bodies) == 1 else ""
        bold, rest = take_bold_heading(text)
        if bold is not None and (
            not heading or same_words(bold, heading) or same_words(bold, raw.title)
        ):
            heading = heading or bold
            text = rest
        for author in raw.authors:  # "Let's Talk by Mistress Ember" / "… par Noctambule"
            heading = re.sub(rf"{_BY.pattern}{re.escape(author)}\s*$", "", heading)
        head = split_heading(heading)
        chapter_number = head.number or (number if len(bodies) == 1 else index + 1)
        chapters.append(Chapter(chapter_number, head.label, head.title, text))
    raw.chapters = chapters
    if raw.status_declared is not Status.COMPLETE:
        raw.total_chapters = None  # "Chapters: 3" counts what is posted, not the plan
    if raw.title is None and len(chapters) == 1 and chapters[0].title:
        raw.title = chapters[0].title  # a one-shot's chapter title is its title
    return raw


def _summary(root: LexborNode, raw: RawStory, story_text: frozenset[int]) -> None:
    """ "<span class=label>Summary:</span> text…<br>" (up to the next label)."""
    for label in root.css("span.label, .label, b, strong"):
        if field_of(inline_text(label)) != "summary":
            continue
        if within(label, story_text):
            continue
        parts: list[str] = []
        sib = label.next
        while sib is not None:
            if sib.tag == "br" and parts and sib.next is not None and sib.next.tag == "br":
                break
            if sib.tag in ("span", "b", "strong") and inline_text(sib).endswith(":"):
                break
            if sib.tag == "-text":
                parts.append(sib.text_content or "")
            elif sib.tag == "br":
                parts.append("\n")
            elif sib.tag and not sib.tag.startswith("-"):
                parts.append(sib.text(deep=True, separator=""))
            sib = sib.next
        text = "\n".join(
            line for line in (" ".join(x.split()) for x in "".join(parts).split("\n")) if line
        )
        if text:
            raw.summary = text
            return
