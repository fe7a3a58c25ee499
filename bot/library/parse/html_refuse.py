"""HTML pages that are not a story, refused with a message that says what the page is.

Saving the wrong page is easy: AO3 shows a sign-in wall for works only registered users
may read and an adult-content interstitial before Mature/Explicit works; sites answer
missing pages with an error page; a story's chapter index lists its chapters but holds
none of the text. Each is refused with `StoryRejected` naming what it is and what to save
instead — never stored as a short "story". The wording rules are the parser's one list
(`not_story.py`, data/boilerplate.toml); this module reads them on the whole page.
"""

from __future__ import annotations

import html
import re

from bot.library.errors import StoryRejected
from bot.library.model import count_words
from bot.library.parse.not_story import NotAStory, not_a_story, not_a_story_rules
from bot.library.parse.raw import RawStory

SHORT_WORDS = 300  # a page with this much text or more is read as a story whatever it says

# an error page's <title> / <h1> (the text rules of data/boilerplate.toml [[not_a_story]]
# read the page's words; these read what the page calls itself)
_ERROR_TITLE = re.compile(
    r"^\s*(?:error\b|40[034]\b|410\b|50[023]\b|page not found|not found|file not found|"
    r"access denied|forbidden|story not found|no such (?:story|work|page)|"
    r"(?:the )?page (?:you requested )?(?:could not|cannot|can't) be found|"
    r"just a moment|attention required|oops)",
    re.I,
)
_CHAPTER_LINK = re.compile(
    r"<a\b[^>]*>\s*(?:<[^>]+>\s*)*(?:chapter|ch\.|part|prologue|epilogue|\d{1,3}\s*[.:)\-])",
    re.I,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>", re.I | re.S)
_PAGE_CHARS = 400_000


def _tag_text(pattern: re.Pattern[str], markup: str) -> str:
    m = pattern.search(markup[:200_000])
    return " ".join(html.unescape(_TAGS.sub(" ", m.group(1))).split()) if m else ""


def _page_words(markup: str) -> str:
    """The words a reader sees at the top of the page (tags, scripts and styles gone)."""
    head = _INVISIBLE.sub(" ", markup[:_PAGE_CHARS])
    return html.unescape(_TAGS.sub(" ", head))


def _rule(kind: str) -> NotAStory:
    return next(r for r in not_a_story_rules() if r.kind == kind)


def refuse_non_story(markup: str, raw: RawStory) -> None:
    """Raise StoryRejected when the page `raw` was read from is not a story: its words are
    a login wall, an adult-content warning or an error page (data/boilerplate.toml
    [[not_a_story]], read on the whole page — the notice may sit outside what a layout
    took as the text), its `<title>`/`<h1>` names an error, or it lists chapters without
    holding their text."""
    if sum(len(c.text) for c in raw.chapters) > 40 * SHORT_WORDS:
        return  # far too much text for a notice page (no need to count it)
    text = "\n\n".join(c.text for c in raw.chapters)
    words = count_words(text)
    if words >= SHORT_WORDS:
        return
    rule = not_a_story(_page_words(markup))
    if rule is not None:
        raise StoryRejected(rule.message)
    page_title = _tag_text(_TITLE, markup)
    heading = _tag_text(_H1, markup)
    if words < 150 and (_ERROR_TITLE.search(page_title) or _ERROR_TITLE.search(heading)):
        raise StoryRejected(_rule("error page").message)
    links = len(_CHAPTER_LINK.findall(markup[:_PAGE_CHARS]))
    if links >= 3 and words < 40 * links and _mostly_headings(raw):
        raise StoryRejected(
            f"This page is a table of contents ({links} chapter links) without the story "
            "text: save the chapters themselves, or the whole work as one file "
            "(e.g. AO3's Entire Work or Download), and add that."
        )


_HEADING_LINE = re.compile(
    r"^\s*(?:\d{1,3}\s*[.:)\-]\s*|chapter\b|ch\.|part\b|prologue\b|epilogue\b)", re.I
)


def _mostly_headings(raw: RawStory) -> bool:
    """The text is a list of chapter names (an index), not prose."""
    lines = [x for c in raw.chapters for x in c.text.splitlines() if x.strip()]
    if not lines:
        return True
    listed = sum(1 for x in lines if _HEADING_LINE.match(x) or len(x.split()) <= 6)
    return listed >= 0.6 * len(lines)
