"""Front and back matter inside an HTML chapter body (FFN, eFiction pages).

Leading "Disclaimer: …" paragraphs become the disclaimer, leading and trailing "A/N: …"
paragraphs author notes; scene breaks left dangling at either end are dropped.
"""

from __future__ import annotations

import re

from bot.library.parse.html_text import tidy_paragraphs
from bot.library.parse.raw import RawStory

_MARKUP = re.compile(r"[*_]+")
_DISCLAIMER = re.compile(r"^(?:disclaimer|disclaimers)\s*[:.\-–—]\s*(.+)$", re.I | re.S)
_NOTE = re.compile(
    r"^(?:a/n|an|author'?s'? ?notes?|authors? notes?|notes?)\s*(?:\d+\s*)?[:.\-–—]\s*(.+)$",
    re.I | re.S,
)
_SCENE_LIKE = re.compile(r"^[\s*~#=_\-–—·•oO0x+]{1,40}$")
_MAX_FRONT = 6  # paragraphs looked at, at either end


def _plain(paragraph: str) -> str:
    return _MARKUP.sub("", paragraph).strip()


def lift_front_matter(raw: RawStory, paragraphs: list[str]) -> str:
    """Move disclaimer / author-note paragraphs at the ends to `raw`; the rest as text."""
    paras = list(paragraphs)
    start = 0
    while start < len(paras) and start < _MAX_FRONT:
        plain = _plain(paras[start])
        if _SCENE_LIKE.match(paras[start]):
            start += 1
            continue
        m = _DISCLAIMER.match(plain)
        if m:
            if raw.disclaimer is None:
                raw.disclaimer = m.group(1).strip()
            start += 1
            continue
        m = _NOTE.match(plain)
        if m and start + 1 < len(paras):
            note = m.group(1).strip()
            if note and note not in raw.notes:
                raw.notes.append(note)
            start += 1
            continue
        break
    end = len(paras)
    while end > start and len(paras) - end < _MAX_FRONT:
        plain = _plain(paras[end - 1])
        if _SCENE_LIKE.match(paras[end - 1]):
            end -= 1
            continue
        m = _NOTE.match(plain)
        if m:
            note = m.group(1).strip()
            if note and note not in raw.notes:
                raw.notes.append(note)
            end -= 1
            continue
        break
    return "\n\n".join(tidy_paragraphs(paras[start:end]))


_BOLD_LINE = re.compile(r"^\*\*([^*\n]{1,120})\*\*$")


def take_bold_heading(text: str) -> tuple[str | None, str]:
    """A chapter body that opens with a short bold line ("**Let's Talk**"): that line is
    the chapter's heading, not story text. Returns (heading or None, remaining text)."""
    first, _, rest = text.partition("\n\n")
    m = _BOLD_LINE.match(first.strip())
    if m is None or not rest.strip() or len(m.group(1).split()) > 12:
        return None, text
    return m.group(1).strip(), rest


def same_words(a: str | None, b: str | None) -> bool:
    """Equal ignoring case, punctuation and spacing ("Let's Talk" / "lets talk")."""
    if not a or not b:
        return False
    return re.sub(r"\W+", "", a).casefold() == re.sub(r"\W+", "", b).casefold()
