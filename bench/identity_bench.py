"""Identity benchmark: how long finding the stored story an upload is takes in a big library.

Fills a fresh library file with `--stories` generated stories (default 100,000; distinct
prose, 1–2 chapters of 4 paragraphs) through the store's own batch import, then times
`Library.identify` (what `/library add` runs before it asks) for uploads of stored stories
under a CHANGED title and author — found only through the paragraph-fingerprint index
(story_prints) — and for new stories that match nothing. Prints medians and p99s.

    .venv/bin/python bench/identity_bench.py                 # 100,000 stories
    .venv/bin/python bench/identity_bench.py --stories 5000  # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library import Library  # noqa: E402
from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel, Status  # noqa: E402
from bot.library.store.prepare import prepare_story  # noqa: E402

GUILD = 1
BATCH = 500
WORDS = (  # noqa: SIM905 - a word list
    "night went on lantern crypt willow moon letter rain candle bridge river slayer watcher "
    "library stake dawn cemetery whisper promise kiss storm ember shadow garden sea road "
    "winter summer dragon wolf crown sword ghost dream memory song dance secret heart"
).split()


def story(n: int, *, title: str | None = None, author: str | None = None) -> ParsedStory:
    rng = random.Random(n)
    chapters = []
    for c in range(1, 1 + n % 2 + 1):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 40))).capitalize() + "."
            for _ in range(4)
        ]
        chapters.append(
            Chapter(number=c, label=f"Chapter {c}", title=None, text="\n\n".join(paragraphs))
        )
    return ParsedStory(
        title=title or f"Story {n}",
        authors=[author or f"Writer {n % 997}"],
        rating=Rating(declared="General", level=RatingLevel.GENERAL, inferred=False),
        chapters=chapters,
        status=Status.COMPLETE,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="identity-bench-"))
    library = await Library.open(folder / "library.db", index=False)
    store = library._store  # the bench fills the file the fast way the bulk import does
    try:
        started = time.perf_counter()
        for first in range(0, args.stories, BATCH):
            batch = [
                prepare_story(story(n), f"s{n}.txt")
                for n in range(first, min(first + BATCH, args.stories))
            ]
            await store.stories.import_prepared_many(GUILD, batch, actor_id=None)
        filled = time.perf_counter() - started
        rng = random.Random(7)
        renamed, new = [], []
        wrong = 0
        for _ in range(args.lookups):
            n = rng.randrange(args.stories)
            upload = story(n, title=f"A New Title {n}", author=f"writer{n % 997}!")
            t = time.perf_counter()
            match = await library.identify(GUILD, upload)
            renamed.append(time.perf_counter() - t)
            if match is None or not match.renamed:
                wrong += 1
            fresh = story(args.stories + 10_000 + n, title=f"Fresh {n}")
            t = time.perf_counter()
            none = await library.identify(GUILD, fresh)
            new.append(time.perf_counter() - t)
            if none is not None:
                wrong += 1
    finally:
        await library.close()
    size = (folder / "library.db").stat().st_size / 1e6
    print(
        f"{args.stories:,} stories ({size:.0f} MB file, filled in {filled:.0f} s); "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| upload | lookups | median ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for label, times in (("renamed copy of a stored story", renamed), ("a new story", new)):
        print(
            f"| {label} | {len(times)} | {statistics.median(times) * 1000:.2f} | "
            f"{percentile(times, 0.99) * 1000:.2f} |"
        )
    print(f"wrong answers: {wrong}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--lookups", type=int, default=200)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
