"""/recommend end to end: real StoryBot, real discord.py, the loopback emulator."""

from __future__ import annotations

import pytest

from bot.emulator.people import CommandRefused
from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story

SPUFFY = ("Buffy Summers", "Spike")
BANGEL = ("Angel", "Buffy Summers")
WILLARA = ("Tara Maclay", "Willow Rosenberg")


@pytest.fixture
async def shelf(app):
    """A small library: two Spike/Buffy stories, others, and two adult Spike/Buffy ones."""
    await add(app, make_story("Once More", author="Joss", pairing=SPUFFY))
    await add(app, make_story("Fool for Love", author="Doug", pairing=SPUFFY))
    await add(app, make_story("Willow Things", author="Amber", pairing=WILLARA))
    await add(app, make_story("Graduation Day", author="David", pairing=BANGEL))
    await add(app, make_story("Smashed", author="Drew", pairing=SPUFFY, level=RatingLevel.EXPLICIT))
    await add(app, make_story("Wrecked", author="Marti", pairing=SPUFFY, level=RatingLevel.MATURE))
    return app


def order(reply) -> list[str]:
    """Story titles in list order (the select menu lists the page's stories in order)."""
    return [o["label"] for o in reply.options]


async def test_five_stars_for_spike_buffy_puts_the_other_one_first(shelf):
    app = shelf
    rated = await app.reader.slash("rate", story="Once More", stars=5, channel=app.general)
    assert "You rated" in rated.content
    reply = await app.reader.slash("recommend", channel=app.general)
    assert reply.ephemeral and reply.error is None
    assert reply.embed["title"] == "Recommended for Reader"
    assert reply.interaction.response_type == 5  # deferred (privately) first
    assert order(reply)[0] == "Fool for Love"
    assert "Once More" not in order(reply)  # already rated
    text = reply.embed["description"]
    assert "↳ because you rated *Once More* ★5 — Buffy Summers/Spike" in text
    assert "Picked from your 1 rating" in text
    # adult stories stay out of a normal channel, and the list says some were left out
    assert "Smashed" not in reply.text and "Wrecked" not in reply.text
    assert "age-restricted channels" in text
    assert not reply.pinged
    # the select menu opens the story's card, privately, for anyone
    card = await reply.select("Fool for Love", by=app.reader2)
    assert card.ephemeral and card.embed["title"] == "Fool for Love"
    # paging is the reader's own: only one page here, so no page buttons
    assert "Next" not in reply.labels


async def test_age_restricted_channel_lists_adult_picks_but_normal_channels_do_not(shelf):
    app = shelf
    await app.reader.slash("rate", story="Once More", stars=5, channel=app.general)
    adult = await app.reader.slash("recommend", channel=app.adult)
    picks = order(adult)
    assert {"Smashed", "Wrecked", "Fool for Love"} <= set(picks)
    assert picks.index("Graduation Day") > picks.index("Smashed")
    assert "age-restricted channels" not in adult.embed["description"]
    # a thread of the age-restricted channel follows its parent
    thread = await app.reader.slash("recommend", channel=app.adult_thread)
    assert "Smashed" in order(thread)
    # a card opened from a normal channel's list never shows an adult summary: nothing adult
    # is offered there; a guild that opts in lists adult titles but not their summaries
    await app.bot.library.set_setting(
        app.guild.id, "list_adult_titles", True, actor_id=app.moderator.id
    )
    opted = await app.reader.slash("recommend", channel=app.general)
    assert "Smashed" in order(opted)
    card = await opted.select("Smashed")
    assert card.ephemeral and "only in age-restricted channels" in card.embed["description"]
    assert "Read" not in card.labels


async def test_adult_rating_is_not_quoted_in_a_normal_channel(shelf):
    app = shelf
    await app.reader.slash("rate", story="Smashed", stars=5, channel=app.adult)
    general = await app.reader.slash("recommend", channel=app.general)
    text = general.embed["description"]
    assert set(order(general)[:2]) == {"Fool for Love", "Once More"}
    assert order(general)[2:] == ["Graduation Day", "Willow Things"]  # shares Buffy only
    assert "Smashed" not in general.text
    assert "because you liked Buffy Summers/Spike stories" in text
    adult = await app.reader.slash("recommend", channel=app.adult)
    assert "because you rated *Smashed* ★5 — Buffy Summers/Spike" in adult.embed["description"]


async def test_pairing_option_autocompletes_and_filters(shelf):
    app = shelf
    choices = await app.reader.autocomplete("recommend", "pairing", "spi", channel=app.general)
    assert [c["value"] for c in choices] == ["Buffy Summers/Spike"]
    reply = await app.reader.slash("recommend", pairing="Spike/Buffy", channel=app.general)
    assert reply.embed["title"] == "Recommended for Reader: Buffy Summers/Spike"
    assert order(reply) == ["Fool for Love", "Once More"]  # tie: community, then title
    assert "matches Buffy Summers/Spike, the pairing you asked for" in reply.embed["description"]
    willow = await app.reader.slash("recommend", pairing="Willow/Tara", channel=app.general)
    assert order(willow) == ["Willow Things"]
    unknown = await app.reader.slash("recommend", pairing="Xander/Anya", channel=app.general)
    assert unknown.ephemeral and "No stories with the pairing “Xander/Anya” here" in unknown.content
    for title in ("Once More", "Fool for Love"):
        await app.reader.slash("rate", story=title, stars=4, channel=app.general)
    done = await app.reader.slash("recommend", pairing=SPUFFY[0] + "/Spike", channel=app.general)
    assert done.ephemeral and done.content == (
        "You've rated every Buffy Summers/Spike story that can be listed here "
        "(the rest are adult stories, listed only in age-restricted channels)."
    )


async def test_cold_start_lists_the_servers_top_rated(shelf):
    app = shelf
    nothing = await app.reader.slash("recommend", channel=app.general)
    assert nothing.ephemeral and "Nobody has rated a story here yet" in nothing.content
    for member in (app.reader2, app.moderator):
        await member.slash("rate", story="Graduation Day", stars=5, channel=app.general)
    await app.reader2.slash("rate", story="Willow Things", stars=4, channel=app.general)
    reply = await app.reader.slash("recommend", count=1, channel=app.general)
    assert order(reply) == ["Graduation Day"]
    text = reply.embed["description"]
    assert "You haven't rated any stories yet" in text and "(2 ratings)" in text
    both = await app.reader.slash("recommend", channel=app.general)
    assert order(both) == ["Graduation Day", "Willow Things"]


async def test_count_is_checked_and_one_author_does_not_fill_the_list(app):
    await add(app, make_story("Seed", author="Someone", pairing=SPUFFY))
    for n in range(4):
        await add(app, make_story(f"Prolific {n}", author="Prolific", pairing=SPUFFY))
    await add(app, make_story("Lone Voice", author="Lone", pairing=SPUFFY))
    await app.reader.slash("rate", story="Seed", stars=5, channel=app.general)
    reply = await app.reader.slash("recommend", count=3, channel=app.general)
    assert order(reply) == ["Lone Voice", "Prolific 0", "Prolific 1"]
    for bad in (0, 26):
        with pytest.raises(CommandRefused):
            await app.reader.slash("recommend", count=bad, channel=app.general)
