"""`/excerpt story [chapter] [where]`: post a passage publicly, with a Continue button."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.excerpts import parse_where
from bot.render import passage_embed
from bot.transformers import StoryArg
from bot.ui.cards import excerpt_view

if TYPE_CHECKING:
    from bot.client import StoryBot


WHERE_SUGGESTIONS = ["opening", "random", "last"]


async def where_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    typed = (current or "").strip().lower()
    names = [w for w in WHERE_SUGGESTIONS if w.startswith(typed)]
    if typed.isascii() and typed.isdigit() and len(typed) < 10:  # not '፩', not 10**5000
        names.insert(0, f"passage {int(typed)}")
    elif not names:
        names = [*WHERE_SUGGESTIONS, "passage 1", "passage 2", "passage 3"]
    return [app_commands.Choice(name=n, value=n) for n in names[:25]]


class Excerpts(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="excerpt", description="Post a passage from a story")
    @app_commands.guild_only()
    @app_commands.describe(
        story="Start typing the title",
        chapter="Which chapter (default: the first; random picks any)",
        where="opening, random, last or a passage number",
    )
    @app_commands.autocomplete(where=where_autocomplete)
    async def excerpt(
        self,
        interaction: discord.Interaction,
        story: StoryArg,
        chapter: app_commands.Range[int, 1, 100_000] | None = None,
        where: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        place = parse_where(where)
        (await audience_for(interaction)).check_read(story)
        library = self.bot.library
        # every check that can fail happens before the public answer, so errors stay private
        await library.check_chapter(story, chapter)
        await interaction.response.defer(thinking=True)  # reading chapter text may be slow
        passage = await library.passage(story, chapter=chapter, where=place, clamp=True)
        note = None
        if isinstance(place, int) and passage.number < place:
            note = f"the chapter ends at passage {passage.count}"
        await interaction.followup.send(
            embed=passage_embed(story, passage, heading=note),
            view=excerpt_view(passage),
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Excerpts(bot))
