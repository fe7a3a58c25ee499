"""`/help`: what the bot does, in one screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for

if TYPE_CHECKING:
    from bot.client import StoryBot


HELP = [
    (
        "Find",
        "`/search` a title or author (typos are fine) · `/browse` by pairing, character, "
        "rating, status, length or author · `/top` the best rated · "
        "`/recommend` picks from what you and the server liked · `/similar` stories like "
        "one · `/story` a story's card",
    ),
    (
        "Read",
        "`/excerpt` posts a passage here (opening, random or a passage number) · "
        "`/read` opens a private reading session · `/continue` picks up where you stopped · "
        "`/later` your private reading list (or “Read later” on a card)",
    ),
    (
        "Rate",
        "`/rate` 1–5 stars with an optional short review, or the ★ buttons on a card · "
        "`/ratings` yours or a member's",
    ),
    (
        "Moderators",
        "`/library add` a story file (txt, md, html, epub), or **Add to library** in a "
        "message's Apps menu · `/library edit` · `/library remove` · `/library log` · "
        "`/library stats` · `/settings`",
    ),
    (
        "Ratings & safety",
        "Stories rated Mature, Explicit or Not Rated are shown only in "
        "age-restricted channels; elsewhere you see the title and rating. The bot never pings.",
    ),
]
EXTRA_SAFE_SAFETY = (
    "This server is extra-safe: stories rated Mature, Explicit or Not Rated are not "
    "available here. The bot never pings."
)


class Help(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(
            title="Story library",
            description="This server's fan-fiction library: find, read and rate stories.",
            colour=0x5865F2,
        )
        hiding = (await audience_for(interaction)).hide_adult
        for name, value in HELP:
            if hiding and name == "Ratings & safety":
                value = EXTRA_SAFE_SAFETY  # noqa: PLW2901 - the extra-safe wording
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text="Start typing a title in any story option: it autocompletes.")
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Help(bot))
