"""What an interaction carries: the StoryBot behind it and that bot's library.

`interaction.client` is typed as a plain `discord.Client`; every interaction this bot
handles comes from a `StoryBot`, so these say so once instead of a `type: ignore` at
every use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

if TYPE_CHECKING:
    from bot.client import StoryBot
    from bot.library.service import Library


def storybot(interaction: discord.Interaction) -> StoryBot:
    return cast("StoryBot", interaction.client)


def library_of(interaction: discord.Interaction) -> Library:
    return storybot(interaction).library
