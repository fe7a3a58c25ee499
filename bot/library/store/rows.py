"""A story's rows beyond its own: loading full records, writing its name links and its
full-text row. Plain functions on a sqlite3 connection, run inside the caller's
transaction (see `database`)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bot.library.errors import LibraryError
from bot.library.model import RatingLevel, Status
from bot.library.records import StoryRecord
from bot.library.store.database import marks, parse_when
from bot.library.store.prepare import nocase, unique

ID_CHUNK = 500  # story ids per IN (...) query
FTS_SQL = "INSERT INTO stories_fts (rowid, title, authors, summary, tags) VALUES (?, ?, ?, ?, ?)"
LINK_TABLES = ("story_authors", "story_characters", "story_pairings", "story_tags")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def no_story(story_id: int) -> LibraryError:
    return LibraryError(f"There is no story #{story_id} in this server's library.")


def require_story(db: sqlite3.Connection, guild_id: int, story_id: int) -> sqlite3.Row:
    """id, title and chapter_count of a story in this guild; LibraryError if absent."""
    found = db.execute(
        "SELECT id, title, chapter_count FROM stories WHERE id = ? AND guild_id = ?",
        (story_id, guild_id),
    ).fetchone()
    if found is None:
        raise no_story(story_id)
    return found


def records(db: sqlite3.Connection, ids: Sequence[int]) -> list[StoryRecord]:
    """Full records for `ids`, in the order given (unknown ids are skipped)."""
    if not ids:
        return []
    found: dict[int, sqlite3.Row] = {}
    links: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(ids), ID_CHUNK):
        chunk = list(ids[start : start + ID_CHUNK])
        params = marks(len(chunk))
        for found_row in db.execute(f"SELECT * FROM stories WHERE id IN ({params})", chunk):
            found[found_row["id"]] = found_row
        sql = (
            "SELECT sa.story_id, 'author' AS kind, a.name, sa.position, 0 AS inferred"
            " FROM story_authors sa JOIN authors a ON a.id = sa.author_id"
            f" WHERE sa.story_id IN ({params})"
            " UNION ALL SELECT sc.story_id, 'character', c.name, sc.position, 0"
            " FROM story_characters sc JOIN characters c ON c.id = sc.character_id"
            f" WHERE sc.story_id IN ({params})"
            " UNION ALL SELECT sp.story_id, 'pairing', p.name, sp.position, sp.inferred"
            " FROM story_pairings sp JOIN pairings p ON p.id = sp.pairing_id"
            f" WHERE sp.story_id IN ({params})"
            " UNION ALL SELECT st.story_id, t.kind, t.name, st.position, 0"
            " FROM story_tags st JOIN tags t ON t.id = st.tag_id"
            f" WHERE st.story_id IN ({params})"
            " ORDER BY 1, 2, 4"
        )
        for story_id, kind, name, _, inferred in db.execute(sql, chunk * 4):
            links[story_id][kind].append(name)
            if kind == "pairing" and inferred:
                links[story_id]["inferred_pairing"].append(name)
    out = []
    for story_id in ids:
        row = found.get(story_id)
        if row is None:
            continue
        got = links[story_id]
        out.append(
            StoryRecord(
                id=row["id"],
                guild_id=row["guild_id"],
                title=row["title"],
                title_declared=bool(row["title_declared"]),
                authors=list(got["author"]),
                rating_level=RatingLevel(row["rating_level"]),
                rating_declared=row["rating_declared"],
                rating_inferred=bool(row["rating_inferred"]),
                pairings=list(got["pairing"]),
                characters=list(got["character"]),
                fandoms=list(got["fandom"]),
                tags=list(got["tag"]),
                warnings=list(got["warning"]),
                summary=row["summary"],
                notes=json.loads(row["notes"]),
                disclaimer=row["disclaimer"],
                status=Status(row["status"]),
                words=row["words"],
                chapter_count=row["chapter_count"],
                total_chapters=row["total_chapters"],
                source_name=row["source_name"],
                created_at=parse_when(row["created_at"]),
                updated_at=parse_when(row["updated_at"]),
                inferred_pairings=list(got["inferred_pairing"]),
                epigraph=row["epigraph"],
                spoilers=row["spoilers"],
                language=row["language"],
                layout=row["layout"],
                encoding=row["encoding"],
                added_by=row["added_by"],
                series=row["series"],
                series_part=row["series_part"],
            )
        )
    return out


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


def clear_links(db: sqlite3.Connection, story_id: int) -> None:
    for table in LINK_TABLES:
        db.execute(f"DELETE FROM {table} WHERE story_id = ?", (story_id,))


def write_fts(db: sqlite3.Connection, record: StoryRecord) -> None:
    """(Re)write a story's full-text row from its record."""
    tags = " ; ".join(
        record.fandoms + record.warnings + record.tags + record.pairings + record.characters
    )
    db.execute("DELETE FROM stories_fts WHERE rowid = ?", (record.id,))
    db.execute(
        FTS_SQL, (record.id, record.title, ", ".join(record.authors), record.summary or "", tags)
    )


def refresh_fts(db: sqlite3.Connection, story_id: int) -> StoryRecord:
    """Rewrite a story's full-text row from what is stored; returns its record."""
    (record,) = records(db, [story_id])
    write_fts(db, record)
    return record
