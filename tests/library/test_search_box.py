"""The one search box: filter words, titles, summaries and tags, typos, the adult rule."""

from __future__ import annotations

import dataclasses

import pytest

from bot.library.model import Chapter, Pairing, ParsedStory, Rating, RatingLevel, Status
from bot.library.service import Library

GUILD = 1
OTHER_GUILD = 2
SPUFFY = Pairing(name="Buffy Summers/Spike", characters=["Buffy Summers", "Spike"])
BANGEL = Pairing(name="Angel/Buffy Summers", characters=["Angel", "Buffy Summers"])


def story(
    title: str,
    *,
    summary: str | None = None,
    tags: tuple[str, ...] = (),
    pairing: Pairing | None = None,
    status: Status = Status.COMPLETE,
    level: RatingLevel = RatingLevel.GENERAL,
) -> ParsedStory:
    text = f"{title}. " + "The night went on. " * 40
    return ParsedStory(
        title=title,
        authors=["Jojo"],
        rating=Rating(declared=level.value, level=level, inferred=False),
        pairings=[pairing] if pairing else [],
        characters=list(pairing.characters) if pairing else [],
        chapters=[Chapter(number=1, label="Chapter 1", title=None, text=text)],
        tags=list(tags),
        summary=summary,
        status=status,
    )


@pytest.fixture
async def library(tmp_path):
    lib = await Library.open(tmp_path / "lib.db")
    yield lib
    await lib.close()


async def ids_of(lib: Library, query: str, **options) -> tuple[str, list[str]]:
    box, stories, _hidden = await lib.search_box(GUILD, query, **options)
    return box.describe(), [s.title for s in stories]


async def put(lib: Library, parsed: ParsedStory, guild: int = GUILD) -> int:
    return (await lib.add_parsed(guild, parsed, actor_id=9)).story_id


async def test_ship_name_status_and_a_tag_word(library):
    await put(library, story("Cold Light", tags=("Angst",), pairing=SPUFFY, status=Status.WIP))
    await put(library, story("Warm Light", tags=("Fluff",), pairing=SPUFFY, status=Status.WIP))
    await put(library, story("Done Deal", tags=("Angst",), pairing=SPUFFY))
    await put(library, story("Other Ship", tags=("Angst",), pairing=BANGEL, status=Status.WIP))
    described, titles = await ids_of(library, "spuffy angst wip")
    assert titles == ["Cold Light"]
    assert described == "pairing Buffy Summers/Spike · WIP"
    # either order and initials name the same pairing; filters alone list every match
    for typed in ("spike/buffy wip", "Spuffy WIP", "wip buffy/spike"):
        assert sorted((await ids_of(library, typed))[1]) == ["Cold Light", "Warm Light"], typed
    assert (await ids_of(library, "B/A angst"))[1] == ["Other Ship"]
    assert (await ids_of(library, "complete"))[1] == ["Done Deal"]


async def test_summary_words_with_typos_and_titles_first(library):
    await put(library, story("Graveyard Shift", summary="A slayer patrols the cemetery alone."))
    await put(library, story("Cemetery Gates", summary="Nothing about graves."))
    await put(library, story("Sunnydale Nights", summary="Patrols and cemetery walks."))
    _d, titles = await ids_of(library, "cemetary")  # typo: corrected against the vocabulary
    assert titles[0] == "Cemetery Gates"  # the title match ranks first
    assert set(titles) == {"Cemetery Gates", "Graveyard Shift", "Sunnydale Nights"}
    _d, titles = await ids_of(library, "slayre patrols")
    assert titles == ["Graveyard Shift"]


async def test_characters_and_ratings_are_filters(library):
    await put(library, story("Night Watch", pairing=SPUFFY, level=RatingLevel.TEEN))
    await put(library, story("Night Fall", pairing=BANGEL))
    assert (await ids_of(library, "night spike"))[1] == ["Night Watch"]
    assert (await ids_of(library, "night angel"))[1] == ["Night Fall"]
    assert (await ids_of(library, "buffy summers teen")) == (
        "character Buffy Summers · rated Teen",
        ["Night Watch"],
    )


async def test_adult_stories_stay_out_and_are_counted(library):
    await put(library, story("Dark Hours", tags=("Angst",), level=RatingLevel.EXPLICIT))
    _box, stories, hidden = await library.search_box(GUILD, "angst", include_adult=False)
    assert stories == [] and hidden
    _box, stories, _hidden = await library.search_box(GUILD, "angst", include_adult=True)
    assert [s.title for s in stories] == ["Dark Hours"]
    # other guilds' stories never show, even when their words correct a typo
    await put(library, dataclasses.replace(story("Elsewhere"), tags=["Zombies"]), OTHER_GUILD)
    assert (await ids_of(library, "zombies"))[1] == []


async def test_nothing_and_fts_syntax_are_safe(library):
    await put(library, story("Plain"))
    for query in ('"', "NEAR(a b)", "*", "title: x OR y", "qwxz"):
        assert (await ids_of(library, query))[1] == [], query
