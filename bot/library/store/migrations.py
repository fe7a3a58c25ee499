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

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class SchemaTooNew(Exception):
    """The database was migrated by a newer storybot than this one."""

    def __init__(self, found: int, newest: int) -> None:
        super().__init__(f"schema version {found}, this storybot knows up to {newest}")
        self.found = found
        self.newest = newest


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


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def apply_migrations(conn: sqlite3.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Bring the database up to the newest migration; return the resulting user_version.

    Raises `SchemaTooNew` for a database a newer storybot has migrated past this code."""
    migrations = load_migrations(directory)
    newest = migrations[-1].version if migrations else 0
    current = schema_version(conn)
    if current > newest:
        raise SchemaTooNew(current, newest)
    for migration in migrations:
        if schema_version(conn) >= migration.version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= migration.version:  # another process got here first
                conn.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("applied migration %s", migration.name)
    return schema_version(conn)
