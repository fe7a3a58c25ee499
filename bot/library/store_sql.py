"""The SQL that writes a new story, and the one-transaction add that runs it.

`add_or_find` runs whole on the database connection's thread (see `Store._run_sync`), so
adding a story costs one round trip instead of one per statement.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.library.errors import LibraryError
from bot.library.records import ImportOutcome
from bot.library.store_prepare import PreparedStory, nocase, unique

FIND_SQL = (
    # An identical story (same content hash) first, else the same story (same declared
    # title + authors) in this guild; two index searches, not a scan of the guild.
    "SELECT id, title, chapter_count, edited_fields, 1 AS same FROM stories"
    " WHERE guild_id = ? AND content_hash = ?"
    " UNION ALL"
    " SELECT id, title, chapter_count, edited_fields, 0 AS same FROM stories"
    " WHERE guild_id = ? AND identity_key = ?"
    " ORDER BY same DESC, id LIMIT 1"
)
INSERT_STORY_SQL = (
    "INSERT INTO stories (guild_id, title, title_declared, rating_level, rating_declared,"
    " rating_inferred, status, words, chapter_count, total_chapters, summary, notes,"
    " disclaimer, epigraph, spoilers, language, source_name, layout, encoding, content_hash,"
    " identity_key, created_at, updated_at, added_by)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
CHAPTER_SQL = (
    "INSERT INTO chapters (story_id, position, number, label, title, words, text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
FTS_SQL = "INSERT INTO stories_fts (rowid, title, authors, summary, tags) VALUES (?, ?, ?, ?, ?)"
AUDIT_SQL = (
    "INSERT INTO audit_log (guild_id, actor_id, action, story_id, title, detail, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


# What one story's values can make a write fail with (a constraint, a value too large for
# SQLite): that story is refused, nothing else.
STORY_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError, OverflowError)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def find_params(guild_id: int, p: PreparedStory) -> tuple:
    return (guild_id, p.content_hash, guild_id, p.identity_key)


class NameIds:
    """Ids of author, character, pairing and tag names, looked up (or created) once per
    transaction: a batch of stories mostly repeats the same names.

    Valid only inside the one transaction it was filled in (the write lock keeps other
    connections out); `forget` after a rollback, which may undo names created here."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str, str], int] = {}

    def forget(self) -> None:
        self._ids.clear()

    def get(self, db: sqlite3.Connection, table: str, name: str, kind: str = "") -> int:
        """The id of `name` in `table` (authors, characters, pairings or tags), created
        if missing. Names compare as SQLite's NOCASE does (ASCII letters folded)."""
        key = (table, kind, nocase(name))
        found = self._ids.get(key)
        if found is not None:
            return found
        if table == "tags":
            row = db.execute("SELECT id FROM tags WHERE kind = ? AND name = ?", (kind, name))
            found = (row.fetchone() or (None,))[0]
            if found is None:
                found = db.execute(
                    "INSERT INTO tags (kind, name) VALUES (?, ?)", (kind, name)
                ).lastrowid
        else:
            row = db.execute(f"SELECT id FROM {table} WHERE name = ?", (name,))
            found = (row.fetchone() or (None,))[0]
            if found is None:
                found = db.execute(f"INSERT INTO {table} (name) VALUES (?)", (name,)).lastrowid
        assert found is not None
        self._ids[key] = found
        return found

    def is_known(self, table: str, name: str) -> bool:
        return (table, "", nocase(name)) in self._ids


def write_links(
    db: sqlite3.Connection,
    story_id: int,
    *,
    authors: list[str],
    characters: list[str],
    pairings: list[tuple[str, list[str], bool]],
    tags: list[tuple[str, str]],
    names: NameIds | None = None,
) -> None:
    """Link a story to its names, creating missing names (inside the caller's transaction;
    runs on the connection's thread)."""
    names = names or NameIds()
    get = names.get
    if authors:
        db.executemany(
            "INSERT INTO story_authors (story_id, author_id, position) VALUES (?, ?, ?)",
            [(story_id, get(db, "authors", a), i) for i, a in enumerate(authors)],
        )
    if characters:
        db.executemany(
            "INSERT INTO story_characters (story_id, character_id, position) VALUES (?, ?, ?)",
            [(story_id, get(db, "characters", c), i) for i, c in enumerate(characters)],
        )
    if pairings:
        rows = []
        for i, (name, members, inferred) in enumerate(pairings):
            if not names.is_known("pairings", name):  # once per transaction
                pairing_id = get(db, "pairings", name)
                db.executemany(
                    "INSERT OR IGNORE INTO pairing_characters (pairing_id, character_id)"
                    " VALUES (?, ?)",
                    [(pairing_id, get(db, "characters", c)) for c in unique(members)],
                )
            rows.append((story_id, get(db, "pairings", name), inferred, i))
        db.executemany(
            "INSERT INTO story_pairings (story_id, pairing_id, inferred, position)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )
    if tags:
        db.executemany(
            "INSERT INTO story_tags (story_id, tag_id, position) VALUES (?, ?, ?)",
            [(story_id, get(db, "tags", name, kind), i) for i, (kind, name) in enumerate(tags)],
        )


def add_or_find(
    db: sqlite3.Connection,
    guild_id: int,
    p: PreparedStory,
    actor_id: int | None,
    now: str,
) -> ImportOutcome | None:
    """One transaction on the connection's thread: "unchanged" when the same content is
    stored, "added" when the story is new, None when an earlier version of it is stored
    (the caller updates it). All or nothing: any error rolls back."""
    db.execute("BEGIN IMMEDIATE")
    try:
        outcome = _add_or_find(db, guild_id, p, actor_id, now)
        db.execute("COMMIT" if outcome is not None and outcome.action == "added" else "ROLLBACK")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return outcome


BatchResult = ImportOutcome | LibraryError | None


def add_or_find_batch(
    db: sqlite3.Connection,
    guild_id: int,
    stories: list[PreparedStory],
    actor_id: int | None,
    now: str,
) -> list[BatchResult]:
    """`add_or_find` for several stories in one transaction (one COMMIT, so one WAL sync
    and the shared index and full-text pages written once, not once per story).

    Each story is still all or nothing: it is written inside its own SAVEPOINT, and a story
    the database refuses is rolled back to that savepoint and reported as a LibraryError
    while the others are kept. If the transaction itself fails (or the process dies before
    COMMIT), none of the batch is stored — every story whole or absent either way."""
    results: list[BatchResult] = []
    names = NameIds()
    db.execute("BEGIN IMMEDIATE")
    try:
        for p in stories:
            db.execute("SAVEPOINT story")
            try:
                results.append(_add_or_find(db, guild_id, p, actor_id, now, names=names))
            except STORY_ERRORS as err:
                db.execute("ROLLBACK TO story")
                names.forget()  # names this story created are gone again
                results.append(LibraryError(f"Could not store “{p.title}”: {err}."))
            db.execute("RELEASE story")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return results


def _add_or_find(
    db: sqlite3.Connection,
    guild_id: int,
    p: PreparedStory,
    actor_id: int | None,
    now: str,
    *,
    names: NameIds | None = None,
) -> ImportOutcome | None:
    """The body of `add_or_find`, inside a transaction the caller opened and ends."""
    existing = db.execute(FIND_SQL, find_params(guild_id, p)).fetchone()
    if existing is not None:
        if existing["same"]:
            return ImportOutcome("unchanged", existing["id"], existing["title"])
        return None
    story_id = db.execute(
        INSERT_STORY_SQL,
        (
            guild_id,
            p.title,
            p.title_declared,
            p.rating_level,
            p.rating_declared,
            p.rating_inferred,
            p.status,
            p.words,
            p.chapter_count,
            p.total_chapters,
            p.summary,
            p.notes_json,
            p.disclaimer,
            p.epigraph,
            p.spoilers,
            p.language,
            p.source_name,
            p.layout,
            p.encoding,
            p.content_hash,
            p.identity_key,
            now,
            now,
            actor_id,
        ),
    ).lastrowid
    db.executemany(CHAPTER_SQL, [(story_id, *chapter) for chapter in p.chapters])
    write_links(
        db,
        story_id,
        authors=p.authors,
        characters=p.characters,
        pairings=[(x.name, x.characters, x.inferred) for x in p.pairings],
        tags=p.tags,
        names=names,
    )
    db.execute(FTS_SQL, (story_id, p.title, ", ".join(p.authors), p.summary or "", p.fts_tags()))
    detail = {"chapters": p.chapter_count, "words": p.words, "source": p.source_name}
    db.execute(AUDIT_SQL, (guild_id, actor_id, "added", story_id, p.title, to_json(detail), now))
    return ImportOutcome("added", story_id, p.title)
