"""/story cards drawn from kept facts (bot/library/cards.py), through the loopback Discord:
what the channel may show is decided for every card, whichever channel the facts were
read for first; a member's write shows on the very next card."""

from __future__ import annotations

from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story


async def test_facts_read_in_an_adult_channel_show_no_text_elsewhere(app):
    story_id = await add(app, make_story("Kept After Dark", level=RatingLevel.EXPLICIT))
    await app.bot.library.edit(
        app.guild.id, story_id, actor_id=None, summary="A SECRET SUMMARY", pairings=["A/B"]
    )
    await app.bot.library.rate(app.guild.id, story_id, 5000, 5, "Steamy and sweet")
    for _ in range(2):  # the second time from memory
        adult = await app.reader.slash("story", story=str(story_id), channel=app.adult)
        assert "A SECRET SUMMARY" in adult.text and "Steamy and sweet" in adult.text
        assert {"Read", "Excerpt", "Reviews"} <= set(adult.labels)
        general = await app.reader.slash("story", story=str(story_id), channel=app.general)
        assert "only in age-restricted channels" in general.embed["description"]
        for hidden in ("A SECRET SUMMARY", "Steamy", "A/B"):
            assert hidden not in general.text
        assert not {"Read", "Excerpt", "Reviews"} & set(general.labels)
    assert app.bot.library._cards.hits >= 3


async def test_a_review_and_a_star_click_show_on_the_next_card(app):
    story_id = await add(app, make_story("Fresh Every Time"))
    card = await app.reader.slash("story", story="Fresh Every Time", channel=app.general)
    assert "No ratings yet" in card.text and "Reviews" not in card.labels
    await app.reader2.slash(
        "rate", story="Fresh Every Time", stars=4, review="Loved the ending", channel=app.general
    )
    card = await app.reader.slash("story", story="Fresh Every Time", channel=app.general)
    assert "★★★★☆ “Loved the ending”" in card.text and "★ 4.0 · 1 rating" in card.text
    assert "Not rated" in card.text  # the reader's own: still none
    clicked = await card.click("★2", by=app.reader2)  # the reviewer changes their stars
    assert "was 4/5" in clicked.content
    card = await app.reader2.slash("story", story=str(story_id), channel=app.general)
    assert "★★☆☆☆ “Loved the ending”" in card.text and "★★☆☆☆ (2/5)" in card.text
