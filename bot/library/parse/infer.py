"""Judging what a story does not declare: rating from content, main characters, the couple.

Long bodies are sampled (start, middle, end) so inference stays linear and bounded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.library.fandoms import FandomTables, Relationship
from bot.library.model import RatingLevel, count_words
from bot.library.rules import content_rules

_SAMPLE_CHARS = 400_000
_PARA = re.compile(r"\n\s*\n")


def sample(text: str, size: int = _SAMPLE_CHARS) -> str:
    """The whole text when short; otherwise its start, middle and end."""
    if len(text) <= size * 3:
        return text
    mid = len(text) // 2
    return "\n\n".join((text[:size], text[mid - size // 2 : mid + size // 2], text[-size:]))


@dataclass(frozen=True, slots=True)
class ContentJudgement:
    level: RatingLevel
    explicit: int
    mature: int
    teen: int


def judge_rating(body: str) -> ContentJudgement:
    """AO3 level from the words of the body; errs towards the higher level."""
    rules = content_rules()
    t = rules.thresholds
    text = sample(body, 1_500_000)
    words = max(count_words(text), 1)
    per_k = words / 1000
    explicit_hits = rules.explicit.findall(text)
    explicit = len(explicit_hits)
    distinct_explicit = len({h.lower() for h in explicit_hits})
    mature = len(rules.mature.findall(text))
    teen = len(rules.teen.findall(text))
    if distinct_explicit >= t["explicit_graphic_min"] and explicit >= t[
        "explicit_graphic_per_k"
    ] * min(per_k, 10):
        level = RatingLevel.EXPLICIT
    elif (mature >= t["mature_min"] and mature >= t["mature_per_k"] * min(per_k, 10)) or (
        explicit >= 2
    ):
        level = RatingLevel.MATURE
    elif (teen >= t["teen_min"] and teen >= t["teen_per_k"] * min(per_k, 10)) or mature >= 1:
        level = RatingLevel.TEEN
    else:
        level = RatingLevel.GENERAL
    return ContentJudgement(level, explicit, mature, teen)


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


def couple_from_text(
    body: str, tables: FandomTables, counts: Counter[str], main: list[str]
) -> Relationship | None:
    """The couple a story is about: two main characters who share romantic scenes."""
    if len(main) < 2:
        return None
    rules = content_rules()
    candidates = main[:4]
    shared: Counter[frozenset[str]] = Counter()
    text = sample(body)
    names_in: dict[str, re.Pattern[str]] = {}
    for name in candidates:
        aliases = [name]
        for entries in tables.text_aliases.values():
            aliases.extend(alias for alias, _, canonical in entries if canonical == name)
        alts = "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))
        names_in[name] = re.compile(rf"(?<![\w])(?:{alts})(?![\w])")
    for para in _PARA.split(text):
        if not rules.romance.search(para):
            continue
        present = [n for n in candidates if names_in[n].search(para)]
        for i in range(len(present)):
            for j in range(i + 1, len(present)):
                shared[frozenset((present[i], present[j]))] += 1
    if not shared:
        return None
    top = main[0], main[1]

    def score(pair: frozenset[str]) -> float:
        bonus = 1.5 if pair in tables.known else 1.0
        return shared[pair] * bonus

    best = max(shared, key=lambda p: (score(p), frozenset(top) == p))
    if shared[best] < 2:
        return None
    return Relationship(tuple(sorted(best)), romantic=True)
