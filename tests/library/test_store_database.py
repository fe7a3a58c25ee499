"""The store's Database: reads beside the writer, a bounded wait for writes, truthful
refusals (busy, full disk) with nothing written. Real SQLite files, real threads."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.library.errors import LibraryBusy, LibraryUnavailable
from bot.library.store import Store


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "lib.db", write_wait=0.4)
    yield s
    await s.close()


def hold_write_lock(path: Path, seconds: float) -> threading.Event:
    """Another connection (as another process would) holds the write lock for `seconds`;
    the returned event is set once it holds it."""
    held = threading.Event()

    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=run, daemon=True).start()
    assert held.wait(5)
    return held


def settings_rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM guild_settings").fetchone()[0]


async def test_reads_go_on_and_queued_writes_share_one_bound(store: Store) -> None:
    hold_write_lock(store.path, 2.0)
    started = time.monotonic()
    writes = [
        asyncio.create_task(store.settings.set(1, "list_adult_titles", True, actor_id=None)),
        asyncio.create_task(store.settings.set(2, "list_adult_titles", True, actor_id=None)),
    ]
    reads = await asyncio.gather(*(store.stories.guild_ids() for _ in range(20)))
    assert reads == [[]] * 20 and time.monotonic() - started < 0.3  # reads did not wait
    results = await asyncio.gather(*writes, return_exceptions=True)
    took = time.monotonic() - started
    assert all(isinstance(r, LibraryBusy) for r in results), results
    assert "was not saved" in str(results[0]) and "try again" in str(results[0])
    assert took < 0.4 + 0.3, f"queued writes waited {took:.2f} s in all"  # one bound, shared
    assert settings_rows(store.path) == 0


async def test_a_write_that_gets_the_lock_in_time_is_saved(store: Store) -> None:
    hold_write_lock(store.path, 0.15)
    await store.settings.set(1, "list_adult_titles", True, actor_id=None)
    assert settings_rows(store.path) == 1


async def test_a_full_disk_is_answered_specifically_and_nothing_is_written(store: Store) -> None:
    def limit(conn: sqlite3.Connection) -> None:  # SQLite's own "disk full" (SQLITE_FULL)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    await store.db.run_on_writer(limit)

    def big_write(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO guild_settings (guild_id, key, value) VALUES (1, 'x', ?)",
            ("y" * 200_000,),
        )

    with pytest.raises(LibraryUnavailable, match="disk is full") as refused:
        await store.db.write(big_write)
    assert refused.value.reason == "the library's disk is full"
    assert settings_rows(store.path) == 0
    assert await store.stories.guild_ids() == []  # reads keep working
