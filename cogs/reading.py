"""`/read story [chapter]` opens a private reading session; `/continue` resumes the story
the member read last, where they left off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.excerpts import OPENING
from bot.transformers import StoryArg
from bot.ui.cards import resume_passage
from bot.ui.reading import start_reading

if TYPE_CHECKING:
    from bot.client import StoryBot


class Reading(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="read", description="Read a story privately, passage by passage")
    @app_commands.guild_only()
    @app_commands.describe(
        story="Start typing the title",
        chapter="Start at this chapter (default: where you left off)",
    )
    async def read(
        self,
        interaction: discord.Interaction,
        story: StoryArg,
        chapter: app_commands.Range[int, 1, 100_000] | None = None,
    ) -> None:
        library = self.bot.library
        (await audience_for(interaction)).check_read(story)
        await library.check_chapter(story, chapter)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if chapter is None:
            passage = await resume_passage(interaction, story)
        else:
            passage = await library.passage(story, chapter=chapter, where=OPENING)
        await start_reading(interaction, story, passage)

    @app_commands.command(name="continue", description="Carry on reading where you left off")
    @app_commands.guild_only()
    async def continue_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        library = self.bot.library
        last = await library.last_read(interaction.guild_id, interaction.user.id)
        if last is None:
            raise LibraryError("You haven't started reading anything yet: try /read.")
        story_id, chapter, number = last
        story = await library.find(interaction.guild_id, story_id)
        if story is None:
            raise LibraryError(
                "The story you were reading has been removed from the library: try /browse."
            )
        (await audience_for(interaction)).check_read(story)
        await interaction.response.defer(ephemeral=True, thinking=True)
        passage = await library.passage_at(story, chapter, number)
        await start_reading(interaction, story, passage)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Reading(bot))
