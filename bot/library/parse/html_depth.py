"""Pathologically nested pages, made shallow before parsing.

An HTML5 tree builder checks the stack of open elements for every block start tag (is a
`<p>` open in button scope?), so a page of 200,000 nested `<div>`s costs time quadratic in
its depth (minutes for 10 MiB). `flatten_deep` keeps parse time linear: when a page could
nest deeper than `MAX_DEPTH`, one regular-expression pass drops every tag opened beyond that
depth (with its end tag), a block tag leaving a line break so its text stays apart. Real
pages nest a few dozen levels; their markup is returned unchanged.
"""

from __future__ import annotations

import re

MAX_DEPTH = 1000

# elements that never hold children, or that the parser closes by itself when the next
# one starts (an unclosed `<p>`/`<li>`/`<td>` is not nesting)
_NOT_NESTING = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
        "basefont",
        "bgsound",
        "frame",
        "image",
        "isindex",
        "spacer",
        "nextid",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "rb",
        "rt",
        "rp",
        "rtc",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "html",
        "head",
        "body",
    ]
)
_BLOCKS = frozenset(
    [
        "div",
        "section",
        "article",
        "main",
        "aside",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "pre",
        "figure",
        "figcaption",
        "address",
        "center",
        "header",
        "footer",
        "nav",
        "details",
        "summary",
        "fieldset",
        "form",
        "menu",
        "dir",
        "listing",
        "xmp",
    ]
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*)>")


_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")


def max_depth_possible(text: str) -> int:
    """An upper bound on the nesting depth: the deepest running count of start tags less
    end tags of elements that nest (tag names found in C, one step per tag in Python)."""
    if text.count("<") <= MAX_DEPTH:
        return text.count("<")
    depth = deepest = 0
    skip = _NOT_NESTING
    for closing, name in _TAG_NAME.findall(text):
        if name in skip or name.lower() in skip:
            continue
        if closing:
            depth = depth - 1 if depth else 0
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def flatten_deep(text: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """(markup with no element nested deeper than `max_depth`, tags dropped). A dropped
    block leaves one line break between texts (never a run of them: 200k empty breaks
    would make a page of 200k elements again)."""
    if max_depth_possible(text) <= max_depth:
        return text, 0
    depth = 0
    dropped = 0
    last_end = 0  # where the previous tag ended
    broken = False  # a break was left since the last text

    def drop(m: re.Match[str], name: str) -> str:
        nonlocal dropped, broken
        dropped += 1
        if name not in _BLOCKS or broken:
            return ""
        broken = True
        return "<br>"

    def visit(m: re.Match[str]) -> str:
        nonlocal depth, last_end, broken
        if broken and not text[last_end : m.start()].isspace() and m.start() > last_end:
            broken = False
        last_end = m.end()
        name = m.group(2).lower()
        if name in _NOT_NESTING or m.group(3).endswith("/"):
            broken = False
            return m.group()
        if m.group(1):  # an end tag
            if depth > max_depth:
                depth -= 1
                return drop(m, name)
            depth = max(depth - 1, 0)
            broken = False
            return m.group()
        depth += 1
        if depth > max_depth:
            return drop(m, name)
        broken = False
        return m.group()

    out = _TAG.sub(visit, text)
    return (out, dropped) if dropped else (text, 0)
