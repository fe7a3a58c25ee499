"""/story cards: fields, free-text lookup, "did you mean", and the persistent buttons."""

from __future__ import annotations

import asyncio
import contextlib

from bot.client import StoryBot
from tests.cogs.storygen import add, make_story


async def test_card_shows_the_story(app):
    await app.import_samples()
    reply = await app.reader.slash("story", story="Final Parting", channel=app.general)
    assert not reply.ephemeral and reply.error is None
    card = reply.embed
    assert card["title"] == "Final Parting"
    text = reply.text
    for expected in (
        "by Jojo",
        "🟢 General",
        "Angel/Buffy Summers",
        "Unknown",  # nothing in the file says it is finished
        "words",
        "No ratings yet",
        "Not rated",
    ):
        assert expected in text, expected
    assert reply.labels == [
        "Read",
        "Excerpt",
        "More like this",
        "★1",
        "★2",
        "★3",
        "★4",
        "★5",
        "Read later",
    ]
    assert all(b["custom_id"].startswith("storybot:") for b in reply.buttons)


async def test_free_text_typo_and_unknown_story(app):
    await app.import_samples()
    typo = await app.reader.slash("story", story="Fnal Parting", channel=app.general)
    assert typo.embed["title"] == "Final Parting"
    unknown = await app.reader.slash("story", story="A Parting Gift", channel=app.general)
    assert unknown.ephemeral
    assert unknown.content.startswith("No story called “A Parting Gift”. Did you mean:")
    assert "Final Parting" in unknown.content
    nothing = await app.reader.slash("story", story="zzqx", channel=app.general)
    assert nothing.ephemeral and "No story called “zzqx”" in nothing.content


async def test_star_buttons_rate_and_rerate(app):
    await app.import_samples()
    card = await app.reader.slash("story", story="Final Parting", channel=app.general)
    first = await card.click("★4")
    assert first.ephemeral and "You rated “Final Parting” ★★★★☆ (4/5)" in first.content
    second = await card.click("★2")
    assert "now ★★☆☆☆ (2/5), was 4/5" in second.content
    assert "· 1 rating" in second.content
    other = await card.click("★5", by=app.reader2)
    assert "★ 3.5 · 2 ratings" in other.content
    again = await app.reader.slash("story", story="Final Parting", channel=app.general)
    assert "★★☆☆☆ (2/5)" in again.text and "★ 3.5 · 2 ratings" in again.text


async def _start_bot(app) -> tuple[StoryBot, asyncio.Task]:
    with app.emu.patch_discord():
        bot = StoryBot(app.config, guild_ready_timeout=0.05)
        await bot.login(app.emu.token)
        task = asyncio.get_running_loop().create_task(bot.connect(reconnect=True))
        await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot, task


async def test_card_buttons_keep_working_after_a_restart(app):
    story_id = await add(app, make_story("Persistent Stars"))
    card = await app.reader.slash("story", story=str(story_id), channel=app.general)
    await app.bot.close()  # the bot goes away; the message with its buttons stays
    bot, task = await _start_bot(app)
    try:
        rated = await card.click("★5")
        assert "You rated “Persistent Stars” ★★★★★" in rated.content
        read = await card.click("Read")
        assert read.ephemeral and "Persistent Stars, chapter 1, paragraph 1." in read.text
        assert await bot.library.user_rating(story_id, app.reader.id) is not None
    finally:
        await bot.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def test_excerpt_button_on_a_card(app):
    await add(app, make_story("Card Excerpt", paragraphs=30))
    card = await app.reader.slash("story", story="Card Excerpt", channel=app.general)
    excerpt = await card.click("Excerpt")
    assert excerpt.ephemeral
    assert excerpt.embed["description"].startswith("Card Excerpt, chapter 1, paragraph 1.")
    more = await excerpt.click("Continue")
    assert more.ephemeral and "passage 2 of" in more.text
