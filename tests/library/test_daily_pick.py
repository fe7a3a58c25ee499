"""The daily pick's rule (plain data) and its record in the library: claimed once per guild
and day, no story featured twice within 30 days, adult stories only when allowed, never
a trashed story, nothing when nothing qualifies."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.library import Library
from bot.library.daily_pick import (
    FEATURE_GAP_DAYS,
    Candidate,
    DailySchedule,
    check_hour,
    choose,
    new_schedule,
    ranked,
)
from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from tests.library.test_store import G1, G2, MOD, make_story

CHANNEL = 555
DAY = date(2030, 3, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# ---- the rule, plain data --------------------------------------------------------------


def test_well_rated_needs_enough_ratings_and_a_good_damped_average() -> None:
    pool = [
        Candidate(1, 10, 48),  # ten ratings averaging 4.8
        Candidate(2, 1, 5),  # a lone 5: not enough ratings while better-rated ones exist
        Candidate(3, 4, 8),  # averaging 2: not well rated
        Candidate(4, 3, 15),  # three 5s: below ten 4.8s once damped
    ]
    assert [c.story_id for c in ranked(pool, guild_mean=3.0)] == [1, 4]


def test_strong_lone_ratings_are_the_fallback_and_weak_ones_never_qualify() -> None:
    assert [c.story_id for c in ranked([Candidate(7, 1, 5), Candidate(8, 1, 4)], 3.0)] == [7, 8]
    assert ranked([Candidate(7, 1, 3), Candidate(8, 3, 6)], 3.0) == []
    assert choose([Candidate(7, 1, 2)], 3.0, seed="x") is None
    assert choose([], 3.0, seed="x") is None


def test_choice_is_among_the_best_few_reproducible_and_varied() -> None:
    pool = [Candidate(i, 5, 5 * 5 - (i % 7)) for i in range(1, 40)]
    best = {c.story_id for c in ranked(pool, 3.0)[:5]}
    picks = [choose(pool, 3.0, seed=f"{G1}:{d}") for d in range(60)]
    assert set(picks) <= best
    assert len(set(picks)) >= 3  # variety from day to day
    assert choose(pool, 3.0, seed="same") == choose(pool, 3.0, seed="same")


def test_hours_are_0_to_23_and_a_late_schedule_starts_tomorrow() -> None:
    for bad in (-1, 24, 99):
        with pytest.raises(LibraryError, match="from 0 to 23"):
            check_hour(bad)
    early = new_schedule(CHANNEL, 9, at(DAY, 8, 30))
    assert early.first_day == DAY and early.due_day(at(DAY, 8, 59)) is None
    assert early.due_day(at(DAY, 9)) == DAY and early.due_day(at(DAY, 23, 59)) == DAY
    late = new_schedule(CHANNEL, 9, at(DAY, 9, 0))
    assert late.first_day == DAY + timedelta(days=1)
    assert late.due_day(at(DAY, 12)) is None
    assert late.next_post(at(DAY, 12)) == at(DAY + timedelta(days=1), 9)
    assert early.next_post(at(DAY, 8, 30)) == at(DAY, 9)
    assert DailySchedule.from_json(early.to_json()) == early
    assert DailySchedule.from_json({"channel_id": 1, "hour": 30, "first_day": "2030-01-01"}) is None
    assert DailySchedule.from_json("junk") is None


# ---- in the library ----------------------------------------------------------------------


@pytest.fixture
async def library(tmp_path: Path):
    lib = await Library.open(tmp_path / "library.db", watch=False)
    yield lib
    await lib.close()


async def add_rated(
    library: Library, title: str, stars: list[int], *, level=RatingLevel.TEEN, guild: int = G1
) -> int:
    outcome = await library.add_parsed(
        guild, make_story(title, level=level, seed=title), actor_id=MOD
    )
    for reader, n in enumerate(stars, start=1000):
        await library.rate(guild, outcome.story_id, reader, n)
    return outcome.story_id


async def feature(library: Library, day: date, *, adult: bool = False, guild: int = G1):
    """Claim `day`'s pick the way the bot does; the story id (None: nothing qualified)."""
    due = [d for d in await library.daily_picks_due(at(day, 10)) if d.guild_id == guild]
    assert len(due) == 1 and due[0].day == day
    claim = await library.claim_daily_pick(due[0], age_restricted=adult, now=at(day, 10))
    assert claim.claimed
    if claim.story is None:
        return None
    await library.daily_pick_done(guild, day, now=at(day, 10), message_id=1)
    return claim.story.id


async def test_no_story_is_featured_twice_within_30_days(library: Library) -> None:
    ids = {await add_rated(library, f"Good {n}", [5, 5, 4]) for n in range(3)}
    await library.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)

    picks = [await feature(library, DAY + timedelta(days=n)) for n in range(FEATURE_GAP_DAYS + 1)]

    assert set(picks[:3]) == ids  # three different stories on the first three days
    assert picks[3:FEATURE_GAP_DAYS] == [None] * (FEATURE_GAP_DAYS - 3)
    assert picks[FEATURE_GAP_DAYS] == picks[0]  # 30 days later the first may come back
    log = await library.audit_log(G1, limit=100)
    nothing = [e for e in log if e.action == "daily_pick" and e.detail["status"] == "none"]
    assert len(nothing) == FEATURE_GAP_DAYS - 3


async def test_a_day_is_claimed_once_even_by_two_libraries_at_once(tmp_path: Path) -> None:
    first = await Library.open(tmp_path / "shared.db", watch=False)
    second = await Library.open(tmp_path / "shared.db", watch=False)
    try:
        await add_rated(first, "Only One", [5, 5])
        await first.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)
        (due_a,) = await first.daily_picks_due(at(DAY, 9))
        (due_b,) = await second.daily_picks_due(at(DAY, 9))
        claims = await asyncio.gather(
            first.claim_daily_pick(due_a, age_restricted=False, now=at(DAY, 9)),
            second.claim_daily_pick(due_b, age_restricted=False, now=at(DAY, 9)),
        )
        assert sorted(c.claimed for c in claims) == [False, True]
        assert await first.daily_picks_due(at(DAY, 12)) == []  # claimed: no longer due
        (row,) = await second.featured(G1)
        assert row.status == "claimed" and row.day == DAY
    finally:
        await first.close()
        await second.close()


async def test_adult_stories_only_when_allowed_and_trashed_ones_never(library: Library) -> None:
    adult = await add_rated(library, "After Dark", [5, 5, 5], level=RatingLevel.EXPLICIT)
    unrated = await add_rated(library, "Unknown", [5, 5, 5], level=RatingLevel.NOT_RATED)
    trashed = await add_rated(library, "Gone", [5, 5, 5])
    await library.trash_story(G1, trashed, actor_id=MOD)
    await library.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)

    assert await feature(library, DAY) is None  # ordinary channel: nothing may be shown
    assert await feature(library, DAY + timedelta(days=1), adult=True) in {adult, unrated}


async def test_an_extra_safe_guild_never_features_an_adult_story(library: Library) -> None:
    await add_rated(library, "After Dark", [5, 5, 5], level=RatingLevel.EXPLICIT)
    await library.set_setting(G1, "extra_safe", True, actor_id=MOD)
    await library.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)

    assert await feature(library, DAY, adult=True) is None  # even age-restricted


async def test_schedules_are_per_guild_and_off_stops_them(library: Library) -> None:
    await add_rated(library, "Mine", [5, 5], guild=G1)
    await add_rated(library, "Theirs", [5, 5], guild=G2)
    await library.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)
    await library.set_daily_pick(G2, CHANNEL + 1, 15, now=at(DAY, 8), actor_id=MOD)

    assert [d.guild_id for d in await library.daily_picks_due(at(DAY, 10))] == [G1]
    assert {d.guild_id for d in await library.daily_picks_due(at(DAY, 15))} == {G1, G2}
    assert await library.set_daily_pick(G1, None, None, now=at(DAY, 8), actor_id=MOD) is None
    assert (await library.settings(G1)).daily_pick is None
    assert [d.guild_id for d in await library.daily_picks_due(at(DAY, 15))] == [G2]
    with pytest.raises(LibraryError, match="from 0 to 23"):
        await library.set_daily_pick(G2, CHANNEL, 24, now=at(DAY, 8), actor_id=MOD)
    assert (await library.settings(G2)).daily_pick.hour == 15  # nothing half-written


async def test_a_failed_post_is_recorded_and_its_story_may_be_picked_again(
    library: Library,
) -> None:
    story = await add_rated(library, "Only One", [5, 5])
    await library.set_daily_pick(G1, CHANNEL, 9, now=at(DAY, 8), actor_id=MOD)
    (due,) = await library.daily_picks_due(at(DAY, 9))
    claim = await library.claim_daily_pick(due, age_restricted=False, now=at(DAY, 9))
    await library.daily_pick_done(G1, DAY, now=at(DAY, 9), failure="the channel is gone")

    (row,) = await library.featured(G1)
    assert (row.status, row.detail, row.story_id) == ("failed", "the channel is gone", story)
    (entry,) = [e for e in await library.audit_log(G1) if e.action == "daily_pick"]
    assert entry.detail["reason"] == "the channel is gone" and entry.story_id == story
    assert claim.story is not None and claim.story.id == story
    assert await feature(library, DAY + timedelta(days=1)) == story  # it was never shown
