"""Writing imported stories: add a new one, update an earlier version in place, or leave
an identical one — each story whole or not at all.

Plain functions run inside a write transaction on the writer's thread
(`Database.write`), so importing a story costs one hand-off from the event loop.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.library.errors import LibraryError
from bot.library.identity import Choice, Match, Relation, compare
from bot.library.records import ImportOutcome
from bot.library.store.audit import write_audit
from bot.library.store.prepare import PreparedStory, split_pairing
from bot.library.store.rows import (
    FTS_SQL,
    NameIds,
    clear_links,
    records,
    refresh_fts,
    write_links,
)

SAME_HASH_SQL = (
    # An identical story (same content hash, which covers title, authors and text)
    "SELECT id, title FROM stories WHERE guild_id = ? AND content_hash = ? ORDER BY id LIMIT 1"
)
SAME_NAME_SQL = (
    # Stories with the same declared title + authors: the same story only if the text says
    # so (bot.library.identity); an index search, not a scan of the guild.
    "SELECT id, title, chapter_count, edited_fields FROM stories"
    " WHERE guild_id = ? AND identity_key = ? ORDER BY id"
)
# Stories sharing paragraph fingerprints with an upload, most shared first: one index
# search per print (story_prints' primary key), never a scan of the guild's stories.
SAME_TEXT_SQL = (
    "SELECT s.id, s.title, s.chapter_count, COUNT(*) AS shared"
    # CROSS JOIN: prints first, whatever the planner guesses (never the guild's stories)
    " FROM story_prints p CROSS JOIN stories s ON s.id = p.story_id"
    " WHERE p.print IN ({marks}) AND s.guild_id = ?"
    " GROUP BY s.id ORDER BY shared DESC, s.id LIMIT ?"
)
TEXT_CANDIDATES = 3  # stories found by their prints that are compared by text
# … and only when they share at least this share of the fewer prints of the two
SHARED_PRINTS = 0.5
STORY_PRINTS_SQL = "SELECT COUNT(*) FROM story_prints WHERE story_id = ?"
PRINT_SQL = "INSERT OR IGNORE INTO story_prints (print, story_id) VALUES (?, ?)"
TARGET_SQL = (
    "SELECT id, title, chapter_count, edited_fields FROM stories WHERE guild_id = ? AND id = ?"
)
# A new story's id is past every id ever used, removed ones included (migration 003):
# buttons carry story ids, and an old button must never act on a newer story.
NEXT_STORY_ID = (
    "(SELECT MAX(COALESCE((SELECT MAX(id) FROM stories), 0),"
    " COALESCE((SELECT high FROM story_id_high_water WHERE one = 1), 0)) + 1)"
)
INSERT_STORY_SQL = (
    "INSERT INTO stories (id, guild_id, title, title_declared, rating_level, rating_declared,"
    " rating_inferred, status, words, chapter_count, total_chapters, summary, notes,"
    " disclaimer, epigraph, spoilers, language, source_name, layout, encoding, content_hash,"
    f" identity_key, created_at, updated_at, added_by, series, series_part)"
    f" VALUES ({NEXT_STORY_ID}, ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
CHAPTER_SQL = (
    "INSERT INTO chapters (story_id, position, number, label, title, words, text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# What one story's values can make a write fail with (a constraint, a value too large for
# SQLite): that story is refused, nothing else.
STORY_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError, OverflowError)
_EDIT_COLUMNS = {  # editable field -> the stories columns a re-import must then keep
    "title": ("title", "title_declared"),
    "rating_level": ("rating_level", "rating_declared", "rating_inferred"),
    "status": ("status",),
    "summary": ("summary",),
    "total_chapters": ("total_chapters",),
}


def stored_texts(db: sqlite3.Connection, story_id: int) -> list[str]:
    rows = db.execute("SELECT text FROM chapters WHERE story_id = ? ORDER BY position", (story_id,))
    return [r[0] for r in rows]


def same_text_rows(db: sqlite3.Connection, guild_id: int, prints: list[int]) -> list[sqlite3.Row]:
    """The guild's stories sharing the most paragraph fingerprints with `prints`."""
    if not prints:
        return []
    sql = SAME_TEXT_SQL.format(marks=",".join("?" * len(prints)))
    return db.execute(sql, (*prints, guild_id, TEXT_CANDIDATES)).fetchall()


def identify(db: sqlite3.Connection, guild_id: int, p: PreparedStory) -> Match | None:
    """The stored story this upload is, judged by its text: identical; or sharing its
    name (title + authors) and its text; or — `renamed` — sharing its text under another
    name (found by paragraph fingerprints). Else the closest same-name story that it is
    not (relation DIFFERENT); None when nothing shares its hash, name or text."""
    same = db.execute(SAME_HASH_SQL, (guild_id, p.content_hash)).fetchone()
    if same is not None:
        return Match(same["id"], same["title"], p.chapter_count, Relation.SAME)
    texts = [chapter[-1] for chapter in p.chapters]
    different: Match | None = None
    named: set[int] = set()
    if p.identity_key is not None:
        for row in db.execute(SAME_NAME_SQL, (guild_id, p.identity_key)).fetchall():
            named.add(row["id"])
            relation = compare(texts, stored_texts(db, row["id"]))
            match = Match(row["id"], row["title"], row["chapter_count"], relation)
            if relation is not Relation.DIFFERENT:
                return match
            different = different or match
    for row in same_text_rows(db, guild_id, p.prints):
        if row["id"] in named:
            continue
        (kept,) = db.execute(STORY_PRINTS_SQL, (row["id"],)).fetchone()
        if row["shared"] < SHARED_PRINTS * min(len(p.prints), kept):
            continue  # a paragraph or two in common (a template, a disclaimer): not its text
        relation = compare(texts, stored_texts(db, row["id"]))
        if relation is not Relation.DIFFERENT:
            return Match(row["id"], row["title"], row["chapter_count"], relation, renamed=True)
    return different


def todo_texts(db: sqlite3.Connection, batch: int) -> list[tuple[int, list[str]]]:
    """Up to `batch` stories stored before fingerprints were kept, with their texts."""
    ids = [r[0] for r in db.execute("SELECT story_id FROM story_prints_todo LIMIT ?", (batch,))]
    return [(story_id, stored_texts(db, story_id)) for story_id in ids]


def write_filled(db: sqlite3.Connection, filled: list[tuple[int, list[int]]]) -> None:
    """Store computed fingerprints (of stories still there) and take them off the list."""
    for story_id, prints in filled:
        if db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
            write_prints(db, story_id, prints)
        db.execute("DELETE FROM story_prints_todo WHERE story_id = ?", (story_id,))


def write_prints(db: sqlite3.Connection, story_id: int, prints: list[int]) -> None:
    """Replace a story's paragraph fingerprints."""
    db.execute("DELETE FROM story_prints WHERE story_id = ?", (story_id,))
    db.executemany(PRINT_SQL, [(value, story_id) for value in prints])


def import_one(
    db: sqlite3.Connection,
    guild_id: int,
    p: PreparedStory,
    actor_id: int | None,
    now: str,
    *,
    names: NameIds | None = None,
    choice: Choice | None = None,
) -> ImportOutcome:
    """Add a story, update it in place (same story, more or revised chapters) or leave it:

    * same content hash in this guild → "unchanged";
    * same declared title + authors and a text that is the same story
      (`bot.library.identity`: chapters or shingles in common) and at least as long →
      "updated" in place (id, ratings, reviews and reading positions kept);
    * the same story but shorter or older → "unchanged", with a detail saying why (a
      moderator's `choice.update` replaces it anyway);
    * same name, different text → "added" as a new story (never overwrites another story),
      with a detail naming the namesake;
    * the text of a stored story under another title or author (paragraph fingerprints)
      → LibraryError: a moderator must say whether it updates that story (`choice`);
    * otherwise → "added".

    Inside the caller's write transaction; raises one of STORY_ERRORS when the database
    refuses the story's values, LibraryError when `choice.update` names no story here."""
    choice = choice or Choice()
    if choice.as_new:
        return _add(db, guild_id, p, actor_id, now, names=names)
    if choice.update is not None:
        row = db.execute(TARGET_SQL, (guild_id, choice.update)).fetchone()
        if row is None:
            raise LibraryError("That story is no longer in this server's library.")
        return _update(db, guild_id, row, p, actor_id, now, names=names)
    match = identify(db, guild_id, p)
    if match is None:
        return _add(db, guild_id, p, actor_id, now, names=names)
    if match.renamed:  # only a moderator may say whether it updates that story
        raise LibraryError(
            f"its text is already in the library as #{match.story_id} “{match.title}”, under "
            "another title or author: nothing was stored (adding it on its own asks whether "
            "it updates that story)"
        )
    if match.relation is Relation.DIFFERENT:
        outcome = _add(db, guild_id, p, actor_id, now, names=names)
        return ImportOutcome(
            outcome.action,
            outcome.story_id,
            outcome.title,
            detail=f"#{match.story_id} has the same title and author but a different text: "
            "this was added as a new story",
        )
    if match.relation is Relation.SAME and match.chapter_count == p.chapter_count:
        same = db.execute(SAME_HASH_SQL, (guild_id, p.content_hash)).fetchone()
        if same is not None:
            return ImportOutcome("unchanged", match.story_id, match.title)
    if match.relation is Relation.SHORTER:
        return ImportOutcome(
            "unchanged",
            match.story_id,
            match.title,
            detail=f"the library already has a longer version "
            f"({match.chapter_count} chapters, this file has {p.chapter_count})",
        )
    row = db.execute(TARGET_SQL, (guild_id, match.story_id)).fetchone()
    return _update(db, guild_id, row, p, actor_id, now, names=names)


def _update(  # noqa: PLR0917 - the import_one family's arguments
    db: sqlite3.Connection,
    guild_id: int,
    existing: sqlite3.Row,
    p: PreparedStory,
    actor_id: int | None,
    now: str,
    *,
    names: NameIds | None,
) -> ImportOutcome:
    story_id = existing["id"]
    edited = set(json.loads(existing["edited_fields"]))
    _update_in_place(db, story_id, p, edited, now, names=names)
    db.executemany(CHAPTER_SQL, [(story_id, *chapter) for chapter in p.chapters])
    write_prints(db, story_id, p.prints)
    title = refresh_fts(db, story_id).title
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="updated",
        story_id=story_id,
        title=title,
        detail={"chapters": [existing["chapter_count"], p.chapter_count], "words": p.words},
        at=now,
    )
    return ImportOutcome("updated", story_id, title)


BatchResult = ImportOutcome | LibraryError


def import_batch(
    db: sqlite3.Connection,
    guild_id: int,
    stories: list[PreparedStory],
    actor_id: int | None,
    now: str,
) -> list[BatchResult]:
    """`import_one` for several stories in one transaction (one COMMIT, so one WAL sync
    and the shared index and full-text pages written once, not once per story).

    Each story is still all or nothing: it is written inside its own SAVEPOINT, and a story
    the database refuses is rolled back to that savepoint and reported as a LibraryError
    while the others are kept. If the transaction itself fails (or the process dies before
    COMMIT), none of the batch is stored — every story whole or absent either way."""
    results: list[BatchResult] = []
    names = NameIds()
    for p in stories:
        db.execute("SAVEPOINT story")
        try:
            results.append(import_one(db, guild_id, p, actor_id, now, names=names))
        except STORY_ERRORS as err:
            db.execute("ROLLBACK TO story")
            names.forget()  # names this story created are gone again
            results.append(LibraryError(f"Could not store “{p.title}”: {err}."))
        except LibraryError as err:  # refused as it stands (a renamed copy): nothing written
            db.execute("ROLLBACK TO story")
            names.forget()
            results.append(err)
        db.execute("RELEASE story")
    return results


def _update_in_place(
    db: sqlite3.Connection,
    story_id: int,
    p: PreparedStory,
    edited: set[str],
    now: str,
    *,
    names: NameIds | None,
) -> None:
    """Replace a story's chapters and metadata with a newer version's, keeping the
    fields a moderator edited (the caller then writes chapters and the FTS row)."""
    columns: dict[str, Any] = {
        "title": p.title,
        "title_declared": p.title_declared,
        "rating_level": p.rating_level,
        "rating_declared": p.rating_declared,
        "rating_inferred": p.rating_inferred,
        "status": p.status,
        "words": p.words,
        "chapter_count": p.chapter_count,
        "total_chapters": p.total_chapters,
        "summary": p.summary,
        "notes": p.notes_json,
        "disclaimer": p.disclaimer,
        "epigraph": p.epigraph,
        "spoilers": p.spoilers,
        "language": p.language,
        "source_name": p.source_name,
        "layout": p.layout,
        "encoding": p.encoding,
        "content_hash": p.content_hash,
        "identity_key": p.identity_key,
        "series": p.series,
        "series_part": p.series_part,
        "updated_at": now,
    }
    for name in edited:
        for column in _EDIT_COLUMNS.get(name, ()):
            columns.pop(column, None)
    assignments = ", ".join(f"{c} = ?" for c in columns)
    db.execute(f"UPDATE stories SET {assignments} WHERE id = ?", [*columns.values(), story_id])
    db.execute("DELETE FROM chapters WHERE story_id = ?", (story_id,))
    (current,) = records(db, [story_id])

    def keep(name: str, new: list[str]) -> list[str]:
        return list(getattr(current, name)) if name in edited else new

    if "pairings" in edited:
        inferred = set(current.inferred_pairings)
        pairings = [(n, split_pairing(n), n in inferred) for n in current.pairings]
    else:
        pairings = [(x.name, x.characters, x.inferred) for x in p.pairings]
    tags = [("fandom", n) for n in keep("fandoms", [n for k, n in p.tags if k == "fandom"])]
    tags += [("warning", n) for n in keep("warnings", [n for k, n in p.tags if k == "warning"])]
    tags += [("tag", n) for n in keep("tags", [n for k, n in p.tags if k == "tag"])]
    clear_links(db, story_id)
    write_links(
        db,
        story_id,
        authors=keep("authors", p.authors),
        characters=keep("characters", p.characters),
        pairings=pairings,
        tags=tags,
        names=names,
    )


def _add(
    db: sqlite3.Connection,
    guild_id: int,
    p: PreparedStory,
    actor_id: int | None,
    now: str,
    *,
    names: NameIds | None = None,
) -> ImportOutcome:
    """Insert a new story with its chapters, links, full-text row and audit entry."""
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
            p.series,
            p.series_part,
        ),
    ).lastrowid
    db.executemany(CHAPTER_SQL, [(story_id, *chapter) for chapter in p.chapters])
    db.executemany(PRINT_SQL, [(value, story_id) for value in p.prints])
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
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="added",
        story_id=story_id,
        title=p.title,
        detail=detail,
        at=now,
    )
    return ImportOutcome("added", story_id, p.title)
