"""Item-to-item collaborative filtering: "readers who liked X also liked Y".

For each story X the reader liked, the readers who also liked X are gathered (at most
`MAX_CO_READERS`, an even, deterministic sample when more), and every story those readers
liked gets

    sim(X, Y) = co / √(likes(X) · likes(Y)) · co / (co + SHRINK)

where `co` is how many of them liked Y (scaled back up when sampled): a cosine of the
two stories' like sets, shrunk when few readers overlap so that one shared reader says
little. A candidate's score is Σ over the reader's liked stories of weight(stars) · sim,
and the liked story contributing most is its reason. Nothing is precomputed: the cost
is bounded by `MAX_SOURCES` × `MAX_CO_READERS` × (stories liked per reader).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.library.recommend.catalog import Catalog, expand

SHRINK = 5.0
MAX_SOURCES = 25  # liked stories used (best rated first)
MAX_CO_READERS = 200  # readers sampled per liked story
STAR_WEIGHT = {5: 1.0, 4: 0.6}


@dataclass(slots=True)
class CoLikes:
    """Collaborative scores for every story, the story each came from, and how much the
    server had to go on (readers who share a like with the reader)."""

    score: np.ndarray  # float64 per position
    source: np.ndarray  # int32 per position: the liked story contributing most (-1: none)
    evidence: float  # co-readers found, summed over the liked stories


def co_likes(catalog: Catalog, liked: list[tuple[int, int]], *, reader: int | None) -> CoLikes:
    """Scores from the reader's liked stories [(position, stars)], best first.

    `reader`: the reader's index in the rating base (left out of their own co-readers)."""
    n = catalog.size
    score = np.zeros(n, dtype=np.float64)
    best = np.zeros(n, dtype=np.float64)
    source = np.full(n, -1, dtype=np.int32)
    base = catalog.base
    likes = np.maximum(base.like_counts, 1).astype(np.float64)
    evidence = 0.0
    for x, stars in liked[:MAX_SOURCES]:
        readers = base.likers[base.likes_ptr[x] : base.likes_ptr[x + 1]]
        if reader is not None:
            readers = readers[readers != reader]
        if not len(readers):
            continue
        evidence += len(readers)
        scale = 1.0
        if len(readers) > MAX_CO_READERS:
            scale = len(readers) / MAX_CO_READERS
            pick = np.linspace(0, len(readers) - 1, MAX_CO_READERS).astype(np.int64)
            readers = readers[pick]
        items = expand(base.liked_ptr, base.liked, readers)
        ys, co = np.unique(items, return_counts=True)
        co = co * scale
        sim = co / np.sqrt(likes[x] * likes[ys]) * (co / (co + SHRINK))
        contribution = STAR_WEIGHT.get(stars, 0.0) * sim
        score[ys] += contribution
        better = contribution > best[ys]
        best[ys[better]] = contribution[better]
        source[ys[better]] = x
    return CoLikes(score=score, source=source, evidence=evidence)
