"""The blend: content, co-likes and community quality in one ranking, and its reasons.

    score = (1 − α/2) · content
          + α · COLLABORATIVE_WEIGHT · co-likes / best co-likes
          + COMMUNITY_WEIGHT · (Bayesian rating − 3) / 2

α = evidence / (evidence + EVIDENCE_HALF), where evidence is how many readers share a
like with the reader: with nobody to learn from the blend is the content score (and
community quality); as the server's co-likes grow it leans on them. `mode` gives the
single components for the evaluation (bench/recommend_eval.py).

Ties: community rating, number of ratings, title, story id — always the same order. At most
`MAX_PER_AUTHOR` stories by one author while other stories remain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot.library.recommend.catalog import Catalog
from bot.library.recommend.collaborative import CoLikes, co_likes
from bot.library.recommend.explain import ReasonKind
from bot.library.recommend.taste import Taste, content_scores

Mode = Literal["blend", "content", "collaborative", "popularity", "random"]

PRIOR_WEIGHT = 3.0
COMMUNITY_WEIGHT = 0.8
COLLABORATIVE_WEIGHT = 10.0
EVIDENCE_HALF = 30.0
MAX_PER_AUTHOR = 2
POOL_EXTRA = 60  # candidates beyond `count` kept for diversifying and adult checks
COLIKED_MIN = 0.05  # share of the best co-like score worth quoting


@dataclass(slots=True)
class Draft:
    """A picked story position with its score and reasons (names and positions, no text)."""

    p: int
    score: float
    reasons: list[tuple[ReasonKind, str | None, int | None, int | None]] = field(
        default_factory=list
    )  # (kind, subject, source position, stars)


@dataclass(slots=True)
class Ranked:
    drafts: list[Draft]
    hidden_adult: bool
    alpha: float
    evidence: float


def bayesian(catalog: Catalog) -> np.ndarray:
    mean = catalog.mean()
    return (PRIOR_WEIGHT * mean + catalog.rating_sum) / (PRIOR_WEIGHT + catalog.rating_count)


def rank(
    catalog: Catalog,
    taste: Taste,
    *,
    reader: int | None,
    count: int,
    include_adult: bool,
    only: np.ndarray | None = None,
    exclude: list[int] | None = None,
    mode: Mode = "blend",
    seed: int = 0,
) -> Ranked:
    """The best `count` stories for `taste` (unrated, live, in `only` when given)."""
    n = catalog.size
    if n == 0:
        return Ranked([], False, 0.0, 0.0)
    quality = (bayesian(catalog) - 3.0) / 2.0
    cf = CoLikes(np.zeros(n), np.full(n, -1, np.int32), 0.0)
    if mode in ("blend", "collaborative"):
        cf = co_likes(catalog, taste.liked(), reader=reader)
    alpha = cf.evidence / (cf.evidence + EVIDENCE_HALF)
    top_cf = float(cf.score.max()) if n else 0.0
    cf_norm = cf.score / top_cf if top_cf > 0 else cf.score
    if mode == "blend":
        score = (1 - alpha / 2) * content_scores(catalog, taste)
        score += alpha * COLLABORATIVE_WEIGHT * cf_norm + COMMUNITY_WEIGHT * quality
    elif mode == "content":
        score = content_scores(catalog, taste) + COMMUNITY_WEIGHT * quality
    elif mode == "collaborative":
        score = cf_norm + 1e-3 * quality
    elif mode == "popularity":
        score = catalog.rating_count.astype(np.float64) + 1e-3 * quality
    else:
        score = np.random.default_rng(seed).random(n)
    eligible = catalog.live()
    if taste.rated:
        eligible[list(taste.rated)] = False
    if exclude:
        eligible[exclude] = False
    if only is not None:
        eligible &= only
    listable = eligible & (~catalog.adult if not include_adult else True)
    picks = _best(catalog, score, quality, listable, count)
    hidden = False
    if not include_adult:
        everything = _best(catalog, score, quality, eligible, count)
        hidden = any(catalog.adult[p] for p in everything)
    drafts = [Draft(p, float(score[p])) for p in picks]
    for d in drafts:
        d.reasons = _reasons(catalog, taste, d.p, cf, cf_norm, alpha, quality, include_adult)
    return Ranked(drafts, hidden, alpha, cf.evidence)


def _best(
    catalog: Catalog, score: np.ndarray, quality: np.ndarray, mask: np.ndarray, count: int
) -> list[int]:
    """The best `count` positions in `mask`, in a stable order, diversified by author."""
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return []
    keep = min(len(candidates), count + POOL_EXTRA)
    s = score[candidates]
    if keep < len(candidates):
        cut = np.argpartition(-s, keep - 1)[:keep]
        # everything tied with the last kept score stays in, so ties break by the rules
        threshold = s[cut].min()
        candidates = candidates[s >= threshold]
    titles = catalog.title_rank if catalog.title_rank is not None else catalog.story_ids
    order = np.lexsort(
        (
            candidates,
            titles[candidates],
            -catalog.rating_count[candidates],
            -np.round(quality[candidates], 9),
            -np.round(score[candidates], 9),
        )
    )
    ranked = candidates[order].tolist()
    return diversify(catalog, ranked, count)


def diversify(catalog: Catalog, ranked: list[int], count: int) -> list[int]:
    """The first `count`, taking at most `MAX_PER_AUTHOR` stories by one author while
    other stories remain; the stories skipped fill any places left, best first."""
    authors = catalog.features["author"]
    chosen: list[int] = []
    skipped: list[int] = []
    by_author: Counter[int] = Counter()
    for p in ranked:
        if len(chosen) >= count:
            break
        mine = authors.of(p).tolist()
        if any(by_author[a] >= MAX_PER_AUTHOR for a in mine):
            skipped.append(p)
            continue
        chosen.append(p)
        by_author.update(mine)
    for p in skipped:
        if len(chosen) >= count:
            break
        chosen.append(p)
    return chosen


def _reasons(  # noqa: PLR0917 - the ranking's arrays, passed through
    catalog: Catalog,
    taste: Taste,
    p: int,
    cf: CoLikes,
    cf_norm: np.ndarray,
    alpha: float,
    quality: np.ndarray,
    include_adult: bool,
) -> list[tuple[ReasonKind, str | None, int | None, int | None]]:
    def quotable(q: int) -> bool:
        return include_adult or not bool(catalog.adult[q])

    pairings = catalog.features["pairing"]
    names = pairings.names
    mine = pairings.of(p).tolist()
    out: list[tuple[ReasonKind, str | None, int | None, int | None]] = []
    named = [pid for pid in mine if pid in taste.named]
    if named:
        out.append((ReasonKind.NAMED, names.get(named[0]), None, None))
    source = int(cf.source[p])
    if alpha > 0 and source >= 0 and cf_norm[p] >= COLIKED_MIN and quotable(source):
        shared = [pid for pid in mine if pid in set(pairings.of(source).tolist())]
        out.append((ReasonKind.COLIKED, names.get(shared[0]) if shared else None, source, None))
    affinity = taste.affinity.get("pairing", {})
    scored = sorted(((affinity.get(pid, 0.0), pid) for pid in mine), key=lambda a: (-a[0], a[1]))
    if (
        scored
        and scored[0][0] > 0
        and not named
        and not any(r[0] is ReasonKind.COLIKED and r[1] for r in out)
    ):
        pid = scored[0][1]
        out.append(_quoted(ReasonKind.PAIRING, catalog, taste, "pairing", pid, names, quotable))
    if not out:
        characters = catalog.features["character"]
        ca = taste.affinity.get("character", {})
        liked = sorted(
            ((ca.get(c, 0.0), characters.names.get(c, ""), c) for c in characters.of(p).tolist()),
            key=lambda a: (-a[0], a[1].casefold()),
        )
        if liked and liked[0][0] > 0:
            out.append(
                _quoted(
                    ReasonKind.CHARACTER,
                    catalog,
                    taste,
                    "character",
                    liked[0][2],
                    characters.names,
                    quotable,
                )
            )
    mean = catalog.mean()
    if catalog.rating_count[p] and quality[p] * 2 + 3 >= max(mean, 3.0) and len(out) < 2:
        out.append((ReasonKind.COMMUNITY, None, p, None))
    if scored and scored[-1][0] < 0:
        pid = scored[-1][1]
        out.append(_quoted(ReasonKind.CAUTION, catalog, taste, "pairing", pid, names, quotable))
    if not out:
        out.append((ReasonKind.NEW, None, None, None))
    return out


def _quoted(  # noqa: PLR0917
    kind: ReasonKind,
    catalog: Catalog,
    taste: Taste,
    feature: str,
    nid: int,
    names: dict[int, str],
    quotable,
) -> tuple[ReasonKind, str | None, int | None, int | None]:
    """A reason quoting the reader's best (or, for a caution, worst) rating of a story with
    name `nid` that may be quoted here."""
    good = kind is not ReasonKind.CAUTION
    rated = sorted(taste.rated.items(), key=lambda x: (-x[1] if good else x[1], x[0]))
    for q, stars in rated:
        liked = stars >= 4 if good else stars <= 2
        if liked and nid in catalog.features[feature].of(q) and quotable(q):
            return (kind, names.get(nid), q, stars)
    return (kind, names.get(nid), None, None)


def top(
    catalog: Catalog, mask: np.ndarray, *, min_ratings: int, limit: int, offset: int = 0
) -> tuple[list[int], int]:
    """Rated stories in `mask` with at least `min_ratings` ratings, best Bayesian average
    first (then more ratings, then title); and how many there are."""
    ok = mask & catalog.live() & (catalog.rating_count >= max(min_ratings, 1))
    candidates = np.flatnonzero(ok)
    if not len(candidates):
        return [], 0
    b = bayesian(catalog)[candidates]
    want = offset + limit
    if want < len(candidates):
        cut = np.argpartition(-b, want - 1)[:want]
        threshold = b[cut].min()
        chosen = candidates[b >= threshold]
    else:
        chosen = candidates
    order = np.lexsort(
        (chosen, -catalog.rating_count[chosen], -np.round(bayesian(catalog)[chosen], 9))
    )
    return chosen[order][offset:want].tolist(), len(candidates)
