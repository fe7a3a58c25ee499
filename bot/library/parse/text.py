"""Plain-text and Markdown stories -> `RawStory`.

Pipeline: lines -> front matter (Markdown) -> blocks (paragraphs; hard-wrapped lines
joined, one-line-per-paragraph text split) -> header (labelled lines, bylines, title
lines, unlabelled summary / disclaimer / notes) -> chapters split at headings ->
chapter edges cleaned (author notes, review pleas, sign-offs, continuation and end
markers) -> epigraph.

Two header shapes are told apart: when a chapter heading appears early after header
material, everything before it is header; otherwise the header ends at the first
paragraph that is neither header material nor followed closely by header material.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from bot.library.model import Chapter, Status
from bot.library.parse.chapters import (
    Heading,
    bare_number_heading,
    match_heading,
    numbered_headings,
)
from bot.library.parse.raw import RawStory
from bot.library.rules import boilerplate, fold, header_labels, label_key, rating_map

log = logging.getLogger(__name__)

_BYLINE = re.compile(
    r"^(?:[*_]{1,2})?\s*(?:(?:a\s+)?(?:story|fic|fanfic|poem)\s+)?(?:written\s+)?by\s*:?\s+"
    r"(?P<name>[^\s].{0,79}?)\s*(?:[*_]{1,2})?$",
    re.IGNORECASE,
)
_TITLE_BY = re.compile(
    r"^(?P<title>[^:]{1,100}?)\s+by\s+(?P<author>[\w.\-']+(?:\s+[\w.\-']+){0,3})$", re.IGNORECASE
)
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(?P<text>[^*_].{0,150}?)(?:\*\*|__)$")
_MD_TITLE = re.compile(r"^#\s+(?P<text>.{1,150}?)\s*#*$")
_SETEXT = re.compile(r"^(?:={3,}|-{3,})\s*$")
_FRONT_MATTER_FENCE = re.compile(r"^(?:---|\+\+\+)\s*$")
_FM_LINE = re.compile(r"^(?P<key>[A-Za-z][\w \-']{0,40}?)\s*:\s*(?P<value>.*)$")
_FM_ITEM = re.compile(r"^\s*-\s+(?P<value>.+)$")
_CHAPTERS_VALUE = re.compile(r"(?P<n>\d+)\s*/\s*(?P<total>\d+|\?)")
_STATS_CHAPTERS = re.compile(r"chapters?\s*:\s*(?P<n>\d+)\s*/\s*(?P<total>\d+|\?)", re.I)
_STATS_COMPLETED = re.compile(r"\bcompleted?\s*:\s*\d", re.I)
_TOTAL_VALUE = re.compile(r"\d+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b|;)\s*")
_CONTACT_IN_NAME = re.compile(
    r"\s*(?:[(<\[]\s*)?(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?:\s*[)>\]])?|\s*(?:[(<\[]\s*)?"
    r"(?:https?://|www\.)\S+(?:\s*[)>\]])?|\s*[(<\[]\s*(?:email|e-mail|aim|lj)\b[^)>\]]*[)>\]]",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^([\"“'‘])(.+)([\"”'’])$")
_LIST_SPLIT = re.compile(r"\s*(?:,|;|\|)\s*")
_SENTENCE_END = re.compile(r"[.,;:!…]\s*[\"”'’)]*$")
_WORD = re.compile(r"\S+")
_FFN_RATED = re.compile(r"^(?P<rating>(?:fiction\s+)?(?:k\+?|t|m|ma))\s+-\s+(?P<rest>.+)$", re.I)
_DIGITS = re.compile(r"\d+")
_EPIGRAPH_ATTRIBUTION = re.compile(r"^(?:--|—|–|~|-)\s*\S.{0,80}$")
_INLINE_ATTRIBUTION = re.compile(r"[\"”'’…)]\s*(?:~|--|—|–)\s*[^\s~].{0,100}$")
_QUOTE_MARKS = re.compile(r"^(?:>\s?)+")
_QUOTE_START = re.compile(r"^[*_]*[\"“'‘]")

_STATUS_WORDS = {
    "complete": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "finished": Status.COMPLETE,
    "done": Status.COMPLETE,
    "yes": Status.COMPLETE,
    "one-shot": Status.COMPLETE,
    "oneshot": Status.COMPLETE,
    "one shot": Status.COMPLETE,
    "wip": Status.WIP,
    "in progress": Status.WIP,
    "in-progress": Status.WIP,
    "work in progress": Status.WIP,
    "incomplete": Status.WIP,
    "ongoing": Status.WIP,
    "on-going": Status.WIP,
    "no": Status.WIP,
    "updating": Status.WIP,
    "on hiatus": Status.WIP,
    "hiatus": Status.WIP,
    "unfinished": Status.WIP,
    "abandoned": Status.WIP,
}
# Labels that may stand alone on a line ("Summary", "Notes") as in AO3 downloads.
_BARE_LABEL_FIELDS = {"summary", "notes", "disclaimer"}
_MULTI_PARAGRAPH = {"summary", "notes", "disclaimer", "spoilers", "warnings"}
_SINGLE_VALUE = {
    "title",
    "author",
    "rating",
    "total_chapters",
    "chapters",
    "status",
    "language",
    "subject",
}
_END_NOTE_LABELS = {"end notes", "chapter end notes", "end note", "author's end notes"}
_MAX_HEADER_BLOCKS = 80


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


@dataclass(slots=True)
class _Header:
    raw: RawStory
    chapters_declared: int | None = None
    chapter_title: str | None = None
    title_line: str | None = None  # an unlabelled title candidate
    subject_title: str | None = None  # the title in a mailing-list subject


@dataclass(slots=True)
class _State:
    current: str | None = None  # the field that unlabelled lines continue
    pending: bool = False  # label seen with no value yet
    values: dict[str, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# lines and blocks


def _clean_line(line: str) -> str:
    if "\t" in line:
        line = line.replace("\t", "    ")
    stripped = line.strip()
    return stripped if stripped.strip("\u00a0\u200b ") else ""


def _front_matter(lines: list[str]) -> tuple[dict[str, list[str]], list[str]]:
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
            meta[key] = [_unquote(v) for v in _LIST_SPLIT.split(value[1:-1]) if v.strip()]
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
    return in_range / len(body) >= 0.75 and max(lengths) <= 120


def _blocks(lines: list[str], indents: list[int]) -> list[Block]:
    """Group lines into paragraphs, re-flowing hard-wrapped text."""
    raw_blocks: list[tuple[list[str], list[int]]] = []
    cur: list[str] = []
    cur_ind: list[int] = []
    for line, ind in zip(lines, indents, strict=True):
        if not line:
            if cur:
                raw_blocks.append((cur, cur_ind))
                cur, cur_ind = [], []
            continue
        cur.append(line)
        cur_ind.append(ind)
    if cur:
        raw_blocks.append((cur, cur_ind))
    blocks: list[Block] = []
    for blines, binds in raw_blocks:
        if len(blines) == 1:
            blocks.append(Block(blines, binds[0]))
            continue
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
            continue
        long_lines = sum(1 for x in blines if len(x) > 100)
        if long_lines >= max(1, len(blines) // 2):
            blocks.extend(Block([x], ind) for x, ind in zip(blines, binds, strict=True))
        else:
            blocks.append(Block(list(blines), min(binds)))
    return blocks


def _unwrap(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and not out.endswith("--") and line[:1].islower():
            out = out[:-1] + line
        else:
            out += " " + line
    return out


def _setext_to_atx(lines: list[str], indents: list[int]) -> tuple[list[str], list[int]]:
    """Setext headings ("Title" over "=====") become "# Title" / "## Title"."""
    out: list[str] = []
    out_ind: list[int] = []
    for line, ind in zip(lines, indents, strict=True):
        if (
            _SETEXT.match(line)
            and out
            and out[-1]
            and len(out[-1]) <= 100
            and len(line.strip()) >= max(3, len(out[-1]) // 2)
            and not out[-1].startswith("#")
            and (len(out) < 2 or not out[-2])
        ):
            out[-1] = ("# " if line.startswith("=") else "## ") + out[-1]
            continue
        out.append(line)
        out_ind.append(ind)
    return out, out_ind


# ---------------------------------------------------------------------------------------
# line classification


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _label(line: str) -> tuple[str, str, str] | None:
    """(field, label key, value) for a "Label: value" line."""
    labels = header_labels()
    m = labels.pattern.match(line)
    if not m and line[:1] in "([" and line[-1:] in ")]":
        m = labels.pattern.match(line[1:-1])
        if m and labels.field_of.get(label_key(m.group("label"))) != "notes":
            m = None
    if not m:
        return None
    key = label_key(m.group("label"))
    fieldname = labels.field_of.get(key)
    if fieldname is None:
        return None
    value = m.group("value").strip().strip("*_").strip()
    if fieldname in _SINGLE_VALUE and len(value) > 200:
        return None
    return fieldname, key, value


_SPLITTABLE = {"rating", "status", "chapters", "total_chapters", "ignore", "language", "author"}


def _labels(line: str) -> list[tuple[str, str, str]]:
    """All "Label: value" pairs on a line ("Chapters: 1 Completed: Yes Word count: 230")."""
    first = _label(line)
    if first is None:
        return []
    if first[0] not in _SPLITTABLE or ":" not in first[2] or _FFN_RATED.match(first[2]):
        return [first]
    labels = header_labels()
    cuts = [
        m
        for m in labels.inline.finditer(line)
        if labels.field_of.get(label_key(m.group("label"))) in _SPLITTABLE
    ]
    if len(cuts) < 2:
        return [first]
    out: list[tuple[str, str, str]] = []
    for k, m in enumerate(cuts):
        end = cuts[k + 1].start() if k + 1 < len(cuts) else len(line)
        seg = _label(line[m.start() : end].strip())
        if seg:
            out.append(seg)
    return out or [first]


_SUBJECT = re.compile(
    r"^(?:(?:re|fwd?)\s*:\s*)*(?:\[[^\]]{1,40}\]\s*)?(?:(?:new\s+)?fic|fanfic|story)\s*[:\-]\s*"
    r"(?P<title>[^()\[\]]{1,120}?)\s*(?:[(\[](?P<meta>[^)\]]{1,160})[)\]])?\s*"
    r"(?P<part>\d+\s*/\s*(?:\d+|\?))?\s*$",
    re.IGNORECASE,
)


def _apply_subject(h: _Header, value: str) -> None:
    """Mailing-list subject: "FIC: Title (Spike/Buffy, PG) 1/3"."""
    m = _SUBJECT.match(value)
    if not m:
        return
    raw = h.raw
    if raw.title is None:
        h.subject_title = m.group("title").strip().strip("\"'“”")
    for part in _LIST_SPLIT.split(m.group("meta") or ""):
        item = part.strip()
        if not item:
            continue
        if rating_map().level(item) is not None and raw.rating is None:
            raw.rating = item
        elif "/" in item or " x " in item.lower():
            raw.relationships.append(item)
    if m.group("part"):
        _apply_chapters(h, m.group("part"))
        raw.status_declared = None  # "1/3" in a subject numbers this post, not the story


def _bare_label(line: str) -> tuple[str, str] | None:
    text = line.strip().strip("#*_").strip()
    if not text or len(text) > 40:
        return None
    key = label_key(text)
    fieldname = header_labels().field_of.get(key)
    if fieldname in _BARE_LABEL_FIELDS:
        return fieldname, key
    return None


def _byline(line: str) -> str | None:
    m = _BYLINE.match(line)
    if not m:
        return None
    name = m.group("name").strip().strip("*_").strip()
    if not name or _words(name) > 6 or name[-1] in ".!?," or name.lower().startswith("the "):
        return None
    return name


def _bold_title(line: str) -> str | None:
    m = _BOLD_LINE.match(line) or _MD_TITLE.match(line)
    if not m:
        return None
    text = m.group("text").strip().strip("*_").strip()
    if not text or _words(text) > 15 or _label(text) or match_heading(text):
        return None
    return text


def _title_like(line: str) -> bool:
    text = line.strip().strip("*_#").strip()
    if not text or len(text) > 100 or _words(text) > 14:
        return False
    if _SENTENCE_END.search(text) and not text.endswith("..."):
        return False
    return not text[0].islower()


def _is_chrome(line: str) -> bool:
    if len(line) > 200:
        return False
    return bool(boilerplate().drop_line.match(fold(line)))


def _is_navigation(line: str, raw: RawStory) -> bool:
    if len(line) <= 200 and boilerplate().navigation.match(fold(line)):
        raw.more_chapters = True
        return True
    return False


def _is_scene_break(line: str) -> bool:
    return bool(boilerplate().scene_break.match(line.strip()))


def _contact_handle(line: str) -> str | bool | None:
    """False when not a contact line; else the messenger handle (or None)."""
    rules = boilerplate()
    folded = fold(line)
    if not rules.contact_line.match(folded) or rules.feedback_request.match(folded):
        return False
    m = rules.contact_handle.search(folded)
    return m.group(1) if m else None


def _is_plea(text: str) -> bool:
    return bool(boilerplate().review_plea.search(fold(text)))


def _is_disclaimer(text: str) -> bool:
    return _words(text) <= 120 and bool(boilerplate().disclaimer_cue.search(fold(text)))


def _strip_placeholders(text: str) -> str:
    rules = boilerplate()
    if "protected]" in text or "removed]" in text:
        text = rules.placeholder.sub("", text)
        text = re.sub(r"[ \u00a0]{2,}", " ", text)
    return text


def _is_meta_line(line: str) -> bool:
    return bool(
        _label(line)
        or _bare_label(line)
        or _byline(line)
        or _bold_title(line)
        or _is_chrome(line)
        or _contact_handle(line) is not False
    )


def _block_is_meta(block: Block) -> bool:
    return any(_is_meta_line(line) for line in block.lines)


# ---------------------------------------------------------------------------------------
# header


def _apply_label(h: _Header, st: _State, fieldname: str, key: str, value: str) -> None:
    raw = h.raw
    value = _strip_placeholders(value)
    st.current, st.pending = fieldname, not value
    if not value:
        return
    st.values.setdefault(fieldname, []).append(value)
    if fieldname == "title" and raw.title is None:
        raw.title = _unquote_title(value)
    elif fieldname == "author":
        _add_authors(raw, value)
    elif fieldname == "rating":
        _apply_rating(h, value)
    elif fieldname == "warnings":
        raw.warnings.extend(v for v in _LIST_SPLIT.split(value) if v)
    elif fieldname == "spoilers":
        raw.spoilers = value if raw.spoilers is None else f"{raw.spoilers} {value}"
    elif fieldname == "relationships":
        raw.relationships.extend(v for v in _LIST_SPLIT.split(value) if v)
    elif fieldname == "characters":
        raw.characters.extend(v for v in _LIST_SPLIT.split(value) if v)
    elif fieldname == "fandoms":
        raw.fandoms.extend(v for v in _LIST_SPLIT.split(value) if v)
    elif fieldname == "tags":
        raw.tags.extend(v for v in _LIST_SPLIT.split(value) if v)
    elif fieldname == "summary":
        raw.summary = value if raw.summary is None else f"{raw.summary}\n\n{value}"
    elif fieldname == "notes":
        raw.notes.append(value)
    elif fieldname == "disclaimer":
        raw.disclaimer = value if raw.disclaimer is None else f"{raw.disclaimer}\n\n{value}"
    elif fieldname == "total_chapters":
        m = _TOTAL_VALUE.search(value)
        if m:
            raw.total_chapters = int(m.group())
    elif fieldname == "chapters":
        _apply_chapters(h, value)
    elif fieldname == "status":
        _apply_status(h, key, value)
    elif fieldname == "language":
        raw.language = value
    elif fieldname == "subject":
        _apply_subject(h, value)
    elif fieldname == "ignore":
        if key in ("stats", "chapters"):
            _apply_chapters(h, value)
        m = _STATS_CHAPTERS.search(value)
        if m:
            _apply_chapters(h, m.group(0).split(":", 1)[1])
        if _STATS_COMPLETED.search(value):
            raw.status_declared = Status.COMPLETE
    if fieldname in _SINGLE_VALUE or fieldname == "ignore":
        st.current = None


def _unquote_title(value: str) -> str:
    m = _QUOTED.match(value.strip())
    if m and m.group(2).count(m.group(1)) == 0:
        return m.group(2).strip()
    return value.strip()


def _add_authors(raw: RawStory, value: str) -> None:
    """Author names from a byline or label; e-mail addresses and URLs are dropped."""
    value = _CONTACT_IN_NAME.sub(" ", _strip_placeholders(value))
    for part in _AUTHOR_SPLIT.split(value):
        name = part.strip().strip("*_()[]<>").strip().rstrip(".,;:")
        if name and name not in raw.authors:
            raw.authors.append(name)


def _apply_chapters(h: _Header, value: str) -> None:
    m = _CHAPTERS_VALUE.search(value)
    if m:
        done = int(m.group("n"))
        if m.group("total") == "?":
            h.raw.status_declared = h.raw.status_declared or Status.WIP
            return
        total = int(m.group("total"))
        h.raw.total_chapters = total
        if h.raw.status_declared is None:
            h.raw.status_declared = Status.COMPLETE if done >= total else Status.WIP
        return
    m = _TOTAL_VALUE.fullmatch(value.strip())
    if m:
        h.chapters_declared = int(m.group())


def _apply_status(h: _Header, key: str, value: str) -> None:
    word = " ".join(fold(value).lower().strip(" .!*_[]()").split())
    status = _STATUS_WORDS.get(word)
    if status is None and key.startswith("complete") and _DIGITS.search(word):
        status = Status.COMPLETE  # "Completed: 2015-02-01"
    if status is None:
        for w, s in _STATUS_WORDS.items():
            if len(w) > 3 and word.startswith(w):
                status = s
                break
    if status is not None:
        h.raw.status_declared = status


def _apply_rating(h: _Header, value: str) -> None:
    raw = h.raw
    m = _FFN_RATED.match(value)
    if m and " - " in m.group("rest"):
        # FanFiction.net info line: Rated: Fiction T - English - Romance - Buffy S., Spike -
        # Chapters: 3 - Words: 5,000 - ... - Status: Complete - id: 123
        raw.rating = raw.rating or m.group("rating").strip()
        segments = [s.strip() for s in m.group("rest").split(" - ") if s.strip()]
        for i, seg in enumerate(segments):
            low = seg.lower()
            if ":" in seg:
                k, _, v = seg.partition(":")
                k = k.strip().lower()
                if k == "chapters":
                    h.chapters_declared = (
                        int(_DIGITS.search(v).group()) if _DIGITS.search(v) else None
                    )
                elif k == "status":
                    _apply_status(h, "status", v)
                continue
            if i == 0:
                raw.language = raw.language or seg
            elif "/" in seg and all(part.strip().istitle() for part in seg.split("/")) and i == 1:
                raw.tags.extend(p.strip() for p in seg.split("/"))
            elif i <= 3 and low not in ("complete",):
                for pairing in re.findall(r"\[([^\]]+)\]", seg):
                    raw.relationships.append(pairing.replace(",", "/"))
                names = re.sub(r"[\[\]]", "", seg)
                raw.characters.extend(n.strip() for n in names.split(",") if n.strip())
        return
    if raw.rating is None:
        raw.rating = value


def _continue_field(h: _Header, st: _State, text: str, *, new_paragraph: bool) -> None:
    """An unlabelled line or paragraph that continues the current field."""
    raw = h.raw
    fieldname = st.current
    text = _strip_placeholders(text)
    if not text:
        return
    if st.pending:
        st.pending = False
        if fieldname is not None:
            key = ""
            _apply_label(h, st, fieldname, key, text)
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


def _unlabelled_paragraph(h: _Header, st: _State, text: str, *, bounded: bool) -> None:
    """A header paragraph without a label: plea, disclaimer, summary or note."""
    raw = h.raw
    text = _strip_placeholders(text)
    if not text:
        return
    if _is_plea(text):
        raw.notes.append(text)
        st.current = "notes"
        return
    if _is_disclaimer(text) and (raw.disclaimer is None or st.current == "disclaimer"):
        raw.disclaimer = text if raw.disclaimer is None else raw.disclaimer + "\n\n" + text
        st.current = "disclaimer"
        return
    if bounded and st.current in _MULTI_PARAGRAPH:
        _continue_field(h, st, text, new_paragraph=True)
        return
    if raw.summary is None:
        raw.summary = text
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


def _finish_title(h: _Header, seen_meta: bool) -> None:
    raw = h.raw
    if raw.title is None and h.title_line and seen_meta:
        raw.title = h.title_line
    if raw.title is None and h.subject_title:
        raw.title = h.subject_title


def _parse_header(blocks: list[Block], h: _Header, boundary: int | None) -> int:
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
            line = _strip_placeholders(block_line)
            if not line:
                continue
            if _is_chrome(line) or _is_navigation(line, raw):
                st.current, st.pending = None, False
                seen_meta = True
                continue
            handle = _contact_handle(line)
            if handle is not False:
                if handle and not raw.author_fallback:
                    raw.author_fallback = handle
                st.current, st.pending = None, False
                seen_meta = True
                continue
            labs = _labels(line)
            if labs:
                for lab in labs:
                    _apply_label(h, st, *lab)
                if labs[-1][0] == "author" and raw.title is None and h.title_line:
                    raw.title = h.title_line
                seen_meta = True
                continue
            bare = _bare_label(line)
            if bare:
                st.current, st.pending = bare[0], True
                seen_meta = True
                continue
            name = _byline(line)
            if name and i < 12:
                _add_authors(raw, name)
                if raw.title is None and h.title_line is not None:
                    raw.title = h.title_line
                st.current, st.pending = None, False
                seen_meta = True
                continue
            bold = _bold_title(line)
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
            if _is_scene_break(line):
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
                single = st.current in _SINGLE_VALUE
                rest = line if single else " ".join(block.lines[j:])
                _continue_field(h, st, rest, new_paragraph=True)
                indented_field = block.indent >= 2
                if single or rest == line:
                    continue
                break
            if i < 12 and _title_like(line):
                following = _next_line(blocks, i, j)
                if following is not None and _byline(following):
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
                if _title_like(line) and (
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
            _unlabelled_paragraph(h, st, rest, bounded=boundary is not None)
            seen_meta = True
            break
    _finish_title(h, True)
    return limit


def _lone_title(blocks: list[Block], line: str) -> bool:
    """A short first line standing alone above the prose: the title, even without a byline.
    Lines with commas or digits ("Sunnydale, 1998") are datelines, not titles."""
    if len(blocks) < 2 or len(blocks[0].lines) != 1 or not _title_like(line):
        return False
    if _words(line) > 10 or "," in line or any(ch.isdigit() for ch in line):
        return False
    if line.strip()[0] in "\"“'‘(" or match_heading(line):
        return False
    nxt = blocks[1]
    return _words(nxt.joined) >= 25 or _is_scene_break(nxt.lines[0])


def _next_is_meta(blocks: list[Block], start: int, limit: int) -> bool:
    for k in range(start, min(limit, start + 1)):
        if _block_is_meta(blocks[k]) or match_heading(blocks[k].lines[0]):
            return True
    return False


def _header_continues(blocks: list[Block], i: int, limit: int, text: str, st: _State) -> bool:
    """Without a chapter heading to bound the header: is this paragraph still header?"""
    if _is_plea(text):
        return True
    if _is_disclaimer(text) and _words(text) <= 80:
        return True
    if st.pending:
        return True
    if _words(text) > 150:
        return False
    return any(_block_is_meta(blocks[k]) for k in range(i + 1, min(limit, i + 3)))


def _find_boundary(blocks: list[Block], headings: dict[int, Heading]) -> int | None:
    """The first chapter heading, when what precedes it is header material.

    Paragraphs after a notes / summary / disclaimer label continue it; other unlabelled
    paragraphs are "free". More than two free paragraphs, or free dialogue, is story text
    (a prologue), not a header.
    """
    first = next((i for i in sorted(headings) if i < _MAX_HEADER_BLOCKS), None)
    if first is None or first == 0:
        return first
    meta = 0
    words = 0
    free = 0
    continuing = False
    for block in blocks[:first]:
        labelled = False
        for line in block.lines:
            if _is_meta_line(line):
                meta += 1
                labelled = True
                lab = _label(line)
                bare = _bare_label(line)
                fieldname = lab[0] if lab else (bare[0] if bare else None)
                continuing = fieldname in _MULTI_PARAGRAPH
            else:
                words += _words(line)
        if labelled or continuing or _is_scene_break(block.lines[0]):
            continue
        text = block.joined
        if _is_plea(text) or _is_disclaimer(text) or _title_like(text):
            continue
        free += 1
        if free > 2 or (_QUOTE_START.match(text) and _words(text) > 8):
            return None
    if meta and words <= 1500:
        return first
    if not meta and words <= 40 and first <= 3:
        return first
    return None


# ---------------------------------------------------------------------------------------
# chapters


def _heading_of(block: Block, markdown: bool) -> Heading | None:
    if len(block.lines) == 1:
        return match_heading(block.lines[0], markdown=markdown)
    # a heading glued to its first paragraph: "Chapter 1\nText..."
    h = match_heading(block.lines[0], markdown=markdown)
    return h if h and h.label else None


def _headings(blocks: list[Block], markdown: bool) -> dict[int, Heading]:
    found: dict[int, Heading] = {}
    for i, block in enumerate(blocks):
        h = _heading_of(block, markdown)
        if h:
            found[i] = h
    if not found:
        singles = [b.lines[0] if len(b.lines) == 1 else "" for b in blocks]
        for i in numbered_headings(singles):
            h = bare_number_heading(singles[i])
            if h:
                found[i] = h
    return found


def _split_chapters(
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


def _clean_paragraphs(paras: list[Block], raw: RawStory) -> list[tuple[str, int]]:
    """(paragraph text, indentation) with chrome lines, navigation and placeholders gone."""
    out: list[tuple[str, int]] = []
    nav = boilerplate().navigation
    for block in paras:
        text = _strip_placeholders(block.text)
        lines = []
        for ln in text.split("\n"):
            if not ln.strip():
                continue
            if len(ln) <= 200 and nav.match(fold(ln)):
                raw.more_chapters = True
                continue
            if not _is_chrome(ln):
                lines.append(ln)
        if lines:
            out.append(("\n".join(lines), block.indent))
    return out


@dataclass(slots=True)
class _Edges:
    notes: list[str] = field(default_factory=list)
    disclaimer: str | None = None
    summary: str | None = None
    status: Status | None = None


def _label_field(para: str) -> tuple[str, str] | None:
    first = para.split("\n", 1)[0]
    lab = _label(first)
    if lab and lab[0] in ("notes", "disclaimer", "summary"):
        value = para[len(first) :].strip()
        head = lab[2]
        return lab[0], (f"{head}\n{value}".strip() if value else head)
    return None


def _chapter_start(items: list[tuple[str, int]], edges: _Edges) -> list[str]:
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
        if _is_scene_break(para):
            i += 1
            continue
        first, _, rest = para.partition("\n")
        lab = _label(first)
        bare = None if lab else _bare_label(first)
        if lab and lab[0] in ("notes", "disclaimer", "summary"):
            fieldname = lab[0]
            value = "\n".join(x for x in (lab[2], rest.strip()) if x)
        elif bare is not None:
            fieldname, value = bare[0], rest.strip()
        elif i + 1 < len(paras) and _is_aside(para, fold(para)):
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


def _store_edge(edges: _Edges, fieldname: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    if fieldname == "disclaimer":
        edges.disclaimer = edges.disclaimer or value
    elif fieldname == "summary":
        edges.summary = edges.summary or value
    else:
        edges.notes.append(value)


def _is_aside(para: str, folded: str) -> bool:
    """A short paragraph addressed to readers (review plea, thanks, sign-off), not prose.
    Paragraphs with dialogue are story text."""
    if _words(para) > 80 or '"' in folded:
        return False
    return _is_plea(para) or bool(boilerplate().signoff.search(folded))


def _chapter_end(paras: list[str], edges: _Edges, *, last: bool) -> list[str]:
    """End notes, review pleas, sign-offs, end and continuation markers leave the text."""
    rules = boilerplate()
    # AO3-style "End Notes" / "Chapter End Notes": everything after is notes
    for k in range(len(paras) - 1, max(-1, len(paras) - 30), -1):
        if len(paras[k]) > 40 and "\n" not in paras[k][:41]:
            continue
        key = label_key(paras[k].split("\n", 1)[0].strip("#*_ "))
        if key in _END_NOTE_LABELS:
            rest = paras[k].split("\n", 1)[1:] + paras[k + 1 :]
            edges.notes.extend(p.strip() for p in rest if p.strip())
            paras = paras[:k]
            break
    trailing_notes: list[str] = []
    checked = 0
    while paras and checked < 6:
        para = paras[-1]
        folded = fold(para.strip())
        if _is_scene_break(para):
            paras = paras[:-1]
            continue
        if rules.continuation.match(folded):
            if last:
                edges.status = Status.WIP
            paras = paras[:-1]
            continue
        if rules.end_marker.match(folded):
            if last:
                edges.status = edges.status or Status.COMPLETE
            paras = paras[:-1]
            continue
        if rules.chapter_end_marker.match(folded):
            paras = paras[:-1]
            continue
        lab = _label_field(para)
        if lab and lab[0] in ("notes", "disclaimer"):
            if lab[0] == "notes":
                trailing_notes.insert(0, lab[1])
            else:
                edges.disclaimer = edges.disclaimer or lab[1]
            paras = paras[:-1]
            checked += 1
            continue
        if _is_aside(para, folded):
            trailing_notes.insert(0, para)
            paras = paras[:-1]
            checked += 1
            continue
        break
    edges.notes.extend(trailing_notes)
    return paras


def _epigraph(paras: list[str]) -> tuple[str | None, list[str]]:
    """A quotation with an attribution at the very start of the story."""
    limit = min(len(paras), 14)
    words = 0
    for k in range(limit):
        para = paras[k]
        words += _words(para)
        if words > 250:
            return None, paras
        if k > 0 and _is_attribution(para):
            quote = paras[:k]
            if _quotelike(quote) and k + 1 < len(paras):
                return "\n".join([*quote, para.strip()]), paras[k + 1 :]
            return None, paras
        inline = _INLINE_ATTRIBUTION.search(para)
        if inline and _QUOTE_START.match(para) and k + 1 < len(paras) and _names_source(inline):
            quote = paras[: k + 1]
            if _quotelike(quote):
                return "\n".join(quote), paras[k + 1 :]
            return None, paras
        if k > 0 and not _short_lines(para) and not _QUOTE_START.match(para):
            return None, paras
    return None, paras


def _is_attribution(para: str) -> bool:
    """ "-- Roger De Bussy-Rabutin", "~ Soul Asylum, Runaway Train": a source, not prose."""
    text = para.strip()
    if not _EPIGRAPH_ATTRIBUTION.match(text) or _words(text) > 14:
        return False
    source = text.lstrip("-—–~ ").strip("*_ ")
    if not source or not (source[0].isupper() or source[0] in "\"“'‘"):
        return False
    return not (source.endswith((".", "!", "?")) and _words(source) > 5)


def _names_source(m: re.Match[str]) -> bool:
    source = m.group().lstrip("\"”'’…) ").lstrip("-—–~ ").strip("*_ ")
    return bool(source) and (source[0].isupper() or source[0] in "\"“'‘") and _words(source) <= 15


def _short_lines(para: str) -> bool:
    return all(len(line) <= 90 for line in para.split("\n"))


def _quotelike(paras: list[str]) -> bool:
    if not paras:
        return False
    if _QUOTE_START.match(paras[0]):
        return True
    return all(_short_lines(p) for p in paras)


# ---------------------------------------------------------------------------------------
# entry point


def parse_text(text: str, source_name: str) -> RawStory:
    """Parse a plain-text or Markdown story into a `RawStory`."""
    markdown = source_name.lower().endswith((".md", ".markdown"))
    lines = text.split("\n")
    meta, lines = _front_matter([ln.rstrip() for ln in lines])
    if meta:
        markdown = True
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines]
    cleaned = [_clean_line(ln) for ln in lines]
    for k, line in enumerate(cleaned):
        if line.startswith(">"):  # e-mail / Markdown quotation: kept, marked as indented
            cleaned[k] = _clean_line(_QUOTE_MARKS.sub("", line))
            indents[k] = max(indents[k], 4)
    if markdown or any(_SETEXT.match(ln) for ln in cleaned[:40]):
        cleaned, indents = _setext_to_atx(cleaned, indents)
    blocks = _blocks(cleaned, indents)
    raw = RawStory(layout="text-markdown" if markdown else "text")
    h = _Header(raw=raw)
    if meta:
        _apply_front_matter(h, meta)
        raw.layout = "text-front-matter"
    headings = _headings(blocks, markdown)
    # a Markdown "# Title" at the top is the title, not a chapter
    if blocks and 0 in headings and blocks[0].lines[0].startswith("# "):
        first = headings[0]
        if first.label is None and raw.title is None:
            raw.title = first.title
            del headings[0]
            blocks = blocks[1:]
            headings = {k - 1: v for k, v in headings.items()}
    boundary = _find_boundary(blocks, headings)
    start = _parse_header(blocks, h, boundary)
    if start < len(blocks) and start not in headings:
        cut_heading = _heading_of(blocks[start], markdown)
        if cut_heading:
            headings[start] = cut_heading
    if boundary is not None:
        raw.layout += "-header" if start else ""
    elif start:
        raw.layout += "-header"
    body_headings = {k: v for k, v in headings.items() if k >= start}
    parts = _split_chapters(blocks, start, body_headings)
    edges = _Edges()
    chapters: list[Chapter] = []
    for n, (heading, chapter_paras) in enumerate(parts):
        paras = _clean_paragraphs(chapter_paras, raw)
        paras = _chapter_start(paras, edges)
        paras = _chapter_end(paras, edges, last=n == len(parts) - 1)
        if n == 0 and raw.epigraph is None:
            raw.epigraph, paras = _epigraph(paras)
        while paras and _is_scene_break(paras[0]):
            paras = paras[1:]
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
    if edges.status is not None and raw.status_declared is None:
        raw.status_declared = edges.status
    if (
        h.chapters_declared
        and raw.total_chapters is None
        and (raw.status_declared == Status.COMPLETE or h.chapters_declared <= len(raw.chapters))
    ):
        raw.total_chapters = h.chapters_declared
    return raw


def _apply_front_matter(h: _Header, meta: dict[str, list[str]]) -> None:
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
