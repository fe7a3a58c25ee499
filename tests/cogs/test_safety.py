"""Safe by default: the adult-content matrix and mention-proof story text."""

from __future__ import annotations

import asyncio

import pytest
from discord import app_commands

from bot.emulator.people import CommandRefused
from bot.library.safety import has_live_mention
from bot.transformers import ModeratorStoryArg
from tests.cogs.storygen import add, make_story

DREAMS = "Walking in Dreams"  # seed 003 parses to Explicit


@pytest.fixture
async def samples(app):
    await app.import_samples()
    return app


async def test_normal_channel_shows_title_and_rating_only(samples):
    app = samples
    card = await app.reader.slash("story", story=DREAMS, channel=app.general)
    assert card.embed["title"] == DREAMS and "🔴 Explicit" in card.text
    assert "only in age-restricted channels" in card.embed["description"]
    assert "Early season 6" not in card.text  # the summary
    assert "Buffy Summers/Spike" not in card.text
    assert "Read" not in card.labels and "Excerpt" not in card.labels
    assert "★5" in card.labels  # rating does not show text
    for command in ("excerpt", "read"):
        refused = await app.reader.slash(command, story=DREAMS, channel=app.general)
        assert refused.ephemeral and not refused.embeds
        assert refused.content == (
            f"“{DREAMS}” is rated Explicit: its text can only be shown in an "
            "age-restricted channel."
        )
    search = await app.reader.slash("search", query="walking dreams", channel=app.general)
    assert DREAMS not in search.text
    top = await app.reader.slash("rate", story=DREAMS, stars=5, channel=app.general)
    assert "You rated" in top.content
    listed = await app.reader.slash("top", channel=app.general)
    assert listed.ephemeral and DREAMS not in listed.text


@pytest.mark.parametrize("where", ["adult", "adult_thread"])
async def test_age_restricted_channel_and_its_threads_show_everything(samples, where):
    app = samples
    channel = getattr(app, where)
    card = await app.reader.slash("story", story=DREAMS, channel=channel)
    assert "Early season 6" in card.text and "Read" in card.labels
    excerpt = await app.reader.slash("excerpt", story=DREAMS, channel=channel)
    assert not excerpt.ephemeral and excerpt.embed["title"] == DREAMS
    assert "🔴 Explicit" in excerpt.embed["author"]["name"]
    more = await excerpt.click("Continue")
    assert more.ephemeral and "passage 2 of" in more.embed["footer"]["text"]
    session = await app.reader.slash("read", story=DREAMS, channel=channel)
    assert session.ephemeral and session.embed["title"] == DREAMS
    search = await app.reader.slash("search", query="walking dreams", channel=channel)
    assert DREAMS in search.text
    # Mature (002) and Teen-rated seeds are listed there too
    browse = await app.reader.slash("browse", channel=channel)
    assert "5 stories" in browse.text


async def test_continue_refuses_adult_text_outside_age_restricted_channels(samples):
    app = samples
    await app.reader.slash("read", story=DREAMS, channel=app.adult)
    refused = await app.reader.slash("continue", channel=app.general)
    assert refused.ephemeral and "age-restricted channel" in refused.content
    ok = await app.reader.slash("continue", channel=app.adult_thread)
    assert ok.embed["title"] == DREAMS


async def test_buttons_from_an_adult_card_refuse_in_a_normal_channel(samples):
    app = samples
    excerpt = await app.reader.slash("excerpt", story=DREAMS, channel=app.adult)
    # the channel loses its age restriction after the excerpt was posted
    app.adult.nsfw = False
    app.emu.dispatch("CHANNEL_UPDATE", app.adult.payload())
    for _ in range(100):
        if not app.bot.get_channel(app.adult.id).is_nsfw():
            break
        await asyncio.sleep(0.01)
    refused = await excerpt.click("Continue")
    assert refused.ephemeral and "age-restricted channel" in refused.content
    assert not refused.embeds


async def test_no_reader_command_works_in_dms(samples):
    app = samples
    for command, options in (
        ("excerpt", {"story": DREAMS}),
        ("read", {"story": DREAMS}),
        ("story", {"story": DREAMS}),
        ("search", {"query": "dreams"}),
    ):
        with pytest.raises(CommandRefused, match="cannot be used in DMs"):
            await app.reader.slash(command, channel=app.reader.dm_channel, **options)


async def test_mentions_in_story_text_ping_nobody(app):
    evil = (
        "Hey @everyone and @here! <@123456789012345678> said hi to <@&123456789012345679> "
        "in <#123456789012345670>. *sigh*"
    )
    await add(app, make_story("Ping Party @everyone", text=evil))
    excerpt = await app.reader.slash("excerpt", story="Ping Party", channel=app.general)
    assert not excerpt.pinged
    description = excerpt.embed["description"]
    assert "*sigh*" in description
    assert not has_live_mention(excerpt.text)
    assert description.replace("\u200b", "") == evil  # readable, just not live
    rated = await app.reader.slash("rate", story="Ping Party", stars=3, channel=app.general)
    assert "Ping Party" in rated.content and not rated.pinged
    assert not has_live_mention(rated.content)
    card = await app.reader.slash("story", story="Ping Party", channel=app.general)
    assert not card.pinged and not has_live_mention(card.text)
    unknown = await app.reader.slash(
        "story", story="Ping Partyy <@123456789012345678> x", channel=app.general
    )
    assert unknown.ephemeral and not unknown.pinged
    assert not has_live_mention(unknown.content)


async def test_moderator_story_option_offers_every_title(samples):
    app = samples

    @app_commands.command(name="modpick", description="a moderator tool's story option")
    @app_commands.guild_only()
    async def modpick(interaction, story: ModeratorStoryArg) -> None:
        await interaction.response.send_message(story.title, ephemeral=True)

    app.bot.tree.add_command(modpick)
    await app.bot.tree.sync()
    offered = await app.moderator.autocomplete("modpick", "story", "walk", channel=app.general)
    assert offered[0]["name"].startswith(DREAMS)
    picked = await app.moderator.slash("modpick", story=offered[0]["value"], channel=app.general)
    assert picked.content == DREAMS
