"""The daily pick (`/settings daily-pick channel hour`): when a guild's pick is due and
which story it features. Plain data in, plain data out — the store claims the day and
records the outcome (`store/featured.py`), the bot posts it.

**When.** Every day at `hour`:00 UTC (hours are UTC: the bot has no per-server time
zone). A pick is due from that moment until the end of the UTC day, so a bot that was
down at the hour posts once when it comes back the same day; a day it was down
entirely is skipped, never made up later. A schedule set after its hour has passed
starts the next day (setting it never posts at once). One pick per guild and day,
whatever happens: the day is claimed in the transaction that chooses the story.

**Which.** "Well rated" is the Bayesian average the server's top list uses
(`store.readers.bayesian`: the guild's mean as the prior, weight 3): a story qualifies
with at least `MIN_RATINGS` ratings and an average of at least `WELL_RATED` stars.
When none does, a story with a single rating of at least `LONE_RATING` stars may be
featured instead. Never: a story featured in the last `FEATURE_GAP_DAYS` days, a story
in the trash, an adult story (Mature / Explicit / Not Rated) unless the channel is
age-restricted. Among those that qualify, one of the `SHORTLIST` best is drawn at
random, better ones more often (weights 5, 4, 3, 2, 1), seeded by guild and day so the
choice is reproducible. When nothing qualifies there is no pick that day: nothing is
posted and the library log says so.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.library.errors import LibraryError
from bot.library.records import DailySchedule

FEATURE_GAP_DAYS = 30  # a featured story is not featured again for this many days
MIN_RATINGS = 2
WELL_RATED = 3.5  # stars (Bayesian average) a story with MIN_RATINGS or more needs
LONE_RATING = 4  # the fallback: a story rated once, at least this many stars
SHORTLIST = 5
HOURS = range(24)
TIMEZONE = "UTC"
DAILY_PICK = "daily_pick"  # the guild setting holding the schedule


def check_hour(hour: int) -> int:
    """`hour` when it is 0-23; LibraryError saying what is allowed otherwise."""
    if isinstance(hour, bool) or not isinstance(hour, int) or hour not in HOURS:
        raise LibraryError(
            f"{hour} is not an hour of the day: give a whole hour from 0 to 23 "
            f"({TIMEZONE}; for example 18 for 18:00 {TIMEZONE})."
        )
    return hour


def new_schedule(channel_id: int, hour: int, now: datetime) -> DailySchedule:
    """A schedule set at `now`: due today when its hour is still to come, else tomorrow."""
    check_hour(hour)
    now = now.astimezone(UTC)
    first = now.date() if now.hour < hour else now.date() + timedelta(days=1)
    return DailySchedule(channel_id=channel_id, hour=hour, first_day=first)


def recent_window(day: date) -> date:
    """The first day of the window in which a story featured then blocks `day`'s pick."""
    return day - timedelta(days=FEATURE_GAP_DAYS - 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story that may be featured: its id and its ratings (count, sum of stars)."""

    story_id: int
    count: int
    total: int


def ranked(candidates: Iterable[Candidate], guild_mean: float) -> list[Candidate]:
    """The candidates that are well rated, best first (falling back to strong lone
    ratings when none is): Bayesian average, then more ratings, then the older id."""
    from bot.library.store.readers import bayesian  # the store imports this module

    pool = list(candidates)
    good = [
        c
        for c in pool
        if c.count >= MIN_RATINGS and bayesian(c.count, c.total, guild_mean) >= WELL_RATED
    ]
    if not good:
        good = [c for c in pool if c.count == 1 and c.total >= LONE_RATING]
    return sorted(
        good, key=lambda c: (-bayesian(c.count, c.total, guild_mean), -c.count, c.story_id)
    )


def choose(candidates: Sequence[Candidate], guild_mean: float, seed: str) -> int | None:
    """The story to feature (one of the best few, better ones more often), or None."""
    best = ranked(candidates, guild_mean)[:SHORTLIST]
    if not best:
        return None
    weights = [len(best) - i for i in range(len(best))]
    return random.Random(seed).choices(best, weights=weights)[0].story_id
