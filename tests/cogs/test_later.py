"""/later (add, list, remove), the card's "Read later" button, and the "finished" mark
with a rating prompt at the end of /read — end to end through the loopback Discord."""

from __future__ import annotations

from bot.library.model import RatingLevel
from tests.cogs.storygen import add, make_story


def titles(reply) -> list[str]:
    return [o["label"] for o in reply.options]


async def test_later_add_list_remove_is_private_and_per_reader(app):
    await add(app, make_story("First Night"))
    await add(app, make_story("Second Night"))
    await add(app, make_story("Dark Night", level=RatingLevel.EXPLICIT))
    empty = await app.reader.slash("later list", channel=app.general)
    assert empty.ephemeral and empty.content.startswith("Your reading list is empty.")
    added = await app.reader.slash("later add", story="First Night", channel=app.general)
    assert added.ephemeral and added.content == (
        "Added “First Night” to your reading list (/later list)."
    )
    again = await app.reader.slash("later add", story="First Night", channel=app.general)
    assert "already on your reading list" in again.content
    await app.reader.slash("later add", story="Second Night", channel=app.general)
    await app.reader.slash("later add", story="Dark Night", channel=app.adult)
    mine = await app.reader.slash("later list", channel=app.general)
    assert mine.ephemeral and mine.embed["title"] == "Your reading list"
    assert titles(mine) == ["Second Night", "First Night"]  # newest first; adult left out
    assert "age-restricted channels" in mine.embed["description"]
    adult = await app.reader.slash("later list", channel=app.adult)
    assert titles(adult) == ["Dark Night", "Second Night", "First Night"]
    theirs = await app.reader2.slash("later list", channel=app.general)
    assert theirs.ephemeral and "empty" in theirs.content
    gone = await app.reader.slash("later remove", story="Second Night", channel=app.general)
    assert gone.content == "Took “Second Night” off your reading list."
    not_there = await app.reader.slash("later remove", story="Second Night", channel=app.general)
    assert not_there.ephemeral and "is not on your reading list" in not_there.content
    after = await app.reader.slash("later list", channel=app.general)
    assert titles(after) == ["First Night"]


async def test_read_later_button_on_the_card(app):
    await add(app, make_story("Card Story"))
    card = await app.reader.slash("story", story="Card Story", channel=app.general)
    clicked = await card.click("Read later", by=app.reader2)
    assert clicked.ephemeral and "Added “Card Story” to your reading list" in clicked.content
    theirs = await app.reader2.slash("later list", channel=app.general)
    assert titles(theirs) == ["Card Story"]
    mine = await app.reader.slash("later list", channel=app.general)
    assert "empty" in mine.content  # the card's owner list is untouched


async def test_reading_to_the_end_marks_finished_and_prompts_to_rate(app):
    story_id = await add(app, make_story("Short Read", chapters=2, paragraphs=2))
    await app.reader.slash("later add", story="Short Read", channel=app.general)
    page = await app.reader.slash("read", story="Short Read", channel=app.general)
    for _ in range(10):
        if page.buttons[1]["disabled"]:
            break
        page = await page.click("Next")
    inter = page.interaction
    assert await inter.wait_until(lambda: inter.followups, 5)
    prompt = page.followups[-1]
    assert prompt.ephemeral and prompt.content == (
        "You finished “Short Read” — marked as read. How was it? Rate it:"
    )
    assert prompt.labels == ["★1", "★2", "★3", "★4", "★5"]
    rated = await prompt.click("★5")
    assert "You rated “Short Read” ★★★★★ (5/5)" in rated.content
    library = app.bot.library
    assert await library.has_finished(app.guild.id, app.reader.id, story_id)
    assert not await library.is_later(app.guild.id, app.reader.id, story_id)  # off the list
    # reaching the end again does not ask again
    again = await app.reader.slash("read", story="Short Read", chapter=2, channel=app.general)
    for _ in range(10):
        if again.buttons[1]["disabled"]:
            break
        again = await again.click("Next")
    assert not again.followups
