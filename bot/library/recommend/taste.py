"""A reader's taste from their ratings, and the content score of every story against it.

★4–★5 count for every pairing, character, tag and author of the rated story, ★3 is
neutral, ★1–★2 count against them; pairings a reader names count like two ★5 ratings.
The content score of a story (all stories at once, as arrays):

    PAIRING_WEIGHT   · (best liked pairing + worst disliked pairing)
  + NAMED_WEIGHT     · 1 if it has a pairing the reader named
  + CHARACTER_WEIGHT · Σ character affinity / √characters   (within ±1)
  + TAG_WEIGHT       · Σ tag affinity / √tags                 (within ±1)
  + AUTHOR_WEIGHT    · best author affinity
  + a light nudge towards the lengths and status the reader liked
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from bot.library.recommend.catalog import Catalog, Features

STAR_WEIGHTS: dict[int, float] = {5: 1.0, 4: 0.75, 3: 0.0, 2: -0.75, 1: -1.0}
LIKED_STARS = 4
NAMED_AFFINITY = 2.0

PAIRING_WEIGHT = 3.0
NAMED_WEIGHT = 4.0
CHARACTER_WEIGHT = 1.0
TAG_WEIGHT = 0.5
AUTHOR_WEIGHT = 0.5
LENGTH_WEIGHT = 0.15
STATUS_WEIGHT = 0.1

MAX_NAMES = 40  # strongest names per kind a taste is matched on

# kind -> how an affinity is summed: "max" (best + worst) or "mean" (Σ/√n within ±1)
KINDS = {"pairing": PAIRING_WEIGHT, "character": CHARACTER_WEIGHT, "tag": TAG_WEIGHT}


def key(name: str) -> str:
    """How names are compared (case and spacing do not matter)."""
    return " ".join(name.casefold().split())


def split_ship(pairing: str) -> list[str]:
    sep = "/" if "/" in pairing else "&"
    return [part.strip() for part in pairing.split(sep) if part.strip()]


def squash(value: float, scale: float = 1.5) -> float:
    """A sum of rating weights mapped to (-1, 1): more ratings, more certainty."""
    return math.tanh(value / scale)


@dataclass(slots=True)
class Taste:
    """What a reader's ratings (and named pairings) say: affinity per name id and kind."""

    affinity: dict[str, dict[int, float]] = field(default_factory=dict)
    named: list[int] = field(default_factory=list)  # pairing ids asked for
    rated: dict[int, int] = field(default_factory=dict)  # story position -> stars
    liked_words: float | None = None
    complete_share: float | None = None

    @property
    def empty(self) -> bool:
        return not self.named and not any(
            any(v for v in self.affinity.get(k, {}).values()) for k in ("pairing", "character")
        )

    def liked(self) -> list[tuple[int, int]]:
        """(position, stars) of the stories rated ★4+, best first, then by position."""
        return sorted(
            ((p, s) for p, s in self.rated.items() if s >= LIKED_STARS), key=lambda x: (-x[1], x[0])
        )


def build_taste(catalog: Catalog, rated: dict[int, int], named: Iterable[int] = ()) -> Taste:
    """A reader's taste from {story position: stars} and the pairing ids they named."""
    taste = Taste(named=list(named), rated=dict(rated))
    sums: dict[str, dict[int, float]] = {k: defaultdict(float) for k in (*KINDS, "author")}
    for p, stars in rated.items():
        weight = STAR_WEIGHTS.get(stars, 0.0)
        if not weight:
            continue
        for kind, acc in sums.items():
            ids = catalog.features[kind].of(p).tolist()
            spread = 1.0 if kind in ("pairing", "author") else math.sqrt(max(len(ids), 2) / 2)
            for nid in ids:
                acc[nid] += weight / spread
    if catalog.members is None:
        catalog.members = _pairing_characters(catalog)
    pairing_chars = catalog.members
    for pid in taste.named:
        sums["pairing"][pid] += NAMED_AFFINITY
        for cid in pairing_chars.get(pid, ()):
            sums["character"][cid] += NAMED_AFFINITY / 2
    taste.affinity = {k: {n: squash(v) for n, v in acc.items() if v} for k, acc in sums.items()}
    liked = [p for p, s in rated.items() if s >= LIKED_STARS]
    if liked:
        taste.liked_words = float(np.median(np.maximum(catalog.words[liked], 1)))
        status = catalog.status[liked]
        known = status[status != 0]
        if len(known):
            taste.complete_share = float((known == 1).mean())
    return taste


def _pairing_characters(catalog: Catalog) -> dict[int, list[int]]:
    """Pairing id -> character ids, from the stories that carry the pairing."""
    out: dict[int, set[int]] = defaultdict(set)
    pairings, characters = catalog.features["pairing"], catalog.features["character"]
    names = {key(n): cid for cid, n in characters.names.items()}
    for pid, name in pairings.names.items():
        for member in split_ship(name):
            cid = names.get(key(member))
            if cid is not None:
                out[pid].add(cid)
    return {k: sorted(v) for k, v in out.items()}


def _gather(features: Features, affinity: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """(story position, affinity) of every story carrying a name the reader has an
    affinity for — through the name -> stories index, only the strongest `MAX_NAMES`."""
    if not affinity or not len(features.ids):
        return np.zeros(0, np.int32), np.zeros(0, np.float64)
    strongest = sorted(affinity.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:MAX_NAMES]
    names = np.array([k for k, _ in strongest], dtype=np.int64)
    values = np.array([v for _, v in strongest], dtype=np.float64)
    rows, which = features.stories_with(names)
    return rows, values[which]


def _most(n: int, rows: np.ndarray, values: np.ndarray, *, best: bool = False) -> np.ndarray:
    """Per story, the largest positive (`best`) or the smallest negative value of its rows
    (0 when none): sorted so the last write to a story is the extreme one."""
    out = np.zeros(n)
    keep = values > 0 if best else values < 0
    rows, values = rows[keep], values[keep]
    order = np.argsort(values if best else -values, kind="stable")
    out[rows[order]] = values[order]
    return out


def content_scores(catalog: Catalog, taste: Taste) -> np.ndarray:
    """The content score of every story (float64 per position)."""
    n = catalog.size
    score = np.zeros(n, dtype=np.float64)
    rows, values = _gather(catalog.features["pairing"], taste.affinity.get("pairing", {}))
    if len(rows):
        score += PAIRING_WEIGHT * (_most(n, rows, values, best=True) + _most(n, rows, values))
    if taste.named:
        pairings = catalog.features["pairing"]
        hit = np.isin(pairings.ids, taste.named)
        has = np.zeros(n, dtype=bool)
        has[pairings.row_index()[hit]] = True
        score += NAMED_WEIGHT * has
    for kind, weight in (("character", CHARACTER_WEIGHT), ("tag", TAG_WEIGHT)):
        features = catalog.features[kind]
        rows, values = _gather(features, taste.affinity.get(kind, {}))
        if len(rows):
            total = np.bincount(rows, weights=values, minlength=n)
            counts = np.maximum(np.diff(features.ptr), 1)
            score += weight * np.clip(total / np.sqrt(counts), -1.0, 1.0)
    rows, values = _gather(catalog.features["author"], taste.affinity.get("author", {}))
    if len(rows):
        score += AUTHOR_WEIGHT * _most(n, rows, values, best=True)
    return score + shape_scores(catalog, taste)


def shape_scores(catalog: Catalog, taste: Taste) -> np.ndarray:
    """A light nudge towards the lengths and status of the stories the reader liked."""
    out = np.zeros(catalog.size, dtype=np.float64)
    if taste.liked_words:
        if catalog.log_words is None:
            catalog.log_words = np.log10(np.maximum(catalog.words, 1)).astype(np.float32)
        distance = np.abs(catalog.log_words - np.log10(taste.liked_words))
        out -= LENGTH_WEIGHT * np.minimum(distance, 2.0) / 2.0
    if taste.complete_share is not None:
        leaning = taste.complete_share - 0.5
        out += STATUS_WEIGHT * leaning * catalog.status * 2
    return out


def similar_taste(catalog: Catalog, p: int) -> Taste:
    """The taste of someone who loved story `p` and nothing else (for /similar)."""
    return build_taste(catalog, {p: 5})
