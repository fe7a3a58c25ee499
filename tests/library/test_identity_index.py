"""Identity across a changed title or author spelling (issue 10 item 2): each story keeps
a bounded sample of paragraph fingerprints (the story_prints migration), looked up by index, so a
re-upload is matched to the stored story whose text it is whatever it is called now."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.library import Library
from bot.library.identity import PRINTS_MAX, Choice, Relation, text_prints
from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel, Status
from bot.library.service import collect
from bot.library.store.imports import SAME_TEXT_SQL

GUILD = 5
WORDS = [
    "night",
    "went",
    "on",
    "lantern",
    "crypt",
    "willow",
    "moon",
    "letter",
    "rain",
    "candle",
    "bridge",
    "river",
    "slayer",
    "watcher",
    "library",
    "stake",
    "dawn",
    "cemetery",
    "whisper",
    "promise",
    "kiss",
    "storm",
    "ember",
]


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))).capitalize() + "."


def chapter_text(seed: int, paragraphs: int = 8) -> str:
    rng = random.Random(seed)
    return "\n\n".join(paragraph(rng) for _ in range(paragraphs))


def story(
    title: str, author: str, seeds: list[int], *, texts: list[str] | None = None
) -> ParsedStory:
    bodies = texts if texts is not None else [chapter_text(s) for s in seeds]
    return ParsedStory(
        title=title,
        authors=[author],
        rating=Rating(declared="General", level=RatingLevel.GENERAL, inferred=False),
        chapters=[
            Chapter(number=n, label=f"Chapter {n}", title=None, text=text)
            for n, text in enumerate(bodies, start=1)
        ],
        status=Status.COMPLETE,
    )


@pytest.fixture
async def library(tmp_path: Path):
    async with await Library.open(tmp_path / "library.db") as opened:
        yield opened


# ---------------------------------------------------------------- the fingerprints


def test_prints_follow_the_text_not_the_spacing_and_are_bounded() -> None:
    texts = [chapter_text(1), chapter_text(2)]
    assert text_prints(texts) == text_prints([t.upper().replace(" ", "  ") for t in texts])
    assert len(text_prints(texts)) == 4  # two from each chapter's opening
    many = [chapter_text(n) for n in range(200)]
    assert len(text_prints(many)) == PRINTS_MAX
    assert set(text_prints(many[:100])) & set(text_prints(many))  # a longer version shares
    assert text_prints(["* * *\n\nOk."]) == []  # nothing long enough to be the story's own


def test_only_a_chapters_opening_is_read() -> None:
    opening = chapter_text(3, paragraphs=40)
    assert text_prints([opening]) == text_prints([opening + "\n\n" + chapter_text(4, 5000)])


# ---------------------------------------------------------------- found by the index


async def test_a_renamed_upload_is_found_by_its_text(library: Library) -> None:
    stored = await library.add_parsed(GUILD, story("Crypt Nights", "Jojo", [1, 2]), actor_id=1)
    renamed = story("Nights in the Crypt (revised title)", "JoJo Writes", [1, 2])
    match = await library.identify(GUILD, renamed)
    assert match is not None and match.renamed
    assert (match.story_id, match.relation) == (stored.story_id, Relation.SAME)

    longer = story("Nights in the Crypt", "jojo", [1, 2, 3])
    match = await library.identify(GUILD, longer)
    assert match is not None and match.renamed and match.relation is Relation.EXTENDS

    shorter = story("Nights in the Crypt", "jojo", [1])
    match = await library.identify(GUILD, shorter)
    assert match is not None and match.renamed and match.relation is Relation.SHORTER

    other = story("Something Else", "Jojo", [7, 8])
    assert await library.identify(GUILD, other) is None
    assert await library.identify(GUILD + 1, renamed) is None  # another server's library


async def test_a_revised_renamed_upload_is_found_and_bulk_import_refuses_it_with_reason(
    library: Library, tmp_path: Path
) -> None:
    first = await library.add_parsed(GUILD, story("Lantern", "Anon", [11, 12]), actor_id=1)
    revised = [chapter_text(11).replace("lantern", "lamp"), chapter_text(12), chapter_text(13)]
    match = await library.identify(GUILD, story("The Lantern Years", "A. N.", [], texts=revised))
    assert match is not None and match.renamed and match.relation is Relation.REVISES

    folder = tmp_path / "in"
    await asyncio.to_thread(folder.mkdir)
    lines = ["Title: The Lantern Years", "Author: A. Nonymous", "Rating: General", ""]
    for n, text in enumerate(revised, start=1):
        lines += [f"Chapter {n}", "", text, ""]
    await asyncio.to_thread((folder / "renamed.txt").write_text, "\n".join(lines))
    entries, _ = collect([folder])
    report = await library.import_entries(GUILD, entries, actor_id=1)

    # nothing overwritten, no duplicate: the moderator is told which story it is
    assert not report.added and not report.updated
    [(_, reason)] = report.rejected
    assert f"already in the library as #{first.story_id} “Lantern”" in reason
    record = await library.get(GUILD, first.story_id)
    assert record.title == "Lantern" and record.chapter_count == 2

    # a moderator's choice (the preview's "Update #N") updates it in place
    updated = await library.add_parsed(
        GUILD,
        story("The Lantern Years", "A. N.", [], texts=revised),
        actor_id=1,
        choice=Choice(update=first.story_id),
    )
    assert (updated.action, updated.story_id) == ("updated", first.story_id)


async def test_a_same_name_story_with_another_text_is_still_added_as_new(
    library: Library,
) -> None:
    await library.add_parsed(GUILD, story("Untitled", "Anon", [21]), actor_id=1)
    outcome = await library.add_parsed(GUILD, story("Untitled", "Anon", [22]), actor_id=1)
    assert outcome.action == "added"
    assert "different text" in (outcome.detail or "")


async def test_the_lookup_is_an_index_search(library: Library) -> None:
    with closing(sqlite3.connect(library.path)) as conn:
        sql = SAME_TEXT_SQL.format(marks="?,?,?")
        plan = " | ".join(
            row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", (1, 2, 3, GUILD, 3))
        )
    assert "SEARCH p USING PRIMARY KEY (print=?)" in plan, plan
    assert "SCAN s" not in plan and "SCAN p" not in plan, plan


async def test_stories_stored_before_fingerprints_get_theirs(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    async with await Library.open(db, index=False) as library:
        old = await library.add_parsed(GUILD, story("Old Story", "Anon", [31, 32]), actor_id=1)
    with closing(sqlite3.connect(db)) as conn, conn:  # as a library from before story_prints was
        conn.execute("DELETE FROM story_prints")
        conn.execute("INSERT INTO story_prints_todo (story_id) SELECT id FROM stories")
    async with await Library.open(db, index=False) as library:
        assert await library.identify(GUILD, story("New Name", "X", [31, 32])) is None
        assert await library.fill_prints(pause=0) == 1
        match = await library.identify(GUILD, story("New Name", "X", [31, 32]))
        assert match is not None and match.story_id == old.story_id and match.renamed
        assert await library.fill_prints(pause=0) == 0
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM story_prints_todo").fetchone() == (0,)


async def test_prints_go_with_a_removed_story(library: Library) -> None:
    stored = await library.add_parsed(GUILD, story("Gone", "Anon", [41]), actor_id=1)
    await library.remove(GUILD, stored.story_id, actor_id=1)
    with closing(sqlite3.connect(library.path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM story_prints").fetchone() == (0,)
