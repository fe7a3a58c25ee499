"""The add preview's rules on plain data: safe-side rating, all-or-nothing form, names."""

from __future__ import annotations

import pytest

from bot.library.errors import LibraryError
from bot.library.model import Chapter, Pairing, ParsedStory, Rating, RatingLevel
from bot.library.preview import (
    FormValues,
    apply_form,
    confirm_names,
    findings,
    new_draft,
    read_rating,
    split_names,
)


def story(level: RatingLevel = RatingLevel.TEEN, *, inferred: bool = True) -> ParsedStory:
    return ParsedStory(
        title="A Title",
        authors=["Someone"],
        rating=Rating(declared=None if inferred else level.value, level=level, inferred=inferred),
        pairings=[Pairing("Buffy Summers/Spike", ["Buffy Summers", "Spike"], inferred=True)],
        characters=["Buffy Summers", "Spike"],
        chapters=[Chapter(1, None, None, "Some words here.")],
    )


async def nothing_known(names: list[str]) -> set[str]:
    return set()


def test_split_names_trims_and_drops_repeats() -> None:
    assert split_names(" a,  b ;a\n c d ") == ["a", "b", "c d"]
    assert split_names("") == [] and split_names(None) == []


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("Teen", RatingLevel.TEEN),
        ("e", RatingLevel.EXPLICIT),
        (" not  rated ", RatingLevel.NOT_RATED),
    ],
)
def test_read_rating(typed: str, level: RatingLevel) -> None:
    assert read_rating(typed) is level


def test_read_rating_refuses_unknown_words() -> None:
    with pytest.raises(LibraryError, match="is not a rating"):
        read_rating("spicy")


def test_an_inferred_low_rating_starts_on_the_safe_side() -> None:
    draft = new_draft(story(RatingLevel.GENERAL), "a.txt")
    assert draft.story.rating.level is RatingLevel.NOT_RATED
    assert "reads as General" in " ".join(findings(draft).inferred)


@pytest.mark.parametrize("level", [RatingLevel.MATURE, RatingLevel.EXPLICIT])
def test_an_inferred_adult_rating_stays(level: RatingLevel) -> None:
    assert new_draft(story(level), "a.txt").story.rating.level is level


def test_a_declared_rating_is_kept() -> None:
    draft = new_draft(story(RatingLevel.GENERAL, inferred=False), "a.txt")
    assert draft.story.rating.level is RatingLevel.GENERAL
    assert "rating: General" in findings(draft).found


async def test_a_form_with_one_bad_value_changes_nothing() -> None:
    draft = new_draft(story(), "a.txt")
    with pytest.raises(LibraryError):
        await apply_form(draft, FormValues(title="New", rating="spicy"), nothing_known)
    assert draft.story.title == "A Title" and not draft.edited


async def test_unknown_names_wait_for_confirmation_unless_the_library_knows_them() -> None:
    draft = new_draft(story(), "a.txt")
    await apply_form(draft, FormValues(pairings="Buffy/Nobody"), nothing_known)
    assert draft.unknown_names == ["Nobody"] and draft.needs_confirmation
    assert confirm_names(draft) == ["Nobody"] and not draft.needs_confirmation

    async def library_has(names: list[str]) -> set[str]:
        return {n for n in names if n == "Nobody"}

    other = new_draft(story(), "a.txt")
    await apply_form(other, FormValues(pairings="Buffy/Nobody"), library_has)
    assert other.unknown_names == []
    assert [p.name for p in other.story.pairings] == ["Buffy Summers/Nobody"]
    assert not other.story.pairings[0].inferred
