"""The trash in the store: out of every guild-scoped read, restorable, expiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.library.store import Store
from bot.library.store.trash import KEEP_DAYS
from tests.library.test_store import G1, MOD, make_story


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "library.db")
    yield s
    await s.close()


async def test_a_trashed_story_is_out_of_lists_and_counts_until_restored(store: Store) -> None:
    added = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    await store.readers.rate(G1, added.story_id, 7, 4, "Good", keep_review=True)

    trashed = await store.trash.put(G1, added.story_id, actor_id=MOD)

    assert trashed is not None and trashed.title == "Let's Talk"
    assert await store.stories.get_story(G1, added.story_id) is None
    assert (await store.listings.list_stories(G1))[1] == 0
    assert await store.listings.facet_values(G1, "pairing") == []
    assert await store.stories.guild_ids() == []
    assert [e.story.id for e in await store.trash.entries(G1)] == [added.story_id]
    assert await store.trash.put(G1, added.story_id, actor_id=MOD) is None  # already there

    restored = await store.trash.restore(G1, added.story_id, actor_id=MOD)
    assert restored is not None and restored.guild_id == G1
    assert (await store.readers.user_rating(added.story_id, 7)).review == "Good"
    assert await store.trash.entries(G1) == []
    actions = [e.action for e in await store.audit.entries(G1, limit=5)]
    assert actions[:2] == ["restored", "trashed"]


async def test_the_trash_expires_after_keep_days(store: Store) -> None:
    added = await store.stories.import_story(G1, make_story(), actor_id=MOD)
    await store.trash.put(G1, added.story_id, actor_id=MOD)

    assert await store.trash.expire(G1) == []
    later = datetime.now(UTC) + timedelta(days=KEEP_DAYS, minutes=1)
    gone = await store.trash.expire(G1, now=later)

    assert [r.id for r in gone] == [added.story_id]
    assert await store.trash.entries(G1) == []
    assert await store.trash.restore(G1, added.story_id, actor_id=MOD) is None
