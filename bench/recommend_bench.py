"""Discovery at a big server's size: /recommend, /similar, /top and /browse sort:top.

    .venv/bin/python bench/recommend_bench.py [--stories 100000] [--ratings 1000000]
        [--runs 200] [--e2e-runs 100] [--keep DB]

Builds a real SQLite library (one guild; stories with pairings, characters, tags and
authors; readers in taste groups, as in bench/recommend_eval.py) with executemany, then:

1. opens it in a fresh process (`--open-only`): the time for `Library.open` plus the
   guild's catalog, and the resident memory (VmRSS) of that process with the library
   loaded, against the same process before opening (imports only);
2. times the calls in-process (`Library.recommend/similar/top/browse_top`, p50/p99);
3. times the same commands through the loopback Discord (`/recommend`, `/similar`,
   `/top`, `/browse sort:top` as a member types them; p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.library.store import Store  # noqa: E402

NOW = "2026-01-01T00:00:00+00:00"
LEVELS = ["General", "Teen", "Teen", "General", "Mature", "Explicit"]
LISTED = ("General", "Teen")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def build(path: Path, guild_id: int, stories: int, ratings: int, readers: list[int]) -> None:
    """The library, written with executemany in a few transactions."""
    asyncio.run(_create_schema(path))
    rng = np.random.default_rng(5)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    fandoms, per_fandom = 6, 20
    characters = [f"Character {f}-{c}" for f in range(fandoms) for c in range(per_fandom)]
    pairings = []
    for f in range(fandoms):
        for a in range(10):
            for b in range(a + 1, 10):
                pairings.append((f * per_fandom + a, f * per_fandom + b))
    with db:
        db.executemany(
            "INSERT INTO characters (id, name) VALUES (?, ?)",
            [(i + 1, n) for i, n in enumerate(characters)],
        )
        db.executemany(
            "INSERT INTO pairings (id, name) VALUES (?, ?)",
            [(i + 1, f"{characters[a]}/{characters[b]}") for i, (a, b) in enumerate(pairings)],
        )
        db.executemany(
            "INSERT INTO pairing_characters (pairing_id, character_id) VALUES (?, ?)",
            [(i + 1, c + 1) for i, pair in enumerate(pairings) for c in pair],
        )
        db.executemany(
            "INSERT INTO tags (id, kind, name) VALUES (?, ?, ?)",
            [(i + 1, "tag", f"tag {i}") for i in range(300)]
            + [(301, "warning", "Major Character Death"), (302, "warning", "No Archive Warnings")],
        )
        authors = stories // 5
        db.executemany(
            "INSERT INTO authors (id, name) VALUES (?, ?)",
            [(i + 1, f"Author {i}") for i in range(authors)],
        )
        weights = rng.zipf(1.5, len(pairings)).astype(float)
        weights /= weights.sum()
        story_pairing = rng.choice(len(pairings), size=stories, p=weights)
        words = rng.integers(500, 150_000, stories)
        db.executemany(
            "INSERT INTO stories (id, guild_id, title, rating_level, status, words,"
            " chapter_count, content_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (
                (
                    s + 1,
                    guild_id,
                    f"Story {s} of the long night",
                    LEVELS[s % len(LEVELS)],
                    "complete" if s % 3 else "wip",
                    int(words[s]),
                    f"h{s}",
                    NOW,
                    NOW,
                )
                for s in range(stories)
            ),
        )
        db.executemany(
            "INSERT INTO story_pairings (story_id, pairing_id, inferred, position)"
            " VALUES (?, ?, 0, 0)",
            ((s + 1, int(story_pairing[s]) + 1) for s in range(stories)),
        )
        db.executemany(
            "INSERT INTO story_characters (story_id, character_id, position) VALUES (?, ?, ?)",
            (
                (s + 1, c + 1, i)
                for s in range(stories)
                for i, c in enumerate(pairings[int(story_pairing[s])])
            ),
        )
        tag_rows = rng.integers(1, 301, (stories, 5))
        db.executemany(
            "INSERT OR IGNORE INTO story_tags (story_id, tag_id, position) VALUES (?, ?, ?)",
            (
                (s + 1, int(t), i)
                for s in range(stories)
                for i, t in enumerate([*tag_rows[s], 301 + (s % 2)])
            ),
        )
        db.executemany(
            "INSERT INTO story_authors (story_id, author_id, position) VALUES (?, ?, 0)",
            ((s + 1, int(a) + 1) for s, a in enumerate(rng.integers(0, authors, stories))),
        )
    # readers in taste groups: favourites (co-liking) and favourite pairings
    groups = 200
    per_reader = max(1, ratings // len(readers))
    by_pairing = [np.flatnonzero(story_pairing == p) for p in range(len(pairings))]
    favourites = [rng.choice(stories, 80, replace=False) for _ in range(groups)]
    liked = [rng.choice(len(pairings), 2, replace=False, p=weights) for _ in range(groups)]
    rows = []
    for n, user in enumerate(readers):
        g = n % groups
        pool = np.concatenate([by_pairing[p] for p in liked[g]])
        picks = set(rng.choice(favourites[g], per_reader // 3, replace=False).tolist())
        if len(pool):
            picks.update(rng.choice(pool, min(len(pool), per_reader // 3)).tolist())
        while len(picks) < per_reader:
            picks.add(int(rng.integers(0, stories)))
        fav = set(favourites[g].tolist())
        for s in picks:
            base = 4 if s in fav else 3.5 if story_pairing[s] in liked[g] else 2.5
            stars = int(min(5, max(1, round(base + rng.normal(0, 0.9)))))
            rows.append((guild_id, s + 1, user, stars, NOW, NOW))
        if len(rows) >= 200_000:
            with db:
                db.executemany(
                    "INSERT OR IGNORE INTO reader_ratings"
                    " (guild_id, story_id, user_id, stars, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
            rows = []
    with db:
        db.executemany(
            "INSERT OR IGNORE INTO reader_ratings"
            " (guild_id, story_id, user_id, stars, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


async def _create_schema(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


# ---- 1. open in a fresh process ---------------------------------------------------------


def open_only(path: Path, guild_id: int) -> None:
    """Run in a child process: open the library and load the guild's catalog."""
    before = rss_mb()

    async def go() -> str:
        from bot.library.service import Library  # imported after the first reading

        start = time.perf_counter()
        library = await Library.open(path)
        opened = time.perf_counter() - start
        catalog = await library.discovery.catalog(guild_id)
        ready = time.perf_counter() - start
        line = f"{opened:.2f} {ready:.2f} {before:.1f} {rss_mb():.1f} {catalog.nbytes() / 1e6:.1f}"
        await library.close()
        return line

    print(asyncio.run(go()))


# ---- 2 and 3. latency -------------------------------------------------------------------


async def latencies(path: Path, args: argparse.Namespace) -> None:
    from bot.emulator.harness import run_bot

    async with run_bot(path) as app:
        library = app.bot.library
        g = app.guild.id
        rng = np.random.default_rng(3)
        users = [int(u) for u in rng.choice(args.user_ids, args.runs)]
        stories = [int(s) for s in rng.integers(1, args.stories + 1, args.runs)]
        catalog = await library.discovery.catalog(g)
        print(f"catalog: {catalog.size:,} stories, {int(catalog.rating_count.sum()):,} ratings")

        cpu: list[float] = []

        async def timed(fn, values) -> list[float]:
            out = []
            cpu.clear()
            for v in values:
                start, start_cpu = time.perf_counter(), time.process_time()
                await fn(v)
                out.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            return out

        baseline = {
            "baseline: SQL top 30 (store)": (
                lambda _: library.top_stories(g, include_adult=False, limit=30),
                stories[:20],
            ),
        }
        cases = {
            "recommend": (lambda u: library.recommend(g, u, include_adult=False), users),
            "similar": (lambda s: library.similar(g, s, include_adult=False), stories),
            "top": (lambda _: library.top(g, include_adult=False, limit=30), stories),
            "browse sort:top": (
                lambda _: library.browse_top(g, include_adult=False, limit=10),
                stories,
            ),
        }
        print(f"\nin-process ({args.runs} calls each; load average {os.getloadavg()[0]:.2f})")
        for name, (fn, values) in {**baseline, **cases}.items():
            await timed(fn, values[:5])  # warm
            t = await timed(fn, values)
            print(
                f"  {name:<16} p50 {statistics.median(t):6.1f} ms   p99 {pct(t, 99):6.1f} ms"
                f"   (CPU of this process: p50 {statistics.median(cpu):5.1f} ms,"
                f" p99 {pct(cpu, 99):5.1f} ms)"
            )
        # the loopback Discord: the members' own ratings make /recommend personal
        for member in (app.reader, app.reader2):
            for s in stories[:40]:
                await library.rate(g, s, member.id, 5 if s % 2 else 4)
        n = args.e2e_runs
        e2e = {
            "/recommend": [
                (app.reader if i % 2 else app.reader2, "recommend", {}) for i in range(n)
            ],
            "/similar": [  # stories a normal channel may list (General and Teen)
                (app.reader, "similar", {"story": f"Story {s - 1} of the long night"})
                for s in [s for s in stories if LEVELS[(s - 1) % len(LEVELS)] in LISTED][:n]
            ],
            "/top": [(app.reader, "top", {}) for _ in range(n)],
            "/browse sort:top": [(app.reader, "browse", {"sort": "top"}) for _ in range(n)],
        }
        print(
            f"\nthrough the loopback Discord ({n} commands each;"
            f" load average {os.getloadavg()[0]:.2f})"
        )
        for name, calls in e2e.items():
            times = []
            for i, (member, command, options) in enumerate([*calls[:3], *calls]):
                start = time.perf_counter()
                reply = await member.slash(command, channel=app.general, **options)
                elapsed = (time.perf_counter() - start) * 1000
                if reply.error is not None or (reply.ephemeral and not reply.embeds):
                    raise SystemExit(f"{name} {options} failed: {reply!r}")
                if i >= 3:
                    times.append(elapsed)
            print(
                f"  {name:<17} p50 {statistics.median(times):6.1f} ms"
                f"   p99 {pct(times, 99):6.1f} ms"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--ratings", type=int, default=1_000_000)
    ap.add_argument("--readers", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--e2e-runs", type=int, default=100)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the database here")
    ap.add_argument("--open-only", nargs=2, metavar=("DB", "GUILD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.open_only:
        open_only(Path(args.open_only[0]), int(args.open_only[1]))
        return
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "storybot.db"
        guild = 1  # rewritten to the loopback guild's id below
        args.user_ids = list(range(10_000, 10_000 + args.readers))
        if not path.exists():
            start = time.perf_counter()
            build(path, guild, args.stories, args.ratings, args.user_ids)
            size = path.stat().st_size / 1e6
            print(f"built {path.name}: {time.perf_counter() - start:.1f} s, {size:.0f} MB")
        with sqlite3.connect(path) as db:  # a kept database may carry an earlier run's id
            guild = db.execute("SELECT guild_id FROM stories LIMIT 1").fetchone()[0]
        out = subprocess.run(
            [sys.executable, __file__, "--open-only", str(path), str(guild)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        opened, ready, before, after, arrays = map(float, out[-5:])
        print(
            f"open: Library.open {opened:.2f} s; with the guild's catalog {ready:.2f} s;"
            f" resident memory {after:.0f} MB (imports alone {before:.0f} MB;"
            f" catalog arrays {arrays:.0f} MB)"
        )
        asyncio.run(_with_guild(path, args))


async def _with_guild(path: Path, args: argparse.Namespace) -> None:
    """Run the latency part with the library moved to the loopback guild's id."""
    from bot.emulator import harness

    original = harness.build_demo_world

    def world(emu):
        built = original(emu)
        db = sqlite3.connect(path)
        with db:
            gid = built["guild"].id
            db.execute("UPDATE stories SET guild_id = ?", (gid,))
            db.execute("UPDATE reader_ratings SET guild_id = ?", (gid,))
        db.close()
        return built

    harness.build_demo_world = world
    try:
        await latencies(path, args)
    finally:
        harness.build_demo_world = original


if __name__ == "__main__":
    main()
