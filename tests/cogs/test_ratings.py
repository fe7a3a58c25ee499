"""/rate (one rating per reader, changeable), /ratings, /top."""

from __future__ import annotations

import pytest

from bot.emulator.people import CommandRefused
from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story


async def test_rating_twice_keeps_one_rating_updated(app):
    story_id = await add(app, make_story("Rated Story"))
    first = await app.reader.slash("rate", story="Rated Story", stars=3, channel=app.general)
    assert first.ephemeral and "You rated “Rated Story” ★★★☆☆ (3/5)." in first.content
    second = await app.reader.slash(
        "rate", story="Rated Story", stars=5, review="Loved the ending", channel=app.general
    )
    assert "is now ★★★★★ (5/5), was 3/5" in second.content and "Review saved." in second.content
    assert "Community rating: ★ 5.0 · 1 rating." in second.content  # the plain average
    summary = await app.bot.library.rating_summary(app.guild.id, story_id)
    assert summary.count == 1 and summary.mean == 5
    # rating again without a review keeps the review
    third = await app.reader.slash("rate", story="Rated Story", stars=4, channel=app.general)
    assert "was 5/5" in third.content
    mine = await app.bot.library.user_rating(story_id, app.reader.id)
    assert (mine.stars, mine.review) == (4, "Loved the ending")


async def test_ratings_lists_a_members_ratings(app):
    await add(app, make_story("Alpha"))
    await add(app, make_story("Beta"))
    await add(app, make_story("Hot", level=RatingLevel.MATURE))
    await app.reader.slash("rate", story="Alpha", stars=5, review="Wow", channel=app.general)
    await app.reader.slash("rate", story="Beta", stars=2, channel=app.general)
    await app.reader.slash("rate", story="Hot", stars=4, channel=app.adult)
    mine = await app.reader.slash("ratings", channel=app.general)
    assert not mine.ephemeral
    assert mine.embed["title"].lower() == "reader's ratings"
    assert "Alpha" in mine.text and "★★★★★ — “Wow”" in mine.text and "Beta" in mine.text
    assert "Hot" not in mine.text and "age-restricted" in mine.text
    theirs = await app.reader2.slash("ratings", member=app.reader, channel=app.adult)
    assert "Hot" in theirs.text
    none = await app.reader.slash("ratings", member=app.reader2, channel=app.general)
    assert none.ephemeral and none.content.lower() == "reader2 hasn't rated any stories yet."


async def test_top_ranks_by_bayesian_average_and_needs_two_ratings(app):
    for title in ("Good", "Great", "Meh", "Unrated"):
        await add(app, make_story(title, pairing=("Buffy Summers", "Spike")))
    await add(app, make_story("Other Ship", pairing=("Angel", "Buffy Summers")))
    for member, stars in ((app.reader, 5), (app.reader2, 5), (app.moderator, 5)):
        await member.slash("rate", story="Great", stars=stars, channel=app.general)
    await app.reader.slash("rate", story="Good", stars=5, channel=app.general)
    await app.reader.slash("rate", story="Meh", stars=1, channel=app.general)
    await app.reader.slash("rate", story="Other Ship", stars=4, channel=app.general)
    await app.reader2.slash("rate", story="Good", stars=4, channel=app.general)
    await app.reader2.slash("rate", story="Meh", stars=2, channel=app.general)
    top = await app.reader.slash("top", channel=app.general)
    text = top.embed["description"]
    assert text.index("Great") < text.index("Good") < text.index("Meh")
    assert "★ 5.0 · 3 ratings" in text and "★ 4.5 · 2 ratings" in text  # plain averages
    assert "Unrated" not in text and "Other Ship" not in text  # one rating is not enough
    assert "at least 2 ratings" in text
    # a lone ★1 is not "top rated"; when no story has two ratings, those with one are
    # listed and the list says why
    ship = await app.reader.slash("top", pairing="Angel/Buffy Summers", channel=app.general)
    assert "Other Ship" in ship.text and "Great" not in ship.text
    assert "★ 4.0 · 1 rating" in ship.text and "stories with one are listed" in ship.text
    spuffy = await app.reader.slash("top", pairing="spike/buffy", channel=app.general)
    assert "Great" in spuffy.text and "Other Ship" not in spuffy.text
    nothing = await app.reader.slash("top", pairing="Nobody/Noone", channel=app.general)
    assert nothing.ephemeral and "No stories with the pairing" in nothing.content


async def test_stars_outside_1_to_5_cannot_be_sent(app):
    await add(app, make_story("Alpha"))
    for stars in (0, 6):
        with pytest.raises(CommandRefused, match="between 1 and 5"):
            await app.reader.slash("rate", story="Alpha", stars=stars, channel=app.general)
    choices = await app.reader.autocomplete("rate", "story", "alp", channel=app.general)
    assert choices[0]["name"].startswith("Alpha")
    reply = await app.reader.slash("rate", story=choices[0]["value"], stars=5, channel=app.general)
    assert "You rated “Alpha”" in reply.content
