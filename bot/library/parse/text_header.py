"""The header of a text story: labelled fields, bylines, title lines, and unlabelled
summary / disclaimer / notes paragraphs, up to where the story begins.

Two header shapes are told apart: when a chapter heading appears early after header
material, everything before it is header; otherwise the header ends at the first
paragraph that is neither header material nor followed closely by header material.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.library.parse.chapters import (
    Heading,
    match_heading,
)
from bot.library.parse.rating import rating_scales
from bot.library.parse.raw import RawStory
from bot.library.parse.series import apply_series, part_number, series_line
from bot.library.parse.text_blocks import LIST_SPLIT, Block
from bot.library.parse.text_lines import (
    QUOTE_START,
    SINGLE_VALUE,
    bare_label,
    block_is_meta,
    bold_title,
    byline,
    contact_handle,
    is_chrome,
    is_disclaimer,
    is_meta_line,
    is_navigation,
    is_plea,
    is_scene_break,
    parse_label,
    parse_labels,
    strip_placeholders,
    title_like,
    word_count,
)
from bot.library.parse.vocabulary import add_authors, apply_chapters, apply_field
from bot.library.rules import boilerplate, fold, header_labels

_POSTED_BY = re.compile(
    r"^posted (?:on|at) [^.]{1,60}? by:? (?P<name>[\w.\-]{2,40})\.?$", re.IGNORECASE
)
_TITLE_BY = re.compile(
    r"^(?P<title>[^:]{1,100}?)\s+by\s+(?P<author>[\w.\-']+(?:\s+[\w.\-']+){0,3})$", re.IGNORECASE
)


_CHAPTERS_VALUE = re.compile(r"(?P<n>\d+)\s*/\s*(?P<total>\d+|\?)")


_MULTI_PARAGRAPH = {"summary", "notes", "disclaimer", "spoilers", "warnings"}


_MAX_HEADER_BLOCKS = 80


@dataclass(slots=True)
class Header:
    raw: RawStory
    chapter_title: str | None = None
    title_line: str | None = None  # an unlabelled title candidate
    subject_title: str | None = None  # the title in a mailing-list subject
    poster: str | None = None  # "Posted on <date> by <name>"
    guessed_summary: str | None = None  # an unlabelled paragraph taken for the summary


@dataclass(slots=True)
class _State:
    current: str | None = None  # the field that unlabelled lines continue
    pending: bool = False  # label seen with no value yet
    values: dict[str, list[str]] = field(default_factory=dict)


_REPLY = re.compile(r"^\s*re\s*:", re.IGNORECASE)
_SUBJECT = re.compile(
    r"^(?:(?:re|fwd?)\s*:\s*)*(?:\[[^\]]{1,40}\]\s*)?"
    r"(?:(?:(?:new\s+)?(?:fic|fanfic|story)|new|repost)\s*[:\-]\s*)?"
    r"(?P<title>[^()\[\]]{1,120}?)\s*(?P<meta>(?:[(\[][^)\]]{1,160}[)\]]\s*)*)"
    r"(?P<part>\d+\s*/\s*(?:\d+|\?))?\s*(?P<after>(?:[(\[][^)\]]{1,160}[)\]]\s*)*)$",
    re.IGNORECASE,
)
_SUBJECT_PART = re.compile(r"^(?:part|pt\.?)\s*\w", re.IGNORECASE)
_SUBJECT_GROUP = re.compile(r"[(\[]([^)\]]*)[)\]]")


def _apply_subject(h: Header, value: str) -> None:
    """Mailing-list subject: "FIC: Title (Spike/Buffy, PG) 1/3"."""
    if _REPLY.match(value):
        return  # a reply's subject names the thread, not this story
    m = _SUBJECT.match(value)
    if not m:
        return
    raw = h.raw
    if raw.title is None:
        h.subject_title = m.group("title").strip().strip("\"'“”")
    groups = _SUBJECT_GROUP.findall(f"{m.group('meta')} {m.group('after')}")
    for part in (item for group in groups for item in LIST_SPLIT.split(group)):
        item = part.strip()
        if not item:
            continue
        if _CHAPTERS_VALUE.fullmatch(item):
            apply_chapters(raw, item)  # "(1/3)": the part, not a pairing
            raw.status_declared = None
        elif _SUBJECT_PART.match(item):  # "(part 2 of 5)": a part of the series it names
            raw.series_part = raw.series_part or part_number(item)
        elif rating_scales().level(item) is not None and raw.rating is None:
            raw.rating = item
        elif "/" in item or " x " in item.lower():
            raw.relationships.append(item)
    if m.group("part"):
        apply_chapters(raw, m.group("part"))
        raw.status_declared = None  # "1/3" in a subject numbers this post, not the story


def _apply_label(h: Header, st: _State, fieldname: str, key: str, value: str) -> None:
    raw = h.raw
    value = strip_placeholders(value)
    st.current, st.pending = fieldname, not value
    if not value:
        return
    st.values.setdefault(fieldname, []).append(value)
    if fieldname == "summary":
        if h.guessed_summary and raw.summary == h.guessed_summary:
            raw.notes.append(raw.summary)  # a labelled summary follows: the guess was a note
            raw.summary = None
        h.guessed_summary = None
        apply_field(raw, fieldname, value, key=key)
    elif fieldname == "subject":
        _apply_subject(h, value)
    elif fieldname == "language":
        raw.language = value
    else:
        apply_field(raw, fieldname, value, key=key)
    if fieldname in SINGLE_VALUE or fieldname == "ignore":
        st.current = None


def _continue_field(h: Header, st: _State, text: str, *, new_paragraph: bool) -> None:
    """An unlabelled line or paragraph that continues the current field."""
    raw = h.raw
    fieldname = st.current
    text = strip_placeholders(text)
    if not text:
        return
    if st.pending:
        st.pending = False
        if fieldname is not None:
            _apply_label(h, st, fieldname, "", text)
            if fieldname in _MULTI_PARAGRAPH:
                st.current = fieldname
        return
    sep = "\n\n" if new_paragraph else " "
    if fieldname == "notes":
        if new_paragraph or not raw.notes:
            raw.notes.append(text)
        else:
            raw.notes[-1] += sep + text
    elif fieldname == "summary":
        raw.summary = text if raw.summary is None else raw.summary + sep + text
    elif fieldname == "disclaimer":
        raw.disclaimer = text if raw.disclaimer is None else raw.disclaimer + sep + text
    elif fieldname == "spoilers":
        raw.spoilers = text if raw.spoilers is None else raw.spoilers + " " + text
    elif fieldname in ("warnings", "relationships", "characters", "fandoms", "tags"):
        _apply_label(h, st, fieldname, "", text)
        st.current = fieldname


def _untitled_heading(text: str) -> bool:
    """A short title-like line among header material, in a file with no title yet."""
    if not title_like(text) or word_count(text) > 10:
        return False
    return not boilerplate().dedication.match(fold(text))  # "For M.", "Thanks to…"


def _unlabelled_paragraph(
    h: Header, st: _State, text: str, *, bounded: bool, early: bool = False
) -> None:
    """A header paragraph without a label: plea, disclaimer, summary or note."""
    raw = h.raw
    text = strip_placeholders(text)
    if not text:
        return
    if is_plea(text):
        raw.notes.append(text)
        st.current = "notes"
        return
    if is_disclaimer(text) and (raw.disclaimer is None or st.current == "disclaimer"):
        raw.disclaimer = text if raw.disclaimer is None else raw.disclaimer + "\n\n" + text
        st.current = "disclaimer"
        return
    if bounded and st.current in _MULTI_PARAGRAPH:
        _continue_field(h, st, text, new_paragraph=True)
        return
    if early and raw.title is None and raw.summary is None and _untitled_heading(text):
        raw.title = text.strip("*_# ")
        st.current = None
        return
    if raw.summary is None:
        raw.summary = h.guessed_summary = text
        st.current = "summary"
    else:
        raw.notes.append(text)
        st.current = "notes"


def _cut(blocks: list[Block], i: int, j: int) -> int:
    """The body starts at line j of block i: drop the header lines before it."""
    if j > 0:
        blocks[i] = Block(blocks[i].lines[j:], blocks[i].indent)
    return i


def _same_text(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return " ".join(fold(a).lower().strip("*_#").split()) == " ".join(
        fold(b).lower().strip("*_#").split()
    )


def _next_line(blocks: list[Block], i: int, j: int) -> str | None:
    if j + 1 < len(blocks[i].lines):
        return blocks[i].lines[j + 1]
    if i + 1 < len(blocks):
        return blocks[i + 1].lines[0]
    return None


def _finish_title(h: Header, seen_meta: bool) -> None:
    raw = h.raw
    if raw.title is None and h.title_line and seen_meta:
        raw.title = h.title_line
    if raw.title is None and h.subject_title:
        raw.title = h.subject_title
    if not raw.authors and h.poster:
        raw.authors.append(h.poster)  # a blog post's poster, when no author is named


def parse_header(blocks: list[Block], h: Header, boundary: int | None) -> int:
    """Read header material from the top; returns the index of the first body block."""
    st = _State()
    raw = h.raw
    limit = boundary if boundary is not None else min(len(blocks), _MAX_HEADER_BLOCKS)
    seen_meta = False
    indented_field = False  # the current field runs on through indented blocks (AO3)
    for i in range(limit):
        block = blocks[i]
        if indented_field and block.indent >= 2 and st.current in _MULTI_PARAGRAPH:
            _continue_field(h, st, block.joined, new_paragraph=True)
            continue
        indented_field = False
        for j, block_line in enumerate(block.lines):
            line = strip_placeholders(block_line)
            if not line:
                continue
            poster = _POSTED_BY.match(line)
            if poster:
                h.poster = poster.group("name")
            if is_chrome(line) or is_navigation(line, raw) or poster:
                st.current, st.pending = None, False
                seen_meta = True
                continue
            handle = contact_handle(line)
            if handle is not False:
                if handle and not raw.author_fallback:
                    raw.author_fallback = handle
                st.current, st.pending = None, False
                seen_meta = True
                continue
            labs = parse_labels(line)
            if labs:
                for lab in labs:
                    _apply_label(h, st, *lab)
                if labs[-1][0] == "author" and raw.title is None and h.title_line:
                    raw.title = h.title_line
                seen_meta = True
                continue
            declared_series = series_line(line)
            if declared_series:
                apply_series(raw, *declared_series)
                seen_meta = True
                continue
            bare = bare_label(line)
            if bare:
                st.current, st.pending = bare[0], True
                seen_meta = True
                continue
            name = byline(line)
            if name and i < 12:
                add_authors(raw, name)
                if raw.title is None and h.title_line is not None:
                    raw.title = h.title_line
                st.current, st.pending = None, False
                seen_meta = True
                continue
            bold = bold_title(line)
            if bold and not st.pending:
                if raw.title is None:
                    raw.title = bold
                h.chapter_title = bold
                st.current = None
                seen_meta = True
                continue
            if match_heading(line):
                _finish_title(h, seen_meta)
                return _cut(blocks, i, j)  # a chapter begins (header without a boundary)
            if is_scene_break(line):
                if seen_meta and boundary is None:
                    _finish_title(h, seen_meta)
                    return _cut(blocks, i, j + 1) if j + 1 < len(block.lines) else i + 1
                continue
            # unlabelled text
            if any(_same_text(line, t) for t in (raw.title, h.title_line, h.subject_title)):
                continue  # the title again (AO3 repeats it above the byline and the text)
            if j > 0 and (st.pending or st.current is not None):
                _continue_field(h, st, line, new_paragraph=False)
                continue
            if st.pending:
                single = st.current in SINGLE_VALUE
                rest = line if single else " ".join(block.lines[j:])
                _continue_field(h, st, rest, new_paragraph=True)
                indented_field = block.indent >= 2
                if single or rest == line:
                    continue
                break
            if i < 12 and title_like(line):
                following = _next_line(blocks, i, j)
                if following is not None and byline(following):
                    if raw.title is None and h.title_line is None:
                        h.title_line = line
                    continue
            if i == 0 and j == 0 and raw.title is None and h.title_line is None:
                m = _TITLE_BY.match(line)
                if m and _next_is_meta(blocks, i + 1, limit):
                    raw.title = m.group("title").strip()
                    raw.authors.append(m.group("author").strip())
                    seen_meta = True
                    continue
                if title_like(line) and (
                    len(block.lines) > 1 or _next_is_meta(blocks, i + 1, limit)
                ):
                    h.title_line = line
                    continue
                if _lone_title(blocks, line):
                    raw.title = line.strip().strip("*_#").strip()
                    seen_meta = True
                    continue
            rest = " ".join(block.lines[j:])
            if boundary is None and not _header_continues(blocks, i, limit, rest, st):
                _finish_title(h, seen_meta)
                return _cut(blocks, i, j)
            _unlabelled_paragraph(h, st, rest, bounded=boundary is not None, early=i <= 12)
            seen_meta = True
            break
    _finish_title(h, True)
    return limit


def _lone_title(blocks: list[Block], line: str) -> bool:
    """A short first line standing alone above the prose: the title, even without a byline.
    Lines with commas or digits ("Sunnydale, 1998") are datelines, not titles."""
    if len(blocks) < 2 or len(blocks[0].lines) != 1 or not title_like(line):
        return False
    if word_count(line) > 10 or "," in line or any(ch.isdigit() for ch in line):
        return False
    if line.strip()[0] in "\"“'‘(" or match_heading(line):
        return False
    nxt = blocks[1]
    return word_count(nxt.joined) >= 25 or is_scene_break(nxt.lines[0])


def _next_is_meta(blocks: list[Block], start: int, limit: int) -> bool:
    """Block `start` (when before `limit`) is header material or a chapter heading."""
    if start >= limit:
        return False
    return block_is_meta(blocks[start]) or bool(match_heading(blocks[start].lines[0]))


def _header_continues(blocks: list[Block], i: int, limit: int, text: str, st: _State) -> bool:
    """Without a chapter heading to bound the header: is this paragraph still header?"""
    if is_plea(text):
        return True
    if is_disclaimer(text) and word_count(text) <= 80:
        return True
    if st.pending:
        return True
    if word_count(text) > 150:
        return False
    return any(block_is_meta(blocks[k]) for k in range(i + 1, min(limit, i + 3)))


def find_boundary(blocks: list[Block], headings: dict[int, Heading]) -> int | None:
    """The first chapter heading, when what precedes it is header material.

    Paragraphs after a notes / summary / disclaimer label continue it; other unlabelled
    paragraphs are "free". More than two free paragraphs, or two with dialogue, is story
    text (a prologue), not a header; one free paragraph is a summary.
    """
    first = next((i for i in sorted(headings) if i < _MAX_HEADER_BLOCKS), None)
    if first is None or first == 0:
        return first
    meta = 0
    words = 0
    free = 0
    dialogue = False
    continuing = False
    for block in blocks[:first]:
        labelled = False
        for line in block.lines:
            if is_meta_line(line):
                meta += 1
                labelled = True
                lab = parse_label(line)
                bare = bare_label(line)
                fieldname = lab[0] if lab else (bare[0] if bare else None)
                continuing = fieldname in _MULTI_PARAGRAPH
            else:
                words += word_count(line)
        if labelled or continuing or is_scene_break(block.lines[0]):
            continue
        text = block.joined
        if is_plea(text) or is_disclaimer(text) or title_like(text):
            continue
        free += 1
        dialogue = dialogue or bool(QUOTE_START.match(text) and word_count(text) > 8)
        if free > 2 or (free > 1 and dialogue):
            return None
    if meta and words <= 1500:
        return first
    if not meta and words <= 40 and first <= 3:
        return first
    return None


def apply_front_matter(h: Header, meta: dict[str, list[str]]) -> None:
    labels = header_labels()
    st = _State()
    for key, values in meta.items():
        fieldname = labels.field_of.get(key)
        if fieldname is None:
            if key in ("description", "excerpt"):
                fieldname = "summary"
            else:
                continue
        if fieldname in ("relationships", "characters", "fandoms", "tags", "warnings", "author"):
            for value in values:
                _apply_label(h, st, fieldname, key, value)
        elif values:
            _apply_label(h, st, fieldname, key, " ".join(values))
