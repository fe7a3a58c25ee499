"""`/settings daily-pick channel hour`, end to end through the loopback Discord with its
controllable clock: the bot's real `discord.ext.tasks` loop reads the emulator's clock
(wired in by the harness), so a test moves time forward and waits for the loop's next
looks — never for the real hour."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from bot.client import StoryBot
from bot.emulator import permissions as perms
from bot.emulator.harness import App
from bot.library.model import RatingLevel
from tests.cogs.test_library import LIBRARIAN_REFUSAL
from tests.library.test_store import make_story

DAY = datetime(2030, 3, 1, tzinfo=UTC)  # midnight UTC; the pick is set for 09:00
HEADLINE = "📚 **Today's pick** from the library"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Day `day` of the test (0 = DAY) at hour:minute UTC."""
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


async def rated(
    app: App,
    title: str,
    stars: list[int],
    *,
    level: RatingLevel = RatingLevel.TEEN,
    summary: str | None = None,
) -> int:
    """A story in the guild's library with readers' ratings."""
    library = app.bot.library
    story = make_story(title, level=level, seed=title, summary=summary or f"About {title}.")
    added = await library.add_parsed(app.guild.id, story, actor_id=app.moderator.id)
    for reader, n in enumerate(stars, start=9000):
        await library.rate(app.guild.id, added.story_id, reader, n)
    return added.story_id


def picks(channel) -> list:
    return [m for m in channel.visible_messages() if m.author.bot and m.content == HEADLINE]


def titles(channel) -> list[str]:
    return [m.embeds[0]["title"] for m in picks(channel)]


async def looked(bot: StoryBot) -> None:
    """Wait until the daily pick's loop has looked again, wholly after this call."""
    await asyncio.wait_for(bot.get_cog("DailyPick").looked(), timeout=10)


async def move_to(app: App, when: datetime, bot: StoryBot | None = None) -> None:
    app.emu.clock.advance_to(when)
    await looked(bot or app.bot)


async def set_pick(app: App, channel, hour: int = 9):
    return await app.moderator.slash(
        "settings daily-pick", options={"channel": channel, "hour": hour}, channel=app.general
    )


async def log_text(app: App) -> str:
    log = await app.moderator.slash("library log", channel=app.general)
    return log.embed["description"]


async def test_posts_the_card_at_the_hour_and_not_before(app: App) -> None:
    await rated(app, "Sunny Day", [5, 5, 4])
    app.emu.clock.advance_to(at(0, 8))

    reply = await set_pick(app, app.general)

    assert reply.ephemeral
    assert reply.content.startswith("Every day at **09:00 UTC**")
    assert "not age-restricted: adult stories are never picked there" in reply.content
    (field,) = [f for f in reply.embed["fields"] if f["name"] == "Daily pick"]
    assert field["value"] == f"<#{app.general.id}> every day at 09:00 UTC"

    await move_to(app, at(0, 8, 59))
    assert picks(app.general) == []
    await move_to(app, at(0, 9))
    (post,) = picks(app.general)
    assert post.embeds[0]["title"] == "Sunny Day"
    assert post.embeds[0]["description"] == "About Sunny Day."
    assert not post.pings.users and not post.pings.roles and not post.pings.everyone
    await move_to(app, at(0, 23, 59))
    assert len(picks(app.general)) == 1  # once a day

    # the usual card buttons work on it
    rated_reply = await app.reader.click_message(post, "★4")
    assert "You rated “Sunny Day” ★★★★" in rated_reply.content
    read = await app.reader.click_message(post, "Read")
    assert read.ephemeral and "Sunny Day" in read.text
    assert "featured **Sunny Day**" in await log_text(app)


async def test_adult_stories_only_in_an_age_restricted_channel(app: App) -> None:
    await rated(app, "Gentle", [4, 4])
    adult = await rated(
        app, "After Dark", [5, 5, 5], level=RatingLevel.EXPLICIT, summary="Steamy secrets."
    )
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, app.general)

    await move_to(app, at(0, 9))
    assert titles(app.general) == ["Gentle"]  # the better-rated adult story is not picked
    await move_to(app, at(1, 9))  # Gentle was just featured; the adult one may not show
    assert titles(app.general) == ["Gentle"]
    everything = str([(m.content, m.embeds) for m in app.general.visible_messages()])
    assert "After Dark" not in everything and "Steamy" not in everything
    assert "had nothing to feature" in await log_text(app)

    restricted = await set_pick(app, app.adult)
    assert "age-restricted: adult stories may be picked" in restricted.content
    await move_to(app, at(2, 9))
    (post,) = picks(app.adult)
    assert post.embeds[0]["title"] == "After Dark"
    assert post.embeds[0]["description"] == "Steamy secrets."  # its text: it may show here
    assert (await app.bot.library.featured(app.guild.id))[0].story_id == adult


async def test_an_extra_safe_server_never_picks_an_adult_story(app: App) -> None:
    await rated(app, "After Dark", [5, 5, 5], level=RatingLevel.EXPLICIT, summary="Steamy.")
    app.emu.clock.advance_to(at(0, 8))
    await app.moderator.slash("settings extra-safe", enabled=True, channel=app.general)

    reply = await set_pick(app, app.adult)  # even in an age-restricted channel

    assert "This server is extra-safe: adult stories are never picked." in reply.content
    await move_to(app, at(0, 9))
    assert picks(app.adult) == []
    assert "had nothing to feature" in await log_text(app)
    await app.moderator.slash("settings extra-safe", enabled=False, channel=app.general)
    await move_to(app, at(1, 9))
    assert titles(app.adult) == ["After Dark"]


async def test_no_story_is_featured_twice_within_30_days(app: App) -> None:
    for n in range(3):
        await rated(app, f"Favourite {n}", [5, 4, 5])
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, app.general)

    for day in range(31):
        await move_to(app, at(day, 9, 30))
        assert len(picks(app.general)) == min(day + 1, 3) + (day == 30)

    shown = titles(app.general)
    assert len(set(shown[:3])) == 3  # three different stories on the first three days
    assert shown[3] == shown[0]  # day 31: the first day's story may come back


async def test_no_options_turn_it_off(app: App) -> None:
    await rated(app, "Sunny Day", [5, 5])
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, app.general)

    off = await app.moderator.slash("settings daily-pick", channel=app.general)

    assert off.ephemeral and off.content.startswith("The daily pick is off")
    (field,) = [f for f in off.embed["fields"] if f["name"] == "Daily pick"]
    assert field["value"] == "off"
    await move_to(app, at(1, 12))
    assert picks(app.general) == []
    assert "turned off the daily pick" in await log_text(app)


async def test_invalid_values_get_a_clear_private_answer_and_nothing_is_saved(app: App) -> None:
    for hour in (24, -1, 99):
        bad = await set_pick(app, app.general, hour=hour)
        assert bad.ephemeral
        assert bad.content.startswith(f"{hour} is not an hour of the day")
        assert "from 0 to 23 (UTC" in bad.content
    no_hour = await app.moderator.slash(
        "settings daily-pick", options={"channel": app.general}, channel=app.general
    )
    assert no_hour.ephemeral and "Give the hour too" in no_hour.content
    no_channel = await app.moderator.slash(
        "settings daily-pick", options={"hour": 9}, channel=app.general
    )
    assert no_channel.ephemeral and "Pick the channel too" in no_channel.content
    refused = await app.reader.slash(
        "settings daily-pick", options={"channel": app.general, "hour": 9}, channel=app.general
    )
    assert refused.ephemeral and refused.content == LIBRARIAN_REFUSAL
    assert (await app.bot.library.settings(app.guild.id)).daily_pick is None


async def test_a_channel_the_bot_cannot_post_in_is_refused_when_set(app: App) -> None:
    quiet = app.guild.create_text_channel("quiet")
    bot_member = app.guild.members[app.emu.bot_user.id]
    quiet.set_permissions(bot_member, deny=perms.SEND_MESSAGES | perms.EMBED_LINKS)

    refused = await set_pick(app, quiet)

    assert refused.ephemeral
    assert refused.content.startswith("Not saved: storybot cannot post in #quiet")
    assert "missing Send Messages and Embed Links there" in refused.content
    assert (await app.bot.library.settings(app.guild.id)).daily_pick is None


async def test_a_post_that_fails_is_logged_and_recorded_in_plain_words(app: App, caplog) -> None:
    await rated(app, "Sunny Day", [5, 5])
    news = app.guild.create_text_channel("news")
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, news)
    bot_member = app.guild.members[app.emu.bot_user.id]
    news.set_permissions(bot_member, deny=perms.SEND_MESSAGES)  # taken away after setting

    await move_to(app, at(0, 9))

    assert picks(news) == []
    shown = await app.moderator.slash("settings show", channel=app.general)
    (field,) = [f for f in shown.embed["fields"] if f["name"] == "Daily pick"]
    assert "⚠ storybot is missing Send Messages" in field["value"]
    text = await log_text(app)
    assert "could not post **Sunny Day**" in text
    assert "storybot is missing Send Messages" in text
    warned = [r for r in caplog.records if "daily pick" in r.getMessage()]
    assert warned and f"channel {news.id}" in warned[0].getMessage()
    (row,) = await app.bot.library.featured(app.guild.id)
    assert row.status == "failed"

    # once allowed again, the next day's pick is posted (the failed one was never shown)
    news.set_permissions(bot_member)
    await move_to(app, at(1, 9))
    assert titles(news) == ["Sunny Day"]


async def test_discord_refusing_the_post_is_recorded(app: App) -> None:
    """The bot's view of its permissions can be stale (a missed update): Discord's 403 is
    what decides, and it is recorded like any other failure."""
    await rated(app, "Sunny Day", [5, 5])
    news = app.guild.create_text_channel("news")
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, news)
    bot_id = app.emu.bot_user.id
    news.overwrites[bot_id] = (0, perms.SEND_MESSAGES)  # changed without telling the bot
    news.overwrite_kinds[bot_id] = 1

    with app.emu.expect_rejections() as rejected:
        await move_to(app, at(0, 9))

    assert [r.describe().split(" -> ")[1] for r in rejected] == ["403/50013 Missing Permissions"]
    assert picks(news) == []
    text = await log_text(app)
    assert "could not post **Sunny Day** (#1) in <#" in text
    assert "Discord refused the post: storybot may not post there" in text


async def test_a_channel_that_is_gone_is_recorded(app: App) -> None:
    await rated(app, "Sunny Day", [5, 5])
    gone = 4242  # a channel the bot cannot see (deleted since it was set)
    await app.bot.library.set_daily_pick(
        app.guild.id, gone, 9, now=at(0, 8), actor_id=app.moderator.id
    )
    await move_to(app, at(0, 9))
    text = await log_text(app)
    assert f"could not post **Sunny Day** (#1) in <#{gone}>: the channel is gone" in text
    shown = await app.moderator.slash("settings show", channel=app.general)
    (field,) = [f for f in shown.embed["fields"] if f["name"] == "Daily pick"]
    assert field["value"].endswith("⚠ That channel is gone: set another one.")


async def start_bot(app: App) -> tuple[StoryBot, asyncio.Task]:
    """Another StoryBot on the same library and loopback Discord (a restart, or a second
    process), on the same controllable clock."""
    with app.emu.patch_discord():
        bot = StoryBot(app.config, clock=app.emu.clock, guild_ready_timeout=0.05)
        await bot.login(app.emu.token)
        task = asyncio.get_running_loop().create_task(bot.connect(reconnect=True))
        await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot, task


async def stop_bot(bot: StoryBot, task: asyncio.Task) -> None:
    await bot.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def test_down_at_the_hour_posts_once_on_return_the_same_day(app: App) -> None:
    await rated(app, "Sunny Day", [5, 5])
    await rated(app, "Cloudy", [5, 4])
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, app.general)
    await app.bot.close()  # down from 08:00 to 11:00

    app.emu.clock.advance_to(at(0, 11))
    bot, task = await start_bot(app)
    try:
        await looked(bot)
        assert len(picks(app.general)) == 1  # the missed 09:00 pick, on return
        await move_to(app, at(0, 18), bot)
        assert len(picks(app.general)) == 1
    finally:
        await stop_bot(bot, task)

    # down for the whole of the next day: that day is skipped, not made up later
    app.emu.clock.advance_to(at(2, 8))
    bot, task = await start_bot(app)
    try:
        await looked(bot)
        assert len(picks(app.general)) == 1
        await move_to(app, at(2, 9), bot)
        assert len(picks(app.general)) == 2
    finally:
        await stop_bot(bot, task)


async def test_two_bots_on_one_library_post_once(app: App) -> None:
    for n in range(3):
        await rated(app, f"Favourite {n}", [5, 5])
    app.emu.clock.advance_to(at(0, 8))
    await set_pick(app, app.general)
    second, task = await start_bot(app)
    try:
        for day in range(3):
            app.emu.clock.advance_to(at(day, 9))
            await asyncio.gather(looked(app.bot), looked(second))
            assert len(picks(app.general)) == day + 1  # one post a day, never two
    finally:
        await stop_bot(second, task)
