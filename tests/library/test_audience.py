"""The adult-material policy as plain data (bot/library/audience.py) and the Library
methods that apply it: extra-safe hides adult stories entirely — not listed, not counted,
not hinted at, not reachable by id or title — in every channel, age-restricted too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.library.audience import DM, NOT_AVAILABLE, Audience, audience_from
from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from bot.library.records import GuildSettings
from bot.library.service import Library
from tests.library.test_store import make_story

G = 1
MOD = 7
READER = 11
ADULT = [RatingLevel.MATURE, RatingLevel.EXPLICIT, RatingLevel.NOT_RATED]
SAFE = [RatingLevel.GENERAL, RatingLevel.TEEN]


@dataclass(frozen=True)
class Story:
    rating_level: RatingLevel
    title: str = "Velvet Noir"

    @property
    def is_adult(self) -> bool:
        return self.rating_level.is_adult


def test_which_ratings_are_adult_follows_ao3_and_the_fail_safe_rule() -> None:
    # Not Rated is where the parser puts every rating it was unsure of
    assert [level for level in RatingLevel if level.is_adult] == ADULT


@pytest.mark.parametrize("restricted", [False, True])
@pytest.mark.parametrize("listing", [None, False, True])
@pytest.mark.parametrize("default", [False, True])
def test_extra_safe_wins_over_every_channel_and_listing_setting(
    restricted: bool, listing: bool | None, default: bool
) -> None:
    settings = GuildSettings(list_adult_titles=listing, extra_safe=True)
    audience = audience_from(settings, age_restricted=restricted, default_adult_titles=default)
    assert audience == Audience(adult_text=False, adult_titles=False, hide_adult=True)
    for level in ADULT:
        story = Story(level)
        assert not audience.may_see(story)
        assert not audience.may_list(story) and not audience.may_read(story)
        assert not audience.may_list_rating(level)
        with pytest.raises(LibraryError) as refused:
            audience.check_read(story)
        assert str(refused.value) == NOT_AVAILABLE and "Velvet" not in str(refused.value)
        with pytest.raises(LibraryError, match=NOT_AVAILABLE):
            audience.check_available(story)
    for level in SAFE:
        story = Story(level)
        assert audience.may_see(story) and audience.may_list(story) and audience.may_read(story)
        audience.check_read(story)
    assert not audience.include_adult and not audience.may_hint
    shown, hidden = audience.listable([Story(RatingLevel.TEEN), Story(RatingLevel.EXPLICIT)])
    assert [s.rating_level for s in shown] == [RatingLevel.TEEN] and hidden == 0
    assert audience.hint(5) == 0


def test_without_extra_safe_the_channel_rules_are_unchanged() -> None:
    plain = GuildSettings()
    assert audience_from(None, age_restricted=True) == DM
    assert audience_from(plain, age_restricted=True) == Audience(True, True)
    assert audience_from(plain, age_restricted=False) == Audience(False, False)
    assert audience_from(plain, age_restricted=False, default_adult_titles=True) == Audience(
        False, True
    )
    opted = GuildSettings(list_adult_titles=True)
    assert audience_from(opted, age_restricted=False) == Audience(False, True)
    general = audience_from(plain, age_restricted=False)
    explicit = Story(RatingLevel.EXPLICIT)
    assert general.may_see(explicit) and general.may_hint
    with pytest.raises(LibraryError, match=r"Velvet Noir.*age-restricted"):
        general.check_read(explicit)
    shown, hidden = general.listable([Story(RatingLevel.TEEN), explicit])
    assert len(shown) == 1 and hidden == 1


def test_an_audience_that_hides_adult_stories_cannot_also_show_them() -> None:
    with pytest.raises(ValueError):
        Audience(adult_text=True, adult_titles=True, hide_adult=True)
    with pytest.raises(ValueError):
        Audience(adult_text=False, adult_titles=True, hide_adult=True)


# ---- the Library applies it -----------------------------------------------------------


@pytest.fixture
async def library(tmp_path: Path):
    lib = await Library.open(tmp_path / "lib.db")
    yield lib
    await lib.close()


async def _add(library: Library, title: str, level: RatingLevel, **options) -> int:
    seed = title + "".join(options.get("authors", ()))  # another author, another text
    story = make_story(title, level=level, seed=seed, **options)
    return (await library.add_parsed(G, story, actor_id=MOD)).story_id


async def _audiences(library: Library) -> tuple[Audience, Audience]:
    """(age-restricted channel, ordinary channel) of guild G as its settings are now."""
    return (
        await library.audience(G, age_restricted=True),
        await library.audience(G, age_restricted=False),
    )


async def test_library_lists_lookups_and_hints_honour_extra_safe(library: Library) -> None:
    calm = await _add(library, "Quiet Harbour", RatingLevel.GENERAL)
    velvet = await _add(library, "Velvet Noir", RatingLevel.EXPLICIT)
    unsure = await _add(library, "Velvet Unsure", RatingLevel.NOT_RATED)
    await library.rate(G, velvet, READER, 5)
    await library.rate(G, calm, READER + 1, 4)
    await library.rate(G, velvet, READER + 1, 5)

    restricted, _ = await _audiences(library)
    assert {h.story_id for h in library.autocomplete(G, "velvet", audience=restricted)} == {
        velvet,
        unsure,
    }

    await library.set_setting(G, "extra_safe", True, actor_id=MOD)
    for audience in await _audiences(library):
        assert audience.hide_adult
        assert library.autocomplete(G, "velvet", audience=audience) == []
        assert library.search(G, "velvet noir", audience=audience) == []
        assert not library.hidden_adult_matches(G, "velvet noir", audience=audience)
        _, found, hinted = await library.search_box(G, "velvet", audience=audience)
        assert found == [] and hinted is False
        page = await library.browse(G, audience=audience, limit=None)
        assert [s.id for s in page.stories] == [calm] and page.hidden_adult == 0
        listed, total, hidden = await library.browse_fast(G, audience=audience, limit=10)
        assert [s.id for s in listed] == [calm] and (total, hidden) == (1, 0)
        best, _, _ = await library.top(G, audience=audience, min_ratings=1)
        assert [s.id for s, _ in best] == [calm]
        picks = await library.recommend(G, READER + 2, audience=audience)
        assert {p.story.id for p in picks.picks} <= {calm} and not picks.hidden_adult
        for value in (str(velvet), f"#{velvet}", "Velvet Noir", "velvet unsure", str(unsure)):
            with pytest.raises(LibraryError) as refused:
                await library.resolve(G, value, audience=audience)
            assert str(refused.value) == NOT_AVAILABLE
        # a typo finds only what may be seen, and suggests nothing hidden
        with pytest.raises(LibraryError) as typo:
            await library.resolve(G, "velvt nor", audience=audience)
        assert "Velvet" not in str(typo.value)
        assert (await library.resolve(G, "Quiet Harbour", audience=audience)).id == calm
        with pytest.raises(LibraryError, match=NOT_AVAILABLE):
            await library.get_for(G, velvet, audience)
        with pytest.raises(LibraryError, match=NOT_AVAILABLE):
            await library.similar(G, velvet, audience=audience)
        assert (await library.get_for(G, calm, audience)).id == calm

    # the bot-wide default for adult titles does not weaken it either
    loud = await library.audience(G, age_restricted=False, default_adult_titles=True)
    assert loud.hide_adult and not loud.adult_titles

    await library.set_setting(G, "extra_safe", False, actor_id=MOD)
    restricted, ordinary = await _audiences(library)
    assert not restricted.hide_adult and not ordinary.hide_adult
    assert (await library.resolve(G, "Velvet Noir", audience=restricted)).id == velvet
    assert (await library.resolve(G, str(velvet), audience=ordinary)).id == velvet
    _, found, hinted = await library.search_box(G, "velvet noir", audience=ordinary)
    assert found == [] and hinted is True  # ordinary channels hint again
    page = await library.browse(G, audience=ordinary, limit=None)
    assert page.hidden_adult == 2


async def test_exact_title_shared_by_a_hidden_and_a_visible_story_opens_the_visible_one(
    library: Library,
) -> None:
    adult = await _add(library, "Twin Moons", RatingLevel.EXPLICIT, authors=("Ann",))
    teen = await _add(library, "Twin Moons", RatingLevel.TEEN, authors=("Bea",))
    assert adult != teen
    await library.set_setting(G, "extra_safe", True, actor_id=MOD)
    _, ordinary = await _audiences(library)
    assert (await library.resolve(G, "Twin Moons", audience=ordinary)).id == teen


async def test_the_setting_is_stored_per_guild_and_audit_logged(library: Library) -> None:
    assert (await library.settings(G)).extra_safe is False
    await library.set_setting(G, "extra_safe", True, actor_id=MOD)
    assert (await library.settings(G)).extra_safe is True
    assert (await library.settings(G + 1)).extra_safe is False
    entry = (await library.audit_log(G, 1))[0]
    assert entry.action == "setting" and entry.detail == {"key": "extra_safe", "value": True}
    with pytest.raises(LibraryError, match="bool"):
        await library.set_setting(G, "extra_safe", 1, actor_id=MOD)
    await library.set_setting(G, "extra_safe", None, actor_id=MOD)
    assert (await library.settings(G)).extra_safe is False
