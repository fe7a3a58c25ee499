"""The library store against real SQLite files: schema, imports, queries, ratings, audit."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library.errors import LibraryError, LibraryOpenError
from bot.library.model import Chapter, Pairing, ParsedStory, Rating, RatingLevel, Status
from bot.library.model import count_words as model_count_words
from bot.library.store import Store
from bot.library.store.imports import SAME_HASH_SQL, SAME_NAME_SQL
from bot.library.store.migrations import MIGRATIONS_DIR, apply_migrations, load_migrations
from bot.library.store.prepare import (
    SPLIT_SPACE,
    count_squashed,
    prepare_story,
    squash,
    squash_text,
)

G1, G2 = 111, 222
MOD = 42


def make_story(
    title: str | None = "Let's Talk",
    authors: tuple[str, ...] = ("Jojo",),
    *,
    chapters: int = 3,
    words_per_chapter: int = 40,
    level: RatingLevel = RatingLevel.TEEN,
    pairings: tuple[str, ...] = ("Buffy Summers/Spike",),
    characters: tuple[str, ...] = ("Buffy Summers", "Spike"),
    tags: tuple[str, ...] = ("Angst", "Post-Series"),
    fandoms: tuple[str, ...] = ("Buffy the Vampire Slayer",),
    warnings: tuple[str, ...] = ("No Archive Warnings Apply",),
    summary: str | None = "Buffy finds Spike in a San Francisco bar.",
    status: Status = Status.COMPLETE,
    seed: str = "",
) -> ParsedStory:
    """A real ParsedStory as a parser would return it. Its text is its own (seeded by
    title and authors unless `seed` says otherwise): different stories, different texts."""
    if not seed:
        seed = hashlib.blake2b(f"{title}|{'|'.join(authors)}".encode(), digest_size=4).hexdigest()
    chapter_list = []
    for n in range(1, chapters + 1):
        paragraph = " ".join(f"w{seed}{n}x{i}" for i in range(words_per_chapter // 2))
        chapter_list.append(
            Chapter(
                number=n,
                label=f"Chapter {n}",
                title=f"Part {n}",
                text=f"{paragraph}\n\n{paragraph}",
            )
        )
    return ParsedStory(
        title=title,
        title_fallback=None if title else "Untitled story",
        authors=list(authors),
        rating=Rating(declared=str(level), level=level, inferred=False),
        warnings=list(warnings),
        pairings=[Pairing(name=p, characters=sorted(p.split("/"))) for p in pairings],
        characters=list(characters),
        fandoms=list(fandoms),
        tags=list(tags),
        summary=summary,
        notes=["Thanks for reading!"],
        disclaimer="Not mine.",
        chapters=chapter_list,
        total_chapters=chapters,
        status=status,
        source_name=f"{title or 'untitled'}.txt",
        layout="text-header",
        encoding="utf-8",
    )


@pytest.fixture
async def store(tmp_path: Path):
    (tmp_path / "data").mkdir()
    s = await Store.open(tmp_path / "data" / "library.db")
    yield s
    await s.close()


def count(db: Path, sql: str, params: tuple = ()) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


TABLES = (
    "stories",
    "chapters",
    "story_authors",
    "story_characters",
    "story_pairings",
    "story_tags",
    "stories_fts",
    "audit_log",
)


def table_counts(db: Path) -> dict[str, int]:
    return {t: count(db, f"SELECT COUNT(*) FROM {t}") for t in TABLES}


# ---------------------------------------------------------------- schema and migrations


async def test_open_creates_the_file_not_the_folder_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "lib.db"
    with pytest.raises(LibraryOpenError, match="does not exist: create it"):
        await Store.open(path)
    assert not path.parent.exists()
    path.parent.mkdir(parents=True)
    with pytest.raises(LibraryOpenError, match="there is no library at"):
        await Store.open(path, create=False)
    assert not path.exists()
    store = await Store.open(path)
    version = await store.schema_version()
    await store.close()
    assert path.exists()
    assert version == len(load_migrations()) >= 1
    again = await Store.open(path)  # idempotent: nothing re-applied, nothing fails
    assert await again.schema_version() == version
    await again.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"stories", "chapters", "reader_ratings", "reading_positions", "audit_log"} <= names
    assert {"guild_settings", "authors", "pairings", "pairing_characters", "stories_fts"} <= names


async def test_failed_migration_rolls_back_and_keeps_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_initial.sql", migrations / "001_initial.sql")
    (migrations / "002_broken.sql").write_text(
        "CREATE TABLE half_done (a INTEGER);\nCREATE TABLE stories (a INTEGER);\n"
    )
    db = tmp_path / "m.db"
    with (
        closing(sqlite3.connect(db, isolation_level=None)) as conn,
        pytest.raises(sqlite3.OperationalError),
    ):
        apply_migrations(conn, migrations)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names and "stories" in names


async def test_upgrade_from_first_schema_keeps_data(tmp_path: Path) -> None:
    first_only = tmp_path / "migrations"
    first_only.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_initial.sql", first_only / "001_initial.sql")
    db = tmp_path / "old.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        assert apply_migrations(conn, first_only) == 1
        conn.execute(
            "INSERT INTO stories (guild_id, title, rating_level, content_hash, created_at,"
            " updated_at) VALUES (1, 'Old Story', 'Teen', 'h', '2020-01-01T00:00:00+00:00',"
            " '2020-01-01T00:00:00+00:00')"
        )
    store = await Store.open(db)
    try:
        assert await store.schema_version() == len(load_migrations())
        (record,) = (await store.listings.list_stories(1))[0]
        assert record.title == "Old Story"
    finally:
        await store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT edited_fields FROM stories").fetchone() == ("[]",)


def test_migration_files_must_be_numbered_in_order(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("CREATE TABLE a (x);")
    (tmp_path / "003_c.sql").write_text("CREATE TABLE c (x);")
    with pytest.raises(ValueError, match="out of order"):
        load_migrations(tmp_path)


# ---------------------------------------------------------------- import / dedupe


async def test_add_then_unchanged_then_updated(store: Store) -> None:
    first = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    assert first.action == "added"
    again = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    assert (again.action, again.story_id) == ("unchanged", first.story_id)

    # Same text with different whitespace is the same content.
    respaced = make_story()
    for chapter in respaced.chapters:
        chapter.text = chapter.text.replace(" ", "  \n")
    assert (await store.stories.import_story(G1, respaced, actor_id=MOD)).action == "unchanged"

    await store.readers.rate(G1, first.story_id, 7, 4)
    longer = await store.stories.import_story(G1, make_story(chapters=5), actor_id=MOD)
    assert (longer.action, longer.story_id) == ("updated", first.story_id)
    record = await store.stories.get_story(G1, first.story_id)
    assert record is not None and record.chapter_count == 5 and record.words == 200
    assert [c.index for c in await store.stories.chapters(first.story_id)] == [1, 2, 3, 4, 5]
    assert (await store.readers.user_rating(first.story_id, 7)).stars == 4  # kept across the update

    shorter = await store.stories.import_story(G1, make_story(chapters=2), actor_id=MOD)
    assert shorter.action == "unchanged" and "longer version" in (shorter.detail or "")
    assert (await store.stories.get_story(G1, first.story_id)).chapter_count == 5

    other = await store.stories.import_story(G1, make_story(title="Final Parting"), actor_id=MOD)
    assert other.action == "added" and other.story_id != first.story_id


async def test_finding_an_existing_story_uses_indexes(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + SAME_HASH_SQL, (1, "h"))]
        plan += [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + SAME_NAME_SQL, (1, "k"))]
    assert any("stories_guild_hash" in step for step in plan), plan
    assert any("stories_guild_identity" in step for step in plan), plan
    assert not any(step.startswith("SCAN stories") for step in plan), plan


async def test_untitled_stories_are_not_merged_by_fallback_title(store: Store) -> None:
    a = await store.stories.import_story(G1, make_story(title=None, seed="a"), actor_id=None)
    b = await store.stories.import_story(G1, make_story(title=None, seed="b"), actor_id=None)
    assert (a.action, b.action) == ("added", "added")
    record = await store.stories.get_story(G1, a.story_id)
    assert record.title == "Untitled story" and record.title_declared is False


async def test_get_stories_keeps_order_and_guild(store: Store) -> None:
    a = await store.stories.import_story(G1, make_story(title="Alpha", seed="a"), actor_id=None)
    b = await store.stories.import_story(G1, make_story(title="Beta", seed="b"), actor_id=None)
    other = await store.stories.import_story(G2, make_story(title="Gamma", seed="c"), actor_id=None)
    ids = [b.story_id, 999_999, other.story_id, a.story_id]
    assert [r.title for r in await store.stories.get_stories(G1, ids)] == ["Beta", "Alpha"]
    assert await store.stories.get_stories(G1, []) == []


async def test_record_keeps_every_field(store: Store) -> None:
    story = make_story(level=RatingLevel.EXPLICIT)
    story.pairings.append(Pairing("Angel/Buffy Summers", ["Angel", "Buffy Summers"], inferred=True))
    story.epigraph = "Absence is to love what wind is to fire."
    story.spoilers = "Up to Not Fade Away"
    outcome = await store.stories.import_story(G1, story, actor_id=MOD, source_name="upload.txt")
    r = await store.stories.get_story(G1, outcome.story_id)
    assert r.authors == ["Jojo"] and r.rating_level is RatingLevel.EXPLICIT and r.is_adult
    assert r.pairings == ["Buffy Summers/Spike", "Angel/Buffy Summers"]
    assert r.inferred_pairings == ["Angel/Buffy Summers"]
    assert r.characters == ["Buffy Summers", "Spike"]
    assert r.fandoms == ["Buffy the Vampire Slayer"] and r.tags == ["Angst", "Post-Series"]
    assert r.warnings == ["No Archive Warnings Apply"] and r.notes == ["Thanks for reading!"]
    assert (r.epigraph, r.spoilers, r.disclaimer) == (story.epigraph, story.spoilers, "Not mine.")
    assert r.source_name == "upload.txt" and r.added_by == MOD and r.status is Status.COMPLETE
    assert r.words == story.words and r.total_chapters == 3
    assert await store.stories.chapter_text(outcome.story_id, 2) == story.chapters[1].text
    assert await store.stories.chapter_text(outcome.story_id, 4) is None
    info = (await store.stories.chapters(outcome.story_id))[0]
    assert (info.index, info.number, info.label, info.title) == (1, 1, "Chapter 1", "Part 1")


async def test_per_guild_isolation(store: Store) -> None:
    a = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    b = await store.stories.import_story(G2, make_story(), actor_id=MOD)
    assert (a.action, b.action) == ("added", "added") and a.story_id != b.story_id
    assert await store.stories.get_story(G2, a.story_id) is None
    assert await store.stories.remove_story(G2, a.story_id, actor_id=MOD) is None
    assert (await store.listings.list_stories(G1))[1] == 1
    assert [e.story_id for e in await store.stories.search_entries(G2)] == [b.story_id]
    assert await store.stories.guild_ids() == [G1, G2]
    with pytest.raises(LibraryError, match="no story"):
        await store.readers.rate(G2, a.story_id, 5, 5)
    assert (await store.listings.stats(G1)).counts["stories"] == 1
    assert (await store.listings.stats()).counts["stories"] == 2


async def test_failed_write_leaves_nothing_half_written(store: Store) -> None:
    broken = make_story(chapters=4)
    broken.chapters[2].text = None  # chapters.text is NOT NULL: fails after the story row
    with pytest.raises(LibraryError, match="Could not store"):
        await store.stories.import_story(G1, broken, actor_id=MOD)
    assert set(table_counts(store.path).values()) == {0}
    assert count(store.path, "SELECT COUNT(*) FROM authors") == 0
    # The store is still usable after the rollback.
    assert (await store.stories.import_story(G1, make_story(), actor_id=MOD)).action == "added"


async def test_batch_import_keeps_each_story_whole(store: Store) -> None:
    broken = make_story(title="Broken", authors=("Ghost",), characters=("Nobody Else",))
    with sqlite3.connect(store.path) as conn:  # fails at its last write, after its names
        conn.execute(
            "CREATE TRIGGER no_broken BEFORE INSERT ON audit_log WHEN NEW.title = 'Broken'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    stories = [
        make_story(title="First", chapters=2),
        broken,
        # Names the refused story created are gone with it; this one creates them again.
        make_story(title="Second", authors=("Ghost",), characters=("Nobody Else",), seed="b"),
        make_story(title="First", chapters=2),  # the same content again
        make_story(title="First", chapters=5),  # a longer version of a story in this batch
        make_story(title="Odd", seed="o"),  # total_chapters too large for SQLite (below)
    ]
    stories[-1].total_chapters = 2**70
    results = await store.stories.import_prepared_many(
        G1, [prepare_story(s) for s in stories], actor_id=MOD
    )
    assert isinstance(results[1], LibraryError) and "Could not store" in str(results[1])
    assert [getattr(r, "action", None) for r in results] == [
        "added",
        None,
        "added",
        "unchanged",
        "updated",
        None,
    ]
    assert isinstance(results[5], LibraryError) and "Odd" in str(results[5])
    assert results[0].story_id == results[3].story_id == results[4].story_id
    # Nothing of the refused story is left; the others are whole.
    assert table_counts(store.path)["stories"] == 2
    assert count(store.path, "SELECT COUNT(*) FROM chapters") == 5 + 3
    assert count(store.path, "SELECT COUNT(*) FROM authors WHERE name = 'Ghost'") == 1
    assert count(store.path, "SELECT COUNT(*) FROM characters WHERE name = 'Nobody Else'") == 1
    second = await store.stories.get_story(G1, results[2].story_id)
    assert second.authors == ["Ghost"] and second.characters == ["Nobody Else"]
    first = await store.stories.get_story(G1, results[0].story_id)
    assert first.authors == ["Jojo"] and first.pairings == ["Buffy Summers/Spike"]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM pairing_characters").fetchone() == (2,)
    assert count(store.path, "SELECT COUNT(*) FROM stories_fts") == 2
    assert count(store.path, "SELECT COUNT(*) FROM audit_log WHERE title = 'Broken'") == 0
    assert await store.stories.import_prepared_many(G1, [], actor_id=MOD) == []


async def test_failed_update_keeps_the_old_version(store: Store) -> None:
    first = await store.stories.import_story(G1, make_story(chapters=2), actor_id=MOD)
    before = table_counts(store.path)
    with sqlite3.connect(store.path) as conn:  # a real constraint that fires mid-update
        conn.execute(
            "CREATE TRIGGER no_fourth BEFORE INSERT ON chapters WHEN NEW.position = 4"
            " BEGIN SELECT RAISE(ABORT, 'chapter four refused'); END"
        )
    with pytest.raises(LibraryError, match="chapter four refused"):
        await store.stories.import_story(G1, make_story(chapters=6), actor_id=MOD)
    assert table_counts(store.path) == before
    record = await store.stories.get_story(G1, first.story_id)
    assert record.chapter_count == 2 and len(await store.stories.chapters(first.story_id)) == 2


async def test_concurrent_imports_do_not_interleave(store: Store) -> None:
    stories = [make_story(title=f"Story {i}", seed=str(i)) for i in range(12)]
    outcomes = await asyncio.gather(
        *(store.stories.import_story(G1, s, actor_id=None) for s in stories),
        store.listings.list_stories(G1, limit=None),
    )
    assert sorted(o.action for o in outcomes[:-1]) == ["added"] * 12
    assert count(store.path, "SELECT COUNT(*) FROM chapters") == 36


async def test_story_without_chapters_is_refused(store: Store) -> None:
    story = make_story()
    story.chapters = []
    with pytest.raises(LibraryError, match="no chapters"):
        await store.stories.import_story(G1, story, actor_id=MOD)


# ---------------------------------------------------------------- search and listing


async def test_full_text_index_holds_only_the_small_fields(store: Store) -> None:
    """Chapter text is not indexed (FTS5 over title, authors, summary, tags only)."""
    await store.stories.import_story(G1, make_story(seed="zq"), actor_id=MOD)
    with sqlite3.connect(store.path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(stories_fts)")]
        body_word = conn.execute("SELECT text FROM chapters LIMIT 1").fetchone()[0].split()[0]
    assert columns == ["title", "authors", "summary", "tags"]
    assert await store.listings.text_search(G1, body_word) == []
    assert len(await store.listings.text_search(G1, "Spike")) == 1


async def test_full_text_search(store: Store) -> None:
    a = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    b = await store.stories.import_story(
        G1,
        make_story(
            title="Final Parting",
            authors=("Sweetprincipale",),
            pairings=("Angel/Buffy Summers",),
            tags=("Hurt/Comfort",),
            level=RatingLevel.MATURE,
            summary="A scene that should have been in the finale.",
        ),
        actor_id=MOD,
    )
    await store.stories.import_story(G2, make_story(title="Final Parting"), actor_id=MOD)

    async def ids(query: str, **kw) -> list[int]:
        return [r.id for r in await store.listings.text_search(G1, query, **kw)]

    assert await ids("parting") == [b.story_id]
    assert await ids("sweetprinc") == [b.story_id]  # author, by prefix
    assert await ids("hurt comfort") == [b.story_id]  # tag
    assert await ids("angel") == [b.story_id]  # pairing
    assert await ids("francisco") == [a.story_id]  # summary
    assert await ids("buffy") == sorted(await ids("buffy")) and len(await ids("buffy")) == 2
    assert await ids("parting", include_adult=False) == []
    assert await ids('" OR * NEAR(') == [] and await ids("") == []

    await store.stories.update_story(G1, a.story_id, actor_id=MOD, title="Walking in Dreams")
    assert await ids("dreams") == [a.story_id] and await ids("talk") == []
    await store.stories.remove_story(G1, b.story_id, actor_id=MOD)
    assert await ids("parting") == []


async def test_list_filters_sorts_and_pages(store: Store) -> None:
    spec = [
        ("Alpha", ("Ann",), 2, RatingLevel.GENERAL, ("Buffy Summers/Spike",), Status.COMPLETE),
        ("Bravo", ("Bob",), 5, RatingLevel.EXPLICIT, ("Angel/Buffy Summers",), Status.WIP),
        ("Charlie", ("Ann",), 1, RatingLevel.NOT_RATED, ("Buffy Summers/Spike",), Status.WIP),
        ("Delta", ("Cat",), 3, RatingLevel.TEEN, ("Tara Maclay/Willow Rosenberg",), Status.UNKNOWN),
    ]
    ids = {}
    for title, authors, chapters, level, pairings, status in spec:
        story = make_story(
            title, authors, chapters=chapters, level=level, pairings=pairings, status=status
        )
        story.characters = sorted({c for p in pairings for c in p.split("/")})
        ids[title] = (await store.stories.import_story(G1, story, actor_id=MOD)).story_id

    async def titles(**kw) -> list[str]:
        records, _ = await store.listings.list_stories(G1, limit=None, **kw)
        return [r.title for r in records]

    assert await titles() == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert await titles(pairing="Spike/Buffy Summers") == ["Alpha", "Charlie"]  # order-free
    assert await titles(pairing="buffy summers/angel") == ["Bravo"]
    assert await titles(character="Willow Rosenberg") == ["Delta"]
    assert await titles(character="Spike") == ["Alpha", "Charlie"]
    assert await titles(rating="explicit") == ["Bravo"]
    assert await titles(status=Status.WIP) == ["Bravo", "Charlie"]
    assert await titles(author="ann") == ["Alpha", "Charlie"]
    assert await titles(min_words=100, max_words=150) == ["Delta"]
    assert await titles(include_adult=False) == ["Alpha", "Delta"]
    assert await titles(sort="longest") == ["Bravo", "Delta", "Alpha", "Charlie"]
    assert await titles(sort="shortest") == ["Charlie", "Alpha", "Delta", "Bravo"]
    assert await titles(sort="newest") == ["Delta", "Charlie", "Bravo", "Alpha"]

    page, total = await store.listings.list_stories(G1, sort="title", limit=2, offset=2)
    assert [r.title for r in page] == ["Charlie", "Delta"] and total == 4
    page, total = await store.listings.list_stories(G1, include_adult=False, limit=1)
    assert len(page) == 1 and total == 2
    with pytest.raises(LibraryError, match="Unknown sort"):
        await store.listings.list_stories(G1, sort="best")
    with pytest.raises(LibraryError, match="Unknown rating"):
        await store.listings.list_stories(G1, rating="PG-ish")

    # top: Bayesian average; guild mean m = (5+5+5+1+1+4)/6 = 3.5, C = 3.
    for user in (1, 2):
        await store.readers.rate(G1, ids["Delta"], user, 5)
    await store.readers.rate(G1, ids["Charlie"], 1, 5)  # one 5 is weaker than two 5s
    await store.readers.rate(G1, ids["Bravo"], 1, 1)
    await store.readers.rate(G1, ids["Bravo"], 2, 1)
    await store.readers.rate(G1, ids["Alpha"], 3, 4)
    assert await titles(sort="top") == ["Delta", "Charlie", "Alpha", "Bravo"]
    summary = await store.readers.rating_summary(ids["Delta"])
    assert summary.count == 2 and summary.mean == 5.0
    assert summary.bayesian == pytest.approx((3 * 3.5 + 10) / 5)
    top = await store.listings.top_stories(G1, include_adult=False)
    assert [(r.title, s.count) for r, s in top] == [("Delta", 2), ("Alpha", 1)]
    top = await store.listings.top_stories(G1, pairing="Buffy Summers/Spike", limit=1)
    assert [r.title for r, _ in top] == ["Charlie"]


async def test_facet_values(store: Store) -> None:
    await store.stories.import_story(G1, make_story("One", ("Jojo",)), actor_id=MOD)
    await store.stories.import_story(
        G1,
        make_story("Two", ("Jenny",), pairings=("Angel/Buffy Summers",), seed="2"),
        actor_id=MOD,
    )
    await store.stories.import_story(G2, make_story("Three", ("Jack",), seed="3"), actor_id=MOD)
    assert await store.listings.facet_values(G1, "author", "j") == ["Jenny", "Jojo"]
    assert await store.listings.facet_values(G1, "pairing", "buffy") == [
        "Buffy Summers/Spike",  # starts with the typed text, so it comes first
        "Angel/Buffy Summers",
    ]
    assert await store.listings.facet_values(G1, "pairing", "spi") == ["Buffy Summers/Spike"]
    assert await store.listings.facet_values(G1, "character", "sp") == ["Spike"]
    assert await store.listings.facet_values(G1, "tag", "", limit=1) == ["Angst"]
    assert await store.listings.facet_values(G1, "fandom") == ["Buffy the Vampire Slayer"]
    with pytest.raises(LibraryError, match="Unknown kind"):
        await store.listings.facet_values(G1, "ships")
    await store.stories.import_story(
        G1,
        make_story(
            "Four",
            ("Jade",),
            level=RatingLevel.EXPLICIT,
            pairings=("Faith Lehane/Spike",),
            seed="4",
        ),
        actor_id=MOD,
    )
    assert "Faith Lehane/Spike" in await store.listings.facet_values(G1, "pairing")
    assert await store.listings.facet_values(G1, "pairing", "faith", include_adult=False) == []
    assert await store.listings.facet_values(G1, "author", "j", include_adult=False) == [
        "Jenny",
        "Jojo",
    ]


# ---------------------------------------------------------------- editing and removing


async def test_update_story_fields_and_validation(store: Store) -> None:
    sid = (await store.stories.import_story(G1, make_story(), actor_id=MOD)).story_id
    record = await store.stories.update_story(
        G1,
        sid,
        actor_id=MOD,
        title="  Walking   in Dreams ",
        authors=["Sweetprincipale", "Jojo"],
        rating_level="Mature",
        status="wip",
        summary="New summary.",
        pairings=["Spike/Buffy Summers", "Willow Rosenberg/Tara Maclay"],
    )
    assert record.title == "Walking in Dreams" and record.title_declared
    assert record.authors == ["Sweetprincipale", "Jojo"]
    assert record.rating_level is RatingLevel.MATURE and record.rating_inferred is False
    assert record.status is Status.WIP and record.summary == "New summary."
    assert record.pairings == ["Buffy Summers/Spike", "Tara Maclay/Willow Rosenberg"]
    assert record.tags == ["Angst", "Post-Series"]  # lists not given are kept
    for bad, match in (
        ({"title": "  "}, "empty"),
        ({"rating_level": "R-ish"}, "Unknown rating"),
        ({"status": "done"}, "Unknown status"),
        ({"pairings": ["Buffy"]}, "not a pairing"),
        ({"words": 5}, "Cannot edit words"),
        ({}, "Nothing to change"),
    ):
        with pytest.raises(LibraryError, match=match):
            await store.stories.update_story(G1, sid, actor_id=MOD, **bad)
    with pytest.raises(LibraryError, match="no story #999"):
        await store.stories.update_story(G1, 999, actor_id=MOD, title="X")
    with pytest.raises(LibraryError, match="no story"):
        await store.stories.update_story(G2, sid, actor_id=MOD, title="X")


async def test_reimport_keeps_moderator_edits(store: Store) -> None:
    sid = (await store.stories.import_story(G1, make_story(chapters=2), actor_id=MOD)).story_id
    await store.stories.update_story(
        G1,
        sid,
        actor_id=MOD,
        title="Let's Talk (edited)",
        pairings=["Angel/Buffy Summers"],
        rating_level="Explicit",
    )
    outcome = await store.stories.import_story(G1, make_story(chapters=4), actor_id=MOD)
    assert (outcome.action, outcome.story_id) == ("updated", sid)
    assert outcome.title == "Let's Talk (edited)"
    record = await store.stories.get_story(G1, sid)
    assert record.chapter_count == 4 and record.title == "Let's Talk (edited)"
    assert record.pairings == ["Angel/Buffy Summers"]
    assert record.rating_level is RatingLevel.EXPLICIT
    assert record.tags == ["Angst", "Post-Series"] and record.summary.startswith("Buffy finds")
    assert [r.id for r in await store.listings.text_search(G1, "edited")] == [sid]


async def test_remove_cascades(store: Store) -> None:
    keep = (
        await store.stories.import_story(G1, make_story("Keep", ("Other",)), actor_id=MOD)
    ).story_id
    sid = (
        await store.stories.import_story(G1, make_story("Gone", ("Solo",), seed="g"), actor_id=MOD)
    ).story_id
    await store.readers.rate(G1, sid, 5, 3, "ok")
    await store.readers.save_position(G1, 5, sid, 2, 7)
    removed = await store.stories.remove_story(G1, sid, actor_id=MOD)
    assert removed is not None and removed.title == "Gone"
    assert await store.stories.remove_story(G1, sid, actor_id=MOD) is None
    db = store.path
    for table in ("chapters", "story_authors", "story_tags", "story_pairings", "reader_ratings"):
        assert count(db, f"SELECT COUNT(*) FROM {table} WHERE story_id = ?", (sid,)) == 0
    assert count(db, "SELECT COUNT(*) FROM reading_positions WHERE story_id = ?", (sid,)) == 0
    assert count(db, "SELECT COUNT(*) FROM stories_fts WHERE rowid = ?", (sid,)) == 0
    assert count(db, "SELECT COUNT(*) FROM authors WHERE name = 'Solo'") == 0  # orphan pruned
    assert (
        await store.readers.get_position(G1, 5, sid) is None
        and await store.readers.last_read(G1, 5) is None
    )
    assert (await store.stories.get_story(G1, keep)).authors == ["Other"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# ---------------------------------------------------------------- ratings, positions, settings


async def test_one_rating_per_reader(store: Store) -> None:
    sid = (await store.stories.import_story(G1, make_story(), actor_id=MOD)).story_id
    assert (await store.readers.rate(G1, sid, 9, 3, "  fine  ")).before is None
    first = await store.readers.user_rating(sid, 9)
    again = await store.readers.rate(G1, sid, 9, 5)
    assert again.before is not None and again.before.stars == 3 and again.after.stars == 5
    second = await store.readers.user_rating(sid, 9)
    assert (second.stars, second.review) == (5, None)
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert count(store.path, "SELECT COUNT(*) FROM reader_ratings") == 1
    assert [(r.title, x.stars) for r, x in await store.readers.ratings_by_user(G1, 9)] == [
        ("Let's Talk", 5)
    ]
    assert await store.readers.user_rating(sid, 10) is None
    for stars in (0, 6, True, 2.5):
        with pytest.raises(LibraryError, match="1 to 5"):
            await store.readers.rate(G1, sid, 9, stars)
    with pytest.raises(LibraryError, match="at most 300 characters"):
        await store.readers.rate(G1, sid, 9, 4, "x" * 301)
    assert (await store.readers.user_rating(sid, 9)).stars == 5
    empty = await store.readers.rating_summary(
        (await store.stories.import_story(G1, make_story("Other", seed="o"), actor_id=MOD)).story_id
    )
    assert (empty.count, empty.mean, empty.bayesian) == (0, None, 5.0)  # guild mean is 5


async def test_reading_positions(store: Store) -> None:
    a = (await store.stories.import_story(G1, make_story("A"), actor_id=MOD)).story_id
    b = (await store.stories.import_story(G1, make_story("B", seed="b"), actor_id=MOD)).story_id
    assert await store.readers.last_read(G1, 1) is None
    await store.readers.save_position(G1, 1, a, 2, 5)
    await store.readers.save_position(G1, 1, b, 1, 0)
    assert await store.readers.last_read(G1, 1) == (b, 1, 0)
    await store.readers.save_position(G1, 1, a, 3, 1)
    assert await store.readers.get_position(G1, 1, a) == (3, 1)
    assert await store.readers.last_read(G1, 1) == (a, 3, 1)
    assert await store.readers.get_position(G1, 2, a) is None
    assert await store.readers.get_position(G2, 1, a) is None
    with pytest.raises(LibraryError, match="chapters 1 to 3"):
        await store.readers.save_position(G1, 1, a, 4, 0)
    with pytest.raises(LibraryError, match="no story"):
        await store.readers.save_position(G2, 1, a, 1, 0)


async def test_settings_and_audit(store: Store) -> None:
    assert await store.settings.get(G1) == type(await store.settings.get(G1))(None, None)
    await store.settings.set(G1, "list_adult_titles", True, actor_id=MOD)
    await store.settings.set(G1, "moderator_role_id", 1234567890123456789, actor_id=MOD)
    settings = await store.settings.get(G1)
    assert settings.list_adult_titles is True
    assert settings.moderator_role_id == 1234567890123456789
    assert (await store.settings.get(G2)).list_adult_titles is None
    await store.settings.set(G1, "list_adult_titles", None, actor_id=MOD)
    assert (await store.settings.get(G1)).list_adult_titles is None
    with pytest.raises(LibraryError, match="Unknown setting"):
        await store.settings.set(G1, "volume", 3, actor_id=MOD)
    with pytest.raises(LibraryError, match="needs a bool"):
        await store.settings.set(G1, "list_adult_titles", "yes", actor_id=MOD)

    sid = (await store.stories.import_story(G1, make_story(), actor_id=MOD)).story_id
    await store.stories.import_story(G1, make_story(chapters=4), actor_id=7)
    await store.stories.update_story(G1, sid, actor_id=8, status="wip")
    await store.stories.remove_story(G1, sid, actor_id=9)
    log = await store.audit.entries(G1)
    assert [(e.action, e.actor_id) for e in log] == [
        ("removed", 9),
        ("edited", 8),
        ("updated", 7),
        ("added", MOD),
        ("setting", MOD),
        ("setting", MOD),
        ("setting", MOD),
    ]
    assert log[0].story_id == sid and log[0].title == "Let's Talk"
    assert log[1].detail == {"fields": {"status": "wip"}}
    assert log[-1].detail == {"key": "list_adult_titles", "value": True}
    assert [e.action for e in await store.audit.entries(G1, limit=2)] == ["removed", "edited"]
    assert await store.audit.entries(G2) == []


async def test_stats(store: Store) -> None:
    await store.stories.import_story(G1, make_story(level=RatingLevel.GENERAL), actor_id=MOD)
    await store.stories.import_story(G1, make_story("Two", seed="2", chapters=2), actor_id=MOD)
    await store.stories.import_story(G2, make_story(), actor_id=MOD)
    stats = await store.listings.stats(G1)
    s1 = stats.counts
    assert (s1["stories"], s1["chapters"], s1["words"], s1["guilds"]) == (2, 5, 200, 1)
    assert s1["by_rating"] == {"General": 1, "Teen": 1}
    assert s1["authors"] == 1 and s1["pairings"] == 1
    assert stats.top_pairings == [("Buffy Summers/Spike", 2)]
    assert (await store.listings.stats()).counts["stories"] == 3


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("ab Z9_-—…*'\"\n\r\t.,!?é中\u00a0\u2003\u200b\x1c\x85\u2028\x00\x7f~")
        ),
        max_size=80,
    )
)
def test_store_word_count_matches_the_model(text: str) -> None:
    assert count_squashed(squash(text)) == model_count_words(text)
    no_underscore = text.replace("_", "")  # the punctuation-only regex's path
    assert count_squashed(squash(no_underscore)) == model_count_words(no_underscore)
    ascii_only = text.encode("ascii", "ignore").decode()  # the bytes.translate path
    assert count_squashed(squash(ascii_only)) == model_count_words(ascii_only)


_CHAPTER_PIECES = [
    *"ab Z9_-—…*'\".,!?é中",
    "\n", "\n\n", "\n\n\n", "  ", "\t", "\r", "\u00a0", "\u2003", "\u200b", "\x85", "\u3000",
    "word", " ", " ", "Word.",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CHAPTER_PIECES), max_size=40).map("".join))
def test_squash_text_is_squash(text: str) -> None:
    assert squash_text(text) == squash(text)


def test_squash_text_knows_every_space_str_split_splits_at() -> None:
    every = "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace())
    assert every == SPLIT_SPACE
    for ch in every:
        assert squash_text(f"a{ch}b") == "a b"


async def test_a_namesake_with_a_different_text_is_added_not_merged(store: Store) -> None:
    # Two different stories that share a declared title and author ("Untitled" by "Anon"):
    # without a moderator to ask (a bulk import), the second is added, never merged.
    first = await store.stories.import_story(
        G1, make_story(title="Untitled", seed="one"), actor_id=MOD
    )
    second = await store.stories.import_story(
        G1, make_story(title="Untitled", seed="two"), actor_id=MOD
    )
    assert (first.action, second.action) == ("added", "added")
    assert second.story_id != first.story_id
    assert f"#{first.story_id} has the same title and author" in (second.detail or "")
