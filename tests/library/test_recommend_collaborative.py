"""Co-likes, /similar, and the in-memory catalog kept exact: through the real Library."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from bot.library.recommend import ReasonKind
from bot.library.recommend.catalog import REBUILD_AFTER, load_catalog
from bot.library.service import Library
from tests.library.test_recommend import BANGEL, SPUFFY, WILLARA, story

G = 7


@pytest.fixture
async def library(tmp_path: Path):
    lib = await Library.open(tmp_path / "library.db")
    yield lib
    await lib.close()


async def add(library: Library, parsed) -> int:
    return (await library.add_parsed(G, parsed, actor_id=None)).story_id


async def test_readers_who_liked_it_also_liked_outranks_the_content_match(library):
    lets_talk = await add(library, story("Let's Talk", pairing=SPUFFY, author="A"))
    hidden_gem = await add(library, story("Hidden Gem", pairing=WILLARA, author="B"))
    await add(library, story("Same Ship", pairing=SPUFFY, author="C"))
    await add(library, story("Other", pairing=BANGEL, author="D"))
    for user in range(10, 22):  # twelve readers loved both
        await library.rate(G, lets_talk, user, 5)
        await library.rate(G, hidden_gem, user, 5)
    await library.rate(G, lets_talk, 1, 5)
    result = await library.recommend(G, 1)
    first = result.picks[0]
    assert first.story.title == "Hidden Gem" and result.collaborative > 0.2
    assert first.reasons[0].kind is ReasonKind.COLIKED
    assert first.explain().startswith("readers who liked *Let's Talk* also liked this")
    # the content match is still there, explained by the pairing
    same = next(p for p in result.picks if p.story.title == "Same Ship")
    assert "Buffy Summers/Spike" in same.explain()
    # deterministic: the same answer again
    again = await library.recommend(G, 1)
    assert [p.story.id for p in again.picks] == [p.story.id for p in result.picks]


async def test_one_shared_reader_says_little(library):
    a = await add(library, story("Seed", pairing=SPUFFY, author="A"))
    b = await add(library, story("Fluke", pairing=WILLARA, author="B"))
    await add(library, story("Ship Match", pairing=SPUFFY, author="C"))
    await library.rate(G, a, 50, 5)
    await library.rate(G, b, 50, 5)
    await library.rate(G, a, 1, 5)
    result = await library.recommend(G, 1)
    assert result.picks[0].story.title == "Ship Match"  # one co-reader is shrunk away


async def test_similar_uses_co_likes_then_shared_names(library):
    lets_talk = await add(library, story("Let's Talk", pairing=SPUFFY, author="A"))
    gem = await add(library, story("Hidden Gem", pairing=WILLARA, author="B"))
    await add(library, story("Same Ship", pairing=SPUFFY, author="C"))
    await add(library, story("Hot Same Ship", pairing=SPUFFY, author="E", level=_explicit()))
    for user in range(10, 22):
        await library.rate(G, lets_talk, user, 5)
        await library.rate(G, gem, user, 4)
    result = await library.similar(G, lets_talk, include_adult=False)
    titles = [p.story.title for p in result.picks]
    assert titles[0] == "Hidden Gem" and "Let's Talk" not in titles
    assert result.picks[0].explain().startswith("readers who liked *Let's Talk* also liked this")
    same = next(p for p in result.picks if p.story.title == "Same Ship")
    assert same.explain().startswith("also Buffy Summers/Spike")
    assert "Hot Same Ship" not in titles and result.hidden_adult


def _explicit():
    from bot.library.model import RatingLevel

    return RatingLevel.EXPLICIT


async def test_catalog_counts_match_a_full_reaggregation_after_many_changes(library, tmp_path):
    ids = [await add(library, story(f"S{n}", author=f"A{n}")) for n in range(12)]
    await library.discovery.catalog(G)  # loaded before the changes: kept up incrementally
    rng = random.Random(3)
    for _ in range(REBUILD_AFTER + 300):  # enough to rebuild the co-liking base once
        await library.rate(G, rng.choice(ids), rng.randrange(40), rng.randint(1, 5))
    await library.remove(G, ids[0], actor_id=None)
    new = await add(library, story("Late Arrival", author="Z"))
    await library.rate(G, new, 5, 5)
    for task in list(library.discovery._tasks):
        await task
    catalog = await library.discovery.catalog(G)
    with sqlite3.connect(tmp_path / "library.db") as db:
        fresh = load_catalog(db, G)
        rows = db.execute(
            "SELECT story_id, COUNT(*), SUM(stars) FROM reader_ratings WHERE guild_id = ?"
            " GROUP BY story_id",
            (G,),
        ).fetchall()
    live = catalog.live()
    for sid, n, total in rows:
        p = catalog.position(sid)
        assert p is not None and live[p]
        assert (catalog.rating_count[p], catalog.rating_sum[p]) == (n, total)
    assert int(catalog.rating_count.sum()) == sum(r[1] for r in rows)
    assert catalog.position(ids[0]) is None
    # every reader's ratings agree with a catalog read from scratch
    for user in range(40):
        assert catalog.ratings_of(user) == {
            catalog.position(int(fresh.story_ids[p])): s for p, s in fresh.ratings_of(user).items()
        }
    # the co-liking base was rebuilt once; with the changes since, it equals a fresh one
    assert 0 < catalog.changes < REBUILD_AFTER
    merged = catalog.merged_base(catalog.snapshot())
    assert np.array_equal(merged.like_counts[live], fresh.base.like_counts)


async def test_a_write_by_another_process_is_picked_up(library, tmp_path):
    a = await add(library, story("A", pairing=SPUFFY, author="A"))
    await add(library, story("B", pairing=SPUFFY, author="B"))
    await library.discovery.catalog(G)
    with sqlite3.connect(tmp_path / "library.db") as db:  # e.g. the CLI on the same file
        db.execute(
            "INSERT INTO reader_ratings (guild_id, story_id, user_id, stars, created_at,"
            " updated_at) VALUES (?, ?, 9, 5, '2026-01-01T00:00:00', '2026-01-01T00:00:00')",
            (G, a),
        )
    assert await library.catch_up()  # notices (the open library also looks every 0.5 s)
    for task in list(library.discovery._tasks):
        await task
    summary = await library.rating_summary(G, a)
    assert (summary.count, summary.mean) == (1, 5.0)
