"""Recommendations (content, co-likes, community) through the real Library in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.errors import LibraryError
from bot.library.model import Chapter, Pairing, ParsedStory, Rating, RatingLevel, Status
from bot.library.recommend import ReasonKind, resolve_pairing
from bot.library.recommend.taste import build_taste
from bot.library.service import Library

G = 7
READER, OTHER, THIRD = 100, 200, 300
SPUFFY = "Buffy Summers/Spike"
BANGEL = "Angel/Buffy Summers"
WILLARA = "Tara Maclay/Willow Rosenberg"


def story(
    title: str,
    *,
    pairing: str | None = None,
    author: str = "Writer",
    level: RatingLevel = RatingLevel.GENERAL,
    words: int = 1000,
    status: Status = Status.COMPLETE,
    characters: tuple[str, ...] = (),
) -> ParsedStory:
    chars = sorted({*characters, *(pairing.split("/") if pairing else ())})
    key = "".join(ch for ch in f"{title}{author}".lower() if ch.isalnum())  # its own text
    text = " ".join(f"{key}{i}" for i in range(words))
    return ParsedStory(
        title=title,
        authors=[author],
        rating=Rating(declared=level.value, level=level, inferred=False),
        pairings=[Pairing(pairing, sorted(pairing.split("/")))] if pairing else [],
        characters=chars,
        chapters=[Chapter(number=1, label="Chapter 1", title=None, text=text)],
        status=status,
    )


@pytest.fixture
async def store(tmp_path: Path):
    """The Library (named `store` for brevity: rate, recommend and add go through it)."""
    library = await Library.open(tmp_path / "library.db")
    yield library
    await library.close()


async def add(library: Library, parsed: ParsedStory) -> int:
    return (await library.add_parsed(G, parsed, actor_id=None)).story_id


async def recommend(library: Library, guild_id: int, user_id: int, **options):
    return await library.recommend(guild_id, user_id, **options)


def titles(result) -> list[str]:
    return [r.story.title for r in result.picks]


async def test_liked_pairing_ranks_first_and_names_the_liked_story(store):
    liked = await add(store, story("Once More With Feeling", pairing=SPUFFY))
    await add(store, story("Another Spuffy", pairing=SPUFFY, author="B"))
    await add(store, story("Willow Things", pairing=WILLARA, author="C"))
    popular = await add(store, story("Popular Bangel", pairing=BANGEL, author="D"))
    await store.rate(G, liked, READER, 5)
    for user in (OTHER, THIRD):
        await store.rate(G, popular, user, 5)
    result = await recommend(store, G, READER)
    assert not result.cold_start and result.ratings == 1
    assert titles(result)[0] == "Another Spuffy"
    assert "Once More With Feeling" not in titles(result)  # already rated
    top = result.picks[0]
    assert top.explain() == "because you rated *Once More With Feeling* ★5 — Buffy Summers/Spike"
    assert top.reasons[0].kind is ReasonKind.PAIRING and top.reasons[0].source.id == liked
    # the community favourite comes next: it shares Buffy, and the server loves it
    assert titles(result)[1] == "Popular Bangel"
    assert "rated" in result.picks[1].explain() and "on the server" in result.picks[1].explain()


async def test_disliked_pairing_sinks_below_unknown_ones(store):
    hated = await add(store, story("Bad Bangel", pairing=BANGEL))
    await add(store, story("More Bangel", pairing=BANGEL, author="B"))
    await add(store, story("Willow Things", pairing=WILLARA, author="C"))
    await add(store, story("Gen Fic", author="D", characters=("Xander Harris",)))
    await store.rate(G, hated, READER, 1)
    result = await recommend(store, G, READER)
    assert titles(result)[-1] == "More Bangel"
    assert result.picks[-1].reasons[-1].kind is ReasonKind.CAUTION
    assert "you rated *Bad Bangel* ★1" in result.picks[-1].explain()


async def test_three_stars_is_neutral_and_rated_stories_are_excluded(store):
    meh = await add(store, story("Meh", pairing=SPUFFY))
    other = await add(store, story("Other", pairing=WILLARA, author="B"))
    await store.rate(G, meh, READER, 3)
    catalog = await store.discovery.catalog(G)
    taste = build_taste(catalog, catalog.ratings_of(READER))
    assert taste.empty and list(taste.rated) == [catalog.position(meh)]
    # neutral taste = cold start: the top rated, without what the reader rated
    await store.rate(G, other, OTHER, 4)
    await store.rate(G, meh, OTHER, 5)
    result = await recommend(store, G, READER)
    assert result.cold_start and titles(result) == ["Other"]
    # a loved story with no pairings or characters says nothing about ships either
    gen = await add(store, story("Plain Gen", author="C"))
    await store.rate(G, gen, READER, 5)
    result = await recommend(store, G, READER)
    assert result.cold_start and result.ratings == 2 and titles(result) == ["Other"]


async def test_cold_start_is_the_servers_top_rated(store):
    ids = {}
    for n, title in enumerate(("Best", "Good", "Fine", "Unrated")):
        ids[title] = await add(store, story(title, author=f"A{n}"))
    for user in (OTHER, THIRD, 400):
        await store.rate(G, ids["Best"], user, 5)
    await store.rate(G, ids["Good"], OTHER, 5)
    await store.rate(G, ids["Fine"], OTHER, 2)
    result = await recommend(store, G, READER)
    assert result.cold_start
    assert titles(result) == ["Best", "Good", "Fine"]
    top = [s.title for s, _ in (await store.top(G, min_ratings=1))[0]]
    assert titles(result) == top
    assert result.picks[0].explain() == "rated ★ 5.0 on the server (3 ratings)"
    empty = await recommend(store, 999, READER)
    assert empty.cold_start and empty.picks == []


async def test_named_pairing_counts_without_ratings_and_only_named_filters(store):
    await add(store, story("Willow Things", pairing=WILLARA))
    await add(store, story("Spuffy One", pairing=SPUFFY, author="B"))
    await add(store, story("Bangel One", pairing=BANGEL, author="C"))
    assert await resolve_pairing(store._store, G, "spike / buffy summers") == SPUFFY
    # the fandom tables' ship name:
    assert await resolve_pairing(store._store, G, "Spuffy") == SPUFFY
    assert (
        await resolve_pairing(store._store, G, "Spike/Buffy") == SPUFFY
    )  # short names, either order
    with pytest.raises(LibraryError, match="No stories with the pairing “Xander/Cordelia”"):
        await resolve_pairing(store._store, G, "Xander/Cordelia")
    with pytest.raises(LibraryError, match="Did you mean: “Buffy Summers/Spike”"):
        await resolve_pairing(store._store, G, "Buffy Summers/Dracula")
    result = await recommend(store, G, READER, pairings=["Spike/Buffy"])
    assert not result.cold_start and result.named == [SPUFFY]
    assert titles(result)[0] == "Spuffy One"
    assert result.picks[0].explain() == "matches Buffy Summers/Spike, the pairing you asked for"
    assert set(titles(result)) == {"Spuffy One", "Bangel One", "Willow Things"}
    only = await recommend(store, G, READER, pairings=["spuffy"], only_named=True)
    assert titles(only) == ["Spuffy One"]


async def test_adult_stories_are_neither_picked_nor_quoted_unless_allowed(store):
    hot = await add(store, story("Hot Spuffy", pairing=SPUFFY, level=RatingLevel.EXPLICIT))
    await add(store, story("Spicy Spuffy", pairing=SPUFFY, level=RatingLevel.MATURE, author="B"))
    await add(store, story("Sweet Spuffy", pairing=SPUFFY, author="C"))
    await store.rate(G, hot, READER, 5)
    safe = await recommend(store, G, READER, include_adult=False)
    assert titles(safe) == ["Sweet Spuffy"] and safe.hidden_adult
    assert safe.picks[0].explain() == "because you liked Buffy Summers/Spike stories"
    everything = await recommend(store, G, READER, include_adult=True)
    assert set(titles(everything)) == {"Sweet Spuffy", "Spicy Spuffy"}
    assert not everything.hidden_adult
    assert "*Hot Spuffy* ★5" in everything.picks[0].explain()


async def test_character_overlap_and_length_and_status_break_even_scores(store):
    liked = await add(
        store, story("Willow Solo", author="A", characters=("Willow Rosenberg",), words=3000)
    )
    await add(
        store, story("Willow Again", author="B", characters=("Willow Rosenberg",), words=3000)
    )
    await add(
        store,
        story(
            "Willow Epic WIP",
            author="C",
            characters=("Willow Rosenberg",),
            words=60000,
            status=Status.WIP,
        ),
    )
    await add(store, story("Xander Solo", author="D", characters=("Xander Harris",), words=3000))
    await store.rate(G, liked, READER, 4)
    result = await recommend(store, G, READER)
    assert titles(result) == ["Willow Again", "Willow Epic WIP", "Xander Solo"]
    assert result.picks[0].explain() == "because you rated *Willow Solo* ★4 — Willow Rosenberg"
    assert result.picks[2].explain() == "new to you"


async def test_one_author_does_not_fill_the_list_and_ties_are_stable(store):
    liked = await add(store, story("Seed", pairing=SPUFFY, author="Someone"))
    for n in range(5):
        await add(store, story(f"Prolific {n}", pairing=SPUFFY, author="Prolific"))
    await add(store, story("Lone Voice", pairing=SPUFFY, author="Lone"))
    await add(store, story("Unrelated", pairing=WILLARA, author="Other"))
    await store.rate(G, liked, READER, 5)
    result = await recommend(store, G, READER, count=4)
    assert titles(result) == ["Lone Voice", "Prolific 0", "Prolific 1", "Unrelated"]
    again = await recommend(store, G, READER, count=4)
    assert titles(again) == titles(result)
    whole = await recommend(store, G, READER, count=10)
    assert titles(whole)[:4] == ["Lone Voice", "Prolific 0", "Prolific 1", "Unrelated"]
    assert titles(whole)[4:] == ["Prolific 2", "Prolific 3", "Prolific 4"]
    with pytest.raises(LibraryError, match="1 to 25"):
        await recommend(store, G, READER, count=0)


async def test_taste_likes_and_dislikes_by_name(store):
    a = await add(store, story("A", pairing=SPUFFY))
    b = await add(store, story("B", pairing=BANGEL))
    await store.rate(G, a, READER, 5)
    await store.rate(G, b, READER, 2)
    catalog = await store.discovery.catalog(G)
    taste = build_taste(catalog, catalog.ratings_of(READER))
    names = catalog.features["pairing"].names
    pairing = {names[k]: v for k, v in taste.affinity["pairing"].items()}
    assert pairing[SPUFFY] > 0 > pairing[BANGEL]
    chars = catalog.features["character"].names
    character = {chars[k]: v for k, v in taste.affinity["character"].items()}
    # Buffy is in both: one ★5 and one ★2 nearly cancel; Spike is liked
    assert character["Spike"] > abs(character["Buffy Summers"])
