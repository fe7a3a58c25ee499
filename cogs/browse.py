"""`/browse`: page through the library by pairing (ship names, initials, either order),
character, tag, rating, status, length, author, leaving out tags or archive warnings;
sorted by top rated, newest, longest, shortest or title (natural order: "Part 2" before
"Part 12"). Answered from the guild's in-memory catalog. `series:` lists one declared series
in part order instead (from the library)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import Audience, audience_for
from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from bot.library.records import StoryRecord
from bot.render import clip, plural, safe
from bot.transformers import (
    RATING_CHOICES,
    STATUS_CHOICES,
    facet_autocomplete,
    split_list,
    typed,
)
from bot.ui.context import storybot
from bot.ui.lists import ADULT_HIDDEN_NOTE, send_story_list, send_story_query

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


async def series_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The guild's series names (only series with a part that may be listed here)."""
    if interaction.guild_id is None:
        return []
    audience = await audience_for(interaction)
    names = await storybot(interaction).library.series_names(
        interaction.guild_id, typed(current), include_adult=audience.adult_titles
    )
    return [app_commands.Choice(name=clip(n, 100), value=n[:100]) for n in names]


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
        series="List one series in part order (on its own, without other filters)",
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
        series=series_autocomplete,
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
        sort: str | None = None,
        series: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        library = self.bot.library
        audience = await audience_for(interaction)
        if series:
            others = (pairing, character, rating, status, length, author, tag, exclude, sort)
            if any(others):
                raise LibraryError(
                    "series: lists a whole series in part order: use it without other options."
                )
            await self._series(interaction, series, audience)
            return
        sort = sort or "title"
        if pairing:  # ship names, initials, either order: "Spuffy", "B/A", "spike/buffy"
            pairing = await library.resolve_pairing(guild_id, pairing)
        if rating and audience.hide_adult and RatingLevel(rating).is_adult:
            raise LibraryError("No stories match those filters.")  # extra-safe: none here
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
                audience=audience,
                limit=limit,
                offset=offset,
            )
            return found, total

        _, total, hidden = await library.browse_fast(
            guild_id, **filters, sort=sort, audience=audience, limit=0
        )
        if total == 0 and hidden == 0 and not any(filters.values()):
            if audience.hide_adult:  # extra-safe: hidden stories are not counted
                raise LibraryError("There are no stories to list here yet.")
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

    async def _series(
        self, interaction: discord.Interaction, name: str, audience: Audience
    ) -> None:
        assert interaction.guild_id is not None
        parts = await self.bot.library.series_parts(interaction.guild_id, name)
        listed, hidden = audience.listable(parts)  # extra-safe: hidden parts not counted
        if not listed:
            where = "here" if audience.hide_adult else "in this library"
            message = f"No series called “{clip(safe(name), 100)}” {where}."
            if hidden:
                message = (
                    f"The series “{clip(safe(name), 100)}” is listed only in age-restricted "
                    "channels: browse there."
                )
            raise LibraryError(message)
        title = f"Series: {listed[0].series or name}"
        await send_story_list(
            interaction,
            title[:200],
            listed,
            note=ADULT_HIDDEN_NOTE if hidden else None,
            extra=lambda s: f"Part {s.series_part}" if s.series_part else "part not numbered",
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Browse(bot))
