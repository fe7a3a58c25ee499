"""Store benchmark: rating totals kept ready vs re-aggregated, and reads while another
process holds the write lock.

    .venv/bin/python bench/store_bench.py [--stories 100000] [--ratings 1000000]

1. A generated library in one guild (`--stories` stories, `--ratings` ratings from
   readers with skewed tastes, written straight into a fresh file, so the rating totals
   are kept by the triggers as they would be by members). Timed in-process through the
   store, p50/p99 over repeated calls: `top_stories(10)`, `list_stories(sort="top")`,
   `rating_summary`, `rating_totals(guild)` — and, as the baseline in the same run, the
   top-10 query the store ran before migration 004 (aggregating every rating).
2. Reads beside a writer: a subprocess holds the write lock (BEGIN IMMEDIATE) while the
   store answers reads; p50/p99 of a story lookup with and without the writer, and how
   long a member's write takes to be refused.

Prints a Markdown table; the figures in BENCHMARKS.md come from it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.library.errors import LibraryBusy
from bot.library.store import Store
from bot.library.store.readers import PRIOR_WEIGHT

GUILD = 1
OLD_TOP_SQL = (  # what top_stories ran before the totals were kept (the baseline)
    "SELECT s.id FROM stories s LEFT JOIN (SELECT story_id, COUNT(*) AS n, SUM(stars) AS"
    " total FROM reader_ratings WHERE guild_id = ? GROUP BY story_id) r ON r.story_id = s.id"
    " WHERE s.guild_id = ? AND r.n > 0 ORDER BY (? * ? + COALESCE(r.total, 0)) /"
    " (? + COALESCE(r.n, 0)) DESC, COALESCE(r.n, 0) DESC, s.title COLLATE NOCASE, s.id"
    " LIMIT 10"
)
HOLD = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def build(path: Path, stories: int, ratings: int, seed: int) -> None:
    rng = random.Random(seed)
    now = "2026-01-01T00:00:00+00:00"
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO stories (id, guild_id, title, rating_level, content_hash, words,"
            " chapter_count, created_at, updated_at) VALUES (?, ?, ?, 'Teen', ?, ?, 1, ?, ?)",
            (
                (i, GUILD, f"Story {i:06d}", f"h{i}", rng.randint(500, 90_000), now, now)
                for i in range(1, stories + 1)
            ),
        )
        readers = max(1, ratings // 100)
        seen: set[tuple[int, int]] = set()

        def rows():
            while len(seen) < ratings:
                user = rng.randrange(readers)
                story = (
                    min(stories, int(rng.paretovariate(1.2)))
                    if rng.random() < 0.3
                    else (rng.randint(1, stories))
                )
                if (story, user) in seen:
                    continue
                seen.add((story, user))
                stars = max(1, min(5, round(rng.gauss(3.6 + (story % 7) / 10, 1.0))))
                yield (GUILD, story, user, stars, now, now)

        db.executemany(
            "INSERT INTO reader_ratings (guild_id, story_id, user_id, stars, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows(),
        )
        db.execute("COMMIT")
        db.execute("ANALYZE")


async def timed(fn: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values: list[float], base: float | None = None) -> str:
    ratio = f"{statistics.median(values) / base:.3f}" if base else "—"
    return f"| {name} | {statistics.median(values):.2f} | {p(values, 0.99):.2f} | {ratio} |"


async def measure(path: Path, runs: int) -> list[str]:
    lines = ["| what | p50 ms | p99 ms | ratio to baseline p50 |", "|---|---:|---:|---:|"]
    async with await Store.open(path) as store:

        def old_top(db: sqlite3.Connection) -> list[int]:
            mean = db.execute(
                "SELECT AVG(stars) FROM reader_ratings WHERE guild_id = ?", (GUILD,)
            ).fetchone()[0]
            args = (GUILD, GUILD, PRIOR_WEIGHT, mean, PRIOR_WEIGHT)
            return [r[0] for r in db.execute(OLD_TOP_SQL, args)]

        base = await timed(lambda: store.db.read(old_top), max(3, runs // 10))
        base_p50 = statistics.median(base)
        lines.append(row("baseline: top 10 aggregated from every rating (before)", base))
        top = await timed(lambda: store.listings.top_stories(GUILD, limit=10), runs)
        lines.append(row("`top_stories(10)` from the kept totals", top, base_p50))
        listed = await timed(lambda: store.listings.list_stories(GUILD, sort="top", limit=10), runs)
        lines.append(row('`list_stories(sort="top", limit=10)`', listed, base_p50))
        rng = random.Random(3)
        summary = await timed(lambda: store.readers.rating_summary(rng.randint(1, 1000)), runs)
        lines.append(row("`rating_summary(story)`", summary, base_p50))
        totals = await timed(lambda: store.readers.rating_totals(GUILD), max(3, runs // 10))
        lines.append(row("`rating_totals(guild)` (every rated story)", totals, base_p50))
        got = await store.db.read(old_top)
        new = [s.id for s, _ in await store.listings.top_stories(GUILD, limit=10)]
        assert got == new, (got, new)  # the same answer, read from the kept totals
    return lines


async def beside_a_writer(path: Path, runs: int) -> list[str]:
    lines = ["| what | p50 ms | p99 ms | ratio to baseline p50 |", "|---|---:|---:|---:|"]
    rng = random.Random(5)
    async with await Store.open(path) as store:

        async def lookup() -> None:
            await store.stories.get_stories(GUILD, [rng.randint(1, 1000) for _ in range(10)])

        quiet = await timed(lookup, runs)
        lines.append(row("10-story lookup, no writer (baseline)", quiet))
        holder = subprocess.Popen(  # noqa: ASYNC220 - started once, outside the timings
            [sys.executable, "-c", HOLD, str(path), "30"], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            busy = await timed(lookup, runs)
            lines.append(
                row(
                    "10-story lookup, another process holds the write lock",
                    busy,
                    statistics.median(quiet),
                )
            )
            started = time.perf_counter()
            try:
                await store.settings.set(GUILD, "list_adult_titles", True, actor_id=None)
                refused = "saved (!)"
            except LibraryBusy:
                refused = "refused, nothing written"
            waited = (time.perf_counter() - started) * 1000
            lines.append(f"| a member's write meanwhile: {refused} after | {waited:.0f} | — | — |")
        finally:
            holder.kill()
            holder.wait()
    return lines


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--ratings", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261205)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        started = time.perf_counter()
        asyncio.run(_close_after_open(path))
        build(path, args.stories, args.ratings, args.seed)
        built = time.perf_counter() - started
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        print(
            f"library: {args.stories:,} stories, {args.ratings:,} ratings, one guild "
            f"({path.stat().st_size / 2**20:.0f} MiB, built in {built:.0f} s)\n"
        )
        print("\n".join(asyncio.run(measure(path, args.runs))))
        print()
        print("\n".join(asyncio.run(beside_a_writer(path, args.runs))))
        print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


async def _close_after_open(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


if __name__ == "__main__":
    main()
