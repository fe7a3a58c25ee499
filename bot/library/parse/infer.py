"""Judging what a story does not declare: rating from content, main characters, the couple.

Long bodies are sampled (start, middle, end) so inference stays linear and bounded.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from bot.library.fandoms import FandomTables, Relationship
from bot.library.model import RatingLevel
from bot.library.rules import content_rules, false_start, fold

_SAMPLE_CHARS = 600_000
_PARA = re.compile(r"\n\s*\n")
_CHECKED_PARAGRAPHS = 40  # paragraphs naming a pair that are checked for romance


def sample(text: str, size: int = _SAMPLE_CHARS, windows: int = 3) -> str:
    """The whole text when short; otherwise `windows` evenly spread slices of it."""
    if len(text) <= size:
        return text
    width = size // windows
    step = (len(text) - width) / max(windows - 1, 1)
    return "\n\n".join(text[int(k * step) : int(k * step) + width] for k in range(windows))


@dataclass(frozen=True, slots=True)
class ContentJudgement:
    level: RatingLevel
    explicit: int  # distinct graphic terms
    mature: int
    teen: int  # counted only as far as the judgement needed


def judge_rating(body: str, *, count_teen: bool = True) -> ContentJudgement:
    """AO3 level from the words of the body; errs towards the higher level.

    Long bodies are judged on 16 slices spread through the text (800,000 characters).
    `count_teen=False`: General and Teen are not told apart (the caller only needs to know
    whether the text is Mature or Explicit), which skips counting the common teen words.
    """
    rules = content_rules()
    t = rules.thresholds
    text = fold(sample(body, 800_000, windows=16)).lower()
    hits = rules.hits(text)
    rate_k = min(len(text) / 5.7, 10_000) / 1000  # about 5.7 characters per English word
    distinct_explicit = len(hits["explicit"])
    explicit = sum(hits["explicit"].values())
    mature = sum(hits["mature"].values())
    teen = 0
    graphic = (
        distinct_explicit >= t["explicit_distinct_min"] and explicit >= t["explicit_per_k"] * rate_k
    )
    dense = (
        distinct_explicit >= t["explicit_with_mature_distinct"]
        and mature >= t["explicit_with_mature_hits"]
    )
    if graphic or dense:
        level = RatingLevel.EXPLICIT
    elif (mature >= t["mature_min"] and mature >= t["mature_per_k"] * rate_k) or explicit >= 2:
        level = RatingLevel.MATURE
    elif mature >= 1:
        level = RatingLevel.TEEN
    elif not count_teen:
        level = RatingLevel.GENERAL
    else:
        enough = max(t["teen_min"], t["teen_per_k"] * rate_k)
        teen = rules.teen_hits(text, int(enough + 0.999))
        level = RatingLevel.TEEN if teen >= enough else RatingLevel.GENERAL
    return ContentJudgement(level, distinct_explicit, mature, teen)


_CASE_ODD = ("\u0131", "\u017f")  # "ı" and "ſ" match "i" and "s" under re.IGNORECASE


def _lowered_for_romance(text: str) -> str | None:
    """`text` lower-cased with one space in front, for `romance_scan`: the same matches
    as the case-insensitive `romance` has in `text` (None when lower-casing would change a
    length or a character matches otherwise under re.IGNORECASE)."""
    lowered = text.lower()
    if len(lowered) != len(text) or any(ch in text for ch in _CASE_ODD):
        return None
    return " " + lowered


def main_characters(counts: Counter[str]) -> tuple[list[str], list[str]]:
    """(main, mentioned): main characters are named often relative to the lead."""
    if not counts:
        return [], []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1]
    threshold = max(3.0, 0.15 * top)
    main = [name for name, n in ranked if n >= threshold]
    mentioned = [name for name, n in ranked if n < threshold]
    return main, mentioned


def couple_from_text(text: str, tables: FandomTables, main: list[str]) -> Relationship | None:
    """The couple a story is about: two main characters who share romantic paragraphs.

    `text` is the body as `sample` gives it (the text `main` was counted in).
    """
    if len(main) < 2:
        return None
    rules = content_rules()
    candidates = main[:4]
    starts = [0] + [m.end() for m in _PARA.finditer(text)]

    def paragraphs(name: str) -> set[int]:
        return {bisect_right(starts, pos) - 1 for pos in tables.positions(text, name)}

    present = {name: paragraphs(name) for name in candidates}
    together: dict[frozenset[str], set[int]] = {}
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            both = present[a] & present[b]
            if both:
                together[frozenset((a, b))] = both
    ends = [*starts[1:], len(text)]
    romantic_cache: dict[int, bool] = {}
    padded = _lowered_for_romance(text) if rules.romance_scan is not None else None

    def romantic(k: int) -> bool:
        if k not in romantic_cache:
            found: bool | None = None
            if padded is not None and rules.romance_scan is not None:
                # padded[p + 1] is text[p]: the scanner's match starts on the character
                # before the term, which for a term at starts[k] is padded[starts[k]]
                m = rules.romance_scan.search(padded, starts[k], ends[k] + 1)
                found = False if m is None else None if false_start(m.group(1)) else True
            if found is None:
                found = bool(rules.romance.search(text, starts[k], ends[k]))
            romantic_cache[k] = found
        return romantic_cache[k]

    shared: Counter[frozenset[str]] = Counter()
    for pair, paras in together.items():
        ordered = sorted(paras)
        step = max(1, len(ordered) // _CHECKED_PARAGRAPHS)
        n = sum(1 for k in ordered[::step] if romantic(k)) * step
        if n:
            shared[pair] = n
    if not shared:
        return None
    top = frozenset(main[:2])

    def score(pair: frozenset[str]) -> tuple[float, bool]:
        bonus = 1.5 if pair in tables.known else 1.0
        return shared[pair] * bonus, pair == top

    best = max(shared, key=score)
    if shared[best] < 2:
        return None
    return Relationship(tuple(sorted(best)), romantic=True)
