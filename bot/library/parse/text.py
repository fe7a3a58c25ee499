"""Plain-text and Markdown stories -> `RawStory`.

Pipeline: lines -> front matter (Markdown) -> blocks (paragraphs; hard-wrapped lines
joined, one-line-per-paragraph text split; `text_blocks`) -> header (labelled lines,
bylines, title lines, unlabelled summary / disclaimer / notes; `text_header`, line
classes in `text_lines`) -> chapters split at headings -> chapter edges cleaned (author
notes, review pleas, sign-offs, continuation and end markers) -> epigraph (`text_body`).
"""

from __future__ import annotations

import re

from bot.library.model import Chapter
from bot.library.parse.raw import RawStory
from bot.library.parse.text_blocks import (
    QUOTE_MARKS,
    SETEXT,
    Block,
    clean_line,
    front_matter,
    markdown_links,
    paragraph_blocks,
    setext_to_atx,
)
from bot.library.parse.text_body import (
    Edges,
    chapter_end,
    chapter_start,
    clean_paragraphs,
    heading_of,
    headings_of,
    split_chapters,
    split_epigraph,
)
from bot.library.parse.text_header import Header, apply_front_matter, find_boundary, parse_header
from bot.library.parse.text_lines import byline, is_scene_break, table_row
from bot.library.rules import boilerplate, fold


def _repeat(para: str, raw: RawStory) -> bool:
    """A scene break, or the story's title or byline repeated at a chapter's edge."""
    if is_scene_break(para):
        return True
    if len(para) > 120 or "\n" in para:
        return False
    text = " ".join(fold(para).strip("*_# ").lower().split())
    if raw.title and text == " ".join(fold(raw.title).lower().split()):
        return True
    name = byline(para)
    return bool(name and name in raw.authors)


def _trim_repeats(paras: list[str], raw: RawStory) -> list[str]:
    start, end = 0, len(paras)
    while start < end and _repeat(paras[start], raw):
        start += 1
    while end > start and _repeat(paras[end - 1], raw):
        end -= 1
    return paras[start:end]


_BLANK_RUNS = re.compile(r"\n(?:[ \t\u00a0]*\n){3,}")
_TABLE_LINES = 150  # a metadata table sits in the header


_TAIL_BLOCKS = 200  # comments and chrome follow the story: lines inside blocks are tested here


def _cut_tail(blocks: list[Block], cutoff: re.Pattern[str]) -> list[Block]:
    """Drop everything from a line after which only readers' comments and site chrome
    follow ("Leave a Reply", "Related", "3 thoughts on …")."""
    tail_from = max(1, len(blocks) - _TAIL_BLOCKS)
    for k in range(1, len(blocks)):
        lines = blocks[k].lines if k >= tail_from else blocks[k].lines[:1]
        for j, line in enumerate(lines):
            if len(line) <= 200 and cutoff.match(fold(line)):
                if j == 0:
                    return blocks[:k]
                return [*blocks[:k], Block(blocks[k].lines[:j], blocks[k].indent)]
    return blocks


def parse_text(text: str, source_name: str) -> RawStory:
    """Parse a plain-text or Markdown story into a `RawStory`."""
    markdown = source_name.lower().endswith((".md", ".markdown"))
    lines = _BLANK_RUNS.sub("\n\n\n", text).split("\n")
    meta, lines = front_matter([ln.rstrip() for ln in lines])
    if meta:
        markdown = True
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines]
    cleaned = [
        clean_line(ln)
        if "\t" in ln or "<" in ln or "&" in ln
        else (stripped if (stripped := ln.strip()).strip("\u00a0\u200b ") else "")
        for ln in lines
    ]  # clean_line, its common case inline
    if markdown:
        cleaned = [markdown_links(ln) for ln in cleaned]
    for k in range(min(len(cleaned), _TABLE_LINES)):
        row = table_row(cleaned[k])
        if row is not None:
            cleaned[k] = row  # a metadata table above the story: its rows as label lines
    for k in [k for k, line in enumerate(cleaned) if line[:1] == ">"]:
        # e-mail / Markdown quotation: kept, marked as indented
        cleaned[k] = clean_line(QUOTE_MARKS.sub("", cleaned[k]))
        indents[k] = max(indents[k], 4)
    if markdown or any(SETEXT.match(ln) for ln in cleaned[:40]):
        cleaned, indents = setext_to_atx(cleaned, indents)
    blocks = paragraph_blocks(cleaned, indents)
    cutoff = boilerplate().tail_cutoff
    blocks = _cut_tail(blocks, cutoff)
    raw = RawStory(layout="text-markdown" if markdown else "text")
    h = Header(raw=raw)
    if meta:
        apply_front_matter(h, meta)
        raw.layout = "text-front-matter"
    headings = headings_of(blocks, markdown)
    # a Markdown "# Title" at the top is the title, not a chapter
    if blocks and 0 in headings and blocks[0].lines[0].startswith("# "):
        first = headings[0]
        if first.label is None and raw.title is None:
            raw.title = first.title
            del headings[0]
            blocks = blocks[1:]
            headings = {k - 1: v for k, v in headings.items()}
    boundary = find_boundary(blocks, headings)
    start = parse_header(blocks, h, boundary)
    if start < len(blocks) and start not in headings:
        cut_heading = heading_of(blocks[start], markdown)
        if cut_heading:
            headings[start] = cut_heading
    if start:
        raw.layout += "-header"
    body_headings = {k: v for k, v in headings.items() if k >= start}
    parts = split_chapters(blocks, start, body_headings)
    edges = Edges()
    chapters: list[Chapter] = []
    for n, (heading, chapter_paras) in enumerate(parts):
        paras = clean_paragraphs(chapter_paras, raw)
        paras = chapter_start(paras, edges)
        paras = chapter_end(paras, edges, last=n == len(parts) - 1)
        if n == 0 and raw.epigraph is None:
            raw.epigraph, paras = split_epigraph(paras)
        paras = _trim_repeats(paras, raw)
        if not paras and heading is None:
            continue
        title = heading.title if heading else None
        if n == 0 and heading is None and h.chapter_title:
            title = h.chapter_title
        chapters.append(
            Chapter(
                number=heading.number if heading else None,
                label=heading.label if heading else None,
                title=title,
                text="\n\n".join(paras),
            )
        )
        if heading and heading.total and raw.total_chapters is None:
            raw.total_chapters = heading.total
    raw.chapters = [c for c in chapters if c.text.strip()]
    raw.notes.extend(n for n in edges.notes if n not in raw.notes)
    if raw.disclaimer is None:
        raw.disclaimer = edges.disclaimer
    if raw.summary is None:
        raw.summary = edges.summary
    raw.tags.extend(t for t in edges.tags if t not in raw.tags)
    if edges.status is not None and raw.status_declared is None:
        raw.status_declared = edges.status
    return raw
