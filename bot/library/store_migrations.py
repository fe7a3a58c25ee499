"""Numbered SQL migrations (`migrations/NNN_name.sql`), applied in order, one transaction each.

The schema version is `PRAGMA user_version`: after migration N it is N. Opening a database
that is already current does nothing, so opening is idempotent; two processes opening the
same new file at once are serialised by `BEGIN IMMEDIATE` and a re-check inside it.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement at end of migration: {buf.strip()[:80]!r}")
    return statements


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration file, in version order; versions must run 1, 2, 3… without gaps."""
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise ValueError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append(
            Migration(
                int(m.group(1)),
                path.name,
                tuple(split_statements(path.read_text(encoding="utf-8"))),
            )
        )
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise ValueError(
                f"migrations must be numbered 1, 2, 3…; {migration.name} is out of order"
            )
    return found


async def apply_migrations(conn: aiosqlite.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Bring the database up to the newest migration; return the resulting user_version."""
    migrations = load_migrations(directory)
    for migration in migrations:
        async with conn.execute("PRAGMA user_version") as cur:
            (current,) = await cur.fetchone()
        if current >= migration.version:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute("PRAGMA user_version") as cur:
                (current,) = await cur.fetchone()
            if current >= migration.version:  # another process got here first
                await conn.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {migration.version:d}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        log.info("applied migration %s", migration.name)
    async with conn.execute("PRAGMA user_version") as cur:
        (version,) = await cur.fetchone()
    if migrations and version > migrations[-1].version:
        log.warning("database schema %d is newer than this storybot (%d)", version, len(migrations))
    return version
