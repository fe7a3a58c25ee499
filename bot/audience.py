"""The one place that decides what adult material may appear where (AO3 rule, issue 4).

- Adult *text* (excerpts, reading, summaries of Mature / Explicit / Not Rated stories):
  only in age-restricted channels; a thread follows its parent; never in DMs.
- Adult *titles* in lists (search, browse, top, autocomplete): in age-restricted channels,
  or anywhere in a guild that opted in (`list_adult_titles`, default from config).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from bot.ui.context import storybot

if TYPE_CHECKING:
    from bot.library.records import StoryRecord


def channel_is_age_restricted(channel: Any) -> bool:
    """True only for a guild channel (or a thread whose parent is) marked age-restricted."""
    if channel is None or isinstance(
        channel, discord.DMChannel | discord.GroupChannel | discord.PartialMessageable
    ):
        return False
    if getattr(channel, "guild", None) is None:
        return False
    if isinstance(channel, discord.Thread):
        parent = channel.parent
        return bool(parent is not None and parent.is_nsfw())
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else False


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may see what in the channel an interaction came from."""

    adult_text: bool  # may show the text / summary of an adult story here
    adult_titles: bool  # may list adult stories' titles here

    def may_read(self, story: StoryRecord) -> bool:
        return self.adult_text or not story.is_adult

    def may_list(self, story: StoryRecord) -> bool:
        return self.may_list_rating(story.rating_level)

    def may_list_rating(self, level: RatingLevel) -> bool:
        return self.adult_titles or not level.is_adult

    def check_read(self, story: StoryRecord) -> None:
        """Raise LibraryError (shown to the member) if `story`'s text may not appear here."""
        if not self.may_read(story):
            from bot.render import adult_refusal

            raise LibraryError(adult_refusal(story))


async def audience_for(interaction: discord.Interaction) -> Audience:
    """The Audience for `interaction`'s channel and guild settings."""
    if interaction.guild is None:
        return Audience(adult_text=False, adult_titles=False)
    if channel_is_age_restricted(interaction.channel):
        return Audience(adult_text=True, adult_titles=True)
    bot = storybot(interaction)
    settings = await bot.library.settings(interaction.guild.id)
    opted_in = settings.list_adult_titles
    if opted_in is None:
        opted_in = bot.config.list_adult_titles
    return Audience(adult_text=False, adult_titles=bool(opted_in))
