"""HTML subtree → clean story text (the chapter text convention).

Block elements become paragraphs separated by one blank line, `<br>` a line break (two or
more in a row a paragraph break), `<hr>` the scene break line "* * *", `<em>`/`<i>` and
`<strong>`/`<b>` Markdown emphasis. Scripts, styles, forms, navigation, comments, hidden
elements and Cloudflare's "[email protected]" placeholders are dropped. The walk is
iterative (no recursion limit on deeply nested pages) and linear in the number of nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborNode

SCENE_BREAK = "* * *"

# Never text: dropped with everything inside them.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "form",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "iframe",
        "svg",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "dialog",
    }
)
# Site chrome on whole pages; kept when converting a chosen story container.
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})

BLOCK_TAGS = frozenset(
    {
        "p",
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
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "pre",
        "figure",
        "figcaption",
        "address",
        "center",
        "body",
        "html",
        "header",
        "footer",
        "nav",
        "details",
        "summary",
        "fieldset",
        "legend",
    }
)
EMPHASIS = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}

_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CF_EMAIL = re.compile(r"\[\s*email(?:\s|&#160;|&nbsp;)*protected\s*\]", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BR = "\x00"
_TRIM = " \t\r\n\f\v\u00a0"  # line-break marker inside a paragraph being built


def clean_inline(text: str) -> str:
    """Collapse whitespace, drop zero-width characters and e-mail placeholders."""
    text = _CF_EMAIL.sub("", _ZERO_WIDTH.sub("", text))
    return _SPACE.sub(" ", text).strip()


def is_dropped(node: LexborNode, skip: frozenset[str]) -> bool:
    """True for an element whose whole subtree is never story text."""
    tag = node.tag
    if tag in skip:
        return True
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    cls = attrs.get("class") or ""
    if "__cf_email__" in cls:
        return True
    href = attrs.get("href") or ""
    return "/cdn-cgi/l/email-protection" in href and tag == "a"


class _Builder:
    """Collects paragraphs while the tree is walked."""

    __slots__ = ("_marks", "_pieces", "paragraphs", "pre_depth")

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []
        self._marks: list[tuple[str, int]] = []  # open emphasis: (marker, piece index)
        self.pre_depth = 0

    def text(self, value: str) -> None:
        if self.pre_depth:
            self._pieces.append(value.replace("\n", _BR))
        else:
            self._pieces.append(value)

    def line_break(self) -> None:
        self._pieces.append(_BR)

    def open_emphasis(self, marker: str) -> None:
        self._marks.append((marker, len(self._pieces)))

    def close_emphasis(self) -> None:
        if self._marks:
            marker, start = self._marks.pop()
            self._wrap(marker, start)

    def _wrap(self, marker: str, start: int) -> None:
        inner = "".join(self._pieces[start:])
        if not any(ch.isalnum() for ch in inner):
            return
        self._pieces[start:] = [_BR.join(_emphasise(seg, marker) for seg in inner.split(_BR))]

    def block(self) -> None:
        """End the current paragraph (if it has text)."""
        if not self._pieces:
            if self._marks:
                self._marks = [(m, 0) for m, _ in self._marks]
            return
        # emphasis open across a paragraph break wraps each paragraph separately
        for marker, start in reversed(self._marks):
            self._wrap(marker, start)
        self._marks = [(m, 0) for m, _ in self._marks]
        raw = "".join(self._pieces)
        self._pieces = []
        lines = raw.split(_BR)
        current: list[str] = []
        for line in lines:
            cleaned = line.rstrip() if self.pre_depth else clean_inline(line)
            if self.pre_depth:
                cleaned = _CF_EMAIL.sub("", _ZERO_WIDTH.sub("", cleaned))
                if not cleaned.strip():
                    cleaned = ""
            if cleaned:
                current.append(cleaned)
            elif current:  # blank line (two <br>s) ends a paragraph
                self.paragraphs.append("\n".join(current))
                current = []
        if current:
            self.paragraphs.append("\n".join(current))

    def scene_break(self) -> None:
        self.block()
        if self.paragraphs and self.paragraphs[-1] == SCENE_BREAK:
            return
        self.paragraphs.append(SCENE_BREAK)


def _emphasise(segment: str, marker: str) -> str:
    core = segment.strip(_TRIM)
    if not core or not any(ch.isalnum() for ch in core):
        return segment
    lead = segment[: len(segment) - len(segment.lstrip(_TRIM))]
    trail = segment[len(segment.rstrip(_TRIM)) :]
    core = _SPACE.sub(" ", core)
    if core.startswith(marker) and core.endswith(marker) and len(core) > 2 * len(marker):
        return segment  # already emphasised the same way (nested <i><em>)
    return f"{lead}{marker}{core}{marker}{trail}"


def node_paragraphs(
    root: LexborNode,
    *,
    drop: Iterable[LexborNode] = (),
    skip_chrome: bool = False,
    emphasis: bool = True,
) -> list[str]:
    """The paragraphs of `root`'s subtree; nodes in `drop` (by identity) are left out."""
    skip = SKIP_TAGS | CHROME_TAGS if skip_chrome else SKIP_TAGS
    dropped = {n.mem_id for n in drop}
    out = _Builder()
    node = root.child
    while node is not None:
        descend = False
        tag = node.tag
        if tag == "-text":
            value = node.text_content
            if value:
                out.text(value)
        elif tag and not tag.startswith("-") and not is_dropped(node, skip):
            if dropped and node.mem_id in dropped:
                pass
            elif tag == "br":
                out.line_break()
            elif tag == "hr":
                out.scene_break()
            elif tag == "img":
                alt = (node.attributes.get("alt") or "").strip()
                if alt and alt.lower() not in ("image", "img", "picture"):
                    out.text(alt)
            else:
                if tag in BLOCK_TAGS:
                    out.block()
                    if tag == "pre":
                        out.pre_depth += 1
                elif emphasis and tag in EMPHASIS:
                    out.open_emphasis(EMPHASIS[tag])
                descend = node.child is not None
                if not descend:
                    _leave(node, tag, out, emphasis)
        if descend:
            node = node.child
            continue
        # climb until a next sibling exists, leaving the elements we finish
        while node is not None:
            nxt = node.next
            if nxt is not None:
                node = nxt
                break
            node = node.parent
            if node is None or node.mem_id == root.mem_id:
                node = None
                break
            _leave(node, node.tag, out, emphasis)
    out.block()
    return out.paragraphs


def _leave(node: LexborNode, tag: str | None, out: _Builder, emphasis: bool) -> None:
    if tag in BLOCK_TAGS:
        out.block()
        if tag == "pre":
            out.pre_depth = max(0, out.pre_depth - 1)
    elif emphasis and tag in EMPHASIS:
        out.close_emphasis()


def node_text(root: LexborNode | None, **kwargs: object) -> str:
    """`node_paragraphs` joined by one blank line ("" for None)."""
    if root is None:
        return ""
    return "\n\n".join(node_paragraphs(root, **kwargs))  # type: ignore[arg-type]


def inline_text(node: LexborNode | None) -> str:
    """A node's text on one line (labels, titles, tag names)."""
    if node is None:
        return ""
    return clean_inline(node.text(deep=True, separator=""))


def tidy_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop leading/trailing scene breaks and repeated ones."""
    out: list[str] = []
    for p in paragraphs:
        if p == SCENE_BREAK and (not out or out[-1] == SCENE_BREAK):
            continue
        out.append(p)
    while out and out[-1] == SCENE_BREAK:
        out.pop()
    return out
