"""Pages that are not a story, refused with a message that says what the page is.

Saving the wrong page is easy: AO3 shows a sign-in wall for works only registered users
may read and an adult-content interstitial before Mature/Explicit works; sites answer
missing pages with an error page; a story's chapter index lists its chapters but holds
none of the text. Each is refused with `StoryRejected` naming what it is and what to save
instead — never stored as a short "story".
"""

from __future__ import annotations

import re

from bot.library.errors import StoryRejected
from bot.library.model import count_words
from bot.library.parse.raw import RawStory

SHORT_WORDS = 300  # a page with this much text or more is read as a story whatever it says

_AO3_LOGIN = re.compile(
    r"only available to registered users of the\s+archive|"
    r"this work is only available to registered users",
    re.I,
)
_AO3_ADULT = re.compile(
    r"this work could have adult content\.?\s*if you (?:continue|proceed)|"
    r"this work could have adult content",
    re.I,
)
_ERROR_TITLE = re.compile(
    r"^\s*(?:error\b|40[034]\b|410\b|50[023]\b|page not found|not found|file not found|"
    r"access denied|forbidden|story not found|no such (?:story|work|page)|"
    r"(?:the )?page (?:you requested )?(?:could not|cannot|can't) be found|"
    r"just a moment|attention required|oops)",
    re.I,
)
_ERROR_TEXT = re.compile(
    r"\b(?:404|error 404|page not found|the page you (?:were looking for|requested) "
    r"(?:could not be found|does not exist|doesn't exist)|story not found|"
    r"this story (?:has been|was) (?:removed|deleted)|"
    r"(?:the )?work (?:you were looking for )?(?:could not be found|has been deleted)|"
    r"checking your browser before accessing)\b",
    re.I,
)
_CHAPTER_LINK = re.compile(
    r"<a\b[^>]*>\s*(?:<[^>]+>\s*)*(?:chapter|ch\.|part|prologue|epilogue|\d{1,3}\s*[.:)\-])",
    re.I,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def _tag_text(pattern: re.Pattern[str], markup: str) -> str:
    m = pattern.search(markup[:200_000])
    return " ".join(_TAGS.sub(" ", m.group(1)).split()) if m else ""


def refuse_non_story(markup: str, raw: RawStory) -> None:
    """Raise StoryRejected when the page `raw` was read from is not a story."""
    text = "\n\n".join(c.text for c in raw.chapters)
    words = count_words(text)
    if words >= SHORT_WORDS:
        return
    head = markup[:400_000]
    if _AO3_LOGIN.search(head):
        raise StoryRejected(
            "This is the Archive of Our Own's notice that the work is only available to "
            "registered users, not the story: sign in to AO3, then download the work "
            "(Download → HTML or EPUB) and add that file."
        )
    if _AO3_ADULT.search(head):
        raise StoryRejected(
            "This is the Archive of Our Own's adult-content warning page ('This work could "
            "have adult content'), not the story: choose Proceed on AO3, then download the "
            "work (Download → HTML or EPUB) and add that file."
        )
    page_title = _tag_text(_TITLE, markup)
    heading = _tag_text(_H1, markup)
    if words < 150 and (
        _ERROR_TITLE.search(page_title) or _ERROR_TITLE.search(heading) or _ERROR_TEXT.search(text)
    ):
        shown = page_title or heading or "an error"
        raise StoryRejected(
            f"This is an error page ('{shown[:80]}'), not a story: the site did not send "
            "the story. Save the story's own page (or its download) and add that."
        )
    links = len(_CHAPTER_LINK.findall(head))
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
