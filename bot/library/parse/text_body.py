"""The body of a text story: chapters split at headings; chapter edges cleaned (author
notes, review pleas, sign-offs, continuation and end markers); the epigraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.library.model import Status
from bot.library.parse.chapters import (
    HEAD_START,
    Heading,
    bare_number_heading,
    match_heading,
    numbered_headings,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.text_blocks import LIST_SPLIT, Block
from bot.library.parse.text_lines import (
    QUOTE_START,
    bare_label,
    is_plea,
    is_scene_break,
    parse_label,
    strip_placeholders,
    word_count,
)
from bot.library.rules import boilerplate, end_note_labels, fold, label_key

_EPIGRAPH_ATTRIBUTION = re.compile(r"^(?:--|—|–|~|-)\s*\S.{0,80}$")


_INLINE_ATTRIBUTION = re.compile(r"[\"”'’…)]\s*(?:~|--|—|–)\s*[^\s~].{0,100}$")


def heading_of(block: Block, markdown: bool) -> Heading | None:
    if len(block.lines) == 1:
        return match_heading(block.lines[0], markdown=markdown)
    # a heading glued to its first paragraph: "Chapter 1\nText..."
    h = match_heading(block.lines[0], markdown=markdown)
    return h if h and h.label else None


def headings_of(blocks: list[Block], markdown: bool) -> dict[int, Heading]:
    found: dict[int, Heading] = {}
    could_start = HEAD_START.match  # match_heading's first test, for lines with no "#"
    for i, block in enumerate(blocks):
        first = block.lines[0]
        if "#" not in first and not could_start(first):
            continue
        h = heading_of(block, markdown)
        if h:
            found[i] = h
    if not found:
        singles = [b.lines[0] if len(b.lines) == 1 else "" for b in blocks]
        for i in numbered_headings(singles):
            h = bare_number_heading(singles[i])
            if h:
                found[i] = h
    return found


def split_chapters(
    blocks: list[Block], start: int, headings: dict[int, Heading]
) -> list[tuple[Heading | None, list[Block]]]:
    chapters: list[tuple[Heading | None, list[Block]]] = []
    current: Heading | None = None
    paras: list[Block] = []
    for i in range(start, len(blocks)):
        block = blocks[i]
        if i in headings:
            if paras or current is not None:
                chapters.append((current, paras))
            current, paras = headings[i], []
            if len(block.lines) > 1:
                paras.append(Block(block.lines[1:], block.indent))
            continue
        paras.append(block)
    if paras or current is not None:
        chapters.append((current, paras))
    return chapters


def clean_paragraphs(paras: list[Block], raw: RawStory) -> list[tuple[str, int]]:
    """(paragraph text, indentation) with chrome lines, navigation and placeholders gone."""
    out: list[tuple[str, int]] = []
    rules = boilerplate()
    navigation, chrome = rules.navigation.match, rules.drop_line.match
    for block in paras:
        if len(block.lines) == 1:
            text = block.lines[0]
            if len(text) > 200 and "\n" not in text and "]" not in text:
                if text.strip():  # a long line is neither navigation nor chrome
                    out.append((text, block.indent))
                continue
        else:
            text = block.text
        if "]" in text:
            text = strip_placeholders(text)
        lines: list[str] = []
        for ln in text.split("\n"):
            if not ln.strip():
                continue
            if len(ln) <= 200:  # `is_navigation` and `is_chrome`, one fold for both
                folded = fold(ln)
                if navigation(folded):
                    raw.more_chapters = True
                    continue
                if chrome(folded):
                    continue
            lines.append(ln)
        if lines:
            out.append(("\n".join(lines), block.indent))
    return out


@dataclass(slots=True)
class Edges:
    notes: list[str] = field(default_factory=list)
    disclaimer: str | None = None
    summary: str | None = None
    status: Status | None = None
    tags: list[str] = field(default_factory=list)


_EDGE_FIELDS = ("notes", "disclaimer", "summary")


def _label_field(lab: tuple[str, str, str] | None, rest: str) -> tuple[str, str] | None:
    """A paragraph "Notes: value" (`lab`, its first line parsed) with lines `rest` after
    it: (field, the value and the lines)."""
    if lab and lab[0] in _EDGE_FIELDS:
        return lab[0], "\n".join(x for x in (lab[2], rest.strip()) if x)
    return None


def chapter_start(items: list[tuple[str, int]], edges: Edges) -> list[str]:
    """Labelled notes / disclaimers / summaries at a chapter's start leave the text.

    A label standing alone takes the next paragraph, and every following indented one
    (AO3 downloads indent notes and summaries).
    """
    paras = [text for text, _ in items]
    indents = sorted(ind for _, ind in items)
    body_indent = indents[len(indents) // 2] if indents else 0  # most paragraphs are story
    i = 0
    while i < len(paras) and i < 8:
        para = paras[i]
        if is_scene_break(para):
            i += 1
            continue
        first, _, rest = para.partition("\n")
        lab = parse_label(first)
        labelled = _label_field(lab, rest)
        bare = None if lab else bare_label(first)
        if labelled:
            fieldname, value = labelled
        elif bare is not None:
            fieldname, value = bare[0], rest.strip()
        elif i + 1 < len(paras) and _is_aside(para):
            _store_edge(edges, "notes", para)
            i += 1
            continue
        else:
            break
        i += 1
        if not value:
            if i >= len(paras):
                break
            value = paras[i]
            i += 1
            while (
                i < len(paras)
                and items[i][1] > body_indent + 1
                and items[i - 1][1] > body_indent + 1
            ):
                _store_edge(edges, fieldname, value)
                value = paras[i]
                i += 1
        _store_edge(edges, fieldname, value)
    return paras[i:]


def _store_edge(edges: Edges, fieldname: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    if fieldname == "disclaimer":
        edges.disclaimer = edges.disclaimer or value
    elif fieldname == "summary":
        edges.summary = edges.summary or value
    else:
        edges.notes.append(value)


def _is_aside(para: str, folded: str | None = None) -> bool:
    """A short paragraph addressed to readers (review plea, thanks, sign-off), not prose.
    Paragraphs with dialogue are story text. `folded` defaults to `fold(para)`."""
    if len(para.split(None, 80)) > 80:  # more than 80 words, without splitting them all
        return False
    if folded is None:
        folded = fold(para)
    if '"' in folded:
        return False
    return is_plea(para) or bool(boilerplate().signoff.search(folded))


def chapter_end(paras: list[str], edges: Edges, *, last: bool) -> list[str]:
    """End notes, review pleas, sign-offs, end and continuation markers leave the text."""
    rules = boilerplate()
    # AO3-style "End Notes" / "Chapter End Notes": everything after is notes
    for k in range(len(paras) - 1, max(-1, len(paras) - 30), -1):
        if len(paras[k]) > 40 and "\n" not in paras[k][:41]:
            continue
        key = label_key(paras[k].split("\n", 1)[0].strip("#*_ "))
        if key in end_note_labels():
            rest = paras[k].split("\n", 1)[1:] + paras[k + 1 :]
            edges.notes.extend(p.strip() for p in rest if p.strip())
            paras = paras[:k]
            break
    paras = _drop_signature(paras)
    trailing_notes: list[str] = []
    checked = 0
    end = len(paras)  # paragraphs from `end` on leave the text
    while end and checked < 6:
        para = paras[end - 1]
        folded = fold(para.strip())
        if is_scene_break(para) or rules.chapter_end_marker.match(folded):
            end -= 1
            continue
        if rules.continuation.match(folded):
            if last:
                edges.status = Status.WIP
            end -= 1
            continue
        if rules.end_marker.match(folded):
            if last:
                edges.status = edges.status or Status.COMPLETE
            end -= 1
            continue
        if rules.signature_short.match(folded) and word_count(folded) <= 5:
            end -= 1  # "-- Jane": a signature
            continue
        first, _, rest = para.partition("\n")
        tagged = parse_label(first)
        lab = _label_field(tagged, rest)
        if lab and lab[0] in ("notes", "disclaimer"):
            if lab[0] == "notes":
                trailing_notes.insert(0, lab[1])
            else:
                edges.disclaimer = edges.disclaimer or lab[1]
        elif tagged and tagged[0] == "tags" and tagged[2] and "\n" not in para:
            edges.tags.extend(t for t in LIST_SPLIT.split(tagged[2]) if t)
        elif _is_aside(para, folded):
            trailing_notes.insert(0, para)
        else:
            break
        end -= 1
        checked += 1
    edges.notes.extend(trailing_notes)
    return paras[:end]


_SIGNATURE_LINES = 6
_SIGNATURE_WORDS = 60


def _drop_signature(paras: list[str]) -> list[str]:
    """A Usenet signature ("-- " on its own line, then a few short lines) leaves the text."""
    delimiter = boilerplate().signature_delimiter
    for k in range(len(paras) - 1, max(-1, len(paras) - 5), -1):
        lines = paras[k].split("\n")
        for j, line in enumerate(lines):
            if not delimiter.match(line):
                continue
            after = lines[j + 1 :] + [ln for p in paras[k + 1 :] for ln in p.split("\n")]
            if len(after) > _SIGNATURE_LINES or word_count(" ".join(after)) > _SIGNATURE_WORDS:
                return paras
            kept = "\n".join(lines[:j]).strip()
            return [*paras[:k], kept] if kept else paras[:k]
    return paras


def split_epigraph(paras: list[str]) -> tuple[str | None, list[str]]:
    """A quotation with an attribution at the very start of the story."""
    limit = min(len(paras), 14)
    words = 0
    for k in range(limit):
        para = paras[k]
        words += word_count(para)
        if words > 250:
            return None, paras
        if k > 0 and _is_attribution(para):
            quote = paras[:k]
            if _quotelike(quote) and k + 1 < len(paras):
                return "\n".join([*quote, para.strip()]), paras[k + 1 :]
            return None, paras
        inline = _INLINE_ATTRIBUTION.search(para)
        if inline and QUOTE_START.match(para) and k + 1 < len(paras) and _names_source(inline):
            quote = paras[: k + 1]
            if _quotelike(quote):
                return "\n".join(quote), paras[k + 1 :]
            return None, paras
        if k > 0 and not _short_lines(para) and not QUOTE_START.match(para):
            return None, paras
    return None, paras


def _is_attribution(para: str) -> bool:
    """ "-- Roger De Bussy-Rabutin", "~ Soul Asylum, Runaway Train": a source, not prose."""
    text = para.strip()
    if not _EPIGRAPH_ATTRIBUTION.match(text) or word_count(text) > 14:
        return False
    source = text.lstrip("-—–~ ").strip("*_ ")
    if not source or not (source[0].isupper() or source[0] in "\"“'‘"):
        return False
    return not (source.endswith((".", "!", "?")) and word_count(source) > 5)


def _names_source(m: re.Match[str]) -> bool:
    source = m.group().lstrip("\"”'’…) ").lstrip("-—–~ ").strip("*_ ")
    if not source or word_count(source) > 15:
        return False
    return source[0].isupper() or source[0] in "\"“'‘"


def _short_lines(para: str) -> bool:
    return all(len(line) <= 90 for line in para.split("\n"))


def _quotelike(paras: list[str]) -> bool:
    if not paras:
        return False
    if QUOTE_START.match(paras[0]):
        return True
    return all(_short_lines(p) for p in paras)
