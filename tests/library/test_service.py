"""The Library service against a real SQLite file: store and search index stay in step."""

from __future__ import annotations

import random

import pytest

from bot.library.errors import LibraryError
from bot.library.excerpts import LAST, RANDOM
from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel
from bot.library.overrides import apply_overrides
from bot.library.service import Library

GUILD = 1
OTHER_GUILD = 2


def story(
    title: str,
    *,
    author: str = "Jojo",
    chapters: int = 1,
    paragraphs: int = 3,
    level: RatingLevel = RatingLevel.GENERAL,
) -> ParsedStory:
    chs = [
        Chapter(
            number=c,
            label=f"Chapter {c}",
            title=None,
            text="\n\n".join(
                f"{title} chapter {c} paragraph {p}. " + "words " * 120 for p in range(paragraphs)
            ),
        )
        for c in range(1, chapters + 1)
    ]
    return ParsedStory(
        title=title,
        authors=[author],
        rating=Rating(declared=None, level=level, inferred=False),
        chapters=chs,
    )


@pytest.fixture
async def library(tmp_path):
    lib = await Library.open(tmp_path / "lib.db")
    yield lib
    await lib.close()


async def test_added_story_is_searchable_and_indexes_reload(tmp_path):
    lib = await Library.open(tmp_path / "a.db")
    try:
        outcome = await lib.add_parsed(GUILD, story("Let's Talk"), actor_id=9)
        assert outcome.action == "added"
        assert [h.story_id for h in lib.search(GUILD, "lets talk")] == [outcome.story_id]
        assert lib.search(OTHER_GUILD, "lets talk") == []
    finally:
        await lib.close()
    reopened = await Library.open(tmp_path / "a.db")
    try:
        assert reopened.search(GUILD, "Lets Talk")[0].title == "Let's Talk"
    finally:
        await reopened.close()


async def test_edit_and_remove_keep_the_index_current(library):
    out = await library.add_parsed(GUILD, story("Final Parting"), actor_id=1)
    await library.edit(GUILD, out.story_id, actor_id=1, title="Last Goodbye")
    assert all(h.title != "Final Parting" for h in library.search(GUILD, "final parting"))
    assert library.search(GUILD, "last goodbye")[0].story_id == out.story_id
    await library.edit(GUILD, out.story_id, actor_id=1, rating_level=RatingLevel.EXPLICIT)
    assert library.search(GUILD, "last goodbye", include_adult=False) == []
    assert await library.remove(GUILD, out.story_id, actor_id=1)
    assert library.search(GUILD, "last goodbye") == []
    with pytest.raises(LibraryError):
        await library.get(GUILD, out.story_id)


async def test_resolve_by_id_exact_title_typo_and_unknown(library):
    talk = await library.add_parsed(GUILD, story("Let's Talk"), actor_id=1)
    dreams = await library.add_parsed(GUILD, story("Walking in Dreams"), actor_id=1)
    await library.add_parsed(GUILD, story("Walking Home"), actor_id=1)
    assert (await library.resolve(GUILD, str(talk.story_id))).title == "Let's Talk"
    assert (await library.resolve(GUILD, "lets talk")).id == talk.story_id
    assert (await library.resolve(GUILD, "walking in dreams")).id == dreams.story_id
    assert (await library.resolve(GUILD, "Walkng in Dreams")).id == dreams.story_id
    with pytest.raises(LibraryError, match=r"No story called “walking”\. Did you mean: .*Walking"):
        await library.resolve(GUILD, "walking")
    with pytest.raises(LibraryError, match="No story called “zzzz qqqq”"):
        await library.resolve(GUILD, "zzzz qqqq")
    # an id from another guild is not a story here
    with pytest.raises(LibraryError):
        await library.resolve(OTHER_GUILD, str(talk.story_id))


async def test_suggestions_leave_out_adult_titles_when_asked(library):
    await library.add_parsed(
        GUILD, story("Walking in Dreams", level=RatingLevel.EXPLICIT), actor_id=1
    )
    with pytest.raises(LibraryError) as err:
        await library.resolve(GUILD, "walking dreamz nope", suggest_adult=False)
    assert "Walking in Dreams" not in str(err.value)


async def test_passages_walk_across_chapters(library):
    out = await library.add_parsed(GUILD, story("Long Road", chapters=3, paragraphs=6), actor_id=1)
    record = await library.get(GUILD, out.story_id)
    first = await library.passage(record)
    assert (first.chapter, first.number, first.chapter_count) == (1, 1, 3)
    assert first.chapter_heading == "Chapter 1"
    assert first.is_first and not first.is_last
    seen = [first.position]
    current = first
    while (current := await library.next_passage(record, current)) is not None:
        seen.append(current.position)
        last = current
    assert last.is_last
    assert [c for c, _ in seen] == sorted(c for c, _ in seen)
    assert {c for c, _ in seen} == {1, 2, 3}
    assert len(set(seen)) == len(seen)
    # and back again
    back = [last.position]
    current = last
    while (current := await library.previous_passage(record, current)) is not None:
        back.append(current.position)
    assert back == list(reversed(seen))


async def test_passage_choices_and_errors(library):
    out = await library.add_parsed(GUILD, story("Two Parts", chapters=2, paragraphs=8), actor_id=1)
    record = await library.get(GUILD, out.story_id)
    last = await library.passage(record, chapter=2, where=LAST)
    assert last.is_last
    rnd = await library.passage(record, where=RANDOM, rng=random.Random(3))
    assert 1 <= rnd.chapter <= 2
    with pytest.raises(LibraryError, match="pick one from 1 to 2"):
        await library.passage(record, chapter=5)
    with pytest.raises(LibraryError, match="from 1 to"):
        await library.passage(record, chapter=1, where=999)
    clamped = await library.passage(record, chapter=1, where=999, clamp=True)
    assert clamped.number == clamped.count
    # a remembered position past the end is clamped, not an error
    at = await library.passage_at(record, 9, 99)
    assert at.is_last


def test_overrides_replace_parsed_fields():
    s = story("Parsed Title")
    apply_overrides(s, {"title": "Moderator Title", "authors": "Someone", "rating_level": "Teen"})
    assert s.title == "Moderator Title"
    assert s.authors == ["Someone"]
    assert s.rating.level is RatingLevel.TEEN and not s.rating.inferred
    with pytest.raises(LibraryError, match="Cannot set colour"):
        apply_overrides(s, {"colour": "red"})
    with pytest.raises(LibraryError, match="Unknown rating"):
        apply_overrides(s, {"rating_level": "PG-13"})


def test_override_pairings_are_canonical_and_declared():
    s = story("Ships")
    apply_overrides(s, {"pairings": ["Spuffy", "B/A"]})
    assert [p.name for p in s.pairings] == ["Buffy Summers/Spike", "Angel/Buffy Summers"]
    assert not any(p.inferred for p in s.pairings)
    assert {"Buffy Summers", "Spike", "Angel"} <= set(s.characters)
    with pytest.raises(LibraryError, match="is not a pairing"):
        apply_overrides(s, {"pairings": ["Buffy & Willow"]})


async def test_a_rejected_file_changes_nothing(library):
    from bot.library.errors import StoryRejected

    with pytest.raises(StoryRejected):
        await library.add_file(GUILD, b"\x00\x01\x02binary", "x.txt", actor_id=1)
    with pytest.raises(StoryRejected):
        await library.add_file(GUILD, b"", "empty.txt", actor_id=1)
    assert len(library.indexes.get(GUILD)) == 0
    assert (await library.list_stories(GUILD))[1] == 0


async def test_add_file_parses_indexes_and_applies_overrides(library):
    data = ("Moonrise\nby Someone\n\n" + "Words in a paragraph here. " * 40 + "\n\n") * 3
    outcome = await library.add_file(
        GUILD, data.encode(), "moon.txt", actor_id=1, overrides={"title": "Moon Rising"}
    )
    assert outcome.action == "added"
    assert library.search(GUILD, "moon rising")[0].story_id == outcome.story_id
    again = await library.add_file(
        GUILD, data.encode(), "moon.txt", actor_id=1, overrides={"title": "Moon Rising"}
    )
    assert again.action == "unchanged" and len(library.indexes.get(GUILD)) == 1


async def test_known_names_compare_as_the_library_does(library: Library) -> None:
    named = story("Named")
    named.characters = ["Buffy Summers", "Spike"]
    await library.add_parsed(GUILD, named, actor_id=None)
    typed = ["BUFFY SUMMERS", "  spike ", "Nobody At All"]
    assert await library.known_names(GUILD, "character", typed) == set(typed[:2])
    assert await library.known_names(GUILD, "character", []) == set()
    assert await library.known_names(OTHER_GUILD, "character", typed) == set()


async def test_browse_counts_the_adult_stories_it_leaves_out(library: Library) -> None:
    await library.add_parsed(GUILD, story("Gentle"), actor_id=None)
    hot = story("Hot", author="Bea", level=RatingLevel.EXPLICIT)
    await library.add_parsed(GUILD, hot, actor_id=None)
    page = await library.browse(GUILD, include_adult=False, limit=10)
    assert [s.title for s in page.stories] == ["Gentle"] and page.total == 1
    assert page.hidden_adult == 1
    everything = await library.browse(GUILD, include_adult=True, limit=10)
    assert everything.total == 2 and everything.hidden_adult == 0
