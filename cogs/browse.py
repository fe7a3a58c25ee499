"""`/browse`: page through the library by pairing (ship names, initials, either order),
character, tag, rating, status, length, author, leaving out tags or archive warnings;
sorted by top rated, newest, longest, shortest or title (natural order: "Part 2" before
"Part 12"). Answered from the guild's in-memory catalog."""

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
from bot.transformers import (
    RATING_CHOICES,
    STATUS_CHOICES,
    facet_autocomplete,
    split_list,
)
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
        tag="Only stories with this tag",
        exclude="Leave out stories with these tags or archive warnings (comma-separated)",
        sort="Order (default: title)",
    )
    @app_commands.choices(
        rating=RATING_CHOICES, status=STATUS_CHOICES, length=LENGTH_CHOICES, sort=SORT_CHOICES
    )
    @app_commands.autocomplete(
        pairing=facet_autocomplete("pairing"),
        character=facet_autocomplete("character"),
        author=facet_autocomplete("author"),
        tag=facet_autocomplete("tag"),
        exclude=facet_autocomplete("warning"),
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
        tag: app_commands.Range[str, 1, 100] | None = None,
        exclude: app_commands.Range[str, 1, 300] | None = None,
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
            "tag": tag,
            "exclude": split_list(exclude or ""),
        }
        if not library.discovery_ready(guild_id):
            # just after a start the guild's catalog is still being read: answer privately
            # once it is (a refusal stays private too)
            await interaction.response.defer(ephemeral=True, thinking=True)

        async def fetch(offset: int, limit: int) -> tuple[list[StoryRecord], int]:
            found, total, _ = await library.browse_fast(
                guild_id,
                **filters,
                sort=sort,
                include_adult=audience.adult_titles,
                limit=limit,
                offset=offset,
            )
            return found, total

        _, total, hidden = await library.browse_fast(
            guild_id, **filters, sort=sort, include_adult=audience.adult_titles, limit=0
        )
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
        if not interaction.response.is_done():
            await interaction.response.defer(thinking=True)
        shown = [v for v in (pairing, character, author, tag) if v]
        title = "Library" + (f": {', '.join(shown)}" if shown else "")
        if filters["exclude"]:
            title += f" (without {', '.join(filters['exclude'])})"
        await send_story_query(
            interaction, title[:200], fetch, note=ADULT_HIDDEN_NOTE if hidden else None
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Browse(bot))
