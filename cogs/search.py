"""`/search query [author]`: one search box over titles (typos and all), summaries, tags,
characters and pairings, with filter words ("spuffy angst wip"); with an author, titles
by that author only."""

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
        name="search",
        description="Find stories by title, summary, tag, character or pairing; typos and all",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        query="Title, summary or tag words; a pairing (Spuffy), character, wip/complete, rating",
        author="Only titles by this author",
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
        shown = clip(safe(query), 80)
        # extra-safe: adult stories are not "in the library" for members, so say "here"
        where = "here" if audience.hide_adult else "in the library"
        if author is None:
            box, stories, hidden = await library.search_box(
                interaction.guild_id, query, limit=RESULTS, audience=audience
            )
            if not stories:
                within = f" ({box.describe()})" if box.filters else ""
                if hidden:
                    raise LibraryError(
                        f"Only stories rated Mature, Explicit or Not Rated match “{shown}”"
                        f"{within}; they are listed in age-restricted channels."
                    )
                raise LibraryError(
                    f"Nothing {where} is close to “{shown}”{within}. "
                    "Try /browse to look through everything."
                )
            await send_story_list(interaction, f"Search: {shown}", stories)
            return
        hits = library.search(
            interaction.guild_id,
            query,
            limit=RESULTS,
            author=author,
            audience=audience,
        )
        stories = await library.get_stories(interaction.guild_id, [h.story_id for h in hits])
        if not stories:
            by = f" by {clip(safe(author), 60)}"
            hidden = not audience.adult_titles and library.hidden_adult_matches(
                interaction.guild_id, query, author=author, audience=audience
            )
            if hidden:
                raise LibraryError(
                    f"Only stories rated Mature, Explicit or Not Rated match “{shown}”{by}; "
                    "they are listed in age-restricted channels."
                )
            raise LibraryError(
                f"Nothing {where} is close to “{shown}”{by}. "
                "Try /browse to look through everything."
            )
        await send_story_list(interaction, f"Search: {shown}", stories)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Search(bot))
