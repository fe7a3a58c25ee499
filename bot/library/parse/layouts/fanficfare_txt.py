"""FanFicFare's .txt export (fanficfare/writers/writer_txt.py, [txt] in defaults.ini).

    <blank lines>
    Title
    <blank>
    by Author
    <blank lines>
    Series: Name [2]            title page: "Label: value" per entry (titlepage_entries),
    Category: Fandom            long values (the summary) wrapped at 78 columns
    Genre: Romance, Angst
    ...
    Summary: text that may run
    on over several lines
    <blank lines>
    TABLE OF CONTENTS
    <blank>
    Chapter 1: Title            one line per chapter
    <blank>
    \tChapter 1: Title           each chapter opens with its title after a TAB (8 spaces
    <blank>                     when the writer wraps lines), then html2text's text
    text...
    End file.

The title page is read as labels with the summary kept to its own lines; the table of
contents names the chapter openings, which become headings for the shared reader.
"""

from __future__ import annotations

import re

from bot.library.model import Status
from bot.library.parse.html_meta import split_heading
from bot.library.parse.layouts.generic import read, signs_at, tail
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import field_of
from bot.library.rules import label_key

LAYOUT = "fanficfare-txt"

_TOC = re.compile(r"^\s*TABLE OF CONTENTS\s*$", re.MULTILINE)
_END_FILE = re.compile(r"^\s*End file\.\s*$", re.MULTILINE)
_INTRO = re.compile(r"^(?:\t| {8})(?=\S)(.+)$")
_BY = re.compile(r"^by\s+(?P<author>\S.*)$", re.IGNORECASE)
_ENTRY = re.compile(r"^(?P<label>[A-Z][A-Za-z ]{1,30}):\s*(?P<value>.*)$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SIGNS = (
    ("table of contents", _TOC, 0.35),
    (
        ("packaged:", "story url:", "author url:", "publisher:"),
        re.compile(r"^(?:Packaged|Story URL|Author URL|Publisher):\s", re.MULTILINE),
        0.25,
    ),
    (("\n\t", "\n        "), re.compile(r"^(?:\t| {8})\S", re.MULTILINE), 0.15),
)


def detect(text: str, source_name: str) -> float:
    score = signs_at(text, _SIGNS, 20_000)
    if _END_FILE.search(tail(text, 200)):
        score += 0.25
    return min(score, 1.0)


def _title_page(lines: list[str]) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(title, author, [(label, value)]) from the lines before the table of contents."""
    title: str | None = None
    author: str | None = None
    entries: list[tuple[str, str]] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        m = _ENTRY.match(text)
        if m and (title is not None or author is not None):
            entries.append((m.group("label").strip(), m.group("value").strip()))
            continue
        if title is None:
            title = text
            continue
        by = _BY.match(text)
        if by and author is None and not entries:
            author = by.group("author").strip()
            continue
        if entries:  # a wrapped value (the summary) goes on
            label, value = entries[-1]
            entries[-1] = (label, f"{value} {text}".strip())
    return title, author, entries


def _label(label: str) -> str:
    """The label as the shared reader should see it: FanFicFare's own senses
    ([site_labels.fanficfare]: "Category" is the fandom) renamed, unknown labels dropped."""
    fieldname = field_of(label, site="fanficfare")
    if fieldname is None:
        return ""
    if fieldname == "summary":
        return "Summary"
    return "Fandom" if fieldname == "fandoms" else label


def extract(text: str, source_name: str) -> RawStory:
    lines = text.split("\n")
    toc_at = next((k for k, ln in enumerate(lines) if _TOC.match(ln)), None)
    intros = [k for k, ln in enumerate(lines) if ln[:1] in "\t " and _INTRO.match(ln)]
    if toc_at is not None:
        first_intro = next((k for k in intros if k > toc_at), len(lines))
        entries = {" ".join(ln.split()) for ln in lines[toc_at + 1 : first_intro] if ln.strip()}
        intros = [k for k in intros if k > toc_at and " ".join(lines[k].split()) in entries]
        header_end = toc_at
    else:
        header_end = intros[0] if intros else 0
    title, author, fields = _title_page(lines[:header_end])
    out: list[str] = []
    if title:
        out.append(f"Title: {title}")
    if author:
        out.append(f"Author: {author}")
    summary = ""
    for label, value in fields:
        name = _label(label)
        if name == "Summary":
            summary = value
        elif name and value:
            out.append(f"{name}: {value}")
    if summary:
        out.append(f"Summary: {summary}")
    out.append("")
    if not intros:
        out.extend(lines[header_end:])
    for n, k in enumerate(intros):
        end = intros[n + 1] if n + 1 < len(intros) else len(lines)
        out.extend(["", f"## {lines[k].strip()}", ""])
        out.extend(_ESCAPE.sub(r"\1", ln) if "\\" in ln else ln for ln in lines[k + 1 : end])
    raw = read("\n".join(out), source_name)
    raw.layout = LAYOUT
    bare_count = any(label_key(k) == "chapters" and v.strip().isdigit() for k, v in fields)
    if bare_count and raw.status_declared is not Status.COMPLETE:
        raw.total_chapters = None  # "Chapters: 3" counts what FanFicFare downloaded
    for k, chapter in enumerate(raw.chapters, start=1):
        if chapter.number is None and chapter.label is None and chapter.title:
            head = split_heading(chapter.title)
            chapter.number = head.number or k
            chapter.label = head.label
            chapter.title = head.title
        elif chapter.number is None and chapter.label is None:
            chapter.number = k
    return raw
