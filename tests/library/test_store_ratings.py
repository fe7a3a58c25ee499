"""Ids never reused across restarts and migrations (issue 8 item 4); rating totals kept
ready and exact under concurrency (issue 9 item 1). Real SQLite files."""

from __future__ import annotations

import asyncio
import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.library.store import Store
from bot.library.store.migrations import MIGRATIONS_DIR, apply_migrations
from tests.library.test_store import G1, G2, MOD, make_story


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "lib.db")
    yield s
    await s.close()


async def test_ids_are_never_reused_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    async with await Store.open(path) as store:
        a = (await store.stories.import_story(G1, make_story("A", seed="a"), actor_id=MOD)).story_id
        b = (await store.stories.import_story(G1, make_story("B", seed="b"), actor_id=MOD)).story_id
        await store.stories.remove_story(G1, b, actor_id=MOD)
        await store.stories.remove_story(G1, a, actor_id=MOD)
    async with await Store.open(path) as store:
        c = (await store.stories.import_story(G2, make_story("C", seed="c"), actor_id=MOD)).story_id
    assert c > b > a


async def test_the_migration_backfills_the_high_water_from_the_audit_log(tmp_path: Path) -> None:
    old = tmp_path / "migrations"
    old.mkdir()
    for name in ("001_initial.sql", "002_edited_fields.sql"):
        shutil.copy(MIGRATIONS_DIR / name, old / name)
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        assert apply_migrations(conn, old) == 2
        for story_id, title in ((1, "Kept"), (7, "Removed Newest")):
            conn.execute(
                "INSERT INTO stories (id, guild_id, title, rating_level, content_hash,"
                " created_at, updated_at) VALUES (?, 1, ?, 'Teen', ?, 'x', 'x')",
                (story_id, title, title),
            )
            conn.execute(
                "INSERT INTO audit_log (guild_id, action, story_id, title, at)"
                " VALUES (1, 'added', ?, ?, 'x')",
                (story_id, title),
            )
        conn.execute(
            "INSERT INTO reader_ratings (guild_id, story_id, user_id, stars, created_at,"
            " updated_at) VALUES (1, 1, 5, 4, 'x', 'x'), (1, 1, 6, 2, 'x', 'x'),"
            " (1, 7, 5, 5, 'x', 'x')"
        )
        conn.execute("DELETE FROM stories WHERE id = 7")  # removed before the migration
    async with await Store.open(path) as store:
        added = await store.stories.import_story(1, make_story("New"), actor_id=MOD)
        assert added.story_id == 8  # not 2, not 7
        summary = await store.readers.rating_summary(1)  # totals backfilled
        assert (summary.count, summary.mean) == (2, 3.0)


def full_aggregate(path: Path) -> tuple[dict, dict]:
    """Rating totals recomputed from every rating, and those kept ready."""
    with sqlite3.connect(path) as conn:
        fresh = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT s.id, COUNT(r.stars), COALESCE(SUM(r.stars), 0) FROM stories s"
                " LEFT JOIN reader_ratings r ON r.story_id = s.id GROUP BY s.id"
            )
        }
        kept = {
            r[0]: (r[1], r[2])
            for r in conn.execute("SELECT id, rating_count, rating_sum FROM stories")
        }
        fresh_guilds = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT guild_id, COUNT(*), SUM(stars) FROM reader_ratings GROUP BY guild_id"
            )
        }
        kept_guilds = {
            r[0]: (r[1], r[2])
            for r in conn.execute("SELECT guild_id, n, total FROM guild_rating_totals WHERE n > 0")
        }
    return (fresh, fresh_guilds), (kept, kept_guilds)


async def test_rating_totals_stay_exact_under_concurrent_rating(store: Store) -> None:
    ids = [
        (
            await store.stories.import_story(G1, make_story(f"S{i}", seed=str(i)), actor_id=MOD)
        ).story_id
        for i in range(6)
    ]
    other = (await store.stories.import_story(G2, make_story("Other"), actor_id=MOD)).story_id
    rng = random.Random(9)

    async def reader(user: int) -> None:
        for _ in range(25):
            story = rng.choice(ids)
            await store.readers.rate(G1, story, user, rng.randint(1, 5), keep_review=True)

    await asyncio.gather(*(reader(u) for u in range(40)))
    await store.readers.rate(G2, other, 1, 2)
    await store.stories.remove_story(G1, ids[0], actor_id=MOD)  # its ratings go with it
    fresh, kept = full_aggregate(store.path)
    assert fresh == kept
    totals = await store.readers.rating_totals(G1)
    assert totals == {k: v for k, v in fresh[0].items() if v[0] and k in ids}
    best = await store.listings.top_stories(G1, limit=10)
    assert [s.id for s, _ in best] == sorted(
        totals,
        key=lambda k: (
            -(3 * kept[1][G1][1] / kept[1][G1][0] + totals[k][1]) / (3 + totals[k][0]),
            -totals[k][0],
            f"S{ids.index(k)}",
        ),
    )


async def test_the_trash_keeps_totals_exact_and_its_ids_are_never_reused(tmp_path: Path) -> None:
    from bot.library import Library

    async with await Library.open(tmp_path / "lib.db") as library:
        a = (await library.add_parsed(G1, make_story("A", seed="a"), actor_id=MOD)).story_id
        b = (await library.add_parsed(G1, make_story("B", seed="b"), actor_id=MOD)).story_id
        for user, stars in ((1, 5), (2, 4), (3, 1)):
            await library.rate(G1, a, user, stars)
            await library.rate(G1, b, user, 6 - stars)
        await library.trash_story(G1, b, actor_id=MOD)
        fresh, kept = full_aggregate(library.path)
        assert fresh == kept and kept[1][G1] == (3, 10)  # b's ratings left the guild's mean
        await library.restore(G1, b, actor_id=MOD)
        fresh, kept = full_aggregate(library.path)
        assert fresh == kept and kept[1][G1] == (6, 18)
        await library.trash_story(G1, b, actor_id=MOD)
        await library.empty_trash(G1, actor_id=MOD)
        fresh, kept = full_aggregate(library.path)
        assert fresh == kept
        c = (await library.add_parsed(G1, make_story("C", seed="c"), actor_id=MOD)).story_id
        assert c > b
