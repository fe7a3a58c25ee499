"""Moderators' changes to a stored story: edit its metadata, or remove it.

`check_edit` validates first (no database work); `write_edit` and `write_removal` run
inside a write transaction on the writer's thread."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from bot.library.errors import LibraryError
from bot.library.records import StoryRecord
from bot.library.store.audit import write_audit
from bot.library.store.database import now_iso
from bot.library.store.prepare import (
    pairing_name,
    rating_level_of,
    split_pairing,
    squash,
    status_of,
    unique,
)
from bot.library.store.rows import clear_links, no_story, records, refresh_fts, write_links

MAX_TITLE_CHARS = 300
EDITABLE = (
    "title",
    "authors",
    "rating_level",
    "summary",
    "pairings",
    "status",
    "characters",
    "fandoms",
    "tags",
    "warnings",
    "total_chapters",
)


@dataclass(slots=True)
class Edit:
    """A validated edit: stories columns, link lists to replace, and what the log shows."""

    fields: list[str]
    columns: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    shown: dict[str, Any] = field(default_factory=dict)


def check_edit(fields: dict[str, Any]) -> Edit:
    """Validate edited fields: title, authors, rating_level, summary, pairings (canonical
    "A/B" names), status, characters, fandoms, tags, warnings, total_chapters."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise LibraryError(
            f"Cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}."
        )
    if not fields:
        raise LibraryError("Nothing to change.")
    edit = Edit(list(fields))
    columns, shown = edit.columns, edit.shown
    for name, value in fields.items():
        if name == "title":
            title = squash(str(value or ""))
            if not title:
                raise LibraryError("A title cannot be empty.")
            if len(title) > MAX_TITLE_CHARS:
                raise LibraryError(f"A title can be at most {MAX_TITLE_CHARS} characters.")
            columns.update(title=title, title_declared=1)
            shown[name] = title
        elif name == "rating_level":
            level = rating_level_of(value)
            columns.update(rating_level=str(level), rating_inferred=0)
            shown[name] = str(level)
        elif name == "status":
            columns["status"] = shown[name] = str(status_of(value))
        elif name == "summary":
            columns["summary"] = shown[name] = (str(value).strip() or None) if value else None
        elif name == "total_chapters":
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31
            ):
                raise LibraryError("Total chapters must be a whole number, or empty.")
            columns["total_chapters"] = shown[name] = value
        else:
            names = unique([value] if isinstance(value, str) else list(value or []))
            if name == "pairings":
                names = [pairing_name(split_pairing(n)) for n in names]
            edit.lists[name] = shown[name] = names
    return edit


def write_edit(
    db: sqlite3.Connection, guild_id: int, story_id: int, edit: Edit, actor_id: int | None
) -> StoryRecord:
    found = db.execute(
        "SELECT title, edited_fields FROM stories WHERE id = ? AND guild_id = ?",
        (story_id, guild_id),
    ).fetchone()
    if found is None:
        raise no_story(story_id)
    now = now_iso()
    columns = dict(edit.columns)
    columns["updated_at"] = now
    columns["edited_fields"] = json.dumps(
        sorted(set(json.loads(found["edited_fields"])) | set(edit.fields))
    )
    assignments = ", ".join(f"{c} = ?" for c in columns)
    db.execute(f"UPDATE stories SET {assignments} WHERE id = ?", [*columns.values(), story_id])
    if edit.lists:
        _replace_lists(db, story_id, edit.lists)
    record = refresh_fts(db, story_id)
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="edited",
        story_id=story_id,
        title=record.title,
        detail={"fields": edit.shown},
        at=now,
    )
    return record


def _replace_lists(db: sqlite3.Connection, story_id: int, lists: dict[str, list[str]]) -> None:
    """Rewrite the given link lists of one story, keeping the lists not given."""
    (current,) = records(db, [story_id])
    inferred = set(current.inferred_pairings)
    pairings = [
        (name, split_pairing(name), name in inferred and "pairings" not in lists)
        for name in lists.get("pairings", current.pairings)
    ]
    tags = [("fandom", n) for n in lists.get("fandoms", current.fandoms)]
    tags += [("warning", n) for n in lists.get("warnings", current.warnings)]
    tags += [("tag", n) for n in lists.get("tags", current.tags)]
    clear_links(db, story_id)
    write_links(
        db,
        story_id,
        authors=lists.get("authors", current.authors),
        characters=lists.get("characters", current.characters),
        pairings=pairings,
        tags=tags,
    )


def write_removal(
    db: sqlite3.Connection, guild_id: int, story_id: int, actor_id: int | None
) -> StoryRecord | None:
    """Delete a story with its chapters, links, ratings and positions (and names no story
    uses any more); the removed story's record, or None if it was not there."""
    found = records(db, [story_id])
    if not found or found[0].guild_id != guild_id:
        return None
    db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
    for table, column in (
        ("authors", "author_id"),
        ("characters", "character_id"),
        ("tags", "tag_id"),
    ):
        link = "story_" + table
        db.execute(
            f"DELETE FROM {table} WHERE NOT EXISTS"
            f" (SELECT 1 FROM {link} WHERE {link}.{column} = {table}.id)"
            + (
                " AND NOT EXISTS (SELECT 1 FROM pairing_characters pc"
                " WHERE pc.character_id = characters.id)"
                if table == "characters"
                else ""
            )
        )
    write_audit(
        db,
        guild_id,
        actor_id=actor_id,
        action="removed",
        story_id=story_id,
        title=found[0].title,
        detail={},
    )
    return found[0]
