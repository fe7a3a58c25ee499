"""`/similar story [count]`: stories like one story — read by the same readers (co-likes)
and sharing its pairings, characters and tags — each with its reason. The "More like
this" button on a story card gives the same list (`bot.ui.cards.send_similar`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.library.recommend import MAX_COUNT
from bot.transformers import StoryArg
from bot.ui.cards import send_similar

if TYPE_CHECKING:
    from bot.client import StoryBot


class Similar(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="similar", description="Stories like one you liked")
    @app_commands.guild_only()
    @app_commands.describe(
        story="Start typing the title", count=f"How many stories (1–{MAX_COUNT}, default 10)"
    )
    async def similar(
        self,
        interaction: discord.Interaction,
        story: StoryArg,
        count: app_commands.Range[int, 1, MAX_COUNT] = 10,
    ) -> None:
        await send_similar(interaction, story, count=count)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Similar(bot))
