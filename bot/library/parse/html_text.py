"""HTML subtree → clean story text (the chapter text convention).

Block elements become paragraphs separated by one blank line, `<br>` a line break (two or
more in a row a paragraph break), `<hr>` the scene break line "* * *", `<em>`/`<i>` and
`<strong>`/`<b>` Markdown emphasis. Scripts, styles, forms, navigation, comments, hidden
elements and Cloudflare's "[email protected]" placeholders are dropped.

Speed: unwanted subtrees are removed by lexbor (C), the rest is serialised once and turned
into text by a few regular-expression passes — no Python work per DOM node, and nothing
recursive, so deeply nested pages are fine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Set

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
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
_CF_EMAIL = re.compile(r"\[\s*email(?:\s|&#160;|&nbsp;)*protected\s*\]", re.IGNORECASE)
_HIDDEN = (
    "[hidden], [aria-hidden='true'], [style*='display:none' i], [style*='display: none' i], "
    "[style*='visibility:hidden' i], [style*='visibility: hidden' i], .__cf_email__, "
    "a[href*='/cdn-cgi/l/email-protection']"
)

# markers while converting (never in decoded text: C0 controls lexbor does not emit)
_PARA = "\x00"  # block boundary
_RULE = "\x06"  # <hr>
_PRE_SPACE = "\x05"  # a space inside <pre>, kept
_EM_OPEN, _EM_CLOSE, _B_OPEN, _B_CLOSE = "\x01", "\x02", "\x03", "\x04"
_MARKERS = {_EM_OPEN: ("*", _EM_CLOSE), _B_OPEN: ("**", _B_CLOSE)}
_OWN_CONTROLS = "\x00\x01\x02\x03\x04\x05\x06"
_DROP_CONTROLS = dict.fromkeys(map(ord, _OWN_CONTROLS))

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*)>")
_ALT = re.compile(r'\balt="([^"]*)"')
_EMPTY_INLINE = re.compile(r"<(em|i|cite|b|strong)\b[^>]*>(\s*)</\1>")
_ANY_MARK = re.compile(r"[\x01-\x04]")
# lexbor serialises tags in lower case; attribute-less common ones are replaced in bulk
_PLAIN_TAGS = (
    ("<p>", "\x00"),
    ("</p>", "\x00"),
    ("<div>", "\x00"),
    ("</div>", "\x00"),
    ("<br>", "\n"),
    ("<em>", "\x01"),
    ("</em>", "\x02"),
    ("<i>", "\x01"),
    ("</i>", "\x02"),
    ("<strong>", "\x03"),
    ("</strong>", "\x04"),
    ("<b>", "\x03"),
    ("</b>", "\x04"),
    ("<span>", ""),
    ("</span>", ""),
)
_PLAIN_TAG_MAP = dict(_PLAIN_TAGS)
_PLAIN_TAG_RE = re.compile("|".join(re.escape(tag) for tag, _ in _PLAIN_TAGS))


def _plain_tag(m: re.Match[str]) -> str:
    return _PLAIN_TAG_MAP[m.group()]


_IGNORED_ALT = frozenset({"", "image", "img", "picture", "photo", "cover"})


def clean_inline(text: str) -> str:
    """Collapse whitespace, drop zero-width characters and e-mail placeholders."""
    text = _drop_zero_width(text)
    if "mail" in text:
        text = _CF_EMAIL.sub("", text)
    return " ".join(text.split())


def _drop_zero_width(text: str) -> str:
    if any(ch in text for ch in _ZERO_WIDTH_CHARS):
        return _ZERO_WIDTH.sub("", text)
    return text


def within(node: LexborNode | None, ids: Set[int]) -> bool:
    """`node` or one of its ancestors is among `ids` (`mem_id`s)."""
    cur = node
    while cur is not None:
        if cur.mem_id in ids:
            return True
        cur = cur.parent
    return False


def remove_nodes(root: LexborNode, nodes: Iterable[LexborNode]) -> None:
    """Remove nodes inside `root` (outermost only; never `root` or its ancestors)."""
    root_id = root.mem_id
    chosen = {n.mem_id: n for n in nodes if n.mem_id != root_id}
    if not chosen:
        return
    ids = set(chosen)
    inside_root = {root_id}
    for node in chosen.values():
        if within(node.parent, ids) or not within(node.parent, inside_root):
            continue  # removed with an ancestor, or not under root at all
        node.decompose()


def _tag_replacement(match: re.Match[str]) -> str:
    closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
    if name in BLOCK_TAGS:
        return _PARA
    if name == "br":
        return "\n"
    if name == "hr":
        return f"{_PARA}{_RULE}{_PARA}"
    if name in ("em", "i", "cite"):
        return _EM_CLOSE if closing else _EM_OPEN
    if name in ("strong", "b"):
        return _B_CLOSE if closing else _B_OPEN
    if name == "img":
        m = _ALT.search(attrs)
        alt = html.unescape(m.group(1)).strip() if m else ""
        return f" {alt} " if alt.lower() not in _IGNORED_ALT else ""
    return ""


def _pre_lines(match: re.Match[str]) -> str:
    return match.group().replace("\n", "<br>").replace(" ", _PRE_SPACE).replace("\t", _PRE_SPACE)


def _is_closing(markers: str) -> bool:
    return all(ch in (_EM_CLOSE, _B_CLOSE) for ch in markers)


def _balance(paragraph: str, emphasis: bool) -> str:
    """Emphasis markers → Markdown; an emphasis cut by a paragraph break is closed and
    reopened so each paragraph is balanced; whitespace moves outside the markers;
    emphasis around no letters or digits is dropped."""
    if not emphasis:
        return _ANY_MARK.sub("", paragraph)
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # (opener, its index in out)
    pos = 0

    def close(opener: str, index: int) -> None:
        if any(ch.isalnum() for part in out[index + 1 :] for ch in part):
            out.append(_MARKERS[opener][1])
        else:
            out[index] = ""

    for m in _ANY_MARK.finditer(paragraph):
        out.append(paragraph[pos : m.start()])
        pos = m.end()
        mark = m.group()
        if mark in _MARKERS:
            stack.append((mark, len(out)))
            out.append(mark)
            continue
        opener = _EM_OPEN if mark == _EM_CLOSE else _B_OPEN
        if any(o == opener for o, _ in stack):
            while stack:  # close this one and any opened inside it
                top, index = stack.pop()
                close(top, index)
                if top == opener:
                    break
        elif any(ch.isalnum() for part in out for ch in part):
            out.insert(0, opener)  # closes an emphasis opened in an earlier paragraph
            out.append(mark)
    out.append(paragraph[pos:])
    while stack:
        top, index = stack.pop()
        close(top, index)
    text = "".join(out)
    for opener, (_md, closer) in _MARKERS.items():
        while f"{opener} " in text:
            text = text.replace(f"{opener} ", f" {opener}")
        while f" {closer}" in text:
            text = text.replace(f" {closer}", f"{closer} ")
    return (
        text.replace(_EM_OPEN, "*")
        .replace(_EM_CLOSE, "*")
        .replace(_B_OPEN, "**")
        .replace(_B_CLOSE, "**")
    )


_SOURCE_SPACE = ("\n", "\r", "\t", "\f", "\v")
_EXOTIC_SPACE = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005" + (
    "\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_EXOTIC_SPACE_RE = re.compile(f"[{_EXOTIC_SPACE}]")
_MARK_CHARS = "\x01\x02\x03\x04 "


# simple emphasis (opened and closed on one line, nothing nested) in one regex pass;
# what is left (nested, cut by a paragraph break) goes through _balance
_EM_PAIR = re.compile(r"\x01([^\x00-\x04\n]*)\x02")
_B_PAIR = re.compile(r"\x03([^\x00-\x04\n]*)\x04")
_ALNUM = re.compile(r"[^\W_]")


def _pair(inner: str, md: str) -> str:
    core = inner.strip(" ")
    if not core or not _ALNUM.search(core):
        return inner
    lead = " " if inner[0] == " " else ""
    trail = " " if inner[-1] == " " else ""
    return f"{lead}{md}{core}{md}{trail}"


def _em_pair(m: re.Match[str]) -> str:
    return _pair(m.group(1), "*")


def _b_pair(m: re.Match[str]) -> str:
    return _pair(m.group(1), "**")


def _squeeze_spaces(text: str) -> str:
    """Runs of spaces → one (str.replace passes: much faster than a regex scan)."""
    while "  " in text:
        text = text.replace("    ", " ").replace("  ", " ")
    return text


_SENTENCE_END = tuple(".!?\"”’'…)*_-—")


def _add_lines(paragraphs: list[str], lines: list[str]) -> None:
    """Lines split by single `<br>`s: one paragraph (verse, a letter's lines, hard-wrapped
    text) — unless they are whole prose paragraphs, one per line (long lines that end
    sentences), the way pages that put one `<br>` between paragraphs look."""
    if (
        len(lines) >= 3
        and not any(_PRE_SPACE in x for x in lines)
        and sum(len(x) for x in lines) > 40 * len(lines)
        and sum(x.endswith(_SENTENCE_END) for x in lines) >= 0.6 * len(lines)
    ):
        paragraphs.extend(lines)
    else:
        paragraphs.append("\n".join(lines))


def markup_paragraphs(markup: str, *, emphasis: bool = True) -> list[str]:
    """Serialized (lexbor-normalised) HTML → paragraphs."""
    if any(ch in markup for ch in _OWN_CONTROLS):  # our markers must not come from the page
        markup = markup.translate(_DROP_CONTROLS)
    if "<!--" in markup:
        markup = _COMMENT.sub("", markup)
    if "<pre" in markup or "<PRE" in markup:
        markup = _PRE.sub(_pre_lines, markup)
    for ws in _SOURCE_SPACE:  # source line breaks are spaces in HTML
        if ws in markup:
            markup = markup.replace(ws, " ")
    markup = _squeeze_spaces(markup)
    if "</" in markup:
        markup = _EMPTY_INLINE.sub(r"\2", _EMPTY_INLINE.sub(r"\2", markup))
    text = _TAG.sub(_tag_replacement, _PLAIN_TAG_RE.sub(_plain_tag, markup))
    if "&" in text:
        text = html.unescape(text)
    text = _drop_zero_width(text)
    if any(ch in text for ch in _EXOTIC_SPACE):
        text = _EXOTIC_SPACE_RE.sub(" ", text)
    text = _squeeze_spaces(text)
    if "mail" in text:
        text = _CF_EMAIL.sub("", text)
    if _EM_OPEN in text:
        text = _EM_PAIR.sub(_em_pair, text)
    if _B_OPEN in text:
        text = _B_PAIR.sub(_b_pair, text)
    marked = any(m in text for m in _MARK_CHARS[:4])
    paragraphs: list[str] = []
    carry = ""  # emphasis markers with no text of their own join the next text
    for block in text.split(_PARA):
        if block == _RULE:
            if paragraphs and paragraphs[-1] != SCENE_BREAK:
                paragraphs.append(SCENE_BREAK)
            continue
        if not block or block == " ":
            continue
        if "\n" not in block and not carry and not marked:
            line = block.strip(" ")
            if line.strip(_PRE_SPACE):
                paragraphs.append(line)
            continue
        current: list[str] = []
        for raw_line in block.split("\n"):
            line = raw_line.strip(" ")
            if line and not line.strip(_PRE_SPACE + " "):
                line = ""  # a <pre> line of nothing but spaces
            if not line:
                if current:  # an empty line (two <br>s) ends a paragraph
                    _add_lines(paragraphs, current)
                    current = []
            elif not marked or line.strip(_MARK_CHARS):
                current.append(carry + line if carry else line)
                carry = ""
            elif _is_closing(line.replace(" ", "")) and (current or paragraphs):
                if current:
                    current[-1] += line
                elif paragraphs[-1] != SCENE_BREAK:
                    paragraphs[-1] += line
            else:
                carry += line
        if current:
            _add_lines(paragraphs, current)
    if not marked and _PRE_SPACE not in text:
        return paragraphs
    out = []
    for para in paragraphs:
        if marked and para != SCENE_BREAK and _ANY_MARK.search(para):
            para = _balance(para, emphasis).strip()  # noqa: PLW2901
        if _PRE_SPACE in para:
            para = "\n".join(x.rstrip() for x in para.replace(_PRE_SPACE, " ").split("\n"))  # noqa: PLW2901
        if para.strip():
            out.append(para)
    return out


def node_paragraphs(
    root: LexborNode,
    *,
    drop: Iterable[LexborNode] = (),
    skip_chrome: bool = False,
    emphasis: bool = True,
) -> list[str]:
    """The paragraphs of `root`'s subtree. Removes from the tree, in place, the nodes in
    `drop` and every never-text element under `root` (scripts, forms, hidden…)."""
    tags = SKIP_TAGS | CHROME_TAGS if skip_chrome else SKIP_TAGS
    remove_nodes(root, drop)
    remove_nodes(root, root.css(", ".join(sorted(tags))))
    remove_nodes(root, root.css(_HIDDEN))
    return markup_paragraphs(root.html or "", emphasis=emphasis)


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
