"""`/recommend [pairing] [count]`: stories picked for a reader from what they and the
server's other readers liked (`bot.library.recommend` does the picking).

The answer is private: it is deferred ephemerally (the first recommendation after a
start may wait for the guild's catalog), so a refusal is never public either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.recommend import MAX_COUNT
from bot.render import clip, safe
from bot.transformers import facet_autocomplete
from bot.ui.lists import send_story_list
from bot.ui.recommendations import note_text, nothing_text, reason_text

if TYPE_CHECKING:
    from bot.client import StoryBot


DEFAULT_COUNT = 10


class Recommend(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="recommend", description="Stories for you, from what you and the server liked"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        pairing="Only stories with this pairing (ship names and initials work too)",
        count=f"How many stories (1–{MAX_COUNT}, default {DEFAULT_COUNT})",
    )
    @app_commands.autocomplete(pairing=facet_autocomplete("pairing"))
    async def recommend(
        self,
        interaction: discord.Interaction,
        pairing: app_commands.Range[str, 1, 200] | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] = DEFAULT_COUNT,
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        audience = await audience_for(interaction)
        result = await self.bot.library.recommend(
            interaction.guild_id,
            interaction.user.id,
            pairings=[pairing] if pairing else [],
            only_named=pairing is not None,
            count=count,
            audience=audience,
        )
        if not result.picks:
            raise LibraryError(nothing_text(result, hiding=audience.hide_adult))
        reasons = {p.story.id: reason_text(p) for p in result.picks}
        title = f"Recommended for {clip(safe(interaction.user.display_name), 80)}"
        if result.named:
            title += f": {clip(safe(', '.join(result.named)), 100)}"
        await send_story_list(
            interaction,
            title,
            [p.story for p in result.picks],
            note=note_text(result),
            reason=lambda story: reasons[story.id],
            ephemeral=True,
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Recommend(bot))
