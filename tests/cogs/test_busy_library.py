"""Readers never wait for writers: another process holds the library's write lock while
members read and rate through the loopback Discord (issue 8 item 1).

A real subprocess opens the bot's own SQLite file, takes the write lock (BEGIN IMMEDIATE)
and keeps it for several seconds. /story (a pure read) must answer as usual; /rate must be
answered truthfully within Discord's 3 s — "not saved, try again" with nothing written —
and a rating whose write gets the database in time is saved and confirmed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.cogs.storygen import add, make_story

HOLD = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO guild_settings (guild_id, key, value) VALUES (1, 'held', '1')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
print("released", flush=True)
"""


@contextmanager
def write_lock_held(db: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process holding the write lock on `db` for `seconds`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def ratings(db: Path) -> list[tuple[int, int, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT user_id, stars, review FROM reader_ratings").fetchall()


async def test_reads_answer_and_a_refused_rating_says_so_while_another_process_writes(app):
    await add(app, make_story("Held Story"))
    db = app.bot.library.path
    with write_lock_held(db, 6.0):
        started = time.monotonic()
        card = await app.reader.slash("story", story="Held Story", channel=app.general)
        assert card.embed["title"] == "Held Story"
        assert time.monotonic() - started < 1.5  # a read does not wait for the writer

        started = time.monotonic()
        rated = await app.reader.slash(
            "rate", story="Held Story", stars=4, review="Lovely", channel=app.general
        )
        took = time.monotonic() - started
        assert rated.ephemeral and rated.error is None
        assert "was not saved" in rated.content and "try again" in rated.content
        assert took < 3.0, f"/rate answered after {took:.1f} s"
        assert ratings(db) == []  # told "not saved": nothing was written

        again = await app.reader.slash("story", story="Held Story", channel=app.general)
        assert again.embed["title"] == "Held Story"
        assert ratings(db) == []
    saved = await app.reader.slash("rate", story="Held Story", stars=4, channel=app.general)
    assert "You rated “Held Story”" in saved.content
    assert ratings(db) == [(app.reader.id, 4, None)]


async def test_a_rating_that_gets_the_database_in_time_is_saved_and_confirmed(app):
    await add(app, make_story("Short Wait"))
    db = app.bot.library.path
    with write_lock_held(db, 0.5):  # less than the 1.5 s a write may wait
        rated = await app.reader.slash("rate", story="Short Wait", stars=5, channel=app.general)
    assert "You rated “Short Wait”" in rated.content
    assert ratings(db) == [(app.reader.id, 5, None)]


async def test_reading_goes_on_when_the_place_cannot_be_saved(app):
    await add(app, make_story("Long Read", chapters=3))
    db = app.bot.library.path
    with write_lock_held(db, 6.0):
        reading = await app.reader.slash("read", story="Long Read", channel=app.general)
        assert reading.ephemeral and reading.embed["title"].startswith("Long Read")
        assert reading.embed["description"]  # the text is shown
        assert "Your place in the story was not saved" in reading.content
        assert "busy" in reading.content
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reading_positions").fetchone() == (0,)


async def test_a_read_only_library_says_so_and_reading_goes_on(app):
    """The database refuses writes (SQLITE_READONLY — here by `PRAGMA query_only` on the
    bot's writer connection, since tests may run as root, whom file permissions do not
    stop): a rating gets a specific answer, reads and reading carry on."""
    await add(app, make_story("Frozen", chapters=2))
    await app.bot.library._store.db.run_on_writer(
        lambda conn: conn.execute("PRAGMA query_only = 1")
    )
    rated = await app.reader.slash("rate", story="Frozen", stars=5, channel=app.general)
    assert rated.ephemeral and "read-only" in rated.content and "was not saved" in rated.content
    card = await app.reader.slash("story", story="Frozen", channel=app.general)
    assert card.embed["title"] == "Frozen"
    reading = await app.reader.slash("read", story="Frozen", channel=app.general)
    assert reading.embed["description"]
    assert "Your place in the story was not saved (the library is read-only)" in reading.content
    assert ratings(app.bot.library.path) == []


async def test_a_slow_save_is_deferred_then_confirmed(app):
    """The write waits past 1 s (the rating is then deferred) and gets the database before
    its 1.5 s bound: the member is told it was saved, and it was."""
    await add(app, make_story("Slow Save"))
    db = app.bot.library.path
    with write_lock_held(db, 1.25):
        rated = await app.reader.slash("rate", story="Slow Save", stars=3, channel=app.general)
    assert rated.ephemeral and "You rated “Slow Save”" in rated.content
    assert ratings(db) == [(app.reader.id, 3, None)]
