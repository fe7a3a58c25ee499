"""The playground's demo library (data/demo/): what it promises a newcomer holds."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.demo import DEMO_DIR, load_ratings, story_files
from bot.library.model import RatingLevel, Status
from bot.library.parse import parse_story

DEMO_FILES = [p for p in story_files() if p.parent == DEMO_DIR]


@pytest.fixture(scope="module")
def stories() -> dict[str, object]:
    return {p.name: parse_story(p.read_bytes(), p.name) for p in DEMO_FILES}


def test_at_least_forty_stories_in_the_formats_the_parser_reads(stories) -> None:
    assert len(stories) >= 40
    kinds = Counter(name.rsplit(".", 1)[1] for name in stories)
    assert kinds["txt"] > kinds["html"] >= 2 and kinds["md"] >= 2
    for name, story in stories.items():
        assert story.title and story.authors, name
        assert not story.rating.inferred, f"{name}: the demo declares every rating"


def test_every_rating_status_shape_and_a_series(stories) -> None:
    levels = Counter(s.rating.level for s in stories.values())
    assert set(levels) == set(RatingLevel), levels
    statuses = {s.status for s in stories.values()}
    assert {Status.COMPLETE, Status.WIP} <= statuses
    assert any(len(s.chapters) == 1 for s in stories.values())
    assert sum(len(s.chapters) > 1 for s in stories.values()) >= 5
    pairings = {p.name for s in stories.values() for p in s.pairings}
    assert len(pairings) >= 15
    fandoms = {f for s in stories.values() for f in s.fandoms}
    assert len(fandoms) >= 6
    series = [f.read_text(encoding="utf-8") for f in DEMO_FILES if "Series: Part" in f.read_text()]
    assert len(series) >= 3


def test_ratings_name_demo_stories_and_are_valid(stories) -> None:
    members, ratings = load_ratings()
    assert len(members) >= 8 and len(ratings) >= 60
    titles = {s.display_title for s in stories.values()} | {
        "Let's Talk",
        "Final Parting",
        "Walking in Dreams",
    }
    for rating in ratings:
        assert rating.story in titles, rating
        assert 1 <= rating.stars <= 5
        assert rating.review is None or len(rating.review) <= 300
    per_story = Counter(r.story for r in ratings)
    assert sum(n >= 2 for n in per_story.values()) >= 15  # /top lists stories with 2+
    assert len({(r.member, r.story) for r in ratings}) == len(ratings)  # one each
