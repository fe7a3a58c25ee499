"""Parsing rules that are data: loaded once from `data/*.toml` and compiled.

- `boilerplate()`  site chrome, reader widgets, contact lines, review pleas, sign-offs,
  continuation and end markers, disclaimer cues, scene breaks (data/boilerplate.toml)
- `header_labels()` header label -> field table (data/headers.toml)
- `content_rules()` vocabulary for judging a rating from content (data/content.toml)

Patterns match text passed through `fold()` (curly quotes straight, NBSP as space).
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from bot.config import DATA_DIR
from bot.library.literals import WholeWords
from bot.library.model import Status

log = logging.getLogger(__name__)

_FOLD_PAIRS = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u02bc", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u00a0", " "),
    ("\u2009", " "),
    ("\u202f", " "),
)


def fold(text: str) -> str:
    """Text for matching rules: straight quotes, plain spaces (same length as `text`)."""
    if text.isascii():
        return text
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text


def load_toml(name: str, data_dir: Path | None = None) -> dict[str, Any]:
    path = (data_dir or DATA_DIR) / name
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _headers(section: str) -> Any:
    """One section of data/headers.toml (the file is read once)."""
    return _headers_file()[section]


@lru_cache(maxsize=1)
def _headers_file() -> dict[str, Any]:
    return load_toml("headers.toml")


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    drop_line: re.Pattern[str]  # whole line is chrome
    navigation: re.Pattern[str]  # chrome linking to other chapters
    tail_cutoff: re.Pattern[str]  # the rest of the file is comments / chrome
    placeholder: re.Pattern[str]  # inline scraper placeholder
    contact_line: re.Pattern[str]
    contact_handle: re.Pattern[str]
    feedback_request: re.Pattern[str]
    review_plea: re.Pattern[str]
    signoff: re.Pattern[str]
    continuation: re.Pattern[str]
    end_marker: re.Pattern[str]
    chapter_end_marker: re.Pattern[str]
    disclaimer_cue: re.Pattern[str]
    scene_break: re.Pattern[str]
    dedication: re.Pattern[str]
    disclaimer_label: re.Pattern[str]  # "Disclaimer: text" opening a paragraph; text = group 1
    note_label: re.Pattern[str]  # "A/N: text" opening a paragraph; text = group 1
    signature_delimiter: re.Pattern[str]  # "-- " on its own line: a signature follows
    signature_short: re.Pattern[str]  # "-- Name" closing the text


@lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    data = load_toml("boilerplate.toml")
    flags = re.IGNORECASE
    return Boilerplate(
        drop_line=re.compile(rf"^(?:{_alternation(data['drop_lines']['patterns'])})$", flags),
        navigation=re.compile(rf"^(?:{_alternation(data['navigation']['patterns'])})$", flags),
        tail_cutoff=re.compile(rf"^(?:{_alternation(data['tail_cutoff']['patterns'])})$", flags),
        placeholder=re.compile(_alternation(data["placeholders"]["patterns"]), flags),
        contact_line=re.compile(data["contact"]["line"], flags),
        contact_handle=re.compile(data["contact"]["handle"], flags),
        feedback_request=re.compile(data["contact"]["feedback_request"], flags),
        review_plea=re.compile(_alternation(data["review_pleas"]["patterns"]), flags),
        signoff=re.compile(_alternation(data["signoffs"]["patterns"]), flags),
        continuation=re.compile(_alternation(data["continuation"]["patterns"]), flags),
        end_marker=re.compile(_alternation(data["end_markers"]["patterns"]), flags),
        chapter_end_marker=re.compile(_alternation(data["chapter_end_markers"]["patterns"]), flags),
        disclaimer_cue=re.compile(_alternation(data["disclaimer_cues"]["patterns"]), flags),
        scene_break=re.compile(data["scene_breaks"]["pattern"]),
        dedication=re.compile(_alternation(data["dedications"]["patterns"]), flags),
        disclaimer_label=_labelled(data["body_labels"]["disclaimer"]),
        note_label=_labelled(data["body_labels"]["note"]),
        signature_delimiter=re.compile(data["signatures"]["delimiter"]),
        signature_short=re.compile(data["signatures"]["short"]),
    )


def _labelled(label: str) -> re.Pattern[str]:
    """A paragraph opening with `label`; group 1 is the rest."""
    return re.compile(rf"^(?:{label})\s*(.+)$", re.IGNORECASE | re.DOTALL)


def label_key(label: str) -> str:
    """How labels are compared: folded, lower case, single spaces, no trailing colon."""
    key = " ".join(fold(label).lower().replace("*", "").replace("_", " ").split())
    return key.rstrip(":\uff1a").rstrip()  # "Classement :" (French spacing) too


@dataclass(frozen=True, slots=True)
class HeaderLabels:
    field_of: dict[str, str]  # label_key -> field
    pattern: re.Pattern[str]  # "Label: value" / "Label:" / "**Label:** value"
    inline: re.Pattern[str]  # a label inside a line: "Chapters: 1 Completed: Yes"


@lru_cache(maxsize=1)
def header_labels() -> HeaderLabels:
    data = _headers("labels")
    field_of: dict[str, str] = {}
    for fieldname, labels in data.items():
        for label in labels:
            field_of[label_key(label)] = fieldname
    names = sorted(field_of, key=len, reverse=True)
    alts = "|".join(re.escape(n).replace("'", "['\u2019]").replace(r"\ ", r"\s+") for n in names)
    pattern = re.compile(
        rf"^[>\s]*(?:[*_]{{1,2}})?(?P<label>{alts})\s*(?:[*_]{{1,2}})?"
        rf"(?:\s*[:\uff1a]|\s+[-–—=]\s*(?=\S))\s*(?:[*_]{{1,2}})?"
        rf"(?:\s|\u00a0)*(?P<value>.*?)\s*$",
        re.IGNORECASE,
    )
    inline = re.compile(rf"(?<![\w'’])(?P<label>{alts})\s*:", re.IGNORECASE)
    return HeaderLabels(field_of=field_of, pattern=pattern, inline=inline)


@lru_cache(maxsize=1)
def status_words() -> dict[str, Status]:
    """Declared status value (lower case) -> Status (data/headers.toml [status])."""
    data = _headers("status")
    return {word: Status(kind) for kind in ("complete", "wip") for word in data[kind]}


@cache
def site_label_fields(site: str) -> dict[str, str]:
    """label_key -> field for the labels a source uses in its own sense
    (data/headers.toml [site_labels.<site>]); empty for a source without any."""
    data = _headers("site_labels").get(site, {})
    return {label_key(label): fieldname for fieldname, labels in data.items() for label in labels}


@dataclass(frozen=True, slots=True)
class FfnetWords:
    languages: frozenset[str]
    genres: frozenset[str]


@lru_cache(maxsize=1)
def ffnet_words() -> FfnetWords:
    """FanFiction.net's languages and genres, lower case (data/headers.toml [ffnet])."""
    data = _headers("ffnet")
    return FfnetWords(
        languages=frozenset(w.lower() for w in data["languages"]),
        genres=frozenset(w.lower() for w in data["genres"]),
    )


@lru_cache(maxsize=1)
def none_values() -> frozenset[str]:
    """Declared values that mean nothing ("None", "n/a"), lower case (data/headers.toml)."""
    return frozenset(v.lower() for v in _headers("none")["values"])


@lru_cache(maxsize=1)
def end_note_labels() -> frozenset[str]:
    """Label keys that open a chapter's end notes (data/headers.toml [end_notes])."""
    return frozenset(label_key(v) for v in _headers("end_notes")["labels"])


_HAS_DIGIT = re.compile(r"\d")


def declared_status(value: str, *, dated: bool = False) -> Status | None:
    """The Status a declared value names ("Complete", "In progress", "Abandoned (TBC?)").

    `dated`: the value answers a "Completed" label, so a date means complete
    ("Completed: 2015-02-01").
    """
    word = " ".join(fold(value).lower().strip(" .!*_[]()").split())
    words = status_words()
    status = words.get(word)
    if status is None and dated and _HAS_DIGIT.search(word):
        return Status.COMPLETE
    if status is None:
        status = next((s for w, s in words.items() if len(w) > 3 and word.startswith(w)), None)
    return status


def trie_pattern(terms: list[str]) -> str:
    """A regex alternation of literal terms arranged as a trie (fast to match)."""
    root: dict[str, dict] = {}
    for term in terms:
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        optional = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        return f"(?:{body})?" if optional else body

    return build(root)


_WORD_CHAR = re.compile(r"\w")
_WORD_EDGES = re.compile(r"\w(?:.*\w)?", re.DOTALL)


def word_scanner(terms: list[str], flags: int = 0) -> re.Pattern[str] | None:
    """`\\b(?:terms)\\b` reworded to run fast: `[^0-9A-Za-z_](terms)\\b` over the text with
    one space in front. The regex engine starts only at characters of that class (a
    bitmap test), not at every position as `\\b` makes it; group 2 is the term, group 1
    the character before it. None when a term does not start and end with a word
    character (the rewording would then not be exact)."""
    if not terms or not all(_WORD_EDGES.fullmatch(t) for t in terms):
        return None
    return re.compile(rf"(?-i:([^0-9A-Za-z_]))({trie_pattern(terms)})\b", flags)


def false_start(before: str) -> bool:
    """A match of a `word_scanner` that started after a non-ASCII word character ("é")."""
    return not before.isascii() and bool(_WORD_CHAR.match(before))


def scan_words(
    scanner: re.Pattern[str] | None, exact: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """The matches of `exact` (`\\b(?:terms)\\b`) in `text`, found with `scanner` (its
    `word_scanner`) where that is exact; the term is group 2 (group 0 with `exact`).

    Matches of both never touch (each ends on a word character and the next starts after
    a non-word one), so the scanner's are the exact ones as long as each was preceded by a
    non-word character; the first that was not sends the whole text to `exact`.
    """
    if scanner is None:
        yield from exact.finditer(text)
        return
    found = 0
    for m in scanner.finditer(" " + text):
        if false_start(m.group(1)):
            break
        found += 1
        yield m
    else:
        return
    for k, m in enumerate(exact.finditer(text)):
        if k >= found:
            yield m


@dataclass(frozen=True, slots=True)
class ContentRules:
    strong: re.Pattern[str]  # explicit and mature terms, matched on lower-case text
    teen: re.Pattern[str]  # teen terms (common words: counted only as far as needed)
    levels: dict[str, frozenset[str]]  # "explicit" / "mature" / "teen" -> terms
    romance: re.Pattern[str]
    thresholds: dict[str, float]
    strong_scan: re.Pattern[str] | None = None  # `word_scanner` forms of the above
    teen_scan: re.Pattern[str] | None = None
    romance_scan: re.Pattern[str] | None = None  # case-sensitive: for lower-case text
    strong_words: WholeWords | None = None  # one-pass (Aho–Corasick) forms of strong, teen
    teen_words: WholeWords | None = None

    def hits(self, lowered: str) -> dict[str, Counter[str]]:
        """Occurrences of each explicit and mature term in lower-case `lowered`."""
        if self.strong_words is not None:
            found = Counter(self.strong_words.find(lowered))
        else:
            found = Counter(m.group(m.lastindex or 0) for m in self._strong(lowered))
        return {
            level: Counter({t: n for t, n in found.items() if t in self.levels[level]})
            for level in ("explicit", "mature")
        }

    def _strong(self, lowered: str) -> Iterator[re.Match[str]]:
        return scan_words(self.strong_scan, self.strong, lowered)

    def teen_hits(self, lowered: str, enough: int) -> int:
        """Teen terms in `lowered`, counted up to `enough`."""
        if self.teen_words is not None:
            return min(len(self.teen_words.find(lowered)), enough)
        n = 0
        for _ in scan_words(self.teen_scan, self.teen, lowered):
            n += 1
            if n >= enough:
                break
        return n


@lru_cache(maxsize=1)
def content_rules() -> ContentRules:
    data = load_toml("content.toml")
    levels = {
        level: frozenset(" ".join(t.lower().split()) for t in data[level]["terms"])
        for level in ("explicit", "mature", "teen")
    }
    strong = sorted(levels["explicit"] | levels["mature"])
    teen = sorted(levels["teen"])
    romance = sorted({t.lower() for t in data["romance"]["terms"]})
    return ContentRules(
        strong=re.compile(rf"\b{trie_pattern(strong)}\b"),
        teen=re.compile(rf"\b{trie_pattern(teen)}\b"),
        levels=levels,
        romance=re.compile(rf"\b{trie_pattern(romance)}\b", re.IGNORECASE),
        thresholds={k: float(v) for k, v in data["thresholds"].items()},
        strong_scan=word_scanner(strong),
        teen_scan=word_scanner(teen),
        romance_scan=word_scanner(romance),
        strong_words=WholeWords.of(strong),
        teen_words=WholeWords.of(teen),
    )
