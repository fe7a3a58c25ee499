"""How good are the recommendations? A generated server with planted tastes.

    .venv/bin/python bench/recommend_eval.py [--readers 5000] [--stories 10000]
        [--ratings-per-reader 44] [--evaluate N] [--seed 7]

The server: stories in three fandoms with pairings, characters, tags and authors; readers
in taste groups. Each group loves a few pairings (pairing taste) and shares a set of
favourite stories drawn from anywhere (item-level co-liking: what a group's readers have
in common beyond the ship). Each reader rates favourites of their group, stories with
the group's pairings, and random stories (stars follow taste and a hidden story quality).

One liked (★4+) story per reader is held out; every method ranks the stories the reader
has not rated (the real code: `bot.library.recommend.blend.rank`, the same catalog the
bot uses), and we count how often the held-out story is in the top 10 (hit-rate@10) and
how high (NDCG@10). Methods: the blend, content only, collaborative only, popularity
(most ratings) and random — in one run, on the same split.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.library.recommend.blend import rank
from bot.library.recommend.catalog import Catalog, Features
from bot.library.recommend.taste import build_taste

METHODS = ("blend", "content", "collaborative", "popularity", "random")
FANDOM_CHARACTERS = 14
FANDOMS = 3
TAGS = 120
GROUPS = 60
FAVOURITES = 60


def csr(rows: list[list[int]]) -> Features:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=ptr[1:])
    ids = np.array([x for r in rows for x in r], dtype=np.int32)
    return Features(ptr=ptr, ids=ids, names={int(i): f"name {i}" for i in np.unique(ids)})


def generate(readers: int, stories: int, per_reader: int, seed: int):
    rng = np.random.default_rng(seed)
    # pairings: every pair of a fandom's first 8 characters; characters are global ids
    pairings: list[tuple[int, int]] = []
    for f in range(FANDOMS):
        base = f * FANDOM_CHARACTERS
        for a in range(8):
            for b in range(a + 1, 8):
                pairings.append((base + a, base + b))
    pairing_weight = rng.zipf(1.6, len(pairings)).astype(float)
    pairing_weight /= pairing_weight.sum()
    story_pairing = rng.choice(len(pairings), size=stories, p=pairing_weight)
    quality = rng.normal(0, 0.6, stories)
    authors = rng.integers(0, stories // 6, stories)
    rows_p, rows_c, rows_t, rows_a = [], [], [], []
    for s in range(stories):
        pid = int(story_pairing[s])
        a, b = pairings[pid]
        fandom = a // FANDOM_CHARACTERS
        extra = rng.integers(0, FANDOM_CHARACTERS, rng.integers(0, 3)) + fandom * FANDOM_CHARACTERS
        rows_p.append([pid])
        rows_c.append(sorted({a, b, *extra.tolist()}))
        rows_t.append(sorted(set(rng.integers(0, TAGS, rng.integers(2, 7)).tolist())))
        rows_a.append([int(authors[s])])
    by_pairing: dict[int, np.ndarray] = {
        pid: np.flatnonzero(story_pairing == pid) for pid in range(len(pairings))
    }
    groups = []
    for _ in range(GROUPS):
        liked = rng.choice(len(pairings), size=2, replace=False, p=pairing_weight)
        favourites = rng.choice(stories, size=FAVOURITES, replace=False)
        groups.append((set(liked.tolist()), favourites))
    r_story, r_user, r_stars = [], [], []
    for u in range(readers):
        liked_pairings, favourites = groups[u % GROUPS]
        chosen: set[int] = set()
        n_fav = int(per_reader * 0.35)
        n_ship = int(per_reader * 0.35)
        chosen.update(rng.choice(favourites, size=n_fav, replace=False).tolist())
        ship_pool = np.concatenate([by_pairing[p] for p in liked_pairings])
        if len(ship_pool):
            take = min(n_ship, len(ship_pool))
            chosen.update(rng.choice(ship_pool, size=take, replace=False).tolist())
        while len(chosen) < per_reader:
            chosen.add(int(rng.integers(0, stories)))
        fav = set(favourites.tolist())
        for s in sorted(chosen):
            affinity = 1.2 if story_pairing[s] in liked_pairings else -0.6
            if s in fav:
                affinity += 1.5
            raw = 3.0 + affinity + quality[s] + rng.normal(0, 0.7)
            r_story.append(s)
            r_user.append(u)
            r_stars.append(int(min(5, max(1, round(raw)))))
    features = {
        "pairing": csr(rows_p),
        "character": csr(rows_c),
        "tag": csr(rows_t),
        "warning": csr([[] for _ in range(stories)]),
        "author": csr(rows_a),
    }
    return (
        features,
        np.array(r_story, dtype=np.int64),
        np.array(r_user, dtype=np.int64),
        np.array(r_stars, dtype=np.int8),
    )


def split(r_story, r_user, r_stars, seed: int):
    """Hold out one ★4+ rating per reader (a reader with none keeps everything)."""
    rng = np.random.default_rng(seed + 1)
    held: dict[int, int] = {}
    order = np.argsort(r_user, kind="stable")
    users = r_user[order]
    bounds = np.flatnonzero(np.diff(users)) + 1
    keep = np.ones(len(r_story), dtype=bool)
    for chunk in np.split(order, bounds):
        liked = chunk[r_stars[chunk] >= 4]
        if len(liked):
            out = int(rng.choice(liked))
            keep[out] = False
            held[int(r_user[out])] = int(r_story[out])
    return keep, held


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readers", type=int, default=5000)
    ap.add_argument("--stories", type=int, default=10000)
    ap.add_argument("--ratings-per-reader", type=int, default=44)
    ap.add_argument("--evaluate", type=int, default=0, help="readers scored (0: all)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    start = time.perf_counter()
    features, r_story, r_user, r_stars = generate(
        args.readers, args.stories, args.ratings_per_reader, args.seed
    )
    keep, held = split(r_story, r_user, r_stars, args.seed)
    n = args.stories
    catalog = Catalog.from_arrays(
        1,
        np.arange(n, dtype=np.int64),
        adult=np.zeros(n, bool),
        words=np.full(n, 5000, np.int32),
        status=np.zeros(n, np.int8),
        features=features,
        rating_story=r_story[keep],
        rating_user=r_user[keep],
        rating_stars=r_stars[keep],
    )
    built = time.perf_counter() - start
    print(
        f"server: {args.readers:,} readers, {n:,} stories, {len(r_story):,} ratings"
        f" ({int(keep.sum()):,} kept, {len(held):,} held out); built in {built:.1f} s"
    )
    readers = sorted(held)
    if args.evaluate:
        step = max(1, len(readers) // args.evaluate)
        readers = readers[::step][: args.evaluate]
    hits = dict.fromkeys(METHODS, 0)
    ndcg = dict.fromkeys(METHODS, 0.0)
    times: dict[str, list[float]] = {m: [] for m in METHODS}
    for u in readers:
        rated = catalog.ratings_of(u)
        taste = build_taste(catalog, rated)
        reader = catalog.base.reader(u)
        for method in METHODS:
            t0 = time.perf_counter()
            result = rank(
                catalog,
                taste,
                reader=reader,
                count=10,
                include_adult=True,
                mode=method,  # type: ignore[arg-type]
                seed=u,
            )
            times[method].append(time.perf_counter() - t0)
            picks = [d.p for d in result.drafts]
            if held[u] in picks:
                hits[method] += 1
                ndcg[method] += 1 / math.log2(picks.index(held[u]) + 2)
    total = len(readers)
    print(f"readers evaluated: {total:,}  (load average {os.getloadavg()[0]:.2f})")
    print(f"{'method':<14}{'hit-rate@10':>12}{'NDCG@10':>10}{'median ms':>11}")
    for method in METHODS:
        print(
            f"{method:<14}{hits[method] / total:>12.3f}{ndcg[method] / total:>10.3f}"
            f"{statistics.median(times[method]) * 1000:>11.2f}"
        )
    blend = hits["blend"] / total
    best_single = max(hits["content"], hits["collaborative"]) / total
    popularity = hits["popularity"] / total
    print(
        f"blend / popularity = {blend / popularity if popularity else float('inf'):.2f}x;"
        f" blend - best single component = {blend - best_single:+.3f}"
    )


if __name__ == "__main__":
    main()
