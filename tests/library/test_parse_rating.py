"""The rating rule: the stored level is never lower than any rating evidence in the file.

Walks every rating form of every scale in data/ratings.toml through every place a text
file can state it (label line, metadata table row, tab-separated row, author's note,
opening line of the text, a second rating label, a FanFiction.net info line, an eFiction
long label, a run of labels on one line, a bracket in the title) and checks the stored
level against the scale.
"""

from __future__ import annotations

import pytest

from bot.library.model import RatingLevel
from bot.library.parse import parse_story
from bot.library.parse.rating import SAFETY_ORDER, decide_rating, rating_scales
from bot.library.parse.raw import RawStory
from bot.library.rules import load_toml

RANK = {level: k for k, level in enumerate(SAFETY_ORDER)}
SCALES: dict[str, dict[str, str]] = load_toml("ratings.toml")["scales"]
FORMS = sorted(
    {(form, level) for scale in SCALES.values() for form, level in scale.items()},
)
# a bland story: the text alone would be judged General
PROSE = (
    "The library was quiet in the afternoon. Giles sorted the new books by size and then "
    "by colour, and then, sighing, by author. Willow brought him tea and a list of questions "
    "about a spell for finding lost keys. They talked about the weather and the bus timetable "
    "and the best way to keep old paper dry through a wet winter. "
) * 6


def _places(form: str) -> dict[str, str]:
    head = "A Quiet Afternoon\nby Quill\n\n"
    return {
        "label": f"{head}Rating: {form}\nSummary: Tea and books.\n\n{PROSE}",
        "label-bold": f"{head}**Rated:** {form}\nSummary: Tea and books.\n\n{PROSE}",
        "table": (
            f"{head}| Title | A Quiet Afternoon |\n|---|---|\n| Rating | {form} |\n"
            f"| Summary | Tea and books. |\n\n{PROSE}"
        ),
        "tab-row": f"{head}Rating\t{form}\nSummary\tTea and books.\n\n{PROSE}",
        "second-label": f"{head}Rating: G\nSummary: Tea and books.\nRating: {form}\n\n{PROSE}",
        "note": (
            f"{head}Summary: Tea and books.\n\nAuthor's Note: Rated {form} for language, "
            f"just to be safe.\n\nChapter 1\n\n{PROSE}"
        ),
        "opening-line": f"{head}(Rated {form} for later chapters.)\n\n{PROSE}",
        "efiction-long": f"{head}Rated: {form} [Reviews - 4]\nSummary: Tea and books.\n\n{PROSE}",
        "one-line": f"A Quiet Afternoon\nRating: {form} Pairing: Giles/Willow\n\n{PROSE}",
        "title-bracket": f"Title: A Quiet Afternoon ({form})\nAuthor: Quill\n\n{PROSE}",
    }


CASES = [(form, level, place) for form, level in FORMS for place in _places(form)]


@pytest.mark.parametrize(("form", "level", "place"), CASES)
def test_every_form_in_every_place_is_never_stored_lower(form, level, place):
    text = _places(form)[place]
    story = parse_story(text.encode(), "quiet.txt")
    want = RatingLevel(level)
    assert RANK[story.rating.level] >= RANK[want], (place, form, story.rating)
    if want.is_adult:
        assert story.rating.level.is_adult
    if place in ("label", "table", "tab-row", "label-bold"):
        assert story.rating.level == want, (place, form)
        assert story.rating.declared is not None


@pytest.mark.parametrize(
    ("letter", "level"),
    [("K", "General"), ("K+", "General"), ("T", "Teen"), ("M", "Mature"), ("MA", "Explicit")],
)
@pytest.mark.parametrize("fiction", ["Fiction ", ""])
def test_fanfiction_net_info_line(letter, level, fiction):
    text = (
        f"A Quiet Afternoon\nBy: Quill\n\nRated: {fiction}{letter} - English - Romance - "
        f"Chapters: 13 - Words: 45,000 - Status: Complete - id: 99\n\n{PROSE}"
    )
    story = parse_story(text.encode(), "quiet.txt")
    assert story.rating.level == RatingLevel(level)
    assert story.total_chapters == 13


@pytest.mark.parametrize(
    "line",
    [
        "Warnings: NSFW",
        "Warning: adults only!",
        "Author's note: This is pure smut, you have been warned.",
        "Summary: Contains explicit sexual content. Tea, also.",
    ],
)
def test_phrases_in_the_preamble_make_it_adult(line):
    text = f"A Quiet Afternoon\nby Quill\n\n{line}\n\nChapter 1\n\n{PROSE}"
    story = parse_story(text.encode(), "quiet.txt")
    assert story.rating.level.is_adult, story.rating


@pytest.mark.parametrize("value", ["spicy", "Hot!!", "3 peppers", "see notes"])
def test_unknown_declared_rating_is_not_rated_and_flagged(value):
    text = f"A Quiet Afternoon\nby Quill\nRating: {value}\n\n{PROSE}"
    story = parse_story(text.encode(), "quiet.txt")
    assert story.rating.declared == value
    assert story.rating.level == RatingLevel.NOT_RATED
    assert story.rating.level.is_adult
    assert any(value in flag and "Not Rated" in flag for flag in story.flags)


def test_higher_evidence_wins_over_the_declared_rating_and_is_flagged():
    raw = RawStory(rating="PG", rating_evidence=["FR18"])
    rating, flags = decide_rating(raw, PROSE)
    assert rating.declared == "PG"
    assert rating.level == RatingLevel.MATURE
    assert flags and "FR18" in flags[0]


def test_unknown_evidence_counts_as_not_rated():
    rating, flags = decide_rating(RawStory(rating="G", rating_evidence=["spicy"]), PROSE)
    assert rating.level == RatingLevel.NOT_RATED
    assert any("spicy" in f for f in flags)


def test_inference_only_raises():
    explicit = (
        " Her hips bucked as he thrust into her, his cock hard, and she came with a cry, "
        "her orgasm shaking them both; he spilled inside her, throbbing."
    ) * 8
    raised, flags = decide_rating(RawStory(rating="T"), PROSE + explicit)
    assert raised.level == RatingLevel.EXPLICIT and raised.inferred and flags
    kept, _ = decide_rating(RawStory(rating="Mature"), PROSE)
    assert kept.level == RatingLevel.MATURE and not kept.inferred
    plain, _ = decide_rating(RawStory(rating="General"), PROSE)
    assert plain.level == RatingLevel.GENERAL and not plain.inferred


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("NC-17 for sex", "Explicit"),
        ("PG-13/R", "Mature"),
        ("T to M", "Mature"),
        ("Fiction  T", "Teen"),
        ("R (violence)", "Mature"),
        ("FR21 - Adult", "Explicit"),
        ("Adults Only", "Explicit"),
        ("NC17", "Explicit"),
        ("R18", "Explicit"),
        ("R15", "Teen"),
        ("18+", "Explicit"),
        ("X", "Explicit"),
        ("Not Rated", "Not Rated"),
        ("Teen And Up Audiences", "Teen"),
        ("Mature (18+)", "Mature"),  # the gloss explains the level
    ],
)
def test_scale_values(value, level):
    assert rating_scales().level(value) == RatingLevel(level)


def test_no_evidence_at_all_is_judged_and_empty_text_is_not_rated():
    rating, flags = decide_rating(RawStory(), PROSE)
    assert rating.inferred and rating.declared is None and not flags
    assert decide_rating(RawStory(), "")[0].level == RatingLevel.NOT_RATED
