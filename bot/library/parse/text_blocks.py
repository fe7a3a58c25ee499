"""Plain text -> lines -> paragraph blocks: front matter, quotation marks, setext
headings, hard-wrapped lines re-flowed, one-line-per-paragraph text split."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.library.rules import header_labels, label_key

_SENTENCE_END = re.compile(r"[.,;!?…]\s*[\"”'’)]*$")
LIST_SPLIT = re.compile(r"\s*(?:,|;|\|)\s*")


SETEXT = re.compile(r"^(?:={3,}|-{3,})\s*$")


_FRONT_MATTER_FENCE = re.compile(r"^(?:---|\+\+\+)\s*$")


_FM_LINE = re.compile(r"^(?P<key>[A-Za-z][\w \-']{0,40}?)\s*:\s*(?P<value>.*)$")


_FM_ITEM = re.compile(r"^\s*-\s+(?P<value>.+)$")


QUOTE_MARKS = re.compile(r"^(?:>\s?)+")


@dataclass(slots=True)
class Block:
    lines: list[str]
    indent: int = 0  # the smallest indentation of its lines in the source

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def joined(self) -> str:
        return " ".join(self.lines)


def clean_line(line: str) -> str:
    if "\t" in line:
        line = line.replace("\t", "    ")
    if "<" in line or "&" in line:
        line = inline_html(line)
    stripped = line.strip()
    return stripped if stripped.strip("\u00a0\u200b ") else ""


_HTML_COMMENT = re.compile(r"<!--.*?-->")
_HTML_EMPHASIS = re.compile(r"<(i|em|b|strong)(?:\s[^<>]{0,200})?>(.*?)</\1\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|font|center|u|s|strike|small|big|sup|sub|hr|blockquote|a|i|em|b|strong)"
    r"(?:\s[^<>]{0,300})?\s*/?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def inline_html(line: str) -> str:
    """Stray HTML in a text file: comments and layout tags go, <i>/<b> become *x* / **x**,
    entities are decoded."""
    if "<" in line:
        line = _HTML_COMMENT.sub("", line)
        line = _HTML_EMPHASIS.sub(_emphasis, line)
        line = _HTML_TAG.sub("", line)
    if "&" in line:
        line = _ENTITY.sub(lambda m: html.unescape(m.group()), line)
    return line


def _emphasis(m: re.Match[str]) -> str:
    inner = m.group(2)
    if not inner.strip():
        return inner
    mark = "*" if m.group(1).lower() in ("i", "em") else "**"
    return f"{mark}{inner}{mark}"


_MD_LINK = re.compile(r"(!?)\[([^\]\n]{0,300})\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"]*\")?\)")


def markdown_links(line: str) -> str:
    """Markdown links keep their text; images go."""
    if "](" not in line:
        return line
    return _MD_LINK.sub(lambda m: "" if m.group(1) else m.group(2), line)


def front_matter(lines: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """YAML-ish front matter (`key: value`, `key: [a, b]`, `- item` lists) at the top."""
    if not lines or not _FRONT_MATTER_FENCE.match(lines[0]):
        return {}, lines
    fence = lines[0].strip()
    end = None
    for i in range(1, min(len(lines), 200)):
        if lines[i].strip() in (fence, "...") and (fence == "---" or lines[i].strip() == fence):
            end = i
            break
    if end is None:
        return {}, lines
    meta: dict[str, list[str]] = {}
    key: str | None = None
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _FM_ITEM.match(line)
        if item and key:
            meta.setdefault(key, []).append(_unquote(item.group("value")))
            continue
        m = _FM_LINE.match(line.strip())
        if not m:
            if key and meta.get(key):
                meta[key][-1] += " " + line.strip()
            continue
        key = label_key(m.group("key"))
        value = m.group("value").strip()
        if value in ("|", ">", "|-", ">-"):
            meta[key] = [""]
            continue
        if value.startswith("[") and value.endswith("]"):
            meta[key] = [_unquote(v) for v in LIST_SPLIT.split(value[1:-1]) if v.strip()]
        elif value:
            meta[key] = [_unquote(value)]
        else:
            meta[key] = []
    for k, v in meta.items():
        meta[k] = [x.strip() for x in v if x.strip()]
    return meta, lines[end + 1 :]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    body = lines[:-1]
    lengths = [len(x) for x in body]
    in_range = sum(1 for n in lengths if 40 <= n <= 100)
    if in_range / len(body) < 0.75 or max(lengths) > 120:
        return False
    # a header of long "Label: value" lines is one field a line, not a wrapped paragraph
    pattern = header_labels().pattern
    labels = sum(1 for x in lines if pattern.match(x))
    return labels < 2 or labels * 2 < len(lines)


def paragraph_blocks(lines: list[str], indents: list[int]) -> list[Block]:
    """Group lines into paragraphs, re-flowing hard-wrapped text."""
    blocks: list[Block] = []
    start = 0
    for end in [*(k for k, line in enumerate(lines) if not line), len(lines)]:
        if end - start == 1:  # the common case: one line between blank ones
            blocks.append(Block([lines[start]], indents[start]))
        if end - start > 1:
            _add_block(blocks, lines[start:end], indents[start:end])
        start = end + 1
    return blocks


def _add_block(blocks: list[Block], blines: list[str], binds: list[int]) -> None:
    """The paragraphs of a run of several non-blank lines."""
    if _is_hard_wrapped(blines):
        # indented lines start new paragraphs inside a wrapped block
        paras: list[list[str]] = []
        base = min(binds)
        for line, ind in zip(blines, binds, strict=True):
            if not paras or (ind > base and any(i == base for i in binds)):
                paras.append([line])
            else:
                paras[-1].append(line)
        for para in paras:
            blocks.append(Block([_unwrap(para)], base))
        return
    long_lines = sum(1 for x in blines if len(x) > 100)
    if long_lines >= max(1, len(blines) // 2):
        blocks.extend(Block([x], ind) for x, ind in zip(blines, binds, strict=True))
    else:
        blocks.append(Block(list(blines), min(binds)))


def _unwrap(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and not out.endswith("--") and line[:1].islower():
            out = out[:-1] + line
        else:
            out += " " + line
    return out


def setext_to_atx(lines: list[str], indents: list[int]) -> tuple[list[str], list[int]]:
    """Setext headings ("Title" over "=====") become "# Title" / "## Title"."""
    out: list[str] = []
    out_ind: list[int] = []
    for line, ind in zip(lines, indents, strict=True):
        if (
            SETEXT.match(line)
            and out
            and out[-1]
            and len(out[-1]) <= 100
            and len(line.strip()) >= max(3, len(out[-1]) // 2)
            and not out[-1].startswith("#")
            and (len(out) < 2 or not out[-2])
            and not _SENTENCE_END.search(out[-1])
        ):
            out[-1] = ("# " if line.startswith("=") else "## ") + out[-1]
            continue
        out.append(line)
        out_ind.append(ind)
    return out, out_ind
