"""Front and back matter inside an HTML chapter body (FFN, eFiction pages).

Leading "Disclaimer: …" paragraphs become the disclaimer, leading and trailing "A/N: …"
paragraphs author notes; scene breaks left dangling at either end are dropped.
"""

from __future__ import annotations

import re

from bot.library.parse.html_text import tidy_paragraphs
from bot.library.parse.raw import RawStory
from bot.library.rules import boilerplate, fold

_MARKUP = re.compile(r"[*_]+")
_SCENE_LIKE = re.compile(r"^[\s*~#=_\-–—·•oO0x+]{1,40}$")
_MAX_FRONT = 6  # paragraphs looked at, at either end


def _plain(paragraph: str) -> str:
    return _MARKUP.sub("", paragraph).strip()


def _labelled(pattern: re.Pattern[str], plain: str) -> str | None:
    """The text after a label (data/boilerplate.toml [body_labels]) opening `plain`."""
    m = pattern.match(fold(plain))  # fold keeps offsets: the text is cut from `plain`
    return plain[m.start(1) : m.end(1)].strip() if m else None


def lift_front_matter(raw: RawStory, paragraphs: list[str]) -> str:
    """Move disclaimer / author-note paragraphs at the ends to `raw`; the rest as text."""
    rules = boilerplate()
    paras = list(paragraphs)
    start = 0
    while start < len(paras) and start < _MAX_FRONT:
        plain = _plain(paras[start])
        if _SCENE_LIKE.match(paras[start]):
            start += 1
            continue
        disclaimer = _labelled(rules.disclaimer_label, plain)
        if disclaimer is not None:
            if raw.disclaimer is None:
                raw.disclaimer = disclaimer
            start += 1
            continue
        note = _labelled(rules.note_label, plain)
        if note is not None and start + 1 < len(paras):
            if note and note not in raw.notes:
                raw.notes.append(note)
            start += 1
            continue
        if _short(plain) and rules.disclaimer_cue.search(fold(plain)) and start + 1 < len(paras):
            if raw.disclaimer is None:  # "I don't own Naruto." with no label
                raw.disclaimer = plain
            start += 1
            continue
        break
    start = _note_continues(raw, paras, start)
    end = len(paras)
    while end > start and len(paras) - end < _MAX_FRONT:
        plain = _plain(paras[end - 1])
        if _SCENE_LIKE.match(paras[end - 1]):
            end -= 1
            continue
        note = _labelled(rules.note_label, plain)
        if note is None and _short(plain) and rules.review_plea.search(fold(plain)):
            note = plain  # "Please review!" closing the chapter
        if note is not None:
            if note and note not in raw.notes:
                raw.notes.append(note)
            end -= 1
            continue
        break
    return "\n\n".join(tidy_paragraphs(paras[start:end]))


def _short(plain: str) -> bool:
    return len(plain.split()) <= 60


def _note_continues(raw: RawStory, paras: list[str], start: int) -> int:
    """An author's note that runs on for a paragraph or two after its "A/N:" and ends at a
    scene break before the story: those paragraphs are the note's too."""
    if start == 0 or not raw.notes:
        return start
    for k in range(start, min(start + 3, len(paras) - 1)):
        if _SCENE_LIKE.match(paras[k]):
            extra = [p for p in paras[start:k] if _short(_plain(p))]
            if len(extra) != k - start:
                return start
            for p in extra:
                raw.notes[-1] = f"{raw.notes[-1]}\n\n{_plain(p)}"
            return k + 1
    return start


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
