"""The one search box (`Library.search_box`, behind `/search`) at a big server's size.

    .venv/bin/python bench/search_box_bench.py [--stories 100000] [--runs 200] [--keep DB]

Builds a real SQLite library (one guild; titles, summaries of 12–30 words and tags from a
fan-fiction-like vocabulary, pairings and characters, statuses and ratings; FTS rows as
the store writes them) with executemany, opens it with `Library.open`, and times, in the
same run and on the same queries:

- the baseline: `Library.search` (the title index alone, what /search did before);
- `Library.search_box` for four kinds of query: title words; summary / tag words with a
  typo; a character + a status filter + a tag word; filters only.

Prints p50 / p99 per kind (ms) and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.library.service import Library  # noqa: E402
from bot.library.store import Store  # noqa: E402

GUILD = 1
NOW = "2026-01-01T00:00:00+00:00"
LEVELS = ["General", "Teen", "Teen", "General", "Mature", "Explicit"]
WORDS = [
    "night",
    "dawn",
    "blood",
    "moon",
    "slayer",
    "vampire",
    "patrol",
    "cemetery",
    "crypt",
    "library",
    "watcher",
    "prophecy",
    "summer",
    "winter",
    "rain",
    "storm",
    "fire",
    "ashes",
    "silence",
    "promise",
    "secret",
    "letter",
    "kiss",
    "dance",
    "dream",
    "home",
    "road",
    "sea",
    "shadow",
    "light",
    "dark",
    "heart",
    "broken",
    "wings",
    "stars",
    "river",
    "garden",
    "winter",
    "castle",
    "hunt",
    "wolf",
    "witch",
    "spell",
    "curse",
    "ghost",
    "memory",
    "mirror",
    "glass",
    "stone",
    "crown",
    "sword",
    "song",
]
TAGS = [
    "Angst",
    "Fluff",
    "Hurt/Comfort",
    "Romance",
    "Humor",
    "Drama",
    "Smut",
    "Friendship",
    "Horror",
    "Mystery",
]
CHARACTERS = [f"Character {c}" for c in range(60)]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def build(path: Path, stories: int) -> None:
    asyncio.run(_create_schema(path))
    rng = random.Random(5)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    pairs = [(a, b) for a in range(0, 60, 2) for b in range(a + 1, min(a + 6, 60), 2)]
    with db:
        db.executemany(
            "INSERT INTO characters (id, name) VALUES (?, ?)",
            [(i + 1, n) for i, n in enumerate(CHARACTERS)],
        )
        db.executemany(
            "INSERT INTO pairings (id, name) VALUES (?, ?)",
            [(i + 1, f"{CHARACTERS[a]}/{CHARACTERS[b]}") for i, (a, b) in enumerate(pairs)],
        )
        db.executemany(
            "INSERT INTO tags (id, kind, name) VALUES (?, 'tag', ?)",
            [(i + 1, t) for i, t in enumerate(TAGS)],
        )
        db.execute("INSERT INTO authors (id, name) VALUES (1, 'Author')")
        rows, fts, links = [], [], []
        for s in range(1, stories + 1):
            title = " ".join(rng.sample(WORDS, rng.randint(1, 4))).title() + f" {s}"
            summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30)))
            tags = rng.sample(range(len(TAGS)), 2)
            pairing = rng.randrange(len(pairs))
            rows.append(
                (s, GUILD, title, summary, LEVELS[s % 6], "complete" if s % 3 else "wip", NOW)
            )
            names = [TAGS[t] for t in tags] + [
                f"{CHARACTERS[pairs[pairing][0]]}/{CHARACTERS[pairs[pairing][1]]}",
                CHARACTERS[pairs[pairing][0]],
                CHARACTERS[pairs[pairing][1]],
            ]
            fts.append((s, title, "Author", summary, " ; ".join(names)))
            links.append((s, tags, pairing))
        db.executemany(
            "INSERT INTO stories (id, guild_id, title, summary, rating_level, status, words,"
            " chapter_count, content_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1000, 1, 'h' || ?1, ?7, ?7)",
            rows,
        )
        db.executemany(
            "INSERT INTO stories_fts (rowid, title, authors, summary, tags) VALUES (?, ?, ?, ?, ?)",
            fts,
        )
        db.executemany(
            "INSERT INTO story_authors (story_id, author_id, position) VALUES (?, 1, 0)",
            ((s,) for s, _t, _p in links),
        )
        db.executemany(
            "INSERT INTO story_tags (story_id, tag_id, position) VALUES (?, ?, ?)",
            ((s, t + 1, i) for s, tags, _p in links for i, t in enumerate(tags)),
        )
        db.executemany(
            "INSERT INTO story_pairings (story_id, pairing_id, inferred, position)"
            " VALUES (?, ?, 0, 0)",
            ((s, p + 1) for s, _t, p in links),
        )
        db.executemany(
            "INSERT INTO story_characters (story_id, character_id, position) VALUES (?, ?, ?)",
            ((s, c + 1, i) for s, _t, p in links for i, c in enumerate(pairs[p])),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


async def _create_schema(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def queries(runs: int) -> dict[str, list[str]]:
    rng = random.Random(11)
    long_words = [w for w in WORDS if len(w) >= 5]
    return {
        "title words": [" ".join(rng.sample(WORDS, 2)) for _ in range(runs)],
        "summary words, a typo": [
            f"{typo(rng.choice(long_words), rng)} {rng.choice(WORDS)}" for _ in range(runs)
        ],
        "character + wip + tag": [
            f"{rng.choice(CHARACTERS)} wip {rng.choice(TAGS).split('/')[0].lower()}"
            for _ in range(runs)
        ],
        "filters only": [f"{rng.choice(CHARACTERS)} complete teen" for _ in range(runs)],
    }


async def measure(path: Path, runs: int) -> None:
    start = time.perf_counter()
    library = await Library.open(path)
    print(f"opened in {time.perf_counter() - start:.1f} s")
    try:
        plan = queries(runs)
        for query in plan["title words"][:5]:  # warm up
            await library.search_box(GUILD, query, include_adult=False)
        base = []
        for query in plan["title words"]:
            t0 = time.perf_counter_ns()
            library.search(GUILD, query, limit=25, include_adult=False)
            base.append((time.perf_counter_ns() - t0) / 1e6)
        print(
            f"baseline Library.search (titles only), title words: p50 {pct(base, 50):.2f} ms"
            f"  p99 {pct(base, 99):.2f} ms"
        )
        for kind, texts in plan.items():
            times, found = [], 0
            for query in texts:
                t0 = time.perf_counter_ns()
                _box, stories, _hidden = await library.search_box(GUILD, query, include_adult=False)
                times.append((time.perf_counter_ns() - t0) / 1e6)
                found += bool(stories)
            print(
                f"search_box, {kind}: p50 {pct(times, 50):.2f} ms  p99 {pct(times, 99):.2f} ms"
                f"  mean {statistics.fmean(times):.2f} ms  ({found}/{len(texts)} found some)"
            )
    finally:
        await library.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the database here")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "box.db"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.stories)
            print(f"built {args.stories:,} stories in {time.perf_counter() - start:.1f} s")
        asyncio.run(measure(path, args.runs))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
