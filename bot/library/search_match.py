"""How well a query's words match a title's or an author's words (no index involved)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import OSA

from bot.library.search_text import normalize
from bot.library.search_words import typo_budget

MAX_QUERY = 200  # characters of a normalised query that are looked at
TYPO_QUALITY = 0.9  # a query word one typo away from a title word explains 90 % of it


def query_form(query: str) -> str:
    """The normalised query, cut to MAX_QUERY characters at a word boundary."""
    q = normalize(query[: MAX_QUERY * 4])
    if len(q) > MAX_QUERY:
        q = q[:MAX_QUERY].rsplit(" ", 1)[0] if " " in q[:MAX_QUERY] else q[:MAX_QUERY]
    return q


def words_prefixed(query_words: Sequence[str], words: Sequence[str]) -> bool:
    """Every query word starts some word of `words`."""
    return all(any(w.startswith(q) for w in words) for q in query_words)


def word_score(
    query_words: int, norm: str, title_match: dict[str, list[tuple[int, float]]]
) -> tuple[float, bool]:
    """How much of the query the title's words explain, times how much of the title.

    Each query word counts its best match in the title (exact 1, completion 0.91–1, typo
    0.9 or 0.8); a title with words the query never mentions loses up to a quarter.
    Returns the score (0–100) and whether every query word is a title word or starts one.
    """
    best = [0.0] * query_words
    title_words = norm.split()
    covered = 0
    get = title_match.get
    for word in title_words:
        matches = get(word)
        if matches is not None:
            covered += 1
            for i, quality in matches:
                if quality > best[i]:  # noqa: PLR1730 - hot loop, max() is slower
                    best[i] = quality
    if not covered:
        return 0.0, False
    score = 100.0 * sum(best) / query_words * (0.75 + 0.25 * covered / len(title_words))
    return score, min(best) > TYPO_QUALITY


def words_near(query_words: Sequence[str], words: Sequence[str]) -> bool:
    """Every query word starts, or is within its typo budget of, some word of `words`."""
    return all(
        any(
            w.startswith(q) or OSA.distance(q, w, score_cutoff=typo_budget(q)) <= typo_budget(q)
            for w in words
        )
        for q in query_words
    )
