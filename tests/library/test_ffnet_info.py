"""The one FanFiction.net info-line reader (text and HTML paths share it)."""

from __future__ import annotations

import pytest

from bot.library.model import Status
from bot.library.parse.ffnet_info import apply_info_line, read_info_line
from bot.library.parse.raw import RawStory

LINE = (
    "Rated: Fiction M - English - Romance/Hurt/Comfort - [Buffy S., Spike] Dawn S. - "
    "Chapters: 13 - Words: 45,678 - Reviews: 120 - Favs: 80 - Follows: 95 - "
    "Updated: 6/1/2012 - Published: 5/30/2012 - Status: Complete - id: 8123456"
)


def test_full_line():
    info = read_info_line(LINE)
    assert info is not None
    assert info.rating == "Fiction M"
    assert info.language == "English"
    assert info.genres == ["Romance", "Hurt/Comfort"]
    assert info.characters == ["Buffy S.", "Spike", "Dawn S."]
    assert info.relationships == ["Buffy S./Spike"]
    assert info.chapters == 13
    assert info.words == 45678
    assert info.complete and info.status is Status.COMPLETE
    assert info.story_id == "8123456"


def test_in_progress_one_shot_and_prefix_text():
    info = read_info_line("  Rated: K+ - Spanish - Humor - Chapters: 2 - Words: 900 - id: 5")
    assert info is not None
    assert (info.rating, info.language, info.genres) == ("K+", "Spanish", ["Humor"])
    assert info.status is Status.WIP and info.total_chapters == 2
    shot = read_info_line("Story info. Rated: Fiction T - English - Words: 1,000 - Complete")
    assert shot is not None and shot.complete and shot.total_chapters == 1


def test_old_ampersand_pairing():
    info = read_info_line("Rated: T - English - Drama - Harry P. & Hermione G. - Chapters: 5")
    assert info is not None
    assert info.relationships == ["Harry P./Hermione G."]


@pytest.mark.parametrize(
    "line", ["Rated: T", "Rated: T - for violence", "Rating: R - sex", "Nothing here"]
)
def test_not_an_info_line(line):
    assert read_info_line(line) is None


def test_apply_keeps_declared_values_and_records_rating_evidence():
    raw = RawStory(rating="PG", language="French")
    info = read_info_line(LINE)
    assert info is not None
    apply_info_line(raw, info)
    assert raw.rating == "PG"
    assert raw.rating_evidence == ["Fiction M"]
    assert raw.language == "French"
    assert raw.total_chapters == 13
    assert raw.status_declared is Status.COMPLETE
