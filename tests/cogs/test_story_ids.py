"""Story ids are never reused (issue 8 item 4), and a rating and its review are one
transaction (item 5) — through the loopback Discord, against the bot's real file."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.cogs.storygen import add, make_story


async def test_a_removed_storys_buttons_never_act_on_a_newer_story(app):
    await add(app, make_story("Older One"))
    newest = await add(app, make_story("Newest One", chapters=3))
    card = await app.reader.slash("story", story="Newest One", channel=app.general)
    excerpt = await card.click("Excerpt")

    removed = await app.bot.library.remove(app.guild.id, newest, actor_id=app.moderator.id)
    assert removed is not None and removed.title == "Newest One"
    later = await add(app, make_story("Added Later", chapters=3))
    assert later > newest  # the freed id is not handed out again

    rated = await card.click("★5")
    assert rated.content == "That story is no longer in this server's library."
    more = await excerpt.click("Continue")
    assert more.content == "That story is no longer in this server's library."
    with sqlite3.connect(app.bot.library.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reader_ratings").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM reading_positions").fetchone() == (0,)


async def test_a_star_click_beside_a_review_never_erases_the_review(app):
    """A reader's `/rate … review:` and ★ clicks on the card land together: whatever the
    order, the review is kept (the ★ keeps the earlier review in its own transaction)."""
    story_id = await add(app, make_story("Reviewed"))
    card = await app.reader.slash("story", story="Reviewed", channel=app.general)
    for round_ in range(8):
        review = f"Still lovely, round {round_}"
        replies = await asyncio.gather(
            app.reader.slash("rate", story="Reviewed", stars=5, review=review, channel=app.general),
            card.click("★3"),
            card.click("★4"),
        )
        assert all(r.content for r in replies)
        mine = await app.bot.library.user_rating(story_id, app.reader.id)
        assert mine is not None and mine.review == review, (round_, mine)
