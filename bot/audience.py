"""An interaction's Audience: the policy is `bot.library.audience` (plain data, tested
without Discord); this module only tells it what Discord knows — whether the channel is
age-restricted (a thread follows its parent; never in DMs) and the guild."""

from __future__ import annotations

from typing import Any

import discord

from bot.library.audience import DM, NOT_AVAILABLE, Audience
from bot.ui.context import storybot

__all__ = ["NOT_AVAILABLE", "Audience", "audience_for", "channel_is_age_restricted"]


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


async def audience_for(interaction: discord.Interaction) -> Audience:
    """The Audience for `interaction`'s channel and guild settings."""
    if interaction.guild is None:
        return DM
    bot = storybot(interaction)
    return await bot.library.audience(
        interaction.guild.id,
        age_restricted=channel_is_age_restricted(interaction.channel),
        default_adult_titles=bot.config.list_adult_titles,
    )
