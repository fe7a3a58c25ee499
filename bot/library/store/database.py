"""The SQLite file: one writer connection, reader connections beside it, and the rules
for waiting.

Every piece of store work is a plain function ``fn(conn, *args)`` run whole on a
connection's own thread, so one transaction costs one hand-off from the event loop:

* **reads** run on a small pool of reader connections, each inside a read transaction
  (one consistent snapshot). In WAL mode readers never wait for a writer — not for this
  process's writer, not for another process holding the write lock.
* **writes** run one at a time on the single writer connection inside
  ``BEGIN IMMEDIATE … COMMIT`` (ROLLBACK on any error). A write waits at most
  `write_wait` seconds *in total* — queued behind this process's other writes plus
  SQLite's busy wait for another process's lock — and is then refused with
  `LibraryBusy` *before* anything is written. No asyncio lock is held while SQLite waits,
  so the event loop and every read carry on.

Errors that mean "this was not saved" (busy, read-only file, full disk) become
`LibraryUnavailable` errors whose messages say so; the write transaction is rolled back,
so a member told "not saved" is never wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.library.errors import LibraryBusy, LibraryUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

READERS = 2  # reader connections (threads); reads are short, SQLite releases the GIL
WRITE_WAIT = 1.5  # seconds a member's write may wait for the database before it is refused
READ_BUSY_MS = 5_000  # a reader only waits in rare WAL recoveries; on its own thread

NOT_SAVED_BUSY = (
    "The library is busy with another change right now, so this was not saved. "
    "Please try again in a moment."
)
NOT_SAVED_READ_ONLY = (
    "The library is read-only at the moment, so this was not saved (reading still works). "
    "The bot's operator needs to make the database file writable."
)
NOT_SAVED_FULL = (
    "The library's disk is full, so this was not saved (reading still works). "
    "The bot's operator needs to free some space."
)


def now_iso() -> str:
    """Timestamps are ISO 8601 text in UTC with microseconds (they sort as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def marks(n: int) -> str:
    """`n` SQL parameter marks: "?,?,?"."""
    return ",".join("?" * n)


def rows(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    return db.execute(sql, params).fetchall()


def row(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
    return db.execute(sql, params).fetchone()


def scalar(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    found = db.execute(sql, params).fetchone()
    return None if found is None else found[0]


def connect(path: str, *, busy_ms: int, create: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), rows as sqlite3.Row;
    the file must exist unless `create`."""
    target = f"{Path(path).resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    conn = sqlite3.connect(target, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def unavailable(err: sqlite3.Error) -> LibraryUnavailable | None:
    """The member-facing error for a write SQLite could not do, or None when the error
    is not about the database being unavailable (a bug, a constraint)."""
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LibraryBusy(NOT_SAVED_BUSY, reason="the library is busy with another change")
    if primary == sqlite3.SQLITE_READONLY:
        return LibraryUnavailable(NOT_SAVED_READ_ONLY, reason="the library is read-only")
    if primary == sqlite3.SQLITE_FULL:
        return LibraryUnavailable(NOT_SAVED_FULL, reason="the library's disk is full")
    return None


class Database:
    """One SQLite file: `read(fn)` and `write(fn)` run ``fn(conn, *args)`` on a thread."""

    def __init__(self, path: Path, writer: sqlite3.Connection, *, write_wait: float) -> None:
        self.path = path
        self.write_wait = write_wait
        self._writer = writer
        self._write_pool = ThreadPoolExecutor(1, thread_name_prefix="storybot-db-write")
        self._read_pool = ThreadPoolExecutor(READERS, thread_name_prefix="storybot-db-read")
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        # told after every write: the stories it touched, or None for "any" (see `write`)
        self.on_write: list[Callable[[tuple[int, ...] | None], None]] = []

    # ---- reads -------------------------------------------------------------------------

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` in one read transaction on a reader connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._read_pool, self._read_job, fn, args)

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(str(self.path), busy_ms=READ_BUSY_MS)
            with self._readers_lock:
                self._readers.append(conn)
            self._local.conn = conn
        return conn

    def _read_job(self, fn: Callable[..., T], args: tuple) -> T:
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            return fn(conn, *args)
        finally:
            conn.execute("ROLLBACK")  # a read transaction: nothing to keep

    # ---- writes ------------------------------------------------------------------------

    async def write(
        self,
        fn: Callable[..., T],
        *args: Any,
        wait: float | None = None,
        touches: Iterable[int] | None = None,
    ) -> T:
        """``fn(conn, *args)`` inside BEGIN IMMEDIATE … COMMIT on the writer connection.

        Refused with `LibraryBusy` (nothing written) when the database cannot be had
        within `wait` seconds (default `write_wait`), counted from now.

        `touches`: the ids of the stories whose stored facts (record, reviews, series)
        the write may change — `()` for none; None (the default) for "any story". Once
        the transaction has ended, committed or not, every `on_write` listener is told,
        on the event loop, before the caller resumes (`bot.library.cards` forgets)."""
        deadline = time.monotonic() + (self.write_wait if wait is None else wait)
        loop = asyncio.get_running_loop()
        told = None if touches is None else tuple(touches)
        return await loop.run_in_executor(
            self._write_pool, self._write_job, fn, args, deadline, loop, told
        )

    def _written(self, touched: tuple[int, ...] | None) -> None:
        for listener in self.on_write:
            listener(touched)

    async def run_on_writer(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` on the writer's thread, outside any transaction (migrations,
        maintenance: `fn` manages its own transactions)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._write_pool, fn, self._writer, *args)

    def _write_job(
        self,
        fn: Callable[..., T],
        args: tuple,
        deadline: float,
        loop: asyncio.AbstractEventLoop,
        touched: tuple[int, ...] | None,
    ) -> T:
        try:
            return self._transaction(fn, args, deadline)
        finally:
            # queued before the caller's own wake-up: listeners hear of a write before
            # its caller goes on — even a caller cancelled meanwhile
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(self._written, touched)

    def _transaction(self, fn: Callable[..., T], args: tuple, deadline: float) -> T:
        conn = self._writer
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LibraryBusy(NOT_SAVED_BUSY, reason="the library is busy with another change")
        conn.execute(f"PRAGMA busy_timeout = {max(1, int(remaining * 1000)):d}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            refused = unavailable(err)
            if refused is None:
                raise
            log.warning("write refused before it began (%s): %s", self.path, err)
            raise refused from err
        try:
            result = fn(conn, *args)
            conn.execute("COMMIT")
        except BaseException as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                refused = unavailable(err)
                if refused is not None:
                    log.warning("write rolled back (%s): %s", self.path, err)
                    raise refused from err
            raise
        return result

    async def changed_elsewhere_version(self) -> int:
        """SQLite's `data_version` on the writer connection: it changes exactly when
        another connection — another process, since this one's readers never write —
        commits a change to the file."""
        return await self.run_on_writer(
            lambda conn: conn.execute("PRAGMA data_version").fetchone()[0]
        )

    # ---- closing -----------------------------------------------------------------------

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._read_pool.shutdown(wait=True)
        self._write_pool.shutdown(wait=True)
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._writer.close()
