"""`/later add|list|remove`: a private reading list (AO3's "Marked for Later"). The card's
"Read later" button adds to it; reading a story to its end in /read marks it finished and
takes it off the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.render import clip, safe
from bot.transformers import StoryArg
from bot.ui.cards import mark_later
from bot.ui.errors import answer
from bot.ui.lists import ADULT_HIDDEN_NOTE, send_story_list

if TYPE_CHECKING:
    from bot.client import StoryBot


class Later(
    commands.GroupCog,
    group_name="later",
    group_description="Your reading list: stories marked to read later",
):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Keep a story on your reading list")
    @app_commands.guild_only()
    @app_commands.describe(story="Start typing the title")
    async def add(self, interaction: discord.Interaction, story: StoryArg) -> None:
        await mark_later(interaction, story)

    @app_commands.command(name="remove", description="Take a story off your reading list")
    @app_commands.guild_only()
    @app_commands.describe(story="Start typing the title")
    async def remove(self, interaction: discord.Interaction, story: StoryArg) -> None:
        assert interaction.guild_id is not None
        removed = await self.bot.library.unmark_later(
            interaction.guild_id, interaction.user.id, story.id
        )
        title = clip(safe(story.title), 150)
        if not removed:
            raise LibraryError(f"“{title}” is not on your reading list.")
        await answer(interaction, content=f"Took “{title}” off your reading list.", ephemeral=True)

    @app_commands.command(name="list", description="Your reading list (only you see it)")
    @app_commands.guild_only()
    async def list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        audience = await audience_for(interaction)
        stories = await self.bot.library.later(interaction.guild_id, interaction.user.id)
        shown, hidden = audience.listable(stories)  # extra-safe: hidden ones not counted
        if not shown:
            extra = ""
            if hidden:
                extra = " here (the stories on it are listed only in age-restricted channels)"
            elif audience.hide_adult:
                extra = " here"
            raise LibraryError(
                f"Your reading list is empty{extra}. Add stories with /later add or the"
                " “Read later” button on a story card."
            )
        note = "Only you see this list; reading a story to its end takes it off."
        if hidden:
            note += " " + ADULT_HIDDEN_NOTE
        await send_story_list(interaction, "Your reading list", shown, note=note, ephemeral=True)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Later(bot))
