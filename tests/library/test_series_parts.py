"""A title or header that names its part declares a part of a series (issue 10 item 7):
"Part III", "Part 3", "Pt. 2", "(part 2 of 5)"; the series name is the title without
the marker. Chapter headings "Part 3" in the body are chapters, not parts."""

from __future__ import annotations

import pytest

from bot.library.parse import parse_story
from bot.library.parse.series import part_number, read_series, title_part


@pytest.mark.parametrize(
    ("title", "declared"),
    [
        ("Dark Days, Part III", ("Dark Days", 3)),
        ("Dark Days Part 3", ("Dark Days", 3)),
        ("Dark Days - Pt. 2", ("Dark Days", 2)),
        ("Hush Pt 2", ("Hush", 2)),
        ("Dark Days (part 2 of 5)", ("Dark Days", 2)),
        ("Dark Days [Part 4/6]", ("Dark Days", 4)),
        ("Dark Days Part 1: Dusk", ("Dark Days", 1)),
        ("Dark Days part ii - The Return", ("Dark Days", 2)),
        ("Bodies in Motion, Part Two", ("Bodies in Motion", 2)),
        ("Into the Woods (Part Ten)", ("Into the Woods", 10)),
        ("Part 3", None),  # no name
        ("Pt. 3", None),
        ("Part of Me", None),
        ("Spare Parts 2", None),
        ("Counterpart II", None),
        ("Departure 2", None),
        ("Part-Time Lover", None),
        ("The Part I Played", None),
        ("Whatever Part 2 Was", None),
        ("What Part III?", None),
        ("A Part 3", None),
        ("The Lost Part", None),
        (None, None),
    ],
)
def test_title_part(title: str | None, declared: tuple[str, int] | None) -> None:
    assert title_part(title) == declared


@pytest.mark.parametrize(
    ("value", "number"),
    [("3", 3), ("III", 3), ("Four", 4), ("2 of 5", 2), ("2/5", 2), ("Part 6", 6), ("soon", None)],
)
def test_part_label_values(value: str, number: int | None) -> None:
    assert part_number(value) == number


def test_a_declared_series_wins_over_the_title() -> None:
    text = (
        "Title: Dark Days, Part III\nSeries: Long Night [7]\nRating: PG\n\n"
        "Buffy walked the long way home, past the Bronze, past the park.\n"
    )
    story = parse_story(text.encode(), "dark.txt")
    assert (story.series, story.series_part) == ("Long Night", 7)


def test_a_series_label_keeps_the_part_label() -> None:
    text = (
        "Title: Ember\nPart: 2\nSeries: Ashes\nRating: PG\n\n"
        "The fire had gone out by morning, and nobody had noticed it go.\n"
    )
    story = parse_story(text.encode(), "ember.txt")
    assert (story.series, story.series_part) == ("Ashes", 2)


@pytest.mark.parametrize(
    ("value", "declared"),
    [
        ("Part 1 of Dark Days, Part 3 of Long Night", ("Dark Days", 1)),  # AO3: the first
        ("Part 2 of Dark Days", ("Dark Days", 2)),
        ("Dark Days [2]", ("Dark Days", 2)),
        ("Tom, Dick and Harry", ("Tom, Dick and Harry", None)),
        ("None", (None, None)),
    ],
)
def test_series_label_values(value: str, declared: tuple[str | None, int | None]) -> None:
    assert read_series(value) == declared
