"""`/search query [author]`: fuzzy search over the library's titles and authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.render import clip, safe
from bot.transformers import facet_autocomplete
from bot.ui.lists import send_story_list

if TYPE_CHECKING:
    from bot.client import StoryBot


RESULTS = 25


class Search(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="search", description="Find a story by title or author, typos and all"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        query="Words from the title or the author's name", author="Only stories by this author"
    )
    @app_commands.autocomplete(author=facet_autocomplete("author"))
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        author: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        library = self.bot.library
        audience = await audience_for(interaction)
        hits = library.search(
            interaction.guild_id,
            query,
            limit=RESULTS,
            author=author,
            include_adult=audience.adult_titles,
        )
        stories = await library.get_stories(interaction.guild_id, [h.story_id for h in hits])
        shown = clip(safe(query), 80)
        if not stories:
            by = f" by {clip(safe(author), 60)}" if author else ""
            hidden = not audience.adult_titles and library.hidden_adult_matches(
                interaction.guild_id, query, author=author
            )
            if hidden:
                raise LibraryError(
                    f"Only stories rated Mature, Explicit or Not Rated match “{shown}”{by}; "
                    "they are listed in age-restricted channels."
                )
            raise LibraryError(
                f"Nothing in the library is close to “{shown}”{by}. "
                "Try /browse to look through everything."
            )
        await send_story_list(interaction, f"Search: {shown}", stories)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Search(bot))
