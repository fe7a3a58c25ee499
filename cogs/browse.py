"""`/browse`: page through the library by pairing, character, rating, status, length,
author; sorted by top rated, newest, longest, shortest or title."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from bot.library.records import StoryRecord
from bot.render import plural
from bot.transformers import RATING_CHOICES, STATUS_CHOICES, facet_autocomplete
from bot.ui.lists import ADULT_HIDDEN_NOTE, send_story_query

if TYPE_CHECKING:
    from bot.client import StoryBot


Choice = app_commands.Choice
LENGTH_CHOICES = [
    Choice(name="Short (under 5,000 words)", value="short"),
    Choice(name="Medium (5,000–20,000 words)", value="medium"),
    Choice(name="Long (20,000–50,000 words)", value="long"),
    Choice(name="Epic (50,000 words or more)", value="epic"),
]
SORT_CHOICES = [
    Choice(name="Top rated", value="top"),
    Choice(name="Newest", value="newest"),
    Choice(name="Longest", value="longest"),
    Choice(name="Shortest", value="shortest"),
    Choice(name="Title", value="title"),
]


class Browse(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="browse", description="Look through the library")
    @app_commands.guild_only()
    @app_commands.describe(
        pairing="Only stories with this pairing (ship names and initials work: Spuffy, B/A)",
        character="Only stories with this character",
        rating="Only stories with this rating",
        status="Complete or work in progress",
        length="How long",
        author="Only stories by this author",
        sort="Order (default: title)",
    )
    @app_commands.choices(
        rating=RATING_CHOICES, status=STATUS_CHOICES, length=LENGTH_CHOICES, sort=SORT_CHOICES
    )
    @app_commands.autocomplete(
        pairing=facet_autocomplete("pairing"),
        character=facet_autocomplete("character"),
        author=facet_autocomplete("author"),
    )
    async def browse(  # noqa: PLR0917 - one parameter per slash-command option
        self,
        interaction: discord.Interaction,
        pairing: app_commands.Range[str, 1, 200] | None = None,
        character: app_commands.Range[str, 1, 100] | None = None,
        rating: str | None = None,
        status: str | None = None,
        length: str | None = None,
        author: app_commands.Range[str, 1, 100] | None = None,
        sort: str = "title",
    ) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        library = self.bot.library
        audience = await audience_for(interaction)
        if pairing:  # ship names, initials, either order: "Spuffy", "B/A", "spike/buffy"
            pairing = await library.resolve_pairing(guild_id, pairing)
        if rating and not audience.may_list_rating(RatingLevel(rating)):
            raise LibraryError(
                f"{rating} stories are listed only in age-restricted channels: browse there."
            )
        filters = {
            "pairing": pairing,
            "character": character,
            "rating": rating,
            "status": status,
            "length": length,
            "author": author,
        }

        async def fetch(offset: int, limit: int) -> tuple[list[StoryRecord], int]:
            if sort == "top" and not rating:  # ranked from memory (the catalog)
                return await library.browse_top(
                    guild_id,
                    pairing=pairing,
                    character=character,
                    author=author,
                    status=status,
                    length=length,
                    include_adult=audience.adult_titles,
                    limit=limit,
                    offset=offset,
                )
            return await library.list_stories(
                guild_id,
                **filters,
                include_adult=audience.adult_titles,
                sort=sort,
                limit=limit,
                offset=offset,
            )

        # counting (sort does not matter) decides the refusals, privately, before the
        # public defer; the pages themselves may take longer on a big library
        first = await library.browse(
            guild_id, **filters, include_adult=audience.adult_titles, sort="title", limit=0
        )
        total, hidden = first.total, first.hidden_adult
        if total == 0 and hidden == 0 and not any(filters.values()):
            raise LibraryError(
                "The library is empty so far: moderators add stories with /library add."
            )
        if total == 0:
            message = "No stories match those filters."
            if hidden:
                message += f" ({hidden} adult {plural(hidden, 'story')} hidden: "
                message += "browse in an age-restricted channel.)"
            raise LibraryError(message)
        await interaction.response.defer(thinking=True)
        shown = [v for v in (pairing, character, author) if v]
        title = "Library" + (f": {', '.join(shown)}" if shown else "")
        await send_story_query(
            interaction, title[:200], fetch, note=ADULT_HIDDEN_NOTE if hidden else None
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Browse(bot))
