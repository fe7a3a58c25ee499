"""`/rate story stars [review]`, `/ratings [member]`, `/top [pairing]`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.limits import MAX_REVIEW_CHARS
from bot.library.records import StoryRecord
from bot.render import clip, community_rating, safe, stars
from bot.transformers import StoryArg, facet_autocomplete
from bot.ui.cards import rate_story
from bot.ui.lists import ADULT_HIDDEN_NOTE, send_story_list

if TYPE_CHECKING:
    from bot.client import StoryBot


TOP_LIMIT = 30
TOP_MIN_RATINGS = 2


class Ratings(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="rate", description="Rate a story from 1 to 5 stars")
    @app_commands.guild_only()
    @app_commands.describe(
        story="Start typing the title",
        stars="1 (not for me) to 5 (loved it)",
        review=f"A short review (up to {MAX_REVIEW_CHARS} characters)",
    )
    async def rate(
        self,
        interaction: discord.Interaction,
        story: StoryArg,
        stars: app_commands.Range[int, 1, 5],
        review: app_commands.Range[str, 1, MAX_REVIEW_CHARS] | None = None,
    ) -> None:
        await rate_story(interaction, story, stars, review)

    @app_commands.command(name="ratings", description="A member's story ratings")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose ratings (default: yours)")
    async def ratings(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        who = member or interaction.user
        library = self.bot.library
        audience = await audience_for(interaction)
        rated = await library.ratings_by_user(interaction.guild_id, who.id)
        listed, hidden = audience.listable(s for s, _ in rated)  # extra-safe: not counted
        keep = {s.id for s in listed}
        shown = [(s, r) for s, r in rated if s.id in keep]
        name = clip(safe(who.display_name), 80)
        if not shown:
            extra = " that can be listed here" if hidden or audience.hide_adult else ""
            raise LibraryError(f"{name} hasn't rated any stories{extra} yet.")
        reviews = {s.id: r for s, r in shown}

        def extra_line(story: StoryRecord) -> str:
            r = reviews[story.id]
            line = f"{stars(r.stars)}"
            if r.review:
                line += f" — “{clip(safe(r.review), 150)}”"
            return line

        note = ADULT_HIDDEN_NOTE if hidden else None
        await send_story_list(
            interaction, f"{name}'s ratings", [s for s, _ in shown], note=note, extra=extra_line
        )

    @app_commands.command(name="top", description="The server's best-rated stories")
    @app_commands.guild_only()
    @app_commands.describe(pairing="Only stories with this pairing (ship names work too)")
    @app_commands.autocomplete(pairing=facet_autocomplete("pairing"))
    async def top(
        self,
        interaction: discord.Interaction,
        pairing: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Ranked by the Bayesian average (a lone ★5 does not beat ten ★4.8s), shown with
        the plain average and count; a story needs `TOP_MIN_RATINGS` ratings to be listed
        (the list says so when too few have that many and it shows those with one)."""
        assert interaction.guild_id is not None
        audience = await audience_for(interaction)
        if not self.bot.library.discovery.ready(interaction.guild_id):
            # the guild's catalog is still being read (just after a start): answer
            # privately once it is, so a refusal stays private too
            await interaction.response.defer(ephemeral=True, thinking=True)
        best, _total, used = await self.bot.library.top(
            interaction.guild_id,
            min_ratings=TOP_MIN_RATINGS,
            pairing=pairing,
            audience=audience,
            limit=TOP_LIMIT,
        )
        if not best:
            what = f" with {clip(safe(pairing), 80)}" if pairing else ""
            raise LibraryError(
                f"No rated stories{what} yet: rate one with /rate or the stars on a story card."
            )
        summaries = {s.id: summary for s, summary in best}
        title = "Top rated" + (f": {clip(safe(pairing), 100)}" if pairing else "")
        if used > 1:
            note = f"Stories with at least {used} ratings, ranked by a weighted average."
        else:
            note = (
                f"Few stories have {TOP_MIN_RATINGS} ratings yet, so stories with one are"
                " listed too; ranked by a weighted average that needs several ratings."
            )
        await send_story_list(
            interaction,
            title,
            [s for s, _ in best],
            note=note,
            extra=lambda s: community_rating(summaries[s.id]),
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Ratings(bot))
