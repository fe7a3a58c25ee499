"""Metadata helpers shared by the HTML and EPUB layouts.

Chapter-heading splitting ("Chapter 1: Title" → number, label, title), chapter progress
("3/20", "3/?") and "Label: value" runs found next to `<b>`/`<span class=label>` (the
labels the one vocabulary knows, `vocabulary.field_of`; their values are stored by
`vocabulary.apply_labelled`, as in text files).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Status
from bot.library.parse.chapters import Heading, number_value
from bot.library.parse.html_text import BLOCK_TAGS, clean_inline, inline_text, within
from bot.library.parse.vocabulary import field_of

_LABEL_CHAPTER = re.compile(
    r"^(?P<label>(?:chapter|ch\.?|part|book|section|episode|chapitre|cap[ií]tulo|kapitel"
    r"|capitolo|hoofdstuk|partie)\s*"
    r"(?P<num>\d+|[ivxlcdm]+\b|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"|prologue|epilogue|interlude|foreword|afterword|preface|introduction)"
    r"\s*(?:[:.\-–—]\s*|\s+(?=\S))?(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?P<num>\d+)\s*[.):\-–—]\s*(?P<rest>.+)$")
_PROGRESS = re.compile(r"(\d[\d,]*)\s*/\s*(\d[\d,]*|\?)")
_INT = re.compile(r"\d[\d,.\u00a0 ]*")


def selector_score(tree: LexborHTMLParser, signs: tuple[tuple[str, float], ...]) -> float:
    """A layout's confidence: the weights of the `(selector, weight)` signs the page
    shows, added in order, at most 1."""
    shown = (weight for selector, weight in signs if tree.css_first(selector) is not None)
    return min(sum(shown), 1.0)


def split_heading(text: str) -> Heading:
    """ "Chapter 3: Title" → (3, "Chapter 3", "Title"); "Prologue" → (None, "Prologue", None);
    "2. Title" → (2, None, "Title"); "Title" → (None, None, "Title")."""
    text = clean_inline(text)
    if not text:
        return Heading(None, None, None)
    m = _LABEL_CHAPTER.match(text)
    if m:
        label = m.group("label").strip()
        num_text = m.group("num")
        number = number_value(num_text) if num_text else None
        rest = m.group("rest").strip(" :.-–—") or None
        return Heading(number, label, rest)
    m = _NUMBERED.match(text)
    if m:
        inner = split_heading(m.group("rest"))
        if inner.label:  # "1. Chapter 1" / "3. Prologue"
            return Heading(int(m.group("num")), inner.label, inner.title)
        return Heading(int(m.group("num")), None, m.group("rest").strip() or None)
    return Heading(None, None, text)


def to_int(text: str | None) -> int | None:
    if not text:
        return None
    m = _INT.search(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group())
    return int(digits) if digits else None


def progress(text: str) -> tuple[int | None, int | None, Status | None]:
    """AO3 chapter progress: "3/20" → (3, 20, wip), "3/?" → (3, None, wip), "3/3" → complete."""
    m = _PROGRESS.search(text)
    if not m:
        return None, None, None
    posted = int(m.group(1).replace(",", ""))
    if m.group(2) == "?":
        return posted, None, Status.WIP
    total = int(m.group(2).replace(",", ""))
    return posted, total, Status.COMPLETE if posted >= total else Status.WIP


def dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        key = v.casefold()
        if v and key not in seen:
            seen.add(key)
            out.append(v)
    return out


def labelled_values(
    root: LexborNode,
    selector: str = "b, strong, span.label, .label",
    *,
    exclude: frozenset[int] = frozenset(),
) -> list[tuple[str, str, list[str]]]:
    """ "<b>Label:</b> value<br>" runs: (label, value text, link texts in the value).

    The value is the label's following siblings up to the next label, `<br>` or block.
    """
    out: list[tuple[str, str, list[str]]] = []
    labels = root.css(selector)
    if exclude:  # labels inside story text ("<b>Buffy:</b> line") are not metadata
        labels = [n for n in labels if not within(n, exclude)]
    label_ids = {n.mem_id for n in labels}
    for node in labels:
        label = inline_text(node)
        if not label.endswith(":") or len(label) > 40:
            # "<b>Rating: T</b>" — label and value in one element
            if ":" in label and len(label) <= 200:
                name, _, value = label.partition(":")
                if field_of(clean_inline(name)) and value.strip():
                    out.append((name, value, []))
            continue
        parts: list[str] = []
        links: list[str] = []
        sib = node.next
        while sib is not None:
            tag = sib.tag
            if sib.mem_id in label_ids or tag in ("br", "hr") or tag in BLOCK_TAGS:
                break
            if tag == "-text":
                parts.append(sib.text_content or "")
            elif tag and not tag.startswith("-"):
                if sib.css_first("b, strong, .label") is not None and any(
                    n.mem_id in label_ids for n in sib.css("b, strong, .label")
                ):
                    break
                text = sib.text(deep=True, separator="")
                parts.append(text)
                if tag == "a":
                    links.append(clean_inline(text))
                else:
                    links.extend(clean_inline(a.text()) for a in sib.css("a"))
            sib = sib.next
        value = clean_inline("".join(parts))
        if not value:  # table and list layouts: the value is the next cell / <dd>
            cell = _value_cell(node)
            if cell is not None:
                value = inline_text(cell)
                links = [inline_text(a) for a in cell.css("a")]
        links = [x for x in links if x]
        rest = value
        for link in links:
            rest = rest.replace(link, "", 1)
        if any(ch.isalnum() for ch in rest):
            links = []  # plain text between the links: split the text instead
        out.append((label[:-1], value, links))
    return out


def _value_cell(label: LexborNode) -> LexborNode | None:
    """`<td><b>Label:</b></td><td>value</td>` → the value cell; `<dt>` → its `<dd>`."""
    holder = label if label.tag == "dt" else label.parent
    if holder is None or holder.tag not in ("td", "th", "dt"):
        return None
    if holder.tag != "dt" and inline_text(holder) != inline_text(label):
        return None
    sib = holder.next
    while sib is not None and sib.tag in ("-text", "-comment"):
        sib = sib.next
    if sib is None or sib.tag not in ("td", "dd"):
        return None
    return sib
