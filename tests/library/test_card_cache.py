"""A story's card facts are kept in memory (bot/library/cards.py) and never shown stale:
every write forgets what it may change, another process's write forgets everything once
noticed, a read racing a write is not kept, and a card never crosses guilds. Real SQLite
files; the other process is a real subprocess."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.library.audience import Audience
from bot.library.cards import CARD_REVIEWS, CardCache
from bot.library.errors import LibraryError
from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel
from bot.library.records import CardFacts
from bot.library.service import Library

GUILD = 1
OTHER_GUILD = 2
EVERYONE = Audience(adult_text=True, adult_titles=True)  # an age-restricted channel
ROOT = Path(__file__).resolve().parents[2]


def story(title: str, *, series: str | None = None, part: int | None = None) -> ParsedStory:
    text = "\n\n".join(f"{title} paragraph {p}. " + "words " * 80 for p in range(3))
    return ParsedStory(
        title=title,
        authors=["Jojo"],
        rating=Rating(declared=None, level=RatingLevel.GENERAL, inferred=False),
        chapters=[Chapter(number=1, label="Chapter 1", title=None, text=text)],
        series=series,
        series_part=part,
    )


@pytest.fixture
async def library(tmp_path):
    lib = await Library.open(tmp_path / "lib.db")
    yield lib
    await lib.close()


async def add(library: Library, title: str, guild: int = GUILD, **kw) -> int:
    return (await library.add_parsed(guild, story(title, **kw), actor_id=None)).story_id


async def cached(library: Library, story_id: int, user: int = 7):
    """The card twice: the second must come from memory (no read) and agree."""
    first = await library.card(GUILD, story_id, user, EVERYONE)
    hits = library._cards.hits
    second = await library.card(GUILD, story_id, user, EVERYONE)
    assert library._cards.hits == hits + 1, "the second card was read again"
    assert second == first
    return second


# ---- this process's writes -----------------------------------------------------------


async def test_a_review_shows_at_once_and_a_star_click_updates_the_reviewers_stars(library):
    sid = await add(library, "Talked About")
    card = await cached(library, sid)
    assert card.facts.reviews == () and card.facts.review_count == 0 and card.own_stars is None
    await library.rate(GUILD, sid, 7, 4, "Lovely")
    card = await cached(library, sid)
    assert [(r.user_id, r.stars, r.review) for r in card.facts.reviews] == [(7, 4, "Lovely")]
    assert card.own_stars == 4 and card.summary.count == 1 and card.summary.mean == 4.0
    await library.rate(GUILD, sid, 7, 2)  # a ★ click: the review stays, its stars change
    card = await cached(library, sid)
    assert [(r.stars, r.review) for r in card.facts.reviews] == [(2, "Lovely")]
    assert card.own_stars == 2
    for n in range(CARD_REVIEWS + 2):
        await library.rate(GUILD, sid, 100 + n, 5, f"Review {n}")
    card = await cached(library, sid)
    assert card.facts.review_count == CARD_REVIEWS + 3
    assert [r.review for r in card.facts.reviews] == ["Review 4", "Review 3", "Review 2"]


async def test_own_stars_are_each_members_own(library):
    sid = await add(library, "Mine and Yours")
    await library.rate(GUILD, sid, 7, 5)
    await library.rate(GUILD, sid, 8, 1)
    assert (await library.card(GUILD, sid, 7, EVERYONE)).own_stars == 5
    assert (await library.card(GUILD, sid, 8, EVERYONE)).own_stars == 1
    assert (await library.card(GUILD, sid, 9, EVERYONE)).own_stars is None
    assert (await library.card(GUILD, sid, 9, EVERYONE)).summary.count == 2


async def test_edit_remove_trash_and_restore_show_at_once(library):
    sid = await add(library, "Old Title")
    await cached(library, sid)
    await library.edit(GUILD, sid, actor_id=None, title="New Title")
    assert (await cached(library, sid)).story.title == "New Title"
    assert (await library.find(GUILD, sid)).title == "New Title"
    await library.trash_story(GUILD, sid, actor_id=None)
    with pytest.raises(LibraryError, match="no longer in this server's library"):
        await library.card(GUILD, sid, 7, EVERYONE)
    assert await library.find(GUILD, sid) is None
    await library.restore(GUILD, sid, actor_id=None)
    assert (await cached(library, sid)).story.title == "New Title"
    await library.remove(GUILD, sid, actor_id=None)
    assert await library.find(GUILD, sid) is None
    with pytest.raises(LibraryError):
        await library.card(GUILD, sid, 7, EVERYONE)


async def test_a_new_part_of_a_series_shows_on_the_other_parts_cards(library):
    first = await add(library, "Dark Days One", series="Dark Days", part=1)
    assert [p.id for p in (await cached(library, first)).facts.series_parts] == [first]
    second = await add(library, "Dark Days Two", series="Dark Days", part=2)
    card = await cached(library, first)
    assert [p.id for p in card.facts.series_parts] == [first, second]
    await library.edit(GUILD, second, actor_id=None, title="Dark Days Renamed")
    card = await cached(library, first)
    assert [p.title for p in card.facts.series_parts] == ["Dark Days One", "Dark Days Renamed"]


async def test_reading_and_the_reading_list_keep_cards(library):
    sid = await add(library, "Kept")
    await cached(library, sid)
    await library.save_position(GUILD, 7, sid, 1, 2)
    await library.mark_later(GUILD, 7, sid)
    hits = library._cards.hits
    await library.card(GUILD, sid, 7, EVERYONE)
    assert library._cards.hits == hits + 1  # nothing a card shows changed


async def test_a_card_never_crosses_guilds(library):
    mine = await add(library, "Ours Alone")
    await cached(library, mine)
    with pytest.raises(LibraryError):
        await library.card(OTHER_GUILD, mine, 7, EVERYONE)
    assert await library.find(OTHER_GUILD, mine) is None
    theirs = await add(library, "Theirs Alone", guild=OTHER_GUILD)
    assert (await library.card(OTHER_GUILD, theirs, 7, EVERYONE)).story.guild_id == OTHER_GUILD
    with pytest.raises(LibraryError):
        await library.card(GUILD, theirs, 7, EVERYONE)


async def test_forged_ids_find_nothing(library):
    for forged in (0, -1, 2**63, 2**64 + 5):
        assert await library.find(GUILD, forged) is None


# ---- another process's writes --------------------------------------------------------

OTHER = textwrap.dedent(
    """
    import asyncio, sys
    from bot.library.service import Library

    async def main(path, sid):
        lib = await Library.open(path, index=False)
        try:
            await lib.rate(1, sid, 7, 3, "From elsewhere")
            await lib.edit(1, sid, actor_id=None, title="Renamed Elsewhere")
        finally:
            await lib.close()

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


async def test_another_process_writes_are_seen_within_two_seconds(library, tmp_path):
    sid = await add(library, "Shared File")
    await library.rate(GUILD, sid, 7, 5)
    before = await cached(library, sid)
    assert before.own_stars == 5
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", OTHER, str(library.path), str(sid)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 2.0
    while True:
        card = await library.card(GUILD, sid, 7, EVERYONE)
        fresh = card.story.title == "Renamed Elsewhere" and [
            (r.stars, r.review) for r in card.facts.reviews
        ] == [(3, "From elsewhere")]
        if fresh or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert fresh, card
    assert (await library.find(GUILD, sid)).title == "Renamed Elsewhere"


# ---- the cache's own rules -----------------------------------------------------------


def facts(library_story) -> CardFacts:
    return CardFacts(library_story, (), 0, ())


async def test_a_read_racing_a_write_is_not_kept(library):
    sid = await add(library, "Racing")
    record = await library.find(GUILD, sid)
    cache = CardCache()
    stamp = cache.stamp()  # a read begins...
    cache.forget([sid])  # ...a write to its story ends...
    cache.put(stamp, facts(record))  # ...the read, maybe older than the write, ends
    assert cache.get(GUILD, sid) is None
    stamp = cache.stamp()
    cache.forget(None)  # any story
    cache.put(stamp, facts(record))
    assert cache.get(GUILD, sid) is None
    stamp = cache.stamp()
    cache.forget([sid + 1])  # another story: this read stands
    cache.put(stamp, facts(record))
    assert cache.get(GUILD, sid) == facts(record)
    assert cache.get(OTHER_GUILD, sid) is None


async def test_the_cache_keeps_the_most_recently_used(library):
    sid = await add(library, "Small Cache")
    record = await library.find(GUILD, sid)
    cache = CardCache(size=2)
    for n in (1, 2, 3):
        cache.put(cache.stamp(), facts(replace(record, id=n)))
    assert cache.get(GUILD, 1) is None and cache.get(GUILD, 3) is not None
    assert len(cache) == 2


async def test_every_write_tells_even_when_its_caller_was_cancelled(library):
    told: list[tuple[int, ...] | None] = []
    db = library._store.db
    db.on_write.append(told.append)

    def slow(conn):
        time.sleep(0.3)
        conn.execute("UPDATE stories SET title = title")

    task = asyncio.get_running_loop().create_task(db.write(slow))
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.sleep(0.6)  # the write itself ran on
    assert told == [None]
    await db.write(lambda conn: None, touches=(5, 6))
    assert told == [None, (5, 6)]


async def test_extra_safe_hides_an_adult_story_and_its_adult_parts(library):
    safe = Audience(adult_text=False, adult_titles=False, hide_adult=True)
    first = await add(library, "Saga One", series="Saga", part=1)
    second = await add(library, "Saga Two", series="Saga", part=2)
    await library.edit(GUILD, second, actor_id=None, rating_level=RatingLevel.EXPLICIT)
    everyone = await library.card(GUILD, first, 7, EVERYONE)
    assert [p.id for p in everyone.facts.series_parts] == [first, second]
    hidden = await library.card(GUILD, first, 7, safe)  # the same kept facts
    assert [p.id for p in hidden.facts.series_parts] == [first]
    with pytest.raises(LibraryError, match="not available here"):
        await library.card(GUILD, second, 7, safe)
    assert [p.id for p in (await library.card(GUILD, first, 7, EVERYONE)).facts.series_parts] == [
        first,
        second,
    ]


async def test_the_parts_of_a_series_are_kept_once_for_all_its_cards(library):
    ids = [await add(library, f"Long Saga {n}", series="Long Saga", part=n) for n in (1, 2, 3)]
    cards = [await library.card(GUILD, sid, 7, EVERYONE) for sid in ids]
    assert [p.id for p in cards[0].facts.series_parts] == ids
    kept = [library._cards.get(GUILD, sid).series_parts for sid in ids]
    assert kept[0] is kept[1] is kept[2]  # one tuple, not one per card
    await library.edit(GUILD, ids[1], actor_id=None, title="Long Saga Renamed")
    titles = [p.title for p in (await library.card(GUILD, ids[0], 7, EVERYONE)).facts.series_parts]
    assert titles == ["Long Saga 1", "Long Saga Renamed", "Long Saga 3"]
