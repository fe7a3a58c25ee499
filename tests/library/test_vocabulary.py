"""The one vocabulary's applier: values that are ratings wherever they sit, genre lists
and category codes, site senses of a label."""

from __future__ import annotations

import pytest

from bot.library.parse import parse_story
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled, is_rating


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        ("Explicit", True),
        ("NC-17", True),
        ("Teen And Up Audiences", True),
        ("Rated R", True),
        ("Adultes", True),
        ("X-Men", False),
        ("Teen Wolf", False),
        ("Mature Themes", False),
        ("None", False),
        ("M", False),  # one letter says too little out of context
        ("Romance", False),
    ],
)
def test_is_rating(value: str, rating: bool) -> None:
    assert is_rating(value) is rating


def test_a_rating_among_keywords_is_rating_evidence() -> None:
    raw = RawStory()
    apply_labelled(raw, "Keywords", "MSR, NC-17, casefile")
    assert "NC-17" in raw.rating_evidence
    post = (
        "Title: Cold Comfort\nKeywords: MSR, NC-17, angst\n\n"
        "Scully did not sleep that night, and neither did Mulder, for reasons of his own.\n"
    )
    story = parse_story(post.encode(), "cold.txt")
    assert story.rating.level.value == "Explicit"


def test_genre_lists_split_but_category_codes_stay_whole() -> None:
    raw = RawStory()
    apply_labelled(raw, "Genre", "Romance/Hurt/Comfort, F/M, Angst")
    assert raw.tags == ["Romance", "Hurt/Comfort", "F/M", "Angst"]
