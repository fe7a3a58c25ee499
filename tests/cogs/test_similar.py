"""/similar and the card's "More like this" button, end to end through the loopback Discord."""

from __future__ import annotations

from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story

SPUFFY = ("Buffy Summers", "Spike")
WILLARA = ("Tara Maclay", "Willow Rosenberg")


def order(reply) -> list[str]:
    return [o["label"] for o in reply.options]


async def shelf(app):
    ids = {
        "Let's Talk": await add(app, make_story("Let's Talk", author="A", pairing=SPUFFY)),
        "Hidden Gem": await add(app, make_story("Hidden Gem", author="B", pairing=WILLARA)),
        "Same Ship": await add(app, make_story("Same Ship", author="C", pairing=SPUFFY)),
        "Hot Ship": await add(
            app, make_story("Hot Ship", author="D", pairing=SPUFFY, level=RatingLevel.EXPLICIT)
        ),
    }
    library = app.bot.library
    for user in range(1000, 1012):  # a dozen readers loved both
        await library.rate(app.guild.id, ids["Let's Talk"], user, 5)
        await library.rate(app.guild.id, ids["Hidden Gem"], user, 5)
    return ids


async def test_similar_lists_co_liked_and_same_ship_stories_with_reasons(app):
    await shelf(app)
    reply = await app.reader.slash("similar", story="Let's Talk", channel=app.general)
    assert reply.ephemeral and reply.error is None
    assert reply.embed["title"] == "More like Let's Talk"
    assert order(reply)[:2] == ["Hidden Gem", "Same Ship"]
    text = reply.embed["description"]
    assert "↳ readers who liked *Let's Talk* also liked this" in text
    assert "↳ also Buffy Summers/Spike" in text
    assert "Hot Ship" not in reply.text and "age-restricted channels" in text
    adult = await app.reader.slash("similar", story="Let's Talk", channel=app.adult)
    assert "Hot Ship" in order(adult)
    # an adult story's "more like it" is refused outside age-restricted channels, privately
    refused = await app.reader.slash("similar", story="Hot Ship", channel=app.general)
    assert refused.ephemeral and "listed only in age-restricted channels" in refused.content


async def test_more_like_this_button_on_the_card(app):
    await shelf(app)
    card = await app.reader.slash("story", story="Let's Talk", channel=app.general)
    assert "More like this" in card.labels
    similar = await card.click("More like this", by=app.reader2)
    assert similar.ephemeral and order(similar)[0] == "Hidden Gem"
    opened = await similar.select("Hidden Gem")
    assert opened.ephemeral and opened.embed["title"] == "Hidden Gem"


async def test_similar_with_nothing_else_to_compare(app):
    await add(app, make_story("Lonely", author="A"))
    reply = await app.reader.slash("similar", story="Lonely", channel=app.general)
    assert reply.ephemeral and "no other story here" in reply.content
