"""`/story story`: a story's card with Read, Excerpt and ★1–★5 buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.transformers import StoryArg
from bot.ui.cards import send_card

if TYPE_CHECKING:
    from bot.client import StoryBot


class Story(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="story", description="Show a story's card")
    @app_commands.guild_only()
    @app_commands.describe(story="Start typing the title")
    async def story(self, interaction: discord.Interaction, story: StoryArg) -> None:
        await send_card(interaction, story, ephemeral=False)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Story(bot))
