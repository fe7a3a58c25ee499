"""Reviews on the story card and the "Reviews" button (the shared paginator); reviews of an
adult story never show outside age-restricted channels — end to end."""

from __future__ import annotations

from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story


async def test_card_shows_the_latest_reviews_and_the_button_pages_through_all(app):
    story_id = await add(app, make_story("Talked About"))
    library = app.bot.library
    for n in range(10):
        await library.rate(app.guild.id, story_id, 5000 + n, 4, f"Review number {n}")
    await library.rate(app.guild.id, story_id, 6000, 5)  # stars alone: not a review
    card = await app.reader.slash("story", story="Talked About", channel=app.general)
    text = card.text
    assert "Latest reviews (3 of 10)" in text
    assert "“Review number 9”" in text and "“Review number 7”" in text
    assert "Review number 6" not in text
    assert not card.pinged
    assert "Reviews" in card.labels
    reviews = await card.click("Reviews", by=app.reader2)
    assert reviews.ephemeral and reviews.embed["title"] == "Reviews of Talked About"
    assert "Review number 9" in reviews.text and "Review number 2" in reviews.text
    assert "Review number 1" not in reviews.text
    assert reviews.embed["footer"]["text"] == "Page 1 of 2 · 10 reviews"
    second = await reviews.click("Next", by=app.reader2)
    assert "Review number 1" in second.text and "Review number 0" in second.text


async def test_no_reviews_no_button(app):
    await add(app, make_story("Quiet Story"))
    card = await app.reader.slash("story", story="Quiet Story", channel=app.general)
    assert "Reviews" not in card.labels and "review" not in card.text.lower()


async def test_adult_reviews_stay_in_age_restricted_channels_even_with_adult_listing_on(app):
    story_id = await add(app, make_story("After Dark", level=RatingLevel.EXPLICIT))
    await app.bot.library.rate(app.guild.id, story_id, 5000, 5, "Steamy and sweet")
    await app.bot.library.set_setting(
        app.guild.id, "list_adult_titles", True, actor_id=app.moderator.id
    )
    general = await app.reader.slash("story", story="After Dark", channel=app.general)
    assert "Steamy" not in general.text and "Reviews" not in general.labels
    adult = await app.reader.slash("story", story="After Dark", channel=app.adult)
    assert "Steamy and sweet" in adult.text and "Reviews" in adult.labels
    # a Reviews button carried into a normal channel (a forwarded custom id) is refused
    reviews = await adult.click("Reviews")
    assert "Steamy" in reviews.text
