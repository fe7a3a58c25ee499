"""Series in the store: written on import, per guild, out of reads while trashed, and the
declared values kept only when they are ones a series can have."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.library.model import RatingLevel
from bot.library.store import Store
from bot.library.store.prepare import series_name, series_part
from tests.library.test_store import G1, G2, MOD, make_story


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "library.db")
    yield s
    await s.close()


def part(title: str, number: int | None, *, series: str = "Dark Days", **options) -> object:
    return replace(make_story(title, seed=title, **options), series=series, series_part=number)


async def test_parts_in_order_per_guild_and_not_while_trashed(store: Store) -> None:
    two = await store.stories.import_story(G1, part("Two", 2), actor_id=MOD)
    none = await store.stories.import_story(G1, part("Extra", None), actor_id=MOD)
    one = await store.stories.import_story(G1, part("One", 1, series="dark  days"), actor_id=MOD)
    await store.stories.import_story(G2, part("Elsewhere", 1), actor_id=MOD)
    adult = await store.stories.import_story(
        G1, part("Only", 1, series="Velvet", level=RatingLevel.EXPLICIT), actor_id=MOD
    )

    parts = await store.series.parts(G1, "DARK DAYS")
    assert [p.id for p in parts] == [one.story_id, two.story_id, none.story_id]
    assert [(p.series, p.series_part) for p in parts][:2] == [("dark days", 1), ("Dark Days", 2)]
    assert await store.series.names(G1) == ["Dark Days", "Velvet"]  # most parts first
    assert await store.series.names(G1, "vel", include_adult=False) == []
    assert await store.series.names(G1, "50%") == []  # LIKE wildcards are plain text

    await store.trash.put(G1, two.story_id, actor_id=MOD)
    assert [p.id for p in await store.series.parts(G1, "Dark Days")] == [
        one.story_id,
        none.story_id,
    ]
    await store.trash.put(G1, adult.story_id, actor_id=MOD)
    assert await store.series.names(G1, "vel") == []


def test_only_values_a_series_can_have_are_kept() -> None:
    assert series_name("  Dark \n Days ") == "Dark Days"
    assert series_name("") is None and series_name("x" * 201) is None
    assert series_part(3) == 3
    assert series_part(0) is None and series_part(-1) is None and series_part(10_001) is None
