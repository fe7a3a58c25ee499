"""The one tree.on_error handler: specific ephemeral messages for known errors, a logged
apology for the rest — before or after the interaction was deferred; never a traceback."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.library.errors import LibraryError
from bot.ui.errors import APOLOGY
from tests.cogs.storygen import add, make_story


async def _install(app) -> None:
    @app_commands.command(name="boom", description="fails before answering")
    @app_commands.guild_only()
    async def boom(interaction: discord.Interaction, what: str) -> None:
        raise RuntimeError(f"kaboom {what}")

    @app_commands.command(name="boom-late", description="fails after deferring")
    @app_commands.guild_only()
    async def boom_late(interaction: discord.Interaction, known: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if known:
            raise LibraryError("That shelf is empty.")
        raise KeyError("late")

    app.bot.tree.add_command(boom)
    app.bot.tree.add_command(boom_late)
    await app.bot.tree.sync()


async def test_unexpected_error_is_logged_with_context_and_answered_with_an_apology(app):
    await _install(app)
    reply = await app.reader.slash("boom", what="the-option-value", channel=app.general)
    assert reply.ephemeral and reply.content == APOLOGY
    assert "Traceback" not in reply.content and "kaboom" not in reply.content
    record = app.emu.logged_errors[-1]
    message = record.getMessage()
    assert "'command': 'boom'" in message and "the-option-value" in message
    assert str(app.reader.id) in message and str(app.guild.id) in message
    assert record.exc_info and record.exc_info[0] is RuntimeError
    app.emu.logged_errors.clear()  # expected


async def test_errors_after_deferring_are_sent_as_followups(app):
    await _install(app)
    late = await app.reader.slash("boom-late", channel=app.general)
    assert late.ephemeral and late.content == APOLOGY
    known = await app.reader.slash("boom-late", known=True, channel=app.general)
    assert known.ephemeral and known.content == "That shelf is empty."
    app.emu.logged_errors.clear()


async def test_buttons_for_a_removed_story_explain_themselves(app):
    story_id = await add(app, make_story("Soon Gone"))
    card = await app.reader.slash("story", story="Soon Gone", channel=app.general)
    await app.bot.library.remove(app.guild.id, story_id, actor_id=app.moderator.id)
    for label in ("★3", "Read", "Excerpt"):
        reply = await card.click(label)
        assert reply.ephemeral
        assert reply.content == "That story is no longer in this server's library."
    assert not app.emu.logged_errors
