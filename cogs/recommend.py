"""`/recommend [pairing] [count]`: stories picked for a reader from the pairings (ships)
and characters of the stories they rated well (`bot.library.recommend` does the picking)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.recommend import MAX_COUNT, Recommendation, Recommendations
from bot.library.recommend import recommend as pick_stories
from bot.render import clip, plural, safe
from bot.transformers import facet_autocomplete
from bot.ui.lists import ADULT_HIDDEN_NOTE, send_story_list

if TYPE_CHECKING:
    from bot.client import StoryBot


DEFAULT_COUNT = 10
REASON_MAX = 220


def _title(text: str) -> str:
    return f"*{discord.utils.escape_markdown(clip(safe(text), 80))}*"


def _name(text: str) -> str:
    return discord.utils.escape_markdown(clip(safe(text), 80))


def reason_text(pick: Recommendation) -> str:
    """Why a story was picked, safe to show: quoted titles escaped, mentions neutralised."""
    return clip(pick.explain(_title, _name), REASON_MAX)


def note_text(result: Recommendations) -> str:
    if result.cold_start:
        if result.ratings:
            note = (
                "Your ratings don't tell me which pairings or characters you like yet, "
                "so these are the server's best rated."
            )
        else:
            note = "You haven't rated any stories yet, so these are the server's best rated."
        note += " Rate stories you liked (/rate or the stars on a card) for picks of your own."
    else:
        noun = plural(result.ratings, "rating")
        note = f"Picked from your {result.ratings} {noun}" if result.ratings else "Picked"
        if result.named:
            note += (" and" if result.ratings else "") + " the pairing you asked for"
        note += "; stories you rated are left out."
    if result.hidden_adult:
        note += " " + ADULT_HIDDEN_NOTE
    return note


def nothing_text(result: Recommendations) -> str:
    """The refusal when no story can be recommended."""
    hidden = (
        " (the rest are adult stories, listed only in age-restricted channels)"
        if result.hidden_adult
        else ""
    )
    if result.named:
        ship = clip(safe(", ".join(result.named)), 100)
        return f"You've rated every {ship} story that can be listed here{hidden}."
    if result.cold_start:
        if result.hidden_adult:
            return (
                "The server's best-rated stories are adult stories, listed only in "
                "age-restricted channels: ask there, or rate a story you liked with /rate."
            )
        return (
            "Nobody has rated a story here yet, so I have nothing to go on: rate one you "
            "liked with /rate (or the stars on a story card) and ask again."
        )
    return f"You've rated every story that can be listed here{hidden}. Thank you for reading!"


class Recommend(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="recommend", description="Stories for you, from the pairings you rated well"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        pairing="Only stories with this pairing (default: any, from your ratings)",
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
        store = self.bot.library.store
        audience = await audience_for(interaction)
        result = await pick_stories(
            store,
            interaction.guild_id,
            interaction.user.id,
            pairings=[pairing] if pairing else [],
            only_named=pairing is not None,
            count=count,
            include_adult=audience.adult_titles,
        )
        if not result.picks:
            raise LibraryError(nothing_text(result))
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
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Recommend(bot))
