"""The library's SQLite store — private to `bot.library`: everything outside it goes
through `bot.library.Library`, the one door.

Split by what it keeps, each part on the shared `Database` (one writer connection, reader
connections beside it; see `database`):

* `stories` — importing, editing, removing and reading single stories (`imports`,
  `edits`, `rows`, `prepare` hold the SQL and the pure preparation);
* `listings` — filtered pages, full-text search, facets, top rated, counts;
* `readers` — ratings (one transaction with the review) and reading positions;
* `reading_list` — stories marked for later, and stories read to the end;
* `settings` — per-guild settings, cached;
* `cards` — what a story's card shows to everyone, in one read;
* `featured` — the daily pick: one claimed story per guild and day;
* `audit` — the audit log, which is also how another process's changes are noticed;
* `bulk` — files, folders and zips; `migrations` — the numbered schema.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

from bot.library.errors import LibraryOpenError
from bot.library.limits import MAX_REVIEW_CHARS
from bot.library.store.audit import Audit
from bot.library.store.cards import Cards
from bot.library.store.database import WRITE_WAIT, Database, connect
from bot.library.store.featured import Featured
from bot.library.store.listings import LENGTHS, SORTS, Listings
from bot.library.store.migrations import SchemaTooNew, apply_migrations, schema_version
from bot.library.store.readers import Readers
from bot.library.store.reading_list import ReadingList
from bot.library.store.series import Series
from bot.library.store.settings import SETTINGS, Settings
from bot.library.store.stories import Stories
from bot.library.store.trash import Trash

log = logging.getLogger(__name__)

OPEN_BUSY_MS = 30_000  # opening (and migrating) may wait this long for another process
__all__ = ["LENGTHS", "MAX_REVIEW_CHARS", "SETTINGS", "SORTS", "Store"]


class Store:
    """The library database. Open with `await Store.open(path)`; close when done."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.path = db.path
        self.stories = Stories(db)
        self.listings = Listings(db)
        self.readers = Readers(db)
        self.reading_list = ReadingList(db)
        self.settings = Settings(db)
        self.audit = Audit(db)
        self.trash = Trash(db)
        self.series = Series(db)
        self.cards = Cards(db)
        self.featured = Featured(db)

    @classmethod
    async def open(
        cls, path: str | Path, *, create: bool = True, write_wait: float = WRITE_WAIT
    ) -> Store:
        """Open the library at `path` and migrate it to the newest schema.

        With `create`, a missing file (not a missing folder) is created. Raises
        `LibraryOpenError` — one line naming the problem and the fix — when the library
        cannot be used."""
        path = Path(path)
        writer = open_writer(path, create=create)
        db = Database(path, writer, write_wait=write_wait)
        try:
            await db.run_on_writer(_prepare, path)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        return await self.db.read(schema_version)


def open_writer(path: Path, *, create: bool) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise LibraryOpenError(
            f"the library folder {path.parent} does not exist: create it, or point "
            "STORYBOT_DATABASE (or --db) at a library that exists"
        )
    if path.is_dir():
        raise LibraryOpenError(f"{path} is a folder, not a library file: name a file in it")
    if not create and not path.exists():
        raise LibraryOpenError(
            f"there is no library at {path}: check the path, or import stories to create one"
        )
    try:
        return connect(str(path), busy_ms=OPEN_BUSY_MS, create=create)
    except sqlite3.Error as err:
        raise open_error(path, err) from None


def _prepare(writer: sqlite3.Connection, path: Path) -> None:
    """WAL mode and migrations, on the writer's thread."""
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        apply_migrations(writer)
    except SchemaTooNew as err:
        raise LibraryOpenError(
            f"{path} was written by a newer storybot (schema {err.found}; this one knows up to "
            f"{err.newest}): upgrade storybot, or open a copy made before the upgrade"
        ) from None
    except sqlite3.Error as err:
        raise open_error(path, err) from None


def open_error(path: Path, err: sqlite3.Error) -> LibraryOpenError:
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    log.debug("cannot open %s: %s (code %s)", path, err, code)
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return LibraryOpenError(
            f"{path} is not a usable library (not an SQLite database, or damaged): restore it "
            "from a backup, or point STORYBOT_DATABASE (or --db) at another file"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return LibraryOpenError(
            f"{path} (or its folder) is read-only: make it writable for the user running storybot"
        )
    if primary == sqlite3.SQLITE_BUSY:
        return LibraryOpenError(
            f"{path} is locked by another program: wait for it to finish, then try again"
        )
    if primary == sqlite3.SQLITE_FULL:
        return LibraryOpenError(f"the disk holding {path} is full: free some space")
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return LibraryOpenError(
            f"cannot open {path}: check that the file and its folder are readable and "
            "writable by the user running storybot"
        )
    if primary == sqlite3.SQLITE_IOERR or getattr(err, "errno", None) == errno.EIO:
        return LibraryOpenError(f"cannot read {path} (disk error): check the disk")
    return LibraryOpenError(f"cannot open {path}: {err}")
